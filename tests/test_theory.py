"""The expected loss of the source's objective, and its optimum, checked independently."""

import numpy as np
import pytest
import torch
from scipy import optimize

import vi_helpers as vh
from vi_helpers import theory

M_PRIOR, P_PRIOR, SIGMA = -0.4, 64.0, 1.5


@pytest.mark.parametrize("f, mu, s2", [(0.0, 0.5, 9.0), (-20.0, -8.0, 130.0), (6.0, 5.0, 16.0)])
def test_expected_negative_elbo_is_the_monte_carlo_mean_of_the_loss(f, mu, s2):
    # draw noise and eps many times; the source's loss on each draw, averaged
    g = torch.Generator().manual_seed(0)
    n = 400_000
    f64 = torch.float64
    y = f + SIGMA * torch.randn(n, 1, generator=g, dtype=f64)
    mu_t = torch.full((n, 1), mu, dtype=f64)
    log_var = torch.full((n, 1), float(np.log(s2)), dtype=f64)
    sample = mu_t + s2**0.5 * torch.randn(n, 1, generator=g, dtype=f64)
    mc = vh.negative_elbo(sample, y, mu_t, log_var, M_PRIOR, P_PRIOR).item()
    exact = theory.expected_negative_elbo(mu, s2, f, SIGMA, M_PRIOR, P_PRIOR)
    # standard error of the mean is below 0.003 for these cases
    assert float(exact) == pytest.approx(mc, abs=0.01)


@pytest.mark.parametrize("f", [-24.6, -5.0, 0.0, 6.5, 24.6])
def test_optimal_band_is_the_minimum_found_by_scipy(f):
    def objective(p):
        return float(theory.expected_negative_elbo(p[0], np.exp(p[1]), f, SIGMA, M_PRIOR, P_PRIOR))

    res = optimize.minimize(objective, x0=[f, 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20_000})
    mu, s = theory.optimal_band(np.array([f]), SIGMA, M_PRIOR, P_PRIOR)
    assert mu[0] == pytest.approx(res.x[0], abs=1e-6)
    assert s[0] == pytest.approx(np.exp(res.x[1] / 2), rel=1e-6)


def test_optimal_band_satisfies_both_equations_of_the_chapter():
    f = np.linspace(-25, 25, 501)
    mu, s = theory.optimal_band(f, SIGMA, M_PRIOR, P_PRIOR)
    np.testing.assert_allclose(s**4, P_PRIOR * (SIGMA**2 + (f - mu) ** 2), rtol=1e-9)
    np.testing.assert_allclose(mu, (P_PRIOR * f + s**2 * M_PRIOR) / (P_PRIOR + s**2),
                               rtol=1e-9, atol=1e-9)
    # never narrower than sqrt(sigma * sqrt(P)), the value at f = m
    assert (s >= np.sqrt(SIGMA * np.sqrt(P_PRIOR)) - 1e-12).all()
    mu0, s0 = theory.optimal_band(np.array([M_PRIOR]), SIGMA, M_PRIOR, P_PRIOR)
    assert mu0[0] == pytest.approx(M_PRIOR)
    assert s0[0] == pytest.approx(np.sqrt(SIGMA * np.sqrt(P_PRIOR)))


def test_theory_refuses_bad_input():
    with pytest.raises(ValueError, match="prior_var must be > 0, got 0"):
        theory.optimal_band(np.zeros(3), SIGMA, 0.0, 0)
    with pytest.raises(ValueError, match="f holds NaN"):
        theory.optimal_band(np.array([np.nan]), SIGMA, 0.0, 1.0)
    with pytest.raises(ValueError, match="s2 must be > 0"):
        theory.expected_negative_elbo(0.0, 0.0, 0.0, SIGMA, 0.0, 1.0)


def test_expected_coverage_matches_a_simulation():
    rng = np.random.default_rng(0)
    f, mu, s = 2.0, 2.5, 3.0
    y = rng.normal(f, SIGMA, 400_000)
    simulated = np.mean(np.abs(y - mu) <= 1.6448536269514722 * s)
    assert float(theory.expected_coverage(f, mu, s, SIGMA, 0.9)) == pytest.approx(simulated, abs=0.002)
    # a calibrated band covers exactly the level
    assert float(theory.expected_coverage(0.0, 0.0, SIGMA, SIGMA, 0.5)) == pytest.approx(0.5)
