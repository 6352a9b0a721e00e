// torch.optim.Adam(params, lr) with its defaults, betas (0.9, 0.999) and eps 1e-8:
//   m ← m + (1-β₁)(g - m),   v ← β₂v + (1-β₂)g²
//   p ← p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + eps)
// params: [{value, grad}] (Float64Arrays), as a model's parameters() gives them.
export class Adam {
  constructor(params, lr) {
    this.params = params;
    this.lr = lr;
    this.beta1 = 0.9;
    this.beta2 = 0.999;
    this.eps = 1e-8;
    this.t = 0;
    this.m = params.map((p) => new Float64Array(p.value.length));
    this.v = params.map((p) => new Float64Array(p.value.length));
  }

  step() {
    this.t += 1;
    const b1 = this.beta1, b2 = this.beta2;
    const stepSize = this.lr / (1 - Math.pow(b1, this.t));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, this.t));
    for (let j = 0; j < this.params.length; j++) {
      const p = this.params[j].value, g = this.params[j].grad, m = this.m[j], v = this.v[j];
      for (let k = 0; k < p.length; k++) {
        m[k] += (1 - b1) * (g[k] - m[k]);
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        p[k] -= stepSize * m[k] / (Math.sqrt(v[k]) / bc2Sqrt + this.eps);
      }
    }
  }
}
