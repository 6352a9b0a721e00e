// One training run, as vi_helpers.fit: every epoch one full-batch Adam step.
import { Adam } from './adam.mjs';
import { bandOf, regionScores, score } from './band.mjs';
import { dataFor } from './data.mjs';
import { MODELS } from './models.mjs';
import { Random, STREAM } from './random.mjs';

// Load arrays into a model's parameters, in parameters() order (torch's).
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

// settings: {model, epochs, seed, lr, ...} (settings.mjs); data: the page's data
// set by default. options.weights: arrays to load in parameters() order (torch's);
// options.eps(epoch, n): the eps of an epoch (default: our own N(0, 1) draws).
export class Trainer {
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

  done() { return this.epoch >= this.settings.epochs; }

  // The held-out coverage and width of the band.
  score() { return score(this.model.predict(this.data.xVal), this.data.yVal); }

  // Chapter 7's scores by region, or null on the cubic.
  regions() { return this.data.regions ? regionScores(this.model, this.data) : null; }

  // The band on a grid of x: lower, median and upper curves.
  band(x) { return bandOf(this.model.predict(x)); }
}
