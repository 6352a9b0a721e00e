// The playground's settings, its Worker protocol and its labels, without a browser.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const core = require('../../vi_explorer/static/playground/vi_playground_core.js');

test('settings from a URL: valid values are taken', () => {
  const { settings, problems } = core.parseSettings('#model=source&sigma=1.3&epochs=700&seed=4&lr=0.01');
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, { model: 'source', sigma: 1.3, epochs: 700, seed: 4, lr: 0.01, n: 2000,
    data: 'cubic' });
});

test('settings from a URL: no value gives the model defaults', () => {
  const { settings, problems } = core.parseSettings('');
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, core.defaults('beta_nll'));
  assert.equal(core.parseSettings('?model=mle').settings.lr, core.MODELS.mle.lr);
});

test('settings from a URL: out of range is clamped, and said', () => {
  const { settings, problems } = core.parseSettings('sigma=9&epochs=0&lr=1');
  assert.equal(settings.sigma, 3);
  assert.equal(settings.epochs, 1);
  assert.equal(settings.lr, 0.1);
  assert.deepEqual(problems.map((p) => [p.name, p.problem]),
    [['sigma', 'clamped'], ['epochs', 'clamped'], ['lr', 'clamped']]);
});

test('settings from a URL: garbage falls back to the default, and is said', () => {
  const bad = ['abc', '1.5x', '', ' ', 'NaN', 'Infinity', '0x10', '1e999', '2.5.1', '--1'];
  for (const text of bad) {
    const { settings, problems } = core.parseSettings('sigma=' + encodeURIComponent(text));
    assert.equal(settings.sigma, 1.5, text);
    assert.equal(problems.length, 1, text);
    assert.equal(problems[0].problem, 'invalid', text);
  }
  const { settings, problems } = core.parseSettings('epochs=12.5&seed=-3');
  assert.equal(settings.epochs, core.MODELS.beta_nll.epochs); // not an integer
  assert.equal(settings.seed, 0); // clamped to 0
  assert.deepEqual(problems.map((p) => p.problem), ['invalid', 'clamped']);
});

test('settings from a URL: an unknown model or markup is reported as text', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const { settings, problems } = core.parseSettings('model=' + encodeURIComponent(evil));
  assert.equal(settings.model, 'beta_nll');
  assert.deepEqual(problems, [{ name: 'model', problem: 'invalid', text: evil }]);
  // a name inherited by every object is not a model either
  assert.equal(core.parseSettings('model=constructor').problems[0].name, 'model');
});

test('settings from a URL: other keys (a heading anchor) are ignored', () => {
  assert.deepEqual(core.parseSettings('#exercises').problems, []);
});

test('settings survive a round trip through the URL', () => {
  const s = { model: 'mle', sigma: 0.35, epochs: 1234, seed: 7, lr: 0.0005, n: 2000, data: 'cubic' };
  assert.deepEqual(core.parseSettings(core.formatSettings(s)).settings, s);
  const h = Object.assign({}, s, { data: 'hetero' });
  assert.deepEqual(core.parseSettings(core.formatSettings(h)).settings, h);
});

test('the data: 80/20 split, sorted, disjoint, the same for the same seed', () => {
  const a = core.makeData(2000, 1.3, 5), b = core.makeData(2000, 1.3, 5);
  assert.equal(a.trainIdx.length, 1600);
  assert.equal(a.valIdx.length, 400);
  const all = new Set([...a.trainIdx, ...a.valIdx]);
  assert.equal(all.size, 2000);
  assert.deepEqual(Array.from(a.y), Array.from(b.y));
  for (let i = 1; i < a.valIdx.length; i++) assert.ok(a.valIdx[i - 1] < a.valIdx[i]);
  // the split does not move with the noise's seed (as the source's fixed split)
  assert.deepEqual(Array.from(core.makeData(2000, 1.3, 6).valIdx), Array.from(a.valIdx));
  // noise of the right size: the residual's standard deviation is near sigma
  let ss = 0;
  for (let i = 0; i < 2000; i++) ss += (a.y[i] - a.yTrue[i]) ** 2;
  assert.ok(Math.abs(Math.sqrt(ss / 2000) - 1.3) < 0.1);
});

test('PyTorch default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases', () => {
  const layer = new core.Linear(40, 20, new core.Random(0, 0));
  const bound = 1 / Math.sqrt(40);
  const all = [...layer.weight, ...layer.bias];
  assert.ok(all.every((w) => Math.abs(w) <= bound));
  assert.ok(Math.max(...all.map(Math.abs)) > 0.9 * bound); // spread over the range
});

// A stand-in for a Worker's self: messages in, messages out, run by hand.
function fakeWorker() {
  const queue = [];
  const scope = { out: [], postMessage(m) { this.out.push(m); } };
  core.serveWorker(scope, { schedule: (f) => queue.push(f) });
  const send = (data) => scope.onmessage({ data });
  const drain = (max = 1e6) => { for (let i = 0; i < max && queue.length; i++) queue.shift()(); };
  return { scope, send, drain };
}

test('worker: trains to the end, reports every few epochs, then says done', () => {
  const w = fakeWorker();
  const settings = { ...core.defaults('mle'), n: 200, epochs: 40 };
  w.send({ type: 'start', run: 1, settings, reportEvery: 10 });
  w.drain();
  const progress = w.scope.out.filter((m) => m.type === 'progress');
  assert.deepEqual(progress.map((m) => m.epoch), [10, 20, 30, 40]);
  const last = progress[progress.length - 1];
  assert.equal(last.done, true);
  assert.equal(last.lower.length, core.CURVE_POINTS);
  assert.ok(last.lower.every((lo, i) => lo <= last.upper[i]));
  assert.equal(progress.reduce((n, m) => n + m.losses.length, 0), 40); // every loss once
  assert.ok(last.coverage >= 0 && last.coverage <= 1 && last.width > 0);
});

test('worker: stop pauses, resume carries on from the same epoch', () => {
  const w = fakeWorker();
  const settings = { ...core.defaults('mle'), n: 200, epochs: 50 };
  w.send({ type: 'start', run: 1, settings, reportEvery: 10 });
  w.drain(1); // one slice: up to the first report
  w.send({ type: 'stop' });
  const stopped = w.scope.out[w.scope.out.length - 1];
  assert.equal(stopped.running, false);
  assert.equal(stopped.done, false);
  w.drain(); // nothing runs while stopped
  assert.equal(w.scope.out[w.scope.out.length - 1], stopped);
  w.send({ type: 'resume' });
  w.drain();
  const last = w.scope.out[w.scope.out.length - 1];
  assert.equal(last.done, true);
  assert.equal(last.epoch, 50);
});

test('worker: a new start replaces the old run', () => {
  const w = fakeWorker();
  w.send({ type: 'start', run: 1, settings: { ...core.defaults('mle'), n: 200, epochs: 100 } });
  w.send({ type: 'start', run: 2, settings: { ...core.defaults('mle'), n: 200, epochs: 20 } });
  w.drain();
  const late = w.scope.out.filter((m) => m.run === 1 && m.epoch > 5);
  assert.deepEqual(late, []);
  assert.equal(w.scope.out[w.scope.out.length - 1].epoch, 20);
});

test('worker: a diverging run reports an error instead of NaN bands', () => {
  const w = fakeWorker();
  const settings = { ...core.defaults('mle'), n: 200, epochs: 30 };
  const original = core.MLEModel.prototype.loss;
  core.MLEModel.prototype.loss = function () { return NaN; };
  try {
    w.send({ type: 'start', run: 1, settings });
    w.drain();
  } finally {
    core.MLEModel.prototype.loss = original;
  }
  assert.equal(w.scope.out[w.scope.out.length - 1].type, 'error');
});

test('the page labels: the same keys in English and Korean', () => {
  global.window = { VIPlaygroundCore: core };
  global.document = { readyState: 'complete', querySelectorAll: () => [] };
  try {
    require('../../vi_explorer/static/playground/vi_playground.js');
    const { en, ko } = window.VIPlayground.LABELS;
    assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort());
    for (const key of Object.keys(core.MODELS)) assert.ok(en[key] && ko[key], key);
  } finally {
    delete global.window;
    delete global.document;
  }
});

test('data set from a URL: chapter 7 is taken, anything else falls back and is said', () => {
  assert.equal(core.parseSettings('data=hetero').settings.data, 'hetero');
  assert.equal(core.parseSettings('').settings.data, 'cubic');
  const { settings, problems } = core.parseSettings('data=%3Cscript%3E&model=mle');
  assert.equal(settings.data, 'cubic');
  assert.equal(settings.model, 'mle');
  assert.deepEqual(problems.map((p) => [p.name, p.problem]), [['data', 'invalid']]);
});

test("chapter 7's data: noise grows with |x|, a hole, points beyond the data", () => {
  const d = core.makeHeteroData(2000, 3), again = core.makeHeteroData(2000, 3);
  assert.deepEqual(Array.from(d.y), Array.from(again.y));
  assert.equal(d.x.length, 2250);
  for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i - 1] < d.x[i], 'sorted x');
  const { inside, hole, beyond } = d.regions;
  assert.equal(beyond.length, 250);
  for (const i of beyond) assert.ok(Math.abs(d.x[i]) > 3 && Math.abs(d.x[i]) <= 4.5 + 1e-12);
  assert.ok(hole.length > 100);
  for (const i of hole) assert.ok(d.x[i] > 0.75 && d.x[i] < 1.75);
  for (const i of d.trainIdx) {
    assert.ok(Math.abs(d.x[i]) <= 3, 'no training point beyond the data');
    assert.ok(!(d.x[i] > 0.75 && d.x[i] < 1.75), 'no training point in the hole');
  }
  const all = new Set([...d.trainIdx, ...inside, ...hole, ...beyond]);
  assert.equal(all.size, d.x.length, 'the four sets cover every point once');
  assert.equal(inside.length, Math.floor(0.2 * (2000 - hole.length)));
  assert.deepEqual(Array.from(d.xVal), Array.from(inside).map((i) => d.x[i]));
  // the noise: residuals near x = 0 are small, near |x| = 3 about 2
  const spread = (lo, hi) => {
    const r = [];
    for (let i = 0; i < d.x.length; i++) {
      if (Math.abs(d.x[i]) >= lo && Math.abs(d.x[i]) < hi) r.push(d.y[i] - d.yTrue[i]);
    }
    return Math.sqrt(core.variance(r));
  };
  assert.ok(Math.abs(spread(0, 0.5) / core.heteroNoiseStd(0.25) - 1) < 0.15, spread(0, 0.5));
  assert.ok(Math.abs(spread(2.5, 3) / core.heteroNoiseStd(2.75) - 1) < 0.15, spread(2.5, 3));
  assert.equal(core.heteroNoiseStd(-3), core.heteroNoiseStd(3));
  assert.ok(Math.abs(core.heteroNoiseStd(3) - 2.01) < 1e-12);
});

test('the worker on chapter 7: the band spans the points beyond the data, scored by region', () => {
  const posted = [];
  const scope = { postMessage: (m) => posted.push(m) };
  const queue = [];
  core.serveWorker(scope, { schedule: (f) => queue.push(f) });
  const settings = Object.assign(core.defaults('mle', 'hetero'), { epochs: 20 });
  scope.onmessage({ data: { type: 'start', run: 1, settings, reportEvery: 10 } });
  while (queue.length) queue.shift()();
  const last = posted[posted.length - 1];
  assert.equal(last.done, true);
  assert.equal(last.x[0], -4.5);
  assert.equal(last.x[last.x.length - 1], 4.5);
  assert.equal(last.x.length, last.upper.length);
  assert.deepEqual(Object.keys(last.regions), ['inside', 'hole', 'beyond']);
  for (const r of Object.values(last.regions)) {
    assert.ok(r.coverage >= 0 && r.coverage <= 1);
    assert.ok(r.width > 0 && r.oracleWidth > 0);
  }
  // the MLE's one sigma: the same width everywhere, the oracle's grows outward
  assert.ok(Math.abs(last.regions.beyond.width - last.regions.inside.width) < 1e-9);
  assert.ok(last.regions.beyond.oracleWidth > last.regions.inside.oracleWidth);
  assert.equal(last.coverage, last.regions.inside.coverage);
});

test('the nearest precomputed cell: sigma by difference, epochs by ratio, cubic only', () => {
  const band = { lower: [-1, -1], median: [0, 0], upper: [1, 1] };
  const grid = { sigma_keys: ['0.5', '1', '1.5', '2', '3'], epochs: [100, 300, 1000, 3000],
    cells: {} };
  for (const s of grid.sigma_keys) for (const e of grid.epochs) grid.cells[`mle|${s}|${e}`] = band;
  const at = (sigma, epochs, extra) => core.nearestCell(grid, Object.assign(
    { model: 'mle', sigma, epochs, data: 'cubic' }, extra || {}));
  assert.equal(at(1.3, 700).key, 'mle|1.5|1000');
  assert.equal(at(1.2, 540).key, 'mle|1|300'); // 540/300 < 1000/540
  assert.equal(at(1.2, 560).key, 'mle|1|1000');
  assert.equal(at(2.6, 5000).key, 'mle|3|3000');
  assert.equal(at(0.1, 1).key, 'mle|0.5|100');
  assert.equal(at(1.3, 700, { data: 'hetero' }), null);
  assert.equal(at(1.3, 700, { model: 'source' }), null); // no such cell
  assert.equal(core.nearestCell(null, core.defaults('mle')), null);
  assert.equal(core.nearestCell({ cells: {} }, core.defaults('mle')), null);
});

test('interpolate: as numpy.interp inside the range, flat outside', () => {
  const xs = [0, 1, 2], ys = [0, 10, 30];
  assert.deepEqual(Array.from(core.interpolate([0, 0.5, 1, 1.5, 2], xs, ys)), [0, 5, 10, 20, 30]);
  assert.deepEqual(Array.from(core.interpolate([-1, 3], xs, ys)), [0, 30]);
});
