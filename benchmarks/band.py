"""The predictive band: the source's 1,000 passes against one pass and no pass.

Four ways to the 5 %, 50 % and 95 % quantiles of the variational model's
predictive distribution at every x of the grid (the source's figure 6-2):

* ``source``: 1,000 stochastic forward passes, then ``np.quantile`` (the source's
  code, from ``tests/source_reference.py``);
* ``vectorised``: ``vh.predictive_quantiles(method="vectorised")``, as the book
  prints it: one forward pass, all the eps at once as one (N, S) matrix, then
  the same ``np.quantile``;
* ``vectorised_blocks``: :func:`blocks_band`, the same draw engineered for speed
  (it lives here, not in the package): the rows cut into blocks, each block's
  eps drawn from a generator of its own, turned into samples in place and
  reduced to quantiles while they are in the cache, blocks in parallel threads;
* ``closed_form``: ``vh.predictive_quantiles(method="closed_form")``:
  mu + z_q sigma, no sampling at all.

Each is timed end to end, to a band on the CPU ready to plot. A method that
takes less than 0.2 s is called back to back until 0.2 s have passed and timed
per call (:func:`benchmarks.common.timed_per_call`): one call of the closed
form lasts about a millisecond, shorter than the jitter of a shared machine.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from statistics import NormalDist

import numpy as np
import torch

import vi_helpers as vh

from .common import source, summary, timed_per_call

QUANTILES = (0.05, 0.5, 0.95)
#: The methods, in the order of the table.
METHODS = ("source", "vectorised", "vectorised_blocks", "closed_form")
#: Blocks of rows :func:`blocks_band` draws and reduces one at a time.
SAMPLE_BLOCKS = 8
#: Below this many samples :func:`blocks_band` stays in one thread.
THREADED_MIN = 1_000_000


def train_model(data: vh.Dataset, epochs: int, device: torch.device, seed: int = 0):
    """A variational model trained as the source trains it (``epochs`` of Adam)."""
    torch.manual_seed(seed)
    model = vh.VariationalRegressor().to(device)
    m, P = vh.prior_from_targets(data.y_train)
    loss = functools.partial(vh.negative_elbo, prior_mean=m, prior_var=P)
    vh.fit(model, loss, data.to(device), epochs=epochs, progress=False)
    return model


def block_threads(rows: int, num_samples: int) -> int:
    """How many blocks :func:`blocks_band` reduces at a time: torch's thread count,
    or one for a band of fewer than :data:`THREADED_MIN` samples."""
    if rows * num_samples < THREADED_MIN:
        return 1
    return max(1, min(torch.get_num_threads(), SAMPLE_BLOCKS, rows))


@torch.no_grad()
def blocks_band(model: torch.nn.Module, x: torch.Tensor,
                quantiles: Sequence[float] = QUANTILES, num_samples: int = 1000,
                generator: torch.Generator | None = None) -> np.ndarray:
    r"""The vectorised band, block by block on several threads; (len(quantiles), N).

    The same distribution as ``vh.predictive_quantiles(method="vectorised")``:
    one forward pass gives mu and sigma, and each row's quantiles are those of
    ``num_samples`` draws of :math:`\mu + \sigma\varepsilon`, by ``np.quantile``.
    The rows are cut into :data:`SAMPLE_BLOCKS` blocks; each block draws its eps
    from a generator of its own, seeded from ``generator`` (or torch's global
    one), so a seed gives the same band on any number of threads. A block's few
    megabytes stay in the cache where the whole (N, num_samples) matrix would not,
    and torch and NumPy release Python's lock while they work, so blocks run on
    several cores at once. On a GPU all the samples are drawn at once.
    """
    out = model(x)
    _, mu, log_var = out
    sigma = torch.exp(0.5 * log_var) + getattr(model, "SIGMA_FLOOR", 0.0)
    qs = list(quantiles)
    rows = mu.shape[0]
    if mu.device.type != "cpu":
        eps = torch.randn((rows, num_samples), generator=generator, dtype=mu.dtype,
                          device=mu.device)
        return np.quantile((mu + sigma * eps).cpu().numpy(), qs, axis=1)
    blocks = min(SAMPLE_BLOCKS, rows)
    seeds = torch.randint(0, 2**62, (blocks,), generator=generator).tolist()
    bounds = np.linspace(0, rows, blocks + 1).astype(int)

    def block(b: int) -> np.ndarray:
        lo, hi = bounds[b], bounds[b + 1]
        gen = torch.Generator().manual_seed(seeds[b])
        eps = torch.randn((hi - lo, num_samples), generator=gen, dtype=mu.dtype)
        samples = eps.mul_(sigma[lo:hi]).add_(mu[lo:hi])  # mu + sigma * eps
        return np.quantile(samples.numpy(), qs, axis=1)

    workers = block_threads(rows, num_samples)
    if workers == 1:
        parts = [block(b) for b in range(blocks)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(block, range(blocks)))
    return np.concatenate(parts, axis=1)


def methods(model, x: torch.Tensor, num_samples: int) -> dict:
    """The four band computations, each a function returning a (3, N) array."""
    src = source()

    def source_band():
        return np.asarray(src.sample_band(model, x, num_samples=num_samples))

    def ours(method):
        return lambda: vh.predictive_quantiles(
            model, x, QUANTILES, num_samples=num_samples, method=method
        ).cpu().numpy()

    return {
        "source": source_band,
        "vectorised": ours("vectorised"),
        "vectorised_blocks": lambda: blocks_band(model, x, QUANTILES, num_samples),
        "closed_form": ours("closed_form"),
    }


def mc_standard_error(sigma: np.ndarray, num_samples: int) -> np.ndarray:
    r"""Standard error of a sample quantile of a normal, per quantile and point.

    .. math:: \mathrm{se}_q = \frac{\sqrt{q(1-q)/S}}{\varphi(z_q)}\,\sigma

    ``sigma`` is (N,); returns (len(QUANTILES), N).
    """
    nd = NormalDist()
    factor = [math.sqrt(q * (1 - q) / num_samples) / nd.pdf(nd.inv_cdf(q))
              for q in QUANTILES]
    return np.asarray(factor)[:, None] * sigma[None, :]


def expected_max_abs_z(count: int) -> float:
    """The median of the largest of ``count`` independent |N(0, 1)| values."""
    return NormalDist().inv_cdf(0.5 + 0.5 * 0.5 ** (1 / count))


def band_differences(bands: dict, sigma: np.ndarray, num_samples: int) -> dict:
    """Largest differences of each sampled band from the closed form, absolute and
    in Monte-Carlo errors.

    The closed form is exact for the trained model, so a sampled band should
    differ from it by Monte-Carlo error alone; two sampled bands differ by about
    sqrt(2) times that.
    """
    se = mc_standard_error(sigma, num_samples)
    cf = bands["closed_form"]
    pairs = {f"{name}_vs_closed_form": (bands[name], cf, 1.0)
             for name in METHODS if name != "closed_form"}
    pairs["source_vs_vectorised"] = (bands["source"], bands["vectorised"],
                                     math.sqrt(2))
    out = {}
    for name, (a, b, scale) in pairs.items():
        diff = np.abs(a - b)
        out[name] = {"max_abs": float(diff.max()),
                     "max_in_se": float((diff / (scale * se)).max())}
    out["expected_max_in_se"] = expected_max_abs_z(cf.size)
    out["median_se"] = float(np.median(se))
    return out


def run(data: vh.Dataset, repeats: int, device: torch.device, num_samples: int = 1000,
        train_epochs: int = 1000) -> dict:
    """Time the methods ``repeats`` times, in rotating order, on ``data.x``."""
    model = train_model(data, train_epochs, device)
    x = data.x.to(device)
    fns = methods(model, x, num_samples)
    names = list(fns)
    times: dict[str, list[float]] = {name: [] for name in names}
    calls: dict[str, int] = {name: 0 for name in names}
    draw = []
    bands = {}

    def draw_samples():
        return vh.predictive_samples(model, x, num_samples, vectorised=True).cpu()

    for name in names:  # untimed: the first call of each pays for warming up
        fns[name]()
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            torch.manual_seed(r)
            seconds, band, n_calls = timed_per_call(device, fns[name])
            times[name].append(seconds)
            calls[name] += n_calls
            bands.setdefault(name, band)
        seconds, _, _ = timed_per_call(device, draw_samples)
        draw.append(seconds)
    with torch.no_grad():
        sigma = torch.exp(0.5 * model(x)[2]) + model.SIGMA_FLOOR  # (N, 1)
    sigma = sigma.view(-1).cpu().numpy()
    return {
        "n": len(x), "num_samples": num_samples, "train_epochs": train_epochs,
        "repeats": repeats, "torch_threads": torch.get_num_threads(),
        "seconds": {name: summary(t) for name, t in times.items()},
        "calls": calls,
        "blocks": min(SAMPLE_BLOCKS, len(x)),
        "block_threads": block_threads(len(x), num_samples),
        "vectorised_draw_s": summary(draw),
        "speedup": {
            name: summary([s / t for s, t in zip(times["source"], times[name])])
            for name in names if name != "source"
        },
        "differences": band_differences(bands, sigma, num_samples),
    }
