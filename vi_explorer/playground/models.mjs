// The playground's three models. Each has parameters() in torch's order,
// loss(x, y, eps) that returns the training loss and fills the gradients, and
// predict(x) that returns the predictive mean and standard deviation at each x
// (the band is mu ± 1.645·sigma):
//
//   MLEModel      vi_helpers.models.MLERegressor + losses.half_mse; the band is
//                 the fit ± 1.645 σ̂ (models.ConstantNoise.from_residuals)
//   SourceModel   vi_helpers.models.VariationalRegressor + losses.negative_elbo
//   BetaNLLModel  vi_helpers.heteroscedastic.HeteroscedasticRegressor +
//                 beta_nll_loss(0.5)
import { mean, variance } from './arrays.mjs';
import { MLP } from './mlp.mjs';

const LOG_2PI = Math.log(2 * Math.PI);
export const SIGMA_FLOOR = 1e-5; // the source model's s = e^{logVar/2} + 1e-5
export const MIN_VAR = 1e-4; // β-NLL's guarded variance, on the scale of y

// log N(y; mu, e^logVar), the source's gauss_LL
function gaussLL(y, mu, logVar) {
  return -0.5 * (LOG_2PI + logVar) - (y - mu) * (y - mu) / (2 * Math.exp(logVar));
}

function softplus(r) { return r > 20 ? r : Math.log1p(Math.exp(r)); } // torch's threshold 20
function sigmoid(r) { return 1 / (1 + Math.exp(-r)); }

// The source's MLE_model, 1-20-1, and its loss 0.5·MSE:
//   L = (1/N) Σ ½(ŷᵢ - yᵢ)²,   dL/dŷᵢ = (ŷᵢ - yᵢ)/N
export class MLEModel {
  constructor(data, random) {
    this.net = new MLP([1, 20, 1], random);
    this.data = data;
  }

  parameters() { return this.net.parameters(); }

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
}

// Two 1-40-20-10-1 heads, mu and log σ² (raw outputs), drawn in that order.
function twoHeads(random) {
  return [new MLP([1, 40, 20, 10, 1], random), new MLP([1, 40, 20, 10, 1], random)];
}

// The source's VI_model: two heads, mu and log σ², and its neg_ELBO:
//   s = e^{logVar/2} + 1e-5,   ỹ = mu + s·eps
//   L = -(1/N) Σ [ log N(y; mu, σ²) + log N(ỹ; m, P) - log N(ỹ; mu, σ²) ]
// with the prior mean m and variance P of the training targets.
export class SourceModel {
  constructor(data, random) {
    [this.muNet, this.logVarNet] = twoHeads(random);
    this.priorMean = mean(data.yTrain);
    this.priorVar = variance(data.yTrain);
  }

  parameters() { return [...this.muNet.parameters(), ...this.logVarNet.parameters()]; }

  loss(x, y, eps) {
    const n = y.length, m = this.priorMean, P = this.priorVar, logP = Math.log(P);
    const mu = this.muNet.forward(x, n), logVar = this.logVarNet.forward(x, n);
    const gradMu = new Float64Array(n), gradLogVar = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.exp(logVar[i]), halfSd = 0.5 * Math.sqrt(v);
      const sample = mu[i] + (Math.sqrt(v) + SIGMA_FLOOR) * eps[i];
      total -= gaussLL(y[i], mu[i], logVar[i]) + gaussLL(sample, m, logP)
        - gaussLL(sample, mu[i], logVar[i]);
      // d/dmu and d/dlogVar of the bracket; the sample moves with both:
      // dsample/dmu = 1, dsample/dlogVar = ½e^{logVar/2}·eps
      const dSample = -(sample - m) / P + (sample - mu[i]) / v;
      const dMu = (y[i] - mu[i]) / v + dSample - (sample - mu[i]) / v;
      const dLogVar = -0.5 + (y[i] - mu[i]) * (y[i] - mu[i]) / (2 * v)
        + dSample * halfSd * eps[i]
        + 0.5 - (sample - mu[i]) * (sample - mu[i]) / (2 * v);
      gradMu[i] = -dMu / n; // the loss is minus the mean of the bracket
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
}

// Chapter 5's network: the same two heads on the scale of y, a guarded variance,
// trained on β-NLL (Seitzer et al., 2022) with β = 0.5:
//   mu = ȳ + s_y·a,   σ² = s_y²(softplus(r) + 1e-4)
//   L = (1/N) Σ sg[σᵢ^{2β}] · [½ log(2πσᵢ²) + (yᵢ - muᵢ)²/(2σᵢ²)]
// sg: the weight is held constant in the gradient.
export class BetaNLLModel {
  constructor(data, random, beta = 0.5) {
    [this.muNet, this.logVarNet] = twoHeads(random);
    this.yMean = mean(data.yTrain);
    this.yStd = Math.sqrt(variance(data.yTrain));
    this.beta = beta;
  }

  parameters() { return [...this.muNet.parameters(), ...this.logVarNet.parameters()]; }

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
      const weight = Math.exp(this.beta * h.logVar[i]); // σ^{2β}, a constant here
      total += weight * -gaussLL(y[i], h.mu[i], h.logVar[i]);
      // d nll/d mu = -(y - mu)/σ²,  d nll/d logσ² = ½ - (y - mu)²/(2σ²)
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
}

// The playground's models, named as in vi_helpers.recipes.RECIPES. lr and epochs
// are the playground's defaults (tests/test_playground.py compares the lr with
// the recipes'; fewer epochs than the book's, on 2,000 points, so that a run
// takes seconds). needsEps: the loss uses a sample.
export const MODELS = {
  mle: { make: (d, r) => new MLEModel(d, r), lr: 1e-2, epochs: 1000, needsEps: false },
  source: { make: (d, r) => new SourceModel(d, r), lr: 1e-3, epochs: 1000, needsEps: true },
  beta_nll: { make: (d, r) => new BetaNLLModel(d, r, 0.5), lr: 3e-3, epochs: 200,
    needsEps: false },
};
