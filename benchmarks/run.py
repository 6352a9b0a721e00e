"""``make bench``: measure on this machine, write the JSON and the Performance page.

    python -m benchmarks.run            # everything, as the book reports it (long)
    python -m benchmarks.run --quick    # small sizes, a smoke run of every part
    python -m benchmarks.run --no-book  # skip nbval, make book and the explorer
    python -m benchmarks.run --only band --no-book --merge  # re-measure one section

Writes ``benchmarks/results/bench.json`` (``bench_cuda.json`` on a GPU) and then,
from that file, the tables and figures the Performance page includes
(``benchmarks/report.py``); the page's sentences are written by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

import vi_helpers as vh
from benchmarks import (
    band,
    common,
    good_fit,
    playground,
    report,
    threads,
    training,
    whole_book,
)

SECTIONS = ("training", "threads", "band", "good_fit", "playground")
#: Sizes of a full run (the source's) and of a quick one.
FULL = {"n": 10_000, "small_n": vh.explorer.DEFAULT_N, "repeats": 7,
        "epochs": training.SOURCE_EPOCHS, "threads": threads.FULL,
        "num_samples": 1_000, "band_epochs": 1_000, "settings": good_fit.SETTINGS,
        "book_repeats": 3, "explorer": {}}
QUICK = {"n": 500, "small_n": 200, "repeats": 2,
         "epochs": {"mle": (100, 10), "variational": (20, 2)},
         "threads": threads.QUICK,
         "num_samples": 100, "band_epochs": 20,
         "settings": tuple(replace(s, max_epochs=max(1, s.max_epochs // 100),
                                   horizon=s.horizon and max(1, s.horizon // 100))
                           for s in good_fit.SETTINGS),
         "book_repeats": 1,
         "explorer": {"sigmas": (0.5, 3.0), "seeds": 1, "n": 200, "max_epochs": 100}}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true",
                   help="small sizes and 2 repeats: checks that everything runs")
    p.add_argument("--repeats", type=int, help="runs per figure (default 7, quick 2)")
    p.add_argument("--book", action=argparse.BooleanOptionalAction, default=None,
                   help="also time nbval, make book and the explorer (default: on, "
                        "off with --quick)")
    p.add_argument("--only", default=",".join(SECTIONS),
                   help="comma-separated sections before the book part "
                        f"(default: {','.join(SECTIONS)})")
    p.add_argument("--merge", action="store_true",
                   help="replace only the sections measured now in the existing "
                        "JSON (same device, both quick or both full); the page "
                        "says which were measured later")
    p.add_argument("--device", default="auto", help="auto (vh.get_device()), cpu, cuda")
    p.add_argument("--threads", type=int,
                   help="torch.set_num_threads (default: torch's choice)")
    p.add_argument("--out", type=Path,
                   help="JSON to write (default benchmarks/results/bench.json, "
                        "bench_<device>.json on a GPU)")
    p.add_argument("--page-root", type=Path, default=common.ROOT,
                   help="where book/ lies for the generated page parts")
    p.add_argument("--no-page", action="store_true", help="write the JSON only")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    size = QUICK if args.quick else FULL
    repeats = args.repeats or size["repeats"]
    if repeats < 1:
        raise SystemExit("--repeats must be at least 1")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = vh.get_device() if args.device == "auto" else torch.device(args.device)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"--only: unknown sections {sorted(unknown)}")
    book = (not args.quick) if args.book is None else args.book

    result = {
        "schema": 2, "quick": args.quick,
        "command": " ".join(["benchmarks/run.py", *(argv if argv is not None
                                                  else sys.argv[1:])]),
        "machine": common.machine(device),
        "sizes": {"n": size["n"], "repeats": repeats},
        "section_seconds": {}, "section_load": {},
    }
    data = vh.make_dataset(n=size["n"], sigma=1.5, seed=0)
    jobs = {
        "training": lambda: training.run(
            data, repeats, device, size["epochs"],
            small=vh.make_dataset(n=size["small_n"], sigma=1.5, seed=0)),
        "threads": lambda: threads.run(
            size["threads"]["sizes"], size["threads"]["epochs"],
            args.repeats or size["threads"]["repeats"], busy=size["threads"]["busy"])
        if device.type == "cpu" else {"skipped": "CPU threads, measured on the CPU"},
        "band": lambda: band.run(data, repeats, device, size["num_samples"],
                                 size["band_epochs"]),
        "good_fit": lambda: good_fit.run(data, repeats, device, size["settings"])
        | {"explorer": good_fit.explorer_run(device, **size["explorer"])},
        "playground": lambda: playground.run(min(repeats, 5), quick=args.quick,
                                             tfjs=not args.quick)
        if device.type == "cpu" else {"skipped": "the browser: see the CPU run"},
    }
    if book:
        sections.append("whole_book")
        jobs["whole_book"] = lambda: whole_book.run(
            size["book_repeats"] if args.repeats is None else repeats, args.quick)
    machine_end = None
    for name in sections:
        print(f"[bench] {name} ...", flush=True)
        start, load = time.perf_counter(), common.load_average()
        result[name] = jobs[name]()
        result["section_seconds"][name] = time.perf_counter() - start
        # a section that makes load on purpose (threads) reports the machine's own
        own = isinstance(result[name], dict) and result[name].get("machine_load")
        result["section_load"][name] = own or [load, common.load_average()]
        machine_end = result["section_load"][name][1]
        print(f"[bench] {name}: {result['section_seconds'][name]:.1f} s", flush=True)
    result["machine"]["load_average_end"] = machine_end or common.load_average()

    out = args.out or common.RESULTS / (
        "bench.json" if device.type == "cpu" else f"bench_{device.type}.json")
    if args.merge and out.exists():
        result = merge(json.loads(out.read_text()), result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"[bench] wrote {out}")
    cpu_json = out if device.type == "cpu" else out.parent / "bench.json"
    if not args.no_page and cpu_json.exists():
        for path in report.write_page(cpu_json, args.page_root):
            print(f"[bench] wrote {path}")
    return result


def merge(old: dict, new: dict) -> dict:
    """``old`` with the sections ``new`` measured replaced, and a note of when.

    Only results of the same kind are merged: the same device, both quick or
    both full. The machine stamp stays ``old``'s; ``merged`` lists the later runs.
    """
    if old.get("quick") != new["quick"]:
        raise SystemExit("--merge: a quick run and a full one do not mix")
    if old.get("machine", {}).get("device") != new["machine"]["device"]:
        raise SystemExit("--merge: the existing JSON was measured on another device")
    sections = list(new["section_seconds"])
    out = dict(old)
    for name in sections:
        out[name] = new[name]
        for key in ("section_seconds", "section_load"):
            if name in new.get(key, {}):
                out.setdefault(key, {})[name] = new[key][name]
    m = new["machine"]
    out["merged"] = [*old.get("merged", []), {
        "sections": sections, "command": new["command"], "date": m["date"],
        "git_commit": m["git_commit"], "torch_threads": m["torch_threads"],
        "load_average_start": m["load_average_start"],
        "load_average_end": m["load_average_end"]}]
    out["schema"] = max(old.get("schema", 1), new["schema"])
    return out


if __name__ == "__main__":
    main()
