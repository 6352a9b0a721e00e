// nn.Sequential(Linear, ReLU, Linear, ReLU, ..., Linear), with sizes like
// [1, 40, 20, 10, 1], forward and backward.
import { Linear } from './linear.mjs';

export class MLP {
  constructor(sizes, random) {
    this.sizes = sizes;
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.layers.push(new Linear(sizes[l], sizes[l + 1], random));
    }
    this.buffers = {}; // activations for each batch size n, reused every epoch
    this.lastN = 0;
  }

  // The parameters in torch's order: weight and bias of each layer.
  parameters() {
    return this.layers.flatMap((layer) => [
      { value: layer.weight, grad: layer.gradWeight },
      { value: layer.bias, grad: layer.gradBias },
    ]);
  }

  buffersFor(n) {
    if (!this.buffers[n]) {
      this.buffers[n] = {
        acts: this.sizes.map((s) => new Float64Array(s * n)),
        grads: this.sizes.map((s) => new Float64Array(s * n)),
      };
    }
    return this.buffers[n];
  }

  // x: (N,) inputs; returns the (N,) outputs (a buffer reused by the next call).
  // The activations stay for backward().
  forward(x, n) {
    const buf = this.buffersFor(n), last = this.layers.length - 1;
    buf.acts[0].set(x.subarray(0, n));
    for (let l = 0; l <= last; l++) {
      this.layers[l].forward(buf.acts[l], n, buf.acts[l + 1], l < last);
    }
    this.lastN = n;
    return buf.acts[last + 1];
  }

  // gradOut: dL/doutput at each of the N points of the last forward(); fills the
  // layers' gradients. ReLU passes the gradient where its output was positive.
  backward(gradOut) {
    const n = this.lastN, buf = this.buffersFor(n);
    let grad = gradOut;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const input = buf.acts[l];
      const gradInput = l > 0 ? buf.grads[l] : null; // no gradient for x itself
      this.layers[l].backward(input, n, grad, gradInput);
      if (gradInput) {
        for (let k = 0; k < this.sizes[l] * n; k++) if (input[k] <= 0) gradInput[k] = 0;
      }
      grad = gradInput;
    }
  }
}
