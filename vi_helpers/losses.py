"""The walkthrough's losses, as pure functions of tensors.

Each loss keeps one guard: the tensors it compares must have the same shape, so
that a (N,) tensor never broadcasts against a (N, 1) one into a silent (N, N).
"""

from __future__ import annotations

import math

import torch

from ._validate import column, positive_float, same_shape


def half_mse(y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""The source's ``MSE``: :math:`\frac{1}{N}\sum_i \tfrac12 (\hat y_i - y_i)^2`.

    ``y_pred`` and ``y`` must have the same shape, e.g. (N, 1); returns a scalar.
    Minimising it is maximum likelihood under Gaussian noise of fixed variance.
    """
    same_shape(("y_pred", "y"), y_pred, y)
    return (0.5 * (y_pred - y) ** 2).mean()


def gaussian_log_likelihood(
    y: torch.Tensor, mu: torch.Tensor | float, log_var: torch.Tensor | float
) -> torch.Tensor:
    r"""Elementwise Gaussian log density :math:`\log\mathcal N(y;\mu,\sigma^2)`.

    .. math:: -\tfrac12\log(2\pi\sigma^2) - \frac{(y-\mu)^2}{2\sigma^2},
              \qquad \sigma = e^{\log\sigma^2/2}

    The source's ``gauss_LL``. ``mu`` and ``log_var`` are tensors of y's shape or
    numbers (the prior's); the result has y's shape.
    """
    sigma = torch.exp(0.5 * torch.as_tensor(log_var, dtype=y.dtype, device=y.device))
    return (
        -0.5 * torch.log(2 * math.pi * sigma**2)
        - (1 / (2 * sigma**2)) * (y - mu) ** 2
    )


def negative_elbo(
    sample: torch.Tensor,
    y: torch.Tensor,
    mu: torch.Tensor,
    log_var: torch.Tensor,
    prior_mean: float,
    prior_var: float,
) -> torch.Tensor:
    r"""The source's ``neg_ELBO``: minus the mean of three log densities.

    .. math:: -\frac1N\sum_i\Big[\log\mathcal N(y_i;\mu_i,\sigma_i^2)
              + \log\mathcal N(\tilde y_i; m, P)
              - \log\mathcal N(\tilde y_i;\mu_i,\sigma_i^2)\Big]

    where :math:`\tilde y_i` is the reparameterised ``sample`` and ``m``, ``P``
    are ``prior_mean`` and ``prior_var`` (the source takes them from the training
    targets). The last two terms are a one-sample estimate of minus the KL from
    the prior to :math:`q`. All tensors (N, 1); returns a scalar.
    """
    same_shape(("sample", "y", "mu", "log_var"), sample, y, mu, log_var)
    positive_float("prior_var", prior_var)
    prior_log_var = torch.log(torch.tensor(prior_var, dtype=y.dtype))  # as the source
    likelihood = gaussian_log_likelihood(y, mu, log_var)
    log_prior = gaussian_log_likelihood(sample, prior_mean, prior_log_var)
    log_q = gaussian_log_likelihood(sample, mu, log_var)
    return -(likelihood + log_prior - log_q).mean()


def prior_from_targets(y_train: torch.Tensor) -> tuple[float, float]:
    """The source's prior: mean and (unbiased) variance of the training targets."""
    column("y_train", y_train)
    return y_train.mean().item(), y_train.var().item()
