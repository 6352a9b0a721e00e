// The training loop behind the page: serveWorker(scope) answers messages on scope
// (a Worker's self, or a stand-in on the main thread):
//
//   {type: 'start', run, settings, reportEvery}   a new run (replaces the old one)
//   {type: 'stop'}, {type: 'resume'}
//
// It trains in slices of about SLICE_MS and posts {type: 'progress', ...} every
// reportEvery epochs and at the end, so that 'stop' is heard within a slice; a
// run whose loss is not finite posts {type: 'error', run, message}.
import { curveGrid } from './band.mjs';
import { Trainer } from './trainer.mjs';

const SLICE_MS = 15;

function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

// The next slice as a new task of the event loop, so that 'stop' is heard in
// between. A MessageChannel message, where there is one: setTimeout(f, 0) waits
// at least 4 ms once calls nest, a fifth of each 15-ms slice.
function nextTask() {
  if (typeof MessageChannel === 'undefined') return (f) => setTimeout(f, 0);
  const channel = new MessageChannel(), queue = [];
  channel.port1.onmessage = () => {
    const f = queue.shift();
    if (f) f();
  };
  return (f) => {
    queue.push(f);
    channel.port2.postMessage(0);
  };
}

// The message of a report: the band on the grid x, the scores, the new losses.
function progress(trainer, x, run, sent, started, running) {
  const s = trainer.score(), band = trainer.band(x);
  return {
    x: Array.from(x), regions: trainer.regions(),
    type: 'progress', run, epoch: trainer.epoch, epochs: trainer.settings.epochs,
    losses: trainer.losses.slice(sent), firstEpoch: sent + 1,
    lower: Array.from(band.lower), median: Array.from(band.median),
    upper: Array.from(band.upper), coverage: s.coverage, width: s.width,
    seconds: (now() - started) / 1000, done: trainer.done(), running,
  };
}

// options.schedule(f): how the next slice is queued (tests run them by hand).
export function serveWorker(scope, options = {}) {
  const schedule = options.schedule || nextTask();
  let trainer = null, grid = null, run = 0, running = false, reportEvery = 5;
  let sent = 0, started = 0;

  function report() {
    scope.postMessage(progress(trainer, grid, run, sent, started, running));
    sent = trainer.losses.length;
  }

  // Train until the slice's time is up or a report is due; true if it went well.
  function train() {
    const end = now() + SLICE_MS;
    try {
      while (!trainer.done() && now() < end) {
        const loss = trainer.step();
        if (!isFinite(loss)) throw new Error(`diverged at epoch ${trainer.epoch}`);
        if (trainer.epoch % reportEvery === 0) break;
      }
      return true;
    } catch (err) {
      running = false;
      scope.postMessage({ type: 'error', run, message: String(err.message || err) });
      return false;
    }
  }

  function slice(token) {
    if (token !== run || !running) return;
    if (!train()) return;
    if (trainer.done()) running = false;
    if (trainer.epoch % reportEvery === 0 || trainer.done()) report();
    if (running) schedule(() => slice(token));
  }

  function start(msg) {
    run = msg.run;
    trainer = new Trainer(msg.settings);
    grid = curveGrid(trainer.data);
    reportEvery = msg.reportEvery || 5;
    sent = 0;
    started = now();
    running = true;
    slice(run);
  }

  scope.onmessage = (event) => {
    const msg = event.data;
    if (msg.type === 'start') {
      start(msg);
    } else if (msg.type === 'stop' && trainer) {
      running = false;
      report();
    } else if (msg.type === 'resume' && trainer && !trainer.done() && !running) {
      running = true;
      slice(run);
    }
  };
}
