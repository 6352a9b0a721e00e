r"""Other roads to a band: MC dropout, a deep ensemble, a last-layer Laplace.

Each model's ``predict(x, num_samples, generator)`` returns ``(mean,
epistemic_std, aleatoric_std)`` like
:meth:`vi_helpers.bayes.BayesianRegressor.predict`, so
:func:`vi_helpers.predictive_normal` reads them all. The two spreads come from
the law of total variance over the network's uncertain parts :math:`\theta`
(a dropout mask, an ensemble member, the last layer's weights):

.. math:: \operatorname{Var}[y] = \underbrace{\mathbb E_\theta[\sigma^2_\theta(x)]}
          _{\text{aleatoric}} + \underbrace{\operatorname{Var}_\theta[\mu_\theta(x)]}
          _{\text{epistemic}}
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import _validate
from .heteroscedastic import HeteroscedasticRegressor, gaussian_nll_loss
from .models import ConstantNoise, MLERegressor, Regressor


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
    if mu.dim() != 3 or mu.shape[0] < 2:
        raise ValueError(
            f"mu must have shape (S, N, 1) with S >= 2, got {tuple(mu.shape)}"
        )
    mean = mu.mean(0)  # (N, 1)
    return mean, mu.var(0, correction=0), var.mean(0)


def _num_samples(num_samples) -> int:
    num_samples = _validate.positive_int("num_samples", num_samples)
    if num_samples < 2:
        raise ValueError(f"num_samples must be >= 2, got {num_samples}")
    return num_samples


# ---------------------------------------------------------------- MC dropout


class MCDropout(nn.Dropout):
    """Dropout that stays on when the model predicts (Gal & Ghahramani, 2016)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.dropout(x, self.p, training=True)


def with_dropout(head: nn.Sequential, p: float) -> nn.Sequential:
    """The same layers (the same weights, not copies) with :class:`MCDropout` of
    rate ``p`` after every ReLU."""
    layers = []
    for layer in head:
        layers.append(layer)
        if isinstance(layer, nn.ReLU):
            layers.append(MCDropout(p))
    return nn.Sequential(*layers)


@contextlib.contextmanager
def _torch_seeded(
    generator: torch.Generator | None, device: torch.device
) -> Iterator[None]:
    """Draw from torch's global stream, reseeded from ``generator`` if one is given
    (and restored afterwards); nn.Dropout cannot take a generator itself."""
    if generator is None:
        yield
        return
    seed = int(torch.randint(2**62, (1,), generator=generator))
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        yield


class DropoutRegressor(HeteroscedasticRegressor):
    r"""The two-headed network of chapter 5 with dropout after every hidden layer.

    Each head is 1-40-20-10-1 with ReLU and :class:`MCDropout` of rate ``p``
    after each hidden layer; μ and σ² are read off the heads as in
    :class:`~vi_helpers.heteroscedastic.HeteroscedasticRegressor`, and it trains
    with the same losses. Dropout stays on at prediction, so every forward pass
    is one draw of the network (Kendall & Gal, 2017): :meth:`predict` averages
    ``num_samples`` of them.
    """

    HAS_EPISTEMIC = True

    def __init__(
        self, y_mean: float = 0.0, y_std: float = 1.0, min_var: float = 1e-4,
        p: float = 0.1,
    ) -> None:
        p = _validate.open_unit("p", p)
        super().__init__(y_mean, y_std, min_var)
        self.p = p
        # the parent's heads, reused: dropout goes between their layers
        self.q_mu = with_dropout(self.q_mu, self.p)
        self.q_log_var = with_dropout(self.q_log_var, self.p)

    @torch.no_grad()
    def predict(
        self,
        x: torch.Tensor,
        num_samples: int = 100,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(mean, epistemic_std, aleatoric_std)`` over ``num_samples`` dropout
        masks, each (N, 1), by :func:`mixture_moments`."""
        x = _validate.column("x", x)
        num_samples = _num_samples(num_samples)
        with _torch_seeded(generator, x.device):
            passes = [self(x) for _ in range(num_samples)]  # (sample, mu, log_var)
        mu = torch.stack([mu for _, mu, _ in passes])  # (S, N, 1)
        var = torch.stack([log_var.exp() for _, _, log_var in passes])
        mean, epistemic, aleatoric = mixture_moments(mu, var)
        return mean, epistemic.sqrt(), aleatoric.sqrt()


# ------------------------------------------------------------- deep ensemble


class DeepEnsemble(Regressor):
    r"""M networks trained side by side; predicts with their equal-weight mixture.

    ``forward(x)`` returns ``(sample, mu, log_var)``, each (N, M): column m is
    member m's output (Lakshminarayanan et al., 2017). Members are built one
    after another from torch's random stream, so each starts from its own
    weights; :func:`vi_helpers.set_seed` before building makes the whole
    ensemble reproducible.
    """

    HAS_EPISTEMIC = True

    def __init__(self, members: Sequence[nn.Module]) -> None:
        super().__init__()
        if len(members) < 2:
            raise ValueError(
                f"members must hold at least 2 networks, got {len(members)}"
            )
        self.members = nn.ModuleList(members)

    @classmethod
    def for_targets(
        cls, y_train: torch.Tensor, num_members: int = 5, **kwargs
    ) -> DeepEnsemble:
        """``num_members`` heteroscedastic networks scaled to ``y_train`` (N, 1)."""
        num_members = _validate.positive_int("num_members", num_members)
        return cls([HeteroscedasticRegressor.for_targets(y_train, **kwargs)
                    for _ in range(num_members)])

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        outs = [member(x, generator) for member in self.members]
        return tuple(torch.cat(parts, dim=1) for parts in zip(*outs))  # (N, M) each

    @torch.no_grad()
    def predict(
        self,
        x: torch.Tensor,
        num_samples: int | None = None,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        r"""``(mean, epistemic_std, aleatoric_std)`` of the mixture, each (N, 1).

        The mixture's variance is
        :math:`\frac1M\sum_m(\sigma_m^2+\mu_m^2) - \bar\mu^2` (see
        :func:`mixture_moments`). Deterministic: ``num_samples`` and
        ``generator`` are accepted for a common signature and not used.
        """
        x = _validate.column("x", x)
        _, mu, log_var = self(x)  # (N, M) each
        mu, var = mu.T.unsqueeze(-1), log_var.exp().T.unsqueeze(-1)  # (M, N, 1)
        mean, epistemic, aleatoric = mixture_moments(mu, var)
        return mean, epistemic.sqrt(), aleatoric.sqrt()


def ensemble_loss(beta: float = 0.0):
    r"""The sum of the members' β-NLL losses, as a loss for :func:`vi_helpers.fit`.

    .. math:: \sum_{m=1}^M L_\beta(y; \mu_m, \sigma_m^2)

    with :math:`L_\beta` the loss of
    :func:`~vi_helpers.heteroscedastic.gaussian_nll_loss`. Member m's weights
    get the gradient of its own loss only, and Adam updates every weight from
    its own gradients, so training the sum trains each member exactly as
    training it alone would. The loss takes ``(sample, y, mu, log_var)`` with
    ``y`` (N, 1) and the others (N, M).
    """
    beta = _validate.non_negative_float("beta", beta)

    def loss(sample, y, mu, log_var):
        return sum(
            gaussian_nll_loss(sample[:, [m]], y, mu[:, [m]], log_var[:, [m]], beta)
            for m in range(mu.shape[1])
        )

    loss.__name__ = f"ensemble_loss_{beta:g}"
    return loss


# ------------------------------------------------------- last-layer Laplace


def bayesian_linear_regression(
    phi: torch.Tensor, y: torch.Tensor, noise_var, prior_precision: float
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The exact posterior of w in :math:`y = \Phi w + \varepsilon`.

    With noise :math:`\varepsilon_i \sim \mathcal N(0, s_i^2)` and prior
    :math:`w \sim \mathcal N(0, \alpha^{-1} I)`:

    .. math:: \Sigma = \big(\Phi^\top S^{-1}\Phi + \alpha I\big)^{-1},\qquad
              m = \Sigma\,\Phi^\top S^{-1} y,\qquad S = \operatorname{diag}(s_i^2)

    ``phi`` (N, D), ``y`` (N, 1), ``noise_var`` (N, 1) or a number,
    ``prior_precision`` α > 0. Returns ``(m, Σ)``, (D, 1) and (D, D).
    """
    _validate.column("y", y)
    if phi.dim() != 2:
        raise ValueError(f"phi must have shape (N, D), got {tuple(phi.shape)}")
    _validate.same_length(("phi", "y"), phi, y)
    if isinstance(noise_var, torch.Tensor):
        _validate.same_shape(("y", "noise_var"), y, noise_var)
    else:
        noise_var = _validate.positive_float("noise_var", noise_var)
    prior_precision = _validate.positive_float("prior_precision", prior_precision)
    precision = phi.T @ (phi / noise_var) + prior_precision * torch.eye(
        phi.shape[1], dtype=phi.dtype, device=phi.device)  # (D, D)
    cov = torch.linalg.inv(precision)
    return cov @ (phi.T @ (y / noise_var)), cov


def log_evidence(
    phi: torch.Tensor, y: torch.Tensor, noise_var, prior_precision: float
) -> float:
    r"""The log marginal likelihood :math:`\log p(y\mid\alpha) = \log\mathcal
    N(y;\,0,\ \Phi\Phi^\top/\alpha + S)`, computed in D dimensions (Bishop, 2006,
    eq. 3.86):

    .. math:: \tfrac D2\log\alpha - \tfrac12\log|\Sigma^{-1}|
              - \tfrac12\sum_i\Big[\log 2\pi s_i^2 + \frac{(y_i-\phi_i^\top m)^2}
              {s_i^2}\Big] - \tfrac\alpha2\,m^\top m

    Arguments as in :func:`bayesian_linear_regression`; returns a float.
    """
    m, cov = bayesian_linear_regression(phi, y, noise_var, prior_precision)
    noise_var = torch.as_tensor(noise_var, dtype=phi.dtype).expand_as(y)
    misfit = math.log(2 * math.pi) + noise_var.log() + (y - phi @ m) ** 2 / noise_var
    d = phi.shape[1]
    return (0.5 * d * math.log(prior_precision) + 0.5 * torch.logdet(cov)
            - 0.5 * misfit.sum() - 0.5 * prior_precision * (m**2).sum()).item()


#: Prior precisions α searched by :func:`best_prior_precision`: 10^-6 ... 10^6.
PRIOR_PRECISIONS = tuple(10 ** (k / 20) for k in range(-120, 121))


def best_prior_precision(
    phi: torch.Tensor, y: torch.Tensor, noise_var,
    grid: Sequence[float] = PRIOR_PRECISIONS,
) -> float:
    """The α of ``grid`` with the largest :func:`log_evidence` (empirical Bayes).

    The default grid has 20 values per factor of ten, so the chosen α is within
    6 % of the best one between 1e-6 and 1e6.
    """
    return max(grid, key=lambda alpha: log_evidence(phi, y, noise_var, alpha))


def last_hidden_layers(model: nn.Module) -> nn.Sequential:
    """The layers of ``model``'s mean network up to (not including) its last one.

    ``model`` is a :class:`~vi_helpers.heteroscedastic.HeteroscedasticRegressor`
    (its mean head) or a :class:`~vi_helpers.models.ConstantNoise` around an
    :class:`~vi_helpers.models.MLERegressor` or an ``nn.Sequential``.
    """
    if isinstance(model, HeteroscedasticRegressor):
        net = model.q_mu
    elif isinstance(model, ConstantNoise):
        net = model.net.out if isinstance(model.net, MLERegressor) else model.net
    else:
        raise ValueError(
            "model must be a HeteroscedasticRegressor or a ConstantNoise, "
            f"got {type(model).__name__}"
        )
    if not isinstance(net, nn.Sequential) or not isinstance(net[-1], nn.Linear):
        raise ValueError("model's mean network must be an nn.Sequential ending in "
                         f"nn.Linear, got {type(net).__name__}")
    return net[:-1]


class LastLayerLaplace(Regressor):
    r"""A trained network whose last layer is made Bayesian, in closed form.

    With the trained layers fixed, the mean is linear in the last layer's
    weights w, :math:`\mu(x) = \phi(x)^\top w` (φ: the last hidden layer's
    outputs and a 1 for the bias), and the likelihood is Gaussian with the
    network's own noise :math:`\sigma^2(x)`. So the Laplace approximation of w's
    posterior is exact: it is Bayesian linear regression
    (:func:`bayesian_linear_regression`), with the prior precision α chosen by
    the evidence (:func:`best_prior_precision`) unless ``prior_precision`` is
    given. The predictive distribution at x is

    .. math:: \mathcal N\big(\phi^\top m,\ \sigma^2(x) + \phi^\top\Sigma\,\phi\big)

    ``model`` is a trained :class:`~vi_helpers.heteroscedastic.
    HeteroscedasticRegressor` or :class:`~vi_helpers.models.ConstantNoise`;
    ``x_train``, ``y_train`` (N, 1). ``forward(x)`` returns ``(sample, mu,
    log_var)`` of the predictive distribution, each (N, 1).
    """

    HAS_EPISTEMIC = True

    def __init__(
        self,
        model: nn.Module,
        x_train: torch.Tensor,
        y_train: torch.Tensor,
        prior_precision: float | None = None,
    ) -> None:
        super().__init__()
        self.body = last_hidden_layers(model)
        self.model = model
        _validate.column("x_train", x_train)
        _validate.column("y_train", y_train)
        _validate.same_length(("x_train", "y_train"), x_train, y_train)
        with torch.no_grad():
            phi, noise_var = self.features(x_train), self.noise_var(x_train)
        y = y_train.double()
        if prior_precision is None:
            prior_precision = best_prior_precision(phi, y, noise_var)
        self.prior_precision = _validate.positive_float("prior_precision",
                                                        prior_precision)
        mean, cov = bayesian_linear_regression(phi, y, noise_var, self.prior_precision)
        self.register_buffer("weight_mean", mean)  # (D, 1) float64
        self.register_buffer("weight_cov", cov)  # (D, D) float64

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """φ(x): the last hidden layer and a 1, in float64, (N, D)."""
        h = self.body(x).double()
        return torch.cat([h, torch.ones_like(h[:, :1])], dim=1)

    def noise_var(self, x: torch.Tensor) -> torch.Tensor:
        """The network's own σ²(x), in float64, (N, 1)."""
        _, _, log_var = self.model(x, torch.Generator(x.device))  # its sample unused
        return log_var.double().exp()

    def _moments(self, x):
        phi = self.features(x)  # (N, D)
        mean = phi @ self.weight_mean  # (N, 1)
        epistemic = ((phi @ self.weight_cov) * phi).sum(1, keepdim=True)  # φᵀΣφ
        return mean, epistemic, self.noise_var(x)

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean, epistemic, aleatoric = (t.to(x.dtype) for t in self._moments(x))
        log_var = torch.log(epistemic + aleatoric)
        eps = torch.randn(mean.shape, generator=generator, dtype=x.dtype,
                          device=x.device)
        return mean + torch.exp(0.5 * log_var) * eps, mean, log_var

    @torch.no_grad()
    def predict(self, x: torch.Tensor, num_samples: int | None = None,
                generator: torch.Generator | None = None):
        r"""``(mean, epistemic_std, aleatoric_std)`` at x, each (N, 1), in closed
        form: :math:`\sqrt{\phi^\top\Sigma\phi}` and :math:`\sigma(x)`.
        ``num_samples`` and ``generator`` are not used."""
        x = _validate.column("x", x)
        mean, epistemic, aleatoric = self._moments(x)
        return tuple(t.to(x.dtype) for t in (mean, epistemic.sqrt(), aleatoric.sqrt()))
