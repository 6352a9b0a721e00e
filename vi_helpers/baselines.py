r"""Other roads to a band: MC dropout, a deep ensemble, two Laplace approximations.

Each model is a :class:`~vi_helpers.models.Regressor`: ``components(x,
num_samples, generator)`` gives the Gaussians of its predictive mixture (one per
dropout mask or member; one for a Laplace approximation), ``predict`` their mean
and the two spreads, so :func:`vi_helpers.predictive_normal` reads them all. The
two spreads come from the law of total variance over the network's uncertain
parts :math:`\theta` (a dropout mask, an ensemble member, the weights):

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
from .models import ConstantNoise, MLERegressor, Regressor, check_num_samples

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
    def components(
        self,
        x: torch.Tensor,
        num_samples: int | None = 100,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mu, sigma)`` of ``num_samples`` dropout masks, each (S, N, 1): one
        Gaussian per mask; :meth:`predict` gives their moments."""
        x = _validate.column("x", x)
        num_samples = check_num_samples(num_samples, 100)
        with _torch_seeded(generator, x.device):
            passes = [self(x) for _ in range(num_samples)]  # (sample, mu, log_var)
        mu = torch.stack([mu for _, mu, _ in passes])  # (S, N, 1)
        return mu, torch.stack([torch.exp(0.5 * log_var) for _, _, log_var in passes])


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
    def components(
        self,
        x: torch.Tensor,
        num_samples: int | None = None,
        generator: torch.Generator | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        r"""``(mu, sigma)`` of the M members, each (M, N, 1): the mixture
        :math:`\frac1M\sum_m\mathcal N(\mu_m, \sigma_m^2)`, whose variance is
        :math:`\frac1M\sum_m(\sigma_m^2+\mu_m^2) - \bar\mu^2` (see
        :func:`~vi_helpers.models.mixture_moments`). Deterministic: ``num_samples``
        and ``generator`` are accepted for a common signature and not used.
        """
        x = _validate.column("x", x)
        _, mu, log_var = self(x)  # (N, M) each
        return mu.T.unsqueeze(-1), torch.exp(0.5 * log_var).T.unsqueeze(-1)


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


def mean_network(model: nn.Module) -> tuple[nn.Sequential, float, float]:
    r"""``model``'s mean network g and the affine step after it:
    :math:`\mu(x) = a + b\,g(x)`; returns ``(g, a, b)``.

    ``model`` is a :class:`~vi_helpers.heteroscedastic.HeteroscedasticRegressor`
    (its mean head, :math:`a = \bar y`, :math:`b = s_y`) or a
    :class:`~vi_helpers.models.ConstantNoise` around an
    :class:`~vi_helpers.models.MLERegressor` or an ``nn.Sequential`` (a = 0, b = 1).
    """
    if isinstance(model, HeteroscedasticRegressor):
        net, a, b = model.q_mu, model.y_mean, model.y_std
    elif isinstance(model, ConstantNoise):
        net = model.net.out if isinstance(model.net, MLERegressor) else model.net
        a, b = 0.0, 1.0
    else:
        raise ValueError(
            "model must be a HeteroscedasticRegressor or a ConstantNoise, "
            f"got {type(model).__name__}"
        )
    if not isinstance(net, nn.Sequential) or not isinstance(net[-1], nn.Linear):
        raise ValueError("model's mean network must be an nn.Sequential ending in "
                         f"nn.Linear, got {type(net).__name__}")
    return net, a, b


def last_hidden_layers(model: nn.Module) -> nn.Sequential:
    """The layers of ``model``'s mean network (:func:`mean_network`) up to (not
    including) its last one."""
    return mean_network(model)[0][:-1]


class GaussianLaplace(Regressor):
    r"""What a Laplace approximation predicts: one Gaussian,
    :math:`\mathcal N\big(\mu(x),\ \sigma^2(x) + v(x)\big)`, with :math:`v(x)` the
    variance the uncertain weights give the mean at x.

    A subclass computes ``_moments(x)``: the mean, :math:`v(x)` and
    :math:`\sigma^2(x)`, each (N, 1) in float64. ``forward(x)`` returns
    ``(sample, mu, log_var)`` of the predictive Gaussian, each (N, 1).
    """

    HAS_EPISTEMIC = True

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
        form: :math:`\sqrt{v(x)}` and :math:`\sigma(x)`. ``num_samples`` and
        ``generator`` are not used."""
        x = _validate.column("x", x)
        mean, epistemic, aleatoric = self._moments(x)
        return tuple(t.to(x.dtype) for t in (mean, epistemic.sqrt(), aleatoric.sqrt()))

    @torch.no_grad()
    def components(self, x: torch.Tensor, num_samples: int | None = None,
                   generator: torch.Generator | None = None):
        """The one Gaussian it predicts: ``(mean, std)``, each (1, N, 1)."""
        mean, epistemic, aleatoric = self.predict(x)
        std = (epistemic**2 + aleatoric**2).sqrt()
        return mean.unsqueeze(0), std.unsqueeze(0)


class LastLayerLaplace(GaussianLaplace):
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


# ------------------------------------------------- full-network (GGN) Laplace


def mean_jacobian(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    r""":math:`J(x) = \partial\mu(x)/\partial\theta`, in float64: (N, P).

    θ are the P weights and biases of ``model``'s mean network
    (:func:`mean_network`), in the order of ``parameters()``; one row per x
    (N, 1), each the gradient of that point's mean, all at once (``torch.func``).
    """
    net, _, b = mean_network(model)
    params = {k: v.detach().double() for k, v in net.named_parameters()}

    def g(p, x_i):  # (1,) -> a number
        return torch.func.functional_call(net, p, (x_i,)).squeeze()

    jac = torch.func.vmap(torch.func.jacrev(g), in_dims=(None, 0))(params, x.double())
    return b * torch.cat([j.flatten(1) for j in jac.values()], dim=1)


def laplace_log_evidence(
    log_likelihood: float, theta_sq: float, ggn_eigenvalues: torch.Tensor,
    prior_precision: float,
) -> float:
    r"""The Laplace approximation of :math:`\log p(y\mid\alpha)` at the trained
    weights :math:`\hat\theta` (MacKay, 1992; Immer et al., 2021):

    .. math:: \log p(y\mid\hat\theta) - \tfrac\alpha2\|\hat\theta\|^2
              + \tfrac P2\log\alpha - \tfrac12\sum_{k=1}^P\log(\lambda_k + \alpha)

    with :math:`\lambda_k` the eigenvalues of the GGN :math:`G = J^\top S^{-1}J`
    (so the last term is :math:`-\frac12\log|G + \alpha I|`). ``theta_sq`` is
    :math:`\|\hat\theta\|^2`; returns a float.
    """
    alpha = _validate.positive_float("prior_precision", prior_precision)
    p = ggn_eigenvalues.shape[0]
    return (log_likelihood - 0.5 * alpha * theta_sq + 0.5 * p * math.log(alpha)
            - 0.5 * torch.log(ggn_eigenvalues + alpha).sum().item())


class FullLaplace(GaussianLaplace):
    r"""A trained network made Bayesian over all its mean network's weights: the
    linearised Laplace approximation with the generalised Gauss-Newton (GGN).

    Around the trained weights :math:`\hat\theta` the mean is linearised,
    :math:`\mu(x;\theta) \approx \mu(x;\hat\theta) + J(x)(\theta-\hat\theta)`
    (:func:`mean_jacobian`); with the network's own noise :math:`\sigma^2(x)` and
    the prior :math:`\theta\sim\mathcal N(0, \alpha^{-1}I)`, the posterior is
    :math:`\mathcal N(\hat\theta, \Sigma)` with

    .. math:: \Sigma^{-1} = \sum_i \frac{J(x_i)^\top J(x_i)}{\sigma^2(x_i)}
              + \alpha I,

    and the predictive at x is (the GLM predictive, Immer et al., 2021)

    .. math:: \mathcal N\big(\mu(x;\hat\theta),\ \sigma^2(x) + J(x)\,\Sigma\,
              J(x)^\top\big).

    α maximises :func:`laplace_log_evidence` on :data:`PRIOR_PRECISIONS` unless
    ``prior_precision`` is given. Unlike :class:`LastLayerLaplace` the mean stays
    the network's and every layer's weights are uncertain, so the band can widen
    between the data as well as beyond them. ``model``, ``x_train``, ``y_train``
    as in :class:`LastLayerLaplace`; ``forward(x)`` returns ``(sample, mu,
    log_var)`` of the predictive distribution, each (N, 1).
    """

    def __init__(
        self,
        model: nn.Module,
        x_train: torch.Tensor,
        y_train: torch.Tensor,
        prior_precision: float | None = None,
    ) -> None:
        super().__init__()
        net, _, _ = mean_network(model)
        self.model = model
        _validate.column("x_train", x_train)
        _validate.column("y_train", y_train)
        _validate.same_length(("x_train", "y_train"), x_train, y_train)
        jac = mean_jacobian(model, x_train)  # (N, P)
        with torch.no_grad():
            mu, noise_var = self._mean_and_noise(x_train)
        ggn = jac.T @ (jac / noise_var)  # (P, P): Σᵢ JᵢᵀJᵢ/σᵢ²
        eigenvalues, eigenvectors = torch.linalg.eigh(ggn)
        eigenvalues = eigenvalues.clamp(min=0)  # G is PSD; clip rounding below 0
        log_lik = (-0.5 * (math.log(2 * math.pi) + noise_var.log()
                           + (y_train.double() - mu) ** 2 / noise_var)).sum().item()
        theta_sq = sum((p.detach().double() ** 2).sum() for p in net.parameters())
        theta_sq = theta_sq.item()
        if prior_precision is None:
            prior_precision = max(PRIOR_PRECISIONS, key=lambda a: laplace_log_evidence(
                log_lik, theta_sq, eigenvalues, a))
        self.prior_precision = _validate.positive_float("prior_precision",
                                                        prior_precision)
        self.log_evidence = laplace_log_evidence(log_lik, theta_sq, eigenvalues,
                                                 self.prior_precision)
        cov = (eigenvectors / (eigenvalues + self.prior_precision)) @ eigenvectors.T
        self.register_buffer("weight_cov", cov)  # (P, P) float64

    def _mean_and_noise(self, x):
        """μ(x) and the network's own σ²(x), in float64, (N, 1) each."""
        _, mu, log_var = self.model(x, torch.Generator(x.device))  # sample unused
        return mu.double(), log_var.double().exp()

    def _moments(self, x):
        mean, noise_var = self._mean_and_noise(x)
        jac = mean_jacobian(self.model, x)  # (N, P)
        epistemic = ((jac @ self.weight_cov) * jac).sum(1, keepdim=True)  # JΣJᵀ
        return mean, epistemic, noise_var
