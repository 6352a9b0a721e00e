"""``python -m vi_helpers.grid``: compute the static explorer's grid, write it as JSON.

Every model of :data:`vi_helpers.explorer.MODELS` at every σ × epochs of the
grid (:func:`vi_helpers.explorer.explorer_grid`), into
``book/data/explorer-grid.json``. Run it again after a change to the models or
to training, then re-execute chapter 6 (``make notebooks``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from .explorer import DEFAULT_N, GRID_FILE, explorer_grid


def main(argv: list[str] | None = None) -> dict:
    """Compute the grid and write it; returns it."""
    parser = argparse.ArgumentParser(prog="python -m vi_helpers.grid",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GRID_FILE)
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    args = parser.parse_args(argv)
    grid = explorer_grid(n=args.n)
    grid["made_by"] = "python -m vi_helpers.grid"
    grid["torch"] = torch.__version__
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(grid, separators=(",", ":")) + "\n",
                        encoding="utf-8")
    print(f"wrote {len(grid['cells'])} cells to {args.out.name} "
          f"in {grid['seconds']:.0f} s")
    return grid


if __name__ == "__main__":
    main()
