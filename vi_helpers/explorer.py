r"""The explorer's model logic: one setting of the sliders in, a figure's worth out.

:func:`explore` answers one setting (noise level σ, epochs, model, seed, data
set): it draws the data, trains the model of :data:`vi_helpers.recipes.RECIPES` with
:func:`vi_helpers.fit` and returns an :class:`ExplorerResult` with every curve
and number the figure shows. The live widget (:mod:`vi_explorer.widget`), the
grid of the static explorer (``python -m vi_explorer.grid``) and the tests all call it.

The explorer trains on ``n = 2,000`` points (1,600 for training, 400 held out)
instead of the source's 10,000, so that a setting answers in seconds; the
figure says how many points it used. With ``data="hetero"`` it trains on chapter
7's data instead (:func:`vi_helpers.data.make_hetero_dataset`: noise that grows
with |x|, a hole, points beyond the data) and draws x out to ±4.5, so that the
reader sees where a band widens, or does not, with no points. Every model's band
is the central 90 % of its predictive Normal, :math:`\mu(x) \pm 1.645\,\sigma(x)`
(:func:`vi_helpers.predict.predictive_normal`): exact for the two-headed
networks, the fit ± 1.645 σ̂ for the MLE, moments of weight draws for Bayes by
Backprop.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import torch

from . import _validate
from .data import (
    HOLE,
    REGIONS,
    HeteroDataset,
    make_dataset,
    make_hetero_dataset,
    true_function,
)
from .i18n import check_language, label
from .metrics import interval_coverage, mean_width
from .predict import Z90, central_band, predictive_normal
from .recipes import RECIPES
from .train import fit
from .utils import set_seed

SIGMA_RANGE = (0.1, 3.0)
EPOCHS_RANGE = (100, 5000)
#: The epoch slider's stops: roughly even steps on a log scale.
EPOCH_STOPS = (100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000)
#: The models the explorer offers: the recipes of chapters 1–5, in the table's order.
MODELS = ("source", "mle", "nll", "beta_nll", "bbb")
DEFAULT_N = 2000
CURVE_POINTS = 121  # x grid on which the curves are drawn
DATA_POINTS = 300  # noisy points drawn on the figure (evenly spaced subset)
Y_LIMITS = (-40.0, 40.0)  # the same y axis for every setting, so σ's effect shows
#: The data sets: chapters 1–6's cubic with noise σ, chapter 7's (σ(x) fixed).
DATASETS = ("cubic", "hetero")
#: Chapter 7's data on the figure: x beyond the data, and y wide enough for f there.
HETERO_X, HETERO_Y_LIMITS = 4.5, (-140.0, 140.0)
PROGRESS_EVERY = 25  # epochs between progress callbacks (and cancellation checks)


# --------------------------------------------------------------------- checks


def check_settings(sigma, epochs, model, seed, n=DEFAULT_N, data="cubic"):
    """Validate one setting of the sliders; returns it normalised, else ValueError.

    On chapter 7's data the noise is the data set's own, so ``sigma`` is checked
    but not used.
    """
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
        raise ValueError(f"model must be one of {list(MODELS)}, got {model!r}")
    seed = _validate.seed(seed)
    n = _validate.positive_int("n", n)
    if n < 100:
        raise ValueError(f"n must be at least 100, got {n}")
    if data not in DATASETS:
        raise ValueError(f"data must be one of {list(DATASETS)}, got {data!r}")
    return round(float(sigma), 6), int(epochs), model, int(seed), n, data


# --------------------------------------------------------------------- result


@dataclass(frozen=True)
class ExplorerResult:
    """Everything the explorer's figure needs for one setting.

    Curves are NumPy float arrays: ``x``, ``f``, ``lower``, ``median``, ``upper``
    of shape (CURVE_POINTS,) on linspace(-3, 3) (on chapter 7's data, more points
    on linspace(-4.5, 4.5)); ``x_data``, ``y_data`` of shape (DATA_POINTS,), an
    evenly spaced subset of the noisy data. ``coverage`` is the fraction of the
    held-out points inside the 5–95 % band (0.90 if calibrated), ``width`` the
    band's mean width there (2·1.645·σ if calibrated), ``seconds`` the training
    time. On chapter 7's data those are of the points held out inside the data,
    ``sigma`` is the data set's root-mean-square σ(x), and ``regions`` holds
    ``{region: (coverage, width, oracle width)}`` for "inside", "hole" and
    "beyond" (the oracle's band is f(x) ± 1.645·σ(x)); on the cubic it is None.
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
    data: str = "cubic"
    regions: dict[str, tuple[float, float, float]] | None = None

    @property
    def band(self) -> np.ndarray:
        """The quantiles as rows 5 %, 50 %, 95 %: (3, CURVE_POINTS)."""
        return np.stack([self.lower, self.median, self.upper])

    @property
    def calibrated_width(self) -> float:
        """Width of the true 5–95 % noise band, 2·1.645·σ."""
        return 2 * Z90 * self.sigma

    def curves(self, decimals: int = 2) -> dict[str, list[float]]:
        """The model's three curves, rounded, as lists (for JSON)."""
        return {
            k: np.round(getattr(self, k), decimals).tolist()
            for k in ("lower", "median", "upper")
        }


def _result(name, model, data, epochs, seconds) -> ExplorerResult:
    """The curves and numbers of a trained ``model`` (in a forked random stream)."""
    hetero = isinstance(data, HeteroDataset)
    if hetero:  # the same spacing as on the cubic, out to ±4.5
        points = round((CURVE_POINTS - 1) * HETERO_X / 3) + 1
        x = torch.linspace(-HETERO_X, HETERO_X, points).view(-1, 1)
    else:
        x = torch.linspace(-3, 3, CURVE_POINTS).view(-1, 1)
    regions = None
    with torch.random.fork_rng(devices=[]):
        g = torch.Generator().manual_seed(0)  # weight draws of Bayes by Backprop
        band = central_band(*predictive_normal(model, x, generator=g)).double().numpy()
        val = central_band(*predictive_normal(model, data.x_val, generator=g))
        if hetero:
            regions = {}
            for region in REGIONS:
                idx = data.regions[region]
                b = central_band(*predictive_normal(model, data.x[idx], generator=g))
                b = b.double().numpy()
                oracle = 2 * Z90 * data.noise_std[idx].double().numpy()
                regions[region] = (interval_coverage(data.y[idx], b[0], b[2]),
                                   mean_width(b[0], b[2]), float(oracle.mean()))
    val = val.double().numpy()  # (3, N_val)
    n = len(data.x)
    keep = np.unique(np.linspace(0, n - 1, min(n, DATA_POINTS)).round().astype(int))
    return ExplorerResult(
        sigma=data.sigma, epochs=epochs, model=name, seed=data.seed,
        n=n, n_train=len(data.train_idx),
        x=x.view(-1).double().numpy(),
        f=true_function(x.view(-1).double().numpy()),
        lower=band[0], median=band[1], upper=band[2],
        x_data=data.x.view(-1).double().numpy()[keep],
        y_data=data.y.view(-1).double().numpy()[keep],
        coverage=interval_coverage(data.y_val, val[0], val[2]),
        width=mean_width(val[0], val[2]),
        seconds=seconds,
        data="hetero" if hetero else "cubic",
        regions=regions,
    )


# --------------------------------------------------------------------- training

def explore_stops(
    sigma: float,
    stops: tuple[int, ...],
    model: str = "source",
    seed: int = 0,
    n: int = DEFAULT_N,
    callback: Callable[[int, int], None] | None = None,
    data: str = "cubic",
) -> list[ExplorerResult]:
    """Train once up to ``max(stops)``; the results at each epoch in ``stops``.

    With full-batch Adam and a fixed seed, the model after ``e`` epochs of a
    longer run is the model of a run of ``e`` epochs, so one training serves a
    whole row of the grid. ``callback(epoch, total)`` is called every
    :data:`PROGRESS_EVERY` epochs; an exception it raises (such as a
    cancellation) stops the training. Torch's global random state is left as it was;
    it is also what the training draws from, so two trainings must not run at once
    (the live widget, which trains in a thread, takes a lock around each).
    """
    for epochs in stops:
        sigma, _, model, seed, n, name = check_settings(sigma, epochs, model, seed, n,
                                                        data)
    if callback is not None and not callable(callback):
        raise ValueError(f"callback must be callable, got {callback!r}")
    recipe = RECIPES[model]
    if name == "hetero":  # n points in [-3, 3], an eighth more beyond the data
        data = make_hetero_dataset(n=n, n_beyond=2 * (n // 16), seed=seed)
    else:
        data = make_dataset(n=n, sigma=sigma, seed=seed)
    total = max(stops)
    results: list[ExplorerResult] = []
    start = time.perf_counter()

    def on_log(epoch: int, train_loss: float, val_loss: float) -> None:
        if epoch in stops:
            results.append(_result(model, recipe.finish(net, data), data, epoch,
                                   time.perf_counter() - start))
        if callback is not None:
            callback(epoch, total)

    # every stop must be a logged epoch; the last one always is
    log_every = math.gcd(PROGRESS_EVERY, *(e for e in stops if e != total))
    with torch.random.fork_rng(devices=[]):
        set_seed(seed)
        net, loss_fn = recipe.build(data)
        fit(net, loss_fn, data, epochs=total, lr=recipe.explorer_lr or recipe.lr,
            log_every=log_every, progress=False, callback=on_log)
    return results


def explore(
    sigma: float,
    epochs: int,
    model: str = "source",
    seed: int = 0,
    n: int = DEFAULT_N,
    callback: Callable[[int, int], None] | None = None,
    data: str = "cubic",
) -> ExplorerResult:
    """Train ``model`` for ``epochs`` on fresh data with noise ``sigma``; the figure's
    curves and numbers.

    ``sigma`` in [0.1, 3.0], ``epochs`` in [100, 5000], ``model`` a key of
    :data:`vi_helpers.recipes.RECIPES`, ``seed`` (data and initial weights) >= 0,
    ``n`` points in all (80 % train, 20 % held out). ``data="hetero"``: chapter 7's
    data set instead, n points in [-3, 3] and n/8 beyond (``sigma`` is not used).
    Deterministic: the same arguments give the same result. ``callback(epoch,
    epochs)`` reports progress and may raise to stop the training.
    """
    return explore_stops(sigma, (epochs,), model, seed, n, callback, data)[0]


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
    recipe = RECIPES[result.model]
    ax.scatter(result.x_data, result.y_data, s=4, alpha=0.5, color="tab:blue",
               label=label("data", lang))
    ax.fill_between(result.x, result.lower, result.upper, color="tab:orange",
                    alpha=0.3, label=label("band", lang))
    ax.plot(result.x, result.f, color="black", lw=1.5, label=label("true_f", lang))
    ax.plot(result.x, result.median, color="tab:red", lw=2,
            label=label(recipe.center, lang))
    name = label(recipe.label, lang)
    if result.regions is None:
        title = label("explorer_title", lang, model=name, sigma=result.sigma,
                      epochs=result.epochs)
        ax.set(xlim=(-3, 3), ylim=Y_LIMITS)
    else:  # chapter 7: shade where no point trains (the hole, beyond ±3)
        title = label("explorer_title_hetero", lang, model=name, epochs=result.epochs)
        ax.set(xlim=(-HETERO_X, HETERO_X), ylim=HETERO_Y_LIMITS)
        for a, b in ((-HETERO_X, -3), HOLE, (3, HETERO_X)):
            ax.axvspan(a, b, color="0.5", alpha=0.12, lw=0)
    ax.set(xlabel=label("x", lang), ylabel=label("y", lang), title=title)
    ax.text(0.01, 0.03, summary(result, lang), transform=ax.transAxes,
            va="bottom", bbox=dict(facecolor="white", alpha=0.8, edgecolor="none"))
    ax.legend(loc="upper right")
    return ax


def summary(result: ExplorerResult, lang: str = "en") -> str:
    """The numbers written on the figure, in ``lang``: coverage, width, n (on
    chapter 7's data: coverage, width and the oracle's width in each region)."""
    if result.regions is not None:
        return "\n".join(
            [label("region_line", lang, region=label(f"region_{r}", lang),
                   coverage=c, width=w, oracle=o)
             for r, (c, w, o) in result.regions.items()]
            + [label("n_line", lang, n=result.n, n_train=result.n_train,
                     seed=result.seed)])
    return "\n".join([
        label("coverage_line", lang, coverage=result.coverage),
        label("width_line", lang, width=result.width,
              calibrated=result.calibrated_width),
        label("n_line", lang, n=result.n, n_train=result.n_train, seed=result.seed),
    ])
