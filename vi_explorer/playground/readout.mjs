// The run's numbers: on screen (a <dl>), and as the root's data- attributes that
// the tests read: data-epoch, data-coverage and data-width (held-out coverage
// and mean width of the current 90 % band), and on chapter 7's data set
// data-coverage-inside, -hole and -beyond.
import { Z95 } from './band.mjs';
import { el } from './dom.mjs';
import { coverageText, fill, fmt } from './text.mjs';

export function createReadout(T, root) {
  const element = el('dl', { class: 'vi-pg-readout' });
  function item(label) {
    element.appendChild(el('dt', {}, label));
    const dd = el('dd', {}, '–');
    element.appendChild(dd);
    return dd;
  }
  const epoch = item(T.epoch), coverage = item(T.coverage), width = item(T.width);
  const regions = {};
  for (const [name, label] of Object.entries(T.regions)) regions[name] = item(label);

  // A report of the worker; sigma: the run's noise (the calibrated width's).
  function show(msg, sigma) {
    const calibrated = msg.regions ? msg.regions.inside.oracleWidth // mean over x
      : 2 * Z95 * sigma;
    root.setAttribute('data-epoch', String(msg.epoch));
    root.setAttribute('data-coverage', fmt(msg.coverage, 3));
    root.setAttribute('data-width', fmt(msg.width, 3));
    epoch.textContent = `${msg.epoch} / ${msg.epochs}`;
    coverage.textContent = coverageText(T, msg.coverage, msg.regions);
    width.textContent = `${fmt(msg.width, 2)} (${fill(T.calibrated,
      { value: fmt(calibrated, 2) })})`;
    if (msg.regions) showRegionScores(msg.regions);
  }

  function showRegionScores(scores) {
    for (const [name, dd] of Object.entries(regions)) {
      const s = scores[name];
      dd.textContent = fill(T.regionLine, { coverage: fmt(s.coverage, 3),
        width: fmt(s.width, 2), oracle: fmt(s.oracleWidth, 2) });
      root.setAttribute(`data-coverage-${name}`, fmt(s.coverage, 3));
    }
  }

  return {
    element, show,
    // A new run: no numbers yet.
    reset() {
      root.setAttribute('data-epoch', '0');
      root.setAttribute('data-coverage', '');
      root.setAttribute('data-width', '');
      for (const [name, dd] of Object.entries(regions)) {
        dd.textContent = '–';
        root.removeAttribute(`data-coverage-${name}`);
      }
    },
    // The three regions' lines only for chapter 7's data.
    showRegions(on) {
      for (const dd of Object.values(regions)) {
        dd.hidden = !on;
        dd.previousSibling.hidden = !on;
      }
    },
  };
}
