// Built by vi_explorer/playground/build.mjs (esbuild 0.28.2) from the
// modules beside it: edit those, then run `make js`.
'use strict';
(() => {
  var __defProp = Object.defineProperty;
  var __export = (target, all) => {
    for (var name in all)
      __defProp(target, name, { get: all[name], enumerable: true });
  };

  // vi_explorer/playground/core.mjs
  var core_exports = {};
  __export(core_exports, {
    Adam: () => Adam,
    BetaNLLModel: () => BetaNLLModel,
    CURVE_POINTS: () => CURVE_POINTS,
    DATASETS: () => DATASETS,
    HOLE: () => HOLE,
    Linear: () => Linear,
    MLEModel: () => MLEModel,
    MLP: () => MLP,
    MODELS: () => MODELS,
    N_POINTS: () => N_POINTS,
    RANGES: () => RANGES,
    Random: () => Random,
    STREAM: () => STREAM,
    SourceModel: () => SourceModel,
    Trainer: () => Trainer,
    Z95: () => Z95,
    changeSetting: () => changeSetting,
    curveGrid: () => curveGrid,
    dataFor: () => dataFor,
    defaults: () => defaults,
    formatSettings: () => formatSettings,
    fromArrays: () => fromArrays,
    heteroNoiseStd: () => heteroNoiseStd,
    interpolate: () => interpolate,
    linspace: () => linspace,
    makeData: () => makeData,
    makeHeteroData: () => makeHeteroData,
    mean: () => mean,
    nearestCell: () => nearestCell,
    parseNumber: () => parseNumber,
    parseSettings: () => parseSettings,
    regionScores: () => regionScores,
    score: () => score,
    serveWorker: () => serveWorker,
    trueFunction: () => trueFunction,
    variance: () => variance
  });

  // vi_explorer/playground/random.mjs
  var STREAM = { noise: 1, init: 2, eps: 3, split: 4 };
  var Random = class {
    constructor(seed, stream) {
      this.state = (Math.imul(seed >>> 0, 2654435761) ^ Math.imul(stream + 1, 2246822507)) >>> 0;
    }
    // U[0, 1)
    uniform() {
      this.state = this.state + 1831565813 >>> 0;
      let t = this.state;
      t = Math.imul(t ^ t >>> 15, t | 1);
      t ^= t + Math.imul(t ^ t >>> 7, t | 61);
      return ((t ^ t >>> 14) >>> 0) / 4294967296;
    }
    // N(0, 1) by Box–Muller
    normal() {
      const u1 = 1 - this.uniform();
      const u2 = this.uniform();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
    normals(n) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = this.normal();
      return out;
    }
  };

  // vi_explorer/playground/arrays.mjs
  function linspace(start, stop, n) {
    const out = new Float64Array(n);
    const step = (stop - start) / (n - 1);
    for (let i = 0; i < n; i++) out[i] = i * step + start;
    out[n - 1] = stop;
    return out;
  }
  function pick(a, idx) {
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
    return out;
  }
  function mean(a) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return s / a.length;
  }
  function variance(a) {
    const m = mean(a);
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - m) * (a[i] - m);
    return s / (a.length - 1);
  }

  // vi_explorer/playground/data.mjs
  var SPLIT_SEED = 1996;
  var HOLE = [0.75, 1.75];
  var BEYOND = 4.5;
  var DATASETS = ["cubic", "hetero"];
  function trueFunction(x) {
    return 0.2 * Math.pow(x, 3) - 2 * Math.pow(x, 2 + 1) + 8 * x;
  }
  function heteroNoiseStd(x) {
    return 0.3 + 0.57 * Math.abs(x);
  }
  function noisyTargets(x, sigmaAt, seed) {
    const noise = new Random(seed, STREAM.noise);
    const yTrue = new Float64Array(x.length), y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      yTrue[i] = trueFunction(x[i]);
      y[i] = yTrue[i] + sigmaAt(x[i]) * noise.normal();
    }
    return { yTrue, y };
  }
  function swap(a, i, j) {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  function fromArrays(x, y, yTrue, trainIdx, valIdx, sigma, seed) {
    return {
      x,
      y,
      yTrue,
      sigma,
      seed,
      trainIdx,
      valIdx,
      xTrain: pick(x, trainIdx),
      yTrain: pick(y, trainIdx),
      xVal: pick(x, valIdx),
      yVal: pick(y, valIdx)
    };
  }
  function makeData(n, sigma, seed) {
    const x = linspace(-3, 3, n);
    const { yTrue, y } = noisyTargets(x, () => sigma, seed);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const split = new Random(SPLIT_SEED, STREAM.split);
    for (let i = n - 1; i > 0; i--) swap(order, i, Math.floor(split.uniform() * (i + 1)));
    const nVal = Math.floor(n * 0.2);
    const valIdx = order.slice(0, nVal).sort(), trainIdx = order.slice(nVal).sort();
    return fromArrays(x, y, yTrue, trainIdx, valIdx, sigma, seed);
  }
  function heteroX(n) {
    const half = Math.floor(n / 16), right = linspace(3, BEYOND, half + 1).slice(1);
    const x = new Float64Array(n + 2 * half);
    for (let i = 0; i < half; i++) {
      x[i] = -right[half - 1 - i];
      x[half + n + i] = right[i];
    }
    x.set(linspace(-3, 3, n), half);
    return { x, half };
  }
  var byNumber = (a, b) => a - b;
  function splitPool(pool) {
    const split = new Random(SPLIT_SEED, STREAM.split);
    const nInside = Math.floor(0.2 * pool.length), order = pool.slice();
    for (let i = 0; i < nInside; i++) {
      swap(order, i, i + Math.floor(split.uniform() * (order.length - i)));
    }
    return {
      inside: Int32Array.from(order.slice(0, nInside).sort(byNumber)),
      trainIdx: Int32Array.from(order.slice(nInside).sort(byNumber))
    };
  }
  function makeHeteroData(n, seed) {
    const { x, half } = heteroX(n);
    const { yTrue, y } = noisyTargets(x, heteroNoiseStd, seed);
    const hole = [], pool = [], beyond = [];
    for (let i = 0; i < x.length; i++) {
      if (i < half || i >= half + n) beyond.push(i);
      else if (HOLE[0] < x[i] && x[i] < HOLE[1]) hole.push(i);
      else pool.push(i);
    }
    const { inside, trainIdx } = splitPool(pool);
    let ms = 0;
    for (let i = 0; i < trainIdx.length; i++) ms += Math.pow(heteroNoiseStd(x[trainIdx[i]]), 2);
    const d = fromArrays(x, y, yTrue, trainIdx, inside, Math.sqrt(ms / trainIdx.length), seed);
    d.name = "hetero";
    d.regions = { inside, hole: Int32Array.from(hole), beyond: Int32Array.from(beyond) };
    d.xRange = [-BEYOND, BEYOND];
    return d;
  }
  function dataFor(settings) {
    if (settings.data === "hetero") return makeHeteroData(settings.n, settings.seed);
    const d = makeData(settings.n, settings.sigma, settings.seed);
    d.name = "cubic";
    d.xRange = [-3, 3];
    return d;
  }

  // vi_explorer/playground/kernels.mjs
  function addCombination(dst, d0, src, m, coef, c0, stride, n) {
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const c = c0 + j * stride;
      const a = coef[c], b = coef[c + stride], e = coef[c + 2 * stride], f = coef[c + 3 * stride];
      const s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      for (let k = 0; k < n; k++) {
        dst[d0 + k] += a * src[s0 + k] + b * src[s1 + k] + e * src[s2 + k] + f * src[s3 + k];
      }
    }
    for (; j < m; j++) {
      const cj = coef[c0 + j * stride], sj = j * n;
      for (let k = 0; k < n; k++) dst[d0 + k] += cj * src[sj + k];
    }
  }
  function addCombination2(dst, d0, d1, src, m, coef, c0, c1, stride, n) {
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const p = c0 + j * stride, q = c1 + j * stride;
      const a0 = coef[p], a1 = coef[p + stride], a2 = coef[p + 2 * stride], a3 = coef[p + 3 * stride];
      const b0 = coef[q], b1 = coef[q + stride], b2 = coef[q + 2 * stride], b3 = coef[q + 3 * stride];
      const s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      for (let k = 0; k < n; k++) {
        const x0 = src[s0 + k], x1 = src[s1 + k], x2 = src[s2 + k], x3 = src[s3 + k];
        dst[d0 + k] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        dst[d1 + k] += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3;
      }
    }
    for (; j < m; j++) {
      const cj = coef[c0 + j * stride], ej = coef[c1 + j * stride], sj = j * n;
      for (let k = 0; k < n; k++) {
        dst[d0 + k] += cj * src[sj + k];
        dst[d1 + k] += ej * src[sj + k];
      }
    }
  }
  function dotRows(out, o0, v, v0, src, m, n) {
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (let k = 0; k < n; k++) {
        const vk = v[v0 + k];
        t0 += vk * src[s0 + k];
        t1 += vk * src[s1 + k];
        t2 += vk * src[s2 + k];
        t3 += vk * src[s3 + k];
      }
      out[o0 + j] = t0;
      out[o0 + j + 1] = t1;
      out[o0 + j + 2] = t2;
      out[o0 + j + 3] = t3;
    }
    for (; j < m; j++) {
      const sj = j * n;
      let t = 0;
      for (let k = 0; k < n; k++) t += v[v0 + k] * src[sj + k];
      out[o0 + j] = t;
    }
  }
  function dotRows2(out, o0, o1, v, v0, v1, src, m, n) {
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0, u0 = 0, u1 = 0, u2 = 0, u3 = 0;
      for (let k = 0; k < n; k++) {
        const p = v[v0 + k], q = v[v1 + k];
        const x0 = src[s0 + k], x1 = src[s1 + k], x2 = src[s2 + k], x3 = src[s3 + k];
        t0 += p * x0;
        t1 += p * x1;
        t2 += p * x2;
        t3 += p * x3;
        u0 += q * x0;
        u1 += q * x1;
        u2 += q * x2;
        u3 += q * x3;
      }
      out[o0 + j] = t0;
      out[o0 + j + 1] = t1;
      out[o0 + j + 2] = t2;
      out[o0 + j + 3] = t3;
      out[o1 + j] = u0;
      out[o1 + j + 1] = u1;
      out[o1 + j + 2] = u2;
      out[o1 + j + 3] = u3;
    }
    for (; j < m; j++) {
      const sj = j * n;
      let t = 0, u = 0;
      for (let k = 0; k < n; k++) {
        t += v[v0 + k] * src[sj + k];
        u += v[v1 + k] * src[sj + k];
      }
      out[o0 + j] = t;
      out[o1 + j] = u;
    }
  }

  // vi_explorer/playground/linear.mjs
  var Linear = class {
    // weight (nOut, nIn) and bias (nOut), both drawn from U(-1/√nIn, 1/√nIn), as
    // PyTorch's default initialisation (kaiming_uniform_ with a = √5 gives that bound).
    constructor(nIn, nOut, random) {
      this.nIn = nIn;
      this.nOut = nOut;
      this.weight = new Float64Array(nOut * nIn);
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
      for (let o2 = 0; o2 < nOut; o2++) out.fill(this.bias[o2], o2 * n, o2 * n + n);
      let o = 0;
      for (; o + 2 <= nOut; o += 2) {
        addCombination2(out, o * n, o * n + n, input, nIn, w, o * nIn, o * nIn + nIn, 1, n);
      }
      if (o < nOut) addCombination(out, o * n, input, nIn, w, o * nIn, 1, n);
      if (relu) {
        for (let k = 0; k < nOut * n; k++) if (out[k] < 0) out[k] = 0;
      }
    }
    // Given g = dL/dout at the n points:
    //   dL/dweight[o, i] = Σ_k g[o, k] · input[i, k],   dL/dbias[o] = Σ_k g[o, k]
    // and, if gradInput is given, dL/dinput[i] = Σ_o weight[o, i] · g[o].
    backward(input, n, gradOut, gradInput) {
      const { nIn, nOut } = this;
      for (let o2 = 0; o2 < nOut; o2++) {
        let gb = 0;
        for (let k = o2 * n; k < o2 * n + n; k++) gb += gradOut[k];
        this.gradBias[o2] = gb;
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
  };

  // vi_explorer/playground/mlp.mjs
  var MLP = class {
    constructor(sizes, random) {
      this.sizes = sizes;
      this.layers = [];
      for (let l = 0; l + 1 < sizes.length; l++) {
        this.layers.push(new Linear(sizes[l], sizes[l + 1], random));
      }
      this.buffers = {};
      this.lastN = 0;
    }
    // The parameters in torch's order: weight and bias of each layer.
    parameters() {
      return this.layers.flatMap((layer) => [
        { value: layer.weight, grad: layer.gradWeight },
        { value: layer.bias, grad: layer.gradBias }
      ]);
    }
    buffersFor(n) {
      if (!this.buffers[n]) {
        this.buffers[n] = {
          acts: this.sizes.map((s) => new Float64Array(s * n)),
          grads: this.sizes.map((s) => new Float64Array(s * n))
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
        const gradInput = l > 0 ? buf.grads[l] : null;
        this.layers[l].backward(input, n, grad, gradInput);
        if (gradInput) {
          for (let k = 0; k < this.sizes[l] * n; k++) if (input[k] <= 0) gradInput[k] = 0;
        }
        grad = gradInput;
      }
    }
  };

  // vi_explorer/playground/models.mjs
  var LOG_2PI = Math.log(2 * Math.PI);
  var SIGMA_FLOOR = 1e-5;
  var MIN_VAR = 1e-4;
  function gaussLL(y, mu, logVar) {
    return -0.5 * (LOG_2PI + logVar) - (y - mu) * (y - mu) / (2 * Math.exp(logVar));
  }
  function softplus(r) {
    return r > 20 ? r : Math.log1p(Math.exp(r));
  }
  function sigmoid(r) {
    return 1 / (1 + Math.exp(-r));
  }
  var MLEModel = class {
    constructor(data, random) {
      this.net = new MLP([1, 20, 1], random);
      this.data = data;
    }
    parameters() {
      return this.net.parameters();
    }
    loss(x, y) {
      const n = y.length, yHat = this.net.forward(x, n), grad = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const r = yHat[i] - y[i];
        total += 0.5 * r * r;
        grad[i] = r / n;
      }
      this.net.backward(grad);
      return total / n;
    }
    // The fit, and σ̂ = the root mean squared training residual at every x.
    predict(x) {
      const d = this.data, fitTrain = this.net.forward(d.xTrain, d.xTrain.length);
      let ss = 0;
      for (let i = 0; i < d.yTrain.length; i++) {
        ss += (d.yTrain[i] - fitTrain[i]) * (d.yTrain[i] - fitTrain[i]);
      }
      const sigmaHat = Math.sqrt(ss / d.yTrain.length);
      const mu = Float64Array.from(this.net.forward(x, x.length));
      return { mu, sigma: new Float64Array(x.length).fill(sigmaHat) };
    }
  };
  function twoHeads(random) {
    return [new MLP([1, 40, 20, 10, 1], random), new MLP([1, 40, 20, 10, 1], random)];
  }
  var SourceModel = class {
    constructor(data, random) {
      [this.muNet, this.logVarNet] = twoHeads(random);
      this.priorMean = mean(data.yTrain);
      this.priorVar = variance(data.yTrain);
    }
    parameters() {
      return [...this.muNet.parameters(), ...this.logVarNet.parameters()];
    }
    loss(x, y, eps) {
      const n = y.length, m = this.priorMean, P = this.priorVar, logP = Math.log(P);
      const mu = this.muNet.forward(x, n), logVar = this.logVarNet.forward(x, n);
      const gradMu = new Float64Array(n), gradLogVar = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.exp(logVar[i]), halfSd = 0.5 * Math.sqrt(v);
        const sample = mu[i] + (Math.sqrt(v) + SIGMA_FLOOR) * eps[i];
        total -= gaussLL(y[i], mu[i], logVar[i]) + gaussLL(sample, m, logP) - gaussLL(sample, mu[i], logVar[i]);
        const dSample = -(sample - m) / P + (sample - mu[i]) / v;
        const dMu = (y[i] - mu[i]) / v + dSample - (sample - mu[i]) / v;
        const dLogVar = -0.5 + (y[i] - mu[i]) * (y[i] - mu[i]) / (2 * v) + dSample * halfSd * eps[i] + 0.5 - (sample - mu[i]) * (sample - mu[i]) / (2 * v);
        gradMu[i] = -dMu / n;
        gradLogVar[i] = -dLogVar / n;
      }
      this.muNet.backward(gradMu);
      this.logVarNet.backward(gradLogVar);
      return total / n;
    }
    predict(x) {
      const mu = Float64Array.from(this.muNet.forward(x, x.length));
      const logVar = this.logVarNet.forward(x, x.length), sigma = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) sigma[i] = Math.exp(0.5 * logVar[i]) + SIGMA_FLOOR;
      return { mu, sigma };
    }
  };
  var BetaNLLModel = class {
    constructor(data, random, beta = 0.5) {
      [this.muNet, this.logVarNet] = twoHeads(random);
      this.yMean = mean(data.yTrain);
      this.yStd = Math.sqrt(variance(data.yTrain));
      this.beta = beta;
    }
    parameters() {
      return [...this.muNet.parameters(), ...this.logVarNet.parameters()];
    }
    // The heads' raw outputs a and r → mu and log σ² (and dlogσ²/dr).
    heads(x, n) {
      const a = this.muNet.forward(x, n), r = this.logVarNet.forward(x, n);
      const mu = new Float64Array(n), logVar = new Float64Array(n), dLogVarDr = new Float64Array(n);
      const logScale = 2 * Math.log(this.yStd);
      for (let i = 0; i < n; i++) {
        const varStd = softplus(r[i]) + MIN_VAR;
        mu[i] = this.yMean + this.yStd * a[i];
        logVar[i] = Math.log(varStd) + logScale;
        dLogVarDr[i] = sigmoid(r[i]) / varStd;
      }
      return { mu, logVar, dLogVarDr };
    }
    loss(x, y) {
      const n = y.length, h = this.heads(x, n);
      const gradA = new Float64Array(n), gradR = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.exp(h.logVar[i]), r = y[i] - h.mu[i];
        const weight = Math.exp(this.beta * h.logVar[i]);
        total += weight * -gaussLL(y[i], h.mu[i], h.logVar[i]);
        gradA[i] = weight * (-r / v) * this.yStd / n;
        gradR[i] = weight * (0.5 - r * r / (2 * v)) * h.dLogVarDr[i] / n;
      }
      this.muNet.backward(gradA);
      this.logVarNet.backward(gradR);
      return total / n;
    }
    predict(x) {
      const h = this.heads(x, x.length), sigma = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) sigma[i] = Math.exp(0.5 * h.logVar[i]);
      return { mu: h.mu, sigma };
    }
  };
  var MODELS = {
    mle: { make: (d, r) => new MLEModel(d, r), lr: 0.01, epochs: 1e3, needsEps: false },
    source: { make: (d, r) => new SourceModel(d, r), lr: 1e-3, epochs: 1e3, needsEps: true },
    beta_nll: {
      make: (d, r) => new BetaNLLModel(d, r, 0.5),
      lr: 3e-3,
      epochs: 200,
      needsEps: false
    }
  };

  // vi_explorer/playground/adam.mjs
  var Adam = class {
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
  };

  // vi_explorer/playground/band.mjs
  var Z95 = 1.6448536269514722;
  var CURVE_POINTS = 121;
  function curveGrid(data) {
    const r = data.xRange || [-3, 3];
    return linspace(r[0], r[1], Math.round((CURVE_POINTS - 1) * (r[1] - r[0]) / 6) + 1);
  }
  function bandOf(pred) {
    const n = pred.mu.length;
    const band = { lower: new Float64Array(n), median: pred.mu, upper: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      band.lower[i] = pred.mu[i] - Z95 * pred.sigma[i];
      band.upper[i] = pred.mu[i] + Z95 * pred.sigma[i];
    }
    return band;
  }
  function score(pred, y) {
    let inside = 0, width = 0;
    for (let i = 0; i < y.length; i++) {
      const lo = pred.mu[i] - Z95 * pred.sigma[i], hi = pred.mu[i] + Z95 * pred.sigma[i];
      if (lo <= y[i] && y[i] <= hi) inside += 1;
      width += hi - lo;
    }
    return { coverage: inside / y.length, width: width / y.length };
  }
  function regionScores(model, data) {
    const out = {};
    for (const [name, idx] of Object.entries(data.regions)) {
      const x = pick(data.x, idx);
      const s = score(model.predict(x), pick(data.y, idx));
      let oracle = 0;
      for (let i = 0; i < x.length; i++) oracle += 2 * Z95 * heteroNoiseStd(x[i]);
      s.oracleWidth = oracle / x.length;
      out[name] = s;
    }
    return out;
  }

  // vi_explorer/playground/trainer.mjs
  function loadWeights(model, weights) {
    const params = model.parameters();
    if (weights.length !== params.length) {
      throw new Error(`weights must have ${params.length} arrays, got ${weights.length}`);
    }
    params.forEach((p, j) => {
      if (weights[j].length !== p.value.length) {
        throw new Error(`weights[${j}] must have ${p.value.length} numbers`);
      }
      p.value.set(weights[j]);
    });
  }
  var Trainer = class {
    constructor(settings, data, options = {}) {
      const spec = MODELS[settings.model];
      if (!spec) throw new Error(`model must be one of ${Object.keys(MODELS)}`);
      this.settings = settings;
      this.data = data || dataFor(settings);
      this.model = spec.make(this.data, new Random(settings.seed, STREAM.init));
      if (options.weights) loadWeights(this.model, options.weights);
      this.optimizer = new Adam(this.model.parameters(), settings.lr);
      const epsRandom = new Random(settings.seed, STREAM.eps);
      this.eps = options.eps || ((epoch, n) => epsRandom.normals(n));
      this.needsEps = spec.needsEps;
      this.epoch = 0;
      this.losses = [];
    }
    // One epoch; returns the training loss before the step (what fit logs).
    step() {
      const d = this.data;
      const eps = this.needsEps ? this.eps(this.epoch, d.yTrain.length) : null;
      const loss = this.model.loss(d.xTrain, d.yTrain, eps);
      this.optimizer.step();
      this.epoch += 1;
      this.losses.push(loss);
      return loss;
    }
    done() {
      return this.epoch >= this.settings.epochs;
    }
    // The held-out coverage and width of the band.
    score() {
      return score(this.model.predict(this.data.xVal), this.data.yVal);
    }
    // Chapter 7's scores by region, or null on the cubic.
    regions() {
      return this.data.regions ? regionScores(this.model, this.data) : null;
    }
    // The band on a grid of x: lower, median and upper curves.
    band(x) {
      return bandOf(this.model.predict(x));
    }
  };

  // vi_explorer/playground/settings.mjs
  var RANGES = {
    sigma: { min: 0.1, max: 3, integer: false },
    epochs: { min: 1, max: 5e3, integer: true },
    seed: { min: 0, max: 2147483647, integer: true },
    lr: { min: 1e-5, max: 0.1, integer: false }
  };
  var N_POINTS = 2e3;
  var URL_KEYS = ["model", "sigma", "epochs", "seed", "lr", "data"];
  var isModel = (name) => Object.prototype.hasOwnProperty.call(MODELS, name);
  function defaults(model, data) {
    const m = isModel(model) ? model : "beta_nll";
    return {
      model: m,
      sigma: 1.5,
      epochs: MODELS[m].epochs,
      seed: 0,
      lr: MODELS[m].lr,
      n: N_POINTS,
      data: DATASETS.includes(data) ? data : "cubic"
    };
  }
  function parseNumber(name, text, fallback) {
    const range = RANGES[name];
    const s = String(text).trim();
    const ok = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s);
    const v = ok ? Number(s) : NaN;
    if (!isFinite(v) || range.integer && Math.floor(v) !== v) {
      return { value: fallback, problem: "invalid" };
    }
    const clamped = Math.min(range.max, Math.max(range.min, v));
    return clamped === v ? { value: v } : { value: clamped, problem: "clamped" };
  }
  function parseSettings(text) {
    const params = new URLSearchParams(String(text || "").replace(/^[?#]/, ""));
    const problems = [];
    let model = params.get("model");
    if (model !== null && !isModel(model)) {
      problems.push({ name: "model", problem: "invalid", text: model });
      model = null;
    }
    let data = params.get("data");
    if (data !== null && !DATASETS.includes(data)) {
      problems.push({ name: "data", problem: "invalid", text: data });
      data = null;
    }
    const settings = defaults(model, data);
    for (const name of Object.keys(RANGES)) {
      const raw = params.get(name);
      if (raw === null) continue;
      const r = parseNumber(name, raw, settings[name]);
      settings[name] = r.value;
      if (r.problem) problems.push({ name, problem: r.problem, text: raw });
    }
    return { settings, problems };
  }
  function changeSetting(settings, name, text) {
    if (name === "model") {
      const next = Object.assign(
        defaults(text, settings.data),
        { sigma: settings.sigma, seed: settings.seed }
      );
      return { settings: next, problems: [] };
    }
    if (name === "data") {
      const data = DATASETS.includes(text) ? text : "cubic";
      return { settings: { ...settings, data }, problems: [] };
    }
    const r = parseNumber(name, text, settings[name]);
    const problems = r.problem ? [{ name, problem: r.problem, text }] : [];
    return { settings: { ...settings, [name]: r.value }, problems };
  }
  function formatSettings(s) {
    return URL_KEYS.map((key) => `${key}=${s[key]}`).join("&");
  }

  // vi_explorer/playground/nearest_cell.mjs
  var closest = (values, distance) => values.reduce((a, b) => distance(b) < distance(a) ? b : a);
  function nearestCell(grid, settings) {
    if (!grid || settings.data !== "cubic" || !grid.cells) return null;
    const sigmas = (grid.sigma_keys || []).map(Number), epochs = grid.epochs || [];
    if (!sigmas.length || !epochs.length) return null;
    const s = closest(sigmas, (b) => Math.abs(b - settings.sigma));
    const e = closest(epochs, (b) => Math.abs(Math.log(b / settings.epochs)));
    const key = `${settings.model}|${grid.sigma_keys[sigmas.indexOf(s)]}|${e}`;
    const cell = grid.cells[key];
    if (!cell || !cell.lower || !cell.median || !cell.upper) return null;
    return { key, sigma: s, epochs: e, cell };
  }
  function interpolate(x, xs, ys) {
    const out = new Float64Array(x.length);
    let j = 0;
    for (let i = 0; i < x.length; i++) {
      while (j < xs.length - 2 && xs[j + 1] < x[i]) j++;
      const t = Math.max(0, Math.min(1, (x[i] - xs[j]) / (xs[j + 1] - xs[j])));
      out[i] = ys[j] + t * (ys[j + 1] - ys[j]);
    }
    return out;
  }

  // vi_explorer/playground/serve_worker.mjs
  var SLICE_MS = 15;
  function now() {
    return typeof performance !== "undefined" ? performance.now() : Date.now();
  }
  function nextTask() {
    if (typeof MessageChannel === "undefined") return (f) => setTimeout(f, 0);
    const channel = new MessageChannel(), queue = [];
    channel.port1.onmessage = () => {
      const f = queue.shift();
      if (f) f();
    };
    return (f) => {
      queue.push(f);
      channel.port2.postMessage(0);
    };
  }
  function progress(trainer, x, run, sent, started, running) {
    const s = trainer.score(), band = trainer.band(x);
    return {
      x: Array.from(x),
      regions: trainer.regions(),
      type: "progress",
      run,
      epoch: trainer.epoch,
      epochs: trainer.settings.epochs,
      losses: trainer.losses.slice(sent),
      firstEpoch: sent + 1,
      lower: Array.from(band.lower),
      median: Array.from(band.median),
      upper: Array.from(band.upper),
      coverage: s.coverage,
      width: s.width,
      seconds: (now() - started) / 1e3,
      done: trainer.done(),
      running
    };
  }
  function serveWorker(scope, options = {}) {
    const schedule = options.schedule || nextTask();
    let trainer = null, grid = null, run = 0, running = false, reportEvery = 5;
    let sent = 0, started = 0;
    function report() {
      scope.postMessage(progress(trainer, grid, run, sent, started, running));
      sent = trainer.losses.length;
    }
    function train() {
      const end = now() + SLICE_MS;
      try {
        while (!trainer.done() && now() < end) {
          const loss = trainer.step();
          if (!isFinite(loss)) throw new Error(`diverged at epoch ${trainer.epoch}`);
          if (trainer.epoch % reportEvery === 0) break;
        }
        return true;
      } catch (err) {
        running = false;
        scope.postMessage({ type: "error", run, message: String(err.message || err) });
        return false;
      }
    }
    function slice(token) {
      if (token !== run || !running) return;
      if (!train()) return;
      if (trainer.done()) running = false;
      if (trainer.epoch % reportEvery === 0 || trainer.done()) report();
      if (running) schedule(() => slice(token));
    }
    function start(msg) {
      run = msg.run;
      trainer = new Trainer(msg.settings);
      grid = curveGrid(trainer.data);
      reportEvery = msg.reportEvery || 5;
      sent = 0;
      started = now();
      running = true;
      slice(run);
    }
    scope.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === "start") {
        start(msg);
      } else if (msg.type === "stop" && trainer) {
        running = false;
        report();
      } else if (msg.type === "resume" && trainer && !trainer.done() && !running) {
        running = true;
        slice(run);
      }
    };
  }

  // vi_explorer/playground/labels.mjs
  var LABELS = {
    en: {
      title: "Train it in your browser",
      intro: "Full-batch Adam on n = {n} points ({nTrain} for training, {nVal} held out), in a background thread of this page. Change a setting and the run starts again.",
      model: "model",
      sigma: "noise σ",
      epochs: "epochs",
      seed: "seed",
      lr: "learning rate",
      mle: "MLE + residual σ",
      source: "the source's variational regression",
      beta_nll: "β-NLL, β = 0.5",
      data: "data set",
      cubic: "the cubic, constant noise (chapters 1–6)",
      hetero: "chapter 7: noise grows with |x|, a hole, x beyond the data",
      heteroSigma: "σ(x) = 0.3 + 0.57|x|",
      regions: { inside: "inside the data", hole: "in the hole", beyond: "beyond the data" },
      regionLine: "coverage {coverage}, width {width} (oracle {oracle})",
      nearest: "First picture: the precomputed run nearest to these settings (σ = {sigma}, {epochs} epochs, seed 0), until the new run reports.",
      train: "Train",
      stop: "Stop",
      resume: "Resume",
      idle: "Ready: press Train or change a setting.",
      training: "Training… epoch {epoch} of {epochs}",
      stopped: "Stopped at epoch {epoch} of {epochs}.",
      done: "Done: {epochs} epochs in {seconds} s.",
      failed: "Training stopped: {message}. Try a smaller learning rate.",
      previous: "showing the last run until the new one reports",
      coverage: "held-out points in the band",
      target: "target 0.900",
      modelDefaults: "{model} trains with its own settings: {epochs} epochs, learning rate {lr}.",
      width: "mean band width",
      calibrated: "calibrated: {value}",
      epoch: "epoch",
      loss: "training loss",
      points: "noisy data",
      true_f: "true function f(x)",
      band: "90 % band (μ ± 1.645·σ)",
      median: "median",
      mle_fit: "MLE fit",
      bandFigure: "Data, true function and the model's 90 % band",
      lossFigure: "Training loss by epoch",
      invalid: `The link's {name} "{text}" is not a valid value; using {value}.`,
      clamped: `The link's {name} "{text}" is out of range; using {value}.`,
      typed: '{name} "{text}" is not a valid value; using {value}.',
      typedClamped: '{name} "{text}" is out of range; using {value}.'
    },
    ko: {
      title: "브라우저에서 직접 학습하기",
      intro: "n = {n}개 점({nTrain}개로 학습, {nVal}개는 검증용)에 전체 배치 Adam을 이 페이지의 백그라운드 스레드에서 돌립니다. 설정을 바꾸면 학습을 다시 시작합니다.",
      model: "모델",
      sigma: "잡음 σ",
      epochs: "에폭",
      seed: "시드",
      lr: "학습률",
      mle: "MLE + 잔차 σ",
      source: "원문의 변분 회귀",
      beta_nll: "β-NLL, β = 0.5",
      data: "데이터",
      cubic: "3차 함수, 일정한 잡음 (1–6장)",
      hetero: "7장: |x|와 함께 커지는 잡음, 빈 구간, 데이터 바깥의 x",
      heteroSigma: "σ(x) = 0.3 + 0.57|x|",
      regions: { inside: "안쪽", hole: "빈 구간", beyond: "데이터 바깥" },
      regionLine: "포함률 {coverage}, 폭 {width} (오라클 {oracle})",
      nearest: "첫 그림: 이 설정에 가장 가까운 미리 계산한 결과(σ = {sigma}, {epochs} 에폭, 시드 0)를 새 학습 결과가 나올 때까지 보여 줍니다.",
      train: "학습",
      stop: "멈춤",
      resume: "계속",
      idle: "준비됨: 학습 버튼을 누르거나 설정을 바꾸세요.",
      training: "학습 중… {epochs} 에폭 중 {epoch}",
      stopped: "{epochs} 에폭 중 {epoch}에서 멈춤.",
      done: "완료: {epochs} 에폭, {seconds}초.",
      failed: "학습 중단: {message}. 학습률을 낮춰 보세요.",
      previous: "새 결과가 나올 때까지 이전 결과를 보여 줍니다",
      coverage: "구간 안의 검증 데이터 비율",
      target: "목표 0.900",
      modelDefaults: "{model}은(는) 자기 설정으로 학습합니다: {epochs} 에폭, 학습률 {lr}.",
      width: "평균 구간 폭",
      calibrated: "보정된 폭: {value}",
      epoch: "에폭",
      loss: "학습 손실",
      points: "잡음이 섞인 데이터",
      true_f: "참 함수 f(x)",
      band: "90 % 구간 (μ ± 1.645·σ)",
      median: "중앙값",
      mle_fit: "MLE 적합",
      bandFigure: "데이터, 참 함수, 모델의 90 % 구간",
      lossFigure: "에폭별 학습 손실",
      invalid: '링크의 {name} 값 "{text}"이(가) 올바르지 않아 {value}(으)로 바꿨습니다.',
      clamped: '링크의 {name} 값 "{text}"이(가) 범위를 벗어나 {value}(으)로 바꿨습니다.',
      typed: '{name} 값 "{text}"이(가) 올바르지 않아 {value}(으)로 바꿨습니다.',
      typedClamped: '{name} 값 "{text}"이(가) 범위를 벗어나 {value}(으)로 바꿨습니다.'
    }
  };

  // vi_explorer/playground/page_input.mjs
  function urlSettings() {
    const query = new URLSearchParams(location.search.replace(/^\?/, ""));
    const hash = new URLSearchParams(location.hash.replace(/^#/, ""));
    for (const k of URL_KEYS) if (hash.has(k)) query.set(k, hash.get(k));
    return query.toString();
  }
  function writeUrl(settings) {
    if (!window.history || !history.replaceState) return;
    try {
      history.replaceState(
        null,
        "",
        `${location.pathname}${location.search}#${formatSettings(settings)}`
      );
    } catch (err) {
    }
  }
  var gridCache;
  function pageGrid() {
    if (gridCache !== void 0) return gridCache;
    gridCache = null;
    const node = document.querySelector('script[type="application/json"][data-role="grid"]');
    if (!node) return gridCache;
    try {
      const g = JSON.parse(node.textContent);
      if (g && Array.isArray(g.x) && g.cells && typeof g.cells === "object") gridCache = g;
    } catch (err) {
    }
    return gridCache;
  }

  // source:vi_explorer/playground/worker.mjs
  var worker_default = '(()=>{function S(o,t,e){let r=new Float64Array(e),s=(t-o)/(e-1);for(let n=0;n<e;n++)r[n]=n*s+o;return r[e-1]=t,r}function A(o,t){let e=new Float64Array(t.length);for(let r=0;r<t.length;r++)e[r]=o[t[r]];return e}function D(o){let t=0;for(let e=0;e<o.length;e++)t+=o[e];return t/o.length}function $(o){let t=D(o),e=0;for(let r=0;r<o.length;r++)e+=(o[r]-t)*(o[r]-t);return e/(o.length-1)}var F={noise:1,init:2,eps:3,split:4},x=class{constructor(t,e){this.state=(Math.imul(t>>>0,2654435761)^Math.imul(e+1,2246822507))>>>0}uniform(){this.state=this.state+1831565813>>>0;let t=this.state;return t=Math.imul(t^t>>>15,t|1),t^=t+Math.imul(t^t>>>7,t|61),((t^t>>>14)>>>0)/4294967296}normal(){let t=1-this.uniform(),e=this.uniform();return Math.sqrt(-2*Math.log(t))*Math.cos(2*Math.PI*e)}normals(t){let e=new Float64Array(t);for(let r=0;r<t;r++)e[r]=this.normal();return e}};var tt=1996,K=[.75,1.75],H=4.5;function pt(o){return .2*Math.pow(o,3)-2*Math.pow(o,3)+8*o}function L(o){return .3+.57*Math.abs(o)}function et(o,t,e){let r=new x(e,F.noise),s=new Float64Array(o.length),n=new Float64Array(o.length);for(let l=0;l<o.length;l++)s[l]=pt(o[l]),n[l]=s[l]+t(o[l])*r.normal();return{yTrue:s,y:n}}function rt(o,t,e){let r=o[t];o[t]=o[e],o[e]=r}function ot(o,t,e,r,s,n,l){return{x:o,y:t,yTrue:e,sigma:n,seed:l,trainIdx:r,valIdx:s,xTrain:A(o,r),yTrain:A(t,r),xVal:A(o,s),yVal:A(t,s)}}function mt(o,t,e){let r=S(-3,3,o),{yTrue:s,y:n}=et(r,()=>t,e),l=new Int32Array(o);for(let u=0;u<o;u++)l[u]=u;let i=new x(tt,F.split);for(let u=o-1;u>0;u--)rt(l,u,Math.floor(i.uniform()*(u+1)));let a=Math.floor(o*.2),h=l.slice(0,a).sort(),c=l.slice(a).sort();return ot(r,n,s,c,h,t,e)}function gt(o){let t=Math.floor(o/16),e=S(3,H,t+1).slice(1),r=new Float64Array(o+2*t);for(let s=0;s<t;s++)r[s]=-e[t-1-s],r[t+o+s]=e[s];return r.set(S(-3,3,o),t),{x:r,half:t}}var Q=(o,t)=>o-t;function dt(o){let t=new x(tt,F.split),e=Math.floor(.2*o.length),r=o.slice();for(let s=0;s<e;s++)rt(r,s,s+Math.floor(t.uniform()*(r.length-s)));return{inside:Int32Array.from(r.slice(0,e).sort(Q)),trainIdx:Int32Array.from(r.slice(e).sort(Q))}}function wt(o,t){let{x:e,half:r}=gt(o),{yTrue:s,y:n}=et(e,L,t),l=[],i=[],a=[];for(let f=0;f<e.length;f++)f<r||f>=r+o?a.push(f):K[0]<e[f]&&e[f]<K[1]?l.push(f):i.push(f);let{inside:h,trainIdx:c}=dt(i),u=0;for(let f=0;f<c.length;f++)u+=Math.pow(L(e[c[f]]),2);let m=ot(e,n,s,c,h,Math.sqrt(u/c.length),t);return m.name="hetero",m.regions={inside:h,hole:Int32Array.from(l),beyond:Int32Array.from(a)},m.xRange=[-H,H],m}function st(o){if(o.data==="hetero")return wt(o.n,o.seed);let t=mt(o.n,o.sigma,o.seed);return t.name="cubic",t.xRange=[-3,3],t}var q=1.6448536269514722,yt=121;function nt(o){let t=o.xRange||[-3,3];return S(t[0],t[1],Math.round((yt-1)*(t[1]-t[0])/6)+1)}function at(o){let t=o.mu.length,e={lower:new Float64Array(t),median:o.mu,upper:new Float64Array(t)};for(let r=0;r<t;r++)e.lower[r]=o.mu[r]-q*o.sigma[r],e.upper[r]=o.mu[r]+q*o.sigma[r];return e}function z(o,t){let e=0,r=0;for(let s=0;s<t.length;s++){let n=o.mu[s]-q*o.sigma[s],l=o.mu[s]+q*o.sigma[s];n<=t[s]&&t[s]<=l&&(e+=1),r+=l-n}return{coverage:e/t.length,width:r/t.length}}function it(o,t){let e={};for(let[r,s]of Object.entries(t.regions)){let n=A(t.x,s),l=z(o.predict(n),A(t.y,s)),i=0;for(let a=0;a<n.length;a++)i+=2*q*L(n[a]);l.oracleWidth=i/n.length,e[r]=l}return e}var C=class{constructor(t,e){this.params=t,this.lr=e,this.beta1=.9,this.beta2=.999,this.eps=1e-8,this.t=0,this.m=t.map(r=>new Float64Array(r.value.length)),this.v=t.map(r=>new Float64Array(r.value.length))}step(){this.t+=1;let t=this.beta1,e=this.beta2,r=this.lr/(1-Math.pow(t,this.t)),s=Math.sqrt(1-Math.pow(e,this.t));for(let n=0;n<this.params.length;n++){let l=this.params[n].value,i=this.params[n].grad,a=this.m[n],h=this.v[n];for(let c=0;c<l.length;c++)a[c]+=(1-t)*(i[c]-a[c]),h[c]=e*h[c]+(1-e)*i[c]*i[c],l[c]-=r*a[c]/(Math.sqrt(h[c])/s+this.eps)}}};function G(o,t,e,r,s,n,l,i){let a=0;for(;a+4<=r;a+=4){let h=n+a*l,c=s[h],u=s[h+l],m=s[h+2*l],f=s[h+3*l],p=a*i,d=p+i,g=d+i,w=g+i;for(let y=0;y<i;y++)o[t+y]+=c*e[p+y]+u*e[d+y]+m*e[g+y]+f*e[w+y]}for(;a<r;a++){let h=s[n+a*l],c=a*i;for(let u=0;u<i;u++)o[t+u]+=h*e[c+u]}}function B(o,t,e,r,s,n,l,i,a,h){let c=0;for(;c+4<=s;c+=4){let u=l+c*a,m=i+c*a,f=n[u],p=n[u+a],d=n[u+2*a],g=n[u+3*a],w=n[m],y=n[m+a],T=n[m+2*a],j=n[m+3*a],E=c*h,b=E+h,k=b+h,V=k+h;for(let M=0;M<h;M++){let v=r[E+M],R=r[b+M],I=r[k+M],J=r[V+M];o[t+M]+=f*v+p*R+d*I+g*J,o[e+M]+=w*v+y*R+T*I+j*J}}for(;c<s;c++){let u=n[l+c*a],m=n[i+c*a],f=c*h;for(let p=0;p<h;p++)o[t+p]+=u*r[f+p],o[e+p]+=m*r[f+p]}}function lt(o,t,e,r,s,n,l){let i=0;for(;i+4<=n;i+=4){let a=i*l,h=a+l,c=h+l,u=c+l,m=0,f=0,p=0,d=0;for(let g=0;g<l;g++){let w=e[r+g];m+=w*s[a+g],f+=w*s[h+g],p+=w*s[c+g],d+=w*s[u+g]}o[t+i]=m,o[t+i+1]=f,o[t+i+2]=p,o[t+i+3]=d}for(;i<n;i++){let a=i*l,h=0;for(let c=0;c<l;c++)h+=e[r+c]*s[a+c];o[t+i]=h}}function ht(o,t,e,r,s,n,l,i,a){let h=0;for(;h+4<=i;h+=4){let c=h*a,u=c+a,m=u+a,f=m+a,p=0,d=0,g=0,w=0,y=0,T=0,j=0,E=0;for(let b=0;b<a;b++){let k=r[s+b],V=r[n+b],M=l[c+b],v=l[u+b],R=l[m+b],I=l[f+b];p+=k*M,d+=k*v,g+=k*R,w+=k*I,y+=V*M,T+=V*v,j+=V*R,E+=V*I}o[t+h]=p,o[t+h+1]=d,o[t+h+2]=g,o[t+h+3]=w,o[e+h]=y,o[e+h+1]=T,o[e+h+2]=j,o[e+h+3]=E}for(;h<i;h++){let c=h*a,u=0,m=0;for(let f=0;f<a;f++)u+=r[s+f]*l[c+f],m+=r[n+f]*l[c+f];o[t+h]=u,o[e+h]=m}}var P=class{constructor(t,e,r){this.nIn=t,this.nOut=e,this.weight=new Float64Array(e*t),this.bias=new Float64Array(e),this.gradWeight=new Float64Array(e*t),this.gradBias=new Float64Array(e);let s=1/Math.sqrt(t);for(let n=0;n<this.weight.length;n++)this.weight[n]=(2*r.uniform()-1)*s;for(let n=0;n<e;n++)this.bias[n]=(2*r.uniform()-1)*s}forward(t,e,r,s){let{nIn:n,nOut:l,weight:i}=this;for(let h=0;h<l;h++)r.fill(this.bias[h],h*e,h*e+e);let a=0;for(;a+2<=l;a+=2)B(r,a*e,a*e+e,t,n,i,a*n,a*n+n,1,e);if(a<l&&G(r,a*e,t,n,i,a*n,1,e),s)for(let h=0;h<l*e;h++)r[h]<0&&(r[h]=0)}backward(t,e,r,s){let{nIn:n,nOut:l}=this;for(let a=0;a<l;a++){let h=0;for(let c=a*e;c<a*e+e;c++)h+=r[c];this.gradBias[a]=h}let i=0;for(;i+2<=l;i+=2)ht(this.gradWeight,i*n,i*n+n,r,i*e,i*e+e,t,n,e);i<l&&lt(this.gradWeight,i*n,r,i*e,t,n,e),s&&this.backwardInput(e,r,s)}backwardInput(t,e,r){let{nIn:s,nOut:n,weight:l}=this;r.fill(0,0,s*t);let i=0;for(;i+2<=s;i+=2)B(r,i*t,i*t+t,e,n,l,i,i+1,s,t);i<s&&G(r,i*t,e,n,l,i,s,t)}};var N=class{constructor(t,e){this.sizes=t,this.layers=[];for(let r=0;r+1<t.length;r++)this.layers.push(new P(t[r],t[r+1],e));this.buffers={},this.lastN=0}parameters(){return this.layers.flatMap(t=>[{value:t.weight,grad:t.gradWeight},{value:t.bias,grad:t.gradBias}])}buffersFor(t){return this.buffers[t]||(this.buffers[t]={acts:this.sizes.map(e=>new Float64Array(e*t)),grads:this.sizes.map(e=>new Float64Array(e*t))}),this.buffers[t]}forward(t,e){let r=this.buffersFor(e),s=this.layers.length-1;r.acts[0].set(t.subarray(0,e));for(let n=0;n<=s;n++)this.layers[n].forward(r.acts[n],e,r.acts[n+1],n<s);return this.lastN=e,r.acts[s+1]}backward(t){let e=this.lastN,r=this.buffersFor(e),s=t;for(let n=this.layers.length-1;n>=0;n--){let l=r.acts[n],i=n>0?r.grads[n]:null;if(this.layers[n].backward(l,e,s,i),i)for(let a=0;a<this.sizes[n]*e;a++)l[a]<=0&&(i[a]=0);s=i}}};var bt=Math.log(2*Math.PI),ct=1e-5,Mt=1e-4;function W(o,t,e){return-.5*(bt+e)-(o-t)*(o-t)/(2*Math.exp(e))}function xt(o){return o>20?o:Math.log1p(Math.exp(o))}function At(o){return 1/(1+Math.exp(-o))}var U=class{constructor(t,e){this.net=new N([1,20,1],e),this.data=t}parameters(){return this.net.parameters()}loss(t,e){let r=e.length,s=this.net.forward(t,r),n=new Float64Array(r),l=0;for(let i=0;i<r;i++){let a=s[i]-e[i];l+=.5*a*a,n[i]=a/r}return this.net.backward(n),l/r}predict(t){let e=this.data,r=this.net.forward(e.xTrain,e.xTrain.length),s=0;for(let i=0;i<e.yTrain.length;i++)s+=(e.yTrain[i]-r[i])*(e.yTrain[i]-r[i]);let n=Math.sqrt(s/e.yTrain.length);return{mu:Float64Array.from(this.net.forward(t,t.length)),sigma:new Float64Array(t.length).fill(n)}}};function ft(o){return[new N([1,40,20,10,1],o),new N([1,40,20,10,1],o)]}var X=class{constructor(t,e){[this.muNet,this.logVarNet]=ft(e),this.priorMean=D(t.yTrain),this.priorVar=$(t.yTrain)}parameters(){return[...this.muNet.parameters(),...this.logVarNet.parameters()]}loss(t,e,r){let s=e.length,n=this.priorMean,l=this.priorVar,i=Math.log(l),a=this.muNet.forward(t,s),h=this.logVarNet.forward(t,s),c=new Float64Array(s),u=new Float64Array(s),m=0;for(let f=0;f<s;f++){let p=Math.exp(h[f]),d=.5*Math.sqrt(p),g=a[f]+(Math.sqrt(p)+ct)*r[f];m-=W(e[f],a[f],h[f])+W(g,n,i)-W(g,a[f],h[f]);let w=-(g-n)/l+(g-a[f])/p,y=(e[f]-a[f])/p+w-(g-a[f])/p,T=-.5+(e[f]-a[f])*(e[f]-a[f])/(2*p)+w*d*r[f]+.5-(g-a[f])*(g-a[f])/(2*p);c[f]=-y/s,u[f]=-T/s}return this.muNet.backward(c),this.logVarNet.backward(u),m/s}predict(t){let e=Float64Array.from(this.muNet.forward(t,t.length)),r=this.logVarNet.forward(t,t.length),s=new Float64Array(t.length);for(let n=0;n<t.length;n++)s[n]=Math.exp(.5*r[n])+ct;return{mu:e,sigma:s}}},Y=class{constructor(t,e,r=.5){[this.muNet,this.logVarNet]=ft(e),this.yMean=D(t.yTrain),this.yStd=Math.sqrt($(t.yTrain)),this.beta=r}parameters(){return[...this.muNet.parameters(),...this.logVarNet.parameters()]}heads(t,e){let r=this.muNet.forward(t,e),s=this.logVarNet.forward(t,e),n=new Float64Array(e),l=new Float64Array(e),i=new Float64Array(e),a=2*Math.log(this.yStd);for(let h=0;h<e;h++){let c=xt(s[h])+Mt;n[h]=this.yMean+this.yStd*r[h],l[h]=Math.log(c)+a,i[h]=At(s[h])/c}return{mu:n,logVar:l,dLogVarDr:i}}loss(t,e){let r=e.length,s=this.heads(t,r),n=new Float64Array(r),l=new Float64Array(r),i=0;for(let a=0;a<r;a++){let h=Math.exp(s.logVar[a]),c=e[a]-s.mu[a],u=Math.exp(this.beta*s.logVar[a]);i+=u*-W(e[a],s.mu[a],s.logVar[a]),n[a]=u*(-c/h)*this.yStd/r,l[a]=u*(.5-c*c/(2*h))*s.dLogVarDr[a]/r}return this.muNet.backward(n),this.logVarNet.backward(l),i/r}predict(t){let e=this.heads(t,t.length),r=new Float64Array(t.length);for(let s=0;s<t.length;s++)r[s]=Math.exp(.5*e.logVar[s]);return{mu:e.mu,sigma:r}}},Z={mle:{make:(o,t)=>new U(o,t),lr:.01,epochs:1e3,needsEps:!1},source:{make:(o,t)=>new X(o,t),lr:.001,epochs:1e3,needsEps:!0},beta_nll:{make:(o,t)=>new Y(o,t,.5),lr:.003,epochs:200,needsEps:!1}};function kt(o,t){let e=o.parameters();if(t.length!==e.length)throw new Error(`weights must have ${e.length} arrays, got ${t.length}`);e.forEach((r,s)=>{if(t[s].length!==r.value.length)throw new Error(`weights[${s}] must have ${r.value.length} numbers`);r.value.set(t[s])})}var O=class{constructor(t,e,r={}){let s=Z[t.model];if(!s)throw new Error(`model must be one of ${Object.keys(Z)}`);this.settings=t,this.data=e||st(t),this.model=s.make(this.data,new x(t.seed,F.init)),r.weights&&kt(this.model,r.weights),this.optimizer=new C(this.model.parameters(),t.lr);let n=new x(t.seed,F.eps);this.eps=r.eps||((l,i)=>n.normals(i)),this.needsEps=s.needsEps,this.epoch=0,this.losses=[]}step(){let t=this.data,e=this.needsEps?this.eps(this.epoch,t.yTrain.length):null,r=this.model.loss(t.xTrain,t.yTrain,e);return this.optimizer.step(),this.epoch+=1,this.losses.push(r),r}done(){return this.epoch>=this.settings.epochs}score(){return z(this.model.predict(this.data.xVal),this.data.yVal)}regions(){return this.data.regions?it(this.model,this.data):null}band(t){return at(this.model.predict(t))}};var Ft=15;function _(){return typeof performance<"u"?performance.now():Date.now()}function Tt(){if(typeof MessageChannel>"u")return e=>setTimeout(e,0);let o=new MessageChannel,t=[];return o.port1.onmessage=()=>{let e=t.shift();e&&e()},e=>{t.push(e),o.port2.postMessage(0)}}function Vt(o,t,e,r,s,n){let l=o.score(),i=o.band(t);return{x:Array.from(t),regions:o.regions(),type:"progress",run:e,epoch:o.epoch,epochs:o.settings.epochs,losses:o.losses.slice(r),firstEpoch:r+1,lower:Array.from(i.lower),median:Array.from(i.median),upper:Array.from(i.upper),coverage:l.coverage,width:l.width,seconds:(_()-s)/1e3,done:o.done(),running:n}}function ut(o,t={}){let e=t.schedule||Tt(),r=null,s=null,n=0,l=!1,i=5,a=0,h=0;function c(){o.postMessage(Vt(r,s,n,a,h,l)),a=r.losses.length}function u(){let p=_()+Ft;try{for(;!r.done()&&_()<p;){let d=r.step();if(!isFinite(d))throw new Error(`diverged at epoch ${r.epoch}`);if(r.epoch%i===0)break}return!0}catch(d){return l=!1,o.postMessage({type:"error",run:n,message:String(d.message||d)}),!1}}function m(p){p!==n||!l||u()&&(r.done()&&(l=!1),(r.epoch%i===0||r.done())&&c(),l&&e(()=>m(p)))}function f(p){n=p.run,r=new O(p.settings),s=nt(r.data),i=p.reportEvery||5,a=0,h=_(),l=!0,m(n)}o.onmessage=p=>{let d=p.data;d.type==="start"?f(d):d.type==="stop"&&r?(l=!1,c()):d.type==="resume"&&r&&!r.done()&&!l&&(l=!0,m(n))}}ut(self);})();\n';

  // vi_explorer/playground/start_worker.mjs
  function inPage(onMessage) {
    const scope = { postMessage: (m) => onMessage({ data: m }) };
    serveWorker(scope);
    return { postMessage: (m) => setTimeout(() => scope.onmessage({ data: m }), 0) };
  }
  function startWorker(onMessage) {
    let worker = null, fallback = null, pending = [];
    try {
      const url = URL.createObjectURL(new Blob([worker_default], { type: "text/javascript" }));
      worker = new Worker(url);
      worker.onmessage = (event) => {
        URL.revokeObjectURL(url);
        onMessage(event);
      };
      worker.onerror = () => {
        worker = null;
        fallback = inPage(onMessage);
        for (const m of pending) fallback.postMessage(m);
      };
    } catch (err) {
      fallback = inPage(onMessage);
    }
    return {
      postMessage(m) {
        if (m.type === "start") pending = [m];
        else pending.push(m);
        (worker || fallback).postMessage(m);
      }
    };
  }

  // vi_explorer/playground/text.mjs
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, key) => key in values ? String(values[key]) : m);
  }
  function fmt(x, decimals) {
    return Number(x).toFixed(decimals);
  }
  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function shown(text) {
    const s = String(text);
    return s.length > 24 ? `${s.slice(0, 24)}…` : s;
  }
  function problemsText(T, problems, settings, typed) {
    return problems.map((p) => {
      const key = typed ? p.problem === "clamped" ? "typedClamped" : "typed" : p.problem;
      const value = p.name === "model" || p.name === "data" ? T[settings[p.name]] : String(settings[p.name]);
      return fill(T[key], { name: T[p.name] || p.name, text: shown(p.text), value });
    }).join(" ");
  }
  function coverageText(T, coverage, regions) {
    const where = regions ? `, ${T.regions.inside}` : "";
    return `${fmt(coverage, 3)} (${T.target}${where})`;
  }
  function modelNote(T, before, after) {
    if (before.epochs === after.epochs && before.lr === after.lr) return "";
    return fill(T.modelDefaults, {
      model: T[after.model],
      epochs: after.epochs,
      lr: String(after.lr)
    });
  }

  // vi_explorer/playground/playground.mjs
  var RESTART_MS = 300;
  var Playground = class {
    // view: view.mjs's elements; T: the labels of the page's language.
    constructor(view, T, settings) {
      this.view = view;
      this.T = T;
      this.settings = settings;
      this.current = null;
      this.lastReport = null;
      this.runId = 0;
      this.restartTimer = null;
      this.state = "idle";
      this.worker = startWorker((event) => this.onMessage(event));
      this.listen();
    }
    // The first picture: the settings' inputs, data and nearest cell; problems:
    // what was wrong with the link's settings.
    open(problems) {
      this.showInputs();
      this.warn(problems, false);
      this.showData();
      this.view.loss.draw(this.settings.epochs);
      this.setState("idle");
    }
    listen() {
      const { inputs, trainBtn, stopBtn } = this.view.controls;
      for (const input of Object.values(inputs)) {
        input.addEventListener("change", (event) => this.onChange(event.target));
      }
      inputs.sigma.addEventListener("input", () => this.onSlide());
      trainBtn.addEventListener("click", () => this.start());
      stopBtn.addEventListener("click", () => this.onStopButton());
    }
    // Stop while training; Resume when a run was stopped before its end.
    setState(next) {
      const { root, controls } = this.view, last = this.lastReport;
      this.state = next;
      root.setAttribute("data-state", next);
      const resumable = next === "idle" && last !== null && !last.done && last.run === this.runId;
      controls.stopBtn.disabled = !(next === "training" || resumable);
      controls.stopBtn.textContent = resumable ? this.T.resume : this.T.stop;
    }
    showInputs() {
      this.view.controls.show(this.settings);
      this.view.band.drawLegend(this.settings.model);
    }
    warn(problems, typed) {
      const { warning } = this.view;
      warning.hidden = !problems.length;
      warning.textContent = problemsText(this.T, problems, this.settings, typed);
    }
    // The data set's points; on a new data set, the inputs and readout it needs.
    drawData(data) {
      if (!this.view.band.drawData(data)) return;
      const hetero = data.name === "hetero";
      this.view.controls.showDataSet(hetero, this.settings.sigma);
      this.view.readout.showRegions(hetero);
    }
    // The first picture after a change, drawn at once: the new data, and the
    // nearest precomputed cell of the page's static explorer; without one (another
    // data set, or no explorer on the page), the last band on the same data set.
    showData() {
      const { root, band, status } = this.view;
      const data = dataFor(this.settings);
      this.drawData(data);
      this.view.showIntro(data);
      root.removeAttribute("data-preview");
      const grid = pageGrid(), near = nearestCell(grid, this.settings);
      if (near) {
        const x = band.grid(), at = (ys) => interpolate(x, grid.x, ys);
        band.drawBand({
          x,
          lower: at(near.cell.lower),
          median: at(near.cell.median),
          upper: at(near.cell.upper)
        });
        root.setAttribute("data-preview", near.key);
        root.classList.add("vi-pg-stale");
        status.textContent = fill(this.T.nearest, {
          sigma: String(near.sigma),
          epochs: thousands(near.epochs)
        });
      } else if (this.lastReport !== null && this.lastReport.data === data.name) {
        band.drawBand(this.lastReport);
        root.classList.add("vi-pg-stale");
        status.textContent = this.T.previous;
      } else {
        band.drawBand(null);
        root.classList.remove("vi-pg-stale");
      }
    }
    start() {
      clearTimeout(this.restartTimer);
      this.runId += 1;
      const current = { ...this.settings };
      this.current = current;
      this.view.loss.reset();
      this.view.loss.draw(current.epochs);
      this.view.readout.reset();
      this.view.status.textContent = fill(this.T.training, { epoch: 0, epochs: current.epochs });
      this.setState("training");
      this.worker.postMessage({
        type: "start",
        run: this.runId,
        settings: current,
        // about 40 redraws a run: each costs a pass over the band's x and the
        // held-out points, and ends a slice of training
        reportEvery: Math.max(1, Math.min(25, Math.round(current.epochs / 40)))
      });
    }
    onMessage(event) {
      const msg = event.data, { root, band, loss, readout } = this.view;
      if (msg.run !== this.runId) return;
      if (msg.type === "error") {
        this.view.status.textContent = fill(this.T.failed, { message: msg.message });
        this.setState("idle");
        return;
      }
      this.lastReport = msg;
      msg.data = this.current.data;
      root.classList.remove("vi-pg-stale");
      root.removeAttribute("data-preview");
      loss.add(msg.losses);
      band.drawBand(msg);
      loss.draw(msg.epochs);
      readout.show(msg, this.current.sigma);
      this.showProgress(msg);
    }
    // The status line and state after a report: done, stopped or still training.
    showProgress(msg) {
      const { status } = this.view, T = this.T;
      if (msg.done) {
        status.textContent = fill(T.done, { epochs: msg.epochs, seconds: fmt(msg.seconds, 1) });
        this.setState("done");
      } else if (!msg.running) {
        status.textContent = fill(T.stopped, { epoch: msg.epoch, epochs: msg.epochs });
        this.setState("idle");
      } else {
        status.textContent = fill(T.training, { epoch: msg.epoch, epochs: msg.epochs });
      }
    }
    // An input changed: check the value, show the new data at once (the last
    // band stays until the new run reports), and start the new run shortly.
    onChange(input) {
      const { settings, problems } = changeSetting(this.settings, input.name, input.value);
      const note = input.name === "model" ? modelNote(this.T, this.settings, settings) : "";
      this.settings = settings;
      this.showInputs();
      this.warn(problems, true);
      if (note && !problems.length) {
        this.view.warning.hidden = false;
        this.view.warning.textContent = note;
      }
      writeUrl(settings);
      this.showData();
      clearTimeout(this.restartTimer);
      this.restartTimer = setTimeout(() => this.start(), RESTART_MS);
    }
    // The slider moves: the data follow it at once.
    onSlide() {
      const { sigma } = this.view.controls.inputs;
      this.view.controls.showSigma(+sigma.value, false);
      const s = parseNumber("sigma", sigma.value, this.settings.sigma).value;
      this.drawData(dataFor({ ...this.settings, sigma: s }));
    }
    // Stop while training; Resume a stopped run.
    onStopButton() {
      const last = this.lastReport;
      if (this.state === "training") {
        this.worker.postMessage({ type: "stop" });
      } else if (last && !last.done) {
        this.worker.postMessage({ type: "resume" });
        this.view.status.textContent = fill(this.T.training, {
          epoch: last.epoch,
          epochs: last.epochs
        });
        this.setState("training");
      }
    }
  };

  // vi_explorer/playground/dom.mjs
  var SVG = "http://www.w3.org/2000/svg";
  function made(node, attrs, text) {
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== void 0) node.textContent = text;
    return node;
  }
  function el(tag, attrs, text) {
    return made(document.createElement(tag), attrs, text);
  }
  function svgEl(tag, attrs, text) {
    return made(document.createElementNS(SVG, tag), attrs, text);
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // vi_explorer/playground/plot.mjs
  var BAND = { W: 640, H: 360, L: 44, R: 12, T: 12, B: 34 };
  var LOSS = { W: 640, H: 170, L: 56, R: 12, T: 10, B: 34 };
  function scaleX(box, lo, hi) {
    return (x) => box.L + (x - lo) / (hi - lo) * (box.W - box.L - box.R);
  }
  function scaleY(box, lo, hi) {
    return (y) => {
      const c = Math.max(lo, Math.min(hi, y));
      return box.T + (hi - c) / (hi - lo) * (box.H - box.T - box.B);
    };
  }
  function polyline(xs, ys, X, Y) {
    const pts = [];
    for (let i = 0; i < xs.length; i++) pts.push(`${X(xs[i]).toFixed(1)},${Y(ys[i]).toFixed(1)}`);
    return pts.join(" ");
  }
  function niceStep(span) {
    const p = Math.pow(10, Math.floor(Math.log10(span / 4)));
    const m = span / 4 / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
  }
  function axes(svg, box, xTicks, yTicks, X, Y, xLabel, yLabel) {
    const g = svgEl("g", { class: "vi-pg-axes" });
    g.appendChild(svgEl("rect", {
      x: box.L,
      y: box.T,
      width: box.W - box.L - box.R,
      height: box.H - box.T - box.B,
      class: "vi-pg-frame"
    }));
    for (const t of xTicks) {
      g.appendChild(svgEl("text", {
        x: X(t).toFixed(1),
        y: box.H - box.B + 14,
        "text-anchor": "middle"
      }, String(t)));
    }
    for (const t of yTicks) {
      g.appendChild(svgEl("text", {
        x: box.L - 6,
        y: (Y(t) + 4).toFixed(1),
        "text-anchor": "end"
      }, String(t)));
    }
    g.appendChild(svgEl("text", {
      x: ((box.L + box.W - box.R) / 2).toFixed(1),
      y: box.H - 4,
      "text-anchor": "middle"
    }, xLabel));
    if (yLabel) {
      const middle = ((box.T + box.H - box.B) / 2).toFixed(1);
      g.appendChild(svgEl("text", {
        x: 12,
        y: middle,
        "text-anchor": "middle",
        transform: `rotate(-90 12 ${middle})`
      }, yLabel));
    }
    svg.appendChild(g);
  }

  // vi_explorer/playground/band_figure.mjs
  var Y_LIMITS = [-40, 40];
  var HETERO_Y_LIMITS = [-140, 140];
  var DATA_POINTS = 300;
  function createBandFigure(T, id) {
    const svg = svgEl("svg", {
      viewBox: `0 0 ${BAND.W} ${BAND.H}`,
      role: "img",
      class: "vi-pg-band",
      "aria-labelledby": `${id}-band-title`
    });
    svg.appendChild(svgEl("title", { id: `${id}-band-title` }, T.bandFigure));
    const frame = svgEl("g");
    const bandPath = svgEl("path", { class: "vi-pg-band-area" });
    const dataPath = svgEl("path", { class: "vi-pg-data" });
    const truePath = svgEl("polyline", { class: "vi-pg-true" });
    const medianPath = svgEl("polyline", { class: "vi-pg-median" });
    const legend = svgEl("g", { class: "vi-pg-legend" });
    for (const part of [frame, bandPath, dataPath, truePath, medianPath, legend]) {
      svg.appendChild(part);
    }
    let X, Y, grid, layoutFor = null;
    function layout(data) {
      if (layoutFor === data.name) return false;
      layoutFor = data.name;
      clear(frame);
      const r = data.xRange, hetero = data.name === "hetero";
      const yLim = hetero ? HETERO_Y_LIMITS : Y_LIMITS;
      X = scaleX(BAND, r[0], r[1]);
      Y = scaleY(BAND, yLim[0], yLim[1]);
      const xTicks = [];
      for (let t = Math.ceil(r[0]); t <= r[1]; t += 1) xTicks.push(t);
      axes(
        frame,
        BAND,
        xTicks,
        hetero ? [-120, -60, 0, 60, 120] : [-40, -20, 0, 20, 40],
        X,
        Y,
        "x"
      );
      if (hetero) {
        for (const span of [[r[0], -3], HOLE, [3, r[1]]]) {
          frame.appendChild(svgEl("rect", {
            class: "vi-pg-region",
            x: X(span[0]).toFixed(1),
            y: BAND.T,
            width: (X(span[1]) - X(span[0])).toFixed(1),
            height: BAND.H - BAND.T - BAND.B
          }));
        }
      }
      grid = curveGrid(data);
      truePath.setAttribute("points", polyline(grid, grid.map(trueFunction), X, Y));
      return true;
    }
    function drawLegend(model) {
      clear(legend);
      const items = [
        ["vi-pg-data-key", T.points],
        ["vi-pg-true", T.true_f],
        ["vi-pg-band-key", T.band],
        ["vi-pg-median", model === "mle" ? T.mle_fit : T.median]
      ];
      items.forEach(([key, label], i) => {
        const x = BAND.L + 10, y = BAND.T + 14 + i * 16;
        legend.appendChild(svgEl("line", { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, class: key }));
        legend.appendChild(svgEl("text", { x: x + 24, y }, label));
      });
    }
    function drawData(data) {
      const changed = layout(data);
      const n = data.x.length, step = (n - 1) / (DATA_POINTS - 1), parts = [];
      for (let k = 0; k < DATA_POINTS; k++) {
        const i = Math.round(k * step);
        parts.push(`M${X(data.x[i]).toFixed(1)},${Y(data.y[i]).toFixed(1)}h0`);
      }
      dataPath.setAttribute("d", parts.join(""));
      return changed;
    }
    function drawBand(band) {
      if (!band) {
        bandPath.setAttribute("d", "");
        medianPath.setAttribute("points", "");
        return;
      }
      const xs = band.x || grid;
      const up = polyline(xs, band.upper, X, Y);
      const lo = polyline(Array.from(xs).reverse(), Array.from(band.lower).reverse(), X, Y);
      bandPath.setAttribute("d", `M${up}L${lo}Z`);
      medianPath.setAttribute("points", polyline(xs, band.median, X, Y));
    }
    return { svg, drawLegend, drawData, drawBand, grid: () => grid };
  }

  // vi_explorer/playground/controls.mjs
  function select(keys, T) {
    const node = el("select");
    for (const key of keys) node.appendChild(el("option", { value: key }, T[key]));
    return node;
  }
  function numberInput(range, step, inputmode) {
    return el("input", { type: "number", min: range.min, max: range.max, step, inputmode });
  }
  function createControls(T, id) {
    const element = el("div", { class: "vi-pg-controls" });
    function field(name, input, output) {
      const wrap = el("span", { class: "vi-pg-field" });
      input.id = `${id}-${name}`;
      input.name = name;
      wrap.appendChild(el("label", { for: input.id }, T[name]));
      wrap.appendChild(input);
      if (output) wrap.appendChild(output);
      element.appendChild(wrap);
      return input;
    }
    const sigmaOut = el("output", { for: `${id}-sigma` });
    const inputs = {
      model: field("model", select(Object.keys(MODELS), T)),
      data: field("data", select(DATASETS, T)),
      sigma: field("sigma", el("input", {
        type: "range",
        min: RANGES.sigma.min,
        max: RANGES.sigma.max,
        step: "0.01"
      }), sigmaOut),
      epochs: field("epochs", numberInput(RANGES.epochs, "1", "numeric")),
      seed: field("seed", numberInput(RANGES.seed, "1", "numeric")),
      lr: field("lr", numberInput(RANGES.lr, "any", "decimal"))
    };
    const trainBtn = el("button", { type: "button", class: "vi-pg-train" }, T.train);
    const stopBtn = el("button", { type: "button", class: "vi-pg-stop", disabled: "" }, T.stop);
    element.appendChild(trainBtn);
    element.appendChild(stopBtn);
    function showSigma(sigma, hetero) {
      sigmaOut.textContent = hetero ? T.heteroSigma : fmt(sigma, 2);
    }
    return {
      element,
      inputs,
      trainBtn,
      stopBtn,
      showSigma,
      // The inputs as the settings say.
      show(s) {
        inputs.model.value = s.model;
        inputs.data.value = s.data;
        inputs.sigma.value = String(s.sigma);
        showSigma(s.sigma, s.data === "hetero");
        inputs.epochs.value = String(s.epochs);
        inputs.seed.value = String(s.seed);
        inputs.lr.value = String(s.lr);
      },
      // A new data set on screen: chapter 7's noise is its own, no slider.
      showDataSet(hetero, sigma) {
        inputs.sigma.disabled = hetero;
        showSigma(sigma, hetero);
      }
    };
  }

  // vi_explorer/playground/loss_figure.mjs
  function lossRange(losses) {
    let lo = Infinity, hi = -Infinity;
    for (const v of losses) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!losses.length) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-9) hi = lo + 1;
    const step = niceStep(hi - lo);
    return { lo: Math.floor(lo / step) * step, hi: Math.ceil(hi / step) * step, step };
  }
  function ticks(lo, hi, step) {
    const out = [];
    for (let t = lo; t <= hi; t += step) out.push(t);
    return out;
  }
  function createLossFigure(T, id) {
    const svg = svgEl("svg", {
      viewBox: `0 0 ${LOSS.W} ${LOSS.H}`,
      role: "img",
      class: "vi-pg-loss",
      "aria-labelledby": `${id}-loss-title`
    });
    svg.appendChild(svgEl("title", { id: `${id}-loss-title` }, T.lossFigure));
    const lossAxes = svgEl("g");
    const line = svgEl("polyline", { class: "vi-pg-loss-line" });
    svg.appendChild(lossAxes);
    svg.appendChild(line);
    let losses = [];
    function draw(epochs) {
      clear(lossAxes);
      const { lo, hi, step } = lossRange(losses);
      const LX = scaleX(LOSS, 0, epochs), LY = scaleY(LOSS, lo, hi);
      const yTicks = ticks(lo, hi + step / 2, step).map((t) => +t.toPrecision(6));
      const holder = svgEl("g");
      axes(holder, LOSS, ticks(0, epochs, niceStep(epochs)), yTicks, LX, LY, T.epoch, T.loss);
      lossAxes.appendChild(holder);
      line.setAttribute("points", polyline(losses.map((v, i) => i + 1), losses, LX, LY));
    }
    return {
      svg,
      draw,
      reset() {
        losses = [];
      },
      add(more) {
        for (const v of more) losses.push(v);
      }
    };
  }

  // vi_explorer/playground/readout.mjs
  function createReadout(T, root) {
    const element = el("dl", { class: "vi-pg-readout" });
    function item(label) {
      element.appendChild(el("dt", {}, label));
      const dd = el("dd", {}, "–");
      element.appendChild(dd);
      return dd;
    }
    const epoch = item(T.epoch), coverage = item(T.coverage), width = item(T.width);
    const regions = {};
    for (const [name, label] of Object.entries(T.regions)) regions[name] = item(label);
    function show(msg, sigma) {
      const calibrated = msg.regions ? msg.regions.inside.oracleWidth : 2 * Z95 * sigma;
      root.setAttribute("data-epoch", String(msg.epoch));
      root.setAttribute("data-coverage", fmt(msg.coverage, 3));
      root.setAttribute("data-width", fmt(msg.width, 3));
      epoch.textContent = `${msg.epoch} / ${msg.epochs}`;
      coverage.textContent = coverageText(T, msg.coverage, msg.regions);
      width.textContent = `${fmt(msg.width, 2)} (${fill(
        T.calibrated,
        { value: fmt(calibrated, 2) }
      )})`;
      if (msg.regions) showRegionScores(msg.regions);
    }
    function showRegionScores(scores) {
      for (const [name, dd] of Object.entries(regions)) {
        const s = scores[name];
        dd.textContent = fill(T.regionLine, {
          coverage: fmt(s.coverage, 3),
          width: fmt(s.width, 2),
          oracle: fmt(s.oracleWidth, 2)
        });
        root.setAttribute(`data-coverage-${name}`, fmt(s.coverage, 3));
      }
    }
    return {
      element,
      show,
      // A new run: no numbers yet.
      reset() {
        root.setAttribute("data-epoch", "0");
        root.setAttribute("data-coverage", "");
        root.setAttribute("data-width", "");
        for (const [name, dd] of Object.entries(regions)) {
          dd.textContent = "–";
          root.removeAttribute(`data-coverage-${name}`);
        }
      },
      // The three regions' lines only for chapter 7's data.
      showRegions(on) {
        for (const dd of Object.values(regions)) {
          dd.hidden = !on;
          dd.previousSibling.hidden = !on;
        }
      }
    };
  }

  // vi_explorer/playground/view.mjs
  function createView(slot, T, id, lang) {
    const root = el("div", {
      class: "vi-playground",
      "data-playground": "",
      "data-state": "idle",
      "data-epoch": "0",
      "data-coverage": "",
      "data-width": "",
      lang,
      id
    });
    const intro = el("p", { class: "vi-pg-intro" });
    const controls = createControls(T, id);
    const warning = el("p", { class: "vi-pg-warning", role: "alert", hidden: "" });
    const status = el(
      "p",
      { class: "vi-pg-status", role: "status", "aria-live": "polite" },
      T.idle
    );
    const readout = createReadout(T, root);
    const band = createBandFigure(T, id);
    const loss = createLossFigure(T, id);
    for (const part of [
      el("p", { class: "vi-pg-title" }, T.title),
      intro,
      controls.element,
      warning,
      status,
      readout.element,
      band.svg,
      loss.svg
    ]) {
      root.appendChild(part);
    }
    slot.replaceChildren(root);
    return {
      root,
      controls,
      warning,
      status,
      readout,
      band,
      loss,
      // The counts of the data set on screen.
      showIntro(data) {
        intro.textContent = fill(T.intro, {
          n: data.x.length,
          nTrain: data.trainIdx.length,
          nVal: data.x.length - data.trainIdx.length
        });
      }
    };
  }

  // vi_explorer/playground/main.mjs
  var count = 0;
  function pageLanguage() {
    const lang = (document.documentElement.getAttribute("lang") || "en").toLowerCase();
    return lang.indexOf("ko") === 0 ? "ko" : "en";
  }
  function mount(slot) {
    if (slot.getAttribute("data-playground-mounted")) return;
    slot.setAttribute("data-playground-mounted", "1");
    const lang = pageLanguage(), T = LABELS[lang];
    count += 1;
    const { settings, problems } = parseSettings(urlSettings());
    new Playground(createView(slot, T, `vi-pg-${count}`, lang), T, settings).open(problems);
  }
  function mountAll() {
    for (const slot of document.querySelectorAll("[data-playground-slot]")) mount(slot);
  }
  window.VIPlayground = { core: core_exports, LABELS, mount, mountAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
