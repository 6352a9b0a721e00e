// The band figure: the noisy data, the true function, the model's 90 % band and
// its median (or the MLE's fit), with a legend.
import { curveGrid } from './band.mjs';
import { HOLE, trueFunction } from './data.mjs';
import { clear, svgEl } from './dom.mjs';
import { BAND, axes, polyline, scaleX, scaleY } from './plot.mjs';

const Y_LIMITS = [-40, 40]; // the explorer's fixed y axis, so that σ's effect shows
const HETERO_Y_LIMITS = [-140, 140]; // chapter 7: f out to |x| = 4.5
const DATA_POINTS = 300; // noisy points drawn (an evenly spaced subset)

// A figure in an <svg> of its own; figure.svg goes into the page.
export function createBandFigure(T, id) {
  const svg = svgEl('svg', { viewBox: `0 0 ${BAND.W} ${BAND.H}`, role: 'img',
    class: 'vi-pg-band', 'aria-labelledby': `${id}-band-title` });
  svg.appendChild(svgEl('title', { id: `${id}-band-title` }, T.bandFigure));
  const frame = svgEl('g');
  const bandPath = svgEl('path', { class: 'vi-pg-band-area' });
  const dataPath = svgEl('path', { class: 'vi-pg-data' });
  const truePath = svgEl('polyline', { class: 'vi-pg-true' });
  const medianPath = svgEl('polyline', { class: 'vi-pg-median' });
  const legend = svgEl('g', { class: 'vi-pg-legend' });
  for (const part of [frame, bandPath, dataPath, truePath, medianPath, legend]) {
    svg.appendChild(part);
  }
  let X, Y, grid, layoutFor = null;

  // Axes for a data set: x over the data (chapter 7: also beyond it, with the
  // hole and the outer regions shaded), y wide enough for f there. Returns
  // whether they changed (a new data set).
  function layout(data) {
    if (layoutFor === data.name) return false;
    layoutFor = data.name;
    clear(frame);
    const r = data.xRange, hetero = data.name === 'hetero';
    const yLim = hetero ? HETERO_Y_LIMITS : Y_LIMITS;
    X = scaleX(BAND, r[0], r[1]);
    Y = scaleY(BAND, yLim[0], yLim[1]);
    const xTicks = [];
    for (let t = Math.ceil(r[0]); t <= r[1]; t += 1) xTicks.push(t);
    axes(frame, BAND, xTicks, hetero ? [-120, -60, 0, 60, 120] : [-40, -20, 0, 20, 40],
      X, Y, 'x');
    if (hetero) {
      for (const span of [[r[0], -3], HOLE, [3, r[1]]]) {
        frame.appendChild(svgEl('rect', { class: 'vi-pg-region', x: X(span[0]).toFixed(1),
          y: BAND.T, width: (X(span[1]) - X(span[0])).toFixed(1),
          height: BAND.H - BAND.T - BAND.B }));
      }
    }
    grid = curveGrid(data);
    truePath.setAttribute('points', polyline(grid, grid.map(trueFunction), X, Y));
    return true;
  }

  // The legend; the median is the MLE's fit for the MLE.
  function drawLegend(model) {
    clear(legend);
    const items = [['vi-pg-data-key', T.points], ['vi-pg-true', T.true_f],
      ['vi-pg-band-key', T.band], ['vi-pg-median', model === 'mle' ? T.mle_fit : T.median]];
    items.forEach(([key, label], i) => {
      const x = BAND.L + 10, y = BAND.T + 14 + i * 16;
      legend.appendChild(svgEl('line', { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, class: key }));
      legend.appendChild(svgEl('text', { x: x + 24, y }, label));
    });
  }

  // The data set's points (and its axes); returns whether the axes changed.
  function drawData(data) {
    const changed = layout(data);
    const n = data.x.length, step = (n - 1) / (DATA_POINTS - 1), parts = [];
    for (let k = 0; k < DATA_POINTS; k++) {
      const i = Math.round(k * step);
      parts.push(`M${X(data.x[i]).toFixed(1)},${Y(data.y[i]).toFixed(1)}h0`);
    }
    dataPath.setAttribute('d', parts.join(''));
    return changed;
  }

  // band: {x (default: the figure's grid), lower, median, upper}, or null for none.
  function drawBand(band) {
    if (!band) {
      bandPath.setAttribute('d', '');
      medianPath.setAttribute('points', '');
      return;
    }
    const xs = band.x || grid;
    const up = polyline(xs, band.upper, X, Y);
    const lo = polyline(Array.from(xs).reverse(), Array.from(band.lower).reverse(), X, Y);
    bandPath.setAttribute('d', `M${up}L${lo}Z`);
    medianPath.setAttribute('points', polyline(xs, band.median, X, Y));
  }

  return { svg, drawLegend, drawData, drawBand, grid: () => grid };
}
