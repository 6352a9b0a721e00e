// The playground's random numbers: mulberry32, a small 32-bit generator that
// gives the same numbers in every browser.
//
// PyTorch's and NumPy's generators are not reproduced, so a seed here gives
// other data and weights than the same seed in Python: the parity tests load
// torch's weights, data and eps instead.

// One stream of numbers per use, so that drawing eps does not move the weights.
export const STREAM = { noise: 1, init: 2, eps: 3, split: 4 };

export class Random {
  constructor(seed, stream) {
    this.state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  }

  // U[0, 1)
  uniform() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  // N(0, 1) by Box–Muller
  normal() {
    const u1 = 1 - this.uniform(); // in (0, 1]: log(u1) is finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  normals(n) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }
}
