"""The source's two figures, a look at the data, and the calibration chapters'
figures, in English or Korean."""

from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
import numpy as np
import torch

from .data import Dataset, true_function
from .i18n import check_language, label
from .predict import Z90

FIGSIZE = (10, 4.5)  # the source uses (16, 6); narrower reads better on a book page


def _np(t) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        return t.detach().cpu().numpy().reshape(-1)
    return np.asarray(t).reshape(-1)


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    return ax


def plot_data(data: Dataset, lang: str = "en", ax=None):
    """Scatter the noisy data with the true function on top (section 2)."""
    check_language(lang)
    ax = _axes(ax)
    ax.scatter(_np(data.x), _np(data.y), s=0.5, alpha=0.4, color="tab:blue",
               label=label("data", lang), rasterized=True)
    ax.plot(_np(data.x), _np(data.y_true), color="black", lw=1.5,
            label=label("true_f", lang))
    ax.set(xlabel=label("x", lang), ylabel=label("y", lang),
           title=label("title_data", lang, sigma=data.sigma))
    ax.legend(loc="upper right", markerscale=8)
    return ax


def plot_mle_fit(data: Dataset, y_pred, epochs: int, lang: str = "en", ax=None):
    """The source's figure 6-1: the MLE network's prediction over the data."""
    check_language(lang)
    ax = _axes(ax)
    ax.scatter(_np(data.x), _np(data.y), s=0.5, alpha=0.4, color="tab:blue",
               label=label("data", lang), rasterized=True)
    ax.plot(_np(data.x), _np(y_pred), color="tab:red", lw=2,
            label=label("mle_fit", lang))
    ax.set(xlabel=label("x", lang), ylabel=label("y", lang),
           title=label("title_mle", lang, epochs=epochs))
    ax.legend(loc="upper right", markerscale=8)
    return ax


def plot_band(data: Dataset, band, num_samples: int = 1000, lang: str = "en", ax=None,
              x=None):
    """The source's figure 6-2: median and 5–95 % band, ``band`` of shape (3, N).

    ``band`` rows are the 5 %, 50 % and 95 % quantiles at ``x`` (default ``data.x``).
    """
    check_language(lang)
    band = _np(band).reshape(np.shape(band))
    x = _np(data.x if x is None else x)
    if band.shape != (3, len(x)):
        raise ValueError(f"band must have shape (3, {len(x)}), got {band.shape}")
    ax = _axes(ax)
    ax.scatter(_np(data.x), _np(data.y), s=0.5, alpha=0.4, color="tab:blue",
               label=label("data", lang), rasterized=True)
    ax.fill_between(x, band[0], band[2], color="tab:orange", alpha=0.3,
                    label=label("band", lang))
    ax.plot(x, band[1], color="tab:red", lw=2, label=label("median", lang))
    ax.set(xlabel=label("x", lang), ylabel=label("y", lang),
           title=label("title_band", lang, num_samples=num_samples))
    ax.legend(loc="upper right", markerscale=8)
    return ax


def plot_history(history, lang: str = "en", ax=None):
    """Training and validation loss against the epoch."""
    check_language(lang)
    ax = _axes(ax)
    ax.plot(history.epochs, history.train_loss, marker="o", label=label("train", lang))
    ax.plot(history.epochs, history.val_loss, marker="s", label=label("val", lang))
    ax.set(xlabel=label("epoch", lang), ylabel=label("loss", lang))
    ax.legend()
    return ax


# ------------------------------------------------- is the band right? (ch. 4, 5)


def plot_calibration(curves: dict, lang: str = "en", ax=None):
    """Observed against nominal coverage, one line per model, and the diagonal.

    ``curves`` maps a legend name to ``(levels, observed)``, as returned by
    :func:`vi_helpers.metrics.calibration_curve`.
    """
    check_language(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 5), layout="constrained")
    ax.plot([0, 1], [0, 1], color="gray", ls="--", lw=1,
            label=label("calibrated", lang))
    for (name, (levels, observed)), marker in zip(curves.items(), "osd^v<>"):
        ax.plot(_np(levels), _np(observed), marker=marker, ms=4, label=name)
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal",
           xlabel=label("nominal", lang), ylabel=label("observed", lang),
           title=label("title_calibration", lang))
    # beside the square, not over the curves that hug its diagonal
    ax.legend(loc="upper left", bbox_to_anchor=(1.03, 1), borderaxespad=0)
    return ax


def plot_theory_vs_network(x, f, network, theory, sigma: float, lang: str = "en",
                           axes=None):
    """The source's model beside the theory's optimum: the mean, then the std.

    ``network`` and ``theory`` are ``(mu, s)`` pairs of arrays at ``x``; ``f`` is
    the true function there and ``sigma`` the true noise level. Draws on two
    axes (created side by side when ``axes`` is None) and returns them.
    """
    check_language(lang)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained")
    x = _np(x)
    (mu_net, s_net), (mu_th, s_th) = network, theory
    ax = axes[0]
    ax.plot(x, _np(f), color="black", lw=1.5, label=label("true_f", lang))
    ax.plot(x, _np(mu_net), color="tab:red", lw=2, label=label("network", lang))
    ax.plot(x, _np(mu_th), color="tab:blue", ls="--", lw=2, label=label("theory", lang))
    ax.set(xlabel=label("x", lang), ylabel=label("mean_mu", lang))
    ax.legend(loc="upper right")
    ax = axes[1]
    ax.plot(x, _np(s_net), color="tab:red", lw=2, label=label("network", lang))
    ax.plot(x, _np(s_th), color="tab:blue", ls="--", lw=2, label=label("theory", lang))
    ax.axhline(sigma, color="black", lw=1, label=label("true_sigma", lang))
    ax.set(xlabel=label("x", lang), ylabel=label("std_s", lang), ylim=(0, None))
    ax.legend(loc="upper center")
    return axes


def plot_predictive(x, mean, std, data: Dataset, title: str, lang: str = "en",
                    ax=None, epistemic_std=None, z: float = Z90):
    r"""A predictive band :math:`\text{mean} \pm z\,\text{std}` over the data.

    ``x``, ``mean`` and ``std`` are arrays of one length (the band may reach
    beyond the data, which is shaded). With ``epistemic_std`` the part of the
    band that comes from uncertainty about the weights is drawn inside it.
    The default ``z = Z90`` (1.645) gives the 90 % (5–95 %) band.
    """
    check_language(lang)
    ax = _axes(ax)
    x, mean, std = _np(x), _np(mean), _np(std)
    if not len(x) == len(mean) == len(std):
        raise ValueError(
            f"x, mean and std must have one length, got {len(x)}, {len(mean)}, "
            f"{len(std)}"
        )
    lo, hi = float(_np(data.x).min()), float(_np(data.x).max())
    if x.min() < lo:
        ax.axvspan(x.min(), lo, color="gray", alpha=0.12, label=label("no_data", lang))
    if x.max() > hi:
        ax.axvspan(hi, x.max(), color="gray", alpha=0.12)
    ax.scatter(_np(data.x), _np(data.y), s=0.5, alpha=0.3, color="tab:blue",
               label=label("data", lang), rasterized=True)
    ax.fill_between(x, mean - z * std, mean + z * std, color="tab:orange", alpha=0.35,
                    label=label("band_90", lang))
    if epistemic_std is not None:
        e = _np(epistemic_std)
        ax.fill_between(x, mean - z * e, mean + z * e, color="tab:purple", alpha=0.5,
                        label=label("epistemic_band", lang))
    ax.plot(x, true_function(x), color="black", lw=1, label=label("true_f", lang))
    ax.plot(x, mean, color="tab:red", lw=2, label=label("predictive_mean", lang))
    y_lo, y_hi = float(_np(data.y).min()), float(_np(data.y).max())
    pad = 0.6 * (y_hi - y_lo)  # room for the band beyond the data, not for all of f
    ax.set(xlabel=label("x", lang), ylabel=label("y", lang), title=title,
           ylim=(y_lo - pad, y_hi + pad))
    ax.legend(loc="upper right", markerscale=8)
    return ax


class Listing:
    """The source of functions or classes, shown as highlighted code in a notebook.

    Jupyter shows it as a fenced Python block (Markdown); its plain-text form is
    the source itself, so a test that compares outputs catches any drift between
    what a chapter printed and the package.
    """

    def __init__(self, *objects) -> None:
        if not objects:
            raise ValueError("objects must name at least one function or class")
        self.source = "\n\n".join(inspect.getsource(o).rstrip() for o in objects)

    def __repr__(self) -> str:
        return self.source

    def _repr_markdown_(self) -> str:
        return f"````python\n{self.source}\n````"


def listing(*objects) -> Listing:
    """Show the source of ``objects`` (functions, classes, methods) in a notebook."""
    return Listing(*objects)
