"""The walkthrough's two networks, and what every model with a band offers.

Models return tensors; they do not compute losses.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from . import _validate


def mixture_moments(
    mu: torch.Tensor, var: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Mean and the two variances of an equal-weight mixture of S Gaussians.

    .. math:: \bar\mu = \frac1S\sum_s\mu_s,\quad
              \text{epistemic} = \frac1S\sum_s\mu_s^2 - \bar\mu^2,\quad
              \text{aleatoric} = \frac1S\sum_s\sigma_s^2

    Their sum is the mixture's variance,
    :math:`\frac1S\sum_s(\sigma_s^2+\mu_s^2) - \bar\mu^2`. ``mu`` and ``var``
    are (S, N, 1); returns ``(mean, epistemic_var, aleatoric_var)``, each (N, 1).
    """
    _validate.same_shape(("mu", "var"), mu, var)
    if mu.dim() != 3 or mu.shape[0] < 1 or mu.shape[2] != 1:
        raise ValueError(f"mu must have shape (S, N, 1), got {tuple(mu.shape)}")
    return mu.mean(0), mu.var(0, correction=0), var.mean(0)


def check_num_samples(num_samples: int | None, default: int) -> int:
    """``num_samples`` (``default`` where it is None), checked to be at least 2:
    a spread needs two draws."""
    num_samples = default if num_samples is None else num_samples
    num_samples = _validate.positive_int("num_samples", num_samples)
    if num_samples < 2:
        raise ValueError(f"num_samples must be >= 2, got {num_samples}")
    return num_samples


class Regressor(nn.Module):
    r"""A network with a predictive distribution: the one contract of prediction.

    Every model that :mod:`vi_helpers.predict` accepts is a ``Regressor`` and
    offers three methods:

    * ``forward(x, generator=None)`` returns ``(sample, mu, log_var)``: one draw of
      y, its mean and log-variance, each (N, 1), what :func:`vi_helpers.fit`'s loss
      sees;
    * ``components(x, num_samples, generator)`` returns ``(mu, sigma)``, each
      (S, N, 1): the predictive distribution at x as the equal-weight mixture of
      S Gaussians :math:`\frac1S\sum_s\mathcal N(\mu_s, \sigma_s^2)` that the
      model really predicts (what :func:`vi_helpers.metrics.mixture_nll` and
      :func:`~vi_helpers.metrics.crps_mixture` score);
    * ``predict(x, num_samples, generator)`` returns ``(mean, epistemic_std,
      aleatoric_std)``, each (N, 1): that mixture's mean and its variance split by
      the law of total variance (:func:`mixture_moments`).

    This class's ``components`` is the one of a network with fixed weights: one
    pass, one component, :math:`\sigma = e^{\log\sigma^2/2}` plus
    :attr:`SIGMA_FLOOR`. A model with random parts (Bayes by Backprop, dropout, an
    ensemble) overrides it with one component per draw or member and sets
    :attr:`HAS_EPISTEMIC`; a Laplace approximation predicts one Gaussian and
    overrides ``predict`` to keep its closed-form split.
    """

    #: Added to sigma (the source adds 1e-5 when it samples).
    SIGMA_FLOOR = 0.0
    #: Whether :meth:`predict` has an epistemic part (random weights or members).
    HAS_EPISTEMIC = False

    @torch.no_grad()
    def components(
        self,
        x: torch.Tensor,
        num_samples: int | None = None,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mu, sigma)`` of one deterministic pass, each (1, N, 1); ``num_samples``
        and ``generator`` are accepted for the common signature."""
        _, mu, log_var = self(x)
        sigma = torch.exp(0.5 * log_var) + self.SIGMA_FLOOR
        return mu.unsqueeze(0), sigma.unsqueeze(0)

    @torch.no_grad()
    def predict(
        self,
        x: torch.Tensor,
        num_samples: int | None = None,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(mean, epistemic_std, aleatoric_std)`` of :meth:`components`' mixture,
        each (N, 1)."""
        mu, sigma = self.components(x, num_samples, generator)  # (S, N, 1) each
        mean, epistemic, aleatoric = mixture_moments(mu, sigma**2)
        return mean, epistemic.sqrt(), aleatoric.sqrt()


class MLERegressor(nn.Module):
    """The source's ``MLE_model``: one hidden layer of 20 ReLU units, 1 -> 20 -> 1.

    ``forward(x)`` maps (N, 1) inputs to (N, 1) predictions.
    """

    def __init__(self) -> None:
        super().__init__()
        self.out = nn.Sequential(nn.Linear(1, 20), nn.ReLU(), nn.Linear(20, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(x)


class ConstantNoise(Regressor):
    r"""A trained mean network plus one noise level: :math:`\mathcal N(\hat f(x),
    \hat\sigma^2)`.

    :meth:`from_residuals` sets :math:`\hat\sigma^2 = \frac1N\sum_i (y_i -
    \hat f(x_i))^2` over the training points: the maximum-likelihood noise level
    for the fitted mean (the source's MLE network gives a curve only; this is the
    band that goes with it). ``forward(x)`` returns ``(sample, mu, log_var)``,
    each (N, 1), like the two-headed networks.
    """

    def __init__(self, net: nn.Module, sigma: float) -> None:
        super().__init__()
        self.net = net
        self.register_buffer("log_var", torch.tensor(2 * math.log(sigma)))

    @classmethod
    @torch.no_grad()
    def from_residuals(cls, net: nn.Module, x: torch.Tensor, y: torch.Tensor):
        """``net`` with the root mean squared residual of y (N, 1) at x (N, 1)."""
        return cls(net, (y - net(x)).pow(2).mean().sqrt().item())

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None):
        mu = self.net(x)  # (N, 1)
        log_var = self.log_var.expand_as(mu)
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype,
                          device=mu.device)
        return mu + torch.exp(0.5 * log_var) * eps, mu, log_var


def _head() -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(1, 40), nn.ReLU(),
        nn.Linear(40, 20), nn.ReLU(),
        nn.Linear(20, 10), nn.ReLU(),
        nn.Linear(10, 1),
    )


class VariationalRegressor(Regressor):
    r"""The source's ``VI_model``: two 1-40-20-10-1 ReLU heads, for mu and log-variance.

    ``forward(x)`` returns ``(sample, mu, log_var)``, each (N, 1), where

    .. math:: \text{sample} = \mu + (e^{\log\sigma^2/2} + 10^{-5})\,\varepsilon,
              \quad \varepsilon \sim \mathcal{N}(0, 1)

    (the reparameterisation trick, with the source's 1e-5 floor on sigma).
    """

    #: Added to sigma before sampling, as in the source.
    SIGMA_FLOOR = 1e-5

    def __init__(self) -> None:
        super().__init__()
        self.q_mu = _head()
        self.q_log_var = _head()

    def reparam(
        self,
        mu: torch.Tensor,
        log_var: torch.Tensor,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Draw mu + sigma * eps with sigma = exp(0.5 * log_var) + 1e-5."""
        sigma = torch.exp(0.5 * log_var) + self.SIGMA_FLOOR
        if generator is None:
            eps = torch.randn_like(sigma)  # the source's call, so the same numbers
        else:
            eps = torch.randn(
                sigma.shape, generator=generator, dtype=sigma.dtype, device=sigma.device
            )
        return mu + sigma * eps

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu = self.q_mu(x)  # (N, 1)
        log_var = self.q_log_var(x)  # (N, 1)
        return self.reparam(mu, log_var, generator), mu, log_var
