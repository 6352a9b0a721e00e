r"""The posterior itself: a small network's weights, sampled, and what approximates it.

Chapter 8 asks how far variational inference is from the distribution it
approximates. To see that distribution we make it small enough to sample: a
1-H-1 tanh network :math:`f_w(x) = \sum_j v_j\tanh(a_j x + b_j) + c` with P = 3H + 1
weights, a prior :math:`w \sim \mathcal N(0, s^2 I)` on every weight, and a
likelihood whose noise is known, :math:`y_i \sim \mathcal N(f_w(x_i),
\sigma(x_i)^2)`, so that the posterior is over the weights alone:

.. math:: \log p(w\mid y) = \sum_i \log\mathcal N(y_i; f_w(x_i), \sigma_i^2)
          - \frac{\|w\|^2}{2s^2} + \text{const}

The network works on standardised targets, :math:`y = \bar y + s_y f_w(x)`, so
that s = 1 is a reasonable scale. :func:`hmc` samples the posterior (the reference);
:func:`fit_mean_field` (Bayes by Backprop on the same weights),
:func:`fit_map`, :func:`last_layer_laplace` and :func:`full_laplace` approximate
it, all through the one :class:`WeightPosterior`, so that differences are the
inference's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from . import _validate
from .baselines import bayesian_linear_regression
from .bayes import gaussian_kl
from .data import HeteroDataset, make_hetero_dataset

# ------------------------------------------------------------------ the model


@dataclass(frozen=True, eq=False)
class WeightPosterior:
    """The posterior of a 1-``hidden``-1 tanh network's weights given (x, y).

    ``x``, ``y``, ``noise_std`` are 1-D tensors of the N training points (σ(x)
    known); ``prior_std`` is s. Weights are flat vectors of length
    :attr:`num_weights`, in batches ``w`` of shape (C, P): input weights a,
    biases b, output weights v (H each), then the output bias c.
    """

    x: torch.Tensor
    y: torch.Tensor
    noise_std: torch.Tensor
    hidden: int = 10
    prior_std: float = 1.0
    y_mean: float = field(init=False)
    y_scale: float = field(init=False)

    def __post_init__(self):
        _validate.positive_int("hidden", self.hidden)
        _validate.positive_float("prior_std", self.prior_std)
        for name in ("x", "y", "noise_std"):
            t = getattr(self, name)
            if not isinstance(t, torch.Tensor) or t.dim() != 1 or len(t) < 2:
                raise ValueError(f"{name} must be a 1-D tensor of at least 2 points, "
                                 f"got {t!r:.60}")
            _validate.finite(name, t)
            object.__setattr__(self, name, t.double())
        _validate.same_length(("x", "y", "noise_std"), self.x, self.y, self.noise_std)
        if not bool((self.noise_std > 0).all()):
            raise ValueError("noise_std must be positive everywhere")
        object.__setattr__(self, "y_mean", self.y.mean().item())
        object.__setattr__(self, "y_scale", self.y.std().item())

    @property
    def num_weights(self) -> int:
        """P = 3H + 1."""
        return 3 * self.hidden + 1

    def network(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        r""":math:`g_w(x) = \sum_j v_j\tanh(a_j x + b_j) + c` for every row of w
        (C, P) at every x (n,): (C, n), on the standardised scale."""
        h = self.hidden
        a, b, v, c = w[:, :h], w[:, h:2 * h], w[:, 2 * h:3 * h], w[:, 3 * h:]
        z = torch.tanh(x.to(w.dtype)[None, :, None] * a[:, None] + b[:, None])
        return (z @ v[:, :, None]).squeeze(-1) + c  # (C, n)

    def mean(self, w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        r""":math:`f_w(x) = \bar y + s_y\,g_w(x)` in the data's units: (C, n)."""
        return self.y_mean + self.y_scale * self.network(w, x)

    def log_likelihood(self, w: torch.Tensor) -> torch.Tensor:
        r""":math:`\sum_i\log\mathcal N(y_i; f_w(x_i), \sigma_i^2)` per row: (C,)."""
        resid = (self.y - self.mean(w, self.x)) / self.noise_std
        return -0.5 * (resid**2).sum(1) - torch.log(
            math.sqrt(2 * math.pi) * self.noise_std).sum()

    def log_prior(self, w: torch.Tensor) -> torch.Tensor:
        r""":math:`\log\mathcal N(w; 0, s^2 I)` per row: (C,)."""
        s = self.prior_std
        return -0.5 * (w**2).sum(1) / s**2 - w.shape[1] * math.log(
            math.sqrt(2 * math.pi) * s)

    def log_prob(self, w: torch.Tensor) -> torch.Tensor:
        """The unnormalised log posterior per row of w (C, P): (C,)."""
        if w.dim() != 2 or w.shape[1] != self.num_weights:
            raise ValueError(f"w must have shape (C, {self.num_weights}), got "
                             f"{tuple(w.shape)}")
        return self.log_likelihood(w) + self.log_prior(w)

    def prior_draws(self, num: int, generator: torch.Generator | None = None):
        """``num`` draws of w from the prior: (num, P), float64."""
        num = _validate.positive_int("num", num)
        return self.prior_std * torch.randn(num, self.num_weights, generator=generator,
                                            dtype=torch.float64)


#: Chapter 8's data: chapter 7's at n = 1200 (800 training points), one in three kept.
POSTERIOR_DATA = {"n": 1200, "n_beyond": 300, "every": 3}


def book_posterior(
    prior_std: float = 1.0, hidden: int = 10, seed: int = 0, every: int = 3,
) -> tuple[WeightPosterior, HeteroDataset, np.ndarray]:
    """Chapter 8's posterior: ``make_hetero_dataset(n=1200, n_beyond=300, seed)``,
    every ``every``-th training point (267 at the defaults) and the true noise
    σ(x) = 0.3 + 0.57|x| as the known noise.

    Returns ``(posterior, data, train_idx)``: the held-out regions are
    ``data.regions``; ``train_idx`` indexes ``data.x`` like ``data.train_idx``.
    """
    every = _validate.positive_int("every", every)
    data = make_hetero_dataset(n=POSTERIOR_DATA["n"],
                               n_beyond=POSTERIOR_DATA["n_beyond"], seed=seed)
    idx = data.train_idx[::every]
    posterior = WeightPosterior(data.x[idx, 0], data.y[idx, 0], data.noise_std[idx, 0],
                                hidden, prior_std)
    return posterior, data, idx


def canonical(w: torch.Tensor, hidden: int) -> torch.Tensor:
    r"""w with the network's symmetries removed: (C, P) -> (C, P).

    The same function has :math:`2^H H!` weight vectors: flipping the signs of
    :math:`(a_j, b_j, v_j)` (tanh is odd) and permuting the units. Here each unit
    is flipped so that :math:`a_j \ge 0` and the units are sorted by where their
    tanh bends, :math:`-b_j/a_j`; draws from symmetric copies of one mode then
    coincide, so weights can be compared across chains and with VI.
    """
    h = hidden
    a, b, v, c = w[:, :h], w[:, h:2 * h], w[:, 2 * h:3 * h], w[:, 3 * h:]
    sign = torch.where(a < 0, -1.0, 1.0).to(w.dtype)
    a, b, v = a * sign, b * sign, v * sign
    order = torch.argsort(-b / a.clamp(min=1e-12), dim=1)
    a, b, v = (t.gather(1, order) for t in (a, b, v))
    return torch.cat([a, b, v, c], dim=1)


# ------------------------------------------------------------------------ HMC


def value_and_grad(log_prob, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``log_prob(w)`` (C,) and its gradient in w (C, P), by autograd."""
    w = w.detach().requires_grad_(True)
    lp = log_prob(w)
    (grad,) = torch.autograd.grad(lp.sum(), w)
    return lp.detach(), grad


def leapfrog(log_prob, w, p, grad, step_size, inv_mass, num_steps):
    r"""``num_steps`` leapfrog steps of Hamiltonian dynamics for every chain.

    With :math:`H(w, p) = -\log\pi(w) + \tfrac12 p^\top M^{-1}p` and step ε:

    .. math:: p \leftarrow p + \tfrac\varepsilon2\nabla\log\pi(w),\quad
              w \leftarrow w + \varepsilon M^{-1}p,\quad
              p \leftarrow p + \tfrac\varepsilon2\nabla\log\pi(w)

    w, p, grad, inv_mass (C, P); step_size (C, 1). Returns the new
    ``(w, p, log_prob, grad)``.
    """
    p = p + 0.5 * step_size * grad
    for i in range(num_steps):
        w = w + step_size * inv_mass * p
        lp, grad = value_and_grad(log_prob, w)
        p = p + (step_size if i < num_steps - 1 else 0.5 * step_size) * grad
    return w, p, lp, grad


#: An end point whose energy is this much above the start's is a divergence.
DIVERGENCE_ENERGY = 1000.0


@dataclass
class HMCResult:
    """What :func:`hmc` returns. ``samples`` (C, S, P) after warm-up (thinned);
    ``log_prob`` (C, S); per chain (C,): ``step_size``, ``accept_rate`` (mean
    acceptance probability after warm-up), ``divergences`` (non-finite or
    energy error > :data:`DIVERGENCE_ENERGY`, rejected); ``inv_mass`` (C, P),
    the adapted diagonal."""

    samples: torch.Tensor
    log_prob: torch.Tensor
    step_size: torch.Tensor
    accept_rate: torch.Tensor
    divergences: torch.Tensor
    inv_mass: torch.Tensor
    num_steps: int


class SamplerDiverged(FloatingPointError):
    """``log_prob`` gave NaN at a finite w; ``iteration`` says when."""

    def __init__(self, iteration: int, chains: list[int]) -> None:
        super().__init__(f"log_prob became NaN at iteration {iteration} in chains "
                         f"{chains}; check the model for 0/0 or inf - inf")
        self.iteration = iteration


def hmc(
    log_prob,
    init: torch.Tensor,
    num_warmup: int = 1000,
    num_samples: int = 1000,
    num_steps: int = 50,
    target_accept: float = 0.8,
    thin: int = 1,
    step_size: float = 0.01,
    generator: torch.Generator | None = None,
) -> HMCResult:
    r"""Hamiltonian Monte Carlo (Neal, 2011) for C chains at once, vectorised.

    Each iteration draws a momentum :math:`p \sim \mathcal N(0, M)`, runs
    between ``num_steps``/2 and ``num_steps`` :func:`leapfrog` steps (drawn anew
    each time, the same for all chains), and accepts the end point with
    probability :math:`\min(1, e^{H(w,p) - H(w',p')})`; an end point with an
    infinite energy, or one :data:`DIVERGENCE_ENERGY` above the start, is
    rejected and counted as a divergence, and a NaN ``log_prob`` at a finite w raises
    :class:`SamplerDiverged` naming the iteration. Warm-up (discarded)
    tunes each chain's step size by dual averaging to an acceptance of
    ``target_accept`` (Hoffman & Gelman, 2014) and, in its middle, the diagonal
    mass matrix :math:`M^{-1}` to the chain's own variance of w (as Stan does).

    ``log_prob`` maps (C, P) to (C,); ``init`` (C, P) are the starts. Returns an
    :class:`HMCResult` with ``num_samples // thin`` draws per chain.
    """
    if not isinstance(init, torch.Tensor) or init.dim() != 2:
        raise ValueError(f"init must be a (chains, weights) tensor, got {init!r:.60}")
    num_warmup = _validate.positive_int("num_warmup", num_warmup)
    num_samples = _validate.positive_int("num_samples", num_samples)
    num_steps = _validate.positive_int("num_steps", num_steps)
    target_accept = _validate.open_unit("target_accept", target_accept)
    thin = _validate.positive_int("thin", thin)
    step_size = _validate.positive_float("step_size", step_size)
    w = init.detach().double()
    lp, grad = value_and_grad(log_prob, w)
    if not bool(torch.isfinite(lp).all()):
        raise ValueError(f"init must have a finite log_prob in every chain, got {lp}")
    chains, dim = w.shape
    inv_mass = torch.ones_like(w)
    eps = torch.full((chains, 1), step_size, dtype=w.dtype)
    window = (num_warmup * 3 // 20, num_warmup * 3 // 4)  # mass adapted in between
    adapt = _DualAveraging(eps, target_accept)
    collected, kept, kept_lp = [], [], []
    accept_sum = torch.zeros(chains, dtype=w.dtype)
    divergences = torch.zeros(chains, dtype=torch.long)
    for it in range(num_warmup + num_samples):
        p = torch.randn(w.shape, generator=generator, dtype=w.dtype) / inv_mass.sqrt()
        steps = int(torch.randint(num_steps // 2 + 1, num_steps + 1, (1,),
                                  generator=generator))
        energy = -lp + 0.5 * (inv_mass * p**2).sum(1)
        w_new, p_new, lp_new, grad_new = leapfrog(log_prob, w, p, grad, eps, inv_mass,
                                                  steps)
        nan = torch.isnan(lp_new) & torch.isfinite(w_new).all(1)
        if bool(nan.any()):  # a NaN at a finite point is the model's, not the step's
            raise SamplerDiverged(it, torch.nonzero(nan).flatten().tolist())
        delta = energy - (-lp_new + 0.5 * (inv_mass * p_new**2).sum(1))
        bad = ~torch.isfinite(delta) | (delta < -DIVERGENCE_ENERGY)
        delta = torch.where(bad, torch.full_like(delta, -math.inf), delta)
        accept_prob = delta.clamp(max=0).exp()
        take = torch.rand(chains, generator=generator, dtype=w.dtype) < accept_prob
        w = torch.where(take[:, None], w_new, w)
        lp = torch.where(take, lp_new, lp)
        grad = torch.where(take[:, None], grad_new, grad)
        if it < num_warmup:
            eps = adapt.update(accept_prob, final=it == num_warmup - 1)
            if window[0] <= it < window[1] and it >= (window[0] + window[1]) // 2:
                collected.append(w)
            if it == window[1] - 1 and len(collected) > 1:
                n = len(collected)
                var = torch.stack(collected).var(0)
                inv_mass = (n / (n + 5)) * var + 1e-3 * 5 / (n + 5)  # Stan's shrinkage
                adapt = _DualAveraging(eps, target_accept)
        else:
            accept_sum += accept_prob
            divergences += bad
            if (it - num_warmup) % thin == 0:
                kept.append(w)
                kept_lp.append(lp)
    return HMCResult(torch.stack(kept, 1), torch.stack(kept_lp, 1), eps.squeeze(1),
                     accept_sum / num_samples, divergences, inv_mass, num_steps)


class _DualAveraging:
    """Nesterov dual averaging of log ε per chain (Hoffman & Gelman, 2014, alg. 5)."""

    def __init__(self, eps, target, gamma=0.05, t0=10.0, kappa=0.75):
        self.mu, self.target = torch.log(10 * eps), target
        self.gamma, self.t0, self.kappa = gamma, t0, kappa
        self.t, self.h_bar = 0, torch.zeros_like(eps)
        self.log_eps_bar = torch.zeros_like(eps)

    def update(self, accept_prob, final=False):
        self.t += 1
        t = self.t
        eta = 1 / (t + self.t0)
        self.h_bar = (1 - eta) * self.h_bar + eta * (self.target - accept_prob[:, None])
        log_eps = self.mu - math.sqrt(t) / self.gamma * self.h_bar
        weight = t ** -self.kappa
        self.log_eps_bar = weight * log_eps + (1 - weight) * self.log_eps_bar
        return torch.exp(self.log_eps_bar if final else log_eps)


# ------------------------------------------------------ what approximates it


class MeanFieldGaussian(torch.nn.Module):
    r"""Mean-field Gaussian :math:`q(w) = \prod_k\mathcal N(\mu_k, \sigma_k^2)` over
    the P weights, :math:`\sigma_k = \operatorname{softplus}(\rho_k)`: Bayes by
    Backprop's q (chapter 5), on the flat weights of a :class:`WeightPosterior`."""

    def __init__(self, mu: torch.Tensor, init_std: float = 1e-3) -> None:
        super().__init__()
        init_std = _validate.positive_float("init_std", init_std)
        self.mu = torch.nn.Parameter(mu.detach().double().clone())
        rho = math.log(math.expm1(init_std))  # softplus(rho) = init_std
        self.rho = torch.nn.Parameter(torch.full_like(self.mu, rho))

    @property
    def std(self) -> torch.Tensor:
        return torch.nn.functional.softplus(self.rho)

    def sample(self, num: int, generator: torch.Generator | None = None):
        r"""``num`` reparameterised draws :math:`\mu + \sigma\varepsilon`: (num, P)."""
        eps = torch.randn(num, len(self.mu), generator=generator, dtype=self.mu.dtype)
        return self.mu + self.std * eps


def fit_mean_field(
    posterior: WeightPosterior, steps: int = 4000, lr: float = 1e-2,
    num_draws: int = 8, seed: int = 0, init: torch.Tensor | None = None,
) -> tuple[MeanFieldGaussian, list[float]]:
    r"""Bayes by Backprop on ``posterior``: Adam on the negative ELBO per point,

    .. math:: -\frac1N\Big[\frac1K\sum_{k=1}^K\log p(y\mid w_k)
              - \mathrm{KL}\big(q\,\|\,\mathcal N(0, s^2I)\big)\Big],
              \quad w_k = \mu + \sigma\varepsilon_k,

    with ``num_draws`` = K draws per step and the whole training set each step;
    μ starts at ``init`` (P,) (e.g. a MAP from :func:`fit_map`), else at 0.5 × a
    prior draw, and σ at 1e-3. Returns ``(q, losses)``; a NaN loss raises naming
    the step.
    """
    steps = _validate.positive_int("steps", steps)
    lr = _validate.positive_float("lr", lr)
    num_draws = _validate.positive_int("num_draws", num_draws)
    gen = torch.Generator().manual_seed(_validate.seed(seed))
    if init is None:
        init = 0.5 * posterior.prior_draws(1, gen)[0]
    elif not isinstance(init, torch.Tensor) or init.shape != (posterior.num_weights,):
        raise ValueError(f"init must be a tensor of shape ({posterior.num_weights},), "
                         f"got {getattr(init, 'shape', init)!r}")
    q = MeanFieldGaussian(init)
    opt = torch.optim.Adam(q.parameters(), lr=lr)
    n, losses = len(posterior.x), []
    for step in range(steps):
        opt.zero_grad()
        expected = posterior.log_likelihood(q.sample(num_draws, gen)).mean()
        kl = gaussian_kl(q.mu, q.std, 0.0, posterior.prior_std).sum()
        loss = -(expected - kl) / n
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the negative ELBO became {loss.item()} at step "
                                     f"{step}; try a smaller lr")
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return q, losses


def fit_map(
    posterior: WeightPosterior, num: int = 1, steps: int = 2000, seed: int = 0,
) -> torch.Tensor:
    r"""``num`` maximum-a-posteriori weights from ``num`` starts (0.5 × prior draws),
    trained side by side: L-BFGS with a strong-Wolfe line search on
    :math:`-\sum_m\log p(w_m\mid y)/N`, at most ``steps`` iterations (the
    problems are independent, so the sum's optimum is each one's). Returns (num, P):
    the members of a deep ensemble. A NaN loss raises naming the evaluation.
    """
    num = _validate.positive_int("num", num)
    steps = _validate.positive_int("steps", steps)
    gen = torch.Generator().manual_seed(_validate.seed(seed))
    w = torch.nn.Parameter(0.5 * posterior.prior_draws(num, gen))
    opt = torch.optim.LBFGS([w], max_iter=steps, tolerance_grad=1e-9,
                            tolerance_change=1e-12, history_size=50,
                            line_search_fn="strong_wolfe")
    calls = []

    def closure():
        opt.zero_grad()
        loss = -posterior.log_prob(w).sum() / len(posterior.x)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the MAP loss became {loss.item()} at "
                                     f"evaluation {len(calls)}")
        calls.append(loss.item())
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach()


def full_laplace(posterior: WeightPosterior, w_map: torch.Tensor):
    r"""The linearised Laplace approximation at ``w_map`` (P,): returns
    ``predict(x) -> (mean, var)`` of :math:`f(x)`, each (n,), with

    .. math:: \Sigma = \Big(\sum_i\frac{J_i^\top J_i}{\sigma_i^2} + \frac{I}{s^2}
              \Big)^{-1},\qquad \operatorname{Var}f(x) = J(x)\,\Sigma\,J(x)^\top

    where J is the Jacobian of :math:`f_w(x)` in w at ``w_map`` (the GGN).
    """
    _check_map(posterior, w_map)

    def jacobian(x):
        return torch.func.jacrev(lambda w: posterior.mean(w[None], x)[0])(w_map)

    jac = jacobian(posterior.x)  # (N, P)
    precision = jac.T @ (jac / posterior.noise_std[:, None] ** 2) + torch.eye(
        len(w_map), dtype=jac.dtype) / posterior.prior_std**2
    cov = torch.linalg.inv(precision)

    def predict(x):
        j = jacobian(x.double())
        return posterior.mean(w_map[None], x.double())[0], ((j @ cov) * j).sum(1)

    return predict


def last_layer_laplace(posterior: WeightPosterior, w_map: torch.Tensor):
    r"""``w_map``'s hidden layer fixed, its output layer (v, c) made Bayesian in
    closed form (:func:`~vi_helpers.baselines.bayesian_linear_regression`, with the
    known noise and the prior precision :math:`1/s^2`): returns ``predict(x) ->
    (mean, var)`` of :math:`f(x)`, each (n,)."""
    _check_map(posterior, w_map)
    h = posterior.hidden

    def features(x):  # φ(x) = [tanh(a x + b), 1], (n, H + 1), standardised scale
        z = torch.tanh(x.double()[:, None] * w_map[:h] + w_map[h:2 * h])
        return torch.cat([z, torch.ones_like(z[:, :1])], dim=1)

    ys = (posterior.y - posterior.y_mean) / posterior.y_scale
    noise_var = (posterior.noise_std / posterior.y_scale)[:, None] ** 2
    m, cov = bayesian_linear_regression(features(posterior.x), ys[:, None], noise_var,
                                        1 / posterior.prior_std**2)

    def predict(x):
        phi = features(x)
        mean = posterior.y_mean + posterior.y_scale * (phi @ m)[:, 0]
        return mean, posterior.y_scale**2 * ((phi @ cov) * phi).sum(1)

    return predict


def _check_map(posterior, w_map):
    if not isinstance(w_map, torch.Tensor) or w_map.shape != (posterior.num_weights,):
        raise ValueError(f"w_map must be a tensor of shape ({posterior.num_weights},), "
                         f"got {getattr(w_map, 'shape', w_map)!r}")


def mixture_quantiles(
    means: torch.Tensor, stds: torch.Tensor, levels, iterations: int = 30,
    tol: float = 1e-7,
) -> torch.Tensor:
    r"""Quantiles of the equal-weight Gaussian mixture :math:`F(q) = \frac1S\sum_s
    \Phi\big((q - m_s(x))/s_s(x)\big)` at every x: Newton's steps on F(q) = u,
    kept inside a bracket that halves whenever a step would leave it.

    ``means`` and ``stds`` (S, n): one Gaussian per draw (a weight sample with the
    noise σ(x); one Gaussian for a Laplace approximation); ``levels`` in (0, 1).
    Stops once every level is met within ``tol``. Returns (len(levels), n).
    """
    _validate.same_shape(("means", "stds"), means, stds)
    levels = torch.as_tensor(levels).double()
    if levels.dim() != 1 or not bool(((levels > 0) & (levels < 1)).all()):
        raise ValueError(f"levels must be a list of numbers in (0, 1), got {levels}")
    means, stds = means.double()[None], stds.double()[None]  # (1, S, n)
    u = levels[:, None]  # (L, 1)
    lo = (means - 8 * stds).amin((0, 1)).expand(len(levels), -1)
    hi = (means + 8 * stds).amax((0, 1)).expand(len(levels), -1)
    mean = means.mean((0, 1))  # start: the moment-matched Normal's quantiles
    std = (stds**2 + means**2).mean((0, 1)).sub(mean**2).clamp(min=0).sqrt()
    q = mean + std * math.sqrt(2) * torch.erfinv(2 * u - 1)
    for _ in range(iterations):
        z = (q[:, None] - means) / stds  # (L, S, n)
        cdf = torch.special.ndtr(z).mean(1)
        pdf = (torch.exp(-0.5 * z**2) / stds).mean(1) / math.sqrt(2 * math.pi)
        if float((cdf - u).abs().max()) < tol:
            break
        below = cdf < u
        lo, hi = torch.where(below, q, lo), torch.where(below, hi, q)
        step = q - (cdf - u) / pdf
        q = torch.where((step >= lo) & (step <= hi), step, (lo + hi) / 2)
    return q
