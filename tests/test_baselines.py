"""Chapter 7's other roads to a band, against closed forms, sampling and brute force.

MC dropout, the deep ensemble, the last-layer Laplace approximation, split and
locally adaptive conformal prediction, and the metrics that score intervals
(interval score, coverage in bins of x, PIT). References are computed in float64
with NumPy and SciPy, independently of the package.
"""

import copy
import math

import numpy as np
import pytest
import torch
from scipy import optimize, stats
from torch.distributions import Normal

import vi_helpers as vh
from vi_helpers import baselines as B
from vi_helpers import conformal as C
from vi_helpers import metrics as M
from vi_helpers.data import hetero_noise_std, make_hetero_dataset, true_function
from vi_helpers.models import mixture_moments


@pytest.fixture(scope="module")
def small():
    return make_hetero_dataset(n=400, n_beyond=40, seed=2)


# ------------------------------------------------------------ total variance


def test_mixture_moments_match_the_mixture_formula_and_sampling():
    rng = np.random.default_rng(0)
    mu = torch.tensor(rng.normal(0, 2, (5, 3, 1)))  # (S, N, 1) float64
    var = torch.tensor(rng.uniform(0.2, 3, (5, 3, 1)))
    mean, epistemic, aleatoric = mixture_moments(mu, var)
    assert mean.shape == epistemic.shape == aleatoric.shape == (3, 1)
    mixture_var = (var + mu**2).mean(0) - mu.mean(0) ** 2  # the ensemble's formula
    torch.testing.assert_close(epistemic + aleatoric, mixture_var, rtol=1e-12, atol=1e-12)
    # sampling: pick a component uniformly, then draw from it
    n = 400_000
    comp = rng.integers(0, 5, n)
    for i in range(3):
        y = rng.normal(mu[comp, i, 0].numpy(), np.sqrt(var[comp, i, 0].numpy()))
        assert y.mean() == pytest.approx(mean[i, 0].item(), abs=5 * y.std() / np.sqrt(n))
        # the sample variance's standard error is about sd^2 * sqrt(2 / n) for a
        # near-Gaussian mixture; 8 of them leave room for its heavier tails
        se = mixture_var[i, 0].item() * np.sqrt(2 / n)
        assert y.var() == pytest.approx(mixture_var[i, 0].item(), abs=8 * se)


def test_mixture_moments_refuse_bad_shapes_and_read_one_component_as_is():
    with pytest.raises(ValueError, match=r"mu must have shape \(S, N, 1\), got \(4, 1\)"):
        mixture_moments(torch.zeros(4, 1), torch.ones(4, 1))
    with pytest.raises(ValueError, match=r"shapes differ: mu=\(3, 4, 1\), var=\(3, 4\)"):
        mixture_moments(torch.zeros(3, 4, 1), torch.ones(3, 4))
    mu, var = torch.randn(1, 4, 1), torch.rand(1, 4, 1)
    mean, epistemic, aleatoric = mixture_moments(mu, var)  # one Gaussian: itself
    assert torch.equal(mean, mu[0]) and torch.equal(aleatoric, var[0])
    assert torch.equal(epistemic, torch.zeros(4, 1))


# ---------------------------------------------------------------- MC dropout


def test_dropout_stays_on_after_eval_and_predict_is_reproducible():
    torch.manual_seed(0)
    model = B.DropoutRegressor(p=0.2).eval()
    x = torch.linspace(-3, 3, 50).view(-1, 1)
    with torch.no_grad():
        assert not torch.equal(model(x)[1], model(x)[1])  # two masks, two curves
    state = torch.random.get_rng_state()
    a = model.predict(x, 30, torch.Generator().manual_seed(1))
    b = model.predict(x, 30, torch.Generator().manual_seed(1))
    assert torch.equal(torch.random.get_rng_state(), state)  # global stream untouched
    for s, t in zip(a, b):
        assert torch.equal(s, t) and s.shape == (50, 1)
    c = model.predict(x, 30, torch.Generator().manual_seed(2))
    assert not torch.equal(a[1], c[1])


def test_dropout_predict_is_the_mixture_of_its_passes():
    torch.manual_seed(0)
    model = B.DropoutRegressor.for_targets(torch.randn(100, 1) * 5, p=0.1)
    x = torch.linspace(-3, 3, 20).view(-1, 1)
    g = torch.Generator().manual_seed(3)
    mean, epistemic, aleatoric = model.predict(x, 50, g)
    seed = int(torch.randint(2**62, (1,), generator=torch.Generator().manual_seed(3)))
    torch.manual_seed(seed)
    with torch.no_grad():
        passes = [model(x) for _ in range(50)]
    mu = torch.stack([p[1] for p in passes]).double()  # (50, N, 1)
    var = torch.stack([p[2].exp() for p in passes]).double()
    torch.testing.assert_close(mean.double(), mu.mean(0), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(epistemic.double() ** 2, mu.var(0, correction=0),
                               rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(aleatoric.double() ** 2, var.mean(0), rtol=1e-5, atol=1e-6)
    assert float(epistemic.min()) > 0  # dropout moves the mean
    # the package's predictive Normal reads the same split
    m2, std = vh.predictive_normal(model, x, 50, torch.Generator().manual_seed(3))
    torch.testing.assert_close(std**2, epistemic**2 + aleatoric**2)
    torch.testing.assert_close(m2, mean)


def test_dropout_regressor_trains_with_the_chapter_5_loss(small):
    torch.manual_seed(0)
    model = B.DropoutRegressor.for_targets(small.y_train, p=0.1)
    history = vh.fit(model, vh.beta_nll_loss(0.0), small, epochs=60, lr=3e-3,
                     progress=False)
    assert history.train_loss[-1] < history.train_loss[0] - 0.5


def test_dropout_reuses_the_two_headed_networks_layers():
    """Composition, not overwriting: the dropout network draws exactly the
    weights the two-headed network of chapter 5 draws (no random numbers spent on
    heads that are thrown away), with MCDropout after every ReLU."""
    torch.manual_seed(0)
    plain = vh.HeteroscedasticRegressor(2.0, 3.0)
    after_plain = torch.random.get_rng_state()
    torch.manual_seed(0)
    dropout = B.DropoutRegressor(2.0, 3.0, p=0.1)
    assert torch.equal(torch.random.get_rng_state(), after_plain)
    linear = [m for m in dropout.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linear) == 8
    for a, b in zip(linear, [m for m in plain.modules()
                             if isinstance(m, torch.nn.Linear)]):
        assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    for head in (dropout.q_mu, dropout.q_log_var):
        kinds = [type(m).__name__ for m in head]
        assert kinds == ["Linear", "ReLU", "MCDropout"] * 3 + ["Linear"]


def test_dropout_bad_arguments():
    with pytest.raises(ValueError, match="p must lie strictly between 0 and 1, got 1.0"):
        B.DropoutRegressor(p=1.0)
    model = B.DropoutRegressor()
    with pytest.raises(ValueError, match="num_samples must be >= 2, got 1"):
        model.predict(torch.zeros(3, 1), 1)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1\)"):
        model.predict(torch.zeros(3), 10)


# ------------------------------------------------------------- deep ensemble


def test_ensemble_outputs_one_column_per_member_and_predicts_their_mixture():
    torch.manual_seed(0)
    ens = B.DeepEnsemble.for_targets(torch.randn(50, 1) * 4 + 1, num_members=4)
    x = torch.linspace(-4, 4, 30).view(-1, 1)
    with torch.no_grad():
        sample, mu, log_var = ens(x)
    assert sample.shape == mu.shape == log_var.shape == (30, 4)
    for m, member in enumerate(ens.members):
        with torch.no_grad():
            torch.testing.assert_close(mu[:, [m]], member(x)[1])
    assert not torch.allclose(mu[:, [0]], mu[:, [1]])  # members start apart
    mean, epistemic, aleatoric = ens.predict(x)
    mu64, var64 = mu.double(), log_var.double().exp()
    ref_mean = mu64.mean(1, keepdim=True)
    ref_var = (var64 + mu64**2).mean(1, keepdim=True) - ref_mean**2
    torch.testing.assert_close(mean.double(), ref_mean, rtol=1e-6, atol=1e-5)
    torch.testing.assert_close((epistemic**2 + aleatoric**2).double(), ref_var,
                               rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(aleatoric.double() ** 2, var64.mean(1, keepdim=True),
                               rtol=1e-5, atol=1e-6)


def test_ensemble_predictive_variance_matches_samples_of_the_mixture():
    torch.manual_seed(1)
    ens = B.DeepEnsemble.for_targets(torch.randn(50, 1) * 4, num_members=5)
    x = torch.tensor([[-2.0], [0.5], [3.0]])
    mean, epistemic, aleatoric = ens.predict(x)
    total = (epistemic**2 + aleatoric**2).double()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():  # each row of the sample is one y from each member
        sample = ens(x.repeat(20_000, 1), g)[0]  # (20000 * 3, 5)
    draws = sample.view(20_000, 3, 5).permute(1, 0, 2).reshape(3, -1).double()
    n = draws.shape[1]
    assert torch.all((draws.mean(1, keepdim=True) - mean).abs()
                     < 5 * (total / n).sqrt())
    assert torch.all((draws.var(1, keepdim=True) / total - 1).abs() < 8 * math.sqrt(2 / n))


def test_ensemble_loss_is_the_sum_of_the_members_losses():
    torch.manual_seed(0)
    y = torch.randn(40, 1)
    mu, log_var = torch.randn(40, 3), torch.randn(40, 3)
    for beta in (0.0, 0.5):
        loss = B.ensemble_loss(beta)(mu, y, mu, log_var)
        parts = [vh.gaussian_nll_loss(mu[:, [m]], y, mu[:, [m]], log_var[:, [m]], beta)
                 for m in range(3)]
        torch.testing.assert_close(loss, sum(parts))


def test_training_the_ensemble_trains_each_member_as_if_alone(small):
    torch.manual_seed(0)
    ens = B.DeepEnsemble.for_targets(small.y_train, num_members=3)
    alone = [copy.deepcopy(m) for m in ens.members]
    vh.fit(ens, B.ensemble_loss(0.5), small, epochs=20, lr=3e-3, progress=False)
    for member, single in zip(ens.members, alone):
        vh.fit(single, vh.beta_nll_loss(0.5), small, epochs=20, lr=3e-3, progress=False)
        for p, q in zip(member.parameters(), single.parameters()):
            torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)


def test_ensemble_bad_arguments():
    with pytest.raises(ValueError, match="members must hold at least 2 networks, got 1"):
        B.DeepEnsemble([vh.HeteroscedasticRegressor()])
    with pytest.raises(ValueError, match="num_members must be a positive integer, got 0"):
        B.DeepEnsemble.for_targets(torch.randn(5, 1), num_members=0)
    with pytest.raises(ValueError, match="beta must be finite and >= 0, got -1"):
        B.ensemble_loss(-1)


# ---------------------------------------------------------- last-layer Laplace


def _linear_case(n=120, d=4, seed=0, hetero=True):
    rng = np.random.default_rng(seed)
    phi = np.column_stack([rng.normal(size=(n, d - 1)), np.ones(n)])
    w = rng.normal(0, 2, (d, 1))
    s2 = rng.uniform(0.2, 2.0, (n, 1)) if hetero else np.full((n, 1), 0.7)
    y = phi @ w + np.sqrt(s2) * rng.normal(size=(n, 1))
    return phi, y, s2


@pytest.mark.parametrize("hetero", [False, True])
def test_bayesian_linear_regression_matches_numpy(hetero):
    phi, y, s2 = _linear_case(hetero=hetero)
    alpha = 0.3
    noise = torch.tensor(s2) if hetero else 0.7
    m, cov = B.bayesian_linear_regression(torch.tensor(phi), torch.tensor(y), noise, alpha)
    w = 1 / s2  # (N, 1) weights
    precision = phi.T @ (w * phi) + alpha * np.eye(phi.shape[1])
    ref_cov = np.linalg.inv(precision)
    ref_m = np.linalg.solve(precision, phi.T @ (w * y))
    np.testing.assert_allclose(cov.numpy(), ref_cov, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(m.numpy(), ref_m, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("hetero", [False, True])
def test_log_evidence_is_the_marginal_gaussian_density_of_y(hetero):
    phi, y, s2 = _linear_case(n=80, hetero=hetero)
    for alpha in (1e-3, 0.5, 20.0):
        ours = B.log_evidence(torch.tensor(phi), torch.tensor(y), torch.tensor(s2), alpha)
        cov = phi @ phi.T / alpha + np.diag(s2.ravel())  # (N, N)
        ref = stats.multivariate_normal(np.zeros(len(y)), cov).logpdf(y.ravel())
        assert ours == pytest.approx(ref, rel=1e-9, abs=1e-8)


def test_best_prior_precision_maximises_the_evidence_within_the_grid_step():
    phi, y, s2 = _linear_case(n=60, d=6, seed=3)
    phi, y, s2 = (torch.tensor(a) for a in (phi, y, s2))
    alpha = B.best_prior_precision(phi, y, s2)
    best = optimize.minimize_scalar(
        lambda t: -B.log_evidence(phi, y, s2, 10**t), bounds=(-6, 6), method="bounded",
        options={"xatol": 1e-6})
    assert abs(math.log10(alpha) - best.x) <= 0.5 / 20 + 1e-6  # half a grid step


def _trained_mle(data, epochs=300):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(1, 40), torch.nn.ReLU(),
                              torch.nn.Linear(40, 20), torch.nn.ReLU(),
                              torch.nn.Linear(20, 10), torch.nn.ReLU(),
                              torch.nn.Linear(10, 1))
    vh.fit(net, vh.half_mse, data, epochs=epochs, lr=1e-2, progress=False)
    return vh.ConstantNoise.from_residuals(net, data.x_train, data.y_train)


def test_last_layer_laplace_on_an_mle_net_is_numpy_bayesian_linear_regression(small):
    model = _trained_mle(small)
    la = B.LastLayerLaplace(model, small.x_train, small.y_train)
    with torch.no_grad():
        phi = np.column_stack([model.net[:-1](small.x_train).double().numpy(),
                               np.ones(len(small.train_idx))])
    y = small.y_train.double().numpy()
    s2 = math.exp(model.log_var.item())
    alpha = la.prior_precision
    precision = phi.T @ phi / s2 + alpha * np.eye(phi.shape[1])  # Φᵀ Φ/σ² + α I
    ref_cov = np.linalg.inv(precision)
    ref_m = ref_cov @ phi.T @ y / s2
    np.testing.assert_allclose(la.weight_cov.numpy(), ref_cov, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(la.weight_mean.numpy(), ref_m, rtol=1e-8, atol=1e-8)
    x = torch.linspace(-4.5, 4.5, 50).view(-1, 1)
    with torch.no_grad():
        phi_x = np.column_stack([model.net[:-1](x).double().numpy(), np.ones(50)])
    mean, epistemic, aleatoric = la.predict(x)
    np.testing.assert_allclose(mean.numpy(), phi_x @ ref_m, rtol=1e-5, atol=1e-4)
    ref_var = np.einsum("nd,de,ne->n", phi_x, ref_cov, phi_x)[:, None]  # φᵀ Σ φ
    np.testing.assert_allclose(epistemic.double().numpy() ** 2, ref_var, rtol=1e-4,
                               atol=1e-6)
    np.testing.assert_allclose(aleatoric.numpy(), np.full((50, 1), math.sqrt(s2)),
                               rtol=1e-6)
    # the prior precision is the evidence's best on the grid
    evid = [B.log_evidence(torch.tensor(phi), torch.tensor(y), s2, a)
            for a in B.PRIOR_PRECISIONS]
    assert alpha == B.PRIOR_PRECISIONS[int(np.argmax(evid))]
    # forward returns the predictive Normal, so predictive_normal reads it
    m2, std = vh.predictive_normal(la, x)
    torch.testing.assert_close(std**2, epistemic**2 + aleatoric**2, rtol=1e-5, atol=1e-6)
    # with ReLU features, the last layer's uncertainty grows beyond the data
    assert epistemic[0, 0] > 3 * epistemic[25, 0] and epistemic[-1, 0] > 3 * epistemic[25, 0]


def test_last_layer_laplace_weights_each_point_by_the_networks_own_noise(small):
    torch.manual_seed(0)
    model = vh.HeteroscedasticRegressor.for_targets(small.y_train)
    vh.fit(model, vh.beta_nll_loss(0.5), small, epochs=100, lr=3e-3, progress=False)
    la = B.LastLayerLaplace(model, small.x_train, small.y_train, prior_precision=0.01)
    with torch.no_grad():
        h = model.q_mu[:-1](small.x_train).double().numpy()
        s2 = model(small.x_train)[2].double().exp().numpy()  # (N, 1)
    phi = np.column_stack([h, np.ones(len(h))])
    y = small.y_train.double().numpy()
    precision = phi.T @ (phi / s2) + 0.01 * np.eye(phi.shape[1])
    np.testing.assert_allclose(la.weight_cov.numpy(), np.linalg.inv(precision),
                               rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(la.weight_mean.numpy(),
                               np.linalg.solve(precision, phi.T @ (y / s2)),
                               rtol=1e-7, atol=1e-7)
    x = small.x_val
    _, _, aleatoric = la.predict(x)
    with torch.no_grad():
        torch.testing.assert_close(aleatoric, model(x)[2].mul(0.5).exp())


def test_laplace_matches_laplace_torch(small):
    """Against laplace-torch (requirements-crosscheck.txt, which `make venv`
    installs without its torchvision dependency)."""
    import laplace

    model = copy.deepcopy(_trained_mle(small, epochs=100)).double()  # both in float64
    x_train, y_train = small.x_train.double(), small.y_train.double()
    la = B.LastLayerLaplace(model, x_train, y_train)
    net = copy.deepcopy(model.net)
    with torch.no_grad():  # the posterior mean as the MAP, so evidences agree exactly
        net[-1].weight.copy_(la.weight_mean[:-1].T)
        net[-1].bias.copy_(la.weight_mean[-1])
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x_train, y_train), batch_size=len(x_train))
    ref = laplace.Laplace(net, "regression", subset_of_weights="last_layer",
                          hessian_structure="full",
                          sigma_noise=math.exp(0.5 * model.log_var.item()),
                          prior_precision=la.prior_precision)
    ref.fit(loader)
    # laplace-torch accumulates its Hessian ΦᵀΦ to about 2e-8 relative error, and
    # inverting it multiplies that by Σ's condition number (~1e4 here): compare the
    # precisions tightly, the covariances and variances to 1e-4
    s2 = math.exp(model.log_var.item())
    with torch.no_grad():
        phi = la.features(x_train)
    precision = phi.T @ phi / s2 + la.prior_precision * torch.eye(phi.shape[1], dtype=phi.dtype)
    scale = precision.abs().max().item()
    np.testing.assert_allclose(ref.posterior_precision.detach().numpy(), precision.numpy(),
                               rtol=0, atol=1e-7 * scale)
    np.testing.assert_allclose(ref.posterior_covariance.detach().numpy(), la.weight_cov.numpy(),
                               rtol=0, atol=1e-4 * la.weight_cov.abs().max().item())
    ours = B.log_evidence(phi, y_train, s2, la.prior_precision)
    assert ref.log_marginal_likelihood().item() == pytest.approx(ours, rel=1e-7)
    x = torch.linspace(-4.5, 4.5, 30, dtype=torch.float64).view(-1, 1)
    f_mu, f_var = ref(x, pred_type="glm")
    mean, epistemic, _ = la.predict(x)
    np.testing.assert_allclose(f_mu.view(-1, 1).detach().numpy(), mean.numpy(), rtol=1e-10,
                               atol=1e-10)
    np.testing.assert_allclose(f_var.view(-1, 1).detach().numpy(), epistemic.numpy() ** 2,
                               rtol=1e-4)


# --------------------------------------------------- full-network (GGN) Laplace


def _jacobian_by_loop(model, x):
    """∂μ(x_i)/∂θ one point at a time with autograd, θ the mean network's weights."""
    net = model.q_mu if isinstance(model, vh.HeteroscedasticRegressor) else model.net
    rows = []
    for x_i in x:
        model.zero_grad()
        model(x_i.view(1, 1), torch.Generator())[1].sum().backward()
        rows.append(torch.cat([p.grad.double().flatten() for p in net.parameters()]))
    return torch.stack(rows)  # (N, P)


def test_full_laplace_weights_each_point_by_the_networks_own_noise(small):
    torch.manual_seed(0)
    model = vh.HeteroscedasticRegressor.for_targets(small.y_train)
    vh.fit(model, vh.beta_nll_loss(0.5), small, epochs=30, lr=3e-3, progress=False)
    model.double()
    x_train, y_train = small.x_train[::4].double(), small.y_train[::4].double()
    la = B.FullLaplace(model, x_train, y_train, prior_precision=0.5)
    jac = _jacobian_by_loop(model, x_train).numpy()  # includes the s_y of μ = ȳ + s_y a
    np.testing.assert_allclose(B.mean_jacobian(model, x_train).numpy(), jac,
                               rtol=1e-10, atol=1e-12)
    with torch.no_grad():
        s2 = model(x_train)[2].exp().numpy()  # (N, 1)
    precision = jac.T @ (jac / s2) + 0.5 * np.eye(jac.shape[1])  # JᵀS⁻¹J + αI
    np.testing.assert_allclose(la.weight_cov.numpy(), np.linalg.inv(precision),
                               rtol=0, atol=1e-9 * np.abs(la.weight_cov.numpy()).max())
    x = torch.linspace(-4.5, 4.5, 20, dtype=torch.float64).view(-1, 1)
    mean, epistemic, aleatoric = la.predict(x)
    jac_x = _jacobian_by_loop(model, x).numpy()
    ref = np.einsum("np,pq,nq->n", jac_x, np.linalg.inv(precision), jac_x)[:, None]
    np.testing.assert_allclose(epistemic.numpy() ** 2, ref, rtol=1e-8)
    with torch.no_grad():  # the mean and the noise are the network's own
        _, mu, log_var = model(x)
    torch.testing.assert_close(mean, mu, rtol=0, atol=0)
    torch.testing.assert_close(aleatoric, log_var.mul(0.5).exp(), rtol=1e-12, atol=0)
    # forward and components give the one predictive Gaussian
    m2, std = vh.predictive_normal(la, x)
    torch.testing.assert_close(std**2, epistemic**2 + aleatoric**2)
    mu_c, sigma_c = la.components(x)
    assert mu_c.shape == (1, 20, 1)
    torch.testing.assert_close(sigma_c[0], std)


def test_full_laplace_matches_laplace_torch(small):
    """Against laplace-torch's full-network Laplace with the full GGN and its GLM
    predictive (requirements-crosscheck.txt)."""
    import laplace

    model = copy.deepcopy(_trained_mle(small, epochs=100)).double()  # both in float64
    x_train, y_train = small.x_train.double(), small.y_train.double()
    la = B.FullLaplace(model, x_train, y_train)
    s2 = math.exp(model.log_var.item())
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x_train, y_train), batch_size=len(x_train))
    ref = laplace.Laplace(copy.deepcopy(model.net), "regression", subset_of_weights="all",
                          hessian_structure="full", sigma_noise=math.sqrt(s2),
                          prior_precision=la.prior_precision)
    ref.fit(loader)
    jac = B.mean_jacobian(model, x_train)  # (N, P), P = 1121 weights and biases
    assert jac.shape == (len(x_train), 1121)
    precision = jac.T @ jac / s2 + la.prior_precision * torch.eye(1121, dtype=torch.float64)
    ref_precision = ref.posterior_precision.detach()
    # laplace-torch accumulates its GGN to about 2e-8 relative error (as in the
    # last-layer test); Σ's condition number (~2.5e5 here) multiplies that in Σ and
    # in the predictive variance, so those are compared through the precisions
    np.testing.assert_allclose(ref_precision.numpy(), precision.numpy(), rtol=0,
                               atol=1e-7 * precision.abs().max().item())
    torch.testing.assert_close(la.weight_cov, torch.linalg.inv(precision), rtol=0,
                               atol=1e-10 * la.weight_cov.abs().max().item())
    np.testing.assert_allclose(ref.posterior_covariance.detach().numpy(),
                               la.weight_cov.numpy(), rtol=0,
                               atol=3e-3 * la.weight_cov.abs().max().item())
    # the evidence: the same formula, to the precisions' difference in log|Λ|
    assert ref.log_marginal_likelihood().item() == pytest.approx(la.log_evidence,
                                                                 abs=1e-2)
    x = torch.linspace(-4.5, 4.5, 30, dtype=torch.float64).view(-1, 1)
    f_mu, f_var = ref(x, pred_type="glm")
    mean, epistemic, _ = la.predict(x)
    np.testing.assert_allclose(f_mu.view(-1, 1).detach().numpy(), mean.numpy(),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(f_var.view(-1, 1).detach().numpy(), epistemic.numpy() ** 2,
                               rtol=2e-3)
    jac_x = B.mean_jacobian(model, x)  # with laplace-torch's Σ: its GLM exactly
    ref_var = ((jac_x @ ref.posterior_covariance.detach()) * jac_x).sum(1)
    np.testing.assert_allclose(f_var.view(-1).detach().numpy(), ref_var.numpy(),
                               rtol=1e-8)


def test_full_laplace_prior_precision_is_the_evidences_best_on_the_grid(small):
    model = _trained_mle(small, epochs=100)
    la = B.FullLaplace(model, small.x_train, small.y_train)
    jac = B.mean_jacobian(model, small.x_train)
    s2 = math.exp(model.log_var.item())
    eigenvalues = torch.linalg.eigvalsh(jac.T @ jac / s2)
    with torch.no_grad():
        mu = model.net(small.x_train).double()
    log_lik = Normal(mu, math.sqrt(s2)).log_prob(small.y_train.double()).sum().item()
    theta_sq = sum((p.double() ** 2).sum() for p in model.net.parameters()).item()

    def evidence(alpha):  # log p(y|θ̂) + log p(θ̂|α) + P/2 log 2π - ½ log|Λ|
        scale = torch.tensor(alpha**-0.5, dtype=torch.float64)
        log_prior = Normal(0.0, scale).log_prob(
            torch.cat([p.detach().double().flatten() for p in model.net.parameters()])
        ).sum().item()
        log_det = torch.log(eigenvalues.clamp(min=0) + alpha).sum().item()
        return log_lik + log_prior + 0.5 * len(eigenvalues) * math.log(2 * math.pi) \
            - 0.5 * log_det

    evid = [evidence(a) for a in B.PRIOR_PRECISIONS]
    assert la.prior_precision == B.PRIOR_PRECISIONS[int(np.argmax(evid))]
    assert la.log_evidence == pytest.approx(max(evid), rel=1e-10)
    assert theta_sq > 0 and log_lik < 0
    # all weights uncertain: wider beyond the data than between them
    x = torch.linspace(-4.5, 4.5, 51).view(-1, 1)
    _, epistemic, _ = la.predict(x)
    assert epistemic[0, 0] > 3 * epistemic[25, 0] and epistemic[-1, 0] > 3 * epistemic[25, 0]


def test_full_laplace_bad_arguments(small):
    with pytest.raises(ValueError, match="model must be a HeteroscedasticRegressor or "
                       "a ConstantNoise, got BayesianRegressor"):
        B.FullLaplace(vh.BayesianRegressor(), small.x_train, small.y_train)
    model = vh.ConstantNoise(vh.MLERegressor(), 1.0)
    with pytest.raises(ValueError, match="prior_precision must be > 0, got 0"):
        B.FullLaplace(model, small.x_train, small.y_train, prior_precision=0)
    with pytest.raises(ValueError, match="lengths differ: x_train=2, y_train=3"):
        B.FullLaplace(model, torch.zeros(2, 1), torch.zeros(3, 1))
    with pytest.raises(ValueError, match=r"x_train must have shape \(N, 1\)"):
        B.FullLaplace(model, torch.zeros(3), torch.zeros(3, 1))


def test_bayesian_linear_regression_refuses_shapes_that_would_broadcast():
    phi, y = torch.ones(5, 2, dtype=torch.float64), torch.ones(5, 1, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"y must have shape \(N, 1\), got \(5,\)"):
        B.bayesian_linear_regression(phi, y.view(-1), 1.0, 1.0)
    with pytest.raises(ValueError, match=r"shapes differ: y=\(5, 1\), noise_var=\(5,\)"):
        B.bayesian_linear_regression(phi, y, torch.ones(5), 1.0)
    with pytest.raises(ValueError, match=r"phi must have shape \(N, D\), got \(5,\)"):
        B.bayesian_linear_regression(phi[:, 0], y, 1.0, 1.0)
    with pytest.raises(ValueError, match="lengths differ: phi=4, y=5"):
        B.bayesian_linear_regression(phi[:4], y, 1.0, 1.0)
    with pytest.raises(ValueError, match="noise_var must be > 0, got 0"):
        B.log_evidence(phi, y, 0, 1.0)
    with pytest.raises(ValueError, match="prior_precision must be finite and >= 0, got -1"):
        B.log_evidence(phi, y, 1.0, -1)


def test_laplace_refuses_models_without_a_sequential_mean_network(small):
    with pytest.raises(ValueError, match="model must be a HeteroscedasticRegressor or "
                       "a ConstantNoise, got BayesianRegressor"):
        B.LastLayerLaplace(vh.BayesianRegressor(), small.x_train, small.y_train)
    odd = vh.ConstantNoise(torch.nn.Linear(1, 1), 1.0)
    with pytest.raises(ValueError, match="mean network must be an nn.Sequential"):
        B.LastLayerLaplace(odd, small.x_train, small.y_train)
    model = vh.ConstantNoise(vh.MLERegressor(), 1.0)
    with pytest.raises(ValueError, match="prior_precision must be > 0, got 0"):
        B.LastLayerLaplace(model, small.x_train, small.y_train, prior_precision=0)
    with pytest.raises(ValueError, match="lengths differ: x_train=2, y_train=3"):
        B.LastLayerLaplace(model, torch.zeros(2, 1), torch.zeros(3, 1))


# ------------------------------------------------------------------- conformal


def test_conformal_quantile_is_the_ceil_n_plus_1_level_th_smallest_score():
    scores = torch.tensor([5.0, 1.0, 4.0, 2.0, 3.0, 9.0, 8.0, 7.0, 6.0, 10.0]).view(-1, 1)
    # n = 10: ceil(11 * 0.9) = 10 -> the largest; ceil(11 * 0.5) = 6 -> 6
    assert C.conformal_quantile(scores, 0.9) == 10.0
    assert C.conformal_quantile(scores, 0.5) == 6.0
    with pytest.raises(ValueError, match="level=0.95 needs at least 19 calibration scores, got 10"):
        C.conformal_quantile(scores, 0.95)
    with pytest.raises(ValueError, match="level must lie strictly between 0 and 1, got 1.5"):
        C.conformal_quantile(scores, 1.5)


def test_split_conformal_is_mu_plus_minus_the_quantile_of_the_residuals():
    y_cal = torch.tensor([1.0, -2.0, 0.5, 3.0, -1.0, 0.0, 2.0, -0.5, 1.5, -3.5]).view(-1, 1)
    mu_cal = torch.zeros(10, 1)
    mu = torch.tensor([[0.0], [10.0]])
    lower, upper = C.split_conformal(y_cal, mu_cal, mu, 0.9)  # k = 10: the largest, 3.5
    torch.testing.assert_close(lower, mu - 3.5)
    torch.testing.assert_close(upper, mu + 3.5)


def _exchangeable(rng, trials, n, m):
    """Hetero noise around a wrong mean: calibration (trials, n), test (trials, m)."""
    x = rng.uniform(-3, 3, (trials, n + m))
    y = true_function(x) + hetero_noise_std(x) * rng.standard_normal(x.shape)
    mu = 7 * x  # a poor model: conformal promises its coverage anyway
    sigma = 0.5 + 0.3 * np.abs(x)  # a poor sigma too
    return x, y, mu, sigma


@pytest.mark.parametrize("adaptive", [False, True])
def test_conformal_covers_at_least_the_level_over_many_random_splits(adaptive):
    rng = np.random.default_rng(0)
    trials, n, m, level = 2000, 50, 40, 0.9
    x, y, mu, sigma = _exchangeable(rng, trials, n, m)
    y, mu, sigma = (torch.tensor(a).unsqueeze(-1) for a in (y, mu, sigma))  # (T, n+m, 1)
    cal, test = slice(0, n), slice(n, n + m)
    covered = np.empty(trials)
    for t in range(trials):
        if adaptive:
            lower, upper = C.adaptive_conformal(y[t, cal], mu[t, cal], sigma[t, cal],
                                                mu[t, test], sigma[t, test], level)
        else:
            lower, upper = C.split_conformal(y[t, cal], mu[t, cal], mu[t, test], level)
        covered[t] = M.interval_coverage(y[t, test], lower, upper)
    # continuous scores: the expected coverage is exactly k / (n + 1) = 46/51 = 0.902.
    # Each trial's coverage has sd about 0.06 (a Beta(46, 6) level plus the test
    # points' binomial noise), so the mean over 2000 trials has sd about 0.0014.
    k = math.ceil((n + 1) * level)
    assert covered.mean() >= level - 4 * covered.std() / np.sqrt(trials)
    assert covered.mean() == pytest.approx(k / (n + 1), abs=4 * covered.std() / np.sqrt(trials))


def test_conformal_coverage_is_marginal_not_per_x_and_scaling_helps():
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, 20000)
    y = true_function(x) + hetero_noise_std(x) * rng.standard_normal(x.shape)
    col = lambda a: torch.tensor(a).view(-1, 1)  # noqa: E731
    mu, sigma = col(true_function(x)), col(hetero_noise_std(x))  # the true mean and sd
    cal, test = slice(0, 10000), slice(10000, None)
    plain = C.split_conformal(col(y)[cal], mu[cal], mu[test], 0.9)
    scaled = C.adaptive_conformal(col(y)[cal], mu[cal], sigma[cal], mu[test], sigma[test],
                                  0.9)
    edges = [-3, -2, -1, 1, 2, 3]
    for lower, upper in (plain, scaled):
        assert M.interval_coverage(col(y)[test], lower, upper) == pytest.approx(0.9, abs=0.01)
    _, by_x, _ = M.coverage_by_bin(x[test], y[test], *plain, bins=edges)
    assert by_x[2] > 0.99 and by_x[0] < 0.8 and by_x[-1] < 0.8  # too wide at 0, too narrow at ±3
    _, by_x, _ = M.coverage_by_bin(x[test], y[test], *scaled, bins=edges)
    assert np.all(np.abs(by_x - 0.9) < 0.025)


def test_calibration_split_holds_back_a_fraction_of_the_training_points(small):
    fit_data, cal = C.calibration_split(small, 0.25, seed=0)
    assert type(fit_data) is type(small)
    assert len(cal) == int(0.25 * len(small.train_idx))
    assert set(cal).isdisjoint(fit_data.train_idx)
    np.testing.assert_array_equal(np.sort(np.concatenate([cal, fit_data.train_idx])),
                                  small.train_idx)
    np.testing.assert_array_equal(fit_data.hole_idx, small.hole_idx)
    again, cal2 = C.calibration_split(small, 0.25, seed=0)
    np.testing.assert_array_equal(cal, cal2)
    assert not np.array_equal(cal, C.calibration_split(small, 0.25, seed=1)[1])


def test_conformal_bad_arguments(small):
    with pytest.raises(ValueError, match="data must be a vi_helpers.Dataset, got tuple"):
        C.calibration_split((1, 2))
    with pytest.raises(ValueError, match="fraction must lie strictly between 0 and 1, got 0"):
        C.calibration_split(small, 0)
    with pytest.raises(ValueError, match="seed must be a non-negative integer, got -1"):
        C.calibration_split(small, seed=-1)
    ones = torch.ones(20, 1)
    with pytest.raises(ValueError, match=r"shapes differ: y_cal=\(20, 1\), mu_cal=\(20,\)"):
        C.split_conformal(ones, torch.ones(20), ones)
    with pytest.raises(ValueError, match="sigma_cal must be > 0 everywhere, got min 0.0"):
        C.adaptive_conformal(ones, ones, 0 * ones, ones, ones)
    with pytest.raises(ValueError, match=r"mu must have shape \(N, 1\)"):
        C.split_conformal(ones, ones, torch.ones(3))


# --------------------------------------------------------------------- metrics


def test_interval_score_by_hand_and_against_a_loop():
    y = torch.tensor([0.0, -3.0, 5.0])
    lower, upper = torch.tensor([-1.0, -1.0, -1.0]), torch.tensor([1.0, 1.0, 1.0])
    # widths 2; the second misses by 2 below, the third by 4 above; 2/alpha = 20
    assert M.interval_score(y, lower, upper, 0.9) == pytest.approx((2 + 42 + 82) / 3)
    rng = np.random.default_rng(0)
    y = rng.normal(0, 2, 500)
    lower = rng.normal(-2, 1, 500)
    upper = lower + rng.uniform(0, 4, 500)
    for level in (0.5, 0.8, 0.95):
        alpha = 1 - level
        ref = 0.0
        for yi, li, ui in zip(y, lower, upper):
            ref += (ui - li) + (2 / alpha) * (li - yi) * (yi < li) + (2 / alpha) * (yi - ui) * (yi > ui)
        assert M.interval_score(y, lower, upper, level) == pytest.approx(ref / 500, rel=1e-12)


def test_interval_score_is_twice_the_pinball_losses_over_alpha_and_best_at_the_quantiles():
    rng = np.random.default_rng(1)
    y = rng.normal(0, 1, 200_000)

    def pinball(q, tau):
        return np.mean(np.maximum(tau * (y - q), (tau - 1) * (y - q)))

    level, alpha = 0.9, 0.1
    lo, hi = stats.norm.ppf(alpha / 2), stats.norm.ppf(1 - alpha / 2)
    ref = 2 / alpha * (pinball(lo, alpha / 2) + pinball(hi, 1 - alpha / 2))
    ones = np.ones_like(y)
    assert M.interval_score(y, lo * ones, hi * ones, level) == pytest.approx(ref, rel=1e-10)
    # the true 5 % and 95 % quantiles beat a narrower and a wider interval
    best = M.interval_score(y, lo * ones, hi * ones, level)
    assert best < M.interval_score(y, 0.8 * lo * ones, 0.8 * hi * ones, level)
    assert best < M.interval_score(y, 1.2 * lo * ones, 1.2 * hi * ones, level)


def test_coverage_by_bin_against_a_loop():
    rng = np.random.default_rng(2)
    x = rng.uniform(-4, 4, 3000)
    x[:3] = [-3.0, 0.0, 3.0]  # on edges
    y = rng.normal(0, 1, 3000)
    lower, upper = -1.5 * np.ones(3000), 1.0 + 0.3 * x
    upper = np.maximum(upper, lower)
    edges = [-3.0, -1.0, 0.0, 0.5, 3.0, 3.5]
    got_edges, coverage, counts = M.coverage_by_bin(x, y, lower, upper, bins=edges)
    np.testing.assert_array_equal(got_edges, edges)
    for k in range(len(edges) - 1):
        last = k == len(edges) - 2
        sel = [(edges[k] <= xi < edges[k + 1]) or (last and xi == edges[k + 1]) for xi in x]
        sel = np.array(sel)
        assert counts[k] == sel.sum()
        inside = (lower[sel] <= y[sel]) & (y[sel] <= upper[sel])
        assert coverage[k] == pytest.approx(inside.mean(), abs=1e-15)
    edges, coverage, counts = M.coverage_by_bin(x, y, lower, upper, bins=4)
    np.testing.assert_allclose(edges, np.linspace(x.min(), x.max(), 5))
    assert counts.sum() == 3000
    assert M.coverage_by_bin(x, y, lower, upper, bins=1)[1][0] == pytest.approx(
        M.interval_coverage(y, lower, upper), abs=1e-15)


def test_coverage_by_bin_marks_empty_bins_nan_and_refuses_bad_bins():
    x, y = np.array([0.1, 0.2, 2.5]), np.zeros(3)
    lower, upper = -np.ones(3), np.ones(3)
    _, coverage, counts = M.coverage_by_bin(x, y, lower, upper, bins=[0, 1, 2, 3])
    np.testing.assert_array_equal(counts, [2, 0, 1])
    assert coverage[0] == 1 and np.isnan(coverage[1]) and coverage[2] == 1
    with pytest.raises(ValueError, match="bins must be a positive integer, got 0"):
        M.coverage_by_bin(x, y, lower, upper, bins=0)
    with pytest.raises(ValueError, match=r"bins must be a positive int or increasing edges, got \[1, 0\]"):
        M.coverage_by_bin(x, y, lower, upper, bins=[1, 0])
    with pytest.raises(ValueError, match="lower must be <= upper"):
        M.coverage_by_bin(x, y, upper, lower)
    with pytest.raises(ValueError, match="lengths differ: x=3, y=2"):
        M.coverage_by_bin(x, y[:2], lower, upper)


def test_pit_matches_scipy_and_is_uniform_for_the_true_distribution():
    rng = np.random.default_rng(3)
    mu, sigma = rng.normal(0, 3, 5000), rng.uniform(0.5, 2, 5000)
    y = mu + sigma * rng.normal(size=5000)
    u = M.pit_gaussian(y, mu, sigma)
    assert u.dtype == np.float64 and u.shape == (5000,)
    np.testing.assert_allclose(u, stats.norm.cdf(y, mu, sigma), rtol=1e-12, atol=1e-15)
    assert stats.kstest(u, "uniform").pvalue > 0.01
    # too narrow a band: the PIT piles up at both ends
    narrow = M.pit_gaussian(y, mu, 0.5 * sigma)
    assert np.mean((narrow < 0.05) | (narrow > 0.95)) > 0.3
    with pytest.raises(ValueError, match="sigma must be > 0 everywhere"):
        M.pit_gaussian(y, mu, 0 * sigma)
    with pytest.raises(ValueError, match="level must lie strictly between 0 and 1, got 1"):
        M.interval_score(y, mu, mu, 1)
