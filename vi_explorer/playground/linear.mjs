// torch.nn.Linear(nIn, nOut), forward and backward, on a batch stored feature by
// feature (see kernels.mjs). The backward pass is the chain rule, written by hand.
import { addCombination, addCombination2, dotRows, dotRows2 } from './kernels.mjs';

export class Linear {
  // weight (nOut, nIn) and bias (nOut), both drawn from U(-1/√nIn, 1/√nIn), as
  // PyTorch's default initialisation (kaiming_uniform_ with a = √5 gives that bound).
  constructor(nIn, nOut, random) {
    this.nIn = nIn;
    this.nOut = nOut;
    this.weight = new Float64Array(nOut * nIn); // weight[o·nIn + i], torch's layout
    this.bias = new Float64Array(nOut);
    this.gradWeight = new Float64Array(nOut * nIn);
    this.gradBias = new Float64Array(nOut);
    const bound = 1 / Math.sqrt(nIn);
    for (let k = 0; k < this.weight.length; k++) {
      this.weight[k] = (2 * random.uniform() - 1) * bound;
    }
    for (let k = 0; k < nOut; k++) this.bias[k] = (2 * random.uniform() - 1) * bound;
  }

  // out[o] = bias[o] + Σ_i weight[o, i] · input[i], at each of the n points; then
  // ReLU, max(0, ·), if asked. Outputs in pairs, an odd last one alone.
  forward(input, n, out, relu) {
    const { nIn, nOut, weight: w } = this;
    for (let o = 0; o < nOut; o++) out.fill(this.bias[o], o * n, o * n + n);
    let o = 0;
    for (; o + 2 <= nOut; o += 2) {
      addCombination2(out, o * n, o * n + n, input, nIn, w, o * nIn, o * nIn + nIn, 1, n);
    }
    if (o < nOut) addCombination(out, o * n, input, nIn, w, o * nIn, 1, n);
    if (relu) for (let k = 0; k < nOut * n; k++) if (out[k] < 0) out[k] = 0;
  }

  // Given g = dL/dout at the n points:
  //   dL/dweight[o, i] = Σ_k g[o, k] · input[i, k],   dL/dbias[o] = Σ_k g[o, k]
  // and, if gradInput is given, dL/dinput[i] = Σ_o weight[o, i] · g[o].
  backward(input, n, gradOut, gradInput) {
    const { nIn, nOut } = this;
    for (let o = 0; o < nOut; o++) {
      let gb = 0;
      for (let k = o * n; k < o * n + n; k++) gb += gradOut[k];
      this.gradBias[o] = gb;
    }
    let o = 0;
    for (; o + 2 <= nOut; o += 2) {
      dotRows2(this.gradWeight, o * nIn, o * nIn + nIn, gradOut, o * n, o * n + n, input, nIn, n);
    }
    if (o < nOut) dotRows(this.gradWeight, o * nIn, gradOut, o * n, input, nIn, n);
    if (gradInput) this.backwardInput(n, gradOut, gradInput);
  }

  // dL/dinput[i] = Σ_o weight[o, i] · g[o], inputs in pairs.
  backwardInput(n, gradOut, gradInput) {
    const { nIn, nOut, weight } = this;
    gradInput.fill(0, 0, nIn * n);
    let i = 0;
    for (; i + 2 <= nIn; i += 2) {
      addCombination2(gradInput, i * n, i * n + n, gradOut, nOut, weight, i, i + 1, nIn, n);
    }
    if (i < nIn) addCombination(gradInput, i * n, gradOut, nOut, weight, i, nIn, n);
  }
}
