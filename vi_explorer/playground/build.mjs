// Builds the page's script from the modules beside this file, with the esbuild
// that package.json pins: `make js` (or `npm ci && npm run build`).
//
//   worker.mjs -> one minified IIFE: the Worker's script, kept as a string
//   main.mjs   -> vi_explorer/static/playground/vi_playground.js, one classic
//                 script (an IIFE) with that string inside, where
//                 start_worker.mjs imports './worker.mjs?source'
//
// A classic script and not a module, because a page opened from disk (file://)
// runs classic scripts only, and a Worker started from a Blob of its own text
// needs no URL. The built file is committed, so that `make book` needs no npm;
// tests/test_playground.py rebuilds it and compares.
//
// node build.mjs --check: build in memory, and fail if the committed file differs.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const OUT = path.join(ROOT, 'vi_explorer', 'static', 'playground', 'vi_playground.js');
const BANNER = `// Built by vi_explorer/playground/build.mjs (esbuild ${esbuild.version}) from the
// modules beside it: edit those, then run \`make js\`.
'use strict';`;

// Paths in the output relative to the repository's root, the same on every machine.
const COMMON = { bundle: true, format: 'iife', target: 'es2020', charset: 'utf8',
  absWorkingDir: ROOT, write: false, logLevel: 'warning' };

async function bundle(entry, options) {
  const result = await esbuild.build({ ...COMMON, entryPoints: [entry], ...options });
  return result.outputFiles[0].text;
}

// import text from './x.mjs?source': the bundle of x.mjs, as a string.
const sourceOf = {
  name: 'source',
  setup(build) {
    build.onResolve({ filter: /\?source$/ }, (args) => ({
      path: path.relative(ROOT, path.join(args.resolveDir, args.path.replace(/\?source$/, ''))),
      namespace: 'source',
    }));
    build.onLoad({ filter: /.*/, namespace: 'source' }, async (args) => ({
      contents: await bundle(path.join(ROOT, args.path), { minify: true }),
      loader: 'text',
    }));
  },
};

async function main() {
  const page = await bundle(path.join(HERE, 'main.mjs'),
    { plugins: [sourceOf], banner: { js: BANNER } });
  if (!process.argv.includes('--check')) {
    await mkdir(path.dirname(OUT), { recursive: true });
    await writeFile(OUT, page);
    console.log(`wrote ${path.relative(ROOT, OUT)} (${page.length} characters)`);
    return;
  }
  const committed = await readFile(OUT, 'utf8').catch(() => '');
  if (committed !== page) {
    console.error(`${path.relative(ROOT, OUT)} is not what the modules build: run \`make js\``);
    process.exit(1);
  }
}

await main();
