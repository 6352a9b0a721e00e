"""Chapter 7's split and normalised conformal bands against MAPIE 1.6.0
(requirements-crosscheck.txt, which `make venv` installs).

The same calibration data and the same predictions go to both: MAPIE's
``SplitConformalRegressor(prefit=True)`` wraps a fitted regressor that reads our
μ(x) back from its input, so that MAPIE scores the calibration points and builds
the band itself, through its public API, and both must give the same scores and
the same interval ends.

MAPIE's definitions (``mapie/utils.py: _compute_regression_quantile`` and
``mapie/conformity_scores/bounds/``): confidence level ``1 - α`` (α taken through
``Decimal(str(level))``), quantile ``numpy.nanquantile(scores,
⌈(1 - α)(n + 1)⌉ / n, method="lower")``, which is the ⌈(n + 1)·level⌉-th smallest
score, as :func:`vi_helpers.conformal.conformal_quantile` takes it. Where that
rank exceeds n both refuse (ValueError; MAPIE 1.6.0 does so for a symmetric score
even with ``allow_infinite_bounds=True``, which its symmetric branch does not pass
on to the quantile). By default ``predict_interval`` also first refuses every
n < max(1/α, 1/(1 - α)), one size more than its quantile needs: at n = 9 and
level 0.9 (4 at 0.8, 19 at 0.95) the rank is ⌈10·0.9⌉ = 9 = n, the largest score,
a finite band that covers with probability 9/10 ≥ 0.9. ``allow_infinite_bounds=True``
skips that pre-check only, so the test passes it and compares the exact rule.

* ``conformity_score="absolute"`` (``AbsoluteConformityScore``): score
  ``|y - ŷ|``, band ``ŷ ± q̂``: :func:`~vi_helpers.conformal.split_conformal`.
* ``ResidualNormalisedScore(residual_estimator=r, prefit=True)``: score
  ``|y - ŷ| / max(r(x), 1e-8)``, band ``ŷ ± q̂·r(x)`` (with ``prefit=True`` r's
  prediction is used as it is; unfitted, MAPIE would fit r to log-residuals on part
  of the calibration set and use exp of it). With r returning our s(x) > 1e-8 this
  is :func:`~vi_helpers.conformal.adaptive_conformal`'s score |y - μ|/s and band
  μ ± q̂·s exactly.

The calibration sizes include those where (n + 1)·level is a whole number (4 at
0.8, 9 at 0.9, 19 at 0.95, 99 at all three), where a rounding of the product
would move the quantile by one score, and those too small for a level. At these
three levels a float product would give the exact rank for every n up to 20000;
at 0.68 and n = 74 it would not (75·0.68 = 51.00000000000001 in floats, a 52nd
score where MAPIE and exact arithmetic take the 51st), so that case is here too,
and the book computes the rank in exact fractions.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from mapie.conformity_scores import ResidualNormalisedScore
from mapie.regression import SplitConformalRegressor
from sklearn.base import BaseEstimator, RegressorMixin

from vi_helpers import conformal as C
from vi_helpers.data import hetero_noise_std, true_function

SIZES = (4, 9, 10, 19, 50, 74, 99, 667, 2000)
LEVELS = (0.8, 0.9, 0.95, 0.68)
N_TEST = 300


class _Column(RegressorMixin, BaseEstimator):
    """A regressor whose prediction is column ``j`` of its input: the rows of X
    carry our μ(x) (column 0) and s(x) (column 1), so MAPIE predicts exactly what
    the book's model did. ``fit`` learns nothing; it only marks the regressor
    fitted, as MAPIE's prefit mode checks."""

    def __init__(self, j: int = 0):
        self.j = j

    def fit(self, X, y=None):
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return np.asarray(X, dtype=np.float64)[:, self.j]


def _data(n: int, seed: int):
    """Hetero noise around an imperfect mean μ with an imperfect s: n calibration
    points then N_TEST test points, as float64 arrays."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n + N_TEST)
    y = true_function(x) + hetero_noise_std(x) * rng.standard_normal(x.shape)
    mu = 0.8 * true_function(x) + 0.1
    s = 0.4 + 0.3 * np.abs(x)
    return y, mu, s


def _mapie(score, level, X_cal, y_cal, X_test):
    """MAPIE's scores, point predictions and band on X_test, through its public API."""
    fitted = _Column(0).fit(X_cal)
    reg = SplitConformalRegressor(fitted, confidence_level=level,
                                  conformity_score=score, prefit=True)
    reg.conformalize(X_cal, y_cal)
    alpha = round(1 - level, 12)
    if len(y_cal) < max(1 / alpha, 1 / level):  # its default pre-check refuses
        with pytest.raises(ValueError, match="Number of samples of the score is too low"):
            reg.predict_interval(X_test)
    points, intervals = reg.predict_interval(X_test, allow_infinite_bounds=True)
    return reg.conformity_scores, points, intervals[:, 0, 0], intervals[:, 1, 0]


@pytest.mark.parametrize("n", SIZES)
def test_split_and_normalised_conformal_match_mapie(n):
    y, mu, s = _data(n, seed=n)
    X = np.column_stack([mu, s])
    cal, test = slice(0, n), slice(n, None)
    col = lambda a: torch.tensor(a).view(-1, 1)  # noqa: E731 (float64)
    scores = {"absolute": np.abs(y[cal] - mu[cal]),
              "normalised": np.abs(y[cal] - mu[cal]) / s[cal]}
    checked = 0
    for level in LEVELS:
        k = math.ceil((n + 1) * Fraction(str(level)))  # exact
        for name in ("absolute", "normalised"):
            score = ("absolute" if name == "absolute" else ResidualNormalisedScore(
                residual_estimator=_Column(1).fit(X[cal]), prefit=True))
            args = ((col(y[cal]), col(mu[cal]), col(mu[test])) if name == "absolute"
                    else (col(y[cal]), col(mu[cal]), col(s[cal]), col(mu[test]),
                          col(s[test])))
            band = C.split_conformal if name == "absolute" else C.adaptive_conformal
            if k > n:  # too few scores for this level: both refuse
                with pytest.raises(ValueError, match="needs at least"):
                    band(*args, level)
                with pytest.raises(ValueError, match="too low to reach"):
                    _mapie(score, level, X[cal], y[cal], X[test])
                continue
            their_scores, points, lower, upper = _mapie(score, level, X[cal], y[cal],
                                                        X[test])
            np.testing.assert_array_equal(points, mu[test])  # the same predictions
            np.testing.assert_allclose(their_scores, scores[name], rtol=1e-15, atol=0)
            q = np.sort(scores[name])[k - 1]  # the k-th smallest, k = ⌈(n+1)·level⌉
            width = 1.0 if name == "absolute" else s[test]
            np.testing.assert_allclose(upper, mu[test] + q * width, rtol=1e-14, atol=1e-14)
            our_lower, our_upper = band(*args, level)
            np.testing.assert_allclose(our_lower.view(-1).numpy(), lower,
                                       rtol=1e-14, atol=1e-14)
            np.testing.assert_allclose(our_upper.view(-1).numpy(), upper,
                                       rtol=1e-14, atol=1e-14)
            checked += 1
    # the levels each size can reach: 4 reaches 0.8 only, 9 and 10 also 0.9
    assert checked == 2 * sum(math.ceil((n + 1) * Fraction(str(lv))) <= n
                             for lv in LEVELS)
    assert checked >= 2
