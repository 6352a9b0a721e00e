// The training Worker, started from the text of its own bundle: no URL to load,
// so it starts from file:// too. Where a Worker cannot start, the same code runs
// in the page in slices of ~15 ms (slower to finish, but the page still answers).
import { serveWorker } from './serve_worker.mjs';
// The bundle of worker.mjs as a string: build.mjs builds it first ("?source").
import WORKER_SOURCE from './worker.mjs?source';

// serveWorker on the main thread, behind a Worker's postMessage.
function inPage(onMessage) {
  const scope = { postMessage: (m) => onMessage({ data: m }) };
  serveWorker(scope);
  return { postMessage: (m) => setTimeout(() => scope.onmessage({ data: m }), 0) };
}

// onMessage(event) hears the worker's reports; returns {postMessage(message)}.
export function startWorker(onMessage) {
  let worker = null, fallback = null, pending = [];
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = (event) => {
      URL.revokeObjectURL(url);
      onMessage(event);
    };
    worker.onerror = () => { // e.g. a page whose policy forbids blob: workers
      worker = null;
      fallback = inPage(onMessage);
      for (const m of pending) fallback.postMessage(m);
    };
  } catch (err) {
    fallback = inPage(onMessage);
  }
  return {
    postMessage(m) {
      if (m.type === 'start') pending = [m];
      else pending.push(m);
      (worker || fallback).postMessage(m);
    },
  };
}
