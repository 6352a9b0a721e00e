r"""Why the source's band is too wide: its objective, averaged over noise and eps.

At one input x with true value f, noise σ and the source's prior :math:`\mathcal
N(m, P)` on the sample, the network outputs a mean μ and a variance s². Taking
the expectation of :func:`vi_helpers.negative_elbo` over the noise
(:math:`y \sim \mathcal N(f, \sigma^2)`) and over eps
(:math:`\tilde y = \mu + s\varepsilon`), the two :math:`\log s^2` terms cancel:

.. math:: J(\mu, s^2) = \frac{\sigma^2 + (f-\mu)^2}{2s^2}
          + \frac{(\mu-m)^2 + s^2}{2P} + \tfrac12\log(2\pi P) - \tfrac12

Setting its derivatives to zero gives the optimum

.. math:: s^4 = P\,\big(\sigma^2 + (f-\mu)^2\big), \qquad
          \mu = \frac{P f + s^2 m}{P + s^2}

so s is at least :math:`\sqrt{\sigma\sqrt P}`, not σ, and μ is pulled toward m.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from . import _validate
from .predict import normal_quantile


def _array(name: str, a) -> np.ndarray:
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    a = np.asarray(a, dtype=np.float64)
    if not np.isfinite(a).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return a


def expected_negative_elbo(
    mu, s2, f, sigma: float, prior_mean: float, prior_var: float
) -> np.ndarray:
    r"""The source's per-point loss averaged over the noise and over eps.

    .. math:: J(\mu, s^2) = \frac{\sigma^2 + (f-\mu)^2}{2s^2}
              + \frac{(\mu-m)^2 + s^2}{2P} + \tfrac12\log(2\pi P) - \tfrac12

    ``mu``, ``s2`` (the variance of q, > 0) and ``f`` broadcast against each
    other; returns a float64 array of their broadcast shape.
    """
    sigma = _validate.non_negative_float("sigma", sigma)
    prior_var = _validate.positive_float("prior_var", prior_var)
    m = float(prior_mean)
    mu, s2, f = _array("mu", mu), _array("s2", s2), _array("f", f)
    if (s2 <= 0).any():
        raise ValueError("s2 must be > 0 everywhere")
    return (
        (sigma**2 + (f - mu) ** 2) / (2 * s2)
        + ((mu - m) ** 2 + s2) / (2 * prior_var)
        + 0.5 * math.log(2 * math.pi * prior_var)
        - 0.5
    )


def optimal_band(
    f,
    sigma: float,
    prior_mean: float,
    prior_var: float,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> tuple[np.ndarray, np.ndarray]:
    r"""The mean μ and standard deviation s that minimise the expected loss at each f.

    Solves the fixed point

    .. math:: s^2 = \sqrt{P\,(\sigma^2 + (f-\mu)^2)}, \qquad
              \mu = \frac{P f + s^2 m}{P + s^2}

    by alternating the two updates. Each update minimises :math:`J` over one
    variable with the other held fixed, and :math:`J` is jointly convex in
    (μ, s²), so the iteration descends to its unique minimum. ``f`` is an
    array of any shape (the true function at each x); returns ``(mu, s)`` of
    that shape.
    """
    sigma = _validate.non_negative_float("sigma", sigma)
    prior_var = _validate.positive_float("prior_var", prior_var)
    tol = _validate.positive_float("tol", tol)
    max_iter = _validate.positive_int("max_iter", max_iter)
    m, big_p = float(prior_mean), prior_var
    f = _array("f", f)
    mu = f.copy()
    for _ in range(max_iter):
        s2 = np.sqrt(big_p * (sigma**2 + (f - mu) ** 2))
        new_mu = (big_p * f + s2 * m) / (big_p + s2)
        done = np.max(np.abs(new_mu - mu), initial=0.0) <= tol * (1 + np.abs(f).max())
        mu = new_mu
        if done:
            break
    else:
        raise RuntimeError(f"optimal_band did not converge in {max_iter} iterations")
    s2 = np.sqrt(big_p * (sigma**2 + (f - mu) ** 2))
    return mu, np.sqrt(s2)


def expected_coverage(f, mu, s, sigma: float, level: float = 0.9) -> np.ndarray:
    r"""How often :math:`y \sim \mathcal N(f, \sigma^2)` falls in the band
    :math:`\mu \pm z s`, with z the central ``level`` quantile (1.645 for 0.9).

    .. math:: \Phi\Big(\frac{\mu + z s - f}{\sigma}\Big)
              - \Phi\Big(\frac{\mu - z s - f}{\sigma}\Big)

    ``f``, ``mu`` and ``s`` broadcast; returns a float64 array. Averaged over
    the held-out x, it predicts the coverage a trained network should show.
    """
    sigma = _validate.positive_float("sigma", sigma)
    level = _validate.open_unit("level", level)
    f, mu, s = _array("f", f), _array("mu", mu), _array("s", s)
    z = normal_quantile((1 + level) / 2)
    upper = torch.as_tensor((mu + z * s - f) / sigma)
    lower = torch.as_tensor((mu - z * s - f) / sigma)
    return (torch.special.ndtr(upper) - torch.special.ndtr(lower)).numpy()
