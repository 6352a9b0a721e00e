r"""Bayes by Backprop: a variational posterior over the network's weights.

Every weight w gets a Gaussian posterior :math:`q(w) = \mathcal N(\mu_w,
\sigma_w^2)`, with :math:`\sigma_w = \operatorname{softplus}(\rho_w)` so that
it stays positive, and a Gaussian prior :math:`p(w) = \mathcal N(0, s_p^2)`.
The loss is the negative ELBO of the whole training set divided by its size N:

.. math:: \frac1N\Big[-\sum_{i=1}^N \mathbb E_q \log\mathcal N(y_i; f_w(x_i),
          \sigma_y^2) + \mathrm{KL}\big(q(w)\,\|\,p(w)\big)\Big]

so the KL is counted once per data set, 1/N of it per point. The noise level
:math:`\sigma_y` is one learned number (:class:`BayesianRegressor`), or the output
of a second Bayesian head, :math:`\sigma_y(x)`
(:class:`HeteroscedasticBayesianRegressor`). The uncertainty about w is epistemic: it
shrinks where there are data and grows away from them (Blundell et al., 2015).
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import _validate
from .losses import gaussian_log_likelihood
from .models import Regressor, check_num_samples
from .predict import PREDICT_SAMPLES


def gaussian_kl(
    mu_q: torch.Tensor, sigma_q: torch.Tensor, mu_p: float, sigma_p: float
) -> torch.Tensor:
    r"""Elementwise :math:`\mathrm{KL}(\mathcal N(\mu_q,\sigma_q^2)\,\|\,
    \mathcal N(\mu_p,\sigma_p^2))`, in closed form.

    .. math:: \log\frac{\sigma_p}{\sigma_q} + \frac{\sigma_q^2 + (\mu_q-\mu_p)^2}
              {2\sigma_p^2} - \frac12

    ``mu_q`` and ``sigma_q`` are tensors of one shape; the prior's ``mu_p`` and
    ``sigma_p`` are numbers. Returns a tensor of that shape.
    """
    _validate.same_shape(("mu_q", "sigma_q"), mu_q, sigma_q)
    sigma_p = _validate.positive_float("sigma_p", sigma_p)
    return (
        math.log(sigma_p)
        - torch.log(sigma_q)
        + (sigma_q**2 + (mu_q - mu_p) ** 2) / (2 * sigma_p**2)
        - 0.5
    )


def _inverse_softplus(value: float) -> float:
    return math.log(math.expm1(value))


class BayesLinear(nn.Module):
    r"""A linear layer whose weights and biases are Gaussian random variables.

    ``forward(x)`` maps (N, in_features) to (N, out_features) through random
    weights :math:`w = \mu_w + \sigma_w\varepsilon` (the reparameterisation
    trick, now on the weights). By default every row of x gets its own draw of
    w, computed the cheap way (the *local reparameterisation trick*, Kingma et
    al., 2015): the output :math:`xw^\top + b` is Gaussian given x, with mean
    :math:`x\mu_w^\top + \mu_b` and variance :math:`x^2(\sigma_w^2)^\top +
    \sigma_b^2`, so it is drawn directly. Each output has the same distribution
    as with one shared w, and the gradient is far less noisy. With
    ``shared_weights=True`` one w is drawn for the whole batch, which gives
    whole random functions (for a figure).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        prior_std: float = 1.0,
        init_std: float = 1e-3,
    ) -> None:
        super().__init__()
        in_features = _validate.positive_int("in_features", in_features)
        out_features = _validate.positive_int("out_features", out_features)
        self.prior_std = _validate.positive_float("prior_std", prior_std)
        init_std = _validate.positive_float("init_std", init_std)
        init = nn.Linear(in_features, out_features)  # PyTorch's usual initial means
        self.weight_mu = nn.Parameter(init.weight.detach().clone())  # (out, in)
        self.bias_mu = nn.Parameter(init.bias.detach().clone())  # (out,)
        rho = _inverse_softplus(init_std)
        self.weight_rho = nn.Parameter(torch.full_like(self.weight_mu, rho))
        self.bias_rho = nn.Parameter(torch.full_like(self.bias_mu, rho))

    @property
    def weight_std(self) -> torch.Tensor:
        return F.softplus(self.weight_rho)

    @property
    def bias_std(self) -> torch.Tensor:
        return F.softplus(self.bias_rho)

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None,
                shared_weights: bool = False) -> torch.Tensor:
        if shared_weights:
            weight = _draw(self.weight_mu, self.weight_std, generator)  # (out, in)
            bias = _draw(self.bias_mu, self.bias_std, generator)  # (out,)
            return F.linear(x, weight, bias)
        mean = F.linear(x, self.weight_mu, self.bias_mu)  # (N, out)
        var = F.linear(x**2, self.weight_std**2, self.bias_std**2)  # (N, out)
        return _draw(mean, var.sqrt(), generator)

    def kl(self) -> torch.Tensor:
        """KL from the prior N(0, prior_std²) to q, summed over weights and biases."""
        return (
            gaussian_kl(self.weight_mu, self.weight_std, 0.0, self.prior_std).sum()
            + gaussian_kl(self.bias_mu, self.bias_std, 0.0, self.prior_std).sum()
        )


def _draw(mu: torch.Tensor, std: torch.Tensor, generator=None) -> torch.Tensor:
    eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
    return mu + std * eps


class BayesianNetwork(nn.ModuleList):
    r"""A ReLU network of :class:`BayesLinear` layers of the widths ``sizes``.

    ``forward(x, generator, shared_weights)`` maps (N, sizes[0]) to (N, sizes[-1])
    through one draw of the weights (one per row of x unless ``shared_weights``);
    :meth:`kl` is the KL of all its weights.
    """

    def __init__(self, sizes: tuple[int, ...], prior_std: float, init_std: float):
        if len(sizes) < 3:
            raise ValueError(f"hidden must list at least one layer width, got "
                             f"{sizes[1:-1]}")
        sizes = tuple(_validate.positive_int("hidden", h) for h in sizes)
        super().__init__(
            BayesLinear(a, b, prior_std, init_std) for a, b in zip(sizes, sizes[1:])
        )

    def forward(
        self,
        x: torch.Tensor,
        generator: torch.Generator | None = None,
        shared_weights: bool = False,
    ) -> torch.Tensor:
        h = x
        for i, layer in enumerate(self):
            h = layer(h, generator, shared_weights)
            if i < len(self) - 1:
                h = torch.relu(h)
        return h

    def kl(self) -> torch.Tensor:
        """KL(q(w) || p(w)) summed over every layer: a scalar."""
        return sum(layer.kl() for layer in self)


class BayesianRegressor(Regressor):
    r"""A 1-40-20-10-1 ReLU network (the source's mean head) of :class:`BayesLinear`
    layers, plus one learned noise level :math:`\sigma_y`.

    ``forward(x)`` draws one set of weights and returns ``(sample, mu, log_var)``,
    each (N, 1): the network's output :math:`f_w(x)` as ``mu``, the noise
    :math:`\log\sigma_y^2` repeated as ``log_var``, and
    ``sample = mu + σ_y ε`` a draw of y. Many forward passes give the predictive
    distribution (:meth:`components`, :meth:`predict`).
    """

    HAS_EPISTEMIC = True

    def __init__(
        self,
        hidden: tuple[int, ...] = (40, 20, 10),
        prior_std: float = 1.0,
        init_std: float = 1e-3,
        init_noise_std: float = 1.0,
    ) -> None:
        super().__init__()
        self.layers = BayesianNetwork((1, *hidden, 1), prior_std, init_std)
        init_noise_std = _validate.positive_float("init_noise_std", init_noise_std)
        self.log_noise_var = nn.Parameter(torch.tensor(math.log(init_noise_std**2)))

    def mean_function(
        self,
        x: torch.Tensor,
        generator: torch.Generator | None = None,
        shared_weights: bool = False,
    ) -> torch.Tensor:
        """A draw of the network's output at x: (N, 1) -> (N, 1).

        One weight draw per row of x by default; ``shared_weights=True`` draws
        one set of weights for all rows, a whole random function.
        """
        return self.layers(x, generator, shared_weights)

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu = self.mean_function(x, generator)  # (N, 1)
        log_var = self.log_noise_var.expand_as(mu)  # (N, 1)
        return _draw(mu, torch.exp(0.5 * log_var), generator), mu, log_var

    def kl(self) -> torch.Tensor:
        """KL(q(w) || p(w)) summed over every layer: a scalar."""
        return self.layers.kl()

    @property
    def noise_std(self) -> float:
        """The learned noise level σ_y."""
        return math.exp(0.5 * self.log_noise_var.item())

    @torch.no_grad()
    def components(
        self,
        x: torch.Tensor,
        num_samples: int | None = PREDICT_SAMPLES,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The predictive at x as ``num_samples`` Gaussians, one per weight draw:
        ``(mu, sigma)``, each (S, N, 1), with :math:`\mu_s = f_{w_s}(x)` and
        :math:`\sigma_s = \sigma_y`.

        :meth:`predict` gives their moments: the mean and the standard deviation of
        :math:`f_w(x)` over the draws, and :math:`\sigma_y`.
        """
        x = _validate.column("x", x)
        num_samples = check_num_samples(num_samples, PREDICT_SAMPLES)
        mu = _per_draw(lambda rows: self.mean_function(rows, generator), x, num_samples)
        return mu, torch.full_like(mu, self.noise_std)


class HeteroscedasticBayesianRegressor(Regressor):
    r"""Bayes by Backprop with a variance head: :math:`\mathcal N(\mu_w(x),
    \sigma^2_w(x))`, with random weights in both heads.

    Two 1-40-20-10-1 ReLU networks of :class:`BayesLinear` layers (the widths,
    prior and initial weights of :class:`BayesianRegressor`'s one), read as
    :class:`~vi_helpers.heteroscedastic.HeteroscedasticRegressor` reads its heads:
    with their outputs a and r, and ``y_mean``, ``y_std`` the training targets'
    mean and standard deviation (:meth:`for_targets`),

    .. math:: \mu = \bar y + s_y\,a, \qquad
              \sigma^2 = s_y^2\,\big(\operatorname{softplus}(r) + v_{\min}\big)

    Unlike :class:`BayesianRegressor`'s, the heads work on standardised targets,
    as chapter 7's two-headed networks do: on raw targets the variance head grows
    to cover the residuals long before the mean has learned them. Both heads'
    weights get the Gaussian posterior and the prior of :class:`BayesLinear`, and
    :class:`BayesByBackpropLoss` trains it unchanged: its
    :math:`\log\mathcal N(y; \mu, \sigma^2)` is now per point. ``forward(x)``
    returns ``(sample, mu, log_var)``, each (N, 1), from one draw of the weights.
    """

    HAS_EPISTEMIC = True

    def __init__(
        self,
        y_mean: float = 0.0,
        y_std: float = 1.0,
        hidden: tuple[int, ...] = (40, 20, 10),
        prior_std: float = 1.0,
        init_std: float = 1e-3,
        min_var: float = 1e-4,
    ) -> None:
        super().__init__()
        self.q_mu = BayesianNetwork((1, *hidden, 1), prior_std, init_std)
        self.q_log_var = BayesianNetwork((1, *hidden, 1), prior_std, init_std)
        self.y_mean = float(y_mean)
        if not math.isfinite(self.y_mean):
            raise ValueError(f"y_mean must be finite, got {y_mean!r}")
        self.y_std = _validate.positive_float("y_std", y_std)
        self.min_var = _validate.positive_float("min_var", min_var)

    @classmethod
    def for_targets(cls, y_train: torch.Tensor, **kwargs):
        """A model scaled to the mean and standard deviation of ``y_train`` (N, 1)."""
        _validate.column("y_train", y_train)
        return cls(y_train.mean().item(), y_train.std().item(), **kwargs)

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu = self.y_mean + self.y_std * self.q_mu(x, generator)  # (N, 1)
        var = F.softplus(self.q_log_var(x, generator)) + self.min_var  # standardised
        log_var = torch.log(var) + 2 * math.log(self.y_std)
        return _draw(mu, torch.exp(0.5 * log_var), generator), mu, log_var

    def kl(self) -> torch.Tensor:
        """KL(q(w) || p(w)) of both heads: a scalar."""
        return self.q_mu.kl() + self.q_log_var.kl()

    @torch.no_grad()
    def components(
        self,
        x: torch.Tensor,
        num_samples: int | None = PREDICT_SAMPLES,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The predictive at x as ``num_samples`` Gaussians, one per weight draw:
        ``(mu, sigma)``, each (S, N, 1), :math:`\mathcal N(\mu_{w_s}(x),
        \sigma^2_{w_s}(x))`."""
        x = _validate.column("x", x)
        num_samples = check_num_samples(num_samples, PREDICT_SAMPLES)
        out = _per_draw(lambda rows: torch.cat(self(rows, generator)[1:], dim=1), x,
                        num_samples)  # (S, N, 2): mu and log_var
        return out[..., :1], torch.exp(0.5 * out[..., 1:])


def _per_draw(f, x: torch.Tensor, num_samples: int) -> torch.Tensor:
    """``f`` at ``num_samples`` weight draws per row of x: (S, N, k).

    Every row gets its own weights, so num_samples copies of x in one batch give
    num_samples independent draws at each x (in chunks of ~100k rows).
    """
    n = x.shape[0]
    per_chunk = max(1, 100_000 // n)
    return torch.cat([f(x.repeat(k, 1)).view(k, n, -1)
                      for k in _chunks(num_samples, per_chunk)])


def _chunks(total: int, size: int) -> list[int]:
    return [min(size, total - start) for start in range(0, total, size)]


class BayesByBackpropLoss:
    r"""The negative ELBO per training point for a :class:`BayesianRegressor`
    (or a :class:`HeteroscedasticBayesianRegressor`, with :math:`\sigma_i^2` for
    :math:`\sigma_y^2`).

    .. math:: -\frac1N\sum_i\log\mathcal N(y_i; \mu_i, \sigma_y^2)
              + \frac{\mathrm{KL}(q\,\|\,p)}{N_\text{train}}

    with one weight draw per step (``mu`` comes from it). It holds the model so
    that it can add ``model.kl()``, and has the signature
    ``loss(sample, y, mu, log_var)`` that :func:`vi_helpers.fit` calls for a
    model returning a tuple. ``num_data`` is the number of training points.
    """

    def __init__(
        self, model: BayesianRegressor | HeteroscedasticBayesianRegressor,
        num_data: int,
    ) -> None:
        if not isinstance(model, (BayesianRegressor, HeteroscedasticBayesianRegressor)):
            raise ValueError("model must be a BayesianRegressor or a Heteroscedastic"
                             f"BayesianRegressor, got {type(model).__name__}")
        self.model = model
        self.num_data = _validate.positive_int("num_data", num_data)

    def __call__(
        self,
        sample: torch.Tensor,
        y: torch.Tensor,
        mu: torch.Tensor,
        log_var: torch.Tensor,
    ) -> torch.Tensor:
        _validate.same_shape(("y", "mu", "log_var"), y, mu, log_var)
        nll = -gaussian_log_likelihood(y, mu, log_var).mean()
        return nll + self.model.kl() / self.num_data
