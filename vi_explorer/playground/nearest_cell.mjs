// The precomputed grid (python -m vi_explorer.grid) as the playground's first
// picture. The static explorer of the same page embeds its cells (the cubic
// data, seed 0): a change first shows the nearest cell, drawn at once, while
// the new run starts. Nearest: sigma by difference, epochs by ratio.

const closest = (values, distance) => values.reduce((a, b) => (distance(b) < distance(a) ? b : a));

// The cell of grid nearest to settings, {key, sigma, epochs, cell}, or null.
export function nearestCell(grid, settings) {
  if (!grid || settings.data !== 'cubic' || !grid.cells) return null;
  const sigmas = (grid.sigma_keys || []).map(Number), epochs = grid.epochs || [];
  if (!sigmas.length || !epochs.length) return null;
  const s = closest(sigmas, (b) => Math.abs(b - settings.sigma));
  const e = closest(epochs, (b) => Math.abs(Math.log(b / settings.epochs)));
  const key = `${settings.model}|${grid.sigma_keys[sigmas.indexOf(s)]}|${e}`;
  const cell = grid.cells[key];
  if (!cell || !cell.lower || !cell.median || !cell.upper) return null;
  return { key, sigma: s, epochs: e, cell };
}

// Linear interpolation of (xs, ys) at each x (xs increasing), as numpy.interp.
export function interpolate(x, xs, ys) {
  const out = new Float64Array(x.length);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    while (j < xs.length - 2 && xs[j + 1] < x[i]) j++;
    const t = Math.max(0, Math.min(1, (x[i] - xs[j]) / (xs[j + 1] - xs[j])));
    out[i] = ys[j] + t * (ys[j + 1] - ys[j]);
  }
  return out;
}
