"""Predictive samples, bands and the predictive Normal of a trained model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from . import _validate
from .models import Regressor

METHODS = ("loop", "vectorised", "closed_form")
#: Weight draws behind the predictive Normal of a model with random weights.
PREDICT_SAMPLES = 500


def normal_quantile(p: float) -> float:
    r"""The standard normal quantile :math:`z_p = \Phi^{-1}(p)`, for 0 < p < 1."""
    p = _validate.open_unit("p", p)
    return float(torch.special.ndtri(torch.tensor(p, dtype=torch.float64)))


#: 1.645: the 5–95 % band of a Normal is :math:`\mu \pm z_{0.95}\,\sigma`.
Z90 = normal_quantile(0.95)


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
    side by side. ``vectorised=True`` asks the model for its predictive mean and
    standard deviation once and draws all the eps at once: for a network with
    fixed weights the same distribution, far faster.
    """
    _check_model_x(model, x)
    num_samples = _validate.positive_int("num_samples", num_samples)
    if vectorised:
        mu, sigma = predictive_normal(model, x, generator=generator)  # (N, 1) each
        eps = torch.randn((x.shape[0], num_samples), generator=generator,
                          dtype=mu.dtype, device=mu.device)
        return mu + sigma * eps  # (N, num_samples)
    passes = [_one_pass(model, x, generator) for _ in range(num_samples)]
    return torch.cat(passes, dim=1)


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

    ``"loop"`` is the source: ``num_samples`` forward passes, then ``np.quantile``
    over the samples. ``"vectorised"``: one pass, all the eps at once, then the
    same quantiles. ``"closed_form"`` needs no samples at all:
    :math:`\mu + z_q\,\sigma`, with :math:`z_q` the standard normal quantile.
    """
    _check_model_x(model, x)
    qs = _check_quantiles(quantiles)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "closed_form":
        mu, sigma = predictive_normal(model, x, generator=generator)  # (N, 1) each
        z = torch.tensor([normal_quantile(q) for q in qs], dtype=mu.dtype)
        return mu.view(1, -1) + z.view(-1, 1).to(mu.device) * sigma.view(1, -1)
    samples = predictive_samples(model, x, num_samples, method == "vectorised",
                                 generator)  # (N, num_samples)
    band = np.quantile(samples.cpu().numpy(), qs, axis=1)  # (len(qs), N)
    return torch.as_tensor(band, dtype=samples.dtype, device=samples.device)


@torch.no_grad()
def predictive_normal(
    model: torch.nn.Module,
    x: torch.Tensor,
    num_samples: int = PREDICT_SAMPLES,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The predictive Normal at x: its mean and standard deviation, each (N, 1).

    From the model's ``predict`` (:class:`~vi_helpers.models.Regressor`): for a
    network with fixed weights μ and :math:`e^{\log\sigma^2/2}` (plus the source's
    1e-5 floor); for one with random parts the mean over ``num_samples`` draws and,
    by the law of total variance,
    :math:`\sqrt{\text{epistemic}^2 + \text{aleatoric}^2}`.
    """
    _check_model_x(model, x)
    mean, epistemic, aleatoric = model.predict(x, num_samples, generator)
    return mean, (epistemic**2 + aleatoric**2).sqrt()


def central_band(mean: torch.Tensor, std: torch.Tensor, z: float = Z90) -> torch.Tensor:
    """The 5 %, 50 % and 95 % quantiles of N(mean, std²): mean - z·std, mean,
    mean + z·std, as rows of a (3, N) tensor (``mean``, ``std`` (N, 1))."""
    return torch.stack([mean - z * std, mean, mean + z * std]).view(3, -1)


def _one_pass(model, x, generator):
    sample, _, _ = model(x, generator=generator)
    return sample


def _check_model_x(model, x) -> None:
    if not isinstance(model, Regressor):
        raise ValueError(
            "model must be a vi_helpers.Regressor (a network with a band: forward "
            f"gives (sample, mu, log_var)), got {type(model).__name__} (wrap a mean "
            "network such as the MLE in vi_helpers.ConstantNoise)")
    _validate.column("x", x)


def _check_quantiles(quantiles) -> tuple[float, ...]:
    if isinstance(quantiles, (int, float)):
        quantiles = (quantiles,)
    if not isinstance(quantiles, Sequence) or len(quantiles) == 0:
        raise ValueError(f"quantiles must be a non-empty sequence, got {quantiles!r}")
    return tuple(_validate.open_unit("quantiles", q) for q in quantiles)
