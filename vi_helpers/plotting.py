"""The source's two figures (and a look at the data), in English or Korean."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from .data import Dataset
from .i18n import check_language, label

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
