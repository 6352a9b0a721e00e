r"""Split conformal prediction: a band from held-back residuals, with a guarantee.

Train any predictor on part of the training data, score it on the rest (the
calibration set), and widen its prediction by a quantile of those scores. If
the calibration and test points are exchangeable (drawn the same way), the
interval covers a new point with probability at least the level, whatever the
model (Vovk et al., 2005; Lei et al., 2018):

.. math:: P\big(y_{n+1} \in [\ell(x_{n+1}), u(x_{n+1})]\big) \ge 1 - \alpha

This is *marginal* coverage, averaged over x; it says nothing about the
coverage at any one x.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from fractions import Fraction

import numpy as np
import torch

from . import _validate
from .data import Dataset


def calibration_split(
    data: Dataset, fraction: float = 0.25, seed: int = 0
) -> tuple[Dataset, np.ndarray]:
    """Hold back a random ``fraction`` of ``data``'s training points for calibration.

    Returns ``(fit_data, calibration_idx)``: a copy of ``data`` whose
    ``train_idx`` lacks the calibration points (train on it with
    :func:`vi_helpers.fit`), and the sorted indices into ``data.x`` of the
    points held back. Drawn with ``numpy.random.default_rng(seed)``.
    """
    if not isinstance(data, Dataset):
        raise ValueError(
            f"data must be a vi_helpers.Dataset, got {type(data).__name__}"
        )
    fraction = _validate.open_unit("fraction", fraction)
    seed = _validate.seed(seed)
    n_cal = int(fraction * len(data.train_idx))
    if n_cal < 1 or n_cal >= len(data.train_idx):
        raise ValueError(
            f"fraction={fraction} of {len(data.train_idx)} training points leaves "
            f"an empty split ({n_cal} for calibration)"
        )
    rng = np.random.default_rng(seed)
    calibration_idx = np.sort(rng.choice(data.train_idx, n_cal, replace=False))
    train_idx = np.setdiff1d(data.train_idx, calibration_idx)
    return dataclasses.replace(data, train_idx=train_idx), calibration_idx


def conformal_quantile(scores: torch.Tensor, level: float = 0.9) -> float:
    r"""The :math:`\lceil (n+1)\,\text{level}\rceil`-th smallest of n scores.

    The +1 counts the test point, so that it lands at or below this value with
    probability at least ``level``. ``scores`` is (n, 1); needs
    :math:`n \ge \text{level}/(1-\text{level})` (9 for 90 %), else the
    quantile would be infinite.
    """
    scores = _validate.column("scores", scores)
    level = _validate.open_unit("level", level)
    n = scores.shape[0]
    k = math.ceil((n + 1) * Fraction(str(level)))  # exact: 75 * 0.68 is 51, not 51.0…01
    if k > n:
        raise ValueError(
            f"level={level} needs at least {math.ceil(level / (1 - level))} "
            f"calibration scores, got {n}"
        )
    return scores.view(-1).sort().values[k - 1].item()


def split_conformal(
    y_cal: torch.Tensor, mu_cal: torch.Tensor, mu: torch.Tensor, level: float = 0.9
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The band :math:`\mu(x) \pm q`, with q the conformal quantile of the
    calibration residuals :math:`|y_i - \mu(x_i)|`.

    ``y_cal``, ``mu_cal`` (n, 1) on the calibration points, ``mu`` (N, 1) the
    prediction at the test points; returns ``(lower, upper)``, each (N, 1).
    """
    _validate.same_shape(("y_cal", "mu_cal"), y_cal, mu_cal)
    q = conformal_quantile((y_cal - mu_cal).abs(), level)
    mu = _validate.column("mu", mu)
    return mu - q, mu + q


def adaptive_conformal(
    y_cal: torch.Tensor,
    mu_cal: torch.Tensor,
    sigma_cal: torch.Tensor,
    mu: torch.Tensor,
    sigma: torch.Tensor,
    level: float = 0.9,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The band :math:`\mu(x) \pm q\,\sigma(x)`, with q the conformal quantile of
    the normalised residuals :math:`|y_i - \mu(x_i)| / \sigma(x_i)`.

    The band is as wide as the model's σ(x) says, rescaled so that the
    guarantee holds (Lei et al., 2018, locally weighted residuals). ``y_cal``,
    ``mu_cal``, ``sigma_cal`` (n, 1); ``mu``, ``sigma`` (N, 1) at the test
    points, σ > 0. Returns ``(lower, upper)``, each (N, 1).
    """
    _validate.same_shape(("y_cal", "mu_cal", "sigma_cal"), y_cal, mu_cal, sigma_cal)
    _validate.same_shape(("mu", "sigma"), mu, sigma)
    for name, s in (("sigma_cal", sigma_cal), ("sigma", sigma)):
        if bool((s <= 0).any()):
            raise ValueError(f"{name} must be > 0 everywhere, got min {s.min().item()}")
    q = conformal_quantile((y_cal - mu_cal).abs() / sigma_cal, level)
    mu = _validate.column("mu", mu)
    return mu - q * sigma, mu + q * sigma


def coverage_law(n_cal: int, n_test: int, level: float = 0.9, runs: int = 1):
    r"""The exact law of split-conformal coverage of ``n_test`` new points drawn like
    the n calibration points (exchangeable: not in a gap of the data, nor beyond it),
    averaged over ``runs`` runs: ``(share, probability)``. Per run the band covers with
    a probability ~ Beta(k, n+1-k), k = ⌈(n+1)·level⌉, whatever the model."""
    pos = _validate.positive_int
    n, m, runs = pos("n_cal", n_cal), pos("n_test", n_test), pos("runs", runs)
    k = math.ceil((n + 1) * Fraction(str(_validate.open_unit("level", level))))
    if k > n:
        raise ValueError(f"level={level} needs more calibration points than n_cal={n}")
    j, lg = torch.arange(m + 1, dtype=torch.float64), torch.lgamma
    one = (lg(j + k) + lg(m - j + n + 1 - k) - lg(j + 1) - lg(m - j + 1)
           + math.lgamma(m + 1) - math.lgamma(m + n + 1) - math.lgamma(k)
           - math.lgamma(n + 1 - k) + math.lgamma(n + 1)).exp().numpy()
    prob = functools.reduce(np.convolve, [one] * runs)  # the sum of the runs' counts
    return np.arange(len(prob)) / (runs * m), prob / prob.sum()
