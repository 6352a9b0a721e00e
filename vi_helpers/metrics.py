r"""Is the band right? Calibration and accuracy of a predictive distribution.

Every metric is a pure function of the targets and the prediction, computed in
float64 and returned as a Python float. Inputs are tensors or NumPy arrays of
shape (N,) or (N, 1); a Gaussian prediction is given by its mean ``mu`` and
standard deviation ``sigma`` at each point, a sampled one by ``samples`` of
shape (N, num_samples), a mixture of S Gaussians by ``mus`` and ``sigmas`` of
shape (S, N).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from . import _validate
from .predict import normal_quantile

F64 = torch.float64

#: The levels a calibration curve is drawn at by default: 5 %, 10 %, ..., 95 %.
DEFAULT_LEVELS = tuple(round(0.05 * k, 2) for k in range(1, 20))


def _vector(name: str, a) -> torch.Tensor:
    """``a`` as a finite float64 tensor of shape (N,), from (N,) or (N, 1)."""
    if isinstance(a, np.ndarray):
        a = torch.from_numpy(np.asarray(a, dtype=np.float64))
    if not isinstance(a, torch.Tensor):
        raise ValueError(
            f"{name} must be a torch.Tensor or numpy array, got {type(a).__name__}"
        )
    if a.dim() == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.dim() != 1:
        raise ValueError(f"{name} must have shape (N,) or (N, 1), got {tuple(a.shape)}")
    if a.shape[0] == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(a.shape)}")
    a = a.detach().to("cpu", F64)
    _validate.finite(name, a)
    return a


def _vectors(**named) -> list[torch.Tensor]:
    out = [_vector(name, a) for name, a in named.items()]
    _validate.same_length(tuple(named), *out)
    return out


def _sigma(sigma) -> torch.Tensor:
    sigma = _vector("sigma", sigma)
    if bool((sigma <= 0).any()):
        raise ValueError(f"sigma must be > 0 everywhere, got min {sigma.min().item()}")
    return sigma


def _level(level) -> float:
    return _validate.open_unit("level", level)


def central_interval(
    mu, sigma, level: float = 0.9
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The central ``level`` interval of :math:`\mathcal N(\mu, \sigma^2)` per point.

    .. math:: \mu \pm z_{(1+\text{level})/2}\,\sigma

    ``level=0.9`` gives the 5–95 % band. Returns ``(lower, upper)``, each (N,).
    """
    mu, sigma = _vector("mu", mu), _sigma(sigma)
    _validate.same_length(("mu", "sigma"), mu, sigma)
    z = normal_quantile((1 + _level(level)) / 2)
    return mu - z * sigma, mu + z * sigma


def interval_coverage(y, lower, upper) -> float:
    r"""The fraction of points inside their interval: :math:`\frac1N\sum_i
    [\ell_i \le y_i \le u_i]`.

    ``y``, ``lower`` and ``upper`` are (N,) or (N, 1). A calibrated 90 % interval
    covers about 0.90 of held-out points.
    """
    y, lower, upper = _vectors(y=y, lower=lower, upper=upper)
    if bool((lower > upper).any()):
        raise ValueError("lower must be <= upper at every point")
    return ((lower <= y) & (y <= upper)).to(F64).mean().item()


def mean_width(lower, upper) -> float:
    r"""The mean interval width :math:`\frac1N\sum_i (u_i - \ell_i)`."""
    lower, upper = _vectors(lower=lower, upper=upper)
    if bool((lower > upper).any()):
        raise ValueError("lower must be <= upper at every point")
    return (upper - lower).mean().item()


def gaussian_coverage(y, mu, sigma, level: float = 0.9) -> float:
    """Coverage of the central ``level`` interval of a Gaussian prediction."""
    y = _vector("y", y)
    lower, upper = central_interval(mu, sigma, level)
    return interval_coverage(y, lower, upper)


def gaussian_width(sigma, level: float = 0.9) -> float:
    r"""Mean width of the central ``level`` Gaussian interval:
    :math:`2 z_{(1+\text{level})/2}\,\overline{\sigma}`."""
    sigma = _sigma(sigma)
    return 2 * normal_quantile((1 + _level(level)) / 2) * sigma.mean().item()


def gaussian_nll(y, mu, sigma) -> float:
    r"""Mean Gaussian negative log-likelihood of held-out targets (nats per point).

    .. math:: \frac1N\sum_i \Big[\tfrac12\log(2\pi\sigma_i^2)
              + \frac{(y_i-\mu_i)^2}{2\sigma_i^2}\Big]

    For the true f and σ its expectation is :math:`\tfrac12\log(2\pi e\sigma^2)`
    (1.824 for σ = 1.5).
    """
    y, mu = _vectors(y=y, mu=mu)
    sigma = _sigma(sigma)
    _validate.same_length(("y", "sigma"), y, sigma)
    z = (y - mu) / sigma
    return (0.5 * math.log(2 * math.pi) + torch.log(sigma) + 0.5 * z**2).mean().item()


def crps_gaussian(y, mu, sigma) -> float:
    r"""Mean continuous ranked probability score of Gaussian predictions (closed form).

    .. math:: \text{CRPS}(\mathcal N(\mu,\sigma^2), y) = \sigma\Big[z\,(2\Phi(z)-1)
              + 2\varphi(z) - \frac{1}{\sqrt\pi}\Big],\quad z = \frac{y-\mu}{\sigma}

    Lower is better; in the units of y. For the true f and σ its expectation is
    :math:`\sigma/\sqrt\pi` (0.846 for σ = 1.5).
    """
    y, mu = _vectors(y=y, mu=mu)
    sigma = _sigma(sigma)
    _validate.same_length(("y", "sigma"), y, sigma)
    z = (y - mu) / sigma
    pdf = torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    cdf = torch.special.ndtr(z)
    crps = sigma * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi))
    return crps.mean().item()


def _samples(samples, n: int) -> torch.Tensor:
    if isinstance(samples, np.ndarray):
        samples = torch.from_numpy(np.asarray(samples, dtype=np.float64))
    if not isinstance(samples, torch.Tensor):
        raise ValueError(
            f"samples must be a torch.Tensor or numpy array, "
            f"got {type(samples).__name__}"
        )
    if samples.dim() != 2 or samples.shape[0] != n or samples.shape[1] < 1:
        raise ValueError(
            f"samples must have shape ({n}, num_samples), got {tuple(samples.shape)}"
        )
    samples = samples.detach().to("cpu", F64)
    return _validate.finite("samples", samples)


def crps_samples(y, samples) -> float:
    r"""Mean CRPS of sampled predictions: that of each point's empirical distribution.

    .. math:: \text{CRPS} = \frac1M\sum_j |x_j - y|
              - \frac{1}{2M^2}\sum_{j,k} |x_j - x_k|

    with the :math:`M` samples :math:`x_j` of row i of ``samples`` (N, M). The
    double sum is computed from the sorted samples,
    :math:`\sum_{j,k}|x_j-x_k| = 2\sum_j (2j - M - 1)\,x_{(j)}`, in O(M log M).
    """
    y = _vector("y", y)
    x = _samples(samples, y.shape[0])
    m = x.shape[1]
    first = (x - y[:, None]).abs().mean(dim=1)
    ranks = torch.arange(1, m + 1, dtype=F64)
    spread = 2 * ((2 * ranks - m - 1) * x.sort(dim=1).values).sum(dim=1) / m**2
    return (first - 0.5 * spread).mean().item()


def _mixture(y, mus, sigmas) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """y (N,), mus and sigmas (S, N) in float64, from (S, N) or (S, N, 1)."""
    y = _vector("y", y)
    out = []
    for name, a in (("mus", mus), ("sigmas", sigmas)):
        if isinstance(a, np.ndarray):
            a = torch.from_numpy(np.asarray(a, dtype=np.float64))
        if not isinstance(a, torch.Tensor):
            raise ValueError(f"{name} must be a torch.Tensor or numpy array, "
                             f"got {type(a).__name__}")
        if a.dim() == 3 and a.shape[2] == 1:
            a = a[..., 0]
        if a.dim() != 2 or a.shape[0] == 0 or a.shape[1] != y.shape[0]:
            raise ValueError(f"{name} must have shape (S, {y.shape[0]}) or "
                             f"(S, {y.shape[0]}, 1), got {tuple(a.shape)}")
        out.append(_validate.finite(name, a.detach().to("cpu", F64)))
    _validate.same_shape(("mus", "sigmas"), *out)
    if bool((out[1] <= 0).any()):
        raise ValueError(
            f"sigmas must be > 0 everywhere, got min {out[1].min().item()}")
    return y, *out


def mixture_nll(y, mus, sigmas, per_point: bool = False) -> float | np.ndarray:
    r"""Mean negative log-likelihood of equal-weight Gaussian mixtures (nats per point).

    .. math:: -\frac1N\sum_i \log\frac1S\sum_{s=1}^S
              \mathcal N(y_i;\,\mu_{si}, \sigma_{si}^2)

    computed as a log-sum-exp over the S components, so a point far from every
    component still gets a finite score. ``y`` is (N,) or (N, 1); ``mus`` and
    ``sigmas`` are (S, N) or (S, N, 1), what ``model.components(x)`` returns. With
    S = 1 it is :func:`gaussian_nll`. ``per_point=True``: the N terms, (N,).
    """
    y, mu, sigma = _mixture(y, mus, sigmas)
    z = (y - mu) / sigma  # (S, N)
    log_p = -0.5 * math.log(2 * math.pi) - torch.log(sigma) - 0.5 * z**2
    log_mixture = torch.logsumexp(log_p, dim=0) - math.log(mu.shape[0])  # (N,)
    return -log_mixture.numpy() if per_point else -log_mixture.mean().item()


def _expected_abs(m: torch.Tensor, var: torch.Tensor) -> torch.Tensor:
    r""":math:`\mathbb E|Z|` for :math:`Z\sim\mathcal N(m, v)` (a folded normal):
    :math:`2\sqrt v\,\varphi(m/\sqrt v) + m\,(2\Phi(m/\sqrt v) - 1)`."""
    s = var.sqrt()
    z = m / s
    return 2 * s * torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi) + m * (
        2 * torch.special.ndtr(z) - 1)


#: Pairs of components :func:`crps_mixture` holds in memory at once (~32 MB each).
PAIRS_PER_CHUNK = 2**22


def crps_mixture(y, mus, sigmas, per_point: bool = False) -> float | np.ndarray:
    r"""Mean CRPS of equal-weight Gaussian mixtures, exact (Grimit et al., 2006).

    .. math:: \text{CRPS} = \mathbb E|X - y| - \tfrac12\,\mathbb E|X - X'|
              = \frac1S\sum_s A(y - \mu_s, \sigma_s^2)
              - \frac1{2S^2}\sum_{s,t} A(\mu_s - \mu_t, \sigma_s^2 + \sigma_t^2)

    with X, X' independent draws of the mixture and :math:`A(m, v) = \mathbb E|Z|`,
    :math:`Z\sim\mathcal N(m, v)`. Exact, not sampled: the :math:`S^2` pairs of
    each point are summed a block of components at a time
    (:data:`PAIRS_PER_CHUNK`), each pair once, so S = 500 components at 2,000
    points never hold more than a block in memory.
    Arguments as in :func:`mixture_nll`; with S = 1 it is :func:`crps_gaussian`.
    ``per_point=True``: the N terms, (N,).
    """
    y, mu, sigma = _mixture(y, mus, sigmas)
    var = sigma**2
    num_components = mu.shape[0]
    first = _expected_abs(y - mu, var).mean(0)  # (N,): E|X - y|
    spread = torch.zeros_like(y)  # (N,): sum over pairs of E|X_s - X_t|
    block = max(1, PAIRS_PER_CHUNK // mu.numel())
    for s in range(0, num_components, block):  # A is symmetric: t >= s only
        e = s + block
        inner = _expected_abs(mu[s:e, None] - mu[s:e], var[s:e, None] + var[s:e])
        outer = _expected_abs(mu[s:e, None] - mu[e:], var[s:e, None] + var[e:])
        spread += inner.sum(dim=(0, 1)) + 2 * outer.sum(dim=(0, 1))  # (block, ., N)
    crps = first - 0.5 * spread / num_components**2  # (N,)
    return crps.numpy() if per_point else crps.mean().item()


def rmse(pred, target) -> float:
    r"""Root mean squared error :math:`\sqrt{\frac1N\sum_i(\hat y_i - t_i)^2}`.

    Against noisy ``y`` it cannot go below σ; against the true ``f`` it measures
    how well the mean was learned.
    """
    pred, target = _vectors(pred=pred, target=target)
    return ((pred - target) ** 2).mean().sqrt().item()


def calibration_curve(
    y, mu, sigma, levels: Sequence[float] = DEFAULT_LEVELS
) -> tuple[np.ndarray, np.ndarray]:
    """Observed coverage of the central Gaussian interval at each nominal level.

    Returns ``(levels, observed)``, two arrays of shape (len(levels),). A
    calibrated model lies on the diagonal; above it the bands are too wide.
    """
    if isinstance(levels, (int, float)) or len(levels) == 0:
        raise ValueError(f"levels must be a non-empty sequence, got {levels!r}")
    levels = [_validate.open_unit("levels", q) for q in levels]
    y, mu = _vectors(y=y, mu=mu)
    sigma = _sigma(sigma)
    _validate.same_length(("y", "sigma"), y, sigma)
    z = ((y - mu) / sigma).abs()
    observed = [
        (z <= normal_quantile((1 + q) / 2)).to(F64).mean().item() for q in levels
    ]
    return np.asarray(levels), np.asarray(observed)


def gaussian_scores(
    y, mu, sigma, y_true=None, levels: Sequence[float] = (0.5, 0.9, 0.95)
) -> dict[str, float]:
    """Every metric of the book's table for one Gaussian prediction, as a dict.

    Keys: ``coverage_50`` ... (one per level), ``width_90`` (the mean 90 % width),
    ``nll``, ``crps``, ``rmse_y`` and, when ``y_true`` is given, ``rmse_f``.
    """
    scores = {
        f"coverage_{round(100 * q)}": gaussian_coverage(y, mu, sigma, q)
        for q in levels
    }
    scores["width_90"] = gaussian_width(sigma, 0.9)
    scores["nll"] = gaussian_nll(y, mu, sigma)
    scores["crps"] = crps_gaussian(y, mu, sigma)
    scores["rmse_y"] = rmse(mu, y)
    if y_true is not None:
        scores["rmse_f"] = rmse(mu, y_true)
    return scores


def interval_score(y, lower, upper, level: float = 0.9) -> float:
    r"""Mean interval score of central ``level`` intervals (Gneiting & Raftery, 2007).

    .. math:: S_\alpha(\ell, u; y) = (u - \ell)
              + \tfrac2\alpha(\ell - y)\,[y < \ell] + \tfrac2\alpha(y - u)\,[y > u],
              \quad \alpha = 1 - \text{level}

    The width, plus a fine for every miss that grows with its distance. Lower is
    better; in the units of y. It needs no density, so it scores conformal
    intervals and Gaussian bands alike; its expectation is smallest for the true
    :math:`\alpha/2` and :math:`1-\alpha/2` quantiles.
    """
    y, lower, upper = _vectors(y=y, lower=lower, upper=upper)
    if bool((lower > upper).any()):
        raise ValueError("lower must be <= upper at every point")
    alpha = 1 - _level(level)
    below = (lower - y).clamp(min=0)  # (N,), 0 where y >= lower
    above = (y - upper).clamp(min=0)
    return (upper - lower + 2 / alpha * (below + above)).mean().item()


def coverage_by_bin(
    x, y, lower, upper, bins: int | Sequence[float] = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fraction of points inside their interval, in bins of x.

    ``bins`` is a number of equal-width bins between the smallest and largest x,
    or increasing bin edges; like ``numpy.histogram``, each bin holds
    ``edges[k] <= x < edges[k + 1]`` except the last, which includes its right
    edge, and points outside the edges are left out. Returns ``(edges,
    coverage, counts)`` of shapes (B+1,), (B,), (B,); an empty bin's coverage is
    NaN. Conformal intervals cover the right fraction over all x, not in each bin.
    """
    x, y, lower, upper = _vectors(x=x, y=y, lower=lower, upper=upper)
    if bool((lower > upper).any()):
        raise ValueError("lower must be <= upper at every point")
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool):
        bins = _validate.positive_int("bins", int(bins))
        edges = np.linspace(x.min().item(), x.max().item(), bins + 1)
    else:
        edges = np.asarray(bins, dtype=np.float64)
        if edges.ndim != 1 or len(edges) < 2 or not np.all(np.diff(edges) > 0):
            raise ValueError(
                f"bins must be a positive int or increasing edges, got {bins!r}"
            )
    x, inside = x.numpy(), ((lower <= y) & (y <= upper)).to(F64).numpy()
    counts = np.histogram(x, edges)[0]  # (B,)
    hits = np.histogram(x, edges, weights=inside)[0]
    coverage = np.full(len(counts), np.nan)
    np.divide(hits, counts, out=coverage, where=counts > 0)
    return edges, coverage, counts


def pit_gaussian(y, mu, sigma) -> np.ndarray:
    r"""Probability integral transform of Gaussian predictions: one value per point.

    .. math:: u_i = \Phi\Big(\frac{y_i - \mu_i}{\sigma_i}\Big)

    If the predictions are the true distributions, the :math:`u_i` are uniform
    on [0, 1]: a histogram of them is flat. Too many near 0 and 1 means the
    bands are too narrow, a hump in the middle that they are too wide. Returns
    a float64 array of shape (N,).
    """
    y, mu = _vectors(y=y, mu=mu)
    sigma = _sigma(sigma)
    _validate.same_length(("y", "sigma"), y, sigma)
    return torch.special.ndtr((y - mu) / sigma).numpy()
