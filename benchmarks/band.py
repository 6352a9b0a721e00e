"""The predictive band: the source's 1,000 passes against one pass and no pass.

Three ways to the 5 %, 50 % and 95 % quantiles of the variational model's
predictive distribution at every x of the grid (the source's figure 6-2):

* ``source``: 1,000 stochastic forward passes, then ``np.quantile`` (the source's
  code, from ``tests/source_reference.py``);
* ``vectorised``: ``vh.predictive_quantiles(method="vectorised")``: one forward
  pass, then the eps drawn and reduced by the same ``np.quantile`` block by block
  of rows, in parallel threads;
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
from statistics import NormalDist

import numpy as np
import torch

import vi_helpers as vh

from .common import source, summary, timed_per_call

QUANTILES = (0.05, 0.5, 0.95)


def train_model(data: vh.Dataset, epochs: int, device: torch.device, seed: int = 0):
    """A variational model trained as the source trains it (``epochs`` of Adam)."""
    torch.manual_seed(seed)
    model = vh.VariationalRegressor().to(device)
    m, P = vh.prior_from_targets(data.y_train)
    loss = functools.partial(vh.negative_elbo, prior_mean=m, prior_var=P)
    vh.fit(model, loss, data.to(device), epochs=epochs, progress=False)
    return model


def methods(model, x: torch.Tensor, num_samples: int) -> dict:
    """The three band computations, each a function returning a (3, N) array."""
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
    """Largest differences between the bands, absolute and in Monte-Carlo errors.

    The closed form is exact for the trained model, so the sampled bands should
    differ from it by Monte-Carlo error alone; two sampled bands differ by
    about sqrt(2) times that.
    """
    se = mc_standard_error(sigma, num_samples)
    src, vec, cf = bands["source"], bands["vectorised"], bands["closed_form"]
    pairs = {"source_vs_closed_form": (src, cf, 1.0),
             "vectorised_vs_closed_form": (vec, cf, 1.0),
             "source_vs_vectorised": (src, vec, math.sqrt(2))}
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
    """Time the three methods ``repeats`` times, in rotating order, on ``data.x``."""
    model = train_model(data, train_epochs, device)
    x = data.x.to(device)
    fns = methods(model, x, num_samples)
    names = list(fns)
    times: dict[str, list[float]] = {name: [] for name in names}
    draw = []
    bands = {}

    calls: dict[str, int] = {name: 0 for name in names}

    def draw_samples():
        return vh.predictive_samples(model, x, num_samples, vectorised=True).cpu()

    for name in names:  # untimed: the first call of each pays for warming up
        fns[name]()
    for r in range(repeats):
        for name in names[r % 3:] + names[: r % 3]:
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
        "repeats": repeats,
        "seconds": {name: summary(t) for name, t in times.items()},
        "calls": calls,
        "quantile_threads": min(vh.predict.quantile_threads((len(x), num_samples)),
                                vh.predict.SAMPLE_BLOCKS),
        "vectorised_draw_s": summary(draw),
        "speedup": {
            name: summary([s / t for s, t in zip(times["source"], times[name])])
            for name in ("vectorised", "closed_form")
        },
        "differences": band_differences(bands, sigma, num_samples),
    }
