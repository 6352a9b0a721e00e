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


# ------------------------------------------------- mixtures: what sampling methods predict


def _mixture_case(s=7, n=40, seed=0):
    """y (n,) drawn from equal-weight mixtures of s Gaussians, mus and sigmas (s, n)."""
    rng = np.random.default_rng(seed)
    mus = rng.normal(0, 2, (s, n))
    sigmas = rng.uniform(0.3, 2.0, (s, n))
    pick = rng.integers(0, s, n)
    y = mus[pick, np.arange(n)] + sigmas[pick, np.arange(n)] * rng.normal(size=n)
    return y, mus, sigmas


def test_mixture_nll_matches_torch_mixture_same_family():
    from torch.distributions import Categorical, MixtureSameFamily, Normal

    y, mus, sigmas = _mixture_case()
    y[:2] = [200.0, -300.0]  # every component's density underflows to 0 there
    t = torch.tensor
    mixture = MixtureSameFamily(Categorical(logits=torch.zeros(40, 7, dtype=torch.float64)),
                                Normal(t(mus).T, t(sigmas).T))
    ref = -mixture.log_prob(t(y)).mean().item()
    assert M.mixture_nll(y, mus, sigmas) == pytest.approx(ref, rel=1e-12, abs=1e-12)
    # the log-sum-exp is what keeps those two points finite
    naive = stats.norm.pdf(y, mus, sigmas).mean(0)
    assert naive[0] == 0 and math.isfinite(M.mixture_nll(y, mus, sigmas))
    # (S, N, 1) tensors, as model.components returns them, read the same
    as_components = M.mixture_nll(t(y).view(-1, 1), t(mus).unsqueeze(-1),
                                  t(sigmas).unsqueeze(-1))
    assert as_components == M.mixture_nll(y, mus, sigmas)
    # one component is the Gaussian NLL
    assert M.mixture_nll(y, mus[:1], sigmas[:1]) == pytest.approx(
        M.gaussian_nll(y, mus[0], sigmas[0]), rel=1e-12)


def _crps_by_integration(y, mus, sigmas):
    r"""Per point, :math:`\int (F(z) - 1\{z \ge y\})^2 dz` of the mixture's CDF F."""
    out = []
    for i in range(len(y)):
        def cdf(z, i=i):
            return stats.norm.cdf(z, mus[:, i], sigmas[:, i]).mean()

        lo = min(y[i], (mus[:, i] - 12 * sigmas[:, i]).min())  # F < 1e-32 below
        hi = max(y[i], (mus[:, i] + 12 * sigmas[:, i]).max())  # 1 - F < 1e-32 above
        below = integrate.quad(lambda z: cdf(z) ** 2, lo, y[i], epsabs=1e-13,
                               epsrel=1e-12, limit=200)[0]
        above = integrate.quad(lambda z: (1 - cdf(z)) ** 2, y[i], hi, epsabs=1e-13,
                               epsrel=1e-12, limit=200)[0]
        out.append(below + above)
    return np.array(out)


def test_crps_mixture_is_the_integral_of_the_squared_cdf_difference():
    y, mus, sigmas = _mixture_case(s=5, n=12, seed=1)
    y[0] = 9.0  # one point in the tails
    ref = _crps_by_integration(y, mus, sigmas)
    for i in range(12):
        assert M.crps_mixture(y[[i]], mus[:, [i]], sigmas[:, [i]]) == pytest.approx(
            ref[i], rel=1e-8, abs=1e-10)
    assert M.crps_mixture(y, mus, sigmas) == pytest.approx(ref.mean(), rel=1e-9)


def test_crps_mixture_of_one_component_is_the_gaussian_crps():
    y, mu, sigma = _gaussian_case(500, seed=4)
    assert M.crps_mixture(y, mu[None], sigma[None]) == pytest.approx(
        M.crps_gaussian(y, mu, sigma), rel=1e-12)


@pytest.mark.parametrize("pairs_per_chunk", [1, 4 * 30 * 20, 2**22])
def test_crps_mixture_sums_every_pair_whatever_the_chunk(pairs_per_chunk, monkeypatch):
    """Blocks of 1, 4 (30 components: a partial last block) and all components give
    the formula summed over all S² pairs at once, with E|Z| of scipy's folded normal."""
    y, mus, sigmas = _mixture_case(s=30, n=20, seed=2)
    monkeypatch.setattr(M, "PAIRS_PER_CHUNK", pairs_per_chunk)

    def expected_abs(m, v):  # E|Z|, Z ~ N(m, v)
        return stats.foldnorm.mean(np.abs(m) / np.sqrt(v), scale=np.sqrt(v))

    first = expected_abs(y - mus, sigmas**2).mean(0)
    pairs = expected_abs(mus[:, None] - mus[None], sigmas[:, None] ** 2 + sigmas[None] ** 2)
    ref = (first - 0.5 * pairs.mean((0, 1))).mean()
    assert M.crps_mixture(y, mus, sigmas) == pytest.approx(ref, rel=1e-10)


def test_mixture_scores_refuse_bad_arguments():
    y, mus, sigmas = _mixture_case()
    for score in (M.mixture_nll, M.crps_mixture):
        with pytest.raises(ValueError, match=r"mus must have shape \(S, 40\) or "
                           r"\(S, 40, 1\), got \(7, 39\)"):
            score(y, mus[:, 1:], sigmas)
        with pytest.raises(ValueError, match=r"shapes differ: mus=\(7, 40\), "
                           r"sigmas=\(5, 40\)"):
            score(y, mus, sigmas[:5])
        with pytest.raises(ValueError, match="sigmas must be > 0 everywhere, got min 0.0"):
            score(y, mus, 0 * sigmas)
        with pytest.raises(ValueError, match="mus must be a torch.Tensor or numpy array, "
                           "got list"):
            score(y, mus.tolist(), sigmas)
        with pytest.raises(ValueError, match=r"mus holds 1 NaN or infinite value\(s\)"):
            score(y, np.where(np.arange(7 * 40).reshape(7, 40) == 3, np.nan, mus), sigmas)
        with pytest.raises(ValueError, match=r"y must have shape \(N,\) or \(N, 1\)"):
            score(np.zeros((40, 2)), mus, sigmas)


def test_mixture_scores_per_point_average_to_the_mean_scores():
    g = torch.Generator().manual_seed(5)
    y = torch.randn(40, generator=g, dtype=torch.float64)
    mus = torch.randn(7, 40, generator=g, dtype=torch.float64)
    sigmas = torch.rand(7, 40, generator=g, dtype=torch.float64) + 0.2
    for score in (M.mixture_nll, M.crps_mixture):
        points = score(y, mus, sigmas, per_point=True)
        assert points.shape == (40,)
        assert points.mean() == pytest.approx(score(y, mus, sigmas), abs=1e-12)
        one = score(y[3:4], mus[:, 3:4], sigmas[:, 3:4])
        assert points[3] == pytest.approx(one, abs=1e-12)
