r"""The book's two comparison tables, by one pipeline: train, predict, score, recompute.

``python -m tools.evaluate evaluation`` (``make evaluate``) is chapter 5's table:
the models of chapters 1–5 on ``make_dataset(seed=s)``, scored on its 2,000
held-out points. ``python -m tools.evaluate roads`` (``make roads``) is chapter
7's: ten ways to a 90 % band on ``make_hetero_dataset(seed=s)``, scored inside
the data, in the hole and beyond the data. The two are configurations
(:data:`TABLES`) of the same steps, and write the same schema to
``book/data/<name>.json``:

* ``methods``: each method's name in both languages, recipe, epochs, learning rate,
  whether it has a density and an epistemic part;
* ``held_out[seed]``: the held-out ``x`` and ``y`` by region, and for each method
  and region every point's predictive ``mean``, ``std`` (None without a density)
  and the two ends of its central 90 % interval, rounded to the table's decimals
  (4; chapter 7's 3). Chapter 7's table is *compact*: it leaves out what
  recomputes from the rest, a Normal's interval ends (mean ∓ z·std) and, unless
  the predictive is a mixture, its per-point NLL and CRPS; :func:`prediction`
  rebuilds them, and :func:`restore` (``--restore``: no training) stores an
  older file the same way and recomputes every figure from it;
* ``runs``: every metric per seed, method and region, from those stored numbers
  alone (:func:`recompute` rebuilds them from the file), the oracle (true f, true
  σ(x)) included; ``summary``: mean and sd over seeds; ``table_markdown``;
* ``grid.seeds[seed]``: each method's band along x from -4.5 to 4.5, with the
  epistemic/aleatoric split where the model has one (to 4 decimals; a compact
  table leaves out a Normal's ends there too); ``cost[seed]``: the measured
  training seconds and forward passes of one prediction.

NLL and CRPS score the predictive each method makes: for a mixture (weight draws,
dropout masks, members; :data:`MIXTURES`) from its per-point scores, for one
Normal the Normal's; ``nll_gaussian`` and ``crps_gaussian`` are those of the
Normal with the predictive mean and standard deviation for every method. The
conformal methods are a recipe plus a calibration step (:func:`conformal_predictor`).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from tools import numerics, scoring
from tools.machine import machine
from vi_helpers.baselines import DeepEnsemble, GaussianLaplace
from vi_helpers.bayes import BayesLinear
from vi_helpers.conformal import adaptive_conformal, calibration_split, split_conformal
from vi_helpers.data import (
    Dataset,
    hetero_noise_std,
    make_dataset,
    make_hetero_dataset,
    true_function,
)
from vi_helpers.explorer import MODELS
from vi_helpers.i18n import LANGUAGES, label
from vi_helpers.metrics import (
    central_interval,
    coverage_by_bin,
    crps_gaussian,
    crps_mixture,
    gaussian_coverage,
    gaussian_nll,
    interval_coverage,
    interval_score,
    mean_width,
    mixture_nll,
    rmse,
)
from vi_helpers.predict import PREDICT_SAMPLES, Z90, predictive_normal
from vi_helpers.recipes import RECIPES, train
from vi_helpers.utils import TRAIN_THREADS, torch_threads

DATA_DIR = Path(__file__).resolve().parents[1] / "book" / "data"
#: The level of every stored interval.
LEVEL = 0.9
#: Metrics of every region of every table; ``coverage_50``/``_95`` need a density.
METRICS = ("coverage_50", "coverage_90", "coverage_95", "width_90", "interval_score",
           "nll", "crps", "nll_gaussian", "crps_gaussian", "rmse_f", "train_seconds")
#: What each score is a score of (stored in the JSON beside them).
SCORES = {
    "coverage_90": "share of y inside the stored central 90 % interval",
    "coverage_50": "share of y inside the predictive Normal's central 50 % interval",
    "coverage_95": "share of y inside the predictive Normal's central 95 % interval",
    "width_90": "mean width of the stored 90 % interval",
    "interval_score": "mean interval score of the stored 90 % interval",
    "nll": "exact: the predictive the method makes, a mixture of its components "
           "(log-sum-exp), mean of the stored per-point nll",
    "crps": "exact: the mixture's CRPS in closed form, mean of the stored "
            "per-point crps",
    "nll_gaussian": "of a Normal with the predictive mean and std (moment-matched)",
    "crps_gaussian": "of a Normal with the predictive mean and std (moment-matched)",
    "rmse_f": "root mean square distance of the predictive mean from f",
}
#: How a compact table (:func:`store_band`) says what its exact scores are.
COMPACT_SCORES = {
    "nll": "exact: the predictive the method makes; for a mixture (weight draws, "
           "masks, members) the mean of the stored per-point nll (log-sum-exp over "
           "its components), for one Normal the Normal's from the stored mean and std",
    "crps": "exact: for a mixture the mean of the stored per-point crps (the "
            "mixture's, in closed form), for one Normal the Normal's from the "
            "stored mean and std",
}
#: The conformal methods and the recipe whose network each calibrates.
CONFORMAL = {"h_conformal": "h_mle", "h_adaptive": "h_beta_nll"}
#: Share of the training points held back to calibrate the conformal bands.
CALIBRATION_FRACTION = 0.25
#: Weight draws or dropout masks per prediction (a network with fixed weights
#: predicts in one pass whatever the number).
NUM_SAMPLES = {"bbb": PREDICT_SAMPLES, "h_bbb": PREDICT_SAMPLES,
               "h_bbb_hetero": PREDICT_SAMPLES, "h_dropout": 100}
#: The methods whose predictive is a mixture of Normals (weight draws, dropout
#: masks, members), not one Normal: their exact NLL and CRPS differ from the
#: Normal's with the same mean and variance, so their per-point scores are stored.
MIXTURES = frozenset({"bbb", "h_bbb", "h_bbb_hetero", "h_dropout", "h_ensemble"})
#: A method that reuses another's trained network (the Laplace step comes after
#: the β-NLL network's training: the two recipes train the same network alike).
REUSES = {"h_laplace": "h_beta_nll", "h_laplace_full": "h_beta_nll"}


@dataclass(frozen=True)
class Table:
    """One table: its data, its held-out regions, its methods and its columns."""

    name: str
    chapter: int
    methods: tuple[str, ...]
    make_data: Callable[[int], Dataset]
    #: the held-out indices into ``data.x`` by region name
    regions: Callable[[Dataset], dict[str, np.ndarray]]
    #: the true noise sd at x (NumPy), for the oracle
    noise_std: Callable[[np.ndarray], np.ndarray]
    #: column header per language and the metrics (with decimals) of the columns
    header: dict[str, tuple[str, ...]]
    digits: dict[str, int]
    names: dict[str, dict[str, str]]
    data_settings: dict
    #: seeds 0..N-1 of a full run
    seeds: int = 5
    #: edges of the bins of x for the coverage-by-x curve (None: no curve)
    bin_edges: tuple[float, ...] | None = None
    #: decimals of the stored per-point predictions and y (x keeps 7)
    decimals: int = scoring.DECIMALS
    #: leave out of the file what recomputes from the rest (:func:`store_band`)
    compact: bool = False

    @property
    def out(self) -> Path:
        return DATA_DIR / f"{self.name}.json"


_ROAD_METHODS = ("h_mle", "h_beta_nll", "h_bbb", "h_bbb_hetero", "h_dropout",
                 "h_ensemble", "h_laplace", "h_laplace_full", "h_conformal",
                 "h_adaptive")
TABLES = {
    "evaluation": Table(
        name="evaluation", chapter=5, methods=MODELS,
        make_data=lambda seed: make_dataset(n=10000, sigma=1.5, seed=seed),
        regions=lambda data: {"inside": data.val_idx},
        noise_std=lambda x: np.full_like(x, 1.5),
        header={"en": ("model", "cover 50 %", "cover 90 %", "cover 95 %",
                       "90 % width", "NLL", "CRPS", "RMSE vs f", "train s"),
                "ko": ("모델", "50 % 포함률", "90 % 포함률", "95 % 포함률", "90 % 폭",
                       "NLL", "CRPS", "f 대비 RMSE", "학습 초")},
        digits={"coverage_50": 3, "coverage_90": 3, "coverage_95": 3, "width_90": 2,
                "nll": 3, "crps": 3, "rmse_f": 3, "train_seconds": 1},
        names={lang: {k: label(f"row_{k}", lang) for k in ("oracle", *MODELS)}
               for lang in LANGUAGES},
        data_settings={"data": "make_dataset(n=10000, sigma=1.5, seed=s)",
                       "held_out": 2000},
    ),
    "roads": Table(
        name="roads", chapter=7, methods=_ROAD_METHODS,
        make_data=lambda seed: make_hetero_dataset(seed=seed),
        regions=lambda data: data.regions,
        noise_std=hetero_noise_std,
        header={"en": ("method", "cover 90 %", "width", "interval score", "NLL",
                       "CRPS"),
                "ko": ("방법", "90 % 포함률", "폭", "구간 점수", "NLL", "CRPS")},
        digits={"coverage_90": 3, "width_90": 2, "interval_score": 2, "nll": 2,
                "crps": 2},
        names={
            "en": {"oracle": "oracle (true f, true σ(x))", "h_mle": "MLE + residual σ",
                   "h_beta_nll": "β-NLL, β = 0.5",
                   "h_bbb": "Bayes by Backprop, one σ",
                   "h_bbb_hetero": "Bayes by Backprop, s(x) head",
                   "h_dropout": "MC dropout",
                   "h_ensemble": "deep ensemble (5 networks)",
                   "h_laplace": "last-layer Laplace",
                   "h_laplace_full": "linearised Laplace, all weights",
                   "h_conformal": "split conformal",
                   "h_adaptive": "adaptive conformal"},
            "ko": {"oracle": "오라클 (참 f, 참 σ(x))", "h_mle": "MLE + 잔차 σ",
                   "h_beta_nll": "β-NLL, β = 0.5",
                   "h_bbb": "Bayes by Backprop, σ 하나",
                   "h_bbb_hetero": "Bayes by Backprop, s(x) 헤드",
                   "h_dropout": "MC 드롭아웃", "h_ensemble": "딥 앙상블 (신경망 5개)",
                   "h_laplace": "마지막 층 라플라스",
                   "h_laplace_full": "선형화 라플라스, 모든 가중치",
                   "h_conformal": "분할 컨포멀",
                   "h_adaptive": "적응형 컨포멀"},
        },
        data_settings={"data": "make_hetero_dataset(seed=s), defaults",
                       "calibration_fraction": CALIBRATION_FRACTION},
        seeds=20,
        bin_edges=tuple(np.round(np.arange(-4.5, 4.5001, 0.25), 2).tolist()),
        decimals=3,
        compact=True,
    ),
}


def check_table(name: str) -> Table:
    """The table called ``name``, or a ValueError naming it."""
    if name not in TABLES:
        raise ValueError(f"table must be one of {list(TABLES)}, got {name!r}")
    return TABLES[name]


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


def _normal(model, x, key, generator):
    return predictive_normal(model, x, NUM_SAMPLES.get(key, 2), generator)


def gaussian_predictor(model, key):
    """The band function of a method whose predictive is one Normal per x."""
    def band(x, generator):
        mean, std = _normal(model, x, key, generator)
        lower, upper = central_interval(mean, std, LEVEL)
        return {"mean": mean, "std": std, "lower": lower, "upper": upper}

    return band


def conformal_predictor(key: str, data: Dataset, seed: int,
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


def train_method(
    key: str, data: Dataset, seed: int,
    trained: dict[str, tuple[torch.nn.Module, float]] | None = None,
    quick: bool = False,
) -> Predictor:
    """Train method ``key`` (a recipe or a conformal method) on ``data``.

    ``trained`` (optional) maps keys to ``(model, seconds)`` already trained on
    the same data and seed: a method of :data:`REUSES` then starts from that
    network instead of training it again. ``quick=True`` trains a tenth of the
    epochs (at least 10), to check the code.
    """
    if key not in RECIPES and key not in CONFORMAL:
        raise ValueError(f"key must be a recipe or one of {list(CONFORMAL)}, "
                         f"got {key!r}")
    if key in CONFORMAL:
        return conformal_predictor(key, data, seed, quick)
    start = time.perf_counter()
    if trained and REUSES.get(key) in trained:
        net, seconds = trained[REUSES[key]]
        model = RECIPES[key].finish(net, data)
        seconds += time.perf_counter() - start
    else:
        model, history = train(key, data, seed=seed, epochs=_epochs(key, quick))
        # a method with a step after training (Laplace): the step's time too
        seconds = (time.perf_counter() - start if key in REUSES else history.seconds)
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
    if isinstance(model, GaussianLaplace):
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


# ------------------------------------------------------------------ storing

#: What a compact table leaves out for a method with a density: the interval's
#: ends, which are mean ∓ z·std (:func:`prediction` rebuilds them).
_DERIVED_ENDS = ("lower", "upper")
#: ... and, for one Normal, the per-point scores, which are the Normal's.
_POINT_SCORES = ("nll_point", "crps_point")


def store_band(table: Table, key: str, band: dict,
               decimals: int | None = None) -> dict:
    """One method's predictions in one region (or along the grid) the way the
    table stores them: each array rounded to ``decimals`` (the table's unless
    given), None kept (a conformal band has no std). A compact table leaves out
    what recomputes from the rest: a Normal's interval ends and, unless ``key``
    is a mixture (:data:`MIXTURES`), its per-point NLL and CRPS."""
    decimals = table.decimals if decimals is None else decimals
    density = band.get("std") is not None
    out = {}
    for name, value in band.items():
        if table.compact and density and (
                name in _DERIVED_ENDS
                or (name in _POINT_SCORES and key not in MIXTURES)):
            continue
        out[name] = None if value is None else scoring.rounded(value, decimals).tolist()
    return out


def prediction(stored: dict) -> dict[str, np.ndarray | None]:
    """A stored prediction as float64 arrays (None stays None), with the ends of
    the central 90 % interval rebuilt as mean ∓ z·std where the file leaves them
    out. The rebuilt ends are what every stored figure was computed from."""
    r = {k: None if v is None else np.asarray(v, dtype=np.float64)
         for k, v in stored.items()}
    if "lower" not in r:
        if r.get("std") is None:
            raise ValueError("stored must hold lower and upper, or mean and std; "
                             f"got {sorted(stored)}")
        r["lower"], r["upper"] = r["mean"] - Z90 * r["std"], r["mean"] + Z90 * r["std"]
    return r


def restore(result: dict) -> dict:
    """``result`` (a copy) with its held-out predictions, its y and its grid stored
    the way :func:`evaluate` stores them now (:func:`store_band`), the settings that
    describe them and the methods' names updated, and every figure recomputed from
    them: how an older file takes the current layout without training anything
    again. A file written by the current code comes back unchanged."""
    table = check_table(result["table"])
    out = copy.deepcopy(result)
    for held in out["held_out"].values():
        held["y"] = {r: scoring.rounded(v, table.decimals).tolist()
                     for r, v in held["y"].items()}
        for key, per_region in held["methods"].items():
            for region, stored in per_region.items():
                per_region[region] = store_band(table, key, prediction(stored))
    for per_seed in out["grid"]["seeds"].values():
        for key, entry in per_seed.items():
            per_seed[key] = store_band(table, key, prediction(entry), scoring.DECIMALS)
    out["settings"].update(_stored_settings(table))
    for key, method in out["methods"].items():  # names as the table writes them now
        method["name"] = {lang: table.names[lang][key] for lang in table.names}
    regions = out["settings"]["regions"]
    out["runs"] = recompute(out)
    out["summary"] = summarise(out["runs"], list(out["summary"]), regions)
    out["table_markdown"] = {
        lang: {region: markdown_table(out, region, lang) for region in regions}
        for lang in table.names
    }
    return out


def scores(table: Table) -> dict[str, str]:
    """What each stored score of ``table`` is a score of (:data:`SCORES`)."""
    return SCORES | COMPACT_SCORES if table.compact else dict(SCORES)


def _stored_settings(table: Table) -> dict:
    return {"scores": scores(table), "decimals": table.decimals,
            "stored": ("every array; a Normal's interval ends (mean ∓ z·std) and, "
                       "but for a mixture, its per-point nll and crps recompute "
                       "from mean and std and are not stored")
            if table.compact else "every array"}


# ------------------------------------------------------------------ scoring


def region_scores(x, y, mean, std, lower, upper, nll_point=None,
                  crps_point=None) -> dict[str, float | None]:
    """Every metric for one method in one region (NumPy arrays): coverage, width
    and interval score of the stored 90 % interval; the exact NLL and CRPS, the
    means of the per-point scores of the method's own predictive (``nll_point``,
    ``crps_point``; the Normal's where they are None); coverage at 50 % and 95 %,
    NLL and CRPS of the moment-matched Normal. None where ``std`` is None."""
    density = std is not None
    gaussian = {"nll_gaussian": gaussian_nll(y, mean, std) if density else None,
                "crps_gaussian": crps_gaussian(y, mean, std) if density else None}
    exact = {"nll": gaussian["nll_gaussian"] if nll_point is None
             else float(np.mean(nll_point)),
             "crps": gaussian["crps_gaussian"] if crps_point is None
             else float(np.mean(crps_point))}
    return {
        "coverage_50": gaussian_coverage(y, mean, std, 0.5) if density else None,
        "coverage_90": interval_coverage(y, lower, upper),
        "coverage_95": gaussian_coverage(y, mean, std, 0.95) if density else None,
        "width_90": mean_width(lower, upper),
        "interval_score": interval_score(y, lower, upper, LEVEL),
        **exact,
        **gaussian,
        "rmse_f": rmse(mean, true_function(x)),
    }


def binned_coverage(stored: dict, key: str, edges) -> list[float | None]:
    """Coverage in the bins ``edges`` of x of all held-out points of one run."""
    regions = list(stored["x"])
    cat = {k: np.concatenate([np.asarray(stored[k][r]) for r in regions])
           for k in ("x", "y")}
    ends = [prediction(stored["methods"][key][r]) for r in regions]
    for end in ("lower", "upper"):
        cat[end] = np.concatenate([e[end] for e in ends])
    _, coverage, _ = coverage_by_bin(cat["x"], cat["y"], cat["lower"], cat["upper"],
                                     bins=list(edges))
    return [None if np.isnan(c) else float(c) for c in coverage]


def _oracle(table: Table, x: np.ndarray) -> dict[str, np.ndarray]:
    mean, std = true_function(x), table.noise_std(x)
    lower, upper = central_interval(mean, std, LEVEL)
    return {"mean": mean, "std": std, "lower": lower.numpy(), "upper": upper.numpy()}


def recompute(result: dict) -> list[dict]:
    """Every run's metrics (and binned coverage), from the stored predictions alone;
    the oracle's from x; the training seconds as measured."""
    table = check_table(result["table"])
    runs = []
    for seed, stored in result["held_out"].items():
        cost = result["cost"][seed]
        for key in ("oracle", *stored["methods"]):
            for region in stored["x"]:
                x, y = np.asarray(stored["x"][region]), np.asarray(stored["y"][region])
                if key == "oracle":
                    r, seconds = _oracle(table, x), None
                else:
                    r = prediction(stored["methods"][key][region])
                    seconds = cost[key]["train_seconds"]
                runs.append({"seed": int(seed), "method": key, "region": region,
                             **region_scores(x, y, r["mean"], r["std"], r["lower"],
                                             r["upper"], r.get("nll_point"),
                                             r.get("crps_point")),
                             "train_seconds": seconds})
            if table.bin_edges is not None and key != "oracle":
                runs.append({"seed": int(seed), "method": key, "region": "bins",
                             "coverage_by_bin": binned_coverage(stored, key,
                                                                table.bin_edges)})
    return runs


def summarise(runs: list[dict], methods: list[str], regions) -> dict:
    """Mean and sd over seeds of every metric, per method and region; the sd is
    the spread over seeds (training and data together), not an error bar of the
    mean (that would be sd / √seeds)."""
    summary = {}
    for key in methods:
        summary[key] = {
            region: scoring.summary_cells(
                [r for r in runs if r["method"] == key and r["region"] == region],
                METRICS)
            for region in regions
        }
        bins = [r["coverage_by_bin"] for r in runs
                if r["method"] == key and r["region"] == "bins"]
        if bins:
            summary[key]["coverage_by_bin"] = [
                None if any(b[i] is None for b in bins)
                else statistics.fmean(b[i] for b in bins) for i in range(len(bins[0]))
            ]
    return summary


def markdown_table(result: dict, region: str, lang: str = "en") -> str:
    """One region's table: mean ± sd over seeds of each method (– : no density)."""
    table = check_table(result["table"])
    if region not in result["settings"]["regions"]:
        raise ValueError(f"region must be one of {result['settings']['regions']}, "
                         f"got {region!r}")
    rows = [(table.names[lang][key], cells[region])
            for key, cells in result["summary"].items()]
    return scoring.markdown_table(table.header[lang], rows, table.digits)


# ------------------------------------------------------------------ the run


def _warm_up() -> None:
    """One tiny fit, so that one-off import and allocation costs are not timed."""
    data = make_hetero_dataset(n=100, n_beyond=10)
    for key in ("h_beta_nll", "h_mle"):
        train(key, data, epochs=2)


def _exact_points(model, key: str, x: torch.Tensor, y: torch.Tensor,
                  seed: int) -> dict[str, np.ndarray]:
    """Per-point NLL and CRPS of the mixture the model predicts at x, from the
    same draws as its band (the same generator seed)."""
    with torch.no_grad():
        mus, sigmas = model.components(x, NUM_SAMPLES.get(key, 2),
                                       torch.Generator().manual_seed(seed))
    if (mus.shape[0] > 1) != (key in MIXTURES):
        raise ValueError(f"key {key!r} predicts {mus.shape[0]} components: "
                         "MIXTURES must list exactly the methods with more than one")
    return {"nll_point": mixture_nll(y, mus, sigmas, per_point=True),
            "crps_point": crps_mixture(y, mus, sigmas, per_point=True)}


def _grid_entry(table: Table, predictor: Predictor, key: str, seed: int) -> dict:
    """The band along the grid (to :data:`scoring.DECIMALS`), with its split."""
    x = scoring.grid_x().view(-1, 1)
    band = predictor(x, seed)
    if predictor.model.HAS_EPISTEMIC:
        with torch.no_grad():
            _, band["epistemic_std"], band["aleatoric_std"] = predictor.model.predict(
                x, NUM_SAMPLES.get(key, 2), torch.Generator().manual_seed(seed))
    return store_band(table, key, band, scoring.DECIMALS)


def run_seed(table: Table, seed: int, methods: tuple[str, ...],
             log: Callable[[str], None] | None = print, quick: bool = False) -> dict:
    """Train and score every method on the table's data for ``seed``.

    Returns ``{"x", "y", "methods", "grid", "cost"}``: the held-out points by
    region, each method's stored predictions by region, its band along the
    grid, and its measured cost.
    """
    data = table.make_data(seed)
    regions = table.regions(data)
    stored = {"x": {r: np.round(data.x[i].double().numpy().reshape(-1), 7).tolist()
                    for r, i in regions.items()},
              "y": {r: scoring.rounded(data.y[i], table.decimals).tolist()
                    for r, i in regions.items()},
              "methods": {}, "grid": {}, "cost": {}}
    x_all = torch.cat([data.x[i] for i in regions.values()])
    trained: dict = {}
    for key in methods:
        predictor = train_method(key, data, seed, trained, quick)
        per_region = {}
        for region, idx in regions.items():
            band = predictor(data.x[idx], seed)
            if band["std"] is not None:  # the method's own predictive, exactly
                band.update(_exact_points(predictor.model, key, data.x[idx],
                                          data.y[idx], seed))
            if predictor.model.HAS_EPISTEMIC:  # the noise part alone, per point
                with torch.no_grad():
                    band["aleatoric_std"] = predictor.model.predict(
                        data.x[idx], NUM_SAMPLES.get(key, 2),
                        torch.Generator().manual_seed(seed))[2]
            if not all(np.isfinite(band[k].numpy()).all()
                       for k in ("mean", "lower", "upper")):
                raise FloatingPointError(f"{key}, seed {seed}: non-finite prediction")
            per_region[region] = store_band(table, key, band)
        stored["methods"][key] = per_region
        stored["grid"][key] = _grid_entry(table, predictor, key, seed)
        passes, seconds = forward_passes(predictor, x_all, seed)
        stored["cost"][key] = {"train_seconds": round(predictor.seconds, 3),
                               "predict_seconds": round(seconds, 4),
                               "predict_points": x_all.shape[0],
                               "forward_passes": round(passes, 3),
                               "epistemic": predictor.model.HAS_EPISTEMIC}
        if log is not None:
            log(f"seed {seed}  {key:<12} train {predictor.seconds:6.1f} s  "
                f"{passes:g} passes  load {os.getloadavg()[0]:.1f}")
    return stored


def evaluate(name: str, seeds: int | None = None,
             methods: tuple[str, ...] | None = None,
             log: Callable[[str], None] | None = print, quick: bool = False) -> dict:
    """Every method of table ``name`` on ``seeds`` seeds; the result dict."""
    table = check_table(name)
    seeds = scoring.check_seeds(table.seeds if seeds is None else seeds)
    methods = table.methods if methods is None else tuple(methods)
    for key in methods:
        if key not in table.methods:
            raise ValueError(f"methods must be among {list(table.methods)}, "
                             f"got {key!r}")
    _warm_up()
    regions = list(table.regions(table.make_data(0)))
    result = {
        "table": name,
        "command": f"python -m tools.evaluate {name}" + (" --quick" if quick else "")
        + f" --seeds {seeds}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(TRAIN_THREADS),
        "settings": {
            **table.data_settings, "level": LEVEL, "seeds": list(range(seeds)),
            "regions": regions, "grid": list(scoring.GRID),
            "bin_edges": None if table.bin_edges is None else list(table.bin_edges),
            "num_samples": {k: NUM_SAMPLES[k] for k in methods if k in NUM_SAMPLES},
            **_stored_settings(table), "quick": quick,
            "spread": "sd over seeds: each seed draws new data and new weights",
        },
        "methods": {
            key: {"name": {lang: table.names[lang][key] for lang in table.names},
                  "recipe": CONFORMAL.get(key, key),
                  "epochs": _epochs(CONFORMAL.get(key, key), quick),
                  "lr": RECIPES[CONFORMAL.get(key, key)].lr,
                  "density": key not in CONFORMAL} for key in methods
        },
        "held_out": {}, "cost": {},
        "grid": {"x": scoring.rounded(scoring.grid_x()).tolist(),
                 "y_true": scoring.rounded(true_function(scoring.grid_x())).tolist(),
                 "noise_std": scoring.rounded(table.noise_std(
                     scoring.grid_x().numpy())).tolist(),
                 "seeds": {}},
    }
    start = time.perf_counter()
    for seed in range(seeds):
        stored = run_seed(table, seed, methods, log, quick)
        result["grid"]["seeds"][str(seed)] = stored.pop("grid")
        result["cost"][str(seed)] = stored.pop("cost")
        result["held_out"][str(seed)] = stored
    for key in methods:
        result["methods"][key]["epistemic"] = result["cost"]["0"][key]["epistemic"]
    result["seconds_total"] = round(time.perf_counter() - start, 1)
    result["runs"] = recompute(result)
    result["summary"] = summarise(result["runs"], ["oracle", *methods], regions)
    result["cost_summary"] = {
        key: {what: scoring.mean_sd(c[key][what] for c in result["cost"].values())
              for what in ("train_seconds", "predict_seconds", "forward_passes")}
        for key in methods
    }
    result["machine"]["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    result["table_markdown"] = {
        lang: {region: markdown_table(result, region, lang) for region in regions}
        for lang in table.names
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.evaluate",
        description="Train, predict and score one of the book's comparison tables "
        "over several seeds; print it and write book/data/<table>.json. "
        "evaluation: chapter 5's models on held-out data; roads: chapter 7's ten "
        "ways to a band inside the data, in the hole and beyond.")
    parser.add_argument("table", choices=list(TABLES))
    parser.add_argument("--seeds", type=scoring.positive_int_arg, default=None,
                        help="number of seeds, 0..N-1 (default: evaluation 5, roads "
                        "20; 1 with --quick)")
    parser.add_argument("--out", type=Path, default=None,
                        help="JSON file to write (default book/data/<table>.json; "
                        "with --quick nothing is written unless --out is given)")
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the epochs, to check that everything runs")
    parser.add_argument("--methods", default=None,
                        help="comma-separated subset of the table's methods")
    parser.add_argument("--restore", action="store_true",
                        help="train nothing: read book/data/<table>.json, store its "
                        "predictions the way a run stores them now, recompute every "
                        "figure from them and write it back (or to --out)")
    args = parser.parse_args(argv)
    table = TABLES[args.table]
    if args.restore:
        if args.quick or args.seeds or args.methods:
            parser.error("--restore: takes no --quick, --seeds or --methods")
        out = args.out if args.out is not None else table.out
        if not out.parent.is_dir():
            parser.error(f"--out: folder {out.parent} does not exist")
        before = table.out.stat().st_size
        scoring.write_json(restore(json.loads(table.out.read_text(encoding="utf-8"))),
                           out)
        print(f"wrote {out}: {before:,} bytes before, {out.stat().st_size:,} after")
        return 0
    methods = None
    if args.methods is not None:
        try:
            methods = scoring.keys_arg(table.methods)(args.methods)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"--methods: {exc}")
    seeds = args.seeds or (1 if args.quick else table.seeds)
    out = args.out if args.out is not None else (None if args.quick else table.out)
    if out is not None and not out.parent.is_dir():
        parser.error(f"--out: folder {out.parent} does not exist")
    result = evaluate(args.table, seeds=seeds, methods=methods, quick=args.quick)
    for region, text in result["table_markdown"]["en"].items():
        print(f"\n{region}\n{text}")
    if out is not None:
        scoring.write_json(result, out)
        print(f"\nwrote {out} in {result['seconds_total']} s")
    return 0


if __name__ == "__main__":
    numerics.restart_portable()
    sys.exit(main())
