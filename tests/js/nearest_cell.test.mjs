// The first picture after a change: the precomputed grid's nearest cell.
import assert from 'node:assert/strict';
import test from 'node:test';
import { interpolate, nearestCell } from '../../vi_explorer/playground/nearest_cell.mjs';
import { defaults } from '../../vi_explorer/playground/settings.mjs';

test('the nearest precomputed cell: sigma by difference, epochs by ratio, cubic only', () => {
  const band = { lower: [-1, -1], median: [0, 0], upper: [1, 1] };
  const grid = { sigma_keys: ['0.5', '1', '1.5', '2', '3'], epochs: [100, 300, 1000, 3000],
    cells: {} };
  for (const s of grid.sigma_keys) for (const e of grid.epochs) grid.cells[`mle|${s}|${e}`] = band;
  const at = (sigma, epochs, extra) => nearestCell(grid,
    { model: 'mle', sigma, epochs, data: 'cubic', ...extra });
  assert.equal(at(1.3, 700).key, 'mle|1.5|1000');
  assert.equal(at(1.2, 540).key, 'mle|1|300'); // 540/300 < 1000/540
  assert.equal(at(1.2, 560).key, 'mle|1|1000');
  assert.equal(at(2.6, 5000).key, 'mle|3|3000');
  assert.equal(at(0.1, 1).key, 'mle|0.5|100');
  assert.equal(at(1.3, 700, { data: 'hetero' }), null);
  assert.equal(at(1.3, 700, { model: 'source' }), null); // no such cell
  assert.equal(nearestCell(null, defaults('mle')), null);
  assert.equal(nearestCell({ cells: {} }, defaults('mle')), null);
});

test('interpolate: as numpy.interp inside the range, flat outside', () => {
  const xs = [0, 1, 2], ys = [0, 10, 30];
  assert.deepEqual(Array.from(interpolate([0, 0.5, 1, 1.5, 2], xs, ys)), [0, 5, 10, 20, 30]);
  assert.deepEqual(Array.from(interpolate([-1, 3], xs, ys)), [0, 30]);
});
