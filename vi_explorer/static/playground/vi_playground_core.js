/*
 * The playground's numerics: the book's data, networks, losses and optimiser in
 * plain JavaScript (Float64Array), so that a reader's browser can train the
 * models of chapters 1-5 with no server and no library.
 *
 * Each piece re-implements one definition of the Python package:
 *
 *   makeData            vi_helpers.data.make_dataset (own random numbers, see below)
 *   Linear, MLP         torch.nn.Linear and nn.Sequential(..., nn.ReLU(), ...),
 *                       with PyTorch's default initialisation
 *   MODELS.mle          vi_helpers.models.MLERegressor + losses.half_mse; the band is
 *                       the fit ± 1.645 σ̂ (models.ConstantNoise.from_residuals)
 *   MODELS.source       vi_helpers.models.VariationalRegressor + losses.negative_elbo
 *   MODELS.beta_nll     vi_helpers.heteroscedastic.HeteroscedasticRegressor +
 *                       beta_nll_loss(0.5)
 *   Adam                torch.optim.Adam(params, lr) with its defaults
 *
 * Every backward pass is written by hand: the chain rule, one layer at a time.
 * tests/js/ checks all of it against numbers exported from PyTorch
 * (python -m vi_explorer.playground_fixtures).
 *
 * The file works three ways: as a CommonJS module (node --test), as a classic
 * <script> (window.VIPlaygroundCore), and inside a Web Worker built from its own
 * text (core.source), which is how the page trains off the main thread even when
 * it is opened from disk (file://), where a Worker cannot load a script by URL.
 */
(function (root, factory) {
  'use strict';
  var core = factory();
  core.source = '(' + factory.toString() + ')()';
  if (typeof module === 'object' && module.exports) module.exports = core;
  else root.VIPlaygroundCore = core;
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var Z95 = 1.6448536269514722; // Φ⁻¹(0.95): the 5–95 % band is mu ± Z95·sigma
  var LOG_2PI = Math.log(2 * Math.PI);
  var SPLIT_SEED = 1996; // the source's split seed (our own generator, not NumPy's)

  // ------------------------------------------------------------ random numbers

  // mulberry32: a small 32-bit generator, the same numbers in every browser.
  // PyTorch's and NumPy's generators are not reproduced, so a seed here gives
  // other data and weights than the same seed in Python: the parity tests load
  // torch's weights, data and eps instead.
  function Random(seed, stream) {
    var a = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
    this.uniform = function () { // in [0, 1)
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  Random.prototype.normal = function () { // N(0, 1) by Box–Muller
    var u1 = 1 - this.uniform(); // in (0, 1]: log(u1) is finite
    var u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  Random.prototype.normals = function (n) {
    var out = new Float64Array(n);
    for (var i = 0; i < n; i++) out[i] = this.normal();
    return out;
  };
  var STREAM = { noise: 1, init: 2, eps: 3, split: 4 };

  // ---------------------------------------------------------------------- data

  // The source's f, written as the source writes it: 2x^(2+1) is cubic too.
  function trueFunction(x) {
    return 0.2 * Math.pow(x, 3) - 2 * Math.pow(x, 2 + 1) + 8 * x;
  }

  // numpy.linspace(start, stop, n): i·step + start, and exactly stop at the end.
  function linspace(start, stop, n) {
    var out = new Float64Array(n);
    var step = (stop - start) / (n - 1);
    for (var i = 0; i < n; i++) out[i] = i * step + start;
    out[n - 1] = stop;
    return out;
  }

  function pick(a, idx) {
    var out = new Float64Array(idx.length);
    for (var i = 0; i < idx.length; i++) out[i] = a[idx[i]];
    return out;
  }

  // y = f(x) + N(0, sigma²) on linspace(-3, 3, n), int(0.2·n) points held out.
  function makeData(n, sigma, seed) {
    var x = linspace(-3, 3, n);
    var noise = new Random(seed, STREAM.noise);
    var yTrue = new Float64Array(n), y = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      yTrue[i] = trueFunction(x[i]);
      y[i] = yTrue[i] + sigma * noise.normal();
    }
    var order = new Int32Array(n); // a random permutation (Fisher–Yates)
    for (i = 0; i < n; i++) order[i] = i;
    var split = new Random(SPLIT_SEED, STREAM.split);
    for (i = n - 1; i > 0; i--) {
      var j = Math.floor(split.uniform() * (i + 1));
      var t = order[i]; order[i] = order[j]; order[j] = t;
    }
    var nVal = Math.floor(n * 0.2);
    var valIdx = order.slice(0, nVal).sort(), trainIdx = order.slice(nVal).sort();
    return fromArrays(x, y, yTrue, trainIdx, valIdx, sigma, seed);
  }

  // A data set from given arrays (the parity tests pass torch's).
  function fromArrays(x, y, yTrue, trainIdx, valIdx, sigma, seed) {
    return {
      x: x, y: y, yTrue: yTrue, sigma: sigma, seed: seed,
      trainIdx: trainIdx, valIdx: valIdx,
      xTrain: pick(x, trainIdx), yTrain: pick(y, trainIdx),
      xVal: pick(x, valIdx), yVal: pick(y, valIdx),
    };
  }

  // Chapter 7's noise: sigma(x) = 0.3 + 0.57|x| (vi_helpers.hetero_noise_std).
  function heteroNoiseStd(x) { return 0.3 + 0.57 * Math.abs(x); }
  var HOLE = [0.75, 1.75]; // chapter 7's hole in the training x
  var BEYOND = 4.5; // and its points beyond the data, 3 < |x| <= 4.5

  // Chapter 7's data set, as vi_helpers.make_hetero_dataset builds it (with our
  // own generator): n points on linspace(-3, 3, n) with noise sigma(x), n/8 more
  // beyond the data (half on each side); every point in the hole is held out
  // ("hole"), int(0.2·rest) of the others too ("inside", between the training
  // points), and the points beyond the data ("beyond"). xVal and yVal are the
  // "inside" points, so that the band's score means what it means on the cubic.
  function makeHeteroData(n, seed) {
    var half = Math.floor(n / 16), right = linspace(3, BEYOND, half + 1).slice(1);
    var grid = linspace(-3, 3, n), total = n + 2 * half;
    var x = new Float64Array(total);
    for (var i = 0; i < half; i++) { x[i] = -right[half - 1 - i]; x[half + n + i] = right[i]; }
    x.set(grid, half);
    var noise = new Random(seed, STREAM.noise);
    var yTrue = new Float64Array(total), y = new Float64Array(total);
    for (i = 0; i < total; i++) {
      yTrue[i] = trueFunction(x[i]);
      y[i] = yTrue[i] + heteroNoiseStd(x[i]) * noise.normal();
    }
    var hole = [], pool = [], beyond = [];
    for (i = 0; i < total; i++) {
      if (i < half || i >= half + n) beyond.push(i);
      else if (HOLE[0] < x[i] && x[i] < HOLE[1]) hole.push(i);
      else pool.push(i);
    }
    var split = new Random(SPLIT_SEED, STREAM.split); // a partial Fisher–Yates
    var nInside = Math.floor(0.2 * pool.length), order = pool.slice();
    for (i = 0; i < nInside; i++) {
      var j = i + Math.floor(split.uniform() * (order.length - i));
      var t = order[i]; order[i] = order[j]; order[j] = t;
    }
    var byNumber = function (a, b) { return a - b; };
    var inside = Int32Array.from(order.slice(0, nInside).sort(byNumber));
    var trainIdx = Int32Array.from(order.slice(nInside).sort(byNumber));
    var ms = 0;
    for (i = 0; i < trainIdx.length; i++) ms += Math.pow(heteroNoiseStd(x[trainIdx[i]]), 2);
    var d = fromArrays(x, y, yTrue, trainIdx, inside, Math.sqrt(ms / trainIdx.length), seed);
    d.name = 'hetero';
    d.regions = { inside: inside, hole: Int32Array.from(hole), beyond: Int32Array.from(beyond) };
    d.xRange = [-BEYOND, BEYOND];
    return d;
  }

  // The data set a page's settings ask for: 'cubic' (chapters 1–6) or 'hetero'.
  var DATASETS = ['cubic', 'hetero'];
  function dataFor(settings) {
    if (settings.data === 'hetero') return makeHeteroData(settings.n, settings.seed);
    var d = makeData(settings.n, settings.sigma, settings.seed);
    d.name = 'cubic';
    d.xRange = [-3, 3];
    return d;
  }

  function mean(a) {
    var s = 0;
    for (var i = 0; i < a.length; i++) s += a[i];
    return s / a.length;
  }

  // Unbiased variance, as torch.Tensor.var() and .std() compute it.
  function variance(a) {
    var m = mean(a), s = 0;
    for (var i = 0; i < a.length; i++) s += (a[i] - m) * (a[i] - m);
    return s / (a.length - 1);
  }

  // ------------------------------------------------------------------ networks
  //
  // A batch of N points is stored feature by feature: a layer's input with
  // nIn features is one Float64Array of nIn·N numbers, feature i at [i·N, i·N+N).
  // Every inner loop then runs over N consecutive numbers.

  // torch.nn.Linear(nIn, nOut): weight (nOut, nIn) and bias (nOut), both drawn
  // from U(-1/√nIn, 1/√nIn) (kaiming_uniform_ with a = √5 gives that bound).
  function Linear(nIn, nOut, random) {
    this.nIn = nIn;
    this.nOut = nOut;
    this.weight = new Float64Array(nOut * nIn); // weight[o·nIn + i], torch's layout
    this.bias = new Float64Array(nOut);
    this.gradWeight = new Float64Array(nOut * nIn);
    this.gradBias = new Float64Array(nOut);
    var bound = 1 / Math.sqrt(nIn);
    for (var k = 0; k < this.weight.length; k++) {
      this.weight[k] = (2 * random.uniform() - 1) * bound;
    }
    for (k = 0; k < nOut; k++) this.bias[k] = (2 * random.uniform() - 1) * bound;
  }

  // The two loops every layer runs, forward and backward: rows that are weighted
  // sums of rows (addCombination) and dot products of rows (dotRows). Each takes
  // four rows of src per pass over the n points, and its "2" version fills two
  // rows of the result at once, so that every number read from memory serves
  // several sums: the same arithmetic as one number at a time, about three times
  // faster in V8.

  // dst[d0 + k] += Σ_j coef[c0 + j·stride] · src[j·n + k]   for j < m, k < n
  function addCombination(dst, d0, src, m, coef, c0, stride, n) {
    var j = 0, k;
    for (; j + 4 <= m; j += 4) {
      var c = c0 + j * stride;
      var a = coef[c], b = coef[c + stride], e = coef[c + 2 * stride], f = coef[c + 3 * stride];
      var s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      for (k = 0; k < n; k++) {
        dst[d0 + k] += a * src[s0 + k] + b * src[s1 + k] + e * src[s2 + k] + f * src[s3 + k];
      }
    }
    for (; j < m; j++) {
      var cj = coef[c0 + j * stride], sj = j * n;
      for (k = 0; k < n; k++) dst[d0 + k] += cj * src[sj + k];
    }
  }

  // The same for two rows of dst at once, (d0, c0) and (d1, c1): each number of
  // src read serves both.
  function addCombination2(dst, d0, d1, src, m, coef, c0, c1, stride, n) {
    var j = 0, k;
    for (; j + 4 <= m; j += 4) {
      var p = c0 + j * stride, q = c1 + j * stride;
      var a0 = coef[p], a1 = coef[p + stride], a2 = coef[p + 2 * stride], a3 = coef[p + 3 * stride];
      var b0 = coef[q], b1 = coef[q + stride], b2 = coef[q + 2 * stride], b3 = coef[q + 3 * stride];
      var s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      for (k = 0; k < n; k++) {
        var x0 = src[s0 + k], x1 = src[s1 + k], x2 = src[s2 + k], x3 = src[s3 + k];
        dst[d0 + k] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        dst[d1 + k] += b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3;
      }
    }
    for (; j < m; j++) {
      var cj = coef[c0 + j * stride], ej = coef[c1 + j * stride], sj = j * n;
      for (k = 0; k < n; k++) {
        dst[d0 + k] += cj * src[sj + k];
        dst[d1 + k] += ej * src[sj + k];
      }
    }
  }

  // out[o0 + j] = Σ_k v[v0 + k] · src[j·n + k]   for j < m: m dot products with v
  function dotRows(out, o0, v, v0, src, m, n) {
    var j = 0, k;
    for (; j + 4 <= m; j += 4) {
      var s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      var t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      for (k = 0; k < n; k++) {
        var vk = v[v0 + k];
        t0 += vk * src[s0 + k]; t1 += vk * src[s1 + k];
        t2 += vk * src[s2 + k]; t3 += vk * src[s3 + k];
      }
      out[o0 + j] = t0; out[o0 + j + 1] = t1; out[o0 + j + 2] = t2; out[o0 + j + 3] = t3;
    }
    for (; j < m; j++) {
      var t = 0, sj = j * n;
      for (k = 0; k < n; k++) t += v[v0 + k] * src[sj + k];
      out[o0 + j] = t;
    }
  }

  // The same for two vectors at once, v[v0 ..] into out[o0 ..] and v[v1 ..] into
  // out[o1 ..]: each number of src read serves both.
  function dotRows2(out, o0, o1, v, v0, v1, src, m, n) {
    var j = 0, k;
    for (; j + 4 <= m; j += 4) {
      var s0 = j * n, s1 = s0 + n, s2 = s1 + n, s3 = s2 + n;
      var t0 = 0, t1 = 0, t2 = 0, t3 = 0, u0 = 0, u1 = 0, u2 = 0, u3 = 0;
      for (k = 0; k < n; k++) {
        var p = v[v0 + k], q = v[v1 + k];
        var x0 = src[s0 + k], x1 = src[s1 + k], x2 = src[s2 + k], x3 = src[s3 + k];
        t0 += p * x0; t1 += p * x1; t2 += p * x2; t3 += p * x3;
        u0 += q * x0; u1 += q * x1; u2 += q * x2; u3 += q * x3;
      }
      out[o0 + j] = t0; out[o0 + j + 1] = t1; out[o0 + j + 2] = t2; out[o0 + j + 3] = t3;
      out[o1 + j] = u0; out[o1 + j + 1] = u1; out[o1 + j + 2] = u2; out[o1 + j + 3] = u3;
    }
    for (; j < m; j++) {
      var t = 0, u = 0, sj = j * n;
      for (k = 0; k < n; k++) { t += v[v0 + k] * src[sj + k]; u += v[v1 + k] * src[sj + k]; }
      out[o0 + j] = t;
      out[o1 + j] = u;
    }
  }

  // out[o] = bias[o] + Σ_i weight[o, i] · input[i], at each of the n points; then
  // ReLU, max(0, ·), if asked. Outputs in pairs, an odd last one alone.
  Linear.prototype.forward = function (input, n, out, relu) {
    var nIn = this.nIn, nOut = this.nOut, w = this.weight, o, k;
    for (o = 0; o < nOut; o++) out.fill(this.bias[o], o * n, o * n + n);
    for (o = 0; o + 2 <= nOut; o += 2) {
      addCombination2(out, o * n, o * n + n, input, nIn, w, o * nIn, o * nIn + nIn, 1, n);
    }
    if (o < nOut) addCombination(out, o * n, input, nIn, w, o * nIn, 1, n);
    if (relu) for (k = 0; k < nOut * n; k++) if (out[k] < 0) out[k] = 0;
  };

  // Given g = dL/dout at the n points:
  //   dL/dweight[o, i] = Σ_k g[o, k] · input[i, k],   dL/dbias[o] = Σ_k g[o, k]
  // and, if gradInput is given, dL/dinput[i] = Σ_o weight[o, i] · g[o].
  Linear.prototype.backward = function (input, n, gradOut, gradInput) {
    var nIn = this.nIn, o, i, k;
    for (o = 0; o < this.nOut; o++) {
      var gb = 0;
      for (k = o * n; k < o * n + n; k++) gb += gradOut[k];
      this.gradBias[o] = gb;
    }
    for (o = 0; o + 2 <= this.nOut; o += 2) {
      dotRows2(this.gradWeight, o * nIn, o * nIn + nIn, gradOut, o * n, o * n + n, input,
        nIn, n);
    }
    if (o < this.nOut) dotRows(this.gradWeight, o * nIn, gradOut, o * n, input, nIn, n);
    if (!gradInput) return;
    gradInput.fill(0, 0, nIn * n);
    for (i = 0; i + 2 <= nIn; i += 2) {
      addCombination2(gradInput, i * n, i * n + n, gradOut, this.nOut, this.weight, i, i + 1,
        nIn, n);
    }
    if (i < nIn) addCombination(gradInput, i * n, gradOut, this.nOut, this.weight, i, nIn, n);
  };

  // nn.Sequential(Linear, ReLU, Linear, ReLU, ..., Linear): sizes like [1, 40, 20, 10, 1].
  function MLP(sizes, random) {
    this.sizes = sizes;
    this.layers = [];
    for (var l = 0; l + 1 < sizes.length; l++) {
      this.layers.push(new Linear(sizes[l], sizes[l + 1], random));
    }
    this.buffers = {}; // activations for each batch size n, reused every epoch
  }

  // The parameters in torch's order: weight and bias of each layer.
  MLP.prototype.parameters = function () {
    var out = [];
    this.layers.forEach(function (layer) {
      out.push({ value: layer.weight, grad: layer.gradWeight });
      out.push({ value: layer.bias, grad: layer.gradBias });
    });
    return out;
  };

  MLP.prototype.buffersFor = function (n) {
    if (!this.buffers[n]) {
      var sizes = this.sizes;
      this.buffers[n] = {
        acts: sizes.map(function (s) { return new Float64Array(s * n); }),
        grads: sizes.map(function (s) { return new Float64Array(s * n); }),
      };
    }
    return this.buffers[n];
  };

  // x: (N,) inputs; returns the (N,) outputs (a buffer reused by the next call).
  // The activations stay for backward().
  MLP.prototype.forward = function (x, n) {
    var buf = this.buffersFor(n), last = this.layers.length - 1;
    buf.acts[0].set(x.subarray(0, n));
    for (var l = 0; l <= last; l++) {
      this.layers[l].forward(buf.acts[l], n, buf.acts[l + 1], l < last);
    }
    this.lastN = n;
    return buf.acts[last + 1];
  };

  // gradOut: dL/doutput at each of the N points of the last forward(); fills the
  // layers' gradients. ReLU passes the gradient where its output was positive.
  MLP.prototype.backward = function (gradOut) {
    var n = this.lastN, buf = this.buffersFor(n);
    var grad = gradOut;
    for (var l = this.layers.length - 1; l >= 0; l--) {
      var input = buf.acts[l];
      var gradInput = l > 0 ? buf.grads[l] : null; // no gradient for x itself
      this.layers[l].backward(input, n, grad, gradInput);
      if (gradInput) {
        for (var k = 0; k < this.sizes[l] * n; k++) if (input[k] <= 0) gradInput[k] = 0;
      }
      grad = gradInput;
    }
  };

  // ------------------------------------------------------------------ the models
  //
  // Each model has parameters() in torch's order, loss(x, y, eps) that returns
  // the training loss and fills the gradients, and predict(x) that returns the
  // predictive mean and standard deviation at each x (the band is mu ± 1.645·sigma).

  function concat(a, b) { return a.parameters().concat(b.parameters()); }

  // The source's MLE_model, 1-20-1, and its loss 0.5·MSE:
  //   L = (1/N) Σ ½(ŷᵢ - yᵢ)²,   dL/dŷᵢ = (ŷᵢ - yᵢ)/N
  function MLEModel(data, random) {
    this.net = new MLP([1, 20, 1], random);
    this.data = data;
  }
  MLEModel.prototype.parameters = function () { return this.net.parameters(); };
  MLEModel.prototype.loss = function (x, y) {
    var n = y.length, yHat = this.net.forward(x, n);
    var grad = new Float64Array(n), total = 0;
    for (var i = 0; i < n; i++) {
      var r = yHat[i] - y[i];
      total += 0.5 * r * r;
      grad[i] = r / n;
    }
    this.net.backward(grad);
    return total / n;
  };
  // The fit, and σ̂ = the root mean squared training residual at every x.
  MLEModel.prototype.predict = function (x) {
    var d = this.data, fitTrain = this.net.forward(d.xTrain, d.xTrain.length);
    var ss = 0;
    for (var i = 0; i < d.yTrain.length; i++) {
      ss += (d.yTrain[i] - fitTrain[i]) * (d.yTrain[i] - fitTrain[i]);
    }
    var sigmaHat = Math.sqrt(ss / d.yTrain.length);
    var mu = Float64Array.from(this.net.forward(x, x.length));
    return { mu: mu, sigma: new Float64Array(x.length).fill(sigmaHat) };
  };

  // log N(y; mu, e^logVar), the source's gauss_LL
  function gaussLL(y, mu, logVar) {
    return -0.5 * (LOG_2PI + logVar) - (y - mu) * (y - mu) / (2 * Math.exp(logVar));
  }

  // The source's VI_model: two 1-40-20-10-1 heads, mu and log σ², and its neg_ELBO:
  //   s = e^{logVar/2} + 1e-5,   ỹ = mu + s·eps
  //   L = -(1/N) Σ [ log N(y; mu, σ²) + log N(ỹ; m, P) - log N(ỹ; mu, σ²) ]
  // with the prior mean m and variance P of the training targets.
  function SourceModel(data, random) {
    this.muNet = new MLP([1, 40, 20, 10, 1], random);
    this.logVarNet = new MLP([1, 40, 20, 10, 1], random);
    this.priorMean = mean(data.yTrain);
    this.priorVar = variance(data.yTrain);
  }
  SourceModel.SIGMA_FLOOR = 1e-5;
  SourceModel.prototype.parameters = function () {
    return concat(this.muNet, this.logVarNet);
  };
  SourceModel.prototype.loss = function (x, y, eps) {
    var n = y.length, m = this.priorMean, P = this.priorVar, logP = Math.log(P);
    var mu = this.muNet.forward(x, n), logVar = this.logVarNet.forward(x, n);
    var gradMu = new Float64Array(n), gradLogVar = new Float64Array(n), total = 0;
    for (var i = 0; i < n; i++) {
      var v = Math.exp(logVar[i]), halfSd = 0.5 * Math.sqrt(v);
      var sample = mu[i] + (Math.sqrt(v) + SourceModel.SIGMA_FLOOR) * eps[i];
      total -= gaussLL(y[i], mu[i], logVar[i]) + gaussLL(sample, m, logP)
        - gaussLL(sample, mu[i], logVar[i]);
      // d/dmu and d/dlogVar of the bracket; the sample moves with both:
      // dsample/dmu = 1, dsample/dlogVar = ½e^{logVar/2}·eps
      var dSample = -(sample - m) / P + (sample - mu[i]) / v;
      var dMu = (y[i] - mu[i]) / v + dSample - (sample - mu[i]) / v;
      var dLogVar = -0.5 + (y[i] - mu[i]) * (y[i] - mu[i]) / (2 * v)
        + dSample * halfSd * eps[i]
        + 0.5 - (sample - mu[i]) * (sample - mu[i]) / (2 * v);
      gradMu[i] = -dMu / n; // the loss is minus the mean of the bracket
      gradLogVar[i] = -dLogVar / n;
    }
    this.muNet.backward(gradMu);
    this.logVarNet.backward(gradLogVar);
    return total / n;
  };
  SourceModel.prototype.predict = function (x) {
    var mu = Float64Array.from(this.muNet.forward(x, x.length));
    var logVar = this.logVarNet.forward(x, x.length), sigma = new Float64Array(x.length);
    for (var i = 0; i < x.length; i++) {
      sigma[i] = Math.exp(0.5 * logVar[i]) + SourceModel.SIGMA_FLOOR;
    }
    return { mu: mu, sigma: sigma };
  };

  function softplus(r) { return r > 20 ? r : Math.log1p(Math.exp(r)); } // torch's threshold 20
  function sigmoid(r) { return 1 / (1 + Math.exp(-r)); }

  // Chapter 5's network: the same two heads on the scale of y, a guarded variance,
  // trained on β-NLL (Seitzer et al., 2022) with β = 0.5:
  //   mu = ȳ + s_y·a,   σ² = s_y²(softplus(r) + 1e-4)
  //   L = (1/N) Σ sg[σᵢ^{2β}] · [½ log(2πσᵢ²) + (yᵢ - muᵢ)²/(2σᵢ²)]
  // sg: the weight is held constant in the gradient.
  function BetaNLLModel(data, random, beta) {
    this.muNet = new MLP([1, 40, 20, 10, 1], random);
    this.logVarNet = new MLP([1, 40, 20, 10, 1], random);
    this.yMean = mean(data.yTrain);
    this.yStd = Math.sqrt(variance(data.yTrain));
    this.beta = beta === undefined ? 0.5 : beta;
  }
  BetaNLLModel.MIN_VAR = 1e-4;
  BetaNLLModel.prototype.parameters = SourceModel.prototype.parameters;
  // The heads' raw outputs a and r → mu and log σ² (and dlogσ²/dr).
  BetaNLLModel.prototype.heads = function (x, n) {
    var a = this.muNet.forward(x, n), r = this.logVarNet.forward(x, n);
    var mu = new Float64Array(n), logVar = new Float64Array(n), dLogVar = new Float64Array(n);
    var logScale = 2 * Math.log(this.yStd);
    for (var i = 0; i < n; i++) {
      var varStd = softplus(r[i]) + BetaNLLModel.MIN_VAR;
      mu[i] = this.yMean + this.yStd * a[i];
      logVar[i] = Math.log(varStd) + logScale;
      dLogVar[i] = sigmoid(r[i]) / varStd;
    }
    return { mu: mu, logVar: logVar, dLogVarDr: dLogVar };
  };
  BetaNLLModel.prototype.loss = function (x, y) {
    var n = y.length, h = this.heads(x, n), total = 0;
    var gradA = new Float64Array(n), gradR = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var v = Math.exp(h.logVar[i]), r = y[i] - h.mu[i];
      var weight = Math.exp(this.beta * h.logVar[i]); // σ^{2β}, a constant here
      total += weight * -gaussLL(y[i], h.mu[i], h.logVar[i]);
      // d nll/d mu = -(y - mu)/σ²,  d nll/d logσ² = ½ - (y - mu)²/(2σ²)
      gradA[i] = weight * (-r / v) * this.yStd / n;
      gradR[i] = weight * (0.5 - r * r / (2 * v)) * h.dLogVarDr[i] / n;
    }
    this.muNet.backward(gradA);
    this.logVarNet.backward(gradR);
    return total / n;
  };
  BetaNLLModel.prototype.predict = function (x) {
    var h = this.heads(x, x.length), sigma = new Float64Array(x.length);
    for (var i = 0; i < x.length; i++) sigma[i] = Math.exp(0.5 * h.logVar[i]);
    return { mu: h.mu, sigma: sigma };
  };

  // The playground's models, named as in vi_helpers.recipes.RECIPES. lr and epochs
  // are the playground's defaults (tests/test_playground.py compares the lr with
  // the recipes'; fewer epochs than the book's, on 2,000 points, so that a run
  // takes seconds). needsEps: the loss uses a sample.
  var MODELS = {
    mle: { make: function (d, r) { return new MLEModel(d, r); },
      lr: 1e-2, epochs: 1000, needsEps: false },
    source: { make: function (d, r) { return new SourceModel(d, r); },
      lr: 1e-3, epochs: 1000, needsEps: true },
    beta_nll: { make: function (d, r) { return new BetaNLLModel(d, r, 0.5); },
      lr: 3e-3, epochs: 200, needsEps: false },
  };

  // ---------------------------------------------------------------- optimiser

  // torch.optim.Adam(params, lr) with betas (0.9, 0.999) and eps 1e-8:
  //   m ← m + (1-β₁)(g - m),   v ← β₂v + (1-β₂)g²
  //   p ← p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + eps)
  function Adam(params, lr) {
    this.params = params;
    this.lr = lr;
    this.beta1 = 0.9;
    this.beta2 = 0.999;
    this.eps = 1e-8;
    this.t = 0;
    this.m = params.map(function (p) { return new Float64Array(p.value.length); });
    this.v = params.map(function (p) { return new Float64Array(p.value.length); });
  }
  Adam.prototype.step = function () {
    this.t += 1;
    var b1 = this.beta1, b2 = this.beta2;
    var stepSize = this.lr / (1 - Math.pow(b1, this.t));
    var bc2Sqrt = Math.sqrt(1 - Math.pow(b2, this.t));
    for (var j = 0; j < this.params.length; j++) {
      var p = this.params[j].value, g = this.params[j].grad, m = this.m[j], v = this.v[j];
      for (var k = 0; k < p.length; k++) {
        m[k] += (1 - b1) * (g[k] - m[k]);
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
        p[k] -= stepSize * m[k] / (Math.sqrt(v[k]) / bc2Sqrt + this.eps);
      }
    }
  };

  // ------------------------------------------------------------------ training

  // The band's held-out score: the fraction of points inside mu ± 1.645·sigma
  // (0.90 if calibrated) and its mean width (2·1.645·σ if calibrated).
  function score(pred, y) {
    var inside = 0, width = 0;
    for (var i = 0; i < y.length; i++) {
      var lo = pred.mu[i] - Z95 * pred.sigma[i], hi = pred.mu[i] + Z95 * pred.sigma[i];
      if (lo <= y[i] && y[i] <= hi) inside += 1;
      width += hi - lo;
    }
    return { coverage: inside / y.length, width: width / y.length };
  }

  // The same score in each of chapter 7's regions, next to the oracle's width
  // (2·1.645·sigma(x) averaged over the region's x): {inside: {...}, hole, beyond}.
  function regionScores(model, data) {
    var out = {};
    Object.keys(data.regions).forEach(function (name) {
      var idx = data.regions[name], x = pick(data.x, idx);
      var s = score(model.predict(x), pick(data.y, idx)), oracle = 0;
      for (var i = 0; i < x.length; i++) oracle += 2 * Z95 * heteroNoiseStd(x[i]);
      s.oracleWidth = oracle / x.length;
      out[name] = s;
    });
    return out;
  }

  // One training run, as vi_helpers.fit: every epoch one full-batch Adam step;
  // step() returns the training loss before the step (what fit logs).
  // options.weights: arrays to load in parameters() order (torch's);
  // options.eps(epoch, n): the eps of an epoch (default: our own N(0, 1) draws).
  function Trainer(settings, data, options) {
    options = options || {};
    var spec = MODELS[settings.model];
    if (!spec) throw new Error('model must be one of ' + Object.keys(MODELS));
    this.settings = settings;
    this.data = data || dataFor(settings);
    this.model = spec.make(this.data, new Random(settings.seed, STREAM.init));
    if (options.weights) loadWeights(this.model, options.weights);
    this.optimizer = new Adam(this.model.parameters(), settings.lr);
    var epsRandom = new Random(settings.seed, STREAM.eps);
    this.eps = options.eps || function (epoch, n) { return epsRandom.normals(n); };
    this.needsEps = spec.needsEps;
    this.epoch = 0;
    this.losses = [];
  }
  Trainer.prototype.step = function () {
    var d = this.data;
    var eps = this.needsEps ? this.eps(this.epoch, d.yTrain.length) : null;
    var loss = this.model.loss(d.xTrain, d.yTrain, eps);
    this.optimizer.step();
    this.epoch += 1;
    this.losses.push(loss);
    return loss;
  };
  Trainer.prototype.done = function () { return this.epoch >= this.settings.epochs; };
  Trainer.prototype.score = function () {
    return score(this.model.predict(this.data.xVal), this.data.yVal);
  };
  Trainer.prototype.regions = function () {
    return this.data.regions ? regionScores(this.model, this.data) : null;
  };
  // The band on a grid of x: lower, median and upper curves.
  Trainer.prototype.band = function (x) {
    var p = this.model.predict(x), n = x.length;
    var band = { lower: new Float64Array(n), median: p.mu, upper: new Float64Array(n) };
    for (var i = 0; i < n; i++) {
      band.lower[i] = p.mu[i] - Z95 * p.sigma[i];
      band.upper[i] = p.mu[i] + Z95 * p.sigma[i];
    }
    return band;
  };

  function loadWeights(model, weights) {
    var params = model.parameters();
    if (weights.length !== params.length) {
      throw new Error('weights must have ' + params.length + ' arrays, got ' + weights.length);
    }
    params.forEach(function (p, j) {
      if (weights[j].length !== p.value.length) {
        throw new Error('weights[' + j + '] must have ' + p.value.length + ' numbers');
      }
      p.value.set(weights[j]);
    });
  }

  // ------------------------------------------------------------------ settings
  //
  // The page's settings come from its URL, which anyone can write: each value is
  // parsed, checked and clamped here, and a bad one falls back to its default
  // with a message. Nothing from the URL is ever written into the page as HTML.

  var RANGES = {
    sigma: { min: 0.1, max: 3, integer: false },
    epochs: { min: 1, max: 5000, integer: true },
    seed: { min: 0, max: 2147483647, integer: true },
    lr: { min: 1e-5, max: 0.1, integer: false },
  };
  var N_POINTS = 2000; // the explorer's data size: 1,600 for training, 400 held out

  function defaults(model, data) {
    model = MODELS[model] ? model : 'beta_nll';
    return { model: model, sigma: 1.5, epochs: MODELS[model].epochs, seed: 0,
      lr: MODELS[model].lr, n: N_POINTS, data: DATASETS.indexOf(data) >= 0 ? data : 'cubic' };
  }

  // One value of the URL: a finite number, clamped to its range (integers rounded).
  // Returns {value} or {problem: 'invalid' | 'clamped', value}.
  function parseNumber(name, text, fallback) {
    var range = RANGES[name];
    var s = String(text).trim();
    var ok = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s);
    var v = ok ? Number(s) : NaN;
    if (!isFinite(v) || (range.integer && Math.floor(v) !== v)) {
      return { value: fallback, problem: 'invalid' };
    }
    var clamped = Math.min(range.max, Math.max(range.min, v));
    return clamped === v ? { value: v } : { value: clamped, problem: 'clamped' };
  }

  // Settings from a query string or hash ("sigma=1.3&epochs=700&model=beta_nll").
  // Returns {settings, problems: [{name, problem, text}]}; unknown keys are ignored.
  function parseSettings(text) {
    var params = new URLSearchParams(String(text || '').replace(/^[?#]/, ''));
    var problems = [];
    var model = params.get('model');
    if (model !== null && !Object.prototype.hasOwnProperty.call(MODELS, model)) {
      problems.push({ name: 'model', problem: 'invalid', text: model });
      model = null;
    }
    var data = params.get('data');
    if (data !== null && DATASETS.indexOf(data) < 0) {
      problems.push({ name: 'data', problem: 'invalid', text: data });
      data = null;
    }
    var settings = defaults(model, data);
    Object.keys(RANGES).forEach(function (name) {
      var raw = params.get(name);
      if (raw === null) return;
      var r = parseNumber(name, raw, settings[name]);
      settings[name] = r.value;
      if (r.problem) problems.push({ name: name, problem: r.problem, text: raw });
    });
    return { settings: settings, problems: problems };
  }

  // The settings as a query string, in a fixed order (for the URL and as a key).
  function formatSettings(s) {
    return 'model=' + s.model + '&sigma=' + s.sigma + '&epochs=' + s.epochs
      + '&seed=' + s.seed + '&lr=' + s.lr + '&data=' + s.data;
  }

  // ------------------------------------------------------- the precomputed grid
  //
  // The static explorer of the same page embeds python -m vi_explorer.grid's cells (the
  // cubic data, seed 0): a change first shows the nearest cell, drawn at once,
  // while the new run starts. Nearest: sigma by difference, epochs by ratio.

  function nearestCell(grid, settings) {
    if (!grid || settings.data !== 'cubic' || !grid.cells) return null;
    var sigmas = (grid.sigma_keys || []).map(Number), epochs = grid.epochs || [];
    if (!sigmas.length || !epochs.length) return null;
    var s = sigmas.reduce(function (a, b) {
      return Math.abs(b - settings.sigma) < Math.abs(a - settings.sigma) ? b : a;
    });
    var e = epochs.reduce(function (a, b) {
      return Math.abs(Math.log(b / settings.epochs)) < Math.abs(Math.log(a / settings.epochs))
        ? b : a;
    });
    var key = settings.model + '|' + grid.sigma_keys[sigmas.indexOf(s)] + '|' + e;
    var cell = grid.cells[key];
    if (!cell || !cell.lower || !cell.median || !cell.upper) return null;
    return { key: key, sigma: s, epochs: e, cell: cell };
  }

  // Linear interpolation of (xs, ys) at each x (xs increasing), as numpy.interp.
  function interpolate(x, xs, ys) {
    var out = new Float64Array(x.length), j = 0;
    for (var i = 0; i < x.length; i++) {
      while (j < xs.length - 2 && xs[j + 1] < x[i]) j++;
      var t = (x[i] - xs[j]) / (xs[j + 1] - xs[j]);
      t = Math.max(0, Math.min(1, t));
      out[i] = ys[j] + t * (ys[j + 1] - ys[j]);
    }
    return out;
  }

  // ---------------------------------------------------------------- the worker
  //
  // serveWorker(scope) answers messages on scope (a Worker's self, or a stand-in
  // on the main thread): {type: 'start', settings}, {type: 'stop'}, {type: 'resume'}.
  // It trains in slices of about SLICE_MS and posts {type: 'progress', ...} every
  // reportEvery epochs and at the end, so that 'stop' is heard within a slice.

  var SLICE_MS = 15;
  var CURVE_POINTS = 121; // x grid of the band, as the explorer's

  // The x of the drawn band: the data's range, beyond the data for chapter 7.
  function curveGrid(data) {
    var r = data.xRange || [-3, 3];
    return linspace(r[0], r[1], Math.round((CURVE_POINTS - 1) * (r[1] - r[0]) / 6) + 1);
  }

  function now() {
    return typeof performance !== 'undefined' ? performance.now() : Date.now();
  }

  // The next slice as a new task of the event loop, so that 'stop' is heard in
  // between. A MessageChannel message, where there is one: setTimeout(f, 0) waits
  // at least 4 ms once calls nest, a fifth of each 15-ms slice.
  function nextTask() {
    if (typeof MessageChannel === 'undefined') return function (f) { setTimeout(f, 0); };
    var channel = new MessageChannel(), queue = [];
    channel.port1.onmessage = function () { var f = queue.shift(); if (f) f(); };
    return function (f) { queue.push(f); channel.port2.postMessage(0); };
  }

  function serveWorker(scope, options) {
    options = options || {};
    var schedule = options.schedule || nextTask();
    var trainer = null, run = 0, running = false, reportEvery = 5, sent = 0, started = 0;
    var grid = null;

    function report() {
      var s = trainer.score(), band = trainer.band(grid);
      scope.postMessage({
        x: Array.from(grid), regions: trainer.regions(),
        type: 'progress', run: run, epoch: trainer.epoch, epochs: trainer.settings.epochs,
        losses: trainer.losses.slice(sent), firstEpoch: sent + 1,
        lower: Array.from(band.lower), median: Array.from(band.median),
        upper: Array.from(band.upper), coverage: s.coverage, width: s.width,
        seconds: (now() - started) / 1000, done: trainer.done(), running: running,
      });
      sent = trainer.losses.length;
    }

    function slice(token) {
      if (token !== run || !running) return;
      var end = now() + SLICE_MS;
      try {
        while (!trainer.done() && now() < end) {
          var loss = trainer.step();
          if (!isFinite(loss)) throw new Error('diverged at epoch ' + trainer.epoch);
          if (trainer.epoch % reportEvery === 0) break;
        }
      } catch (err) {
        running = false;
        scope.postMessage({ type: 'error', run: run, message: String(err.message || err) });
        return;
      }
      if (trainer.done()) running = false;
      if (trainer.epoch % reportEvery === 0 || trainer.done()) report();
      if (running) schedule(function () { slice(token); });
    }

    scope.onmessage = function (event) {
      var msg = event.data;
      if (msg.type === 'start') {
        run = msg.run;
        trainer = new Trainer(msg.settings);
        grid = curveGrid(trainer.data);
        reportEvery = msg.reportEvery || 5;
        sent = 0;
        started = now();
        running = true;
        slice(run);
      } else if (msg.type === 'stop' && trainer) {
        running = false;
        report();
      } else if (msg.type === 'resume' && trainer && !trainer.done() && !running) {
        running = true;
        slice(run);
      }
    };
  }

  return {
    Z95: Z95, Random: Random, trueFunction: trueFunction, linspace: linspace,
    makeData: makeData, fromArrays: fromArrays, mean: mean, variance: variance,
    Linear: Linear, MLP: MLP, MLEModel: MLEModel, SourceModel: SourceModel,
    BetaNLLModel: BetaNLLModel, MODELS: MODELS, Adam: Adam, score: score,
    Trainer: Trainer, RANGES: RANGES, N_POINTS: N_POINTS, CURVE_POINTS: CURVE_POINTS,
    defaults: defaults, parseNumber: parseNumber, parseSettings: parseSettings,
    formatSettings: formatSettings, serveWorker: serveWorker,
    heteroNoiseStd: heteroNoiseStd, makeHeteroData: makeHeteroData, HOLE: HOLE,
    DATASETS: DATASETS, dataFor: dataFor, regionScores: regionScores, curveGrid: curveGrid,
    nearestCell: nearestCell, interpolate: interpolate,
  };
});
