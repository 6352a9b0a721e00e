"""How fast the live explorer answers: ``python -m benchmarks.explorer_latency``.

Drives the real widget (:class:`vi_explorer.widget.Explorer`, no browser and no
kernel needed) the way a reader does: one slider is released at a new value, and
we time, from that moment,

* ``first_visible_update_s``: until the status line and progress bar change;
* ``final_figure_s``: until the new figure is set, for σ = 1.5, 1,000 epochs of
  the source's variational model (the issue's target setting), never seen before;
* ``cached_s``: until the figure is back for a setting seen before.

Each is the median of several runs (``--repeats``), with quartiles. The times
are those of the kernel side: the browser's paint adds a few milliseconds.
``final_figure_cpu_s`` is the CPU time the process used meanwhile: on a busy
machine it is closer to what an idle one would take than the wall time, which
the load average (also written) explains. ``final_figure_2_threads_s`` trains
with two intra-op threads instead of the explorer's
:data:`vi_helpers.utils.TRAIN_THREADS`, for comparison.
Writes ``benchmarks/results/explorer.json``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

import torch

from benchmarks import common
from vi_explorer.widget import Explorer, ResultCache
from vi_helpers import explorer as ex
from vi_helpers import utils

OUT = common.RESULTS / "explorer.json"
TARGET = dict(model="source", sigma=1.5, epochs=1000)
BEFORE = 1.4  # the σ the slider is moved from


class Stopwatch:
    """Times from ``start()`` to the first change of a widget trait after it."""

    def __init__(self, widget, trait: str) -> None:
        self.t0: float | None = None
        self.seconds: float | None = None
        self.event = threading.Event()
        widget.observe(self._changed, names=trait)

    def start(self) -> None:
        self.t0, self.seconds = time.perf_counter(), None
        self.event.clear()

    def _changed(self, _change) -> None:
        if self.t0 is not None and self.seconds is None:
            self.seconds = time.perf_counter() - self.t0
            self.event.set()

    def wait(self, timeout: float = 600) -> float:
        if not self.event.wait(timeout):
            raise TimeoutError("the explorer did not answer")
        return self.seconds


def one_run(n: int, epochs: int, threads: int) -> dict:
    """A fresh explorer and cache; move σ from 1.4 to 1.5 and back, then to 1.5.

    ``fit`` trains on ``utils.TRAIN_THREADS`` threads; for the time of this run
    on ``threads`` (:func:`benchmarks.common.fit_threads`).
    """
    with common.fit_threads(threads):
        return _one_run(n, epochs)


def _one_run(n: int, epochs: int) -> dict:
    w = Explorer(sigma=BEFORE, epochs=epochs, model=TARGET["model"], n=n,
                 cache=ResultCache())
    try:
        w.last.result()  # the starting figure, σ = 1.4
        status, figure = Stopwatch(w.status, "value"), Stopwatch(w.image, "value")
        cpu = time.process_time()
        status.start()
        figure.start()
        w.sigma.value = TARGET["sigma"]  # the reader releases the slider
        first = status.wait()
        final = figure.wait()
        cpu = time.process_time() - cpu
        assert w.last.result().sigma == TARGET["sigma"]
        w.sigma.value = BEFORE  # seen before: from the cache
        w.last.result()
        figure.start()
        w.sigma.value = TARGET["sigma"]  # and back, also cached
        cached = figure.wait()
        return {"first": first, "final": final, "cpu": cpu, "cached": cached}
    finally:
        w.close()


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    p.add_argument("--repeats", type=int)
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    n, epochs = (300, 100) if args.quick else (ex.DEFAULT_N, TARGET["epochs"])

    stamp = common.machine(torch.device("cpu"))
    one = utils.TRAIN_THREADS
    one_run(n, 100, one)  # warm up: imports, first figure, thread pools
    runs, two = [], []
    for r in range(repeats):  # alternating, so a busy spell falls on both
        pair = (one, 2) if r % 2 == 0 else (2, one)
        for threads in pair:
            if threads == one:
                runs.append(one_run(n, epochs, one))
            else:
                two.append(one_run(n, epochs, 2)["final"])
    stamp["load_average_end"] = common.load_average()
    result = {
        "setting": dict(TARGET, epochs=epochs, n=n, seed=0, quick=args.quick,
                        from_sigma=BEFORE, threads=one),
        "first_visible_update_s": common.summary([r["first"] for r in runs]),
        "final_figure_s": common.summary([r["final"] for r in runs]),
        "final_figure_cpu_s": common.summary([r["cpu"] for r in runs]),
        "cached_s": common.summary([r["cached"] for r in runs]),
        "final_figure_2_threads_s": common.summary(two),
        "targets_s": {"first_visible_update": 0.5, "final_figure": 3.0,
                      "cached": 0.2},
        "machine": stamp,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for key in ("first_visible_update_s", "final_figure_s", "final_figure_cpu_s",
                "cached_s", "final_figure_2_threads_s"):
        print(f"{key:26s} median {result[key]['median']:.3f} s")
    print(f"load average {stamp['load_average_start']} -> {stamp['load_average_end']}")
    return result


if __name__ == "__main__":
    main()
