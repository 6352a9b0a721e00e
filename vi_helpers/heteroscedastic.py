r"""The source's two-headed network, trained on the Gaussian likelihood alone.

Heteroscedastic regression: the network predicts a mean μ(x) and a variance
σ²(x) for each input and is trained to maximise :math:`\log\mathcal N(y;\mu,
\sigma^2)`, with no prior term. Its predictive distribution is that Gaussian.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from . import _validate
from .losses import gaussian_log_likelihood
from .models import VariationalRegressor


class HeteroscedasticRegressor(VariationalRegressor):
    r"""The source's two 1-40-20-10-1 heads, on the scale of y, with a guarded variance.

    With the heads' raw outputs a (mean) and r (variance), and ``y_mean``,
    ``y_std`` the mean and standard deviation of the training targets:

    .. math:: \mu = \bar y + s_y\,a, \qquad
              \sigma^2 = s_y^2\,\big(\operatorname{softplus}(r) + v_{\min}\big)

    The affine step lets the heads work on standardised targets (y here spans
    about ±25; at PyTorch's initial weights the heads output numbers near 0, and
    Adam would need thousands of steps to grow them). The softplus and the floor
    ``min_var`` keep the log-variance from running to :math:`-\infty` (where the
    likelihood blows up on a point fitted exactly) or jumping by the exp of a
    large step. With the defaults ``y_mean=0, y_std=1`` the heads act on y
    directly. ``forward(x)`` returns ``(sample, mu, log_var)``, each (N, 1), like
    the source's model, so :func:`vi_helpers.fit` and the prediction functions
    treat both the same way.
    """

    SIGMA_FLOOR = 0.0

    def __init__(
        self, y_mean: float = 0.0, y_std: float = 1.0, min_var: float = 1e-4
    ) -> None:
        super().__init__()
        self.y_mean = float(y_mean)
        if not math.isfinite(self.y_mean):
            raise ValueError(f"y_mean must be finite, got {y_mean!r}")
        self.y_std = _validate.positive_float("y_std", y_std)
        self.min_var = _validate.positive_float("min_var", min_var)

    @classmethod
    def for_targets(cls, y_train: torch.Tensor, **kwargs) -> HeteroscedasticRegressor:
        """A model scaled to the mean and standard deviation of ``y_train`` (N, 1)."""
        _validate.column("y_train", y_train)
        return cls(y_train.mean().item(), y_train.std().item(), **kwargs)

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu = self.y_mean + self.y_std * self.q_mu(x)  # (N, 1)
        var = F.softplus(self.q_log_var(x)) + self.min_var  # (N, 1), standardised
        log_var = torch.log(var) + 2 * math.log(self.y_std)
        return self.reparam(mu, log_var, generator), mu, log_var


def gaussian_nll_loss(
    sample: torch.Tensor,
    y: torch.Tensor,
    mu: torch.Tensor,
    log_var: torch.Tensor,
    beta: float = 0.0,
) -> torch.Tensor:
    r"""Mean Gaussian negative log-likelihood of y; ``sample`` is not used.

    .. math:: \frac1N\sum_i \operatorname{sg}\!\big[\sigma_i^{2\beta}\big]
              \Big[\tfrac12\log(2\pi\sigma_i^2) + \frac{(y_i-\mu_i)^2}{2\sigma_i^2}\Big]

    ``beta=0`` is the plain likelihood (the first term of the source's
    ``neg_ELBO`` on its own). ``beta>0`` is β-NLL (Seitzer et al., 2022): each
    point's loss is weighted by its variance to the power β, held constant in
    the gradient (sg), which keeps large-variance points from learning their mean
    slowly; ``beta=1`` gives the mean the gradient of 0.5·MSE. All tensors
    (N, 1); returns a scalar. The signature is the one :func:`vi_helpers.fit`
    calls for a model that returns a tuple.
    """
    _validate.same_shape(("y", "mu", "log_var"), y, mu, log_var)
    nll = -gaussian_log_likelihood(y, mu, log_var)  # (N, 1)
    weight = torch.exp(beta * log_var).detach()  # sg[σ^(2β)]: 1 everywhere for β = 0
    return (weight * nll).mean()


def beta_nll_loss(beta: float):
    """``gaussian_nll_loss`` with β fixed, as a loss for :func:`vi_helpers.fit`."""
    beta = _validate.non_negative_float("beta", beta)

    def loss(sample, y, mu, log_var):
        return gaussian_nll_loss(sample, y, mu, log_var, beta=beta)

    loss.__name__ = f"beta_nll_loss_{beta:g}"
    return loss
