"""The walkthrough's losses, as pure functions of tensors."""

from __future__ import annotations

import math

import torch

from . import _validate


def _check(names: tuple[str, ...], *tensors: torch.Tensor) -> None:
    for name, t in zip(names, tensors):
        if not isinstance(t, torch.Tensor):
            raise ValueError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    _validate.same_shape(names, *tensors)


def half_mse(y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""The source's ``MSE``: :math:`\frac{1}{N}\sum_i \tfrac12 (\hat y_i - y_i)^2`.

    ``y_pred`` and ``y`` must have the same shape, e.g. (N, 1); returns a scalar.
    Minimising it is maximum likelihood under Gaussian noise of fixed variance.
    """
    _check(("y_pred", "y"), y_pred, y)
    return (0.5 * (y_pred - y) ** 2).mean()


def gaussian_log_likelihood(
    y: torch.Tensor, mu: torch.Tensor | float, log_var: torch.Tensor | float
) -> torch.Tensor:
    r"""Elementwise Gaussian log density :math:`\log\mathcal N(y;\mu,\sigma^2)`.

    .. math:: -\tfrac12\log(2\pi\sigma^2) - \frac{(y-\mu)^2}{2\sigma^2}

    The source's ``gauss_LL``. ``mu`` and ``log_var`` broadcast against ``y``
    (tensors of y's shape, or scalars such as the prior's); the result has y's shape.
    """
    if not isinstance(y, torch.Tensor):
        raise ValueError(f"y must be a torch.Tensor, got {type(y).__name__}")
    for name, t in (("mu", mu), ("log_var", log_var)):
        if isinstance(t, torch.Tensor) and t.dim() > 0 and t.shape != y.shape:
            raise ValueError(
                f"{name} must have y's shape {tuple(y.shape)}, got {tuple(t.shape)}"
            )
    log_var = torch.as_tensor(log_var, dtype=y.dtype, device=y.device)
    sigma = torch.exp(0.5 * log_var)
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
    _check(("sample", "y", "mu", "log_var"), sample, y, mu, log_var)
    prior_var = _validate.positive_float("prior_var", prior_var)
    prior_mean = float(prior_mean)
    # torch.log of a tensor, as the source does, so float32 results match it bit for bit
    prior_log_var = torch.log(torch.tensor(prior_var, dtype=y.dtype, device=y.device))
    likelihood = gaussian_log_likelihood(y, mu, log_var)
    log_prior = gaussian_log_likelihood(sample, prior_mean, prior_log_var)
    log_q = gaussian_log_likelihood(sample, mu, log_var)
    return -(likelihood + log_prior - log_q).mean()


def prior_from_targets(y_train: torch.Tensor) -> tuple[float, float]:
    """The source's prior: mean and (unbiased) variance of the training targets."""
    _validate.column("y_train", y_train)
    return y_train.mean().item(), y_train.var().item()
