// What both figures draw with: their boxes, scales, polylines, axes and ticks.
import { svgEl } from './dom.mjs';

// The figures' size and margins (left, right, top, bottom), in SVG units.
export const BAND = { W: 640, H: 360, L: 44, R: 12, T: 12, B: 34 };
export const LOSS = { W: 640, H: 170, L: 56, R: 12, T: 10, B: 34 };

// x in [lo, hi] -> the box's horizontal position.
export function scaleX(box, lo, hi) {
  return (x) => box.L + (x - lo) / (hi - lo) * (box.W - box.L - box.R);
}

// y in [lo, hi] -> the box's vertical position (y outside is clipped to the edge).
export function scaleY(box, lo, hi) {
  return (y) => {
    const c = Math.max(lo, Math.min(hi, y));
    return box.T + (hi - c) / (hi - lo) * (box.H - box.T - box.B);
  };
}

// The points attribute of a polyline through (xs[i], ys[i]).
export function polyline(xs, ys, X, Y) {
  const pts = [];
  for (let i = 0; i < xs.length; i++) pts.push(`${X(xs[i]).toFixed(1)},${Y(ys[i]).toFixed(1)}`);
  return pts.join(' ');
}

// A round tick step for a span: about four ticks of 1, 2 or 5 times a power of ten.
export function niceStep(span) {
  const p = Math.pow(10, Math.floor(Math.log10(span / 4)));
  const m = span / 4 / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

// The frame, the ticks' labels and the axes' labels of box, into svg.
export function axes(svg, box, xTicks, yTicks, X, Y, xLabel, yLabel) {
  const g = svgEl('g', { class: 'vi-pg-axes' });
  g.appendChild(svgEl('rect', { x: box.L, y: box.T, width: box.W - box.L - box.R,
    height: box.H - box.T - box.B, class: 'vi-pg-frame' }));
  for (const t of xTicks) {
    g.appendChild(svgEl('text', { x: X(t).toFixed(1), y: box.H - box.B + 14,
      'text-anchor': 'middle' }, String(t)));
  }
  for (const t of yTicks) {
    g.appendChild(svgEl('text', { x: box.L - 6, y: (Y(t) + 4).toFixed(1),
      'text-anchor': 'end' }, String(t)));
  }
  g.appendChild(svgEl('text', { x: ((box.L + box.W - box.R) / 2).toFixed(1),
    y: box.H - 4, 'text-anchor': 'middle' }, xLabel));
  if (yLabel) {
    const middle = ((box.T + box.H - box.B) / 2).toFixed(1);
    g.appendChild(svgEl('text', { x: 12, y: middle, 'text-anchor': 'middle',
      transform: `rotate(-90 12 ${middle})` }, yLabel));
  }
  svg.appendChild(g);
}
