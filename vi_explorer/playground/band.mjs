// The 90 % band, mu ± 1.645·sigma: where it is drawn and how it is scored.
import { linspace, pick } from './arrays.mjs';
import { heteroNoiseStd } from './data.mjs';

export const Z95 = 1.6448536269514722; // Φ⁻¹(0.95): the 5–95 % band is mu ± Z95·sigma
export const CURVE_POINTS = 121; // x grid of the band on the cubic, as the explorer's

// The x of the drawn band: the data's range, beyond the data for chapter 7.
export function curveGrid(data) {
  const r = data.xRange || [-3, 3];
  return linspace(r[0], r[1], Math.round((CURVE_POINTS - 1) * (r[1] - r[0]) / 6) + 1);
}

// A prediction {mu, sigma} as the band's lower, median and upper curves.
export function bandOf(pred) {
  const n = pred.mu.length;
  const band = { lower: new Float64Array(n), median: pred.mu, upper: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    band.lower[i] = pred.mu[i] - Z95 * pred.sigma[i];
    band.upper[i] = pred.mu[i] + Z95 * pred.sigma[i];
  }
  return band;
}

// The band's held-out score: the fraction of points inside mu ± 1.645·sigma
// (0.90 if calibrated) and its mean width (2·1.645·σ if calibrated).
export function score(pred, y) {
  let inside = 0, width = 0;
  for (let i = 0; i < y.length; i++) {
    const lo = pred.mu[i] - Z95 * pred.sigma[i], hi = pred.mu[i] + Z95 * pred.sigma[i];
    if (lo <= y[i] && y[i] <= hi) inside += 1;
    width += hi - lo;
  }
  return { coverage: inside / y.length, width: width / y.length };
}

// The same score in each of chapter 7's regions, next to the oracle's width
// (2·1.645·sigma(x) averaged over the region's x): {inside: {...}, hole, beyond}.
export function regionScores(model, data) {
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
