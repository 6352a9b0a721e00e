"""Calibration metrics against closed forms and independent computations (scipy)."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from vi_helpers import metrics as M


def _gaussian_case(n=3000, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    mu = rng.normal(0, 3, n)
    sigma = rng.uniform(0.5, 2.0, n)
    y = mu + scale * sigma * rng.normal(size=n)
    return y, mu, sigma


@pytest.mark.parametrize("level", [0.5, 0.9, 0.95])
def test_central_interval_matches_scipy(level):
    _, mu, sigma = _gaussian_case(50)
    lower, upper = M.central_interval(mu, sigma, level)
    lo, hi = stats.norm.interval(level, loc=mu, scale=sigma)
    np.testing.assert_allclose(lower.numpy(), lo, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(upper.numpy(), hi, rtol=1e-12, atol=1e-12)


def test_normal_quantile_matches_scipy():
    for p in (0.05, 0.5, 0.95, 0.975, 1e-6):
        assert M.normal_quantile(p) == pytest.approx(stats.norm.ppf(p), abs=1e-12)


def test_interval_coverage_and_width_by_hand():
    y = torch.tensor([0.0, 1.0, 2.0, 3.0]).view(-1, 1)
    lower = torch.tensor([-1.0, 1.0, 2.5, 0.0]).view(-1, 1)  # (N, 1) works too
    upper = torch.tensor([1.0, 2.0, 3.0, 3.0]).view(-1, 1)
    # inside, on the lower edge, below, on the upper edge
    assert M.interval_coverage(y, lower, upper) == 0.75
    assert M.mean_width(lower, upper) == pytest.approx((2 + 1 + 0.5 + 3) / 4)


@pytest.mark.parametrize("level", [0.5, 0.9, 0.95])
def test_gaussian_coverage_counts_points_within_z_sigma(level):
    y, mu, sigma = _gaussian_case()
    z = stats.norm.ppf(0.5 + level / 2)
    expected = np.mean(np.abs(y - mu) <= z * sigma)
    assert M.gaussian_coverage(y, mu, sigma, level) == expected
    # calibrated predictions cover about `level` (binomial sd < 0.01 for n=3000)
    assert abs(expected - level) < 0.03
    assert M.gaussian_width(sigma, level) == pytest.approx(2 * z * sigma.mean())


def test_gaussian_nll_matches_scipy_logpdf_and_its_expectation():
    y, mu, sigma = _gaussian_case()
    expected = -stats.norm.logpdf(y, mu, sigma).mean()
    assert M.gaussian_nll(y, mu, sigma) == pytest.approx(expected, rel=1e-12)
    # the true model's NLL is 0.5 log(2 pi e sigma^2) on average
    y, mu = np.zeros(200_000), np.random.default_rng(1).normal(0, 1.5, 200_000)
    assert M.gaussian_nll(y, mu, np.full_like(y, 1.5)) == pytest.approx(
        0.5 * math.log(2 * math.pi * math.e * 1.5**2), abs=0.01
    )


@pytest.mark.parametrize("y, mu, sigma", [(0.3, 0.0, 1.0), (-2.0, 1.0, 0.5), (7.0, 4.0, 3.0)])
def test_crps_gaussian_equals_the_integral_of_the_squared_cdf_difference(y, mu, sigma):
    # CRPS(F, y) = integral of (F(t) - 1[t >= y])^2 dt, done numerically by scipy
    def below(t):
        return stats.norm.cdf(t, mu, sigma) ** 2

    def above(t):
        return (1 - stats.norm.cdf(t, mu, sigma)) ** 2

    expected = integrate.quad(below, -np.inf, y)[0] + integrate.quad(above, y, np.inf)[0]
    got = M.crps_gaussian(np.array([y]), np.array([mu]), np.array([sigma]))
    assert got == pytest.approx(expected, rel=1e-7)


def test_crps_gaussian_of_the_true_model_is_sigma_over_root_pi():
    rng = np.random.default_rng(2)
    y = rng.normal(0, 1.5, 200_000)
    got = M.crps_gaussian(y, np.zeros_like(y), np.full_like(y, 1.5))
    assert got == pytest.approx(1.5 / math.sqrt(math.pi), abs=0.005)


def test_crps_samples_equals_the_direct_double_sum():
    rng = np.random.default_rng(3)
    y = rng.normal(size=7)
    x = rng.normal(size=(7, 11))
    direct = np.mean(
        np.abs(x - y[:, None]).mean(1)
        - 0.5 * np.abs(x[:, :, None] - x[:, None, :]).mean((1, 2))
    )
    assert M.crps_samples(y, x) == pytest.approx(direct, rel=1e-12)


def test_crps_samples_agrees_with_the_closed_form_for_many_samples():
    y, mu, sigma = _gaussian_case(n=400, seed=4)
    rng = np.random.default_rng(5)
    samples = mu[:, None] + sigma[:, None] * rng.normal(size=(400, 4000))
    closed = M.crps_gaussian(y, mu, sigma)
    # the empirical CRPS is biased by E|X - X'| / (2M) = sigma / (sqrt(pi) M)
    assert M.crps_samples(y, samples) == pytest.approx(closed, rel=0.01)


def test_rmse_matches_numpy():
    a, b, _ = _gaussian_case(100)
    assert M.rmse(a, b) == pytest.approx(np.sqrt(np.mean((a - b) ** 2)), rel=1e-12)
    assert M.rmse(torch.tensor(a).view(-1, 1), torch.tensor(b)) == pytest.approx(
        M.rmse(a, b), rel=1e-12
    )


def test_calibration_curve_is_diagonal_when_calibrated_and_above_when_too_wide():
    y, mu, sigma = _gaussian_case(n=5000)
    levels, observed = M.calibration_curve(y, mu, sigma)
    assert levels.shape == observed.shape == (19,)
    np.testing.assert_allclose(observed, levels, atol=0.03)
    for q, o in zip(levels, observed):
        assert o == M.gaussian_coverage(y, mu, sigma, q)
    _, wide = M.calibration_curve(y, mu, 3 * sigma, levels=[0.5, 0.9])
    assert (wide > [0.5, 0.9]).all()
    assert wide[1] == pytest.approx(2 * stats.norm.cdf(3 * 1.645) - 1, abs=0.01)


def test_gaussian_scores_collects_every_metric():
    y, mu, sigma = _gaussian_case(200)
    scores = M.gaussian_scores(y, mu, sigma, y_true=mu)
    assert list(scores) == ["coverage_50", "coverage_90", "coverage_95", "width_90",
                            "nll", "crps", "rmse_y", "rmse_f"]
    assert scores["rmse_f"] == 0
    assert scores["crps"] == M.crps_gaussian(y, mu, sigma)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: M.gaussian_coverage([1.0], [1.0], [1.0]), "y must be a torch.Tensor or numpy array, got list"),
        (lambda: M.rmse(np.zeros(3), np.zeros(4)), r"lengths differ: pred=3, target=4"),
        (lambda: M.rmse(np.zeros((3, 2)), np.zeros(3)), r"pred must have shape \(N,\) or \(N, 1\), got \(3, 2\)"),
        (lambda: M.rmse(np.zeros(0), np.zeros(0)), "pred must not be empty"),
        (lambda: M.gaussian_nll(np.zeros(2), np.zeros(2), np.array([1.0, 0.0])), "sigma must be > 0 everywhere"),
        (lambda: M.gaussian_nll(np.array([np.nan, 0]), np.zeros(2), np.ones(2)), "y holds 1 NaN"),
        (lambda: M.gaussian_coverage(np.zeros(2), np.zeros(2), np.ones(2), 1.0), "level must lie strictly between 0 and 1, got 1.0"),
        (lambda: M.gaussian_coverage(np.zeros(2), np.zeros(2), np.ones(2), 90), "level must lie strictly between 0 and 1, got 90"),
        (lambda: M.interval_coverage(np.zeros(2), np.ones(2), np.zeros(2)), "lower must be <= upper"),
        (lambda: M.crps_samples(np.zeros(2), np.zeros((3, 5))), r"samples must have shape \(2, num_samples\), got \(3, 5\)"),
        (lambda: M.calibration_curve(np.zeros(2), np.zeros(2), np.ones(2), levels=[]), "levels must be a non-empty sequence"),
        (lambda: M.calibration_curve(np.zeros(2), np.zeros(2), np.ones(2), levels=[0.5, 1.5]), "levels must lie strictly between 0 and 1, got 1.5"),
    ],
)
def test_bad_input_is_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()
