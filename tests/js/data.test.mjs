// The playground's data sets and initial weights, without a browser.
import assert from 'node:assert/strict';
import test from 'node:test';
import { variance } from '../../vi_explorer/playground/arrays.mjs';
import { heteroNoiseStd, makeData, makeHeteroData } from '../../vi_explorer/playground/data.mjs';
import { Linear } from '../../vi_explorer/playground/linear.mjs';
import { Random } from '../../vi_explorer/playground/random.mjs';

test('the data: 80/20 split, sorted, disjoint, the same for the same seed', () => {
  const a = makeData(2000, 1.3, 5), b = makeData(2000, 1.3, 5);
  assert.equal(a.trainIdx.length, 1600);
  assert.equal(a.valIdx.length, 400);
  const all = new Set([...a.trainIdx, ...a.valIdx]);
  assert.equal(all.size, 2000);
  assert.deepEqual(Array.from(a.y), Array.from(b.y));
  for (let i = 1; i < a.valIdx.length; i++) assert.ok(a.valIdx[i - 1] < a.valIdx[i]);
  // the split does not move with the noise's seed (as the source's fixed split)
  assert.deepEqual(Array.from(makeData(2000, 1.3, 6).valIdx), Array.from(a.valIdx));
  // noise of the right size: the residual's standard deviation is near sigma
  let ss = 0;
  for (let i = 0; i < 2000; i++) ss += (a.y[i] - a.yTrue[i]) ** 2;
  assert.ok(Math.abs(Math.sqrt(ss / 2000) - 1.3) < 0.1);
});

test('PyTorch default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases', () => {
  const layer = new Linear(40, 20, new Random(0, 0));
  const bound = 1 / Math.sqrt(40);
  const all = [...layer.weight, ...layer.bias];
  assert.ok(all.every((w) => Math.abs(w) <= bound));
  assert.ok(Math.max(...all.map(Math.abs)) > 0.9 * bound); // spread over the range
});

test('random numbers: the same for the same seed and stream, others for another stream', () => {
  const draw = (seed, stream) => new Random(seed, stream).normals(5);
  assert.deepEqual(draw(3, 1), draw(3, 1));
  assert.notDeepEqual(draw(3, 1), draw(3, 2));
  const u = new Random(0, 0);
  for (let i = 0; i < 1000; i++) {
    const x = u.uniform();
    assert.ok(x >= 0 && x < 1);
  }
});

test("chapter 7's data: noise grows with |x|, a hole, points beyond the data", () => {
  const d = makeHeteroData(2000, 3), again = makeHeteroData(2000, 3);
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
    return Math.sqrt(variance(r));
  };
  assert.ok(Math.abs(spread(0, 0.5) / heteroNoiseStd(0.25) - 1) < 0.15, spread(0, 0.5));
  assert.ok(Math.abs(spread(2.5, 3) / heteroNoiseStd(2.75) - 1) < 0.15, spread(2.5, 3));
  assert.equal(heteroNoiseStd(-3), heteroNoiseStd(3));
  assert.ok(Math.abs(heteroNoiseStd(3) - 2.01) < 1e-12);
});
