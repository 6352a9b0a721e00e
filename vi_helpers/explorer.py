r"""The function behind the explorer's sliders, its cache, and the precomputed grid.

:func:`explore` answers one setting of the sliders (noise level σ, epochs, model,
seed): it draws the data, trains the model with :func:`vi_helpers.fit` and
returns an :class:`ExplorerResult` with every curve and number the figure shows.
It is a plain function, so the live widget (:mod:`vi_helpers.widgets`), the
static explorer (:mod:`vi_helpers.static_explorer`) and the tests all call the
same code.

The explorer trains on ``n = 2,000`` points (1,600 for training, 400 held out)
instead of the source's 10,000, so that a setting answers in seconds; the
figure says how many points it used. The 5–95 % band of a network with Gaussian
outputs is exact: :math:`\mu(x) \pm 1.645\,\sigma(x)` (``method="closed_form"``);
the MLE's is its fit ± 1.645 σ̂, Bayes by Backprop's comes from weight draws.
"""

from __future__ import annotations

import functools
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from statistics import NormalDist

import numpy as np
import torch

from . import _validate
from .bayes import BayesByBackpropLoss, BayesianRegressor
from .data import Dataset, make_dataset, true_function
from .heteroscedastic import HeteroscedasticRegressor, gaussian_nll_loss
from .i18n import check_language, label
from .losses import half_mse, negative_elbo, prior_from_targets
from .metrics import interval_coverage, mean_width
from .models import MLERegressor, VariationalRegressor
from .predict import predictive_quantiles
from .train import fit

SIGMA_RANGE = (0.1, 3.0)
EPOCHS_RANGE = (100, 5000)
#: The epoch slider's stops: roughly even steps on a log scale.
EPOCH_STOPS = (100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000)
#: The static explorer's grid (every model is computed at each σ × epochs).
GRID_SIGMAS = (0.5, 1.0, 1.5, 2.0, 3.0)
GRID_EPOCHS = (100, 300, 1000, 3000)
DEFAULT_N = 2000
CURVE_POINTS = 121  # x grid on which the curves are drawn
DATA_POINTS = 300  # noisy points drawn on the figure (evenly spaced subset)
Y_LIMITS = (-40.0, 40.0)  # the same y axis for every setting, so σ's effect shows
#: Where ``python -m vi_helpers.grid`` writes the static explorer's grid.
GRID_FILE = Path(__file__).resolve().parents[1] / "book" / "data" / "explorer-grid.json"
PROGRESS_EVERY = 25  # epochs between progress callbacks (and cancellation checks)
#: Intra-op threads while the explorer trains. These networks are so small that a
#: second thread gains little on an idle machine, while on a busy one (Jupyter, a
#: browser, another notebook) two threads that wait for each other can be many
#: times slower (``benchmarks/explorer_latency.py`` measures both).
TRAIN_THREADS = 1
Z95 = NormalDist().inv_cdf(0.95)  # 1.645: the 5–95 % band is mu ± Z95 * sigma
BBB_SAMPLES = 200  # weight draws for Bayes by Backprop's band


class Cancelled(Exception):
    """Raised inside a training that a newer request has made useless."""


# --------------------------------------------------------------------- models


def _mle(data: Dataset):
    return MLERegressor(), half_mse


def _source_vi(data: Dataset):
    prior_mean, prior_var = prior_from_targets(data.y_train)
    loss = functools.partial(negative_elbo, prior_mean=prior_mean, prior_var=prior_var)
    return VariationalRegressor(), loss


def _likelihood(data: Dataset):
    return HeteroscedasticRegressor.for_targets(data.y_train), gaussian_nll_loss


def _bbb(data: Dataset):
    model = BayesianRegressor()
    return model, BayesByBackpropLoss(model, len(data.train_idx))


@torch.no_grad()
def closed_form_band(model: torch.nn.Module, data: Dataset, x: torch.Tensor):
    """5 %, 50 % and 95 % predictive quantiles at ``x`` (N, 1); returns (3, N)."""
    return predictive_quantiles(model, x, (0.05, 0.5, 0.95), method="closed_form")


@torch.no_grad()
def plug_in_band(model: torch.nn.Module, data: Dataset, x: torch.Tensor):
    r"""An MLE fit's band: :math:`\hat f(x) \pm 1.645\,\hat\sigma`; returns (3, N).

    :math:`\hat\sigma^2 = \frac1N\sum_i (y_i - \hat f(x_i))^2` over the training
    points is the maximum-likelihood noise variance for the fitted mean (the
    source's MLE network gives a curve only; this is the band that goes with it).
    """
    residual = data.y_train - model(data.x_train)  # (N_train, 1)
    sigma_hat = residual.pow(2).mean().sqrt()
    fit_x = model(x).view(1, -1)  # (1, N)
    z = torch.tensor([-Z95, 0.0, Z95], dtype=fit_x.dtype).view(-1, 1)
    return fit_x + z * sigma_hat  # (3, N)


@torch.no_grad()
def weight_sampling_band(model: BayesianRegressor, data: Dataset, x: torch.Tensor):
    r"""Bayes by Backprop's band from :data:`BBB_SAMPLES` weight draws; (3, N).

    The Gaussian with the draws' mean and the variance epistemic² + σ_y²
    (:meth:`~vi_helpers.bayes.BayesianRegressor.predict`), its own seeded
    generator, so the band is the same on every call.
    """
    generator = torch.Generator().manual_seed(0)
    mean, epistemic, noise = model.predict(x, BBB_SAMPLES, generator)  # (N, 1) each
    std = (epistemic**2 + noise**2).sqrt().view(1, -1)
    z = torch.tensor([-Z95, 0.0, Z95], dtype=std.dtype).view(-1, 1)
    return mean.view(1, -1) + z * std  # (3, N)


@dataclass(frozen=True)
class ModelSpec:
    """How the explorer builds, trains and reads a band from one kind of model.

    ``build(data)`` returns a fresh ``(model, loss_fn)`` for :func:`vi_helpers.fit`
    (it may look at the training targets, as the source's prior does);
    ``band(model, data, x)`` returns the (3, N) quantiles 5 %, 50 %, 95 % at x.
    ``label`` is the key of the model's name in :data:`vi_helpers.i18n.LABELS`,
    ``center`` the key of its middle curve's name (the median, or the MLE fit).
    """

    build: Callable[[Dataset], tuple[torch.nn.Module, Callable]]
    band: Callable[[torch.nn.Module, Dataset, torch.Tensor], torch.Tensor]
    label: str
    center: str = "median"
    lr: float = 1e-3


#: The models the explorer offers, by name; :func:`register_model` adds more.
MODELS: dict[str, ModelSpec] = {
    # lr 1e-2, not the source's 1e-3: on the explorer's data it reaches what 1e-3
    # reaches by the slider's end in far fewer epochs (``make bench``, "time to a
    # good fit"; tests/test_explorer.py checks this against the committed result)
    "mle": ModelSpec(_mle, plug_in_band, "model_mle", center="mle_fit", lr=1e-2),
    "source_vi": ModelSpec(_source_vi, closed_form_band, "model_source_vi"),
    # chapter 5's models, with the learning rates chapter 5 trains them with
    "likelihood": ModelSpec(_likelihood, closed_form_band, "row_nll", lr=3e-3),
    "bbb": ModelSpec(_bbb, weight_sampling_band, "row_bbb", lr=1e-2),
}


def register_model(name: str, spec: ModelSpec, replace: bool = False) -> None:
    """Offer another model in the explorer under ``name`` (a short identifier)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a short identifier, got {name!r}")
    if not isinstance(spec, ModelSpec):
        raise ValueError(f"spec must be a ModelSpec, got {type(spec).__name__}")
    if name in MODELS and not replace:
        raise ValueError(f"name must be new (or pass replace=True), got {name!r}")
    MODELS[name] = spec


# --------------------------------------------------------------------- checks


def check_settings(sigma, epochs, model, seed, n=DEFAULT_N):
    """Validate one setting of the sliders; returns it normalised, else ValueError."""
    lo, hi = SIGMA_RANGE
    if isinstance(sigma, bool) or not isinstance(sigma, Real) or not (
        math.isfinite(sigma) and lo <= sigma <= hi
    ):
        raise ValueError(f"sigma must be a number in [{lo}, {hi}], got {sigma!r}")
    lo, hi = EPOCHS_RANGE
    if isinstance(epochs, bool) or not isinstance(epochs, Integral) or not (
        lo <= epochs <= hi
    ):
        raise ValueError(f"epochs must be an integer in [{lo}, {hi}], got {epochs!r}")
    if model not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    n = _validate.positive_int("n", n)
    if n < 100:
        raise ValueError(f"n must be at least 100, got {n}")
    return round(float(sigma), 6), int(epochs), model, int(seed), n


# --------------------------------------------------------------------- result


@dataclass(frozen=True)
class ExplorerResult:
    """Everything the explorer's figure needs for one setting.

    Curves are NumPy float arrays: ``x``, ``f``, ``lower``, ``median``, ``upper``
    of shape (CURVE_POINTS,) on linspace(-3, 3); ``x_data``, ``y_data`` of shape
    (DATA_POINTS,), an evenly spaced subset of the noisy data. ``coverage`` is the
    fraction of the held-out points inside the 5–95 % band (0.90 if calibrated),
    ``width`` the band's mean width there (2·1.645·σ if calibrated), ``seconds``
    the training time.
    """

    sigma: float
    epochs: int
    model: str
    seed: int
    n: int
    n_train: int
    x: np.ndarray
    f: np.ndarray
    lower: np.ndarray
    median: np.ndarray
    upper: np.ndarray
    x_data: np.ndarray
    y_data: np.ndarray
    coverage: float
    width: float
    seconds: float

    @property
    def band(self) -> np.ndarray:
        """The quantiles as rows 5 %, 50 %, 95 %: (3, CURVE_POINTS)."""
        return np.stack([self.lower, self.median, self.upper])

    @property
    def calibrated_width(self) -> float:
        """Width of the true 5–95 % noise band, 2·1.645·σ."""
        return 2 * Z95 * self.sigma

    def curves(self, decimals: int = 2) -> dict[str, list[float]]:
        """The model's three curves, rounded, as lists (for JSON)."""
        return {
            k: np.round(getattr(self, k), decimals).tolist()
            for k in ("lower", "median", "upper")
        }


def _result(name, model, data, epochs, seconds) -> ExplorerResult:
    """The curves and numbers of a trained ``model`` (in a forked random stream)."""
    spec = MODELS[name]
    x = torch.linspace(-3, 3, CURVE_POINTS).view(-1, 1)
    with torch.no_grad(), torch.random.fork_rng(devices=[]):
        band = spec.band(model, data, x).cpu().numpy().astype(np.float64)  # (3, G)
        val = spec.band(model, data, data.x_val).cpu().numpy().astype(np.float64)
    y_val = data.y_val.view(-1).numpy().astype(np.float64)
    n = len(data.x)
    keep = np.unique(np.linspace(0, n - 1, min(n, DATA_POINTS)).round().astype(int))
    return ExplorerResult(
        sigma=data.sigma, epochs=epochs, model=name, seed=data.seed,
        n=n, n_train=len(data.train_idx),
        x=x.view(-1).numpy().astype(np.float64),
        f=true_function(x.view(-1).numpy().astype(np.float64)),
        lower=band[0], median=band[1], upper=band[2],
        x_data=data.x.view(-1).numpy()[keep].astype(np.float64),
        y_data=data.y.view(-1).numpy()[keep].astype(np.float64),
        coverage=interval_coverage(y_val, val[0], val[2]),
        width=mean_width(val[0], val[2]),
        seconds=seconds,
    )


# --------------------------------------------------------------------- training

#: fit draws from torch's global random stream: one seeded training at a time.
_TRAINING = threading.Lock()


def _train(
    sigma: float,
    stops: tuple[int, ...],
    model: str,
    seed: int,
    n: int,
    callback: Callable[[int, int], None] | None,
) -> list[ExplorerResult]:
    """Train once up to ``max(stops)``; the results at each epoch in ``stops``.

    With full-batch Adam and a fixed seed, the model after ``e`` epochs of a
    longer run is the model of a run of ``e`` epochs, so one training serves a
    whole row of the grid. ``callback(epoch, total)`` is called every
    :data:`PROGRESS_EVERY` epochs; an exception it raises (:class:`Cancelled`)
    stops the training. Torch's global random state is left as it was.
    """
    spec = MODELS[model]
    data = make_dataset(n=n, sigma=sigma, seed=seed)
    total = max(stops)
    results: list[ExplorerResult] = []
    start = time.perf_counter()

    def on_log(epoch: int, train_loss: float, val_loss: float) -> None:
        if epoch in stops:
            seconds = time.perf_counter() - start
            results.append(_result(model, net, data, epoch, seconds))
        if callback is not None:
            callback(epoch, total)

    threads = torch.get_num_threads()
    with _TRAINING, torch.random.fork_rng(devices=[]):
        torch.set_num_threads(TRAIN_THREADS)
        try:
            torch.manual_seed(seed)
            net, loss_fn = spec.build(data)
            # every stop must be a logged epoch; the last one always is
            log_every = math.gcd(PROGRESS_EVERY, *(e for e in stops if e != total))
            fit(net, loss_fn, data, epochs=total, lr=spec.lr, log_every=log_every,
                progress=False, callback=on_log)
        finally:
            torch.set_num_threads(threads)
    return results


def explore(
    sigma: float,
    epochs: int,
    model: str = "source_vi",
    seed: int = 0,
    n: int = DEFAULT_N,
    callback: Callable[[int, int], None] | None = None,
) -> ExplorerResult:
    """Train ``model`` for ``epochs`` on fresh data with noise ``sigma``; the figure's
    curves and numbers.

    ``sigma`` in [0.1, 3.0], ``epochs`` in [100, 5000], ``model`` a key of
    :data:`MODELS`, ``seed`` (data and initial weights) >= 0, ``n`` points in all
    (80 % train, 20 % held out). Deterministic: the same arguments give the same
    result. ``callback(epoch, epochs)`` reports progress and may raise
    :class:`Cancelled` to stop.
    """
    sigma, epochs, model, seed, n = check_settings(sigma, epochs, model, seed, n)
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be callable, got {callback!r}")
    return _train(sigma, (epochs,), model, seed, n, callback)[0]


# --------------------------------------------------------------------- cache


class ResultCache:
    """A small thread-safe LRU cache of results, keyed by the normalised setting."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = _validate.positive_int("maxsize", maxsize)
        self._items: OrderedDict[tuple, ExplorerResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> ExplorerResult | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: tuple, result: ExplorerResult) -> None:
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: tuple) -> bool:
        return key in self._items


CACHE = ResultCache()


def cached_explore(
    sigma: float,
    epochs: int,
    model: str = "source_vi",
    seed: int = 0,
    n: int = DEFAULT_N,
    callback: Callable[[int, int], None] | None = None,
    cache: ResultCache = CACHE,
) -> ExplorerResult:
    """:func:`explore` through an LRU cache: a setting seen before returns at once
    (the very same object). A cancelled training stores nothing."""
    key = check_settings(sigma, epochs, model, seed, n)
    hit = cache.get(key)
    if hit is not None:
        return hit
    result = explore(*key, callback=callback)
    cache.put(key, result)
    return result


class Generation:
    """A counter that lets the newest request cancel older ones.

    Each request takes a token with :meth:`new`; a training checks its token with
    :meth:`check` (from ``fit``'s callback), which raises :class:`Cancelled` once a
    newer token has been handed out.
    """

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def new(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def is_current(self, token: int) -> bool:
        return token == self._value

    def check(self, token: int) -> None:
        if token != self._value:
            raise Cancelled(f"request {token} was replaced by request {self._value}")


# --------------------------------------------------------------------- grid


def explorer_grid(
    models: tuple[str, ...] | None = None,
    sigmas: tuple[float, ...] = GRID_SIGMAS,
    epochs: tuple[int, ...] = GRID_EPOCHS,
    seed: int = 0,
    n: int = DEFAULT_N,
    decimals: int = 2,
) -> dict:
    """Every model at every σ × epochs, as a JSON-ready dict for the static explorer.

    One training per model and σ, read at each epoch count (see :func:`_train`).
    Keys: ``sigmas``, ``epochs``, ``models``, ``seed``, ``n``, ``n_train``, ``x``,
    ``f``, ``y_limits``; ``data[str(sigma)]`` = ``{"x": [...], "y": [...]}``;
    ``cells[cell_key(model, sigma, epochs)]`` = ``{"lower", "median", "upper",
    "coverage", "width"}``; ``seconds`` the compute time.
    """
    models = tuple(MODELS) if models is None else tuple(models)
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
            for r in _train(float(s), tuple(epochs), m, seed, n, None):
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


def cell_key(model: str, sigma: float, epochs: int) -> str:
    """The grid's key for one cell, e.g. ``"source_vi|1.5|1000"``."""
    return f"{model}|{float(sigma):g}|{int(epochs)}"


def load_grid(path: str | Path = GRID_FILE) -> dict:
    """The grid that ``python -m vi_helpers.grid`` stored (JSON)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no explorer grid at {path}: run `python -m vi_helpers.grid`"
        )
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------- figure


def plot_explorer(result: ExplorerResult, lang: str = "en", ax=None):
    """Draw one explorer result: data, f, the fit or median, the band, the numbers."""
    import matplotlib.pyplot as plt

    check_language(lang)
    if not isinstance(result, ExplorerResult):
        raise ValueError(
            f"result must be an ExplorerResult, got {type(result).__name__}"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.2), layout="constrained")
    spec = MODELS[result.model]
    ax.scatter(result.x_data, result.y_data, s=4, alpha=0.5, color="tab:blue",
               label=label("data", lang))
    ax.fill_between(result.x, result.lower, result.upper, color="tab:orange",
                    alpha=0.3, label=label("band", lang))
    ax.plot(result.x, result.f, color="black", lw=1.5, label=label("true_f", lang))
    ax.plot(result.x, result.median, color="tab:red", lw=2,
            label=label(spec.center, lang))
    ax.set(xlim=(-3, 3), ylim=Y_LIMITS, xlabel=label("x", lang),
           ylabel=label("y", lang),
           title=label("explorer_title", lang, model=label(spec.label, lang),
                       sigma=result.sigma, epochs=result.epochs))
    ax.text(0.01, 0.03, summary(result, lang), transform=ax.transAxes, fontsize=9,
            va="bottom", bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    ax.legend(loc="upper right", fontsize=8)
    return ax


def summary(result: ExplorerResult, lang: str = "en") -> str:
    """The numbers written on the figure, in ``lang``: coverage, width, n."""
    return "\n".join([
        label("coverage_line", lang, coverage=result.coverage),
        label("width_line", lang, width=result.width,
              calibrated=result.calibrated_width),
        label("n_line", lang, n=result.n, n_train=result.n_train, seed=result.seed),
    ])
