"""The whole book: nbval on every notebook, a clean ``make book``, the explorer.

These take minutes, so ``run.py`` runs them last and only when asked for. Each is
a separate process started from the repository root, timed from outside.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .common import RESULTS, ROOT, summary

LANGS = ("en", "ko")
EXPLORER_SCRIPT = ROOT / "benchmarks" / "explorer_latency.py"
EXPLORER_JSON = RESULTS / "explorer.json"


def _run(cmd: list[str], cwd: Path = ROOT) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def _tail(proc: subprocess.CompletedProcess, lines: int = 5) -> str:
    """The last lines a failed command printed, to say in the JSON why it failed."""
    return "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-lines:])


def per_notebook(junit: Path) -> dict[str, float]:
    """Seconds per notebook from pytest's JUnit XML (nbval makes one test a cell)."""
    seconds: dict[str, float] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        # classname is "notebooks.en.01-data.ipynb"; keep "01-data"
        name = case.get("classname", "?").removesuffix(".ipynb").split(".")[-1]
        seconds[name] = seconds.get(name, 0.0) + float(case.get("time", 0.0))
    return seconds


def nbval(repeats: int) -> dict:
    """``pytest --nbval`` on each language's notebooks, as ``make test`` runs them."""
    out: dict = {}
    for lang in LANGS:
        folder = ROOT / "notebooks" / lang
        notebooks = sorted(folder.glob("*.ipynb"))
        if not notebooks:
            out[lang] = {"skipped": f"no notebooks in notebooks/{lang}"}
            continue
        times, per_nb, failed, errors = [], {}, 0, []
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                junit = Path(tmp) / "junit.xml"
                seconds, proc = _run([sys.executable, "-m", "pytest", str(folder),
                                      "-q", "-p", "no:cacheprovider",
                                      f"--junitxml={junit}"])
                times.append(seconds)
                if proc.returncode != 0:
                    failed += 1
                    errors.append(_tail(proc))
                if junit.exists():
                    for name, s in per_notebook(junit).items():
                        per_nb.setdefault(name, []).append(s)
        out[lang] = {"notebooks": len(notebooks), "seconds": summary(times),
                     "failed_runs": failed, "errors": errors,
                     "per_notebook": {k: summary(v) for k, v in sorted(per_nb.items())}}
    measured = [out[lang]["seconds"]["samples"] for lang in LANGS
                if "seconds" in out[lang]]
    if measured:
        out["total_s"] = summary([sum(run) for run in zip(*measured)])
    return out


def make_book(repeats: int) -> dict:
    """The Makefile's ``jupyter-book build`` into a fresh folder: a cold build."""
    if not (ROOT / "_config.yml").exists():
        return {"skipped": "no _config.yml yet"}
    jb = str(Path(sys.executable).parent / "jupyter-book")
    times, failed, errors = [], 0, []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, proc = _run([jb, "build", ".", "--warningiserror", "--keep-going",
                                  "--path-output", tmp])
            times.append(seconds)
            if proc.returncode != 0:
                failed += 1
                errors.append(_tail(proc))
    return {"seconds": summary(times), "failed_runs": failed, "errors": errors}


def explorer(quick: bool) -> dict:
    """Run ``benchmarks/explorer_latency.py`` if it exists, and read its JSON.

    A full run leaves its ``results/explorer.json`` behind; a quick one writes
    to a temporary file, so that it does not replace the full results.
    """
    if not EXPLORER_SCRIPT.exists():
        return {"skipped": "benchmarks/explorer_latency.py does not exist yet"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "explorer.json" if quick else EXPLORER_JSON
        cmd = [sys.executable, str(EXPLORER_SCRIPT), "--out", str(out)]
        seconds, proc = _run(cmd + (["--quick"] if quick else []))
        if proc.returncode != 0 or not out.exists():
            return {"skipped": "explorer_latency.py failed: "
                               + _tail(proc, 1).replace("\n", " ")}
        return {"seconds": seconds, "results": json.loads(out.read_text())}


def run(repeats: int, quick: bool) -> dict:
    """All three, in this order."""
    return {"nbval": nbval(repeats), "make_book": make_book(repeats),
            "explorer": explorer(quick)}
