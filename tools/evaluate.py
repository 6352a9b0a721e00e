r"""The book's comparison table: every model, held-out data, several seeds.

``python -m tools.evaluate`` (or ``make evaluate``) trains each model of
:data:`RECIPES` on ``make_dataset(seed=s)`` for every seed s, scores its
predictive distribution on the 2,000 held-out points with
:mod:`vi_helpers.metrics`, adds the oracle (the true f and σ), and writes
``book/data/evaluation.json``: the machine, the settings, every run, the mean
and spread over seeds, a Markdown table, and each model's predictive mean and
standard deviation at every held-out point, so that anyone can recompute the
metrics. ``--quick`` trains a tenth of the epochs on one seed, to check that
everything runs.

Every predictive distribution is scored as a Gaussian with the model's
predictive mean and standard deviation. For the two-headed networks that is
exact; for Bayes by Backprop it matches the first two moments of the mixture
over weight draws.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from tools import numerics, scoring
from tools.machine import machine
from vi_helpers.data import make_dataset, true_function
from vi_helpers.explorer import MODELS
from vi_helpers.i18n import LANGUAGES, label
from vi_helpers.metrics import gaussian_scores
from vi_helpers.predict import PREDICT_SAMPLES, predictive_normal
from vi_helpers.recipes import RECIPES, RECOMMENDED, train
from vi_helpers.utils import TRAIN_THREADS

#: Where ``make evaluate`` writes its results.
OUT_FILE = Path(__file__).resolve().parents[1] / "book" / "data" / "evaluation.json"
METRICS = ("coverage_50", "coverage_90", "coverage_95", "width_90", "nll", "crps",
           "rmse_f", "seconds")
#: The rows of chapter 5's table, in order: the explorer's models.
TABLE = MODELS


def _grid_prediction(model: torch.nn.Module, seed: int) -> dict[str, list[float]]:
    x = scoring.grid_x().view(-1, 1)
    g = torch.Generator().manual_seed(seed)
    out = {}
    if model.HAS_EPISTEMIC:  # random weights: keep the epistemic part too
        same_draws = torch.Generator().manual_seed(seed)  # as g: the same weights
        _, epistemic, _ = model.predict(x, PREDICT_SAMPLES, same_draws)
        out["epistemic_std"] = scoring.rounded(epistemic).tolist()
    mean, std = predictive_normal(model, x, generator=g)
    out["mean"] = scoring.rounded(mean).tolist()
    out["std"] = scoring.rounded(std).tolist()
    return out


def _summary(runs: list[dict], keys: list[str]) -> dict:
    return {key: scoring.summary_cells([r for r in runs if r["model"] == key], METRICS)
            for key in keys}


_HEADER = ("model", "cover 50 %", "cover 90 %", "cover 95 %", "90 % width", "NLL",
           "CRPS", "RMSE vs f", "train s")
_DIGITS = {"coverage_50": 3, "coverage_90": 3, "coverage_95": 3, "width_90": 2,
           "nll": 3, "crps": 3, "rmse_f": 3, "seconds": 1}


def markdown_table(result: dict, names: dict[str, str] | None = None) -> str:
    """The summary of an evaluation as a Markdown table: mean ± sd over seeds."""
    names = names or {k: v["name"] for k, v in result["models"].items()}
    rows = [(names.get(key, key), cells) for key, cells in result["summary"].items()]
    return scoring.markdown_table(_HEADER, rows, _DIGITS)


def evaluate(
    seeds: int = 5,
    keys: tuple[str, ...] = TABLE,
    quick: bool = False,
    log: Callable[[str], None] | None = print,
) -> dict:
    """Train every model on ``seeds`` seeds and score it; returns the result dict.

    ``quick=True`` trains a tenth of each recipe's epochs (at least 10).
    ``log`` receives one line per trained model (None: silent). Every model
    trains on :data:`vi_helpers.utils.TRAIN_THREADS` thread(s).
    """
    seeds = scoring.check_seeds(seeds)
    for key in keys:
        if key not in RECIPES:
            raise ValueError(f"keys must be among {sorted(RECIPES)}, got {key!r}")
    result = {
        "command": "python -m tools.evaluate" + (" --quick" if quick else "")
        + f" --seeds {seeds}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(TRAIN_THREADS),
        "settings": {"n": 10000, "sigma": 1.5, "held_out": 2000,
                     "seeds": list(range(seeds)), "quick": quick,
                     "predictive": "Gaussian with the predictive mean and std",
                     "grid": list(scoring.GRID)},
        "models": {
            "oracle": {"name": label("row_oracle"), "epochs": 0, "lr": None},
            **{k: {"name": label(RECIPES[k].label),
                   "epochs": max(10, RECIPES[k].epochs // 10) if quick
                   else RECIPES[k].epochs,
                   "lr": RECIPES[k].lr} for k in keys},
        },
        "recommended": RECOMMENDED,
        "runs": [],
        "held_out": {"x": [], "seeds": {}},
        "grid": {"seed": 0, "x": scoring.rounded(scoring.grid_x()).tolist(),
                 "y_true": scoring.rounded(true_function(scoring.grid_x())).tolist(),
                 "models": {}},
    }
    for seed in range(seeds):
        data = make_dataset(n=10000, sigma=1.5, seed=seed)
        y = scoring.rounded(data.y_val)
        x = np.round(data.x_val.double().numpy().reshape(-1), 7)
        y_true = true_function(x)  # float64, as recompute() gets it from the JSON
        result["held_out"]["x"] = x.tolist()
        per_seed = {"y": y.tolist(), "models": {}}
        oracle_std = np.full_like(y_true, data.sigma)
        predictions = {"oracle": (scoring.rounded(y_true), oracle_std, None)}
        for key in keys:
            epochs = result["models"][key]["epochs"]
            model, history = train(key, data, seed=seed, epochs=epochs)
            g = torch.Generator().manual_seed(seed)
            mean, std = predictive_normal(model, data.x_val, generator=g)
            mean, std = scoring.rounded(mean), scoring.rounded(std)
            if not (np.isfinite(mean).all() and np.isfinite(std).all()):
                raise FloatingPointError(f"{key}, seed {seed}: non-finite prediction")
            predictions[key] = (mean, std, history.seconds)
            per_seed["models"][key] = {"mean": mean.tolist(), "std": std.tolist()}
            if seed == 0:
                result["grid"]["models"][key] = _grid_prediction(model, seed)
            if log is not None:
                log(f"seed {seed}  {key:<9} {epochs:>6} epochs "
                    f"{history.seconds:6.1f} s")
        for key, (mean, std, seconds) in predictions.items():
            scores = gaussian_scores(y, mean, std, y_true=y_true)
            result["runs"].append({"seed": seed, "model": key, **scores,
                                   "seconds": seconds})
        result["held_out"]["seeds"][str(seed)] = per_seed
    order = ["oracle", *keys]
    result["summary"] = _summary(result["runs"], order)
    result["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    result["table_markdown"] = {
        lang: markdown_table(result, {k: label(f"row_{k}", lang) for k in order})
        for lang in LANGUAGES
    }
    return result


def recompute(result: dict) -> list[dict]:
    """Every trained model's metrics, recomputed from its stored per-point predictions.

    Needs only the JSON: y, the predictive mean and std at each held-out x, and
    the true function at x (the oracle's row is f and σ, so it is not stored).
    """
    y_true = true_function(np.asarray(result["held_out"]["x"], dtype=np.float64))
    runs = []
    for seed, stored in result["held_out"]["seeds"].items():
        y = np.asarray(stored["y"])
        for key, pred in stored["models"].items():
            scores = gaussian_scores(y, np.asarray(pred["mean"]),
                                     np.asarray(pred["std"]), y_true=y_true)
            runs.append({"seed": int(seed), "model": key, **scores})
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.evaluate",
        description="Score every model's predictive band on held-out data over "
        "several seeds; print a Markdown table and write JSON.",
    )
    parser.add_argument("--seeds", type=scoring.positive_int_arg, default=None,
                        help="number of seeds, 0..N-1 (default 5; 1 with --quick)")
    parser.add_argument("--out", type=Path, default=None,
                        help="JSON file to write (default book/data/evaluation.json;"
                        " with --quick nothing is written unless --out is given)")
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the epochs, to check that everything runs")
    parser.add_argument("--models", type=scoring.keys_arg(tuple(RECIPES)),
                        default=TABLE,
                        help=f"comma-separated subset of: {','.join(RECIPES)}")
    args = parser.parse_args(argv)
    seeds = args.seeds or (1 if args.quick else 5)
    out = args.out if args.out is not None else (None if args.quick else OUT_FILE)
    if out is not None and not out.parent.is_dir():
        parser.error(f"--out: folder {out.parent} does not exist")
    result = evaluate(seeds=seeds, keys=args.models, quick=args.quick)
    print()
    print(result["table_markdown"]["en"])
    if out is not None:
        scoring.write_json(result, out)
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    numerics.restart_portable()
    sys.exit(main())
