r"""Chapter 7's table: eight roads to a 90 % band, three held-out regions, 5 seeds.

``python -m tools.roads`` trains every method of :data:`METHODS` on
``make_hetero_dataset(seed=s)`` for each seed s, scores it in each region of
:data:`vi_helpers.data.REGIONS` (inside the data, in the hole, beyond the data)
and writes ``book/data/roads.json``: the machine, the settings, every run, the
mean and spread over seeds, and per seed, method and region the held-out x and
y with each point's predictive mean, standard deviation (where the method has a
density) and the two ends of its 90 % interval, so that :func:`recompute`
rebuilds every number of the table from the file alone. It also keeps, along
an x grid from -4.5 to 4.5, each method's band and, for the methods with an
epistemic part, the split of the predictive variance into its aleatoric and
epistemic parts, and the measured cost of each method: training seconds and the
forward passes one prediction takes.

Six methods are recipes of :data:`vi_helpers.recipes.RECIPES` (keys ``h_*``).
The two conformal ones are a recipe plus a calibration step
(:func:`conformal_predictor`): the network trains on 75 % of the training
points and the other 25 % calibrate its band.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from tools import numerics, scoring
from tools.machine import machine
from tools.scoring import (
    DECIMALS,
    GRID,
    check_seeds,
    grid_x,
    keys_arg,
    mean_sd,
    positive_int_arg,
    rounded,
    summary_cells,
)
from vi_helpers.baselines import DeepEnsemble, LastLayerLaplace
from vi_helpers.bayes import BayesLinear
from vi_helpers.conformal import adaptive_conformal, calibration_split, split_conformal
from vi_helpers.data import (
    REGIONS,
    HeteroDataset,
    hetero_noise_std,
    make_hetero_dataset,
    true_function,
)
from vi_helpers.metrics import (
    central_interval,
    coverage_by_bin,
    crps_gaussian,
    gaussian_nll,
    interval_coverage,
    interval_score,
    mean_width,
    rmse,
)
from vi_helpers.predict import PREDICT_SAMPLES, predictive_normal
from vi_helpers.recipes import RECIPES, train
from vi_helpers.utils import TRAIN_THREADS, torch_threads

#: Where ``python -m tools.roads`` writes its results.
OUT_FILE = Path(__file__).resolve().parents[1] / "book" / "data" / "roads.json"
#: The methods, in the order of the table's rows: recipes, then the conformal two.
METHODS = ("h_mle", "h_beta_nll", "h_bbb", "h_dropout", "h_ensemble", "h_laplace",
           "h_conformal", "h_adaptive")
#: The conformal methods and the recipe whose network each calibrates.
CONFORMAL = {"h_conformal": "h_mle", "h_adaptive": "h_beta_nll"}
#: Share of the training points held back to calibrate the conformal bands.
CALIBRATION_FRACTION = 0.25
#: Weight draws (BBB) or dropout masks (MC dropout) per prediction.
NUM_SAMPLES = {"h_bbb": PREDICT_SAMPLES, "h_dropout": 100}
#: The methods with an epistemic part: their predict() splits the variance.
EPISTEMIC = ("h_bbb", "h_dropout", "h_ensemble", "h_laplace")
LEVEL = 0.9
#: Edges of the bins of x for the coverage-by-x curve (0.25 wide: the hole's
#: edges 0.75 and 1.75 and the data's ±3 are edges).
BIN_EDGES = tuple(np.round(np.arange(-4.5, 4.5001, 0.25), 2).tolist())
METRICS = ("coverage_90", "width_90", "interval_score", "nll", "crps", "rmse_f")
NAMES = {
    "en": {"oracle": "oracle (true f, true σ(x))", "h_mle": "MLE + residual σ",
           "h_beta_nll": "β-NLL, β = 0.5", "h_bbb": "Bayes by Backprop",
           "h_dropout": "MC dropout", "h_ensemble": "deep ensemble (M = 5)",
           "h_laplace": "last-layer Laplace", "h_conformal": "split conformal",
           "h_adaptive": "adaptive conformal"},
    "ko": {"oracle": "오라클 (참 f, 참 σ(x))", "h_mle": "MLE + 잔차 σ",
           "h_beta_nll": "β-NLL, β = 0.5", "h_bbb": "Bayes by Backprop",
           "h_dropout": "MC 드롭아웃", "h_ensemble": "딥 앙상블 (M = 5)",
           "h_laplace": "마지막 층 라플라스", "h_conformal": "분할 컨포멀",
           "h_adaptive": "적응형 컨포멀"},
}


# ------------------------------------------------------------------ methods


class Predictor:
    """What a trained method gives at x: a mean, a std or None, a 90 % interval."""

    def __init__(self, band: Callable, model: torch.nn.Module, seconds: float):
        self.band, self.model, self.seconds = band, model, seconds

    def __call__(self, x: torch.Tensor, seed: int) -> dict[str, torch.Tensor | None]:
        with torch.no_grad():
            return self.band(x, torch.Generator().manual_seed(seed))


def _epochs(key: str, quick: bool) -> int:
    return max(10, RECIPES[key].epochs // 10) if quick else RECIPES[key].epochs


def conformal_predictor(key: str, data: HeteroDataset, seed: int,
                        quick: bool = False) -> Predictor:
    """Train ``CONFORMAL[key]``'s network on 75 % of the training points and
    calibrate a 90 % band on the other 25 % (split or adaptive conformal)."""
    fit_data, cal = calibration_split(data, CALIBRATION_FRACTION, seed=seed)
    model, history = train(CONFORMAL[key], fit_data, seed=seed,
                           epochs=_epochs(CONFORMAL[key], quick))
    start = time.perf_counter()
    with torch.no_grad():
        mu_cal, s_cal = _normal(model, data.x[cal], key, None)
    y_cal = data.y[cal]

    def band(x, generator):
        mu, sigma = _normal(model, x, key, None)
        if key == "h_conformal":  # μ(x) ± q: the same width everywhere
            lower, upper = split_conformal(y_cal, mu_cal, mu, LEVEL)
        else:  # μ(x) ± q σ(x): as wide as the network's σ(x) says
            lower, upper = adaptive_conformal(y_cal, mu_cal, s_cal, mu, sigma, LEVEL)
        return {"mean": mu, "std": None, "lower": lower, "upper": upper}

    seconds = history.seconds + time.perf_counter() - start
    return Predictor(band, model, seconds)


def _normal(model, x, key, generator):
    """predictive_normal's mean and std, with the method's number of weight draws
    (a network without random parts predicts in one forward pass)."""
    return predictive_normal(model, x, NUM_SAMPLES.get(key, 2), generator)


def gaussian_predictor(model, key):
    """The band function of a method whose predictive is one Normal per x."""
    def band(x, generator):
        mean, std = _normal(model, x, key, generator)
        lower, upper = central_interval(mean, std, LEVEL)
        return {"mean": mean, "std": std, "lower": lower, "upper": upper}

    return band


def train_method(
    key: str, data: HeteroDataset, seed: int,
    trained: dict[str, tuple[torch.nn.Module, float]] | None = None,
    quick: bool = False,
) -> Predictor:
    """Train ``key`` of :data:`METHODS` on ``data`` with ``seed``.

    ``trained`` (optional) maps recipe keys to ``(model, seconds)`` already
    trained on the same data and seed: ``h_laplace`` then reuses the
    ``h_beta_nll`` network (the two recipes train the same network the same
    way; the Laplace step comes after training) instead of training it again.
    ``quick=True`` trains a tenth of the epochs (at least 10), to check the code.
    """
    if key not in METHODS:
        raise ValueError(f"key must be one of {list(METHODS)}, got {key!r}")
    if key in CONFORMAL:
        return conformal_predictor(key, data, seed, quick)
    if key == "h_laplace" and trained and "h_beta_nll" in trained:
        net, seconds = trained["h_beta_nll"]
        start = time.perf_counter()
        model = RECIPES[key].finish(net, data)
        seconds += time.perf_counter() - start
    else:
        start = time.perf_counter()
        model, history = train(key, data, seed=seed, epochs=_epochs(key, quick))
        # h_laplace: training and the Laplace step after it
        seconds = (time.perf_counter() - start if key == "h_laplace"
                   else history.seconds)
    if trained is not None:
        trained[key] = (model, seconds)
    return Predictor(gaussian_predictor(model, key), model, seconds)


def _input_layers(module: torch.nn.Module) -> list[torch.nn.Module]:
    """The layers that take x itself: a (out, 1) weight (BayesLinear: its mean)."""
    def takes_x(m):
        if isinstance(m, torch.nn.Linear):
            return m.weight.shape[1] == 1
        return isinstance(m, BayesLinear) and m.weight_mu.shape[1] == 1

    return [m for m in module.modules() if takes_x(m)]


def _one_network(model: torch.nn.Module) -> torch.nn.Module:
    """One network of the method (a member of an ensemble, the net under a
    Laplace or a residual σ): its input layers count as one forward pass."""
    if isinstance(model, DeepEnsemble):
        return model.members[0]
    if isinstance(model, LastLayerLaplace):
        return model.model
    return model


def forward_passes(predictor: Predictor, x: torch.Tensor, seed: int) -> tuple[
        float, float]:
    """Measured cost of one prediction at x: ``(passes, seconds)``.

    ``passes`` is the number of rows that went through the networks' input
    layers, per point of x, in units of one network (a two-headed network has
    two input layers): 1 for one deterministic pass, 100 for 100 dropout masks,
    5 for five ensemble members.
    """
    rows = []
    layers = _input_layers(predictor.model)
    handles = [m.register_forward_hook(lambda m, i, o: rows.append(i[0].shape[0]))
               for m in layers]
    try:
        with torch_threads(TRAIN_THREADS):
            start = time.perf_counter()
            predictor(x, seed)
            seconds = time.perf_counter() - start
    finally:
        for h in handles:
            h.remove()
    per_net = len(_input_layers(_one_network(predictor.model)))
    return sum(rows) / x.shape[0] / per_net, seconds


# ------------------------------------------------------------------ scoring


def region_scores(x, y, mean, std, lower, upper) -> dict[str, float | None]:
    """Every metric of the table for one method in one region (NumPy arrays).

    ``std`` None: no density, so no NLL or CRPS (conformal intervals).
    """
    scores = {
        "coverage_90": interval_coverage(y, lower, upper),
        "width_90": mean_width(lower, upper),
        "interval_score": interval_score(y, lower, upper, LEVEL),
        "nll": None if std is None else gaussian_nll(y, mean, std),
        "crps": None if std is None else crps_gaussian(y, mean, std),
        "rmse_f": rmse(mean, true_function(x)),
    }
    return scores


def binned_coverage(per_region: dict[str, dict]) -> list[float | None]:
    """Coverage in the bins :data:`BIN_EDGES` of all held-out points of one run."""
    cat = {k: np.concatenate([np.asarray(r[k]) for r in per_region.values()])
           for k in ("x", "y", "lower", "upper")}
    _, coverage, _ = coverage_by_bin(cat["x"], cat["y"], cat["lower"], cat["upper"],
                                     bins=list(BIN_EDGES))
    return [None if np.isnan(c) else float(c) for c in coverage]


def _oracle(x: np.ndarray) -> dict[str, np.ndarray]:
    mean, std = true_function(x), hetero_noise_std(x)
    lower, upper = central_interval(mean, std, LEVEL)
    return {"mean": mean, "std": std, "lower": lower.numpy(), "upper": upper.numpy()}


def recompute(result: dict) -> list[dict]:
    """Every run's metrics and binned coverage, from the stored predictions alone."""
    runs = []
    for seed, stored in result["held_out"].items():
        for key, per_region in stored["methods"].items():
            for region in REGIONS:
                r = per_region[region]
                x, y = np.asarray(stored["x"][region]), np.asarray(stored["y"][region])
                std = None if r["std"] is None else np.asarray(r["std"])
                runs.append({"seed": int(seed), "method": key, "region": region,
                             **region_scores(x, y, np.asarray(r["mean"]), std,
                                             np.asarray(r["lower"]),
                                             np.asarray(r["upper"]))})
            joined = {reg: {"x": stored["x"][reg], "y": stored["y"][reg],
                            "lower": per_region[reg]["lower"],
                            "upper": per_region[reg]["upper"]} for reg in REGIONS}
            runs.append({"seed": int(seed), "method": key, "region": "bins",
                         "coverage_by_bin": binned_coverage(joined)})
    return runs


def summarise(runs: list[dict], methods: list[str]) -> dict:
    """Mean and sd over seeds of every metric, per method and region; the sd is
    the spread over seeds (training and data together), not an error bar of the
    mean (that would be sd / √seeds)."""
    summary = {}
    for key in methods:
        summary[key] = {}
        for region in REGIONS:
            rows = [r for r in runs if r["method"] == key and r["region"] == region]
            summary[key][region] = summary_cells(rows, METRICS)
        bins = [r["coverage_by_bin"] for r in runs
                if r["method"] == key and r["region"] == "bins"]
        if bins:
            summary[key]["coverage_by_bin"] = [
                None if any(b[i] is None for b in bins)
                else statistics.fmean(b[i] for b in bins) for i in range(len(bins[0]))
            ]
    return summary


_HEADER = {"en": ("method", "cover 90 %", "width", "interval score", "NLL", "CRPS"),
           "ko": ("방법", "90 % 포함률", "폭", "구간 점수", "NLL", "CRPS")}
_DIGITS = {"coverage_90": 3, "width_90": 2, "interval_score": 2, "nll": 2, "crps": 2}


def markdown_table(result: dict, region: str, lang: str = "en") -> str:
    """One region's table: mean ± sd over seeds of each method (– : no density)."""
    if region not in REGIONS:
        raise ValueError(f"region must be one of {list(REGIONS)}, got {region!r}")
    rows = [(NAMES[lang][key], cells[region])
            for key, cells in result["summary"].items()]
    return scoring.markdown_table(_HEADER[lang], rows, _DIGITS)


# ------------------------------------------------------------------ the run


def _warm_up() -> None:
    """One tiny fit, so that one-off import and allocation costs are not timed."""
    data = make_hetero_dataset(n=100, n_beyond=10)
    for key in ("h_beta_nll", "h_mle"):
        train(key, data, epochs=2)


def _grid_entry(predictor: Predictor, key: str, seed: int) -> dict:
    x = grid_x().view(-1, 1)
    band = predictor(x, seed)
    entry = {k: None if v is None else rounded(v).tolist() for k, v in band.items()}
    if key in EPISTEMIC:
        with torch.no_grad():
            _, epistemic, aleatoric = predictor.model.predict(
                x, NUM_SAMPLES.get(key, 2), torch.Generator().manual_seed(seed))
        entry["epistemic_std"] = rounded(epistemic).tolist()
        entry["aleatoric_std"] = rounded(aleatoric).tolist()
    return entry


def run_seed(seed: int, methods: tuple[str, ...] = METHODS,
             log: Callable[[str], None] | None = print, quick: bool = False) -> dict:
    """Train and score every method on ``make_hetero_dataset(seed=seed)``.

    Returns ``{"x", "y", "methods", "grid", "cost"}``: the held-out points by
    region, each method's stored predictions by region, its band along the
    grid, and its measured cost.
    """
    data = make_hetero_dataset(seed=seed)
    regions = data.regions
    stored = {"x": {r: np.round(data.x[i].double().numpy().reshape(-1), 7).tolist()
                    for r, i in regions.items()},
              "y": {r: rounded(data.y[i]).tolist() for r, i in regions.items()},
              "methods": {}, "grid": {}, "cost": {}}
    x_all = torch.cat([data.x[i] for i in regions.values()])
    trained: dict = {}
    for key in methods:
        predictor = train_method(key, data, seed, trained, quick)
        per_region = {}
        for region, idx in regions.items():
            band = predictor(data.x[idx], seed)
            per_region[region] = {
                k: None if v is None else rounded(v).tolist() for k, v in band.items()
            }
            if not all(np.isfinite(per_region[region][k]).all()
                       for k in ("mean", "lower", "upper")):
                raise FloatingPointError(f"{key}, seed {seed}: non-finite prediction")
        stored["methods"][key] = per_region
        stored["grid"][key] = _grid_entry(predictor, key, seed)
        passes, seconds = forward_passes(predictor, x_all, seed)
        stored["cost"][key] = {"train_seconds": round(predictor.seconds, 3),
                               "predict_seconds": round(seconds, 4),
                               "predict_points": x_all.shape[0],
                               "forward_passes": round(passes, 3)}
        if log is not None:
            log(f"seed {seed}  {key:<12} train {predictor.seconds:6.1f} s  "
                f"{passes:g} passes  load {os.getloadavg()[0]:.1f}")
    return stored


def roads(seeds: int = 5, methods: tuple[str, ...] = METHODS,
          log: Callable[[str], None] | None = print, quick: bool = False) -> dict:
    """Every method on ``seeds`` seeds; returns the result dict of ``roads.json``."""
    seeds = check_seeds(seeds)
    for key in methods:
        if key not in METHODS:
            raise ValueError(f"methods must be among {list(METHODS)}, got {key!r}")
    _warm_up()
    result = {
        "command": "python -m tools.roads" + (" --quick" if quick else "")
        + f" --seeds {seeds}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(TRAIN_THREADS),
        "settings": {
            "data": "make_hetero_dataset(seed=s), defaults", "level": LEVEL,
            "seeds": list(range(seeds)), "regions": list(REGIONS),
            "calibration_fraction": CALIBRATION_FRACTION, "grid": list(GRID),
            "bin_edges": list(BIN_EDGES), "num_samples": NUM_SAMPLES,
            "decimals": DECIMALS, "quick": quick,
            "spread": "sd over seeds: each seed draws new data and new weights",
        },
        "methods": {
            key: {"name": {lang: NAMES[lang][key] for lang in NAMES},
                  "recipe": CONFORMAL.get(key, key),
                  "epochs": _epochs(CONFORMAL.get(key, key), quick),
                  "lr": RECIPES[CONFORMAL.get(key, key)].lr,
                  "density": key not in CONFORMAL,
                  "epistemic": key in EPISTEMIC} for key in methods
        },
        "held_out": {},
        "grid": {"x": rounded(grid_x()).tolist(),
                 "y_true": rounded(true_function(grid_x())).tolist(),
                 "noise_std": rounded(hetero_noise_std(
                     grid_x())).tolist(),
                 "seeds": {}},
        "cost": {},
    }
    start = time.perf_counter()
    for seed in range(seeds):
        stored = run_seed(seed, methods, log, quick)
        result["grid"]["seeds"][str(seed)] = stored.pop("grid")
        result["cost"][str(seed)] = stored.pop("cost")
        result["held_out"][str(seed)] = stored
    result["seconds_total"] = round(time.perf_counter() - start, 1)
    runs = recompute(result)
    for seed, stored in result["held_out"].items():  # the oracle, from x alone
        for region in REGIONS:
            x, y = np.asarray(stored["x"][region]), np.asarray(stored["y"][region])
            o = _oracle(x)
            runs.append({"seed": int(seed), "method": "oracle", "region": region,
                         **region_scores(x, y, o["mean"], o["std"], o["lower"],
                                         o["upper"])})
    result["runs"] = runs
    result["summary"] = summarise(runs, ["oracle", *methods])
    result["cost_summary"] = {
        key: {what: mean_sd(c[key][what] for c in result["cost"].values())
              for what in ("train_seconds", "predict_seconds", "forward_passes")}
        for key in methods
    }
    result["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    result["table_markdown"] = {
        lang: {region: markdown_table(result, region, lang) for region in REGIONS}
        for lang in NAMES
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.roads",
        description="Chapter 7: score eight ways to a 90 % band inside the data, in "
        "the hole and beyond the data, over several seeds; write JSON.")
    parser.add_argument("--seeds", type=positive_int_arg, default=5,
                        help="number of seeds, 0..N-1 (default 5)")
    parser.add_argument("--out", type=Path, default=OUT_FILE,
                        help="JSON file to write (default book/data/roads.json)")
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the epochs, to check that everything runs")
    parser.add_argument("--methods", type=keys_arg(METHODS), default=METHODS,
                        help=f"comma-separated subset of: {','.join(METHODS)}")
    args = parser.parse_args(argv)
    if not args.out.parent.is_dir():
        parser.error(f"--out: folder {args.out.parent} does not exist")
    result = roads(seeds=args.seeds, methods=args.methods, quick=args.quick)
    for region in REGIONS:
        print(f"\n{region}\n" + result["table_markdown"]["en"][region])
    scoring.write_json(result, args.out)
    print(f"\nwrote {args.out} in {result['seconds_total']} s")
    return 0


if __name__ == "__main__":
    numerics.restart_portable()
    sys.exit(main())
