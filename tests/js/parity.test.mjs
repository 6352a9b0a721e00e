// Does the playground's JavaScript compute what PyTorch computes?
//
// Each fixture (python -m vi_explorer.playground_fixtures) holds torch's data, initial
// weights and, for the variational model, the eps of every epoch, with torch's
// training losses and final band, from a float32 run (the book's precision) and
// a float64 run (the same float32 inputs). The JavaScript starts from the same
// numbers and trains in float64.
//
// Tolerances, and why:
// * against torch float64: relative 1e-9. The same arithmetic in the same
//   precision; only the order of the sums differs (rounding near 1e-16, grown by
//   at most a few hundred Adam steps). A wrong sign, factor or term is off by far more.
// * against torch float32, losses after 0, 1, 10, 100 steps: relative 1e-5.
//   float32 keeps about 7 digits (2^-24 = 6e-8); torch's own float32 run differs
//   from its float64 run by at most 1e-6 at these steps (recorded in the
//   fixtures and checked below), and float64 JavaScript cannot be closer to
//   float32 than float64 torch is: 1e-5 leaves a factor of ten.
// * the band after the full run (300 steps): its mean width within 2 % of
//   float32's (rounding grows with the steps: 0.5 % for beta_nll), and the same
//   held-out points inside it as float64 (coverage equal).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import test from 'node:test';
import { linspace } from '../../vi_explorer/playground/arrays.mjs';
import { fromArrays, makeData, trueFunction } from '../../vi_explorer/playground/data.mjs';
import { MODELS } from '../../vi_explorer/playground/models.mjs';
import { Trainer } from '../../vi_explorer/playground/trainer.mjs';

const FIXTURES = new URL('fixtures/', import.meta.url);
const TOL_FLOAT64 = 1e-9;
const TOL_FLOAT32_LOSS = 1e-5;
const TOL_FLOAT32_WIDTH = 2e-2;

function fround(values) { return Float64Array.from(values, Math.fround); }

function load(model) {
  const f = JSON.parse(fs.readFileSync(new URL(`${model}.json`, FIXTURES), 'utf8'));
  const d = f.data;
  const data = fromArrays(fround(d.x), fround(d.y), fround(d.y_true),
    Int32Array.from(d.train_idx), Int32Array.from(d.val_idx), f.settings.sigma, f.settings.seed);
  const weights = f.weights.map((w) => fround(w.values));
  let eps;
  if (f.eps) {
    const bytes = Buffer.from(f.eps.base64, 'base64');
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const [rows, cols] = f.eps.shape;
    assert.equal(all.length, rows * cols);
    eps = (epoch, n) => {
      assert.equal(n, cols);
      return Float64Array.from(all.subarray(epoch * cols, (epoch + 1) * cols));
    };
  }
  const settings = { ...f.settings, model: f.model };
  return { f, trainer: new Trainer(settings, data, { weights, eps }) };
}

function relErr(a, b) { return Math.abs(a - b) / Math.abs(b); }

// Train each model once; every test below reads the run.
const runs = {};
for (const model of Object.keys(MODELS)) {
  const { f, trainer } = load(model);
  while (trainer.epoch < f.settings.epochs) trainer.step();
  runs[model] = { f, trainer, pred: trainer.model.predict(trainer.data.xVal) };
}

for (const [model, { f, trainer, pred }] of Object.entries(runs)) {
  test(`${model}: the fixture's weights are torch's parameters, in order`, () => {
    const params = trainer.model.parameters();
    assert.equal(params.length, f.weights.length);
    f.weights.forEach((w, j) => {
      const size = w.shape.reduce((a, b) => a * b, 1);
      assert.equal(params[j].value.length, size, w.name);
    });
  });

  test(`${model}: loss after 0, 1, 10, 100 steps = torch float64 within ${TOL_FLOAT64}`, () => {
    for (const k of f.checkpoints) {
      const err = relErr(trainer.losses[k], f.float64.loss[k]);
      assert.ok(err <= TOL_FLOAT64, `step ${k}: ${trainer.losses[k]} vs ${f.float64.loss[k]} (${err})`);
    }
  });

  test(`${model}: loss after 0, 1, 10, 100 steps = torch float32 within ${TOL_FLOAT32_LOSS}`, () => {
    for (const k of f.checkpoints) {
      const gap = relErr(f.float32.loss[k], f.float64.loss[k]);
      assert.ok(gap <= TOL_FLOAT32_LOSS / 10, `torch's own float32 gap at step ${k}: ${gap}`);
      const err = relErr(trainer.losses[k], f.float32.loss[k]);
      assert.ok(err <= TOL_FLOAT32_LOSS, `step ${k}: ${trainer.losses[k]} vs ${f.float32.loss[k]} (${err})`);
    }
  });

  test(`${model}: band after ${f.settings.epochs} steps: mu and sigma = torch float64`, () => {
    f.float64.mu.forEach((mu, i) => {
      assert.ok(relErr(pred.mu[i], mu) <= TOL_FLOAT64 * 100, `mu[${i}]`);
      assert.ok(relErr(pred.sigma[i], f.float64.sigma[i]) <= TOL_FLOAT64 * 100, `sigma[${i}]`);
    });
  });

  test(`${model}: held-out coverage and width after ${f.settings.epochs} steps`, () => {
    const s = trainer.score();
    assert.equal(s.coverage, f.float64.coverage);
    assert.ok(relErr(s.width, f.float64.width) <= TOL_FLOAT64 * 100,
      `width ${s.width} vs float64 ${f.float64.width}`);
    assert.ok(relErr(s.width, f.float32.width) <= TOL_FLOAT32_WIDTH,
      `width ${s.width} vs float32 ${f.float32.width}`);
    const nVal = trainer.data.yVal.length;
    assert.ok(Math.abs(s.coverage - f.float32.coverage) <= 1 / nVal + 1e-12,
      `coverage ${s.coverage} vs float32 ${f.float32.coverage}`);
  });
}

test('the data: linspace(-3, 3, n) and f(x) = 0.2x^3 - 2x^(2+1) + 8x, as torch', () => {
  const f = runs.mle.f;
  const n = f.settings.n;
  const x = linspace(-3, 3, n);
  f.data.x.forEach((xi, i) => assert.equal(Math.fround(x[i]), Math.fround(xi)));
  f.data.y_true.forEach((yi, i) => {
    assert.ok(Math.abs(trueFunction(Math.fround(f.data.x[i])) - yi) <= 1e-5 * Math.max(1, Math.abs(yi)));
  });
  const data = makeData(n, f.settings.sigma, 0);
  assert.equal(data.valIdx.length, f.data.val_idx.length); // int(0.2 n) held out
  assert.equal(data.trainIdx.length, f.data.train_idx.length);
});
