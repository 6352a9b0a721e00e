"""What every benchmark needs: the source's code, a clock, medians with their spread,
and a stamp saying on which machine the numbers were measured."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from tools.machine import cpu_model

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def source():
    """The source walkthrough's code (``benchmarks/source_reference.py``).

    The benchmarks time the very loop the tests check the package against, so
    there is one copy of it in the repository.
    """
    from benchmarks import source_reference

    return source_reference


@contextmanager
def fit_threads(threads: int | None) -> Iterator[None]:
    """Let ``vh.fit`` train on ``threads`` intra-op threads for the block.

    ``fit`` trains on ``vi_helpers.utils.TRAIN_THREADS`` threads, read when it
    starts; the block sets that number (``None``: torch's current setting).
    Check with :class:`ThreadsSeen`.
    """
    from vi_helpers import utils

    original = utils.TRAIN_THREADS
    utils.TRAIN_THREADS = torch.get_num_threads() if threads is None else threads
    try:
        yield
    finally:
        utils.TRAIN_THREADS = original


class ThreadsSeen:
    """A ``fit`` callback that records ``torch.get_num_threads()`` while it trains."""

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def __call__(self, epoch: int, train_loss: float, val_loss: float) -> None:
        self.seen.add(torch.get_num_threads())


def sync(device: torch.device) -> None:
    """Wait for queued GPU work, so that a clock read after it is honest."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed(device: torch.device, fn: Callable, *args, **kwargs) -> tuple[float, object]:
    """Run ``fn(*args, **kwargs)`` once; return (seconds of wall time, its result)."""
    sync(device)
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    sync(device)
    return time.perf_counter() - start, out


def timed_per_call(device: torch.device, fn: Callable, min_seconds: float = 0.2,
                   max_calls: int = 1000) -> tuple[float, object, int]:
    """Seconds per call of ``fn()``, over enough calls to fill ``min_seconds``.

    One call that takes milliseconds is at the mercy of a single clock tick or
    a context switch; the mean over back-to-back calls is not (``timeit`` does
    the same). Returns (seconds per call, the first call's result, calls made).
    """
    seconds, out = timed(device, fn)
    calls = 1
    if seconds < min_seconds:
        more = min(max_calls, max(1, int(min_seconds / max(seconds, 1e-6))))
        sync(device)
        start = time.perf_counter()
        for _ in range(more):
            fn()
        sync(device)
        seconds = (time.perf_counter() - start) / more
        calls += more
    return seconds, out, calls


def summary(samples: Sequence[float]) -> dict:
    """Median, quartiles, min and max of ``samples`` (and the samples themselves)."""
    a = np.asarray(samples, dtype=float)
    if a.size == 0:
        raise ValueError("samples must not be empty")
    q1, med, q3 = np.quantile(a, [0.25, 0.5, 0.75])
    return {
        "median": float(med), "q1": float(q1), "q3": float(q3),
        "min": float(a.min()), "max": float(a.max()), "n": int(a.size),
        "samples": [float(v) for v in a],
    }


def fmt_time(seconds: float) -> str:
    """Seconds with three significant digits, in ms below one second."""
    value, unit = (1e3 * seconds, "ms") if seconds < 1 else (seconds, "s")
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def fmt_ratio(r: float) -> str:
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×" if r < 100 else f"{r:,.0f}×"


def spread(s: dict | None, fmt: Callable[[float], str] = fmt_time) -> str:
    """'median (min–max)' of a :func:`summary`, as the page prints it; '—' for none."""
    if not s:
        return "—"
    return fmt(s["median"]) + (f" ({fmt(s['min'])}–{fmt(s['max'])})"
                               if s["n"] > 1 else "")


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages, where the system reports them."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine(device: torch.device) -> dict:
    """Date, CPU, cores, versions and device: the stamp on every result file."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else None
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "device": device.type,
        "gpu": gpu,
        "git_commit": _git_commit(),
        "load_average_start": load_average(),
    }
