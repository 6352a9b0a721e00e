// One playground's elements, in the order the page shows them: title, intro,
// controls, warning, status, readout, the band figure and the loss figure.
import { createBandFigure } from './band_figure.mjs';
import { createControls } from './controls.mjs';
import { el } from './dom.mjs';
import { createLossFigure } from './loss_figure.mjs';
import { createReadout } from './readout.mjs';
import { fill } from './text.mjs';

// The root carries data-playground and data-state (idle | training | done),
// with the readout's attributes (readout.mjs), for the tests.
export function createView(slot, T, id, lang) {
  const root = el('div', { class: 'vi-playground', 'data-playground': '', 'data-state': 'idle',
    'data-epoch': '0', 'data-coverage': '', 'data-width': '', lang, id });
  const intro = el('p', { class: 'vi-pg-intro' });
  const controls = createControls(T, id);
  const warning = el('p', { class: 'vi-pg-warning', role: 'alert', hidden: '' });
  const status = el('p', { class: 'vi-pg-status', role: 'status', 'aria-live': 'polite' },
    T.idle);
  const readout = createReadout(T, root);
  const band = createBandFigure(T, id);
  const loss = createLossFigure(T, id);
  for (const part of [el('p', { class: 'vi-pg-title' }, T.title), intro, controls.element,
    warning, status, readout.element, band.svg, loss.svg]) {
    root.appendChild(part);
  }
  slot.replaceChildren(root); // in place of the note that JupyterLab shows
  return {
    root, controls, warning, status, readout, band, loss,
    // The counts of the data set on screen.
    showIntro(data) {
      intro.textContent = fill(T.intro, { n: data.x.length, nTrain: data.trainIdx.length,
        nVal: data.x.length - data.trainIdx.length });
    },
  };
}
