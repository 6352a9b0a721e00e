"""Losses against torch's own reference implementations, in float64."""

import math

import torch
import torch.nn.functional as F
from torch.distributions import Normal

import vi_helpers as vh
from benchmarks import source_reference as src


def _rand(n=257, seed=1):
    g = torch.Generator().manual_seed(seed)
    y = torch.randn(n, 1, generator=g, dtype=torch.float64) * 3
    mu = torch.randn(n, 1, generator=g, dtype=torch.float64) * 3
    log_var = torch.randn(n, 1, generator=g, dtype=torch.float64)
    return y, mu, log_var


def test_half_mse_is_half_of_torch_mse():
    y, mu, _ = _rand()
    torch.testing.assert_close(
        vh.half_mse(mu, y), 0.5 * F.mse_loss(mu, y), rtol=1e-12, atol=1e-12
    )


def test_gaussian_log_likelihood_matches_normal_log_prob():
    y, mu, log_var = _rand()
    expected = Normal(mu, torch.exp(0.5 * log_var)).log_prob(y)
    got = vh.gaussian_log_likelihood(y, mu, log_var)
    assert got.shape == y.shape
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)


def test_gaussian_log_likelihood_takes_scalar_prior():
    y, _, _ = _rand()
    f64 = torch.float64
    expected = Normal(torch.tensor(2.0, dtype=f64), torch.tensor(7.0, dtype=f64).sqrt()).log_prob(y)
    got = vh.gaussian_log_likelihood(y, 2.0, math.log(7.0))
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)


def test_negative_elbo_is_minus_mean_of_three_log_densities():
    y, mu, log_var = _rand()
    sample = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
    m, P = 0.3, 9.0
    q = Normal(mu, torch.exp(0.5 * log_var))
    prior = Normal(torch.tensor(m, dtype=torch.float64),
                   torch.tensor(P, dtype=torch.float64).sqrt())
    expected = -(q.log_prob(y) + prior.log_prob(sample) - q.log_prob(sample)).mean()
    got = vh.negative_elbo(sample, y, mu, log_var, prior_mean=m, prior_var=P)
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)


def test_losses_equal_the_sources_bit_for_bit_in_float32():
    y, mu, log_var = (t.float() for t in _rand())
    sample = mu + (torch.exp(0.5 * log_var) + 1e-5) * torch.randn_like(mu)
    assert torch.equal(vh.half_mse(mu, y), src.MSE(mu, y))
    assert torch.equal(vh.gaussian_log_likelihood(y, mu, log_var),
                       src.gauss_LL(y, mu, log_var))
    m, P = y.mean().item(), y.var().item()
    neg_elbo = src.make_neg_ELBO(m, P)
    assert torch.equal(vh.negative_elbo(sample, y, mu, log_var, m, P),
                       neg_elbo(sample, y, mu, log_var))


def test_prior_from_targets_is_mean_and_unbiased_variance():
    y = torch.tensor([[1.0], [2.0], [6.0]])
    m, P = vh.prior_from_targets(y)
    assert m == 3.0
    assert math.isclose(P, 7.0, rel_tol=1e-6)


def test_loss_gradients_reach_both_heads():
    model = vh.VariationalRegressor()
    x = torch.linspace(-3, 3, 64).view(-1, 1)
    y = vh.true_function(x)
    sample, mu, log_var = model(x)
    vh.negative_elbo(sample, y, mu, log_var, 0.0, 10.0).backward()
    for head in (model.q_mu, model.q_log_var):
        grads = [p.grad for p in head.parameters()]
        assert all(g is not None for g in grads)
        assert sum(float(g.abs().sum()) for g in grads) > 0
