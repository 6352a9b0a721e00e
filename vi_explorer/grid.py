"""``python -m vi_explorer.grid``: compute the static explorer's grid, write it as JSON.

Every model of the explorer at every σ × epochs of the grid, one training per
model and σ (read at each epoch count, :func:`vi_helpers.explorer.explore_stops`),
into ``book/data/explorer-grid.json``. Run it again after a change to the models
or to training, then rebuild the book.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from vi_helpers.data import BOOK_DATA, load_book_data
from vi_helpers.explorer import (
    DEFAULT_N,
    MODELS,
    Y_LIMITS,
    check_settings,
    explore_stops,
)

#: Where ``python -m vi_explorer.grid`` writes the grid (the book commits it).
GRID_FILE = BOOK_DATA / "explorer-grid.json"

def cell_key(model: str, sigma: float, epochs: int) -> str:
    """The grid's key for one cell, e.g. ``"source|1.5|1000"``."""
    return f"{model}|{float(sigma):g}|{int(epochs)}"


def load_grid() -> dict:
    """The grid that ``python -m vi_explorer.grid`` stored (``book/data``)."""
    return load_book_data("explorer-grid")


#: The static explorer's grid (every model is computed at each σ × epochs).
GRID_SIGMAS = (0.5, 1.0, 1.5, 2.0, 3.0)
GRID_EPOCHS = (100, 300, 1000, 3000)


def explorer_grid(
    models: tuple[str, ...] = MODELS,
    sigmas: tuple[float, ...] = GRID_SIGMAS,
    epochs: tuple[int, ...] = GRID_EPOCHS,
    seed: int = 0,
    n: int = DEFAULT_N,
    decimals: int = 2,
) -> dict:
    """Every model at every σ × epochs, as a JSON-ready dict for the static explorer.

    Keys: ``sigmas``, ``epochs``, ``models``, ``seed``, ``n``, ``n_train``, ``x``,
    ``f``, ``y_limits``; ``data[str(sigma)]`` = ``{"x": [...], "y": [...]}``;
    ``cells[cell_key(model, sigma, epochs)]`` = ``{"lower", "median", "upper",
    "coverage", "width"}``; ``seconds`` the compute time.
    """
    if not sigmas or not epochs or not models:
        raise ValueError("models, sigmas and epochs must not be empty")
    for s in sigmas:
        for e in epochs:
            for m in models:
                check_settings(s, e, m, seed, n)
    start = time.perf_counter()
    grid: dict = {
        "sigmas": [float(s) for s in sigmas], "epochs": [int(e) for e in epochs],
        "models": list(models), "seed": seed, "n": n, "y_limits": list(Y_LIMITS),
        "data": {}, "cells": {},
    }
    for s in sigmas:
        for m in models:
            for r in explore_stops(float(s), tuple(epochs), m, seed, n):
                cell = r.curves(decimals)
                cell["coverage"] = round(r.coverage, 4)
                cell["width"] = round(r.width, 3)
                grid["cells"][cell_key(m, s, r.epochs)] = cell
        grid["x"] = np.round(r.x, 4).tolist()
        grid["f"] = np.round(r.f, decimals).tolist()
        grid["n_train"] = r.n_train
        grid["data"][f"{float(s):g}"] = {
            "x": np.round(r.x_data, 3).tolist(),
            "y": np.round(r.y_data, decimals).tolist(),
        }
    grid["seconds"] = round(time.perf_counter() - start, 1)
    return grid


def main(argv: list[str] | None = None) -> dict:
    """Compute the grid and write it; returns it."""
    parser = argparse.ArgumentParser(prog="python -m vi_explorer.grid",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GRID_FILE)
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    args = parser.parse_args(argv)
    grid = explorer_grid(n=args.n)
    grid["made_by"] = "python -m vi_explorer.grid"
    grid["torch"] = torch.__version__
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(grid, separators=(",", ":")) + "\n",
                        encoding="utf-8")
    print(f"wrote {len(grid['cells'])} cells to {args.out.name} "
          f"in {grid['seconds']:.0f} s")
    return grid


if __name__ == "__main__":
    # the book's tooling, only when run as a command: the app itself imports the
    # lesson alone, so that a notebook (or a student's zip) can use it
    from tools import numerics

    numerics.restart_portable()
    main()
