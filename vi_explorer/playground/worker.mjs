// The Worker's script: build.mjs bundles it, and the page starts it from that
// text (start_worker.mjs), so that it needs no URL and starts from file:// too.
import { serveWorker } from './serve_worker.mjs';

serveWorker(self);
