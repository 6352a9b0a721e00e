"""One intra-op thread against torch's default, for the book's tiny networks.

    python -m benchmarks.threads            # the source's and the explorer's size
    python -m benchmarks.threads --quick    # small sizes: checks that it runs

``vh.fit`` trains the source's variational model (its recipe,
``vh.RECIPES["source"]``: the same data, initial weights and 1,000 epochs) once
with one thread and once with torch's default number, side by side: each repeat
trains a pair from the same seed, and which goes first alternates, so that a
slow spell of a shared machine falls on both. Two sizes: the source's 10,000
points and the explorer's 2,000. The ratio default / one thread > 1 means that
one thread is faster. The machine's load average is written before and after
each size, because on a machine that other work keeps busy a second thread
often waits for a core. A last case measures that on purpose: the explorer's
size again, while ``usable cores - 1`` other processes each keep a core busy
(:func:`busy_cores`), as a second notebook that trains does on a laptop.
(``fit`` itself trains on ``vh.utils.TRAIN_THREADS``;
:func:`benchmarks.common.fit_threads` sets the number for each run, and every
run checks that ``fit`` trained on it.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import torch

import vi_helpers as vh
from benchmarks.common import (
    RESULTS,
    ThreadsSeen,
    fit_threads,
    load_average,
    machine,
    summary,
)
from vi_helpers.explorer import DEFAULT_N

#: The model whose training is timed: the source's variational model.
MODEL = "source"
#: Sizes of a full run and of a quick one: points per case, epochs, repeats, and
#: which case runs again beside busy processes (with how many repeats).
FULL = {"sizes": {"source": 10_000, "explorer": DEFAULT_N}, "epochs": 1000,
        "repeats": 5, "busy": {"case": "explorer", "repeats": 3}}
QUICK = {"sizes": {"source": 500, "explorer": 200}, "epochs": 20, "repeats": 2,
         "busy": {"case": "explorer", "repeats": 1}}
#: The program each busy process runs: one core's worth of work, forever.
SPIN = "while True: pass"


def compared_threads() -> tuple[int, int]:
    """(1, torch's current number of threads), or (1, usable cores) if that is 1."""
    default = torch.get_num_threads()
    if default == 1:
        try:
            default = len(os.sched_getaffinity(0))
        except AttributeError:
            default = os.cpu_count() or 1
    return 1, default


@contextmanager
def busy_cores(k: int):
    """``k`` other Python processes, each keeping one core busy, while the block
    runs (it gets them, as ``Popen`` objects); they are killed when it ends, even
    on an error."""
    procs = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(k)]
    try:
        time.sleep(0.5)  # let them start and take their cores
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def train_once(data: vh.Dataset, epochs: int, threads: int, seed: int) -> dict:
    """One training of :data:`MODEL` on ``threads`` threads: wall and CPU seconds.

    Raises RuntimeError if ``fit`` did not train on ``threads`` threads.
    """
    recipe = vh.RECIPES[MODEL]
    seen = ThreadsSeen()
    with fit_threads(threads):
        vh.set_seed(seed)
        model, loss_fn = recipe.build(data)
        wall, cpu = time.perf_counter(), time.process_time()
        hist = vh.fit(model, loss_fn, data, epochs=epochs, lr=recipe.lr,
                      progress=False, callback=seen)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if seen.seen != {threads}:
        raise RuntimeError(f"fit trained on {sorted(seen.seen)} threads, not {threads}")
    return {"wall": wall, "cpu": cpu, "val_loss": hist.val_loss[-1]}


def compare(data: vh.Dataset, epochs: int, repeats: int,
            threads: tuple[int, int], verbose: bool = False) -> dict:
    """``repeats`` pairs of trainings, one per thread count, alternating order."""
    one, many = threads
    load_start = load_average()
    short = max(1, epochs // 10)
    for k in threads:  # untimed warm-up of each setting
        train_once(data, short, k, seed=12_345)
    runs: dict[int, list[dict]] = {one: [], many: []}
    for r in range(repeats):
        for k in threads if r % 2 == 0 else threads[::-1]:
            runs[k].append(train_once(data, epochs, k, seed=r))
        if verbose:
            print(f"  n={len(data.x):,} pair {r + 1}/{repeats}: 1 thread "
                  f"{runs[one][-1]['wall']:.2f} s, {many} threads "
                  f"{runs[many][-1]['wall']:.2f} s; load {load_average()}", flush=True)
    wall = {k: [x["wall"] for x in v] for k, v in runs.items()}
    return {
        "n": len(data.x), "n_train": len(data.x_train), "epochs": epochs,
        "repeats": repeats, "threads": [one, many],
        "one_s": summary(wall[one]), "default_s": summary(wall[many]),
        "one_cpu_s": summary([x["cpu"] for x in runs[one]]),
        "default_cpu_s": summary([x["cpu"] for x in runs[many]]),
        # > 1: one thread is faster; pair by pair, the same seed on both sides
        "ratio": summary([d / o for o, d in zip(wall[one], wall[many])]),
        "same_model": all(a["val_loss"] == b["val_loss"]
                          for a, b in zip(runs[one], runs[many])),
        "max_rel_val_diff": max(abs(a["val_loss"] - b["val_loss"])
                                / max(abs(a["val_loss"]), 1e-30)
                                for a, b in zip(runs[one], runs[many])),
        "load_average_start": load_start, "load_average_end": load_average(),
    }


def run(sizes: dict[str, int], epochs: int, repeats: int,
        verbose: bool = False, busy: dict | None = None) -> dict:
    """Both sizes; the thread counts compared and the machine's load with them.

    ``busy`` (``{"case": name, "repeats": r}``) runs that case once more, ``r``
    pairs, beside ``usable cores - 1`` busy processes (at least one): the case
    ``<name>_busy``, with ``busy_processes`` in it. ``machine_load`` is the load
    average at the start and at the end of the other cases: the machine's own,
    without the load that the busy processes add.
    """
    threads = compared_threads()
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
    out = {"model": MODEL, "threads": list(threads), "usable_cores": cores,
           "train_threads": vh.utils.TRAIN_THREADS, "cases": {}}
    if threads[1] == 1:
        out["skipped"] = "one core only: nothing to compare"
        return out
    for name, n in sizes.items():
        data = vh.make_dataset(n=n, sigma=1.5, seed=0)
        out["cases"][name] = compare(data, epochs, repeats, threads, verbose)
    # the machine's load over the cases above: the busy case adds its own
    cases = list(out["cases"].values())
    out["machine_load"] = [cases[0]["load_average_start"],
                           cases[-1]["load_average_end"]]
    if busy:
        k = max(1, cores - 1)
        data = vh.make_dataset(n=sizes[busy["case"]], sigma=1.5, seed=0)
        with busy_cores(k):
            case = compare(data, epochs, busy["repeats"], threads, verbose)
        out["cases"][busy["case"] + "_busy"] = case | {"busy_processes": k}
    return out


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes, 2 repeats")
    p.add_argument("--repeats", type=int)
    p.add_argument("--epochs", type=int)
    p.add_argument("--out", type=Path, default=RESULTS / "threads.json")
    args = p.parse_args(argv)
    size = QUICK if args.quick else FULL
    stamp = machine(torch.device("cpu"))
    result = run(size["sizes"], args.epochs or size["epochs"],
                 args.repeats or size["repeats"], verbose=True, busy=size["busy"])
    stamp["load_average_end"] = load_average()
    result["machine"] = stamp
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for name, c in result["cases"].items():
        print(f"{name:9s} n={c['n']:>6,} {c['epochs']} epochs: "
              f"1 thread {c['one_s']['median']:.2f} s, "
              f"{c['threads'][1]} threads {c['default_s']['median']:.2f} s, "
              f"ratio {c['ratio']['median']:.2f} "
              f"({c['ratio']['min']:.2f}-{c['ratio']['max']:.2f}); "
              f"load {c['load_average_start']} -> {c['load_average_end']}")
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
