"""The generic pieces of the evaluation pipeline (``tools/evaluate.py``): stored
predictions rounded, one x grid, each metric's mean and spread over seeds,
Markdown tables and the command-line checks.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import torch

from vi_helpers import validate

#: The x grid of the figures: beyond the data on both sides.
GRID = (-4.5, 4.5, 181)
#: Stored predictions are rounded to this many decimals; every metric is computed
#: from the rounded numbers, so that the JSON alone recomputes the tables.
DECIMALS = 4


def grid_x() -> torch.Tensor:
    """The points of :data:`GRID`, shape (181,)."""
    return torch.linspace(*GRID)


def rounded(t, decimals: int = DECIMALS) -> np.ndarray:
    """A tensor or array as a flat float64 array rounded to ``decimals``
    (:data:`DECIMALS` unless a table says otherwise)."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().double().numpy()
    return np.round(np.asarray(t, dtype=np.float64).reshape(-1), decimals)


def mean_sd(values: Iterable[float]) -> dict[str, float]:
    """``{"mean", "sd"}`` of the values: the sd is the spread over seeds (each
    seed draws new data and new weights), 0 for one value."""
    values = list(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"mean": statistics.fmean(values), "sd": sd}


def summary_cells(rows: Sequence[dict], metrics: Sequence[str]) -> dict[str, dict]:
    """:func:`mean_sd` of each metric over ``rows``, leaving out missing values."""
    cells = {}
    for metric in metrics:
        values = [r[metric] for r in rows if r.get(metric) is not None]
        if values:
            cells[metric] = mean_sd(values)
    return cells


def markdown_table(header: Sequence[str], rows: Sequence[tuple[str, dict]],
                   digits: dict[str, int]) -> str:
    """A Markdown table: one row per ``(name, cells)``, a column per metric of
    ``digits`` (in its order) as "mean ± sd", "–" where a cell is missing."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for name, cells in rows:
        row = [name]
        for metric, d in digits.items():
            c = cells.get(metric)
            row.append("–" if c is None else f"{c['mean']:.{d}f} ± {c['sd']:.{d}f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def check_seeds(seeds: int) -> int:
    """``seeds`` if it is a positive integer, else a ValueError naming it."""
    return validate.positive_int("seeds", seeds)


def positive_int_arg(text: str) -> int:
    """An argparse type: a positive integer, or a message that names the text."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def write_json(result: dict, out: Path) -> None:
    """The result as compact JSON (UTF-8, one line), the way the book commits it."""
    out.write_text(json.dumps(result, ensure_ascii=False, separators=(",", ":"))
                   + "\n", encoding="utf-8")


def keys_arg(choices: Sequence[str]):
    """An argparse type: a comma-separated subset of ``choices``, as a tuple."""
    def parse(text: str) -> tuple[str, ...]:
        keys = tuple(k.strip() for k in text.split(",") if k.strip())
        if not keys or any(k not in choices for k in keys):
            raise argparse.ArgumentTypeError(
                f"must be a comma-separated list of {', '.join(choices)}, "
                f"got {text!r}")
        return keys

    return parse
