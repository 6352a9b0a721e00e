// One playground at work: its settings, the run on screen, and what each input,
// button and report of the worker does to them.
import { dataFor } from './data.mjs';
import { interpolate, nearestCell } from './nearest_cell.mjs';
import { pageGrid, writeUrl } from './page_input.mjs';
import { changeSetting, parseNumber } from './settings.mjs';
import { startWorker } from './start_worker.mjs';
import { fill, fmt, modelNote, problemsText, thousands } from './text.mjs';

const RESTART_MS = 300; // a change starts a new run after this pause

export class Playground {
  // view: view.mjs's elements; T: the labels of the page's language.
  constructor(view, T, settings) {
    this.view = view;
    this.T = T;
    this.settings = settings;
    this.current = null; // settings of the run on screen
    this.lastReport = null; // the newest band, kept while a new run starts
    this.runId = 0;
    this.restartTimer = null;
    this.state = 'idle';
    this.worker = startWorker((event) => this.onMessage(event));
    this.listen();
  }

  // The first picture: the settings' inputs, data and nearest cell; problems:
  // what was wrong with the link's settings.
  open(problems) {
    this.showInputs();
    this.warn(problems, false);
    this.showData();
    this.view.loss.draw(this.settings.epochs);
    this.setState('idle');
  }

  listen() {
    const { inputs, trainBtn, stopBtn } = this.view.controls;
    for (const input of Object.values(inputs)) {
      input.addEventListener('change', (event) => this.onChange(event.target));
    }
    inputs.sigma.addEventListener('input', () => this.onSlide());
    trainBtn.addEventListener('click', () => this.start());
    stopBtn.addEventListener('click', () => this.onStopButton());
  }

  // Stop while training; Resume when a run was stopped before its end.
  setState(next) {
    const { root, controls } = this.view, last = this.lastReport;
    this.state = next;
    root.setAttribute('data-state', next);
    const resumable = next === 'idle' && last !== null && !last.done && last.run === this.runId;
    controls.stopBtn.disabled = !(next === 'training' || resumable);
    controls.stopBtn.textContent = resumable ? this.T.resume : this.T.stop;
  }

  showInputs() {
    this.view.controls.show(this.settings);
    this.view.band.drawLegend(this.settings.model);
  }

  warn(problems, typed) {
    const { warning } = this.view;
    warning.hidden = !problems.length;
    warning.textContent = problemsText(this.T, problems, this.settings, typed);
  }

  // The data set's points; on a new data set, the inputs and readout it needs.
  drawData(data) {
    if (!this.view.band.drawData(data)) return;
    const hetero = data.name === 'hetero';
    this.view.controls.showDataSet(hetero, this.settings.sigma);
    this.view.readout.showRegions(hetero);
  }

  // The first picture after a change, drawn at once: the new data, and the
  // nearest precomputed cell of the page's static explorer; without one (another
  // data set, or no explorer on the page), the last band on the same data set.
  showData() {
    const { root, band, status } = this.view;
    const data = dataFor(this.settings);
    this.drawData(data);
    this.view.showIntro(data);
    root.removeAttribute('data-preview');
    const grid = pageGrid(), near = nearestCell(grid, this.settings);
    if (near) {
      const x = band.grid(), at = (ys) => interpolate(x, grid.x, ys);
      band.drawBand({ x, lower: at(near.cell.lower), median: at(near.cell.median),
        upper: at(near.cell.upper) });
      root.setAttribute('data-preview', near.key);
      root.classList.add('vi-pg-stale');
      status.textContent = fill(this.T.nearest, { sigma: String(near.sigma),
        epochs: thousands(near.epochs) });
    } else if (this.lastReport !== null && this.lastReport.data === data.name) {
      band.drawBand(this.lastReport);
      root.classList.add('vi-pg-stale');
      status.textContent = this.T.previous;
    } else {
      band.drawBand(null);
      root.classList.remove('vi-pg-stale');
    }
  }

  start() {
    clearTimeout(this.restartTimer);
    this.runId += 1;
    const current = { ...this.settings };
    this.current = current;
    this.view.loss.reset();
    this.view.loss.draw(current.epochs);
    this.view.readout.reset();
    this.view.status.textContent = fill(this.T.training, { epoch: 0, epochs: current.epochs });
    this.setState('training');
    this.worker.postMessage({ type: 'start', run: this.runId, settings: current,
      // about 40 redraws a run: each costs a pass over the band's x and the
      // held-out points, and ends a slice of training
      reportEvery: Math.max(1, Math.min(25, Math.round(current.epochs / 40))) });
  }

  onMessage(event) {
    const msg = event.data, { root, band, loss, readout } = this.view;
    if (msg.run !== this.runId) return; // a report of a run that was replaced
    if (msg.type === 'error') {
      this.view.status.textContent = fill(this.T.failed, { message: msg.message });
      this.setState('idle');
      return;
    }
    this.lastReport = msg;
    msg.data = this.current.data;
    root.classList.remove('vi-pg-stale');
    root.removeAttribute('data-preview');
    loss.add(msg.losses);
    band.drawBand(msg);
    loss.draw(msg.epochs);
    readout.show(msg, this.current.sigma);
    this.showProgress(msg);
  }

  // The status line and state after a report: done, stopped or still training.
  showProgress(msg) {
    const { status } = this.view, T = this.T;
    if (msg.done) {
      status.textContent = fill(T.done, { epochs: msg.epochs, seconds: fmt(msg.seconds, 1) });
      this.setState('done');
    } else if (!msg.running) {
      status.textContent = fill(T.stopped, { epoch: msg.epoch, epochs: msg.epochs });
      this.setState('idle');
    } else {
      status.textContent = fill(T.training, { epoch: msg.epoch, epochs: msg.epochs });
    }
  }

  // An input changed: check the value, show the new data at once (the last
  // band stays until the new run reports), and start the new run shortly.
  onChange(input) {
    const { settings, problems } = changeSetting(this.settings, input.name, input.value);
    const note = input.name === 'model' ? modelNote(this.T, this.settings, settings) : '';
    this.settings = settings;
    this.showInputs();
    this.warn(problems, true);
    if (note && !problems.length) { // epochs and learning rate changed with the model
      this.view.warning.hidden = false;
      this.view.warning.textContent = note;
    }
    writeUrl(settings);
    this.showData();
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.start(), RESTART_MS);
  }

  // The slider moves: the data follow it at once.
  onSlide() {
    const { sigma } = this.view.controls.inputs;
    this.view.controls.showSigma(+sigma.value, false);
    const s = parseNumber('sigma', sigma.value, this.settings.sigma).value;
    this.drawData(dataFor({ ...this.settings, sigma: s }));
  }

  // Stop while training; Resume a stopped run.
  onStopButton() {
    const last = this.lastReport;
    if (this.state === 'training') {
      this.worker.postMessage({ type: 'stop' });
    } else if (last && !last.done) {
      this.worker.postMessage({ type: 'resume' });
      this.view.status.textContent = fill(this.T.training, { epoch: last.epoch,
        epochs: last.epochs });
      this.setState('training');
    }
  }
}
