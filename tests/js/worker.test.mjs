// The training loop's protocol (serve_worker.mjs), with the slices run by hand.
import assert from 'node:assert/strict';
import test from 'node:test';
import { CURVE_POINTS } from '../../vi_explorer/playground/band.mjs';
import { MLEModel } from '../../vi_explorer/playground/models.mjs';
import { serveWorker } from '../../vi_explorer/playground/serve_worker.mjs';
import { defaults } from '../../vi_explorer/playground/settings.mjs';

// A stand-in for a Worker's self: messages in, messages out, run by hand.
function fakeWorker() {
  const queue = [];
  const scope = { out: [], postMessage(m) { this.out.push(m); } };
  serveWorker(scope, { schedule: (f) => queue.push(f) });
  const send = (data) => scope.onmessage({ data });
  const drain = (max = 1e6) => { for (let i = 0; i < max && queue.length; i++) queue.shift()(); };
  const last = () => scope.out[scope.out.length - 1];
  return { scope, send, drain, last };
}

test('worker: trains to the end, reports every few epochs, then says done', () => {
  const w = fakeWorker();
  const settings = { ...defaults('mle'), n: 200, epochs: 40 };
  w.send({ type: 'start', run: 1, settings, reportEvery: 10 });
  w.drain();
  const progress = w.scope.out.filter((m) => m.type === 'progress');
  assert.deepEqual(progress.map((m) => m.epoch), [10, 20, 30, 40]);
  const last = progress[progress.length - 1];
  assert.equal(last.done, true);
  assert.equal(last.lower.length, CURVE_POINTS);
  assert.ok(last.lower.every((lo, i) => lo <= last.upper[i]));
  assert.equal(progress.reduce((n, m) => n + m.losses.length, 0), 40); // every loss once
  assert.ok(last.coverage >= 0 && last.coverage <= 1 && last.width > 0);
});

test('worker: stop pauses, resume carries on from the same epoch', () => {
  const w = fakeWorker();
  const settings = { ...defaults('mle'), n: 200, epochs: 50 };
  w.send({ type: 'start', run: 1, settings, reportEvery: 10 });
  w.drain(1); // one slice: up to the first report
  w.send({ type: 'stop' });
  const stopped = w.last();
  assert.equal(stopped.running, false);
  assert.equal(stopped.done, false);
  w.drain(); // nothing runs while stopped
  assert.equal(w.last(), stopped);
  w.send({ type: 'resume' });
  w.drain();
  assert.equal(w.last().done, true);
  assert.equal(w.last().epoch, 50);
});

test('worker: a new start replaces the old run', () => {
  const w = fakeWorker();
  w.send({ type: 'start', run: 1, settings: { ...defaults('mle'), n: 200, epochs: 100 } });
  w.send({ type: 'start', run: 2, settings: { ...defaults('mle'), n: 200, epochs: 20 } });
  w.drain();
  assert.deepEqual(w.scope.out.filter((m) => m.run === 1 && m.epoch > 5), []);
  assert.equal(w.last().epoch, 20);
});

test('worker: a diverging run reports an error instead of NaN bands', () => {
  const w = fakeWorker();
  const settings = { ...defaults('mle'), n: 200, epochs: 30 };
  const original = MLEModel.prototype.loss;
  MLEModel.prototype.loss = () => NaN;
  try {
    w.send({ type: 'start', run: 1, settings });
    w.drain();
  } finally {
    MLEModel.prototype.loss = original;
  }
  assert.equal(w.last().type, 'error');
  assert.match(w.last().message, /diverged at epoch 1/);
});

test('the worker on chapter 7: the band spans the points beyond the data, scored by region', () => {
  const w = fakeWorker();
  const settings = { ...defaults('mle', 'hetero'), epochs: 20 };
  w.send({ type: 'start', run: 1, settings, reportEvery: 10 });
  w.drain();
  const last = w.last();
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
