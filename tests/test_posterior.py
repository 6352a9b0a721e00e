"""Chapter 8's reference posterior: the sampler (against known answers and Pyro's
NUTS), its bad input, and the committed result (book/data/posterior.json): a short
chain at HEAD agrees with it, its table recomputes from its per-point predictions,
and the cheap methods' seed 0 retrains to it."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from tools import posterior as tp
from vi_helpers.data import load_book_data
from vi_helpers.posterior import (
    MeanFieldGaussian,
    SamplerDiverged,
    WeightPosterior,
    book_posterior,
    canonical,
    fit_map,
    fit_mean_field,
    full_laplace,
    hmc,
    last_layer_laplace,
    mixture_quantiles,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def committed():
    return load_book_data("posterior")


def _gaussian_log_prob(mean, cov):
    precision = torch.linalg.inv(cov)
    return lambda w: -0.5 * (((w - mean) @ precision) * (w - mean)).sum(1)


def _ess(draws):
    """Pyro's effective sample size of (C, S, ...) draws."""
    from pyro.ops.stats import effective_sample_size
    return effective_sample_size(draws, chain_dim=0, sample_dim=1)


def _tiny_posterior(hidden=1, n=12):
    gen = torch.Generator().manual_seed(0)
    x = torch.linspace(-2, 2, n, dtype=torch.float64)
    y = 1.5 * torch.tanh(1.2 * x - 0.5) + 0.3 * torch.randn(n, generator=gen,
                                                            dtype=torch.float64)
    return WeightPosterior(x, y, torch.full_like(x, 0.3), hidden=hidden)


# ------------------------------------------------------------- the sampler


def test_hmc_draws_a_correlated_gaussian():
    mean = torch.tensor([1.0, -2.0], dtype=torch.float64)
    cov = torch.tensor([[1.0, 2.7], [2.7, 9.0]], dtype=torch.float64)  # ρ = 0.9
    gen = torch.Generator().manual_seed(0)
    result = hmc(_gaussian_log_prob(mean, cov), torch.randn(4, 2, generator=gen),
                 300, 600, num_steps=10, generator=gen)
    draws = result.samples  # (4, 600, 2)
    ess = _ess(draws)
    se = cov.diagonal().sqrt() / ess.sqrt()
    assert ((draws.reshape(-1, 2).mean(0) - mean).abs() < 4.5 * se).all()
    sd = draws.reshape(-1, 2).std(0)
    assert ((sd / cov.diagonal().sqrt() - 1).abs() < 4.5 / ess.sqrt()).all()
    assert 0.6 < float(result.accept_rate.mean()) < 1.0
    assert int(result.divergences.sum()) == 0


def test_an_energy_error_above_the_limit_is_a_divergence(monkeypatch):
    """The limit chapter 8 quotes (1,000) is the one the sampler applies: at a
    limit of 0.1, proposals whose energy rose by more count as divergences."""
    import vi_helpers.posterior as vp

    assert vp.DIVERGENCE_ENERGY == 1000
    log_prob = _gaussian_log_prob(torch.zeros(2, dtype=torch.float64),
                                  torch.eye(2, dtype=torch.float64))

    def run():
        gen = torch.Generator().manual_seed(0)
        return hmc(log_prob, torch.randn(4, 2, generator=gen), 50, 100,
                   num_steps=10, generator=gen)

    assert int(run().divergences.sum()) == 0
    monkeypatch.setattr(vp, "DIVERGENCE_ENERGY", 0.1)
    assert int(run().divergences.sum()) > 20


def test_the_gaussian_check_sees_another_target():
    """Sampling a Gaussian of correlation 0.45 instead shows (so the check can fail)."""
    mean = torch.tensor([1.0, -2.0], dtype=torch.float64)
    cov = torch.tensor([[1.0, 2.7], [2.7, 9.0]], dtype=torch.float64)
    wrong = _gaussian_log_prob(mean, cov * torch.tensor([[1.0, 0.5], [0.5, 1.0]],
                                                        dtype=torch.float64))
    gen = torch.Generator().manual_seed(0)
    result = hmc(wrong, torch.randn(4, 2, generator=gen), 300, 600, num_steps=10,
                 generator=gen)
    corr = torch.corrcoef(result.samples.reshape(-1, 2).T)[0, 1]
    assert abs(float(corr) - 0.9) > 0.3  # it sampled its own, different target


@pytest.mark.slow
def test_hmc_agrees_with_pyros_nuts_on_a_small_network():
    """The same 1-1-1 network posterior on 12 points: the predictive mean and
    standard deviation of f at three x agree within Monte-Carlo error."""
    import pyro
    from pyro.infer import MCMC, NUTS

    post = _tiny_posterior()
    xs = torch.tensor([-3.0, 0.0, 3.0], dtype=torch.float64)
    pyro.set_rng_seed(0)
    kernel = NUTS(potential_fn=lambda p: -post.log_prob(p["w"][None])[0])
    mcmc = MCMC(kernel, num_samples=400, warmup_steps=200, num_chains=1,
                initial_params={"w": torch.full((post.num_weights,), 0.1,
                                                dtype=torch.float64)},
                disable_progbar=True)
    mcmc.run()
    f_nuts = post.mean(mcmc.get_samples()["w"], xs)[None]  # (1, S, 3)
    gen = torch.Generator().manual_seed(0)
    result = hmc(post.log_prob, 0.1 * post.prior_draws(4, gen), 200, 400, num_steps=20,
                 generator=gen)
    f_hmc = post.mean(result.samples.reshape(-1, post.num_weights), xs).reshape(4, -1, 3)
    ess_nuts, ess_hmc = _ess(f_nuts), _ess(f_hmc)
    mean_nuts, mean_hmc = f_nuts.reshape(-1, 3).mean(0), f_hmc.reshape(-1, 3).mean(0)
    sd = f_hmc.reshape(-1, 3).std(0)
    se = sd * (1 / ess_nuts + 1 / ess_hmc).sqrt()
    assert ((mean_nuts - mean_hmc).abs() < 4.5 * se).all(), (mean_nuts, mean_hmc, se)
    # a standard deviation's relative error is about 1/sqrt(2 ESS); bound it by twice
    ratio = f_nuts.reshape(-1, 3).std(0) / sd
    assert ((ratio - 1).abs() < 4.5 * (1 / ess_nuts + 1 / ess_hmc).sqrt()).all(), ratio


def test_a_nan_log_prob_stops_the_sampler_and_names_the_iteration():
    def log_prob(w):
        lp = -0.5 * ((w - 5.0) ** 2).sum(1)
        return torch.where(w[:, 0] > 2.0, torch.full_like(lp, math.nan), lp)

    with pytest.raises(SamplerDiverged, match="at iteration"):
        hmc(log_prob, torch.zeros(2, 1), 50, 50, num_steps=5)


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize("kwargs, name", [
    ({"num_warmup": 0}, "num_warmup"), ({"num_samples": -1}, "num_samples"),
    ({"num_steps": 1.5}, "num_steps"), ({"target_accept": 1.0}, "target_accept"),
    ({"thin": 0}, "thin"), ({"step_size": -0.1}, "step_size"),
])
def test_hmc_names_a_bad_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        hmc(lambda w: -(w**2).sum(1), torch.zeros(2, 3), **kwargs)


def test_hmc_needs_a_batch_of_starts_with_a_finite_log_prob():
    with pytest.raises(ValueError, match="init"):
        hmc(lambda w: -(w**2).sum(1), torch.zeros(3))
    with pytest.raises(ValueError, match="init"):
        hmc(lambda w: -(w**2).sum(1) - math.inf, torch.zeros(2, 3))


def test_the_posterior_names_bad_input():
    x = torch.linspace(-1, 1, 5)
    with pytest.raises(ValueError, match="hidden"):
        WeightPosterior(x, x, torch.ones(5), hidden=0)
    with pytest.raises(ValueError, match="prior_std"):
        WeightPosterior(x, x, torch.ones(5), prior_std=0.0)
    with pytest.raises(ValueError, match="noise_std"):
        WeightPosterior(x, x, -torch.ones(5))
    with pytest.raises(ValueError, match="y"):
        WeightPosterior(x, x[:4], torch.ones(5))
    with pytest.raises(ValueError, match="x"):
        WeightPosterior(x.view(-1, 1), x, torch.ones(5))
    with pytest.raises(ValueError, match="x holds 1 NaN"):
        WeightPosterior(torch.tensor([0.0, math.nan]), x[:2], torch.ones(2))
    post = WeightPosterior(x, x, torch.ones(5), hidden=2)
    with pytest.raises(ValueError, match=r"w must have shape \(C, 7\)"):
        post.log_prob(torch.zeros(7))
    with pytest.raises(ValueError, match="w_map"):
        full_laplace(post, torch.zeros(6))
    with pytest.raises(ValueError, match="w_map"):
        last_layer_laplace(post, torch.zeros(2, 7))
    with pytest.raises(ValueError, match="every"):
        book_posterior(every=0)
    for kwargs, name in (({"steps": 0}, "steps"), ({"lr": 0.0}, "lr"),
                         ({"num_draws": 0}, "num_draws"), ({"seed": -1}, "seed")):
        with pytest.raises(ValueError, match=name):
            fit_mean_field(post, **kwargs)
    with pytest.raises(ValueError, match="num"):
        fit_map(post, num=0)
    with pytest.raises(ValueError, match="init"):
        fit_mean_field(post, init=torch.zeros(3))
    with pytest.raises(ValueError, match="init_std"):
        MeanFieldGaussian(torch.zeros(3), init_std=0.0)
    with pytest.raises(ValueError, match="levels"):
        mixture_quantiles(torch.zeros(2, 3), torch.ones(2, 3), [0.5, 1.0])


def test_a_nan_elbo_names_the_step():
    class Broken(WeightPosterior):
        def log_likelihood(self, w):
            return super().log_likelihood(w) * math.nan

    x = torch.linspace(-1, 1, 5)
    with pytest.raises(FloatingPointError, match="at step 0"):
        fit_mean_field(Broken(x, x, torch.ones(5), hidden=2), steps=3)


# ------------------------------------------------------- the pieces, exactly


def test_mixture_quantiles_invert_the_mixture_cdf():
    gen = torch.Generator().manual_seed(0)
    means = torch.cat([torch.randn(50, 4, generator=gen), 5 + torch.zeros(50, 4)])
    stds = torch.full_like(means, 0.5)
    levels = torch.tensor([0.01, 0.05, 0.5, 0.95, 0.99], dtype=torch.float64)
    q = mixture_quantiles(means, stds, levels)
    cdf = torch.special.ndtr((q[:, None] - means.double()) / stds.double()).mean(1)
    assert torch.allclose(cdf, levels[:, None].expand_as(cdf), atol=1e-6)
    one = mixture_quantiles(torch.zeros(1, 1), torch.ones(1, 1), [0.95])
    assert abs(float(one) - 1.6448536) < 1e-5


def test_canonical_weights_are_the_same_function_and_undo_the_symmetries():
    post = _tiny_posterior(hidden=3)
    gen = torch.Generator().manual_seed(1)
    w = post.prior_draws(5, gen)
    cw = canonical(w, 3)
    x = torch.linspace(-3, 3, 7, dtype=torch.float64)
    assert torch.allclose(post.mean(w, x), post.mean(cw, x))
    assert (cw[:, :3] >= 0).all()
    h = 3  # flip unit 0 and swap units 1 and 2: the same canonical weights
    other = w.clone()
    for k in range(3):
        other[:, k * h] *= -1
        other[:, [k * h + 1, k * h + 2]] = other[:, [k * h + 2, k * h + 1]]
    assert torch.allclose(canonical(other, 3), cw)


def test_laplace_of_the_last_layer_is_exact_for_a_linear_model():
    """With the hidden layer fixed the last layer's posterior is Gaussian: the
    last-layer Laplace's variance equals the full one's when only v, c vary."""
    post = _tiny_posterior(hidden=2)
    w_map = fit_map(post, 1)[0]
    x = torch.linspace(-3, 3, 5, dtype=torch.float64)
    mean_ll, var_ll = last_layer_laplace(post, w_map)(x)
    mean_full, var_full = full_laplace(post, w_map)(x)
    assert torch.allclose(mean_ll, mean_full, atol=0.05)
    assert (var_full >= var_ll * 0.999).all()  # more uncertain weights, wider


# --------------------------------------------------- the committed result


def test_the_committed_file_is_compact_and_has_what_the_chapter_reads(committed):
    assert tp.OUT.stat().st_size < 2_000_000
    assert committed["settings"]["chains"] >= 4
    for key in ("table", "points", "grid", "diagnostics", "weights", "prior_sweep",
                "cost", "machine", "reference_f", "w1_noise_floor", "per_seed"):
        assert key in committed
    diag = committed["diagnostics"]["by_region"]
    assert set(diag) == set(tp.REGIONS)
    assert len(committed["diagnostics"]["grid"]["mean"]["rhat"]) == len(tp.GRID)


def test_the_region_table_recomputes_from_the_committed_predictions(committed):
    table = tp.region_table(committed["points"], committed["grid"])
    for region, rows in committed["table"].items():
        for method, row in rows.items():
            for metric, value in row.items():
                # the file keeps 5 significant digits of every prediction
                assert table[region][method][metric] == pytest.approx(value, rel=1e-4,
                                                                      abs=1e-4)


def test_the_recomputation_sees_a_changed_prediction(committed):
    points = {k: (dict(v) if isinstance(v, dict) else v)
              for k, v in committed["points"].items()}
    points["vi"]["upper"] = [u + 1.0 for u in points["vi"]["upper"]]
    table = tp.region_table(points, committed["grid"])
    assert table["hole"]["vi"]["width_90"] == pytest.approx(
        committed["table"]["hole"]["vi"]["width_90"] + 1.0, rel=1e-4)


def _short_chain_gap(post, committed, seed=1):
    """The z-scores of a short chain's predictive mean on the inside and hole grid
    x against the committed reference, started from committed draws."""
    starts = torch.tensor(committed["weights"]["ref_draws"], dtype=torch.float64)
    gen = torch.Generator().manual_seed(seed)
    init = starts[torch.linspace(0, len(starts) - 1, 4).long()]
    result = hmc(post.log_prob, init, 100, 200, num_steps=60, generator=gen)
    x = torch.tensor(tp.GRID)
    f = post.mean(result.samples.reshape(-1, post.num_weights), x).reshape(4, -1, len(x))
    ref = committed["reference_f"]
    at = np.isin(committed["grid"]["region"], ["inside", "hole"])
    mean, sd = f.reshape(-1, len(x)).mean(0).numpy(), np.asarray(ref["std"])
    se = sd * np.sqrt(1 / _ess(f).numpy() + 1 / np.asarray(ref["ess"]))
    return np.abs(mean - np.asarray(ref["mean"]))[at] / se[at]


@pytest.mark.slow
def test_a_short_chain_at_head_agrees_with_the_committed_reference(committed):
    """4 chains from 4 committed draws, 100 warm-up and 200 draws: their
    predictive mean inside the data and in the hole within Monte-Carlo error of
    the committed one (a sampler that no longer leaves the posterior unchanged, or
    a changed model, moves it)."""
    post, _, _ = book_posterior(committed["model"]["prior_std"],
                                committed["model"]["hidden"])
    z = _short_chain_gap(post, committed)
    assert z.max() < 5, z.max()


@pytest.mark.slow
def test_the_cheap_methods_retrain_to_the_committed_seed_0(committed):
    """The ensemble of MAPs, both Laplace approximations and mean-field VI (from
    the MAP), trained at HEAD with seed 0, give the committed per-point bands (to
    the file's rounding); the table recomputes from those (the test above)."""
    post, _, _ = book_posterior(committed["model"]["prior_std"],
                                committed["model"]["hidden"])
    mixtures = tp.method_mixtures(post, None, 0, with_random_start=False)
    x = torch.tensor(committed["points"]["x"], dtype=torch.float64)
    for m in ("vi", "laplace_last", "laplace_full", "ensemble"):
        lower, upper = tp.summaries(mixtures[m], x, tp.BAND)["quantiles"]
        for name, value in (("lower", lower), ("upper", upper)):
            assert np.allclose(value, committed["points"][m][name], rtol=1e-3,
                               atol=0.01), (m, name)
