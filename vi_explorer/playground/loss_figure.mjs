// The loss figure: the training loss by epoch, on axes that follow the losses.
import { clear, svgEl } from './dom.mjs';
import { LOSS, axes, niceStep, polyline, scaleX, scaleY } from './plot.mjs';

// The y axis for the losses: [lo, hi] rounded out to ticks, and the tick step.
function lossRange(losses) {
  let lo = Infinity, hi = -Infinity;
  for (const v of losses) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!losses.length) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9) hi = lo + 1;
  const step = niceStep(hi - lo);
  return { lo: Math.floor(lo / step) * step, hi: Math.ceil(hi / step) * step, step };
}

function ticks(lo, hi, step) {
  const out = [];
  for (let t = lo; t <= hi; t += step) out.push(t);
  return out;
}

// A figure in an <svg> of its own; figure.svg goes into the page.
export function createLossFigure(T, id) {
  const svg = svgEl('svg', { viewBox: `0 0 ${LOSS.W} ${LOSS.H}`, role: 'img',
    class: 'vi-pg-loss', 'aria-labelledby': `${id}-loss-title` });
  svg.appendChild(svgEl('title', { id: `${id}-loss-title` }, T.lossFigure));
  const lossAxes = svgEl('g');
  const line = svgEl('polyline', { class: 'vi-pg-loss-line' });
  svg.appendChild(lossAxes);
  svg.appendChild(line);
  let losses = [];

  // The losses so far, on an x axis of 0 to epochs.
  function draw(epochs) {
    clear(lossAxes);
    const { lo, hi, step } = lossRange(losses);
    const LX = scaleX(LOSS, 0, epochs), LY = scaleY(LOSS, lo, hi);
    const yTicks = ticks(lo, hi + step / 2, step).map((t) => +t.toPrecision(6));
    const holder = svgEl('g');
    axes(holder, LOSS, ticks(0, epochs, niceStep(epochs)), yTicks, LX, LY, T.epoch, T.loss);
    lossAxes.appendChild(holder);
    line.setAttribute('points', polyline(losses.map((v, i) => i + 1), losses, LX, LY));
  }

  return {
    svg, draw,
    reset() { losses = []; },
    add(more) { for (const v of more) losses.push(v); },
  };
}
