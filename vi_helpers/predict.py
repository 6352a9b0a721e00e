"""Predictive samples and bands from a trained model."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from statistics import NormalDist

import numpy as np
import torch

from . import _validate

METHODS = ("loop", "vectorised", "closed_form")
#: Below this many samples a band's quantiles are computed in one thread.
THREADED_QUANTILE_MIN = 1_000_000
#: Blocks of rows the vectorised band draws and reduces one at a time.
SAMPLE_BLOCKS = 8


def _check_x(model, x: torch.Tensor) -> torch.Tensor:
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return _validate.column("x", x)


def _mu_sigma(model, x):
    """One deterministic pass: mu and the sampling sigma (with the 1e-5 floor)."""
    out = model(x)
    if not isinstance(out, tuple):
        return out, torch.zeros_like(out)
    _, mu, log_var = out
    floor = getattr(model, "SIGMA_FLOOR", 0.0)
    return mu, torch.exp(0.5 * log_var) + floor


@torch.no_grad()
def predictive_samples(
    model: torch.nn.Module,
    x: torch.Tensor,
    num_samples: int = 1000,
    vectorised: bool = False,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Draw ``num_samples`` predictions per input; returns (N, num_samples).

    ``vectorised=False`` is the source: ``num_samples`` stochastic forward passes,
    concatenated along dim 1. ``vectorised=True`` runs the network once and draws
    all the eps at once: the same distribution, far faster. A model that returns
    a plain tensor (the MLE) gives ``num_samples`` equal columns.
    """
    x = _check_x(model, x)
    num_samples = _validate.positive_int("num_samples", num_samples)
    if vectorised:
        mu, sigma = _mu_sigma(model, x)  # (N, 1) each
        eps = torch.randn(
            (x.shape[0], num_samples),
            generator=generator, dtype=mu.dtype, device=mu.device,
        )
        return mu + sigma * eps  # (N, num_samples)
    cols = []
    for _ in range(num_samples):
        out = model(x) if generator is None else model(x, generator=generator)
        cols.append(out[0] if isinstance(out, tuple) else out)
    return torch.cat(cols, dim=1)


def _check_quantiles(quantiles) -> tuple[float, ...]:
    if isinstance(quantiles, (int, float)):
        quantiles = (quantiles,)
    if not isinstance(quantiles, Sequence) or len(quantiles) == 0:
        raise ValueError(f"quantiles must be a non-empty sequence, got {quantiles!r}")
    return tuple(_validate.open_unit("quantiles", q) for q in quantiles)


@torch.no_grad()
def predictive_quantiles(
    model: torch.nn.Module,
    x: torch.Tensor,
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    num_samples: int = 1000,
    method: str = "loop",
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    r"""Quantiles of the predictive distribution at each x; returns (len(quantiles), N).

    ``method="loop"`` is the source (``num_samples`` forward passes, then
    ``np.quantile`` over the samples); ``"vectorised"`` runs the network once and
    draws samples from the same distribution, :math:`\mu + \sigma\varepsilon`
    (see :func:`vectorised_quantiles`); ``"closed_form"`` needs no samples at all:
    :math:`\mu + z_q\,\sigma`, with :math:`z_q` the standard normal quantile.
    """
    x = _check_x(model, x)
    qs = _check_quantiles(quantiles)
    num_samples = _validate.positive_int("num_samples", num_samples)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "closed_form":
        mu, sigma = _mu_sigma(model, x)
        z = [NormalDist().inv_cdf(q) for q in qs]
        z = torch.tensor(z, dtype=mu.dtype, device=mu.device)
        return mu.view(1, -1) + z.view(-1, 1) * sigma.view(1, -1)
    if method == "vectorised":
        mu, sigma = _mu_sigma(model, x)
        band = vectorised_quantiles(mu, sigma, qs, num_samples, generator)
        return torch.as_tensor(band, dtype=mu.dtype, device=mu.device)
    samples = predictive_samples(model, x, num_samples, generator=generator)
    band = row_quantiles(samples.cpu().numpy(), qs)
    return torch.as_tensor(band, dtype=samples.dtype, device=samples.device)


def vectorised_quantiles(
    mu: torch.Tensor,
    sigma: torch.Tensor,
    quantiles: Sequence[float],
    num_samples: int,
    generator: torch.Generator | None = None,
) -> np.ndarray:
    r"""Quantiles of ``num_samples`` draws of :math:`\mu + \sigma\varepsilon` per row.

    ``mu`` and ``sigma`` are (N, 1); returns (len(quantiles), N), each row's
    quantiles by ``np.quantile`` as the source computes them. On a CPU the rows are
    cut into :data:`SAMPLE_BLOCKS` blocks; each block draws its eps from a
    generator of its own, seeded from ``generator`` (or torch's global one), turns
    them into samples in place and reduces them to quantiles, several blocks at a
    time on :func:`quantile_threads` threads. The number of blocks is fixed, so a
    seed gives the same band on any number of threads; a block's few megabytes
    stay in the cache where the whole (N, num_samples) matrix would not. On a GPU
    all the samples are drawn at once and reduced on the CPU.
    """
    qs = list(quantiles)
    rows = mu.shape[0]
    if mu.device.type != "cpu":
        eps = torch.randn((rows, num_samples), generator=generator, dtype=mu.dtype,
                          device=mu.device)
        return row_quantiles((mu + sigma * eps).cpu().numpy(), qs)
    blocks = min(SAMPLE_BLOCKS, rows)
    seeds = torch.randint(0, 2**62, (blocks,), generator=generator).tolist()
    bounds = np.linspace(0, rows, blocks + 1).astype(int)

    def block(b: int) -> np.ndarray:
        lo, hi = bounds[b], bounds[b + 1]
        gen = torch.Generator().manual_seed(seeds[b])
        eps = torch.randn((hi - lo, num_samples), generator=gen, dtype=mu.dtype)
        samples = eps.mul_(sigma[lo:hi]).add_(mu[lo:hi])  # mu + sigma * eps
        return np.quantile(samples.numpy(), qs, axis=1)

    workers = min(quantile_threads((rows, num_samples)), blocks)
    return _concat_blocks(block, range(blocks), workers)


def _concat_blocks(fn, items, workers: int) -> np.ndarray:
    """``fn`` of every item, on ``workers`` threads, joined along the rows' axis 1."""
    if workers == 1:
        return np.concatenate([fn(item) for item in items], axis=1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return np.concatenate(list(pool.map(fn, items)), axis=1)


def quantile_threads(shape: tuple[int, int]) -> int:
    """How many threads :func:`row_quantiles` uses for samples of ``shape``."""
    rows, draws = shape
    if rows * draws < THREADED_QUANTILE_MIN:
        return 1
    return max(1, min(torch.get_num_threads(), rows))


def row_quantiles(samples: np.ndarray, quantiles: Sequence[float]) -> np.ndarray:
    """``np.quantile(samples, quantiles, axis=1)``, the source's call, on several cores.

    Each row's quantiles depend on that row alone, so blocks of rows go to
    ``torch.get_num_threads()`` threads (NumPy's partial sort releases the GIL) and
    the result equals the single call's to the last bit. Returns
    (len(quantiles), rows). Small arrays (< :data:`THREADED_QUANTILE_MIN` values)
    stay in one thread, where starting threads would cost more than it saves.
    """
    if samples.ndim != 2:
        raise ValueError(
            f"samples must be 2-D (rows, draws), got shape {samples.shape}"
        )
    qs = list(quantiles)
    workers = quantile_threads(samples.shape)
    if workers == 1:
        return np.quantile(samples, qs, axis=1)
    blocks = np.array_split(samples, workers, axis=0)
    return _concat_blocks(lambda b: np.quantile(b, qs, axis=1), blocks, workers)
