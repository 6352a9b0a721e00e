"""The playground of chapter 6 in headless Chromium: ``make bench`` (section
``playground``), or ``python -m benchmarks.playground`` for this part alone.

Opens chapter 6's playground (``vi_explorer/static/playground/``) from disk in a page
that also holds the static explorer's grid, as the built chapter does, and measures
in one run on this machine:

* ``speed``: epochs per second of the source's variational network (n = 2,000,
  1,600 training points) in the browser (the playground's own code, on the page's
  thread) and in PyTorch (``vh.recipes.train``, as the explorer trains: one
  thread), alternating, ``repeats`` times; the ratio of the medians.
* ``calibrated``: the β-NLL recipe at σ = 1.3 (not a grid value), through the page's
  inputs, for seeds 0–2: wall time from Train to ``data-state="done"``, held-out
  coverage and width; and the longest main-thread task meanwhile (Chromium's
  Long Tasks API reports every task over 50 ms).
* ``source``: the source's model at σ = 1.5: its band's width over the calibrated one.
* ``first_picture``: a change of σ, from the input's event to the next painted frame,
  with the nearest precomputed cell drawn (20 changes).
* ``tfjs``: the same network in TensorFlow.js (pinned below, fetched with npm and
  checked like the site's assets) on its CPU and WASM backends, served over http
  and opened from disk; epochs per second and download size.

The targets are issue 16's; the Performance page reports the numbers.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import common

STATIC = common.ROOT / "vi_explorer" / "static" / "playground"
TFJS_MODEL = Path(__file__).with_name("tfjs_source_model.js")
#: TensorFlow.js, fetched only by this benchmark (the book does not ship it).
TFJS = {
    "@tensorflow/tfjs": {
        "version": "4.22.0",
        "integrity": "sha512-0TrIrXs6/b7FLhLVNmfh8Sah6JgjBPH4mZ8JGb7NU6WW+cx00q"
                     "K5BcAZxw7NCzxj6N8MRAIfHq+oNbPUNG5VAg==",
    },
    "@tensorflow/tfjs-backend-wasm": {
        "version": "4.22.0",
        "integrity": "sha512-/IYhReRIp4jg/wYW0OwbbJZG8ON87mbz0PgkiP3CdcACRSvUN0"
                     "h8rvC0O3YcDtkTQtFWF/tcXq/KlVDyV49wmA==",
    },
}
TARGETS = {"first_picture_ms": 100, "long_task_ms": 50, "speed_ratio": 0.5,
           "calibrated_s": 3.0, "coverage": (0.87, 0.93), "width_rel": 0.10,
           "source_width_ratio": 2.5}
Z95 = 1.6448536269514722

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>playground bench</title>
<link rel="stylesheet" href="playground/vi_playground.css">
<script defer src="playground/vi_playground.js"></script>
</head><body><div data-playground-slot></div>{explorer}</body></html>
"""
TFJS_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tfjs bench</title>
<script src="tfjs/tf.min.js"></script>
<script src="tfjs/tf-backend-wasm.min.js"></script>
<script>tf.wasm.setWasmPaths(new URL('tfjs/', location.href).href);</script>
<script src="tfjs_source_model.js"></script>
</head><body></body></html>
"""


def chromium() -> str:
    for c in ("/usr/bin/chromium", shutil.which("chromium"),
              shutil.which("google-chrome")):
        if c and Path(c).is_file():
            return c
    raise SystemExit("playground bench: Chromium not found (apt-get install chromium)")


def build_site(root: Path, tfjs: bool) -> dict:
    """The bench's pages in ``root``; returns the download sizes in bytes."""
    from vi_explorer.grid import load_grid
    from vi_explorer.static_explorer import static_explorer_html

    shutil.copytree(STATIC, root / "playground")
    explorer = static_explorer_html(load_grid(), "en")
    (root / "index.html").write_text(PAGE.format(explorer=explorer), encoding="utf-8")
    sizes = {"playground_js": sum(p.stat().st_size for p in STATIC.glob("*.js"))}
    if tfjs:
        from tools import fetch_assets

        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("playground bench: npm is needed to fetch TensorFlow.js")
        dest = root / "tfjs"
        dest.mkdir()
        with tempfile.TemporaryDirectory() as tmp:
            for name, spec in TFJS.items():
                tgz = fetch_assets.fetch(name, spec, npm)
                pkg = fetch_assets.unpack(tgz, Path(tmp) / name)
                for f in (pkg / "dist").iterdir():
                    wanted = ("tf.min.js", "tf-backend-wasm.min.js")
                    if f.name in wanted or f.suffix == ".wasm":
                        shutil.copy2(f, dest / f.name)
        shutil.copy2(TFJS_MODEL, root / TFJS_MODEL.name)
        (root / "tfjs.html").write_text(TFJS_PAGE, encoding="utf-8")
        sizes["tfjs_js"] = (dest / "tf.min.js").stat().st_size
        sizes["tfjs_wasm_backend"] = sum(
            (dest / f).stat().st_size
            for f in ("tf-backend-wasm.min.js", "tfjs-backend-wasm-simd.wasm"))
    return sizes


def torch_epochs_per_s(epochs: int) -> float:
    import vi_helpers as vh

    data = vh.make_dataset(n=vh.explorer.DEFAULT_N, sigma=1.5, seed=0)
    start = time.perf_counter()
    vh.recipes.train("source", data, seed=0, epochs=epochs)
    return epochs / (time.perf_counter() - start)


BROWSER_SPEED = """(epochs) => {
    const core = window.VIPlayground.core;
    const s = Object.assign(core.defaults('source'), {sigma: 1.5, epochs: epochs});
    const t = new core.Trainer(s);
    t.step();  // warm-up: the JIT and the buffers
    const start = performance.now();
    for (let e = 1; e < epochs; e++) t.step();
    return (epochs - 1) / ((performance.now() - start) / 1000);
}"""

WATCH = """() => {
    const root = document.querySelector('[data-playground]');
    window.__bench = {states: [], longest: 0, longTasks: 0};
    new MutationObserver(() => window.__bench.states.push(
        [root.dataset.state, performance.now()])).observe(root,
        {attributes: true, attributeFilter: ['data-state']});
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
            window.__bench.longTasks += 1;
            window.__bench.longest = Math.max(window.__bench.longest, e.duration);
        }
    }).observe({type: 'longtask'});
}"""

FIRST_PICTURE = """async (sigma) => {
    const input = document.querySelector('input[name=sigma]');
    const t0 = performance.now();
    input.value = String(sigma);
    input.dispatchEvent(new Event('change'));
    const handled = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return [handled, performance.now() - t0,
            document.querySelector('[data-playground]').dataset.preview || ''];
}"""


def _ui_run(page, hash_: str, base: str) -> dict:
    """Open the page with ``hash_``, press Train, wait for the end; the numbers."""
    page.goto("about:blank")  # a new document: a change of hash alone would not reload
    page.goto(f"{base}index.html#{hash_}")
    page.wait_for_selector("[data-playground]")
    page.evaluate(WATCH)
    page.click(".vi-pg-train")
    page.wait_for_function(
        "() => document.querySelector('[data-playground]').dataset.state === 'done'",
        timeout=600_000)
    bench = page.evaluate("() => window.__bench")
    times = dict((s, t) for s, t in bench["states"])
    root = page.locator("[data-playground]")
    return {"seconds": (times["done"] - times["training"]) / 1000,
            "coverage": float(root.get_attribute("data-coverage")),
            "width": float(root.get_attribute("data-width")),
            "longest_task_ms": bench["longest"], "long_tasks": bench["longTasks"]}


def run(repeats: int = 3, quick: bool = False, tfjs: bool = True) -> dict:
    """Every measurement of the module docstring; a JSON-ready dict."""
    from playwright.sync_api import sync_playwright

    from tools.serve import serve

    speed_epochs = 50 if quick else 300
    tfjs_epochs = 10 if quick else 60
    seeds = (0,) if quick else (0, 1, 2)
    out: dict = {"targets": TARGETS, "repeats": repeats}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        root = Path(tmp)
        out["bytes"] = build_site(root, tfjs)
        browser = pw.chromium.launch(
            executable_path=chromium(), headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu"])
        out["browser"] = browser.version
        page = browser.new_page(viewport={"width": 1000, "height": 1200})
        base = root.as_uri() + "/"
        page.goto(base + "index.html")
        page.wait_for_selector("[data-playground]")

        torch_epochs_per_s(5)  # warm-up: imports, the first allocations
        torch_rates, js_rates = [], []
        for _ in range(repeats):  # alternating, so that both see the same machine
            torch_rates.append(torch_epochs_per_s(speed_epochs))
            js_rates.append(page.evaluate(BROWSER_SPEED, speed_epochs))
        ratio = statistics.median(js_rates) / statistics.median(torch_rates)
        out["speed"] = {"epochs": speed_epochs, "n": 2000, "torch": torch_rates,
                        "browser": js_rates, "ratio": ratio}

        page.goto("about:blank")
        page.goto(base + "index.html#model=mle&sigma=1.3&epochs=700")
        page.wait_for_selector("[data-playground]")
        sigmas = (0.6, 1.1, 2.4, 0.9, 1.7) * 4
        changes = [page.evaluate(FIRST_PICTURE, s) for s in sigmas]
        out["first_picture"] = {"handler_ms": [c[0] for c in changes],
                                "frame_ms": [c[1] for c in changes],
                                "previews": sorted({c[2] for c in changes})}

        out["calibrated"] = [
            _ui_run(page, f"model=beta_nll&sigma=1.3&epochs=200&seed={s}", base)
            | {"seed": s} for s in seeds]
        source = _ui_run(page, "model=source&sigma=1.5&seed=0"
                         + ("&epochs=200" if quick else ""), base)
        source["width_ratio"] = source["width"] / (2 * Z95 * 1.5)
        out["source"] = source

        if tfjs:
            data = json.loads(page.evaluate("""() => {
                const core = window.VIPlayground.core;
                const d = core.makeData(2000, 1.5, 0);
                return JSON.stringify([Array.from(d.xTrain), Array.from(d.yTrain)]);
            }"""))
            runs = []
            with serve(root) as url:
                for where, base_url in (("http", url), ("file", base)):
                    page.goto(base_url + "tfjs.html")
                    for backend in ("cpu", "wasm"):
                        r = page.evaluate(
                            "([b, x, y, e]) => window.tfjsEpochsPerSecond(b, x, y, e)",
                            [backend, data[0], data[1], tfjs_epochs])
                        r["where"] = where
                        if "seconds" in r:
                            r["epochs_per_s"] = r["epochs"] / r["seconds"]
                        runs.append(r)
            out["tfjs"] = {"version": TFJS["@tensorflow/tfjs"]["version"], "runs": runs}
        browser.close()
    return out


def main() -> None:
    print(json.dumps(run(quick="--quick" in sys.argv), indent=1))


if __name__ == "__main__":
    main()
