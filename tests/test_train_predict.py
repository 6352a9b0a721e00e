
"""The training loop and the predictive band."""

import functools
import math

import numpy as np
import pytest
import torch

import vi_helpers as vh
from benchmarks import source_reference as src


def test_fit_lowers_the_loss_and_logs_the_requested_epochs(small_data):
    model = vh.MLERegressor()
    hist = vh.fit(model, vh.half_mse, small_data, epochs=300, lr=1e-2,
                  log_every=50, progress=False)
    assert hist.epochs == [50, 100, 150, 200, 250, 300]
    assert len(hist.train_loss) == len(hist.val_loss) == 6
    assert hist.train_loss[-1] < 0.5 * hist.train_loss[0]
    assert hist.seconds > 0


@pytest.mark.filterwarnings("ignore:Converting a tensor")
def test_fit_history_matches_the_sources_loop_for_the_mle(small_data):
    torch.manual_seed(0)
    ours = vh.MLERegressor()
    ref = src.MLE_model()
    ref.load_state_dict(ours.state_dict())
    hist = vh.fit(ours, vh.half_mse, small_data, epochs=40, log_every=10, progress=False)
    log = []
    d = small_data
    with vh.utils.torch_threads():  # fit's thread count: the same arithmetic
        src.train(ref, src.MSE, 40, torch.optim.Adam(ref.parameters()), d.x_train,
                  d.y_train, d.x_val, d.y_val, print_=10, type=1, log=log)
    # the source prints the mean loss divided by N once more; undo that to compare
    n_tr, n_val = len(d.x_train), len(d.x_val)
    for (e, tr, va), e2, tr2, va2 in zip(log, hist.epochs, hist.train_loss, hist.val_loss):
        assert e == e2
        assert tr * n_tr == pytest.approx(tr2, rel=1e-5)
        assert va * n_val == pytest.approx(va2, rel=1e-5)
    # fit's multi-tensor Adam does the default Adam's arithmetic: equal to the last bit
    for p, q in zip(ours.parameters(), ref.parameters()):
        assert torch.equal(p, q)


def test_logging_does_not_change_the_trained_variational_model(small_data):
    prior = vh.prior_from_targets(small_data.y_train)
    loss = functools.partial(vh.negative_elbo, prior_mean=prior[0], prior_var=prior[1])
    states = []
    for log_every in (1, 25):
        torch.manual_seed(4)
        model = vh.VariationalRegressor()
        vh.fit(model, loss, small_data, epochs=25, log_every=log_every, progress=False)
        states.append(model.state_dict())
    for k in states[0]:
        assert torch.equal(states[0][k], states[1][k]), k


def test_fit_calls_back_at_logged_epochs(small_data):
    seen = []
    vh.fit(vh.MLERegressor(), vh.half_mse, small_data, epochs=20, log_every=5,
           progress=False, callback=lambda e, tr, va: seen.append(e))
    assert seen == [5, 10, 15, 20]


def test_nan_guard_names_the_epoch(small_data):
    calls = {"n": 0}

    def loss_that_breaks(y_pred, y):
        calls["n"] += 1
        loss = vh.half_mse(y_pred, y)
        return loss * float("nan") if calls["n"] == 7 else loss

    with pytest.raises(vh.TrainingDiverged, match="epoch 7") as info:
        vh.fit(vh.MLERegressor(), loss_that_breaks, small_data, epochs=50,
               log_every=100, progress=False)
    assert info.value.epoch == 7


def test_huge_learning_rate_diverges_with_a_clear_error():
    d = vh.make_dataset(n=200, sigma=1.0, seed=0)
    d = vh.Dataset(d.x * 1e18, d.y * 1e18, d.y_true, d.train_idx, d.val_idx, 1.0, 0)
    with pytest.raises(vh.TrainingDiverged, match="epoch"):
        vh.fit(vh.MLERegressor(), vh.half_mse, d, epochs=200, lr=10.0, progress=False)


def test_fit_shows_a_progress_bar_only_when_asked(small_data, capsys):
    vh.fit(vh.MLERegressor(), vh.half_mse, small_data, epochs=5, progress=True)
    assert "MLERegressor" in capsys.readouterr().err
    vh.fit(vh.MLERegressor(), vh.half_mse, small_data, epochs=5, progress=False)
    assert capsys.readouterr().err == ""


@pytest.fixture(scope="module")
def trained_vi():
    torch.manual_seed(0)
    d = vh.make_dataset(n=2000, seed=1)
    model = vh.VariationalRegressor()
    m, P = vh.prior_from_targets(d.y_train)
    loss = functools.partial(vh.negative_elbo, prior_mean=m, prior_var=P)
    vh.fit(model, loss, d, epochs=150, lr=3e-3, progress=False)
    return model, d


def test_predictive_samples_shape_and_the_sources_loop(trained_vi):
    model, d = trained_vi
    x = d.x[:300]
    torch.manual_seed(2)
    ours = vh.predictive_samples(model, x, num_samples=50)
    torch.manual_seed(2)
    with torch.no_grad():
        ref = torch.cat([model(x)[0] for _ in range(50)], dim=1)
    assert ours.shape == (300, 50)
    assert torch.equal(ours, ref)


def test_three_band_methods_agree_within_monte_carlo_error(trained_vi):
    model, d = trained_vi
    x = d.x[::4]
    torch.manual_seed(5)
    q_src = src.sample_band(model, x, num_samples=2000)
    g = torch.Generator().manual_seed(5)
    q_loop = vh.predictive_quantiles(model, x, num_samples=2000, generator=g)
    q_vec = vh.predictive_quantiles(model, x, num_samples=2000, method="vectorised",
                                    generator=g)
    q_cf = vh.predictive_quantiles(model, x, method="closed_form")
    assert q_cf.shape == q_vec.shape == q_loop.shape == (3, len(x))
    with torch.no_grad():
        sigma = (torch.exp(0.5 * model(x)[2]) + 1e-5).view(-1).numpy()
    # standard error of a sample 5 % quantile with 2,000 draws is about 0.049 sigma
    tol = 5 * 0.049 * sigma
    for q in (torch.as_tensor(q_src), q_loop, q_vec):
        assert np.all(np.abs(q.numpy() - q_cf.numpy()) < tol)


def test_closed_form_of_a_fit_with_one_noise_level_is_mu_plus_z_sigma():
    net = vh.MLERegressor()
    model = vh.ConstantNoise(net, sigma=2.0)
    x = torch.linspace(-1, 1, 7).view(-1, 1)
    q = vh.predictive_quantiles(model, x, quantiles=(0.1, 0.9), method="closed_form")
    with torch.no_grad():
        pred = net(x).view(1, -1)
    z = vh.predict.normal_quantile(0.9)
    torch.testing.assert_close(q, torch.cat([pred - 2 * z, pred + 2 * z]))


def test_vectorised_band_is_within_monte_carlo_error_of_mu_plus_z_sigma():
    class Fixed(vh.Regressor):  # a model with known mu and sigma at every x
        def forward(self, x, generator=None):
            mu, log_var = x.clone(), torch.log((0.5 + x.abs()) ** 2)
            eps = torch.randn(x.shape, generator=generator)
            return mu + torch.exp(0.5 * log_var) * eps, mu, log_var

    x = torch.linspace(-3, 3, 2001).view(-1, 1)
    sigma = (0.5 + x.abs()).view(1, -1).numpy()
    band = vh.predictive_quantiles(Fixed(), x, num_samples=600, method="vectorised",
                                   generator=torch.Generator().manual_seed(11))
    z = np.array([-1.6449, 0.0, 1.6449])[:, None]
    exact = x.view(1, -1).numpy() + z * sigma
    # se of a 5 % quantile from 600 draws is about 0.087 sigma; 5 se over 6,003 values
    assert np.all(np.abs(band.numpy() - exact) < 5 * 0.087 * sigma)
    again = vh.predictive_quantiles(Fixed(), x, num_samples=600, method="vectorised",
                                    generator=torch.Generator().manual_seed(11))
    assert torch.equal(band, again)  # a seed gives the same band


def test_vectorised_band_of_a_certain_model_is_its_mean():
    class Certain(vh.Regressor):  # sigma 0: every draw is the mean
        def forward(self, x, generator=None):
            mu = 2 * x
            return mu, mu, torch.full_like(mu, -math.inf)

    x = torch.tensor([[1.0], [2.0], [-3.0]])
    band = vh.predictive_quantiles(Certain(), x, (0.1, 0.9), num_samples=50,
                                   method="vectorised")
    assert torch.equal(band, (2 * x).view(1, -1).expand(2, -1))


@pytest.mark.parametrize("predict", [
    lambda m, x: vh.predictive_normal(m, x),
    lambda m, x: vh.predictive_samples(m, x, num_samples=3),
    lambda m, x: vh.predictive_quantiles(m, x, method="closed_form"),
])
def test_prediction_needs_a_regressor_and_says_how_to_get_one(predict):
    x = torch.zeros(4, 1)
    with pytest.raises(ValueError, match="got MLERegressor .*ConstantNoise"):
        predict(vh.MLERegressor(), x)
    band = vh.ConstantNoise(vh.MLERegressor(), sigma=1.5)
    mean, std = vh.predictive_normal(band, x)
    assert torch.allclose(std, torch.full((4, 1), 1.5))


def test_every_model_of_the_book_offers_the_contract(small_data):
    """One contract (vh.Regressor): every recipe's model predicts through it, and
    says whether its prediction has an epistemic part."""
    epistemic = {"bbb", "h_bbb", "h_bbb_hetero", "h_dropout", "h_ensemble", "h_laplace",
                 "h_laplace_full"}
    for key in vh.RECIPES:
        model, _ = vh.recipes.train(key, small_data, seed=0, epochs=2)
        assert isinstance(model, vh.Regressor), key
        assert model.HAS_EPISTEMIC == (key in epistemic), key
        mean, ep, al = model.predict(small_data.x_val[:5], 4,
                                     torch.Generator().manual_seed(0))
        assert mean.shape == ep.shape == al.shape == (5, 1), key
        assert (ep == 0).all() != model.HAS_EPISTEMIC, key


@pytest.mark.parametrize("key", list(vh.RECIPES))
def test_predict_gives_the_moments_of_the_models_mixture(small_data, key):
    """components(x) is the mixture a model predicts: one Gaussian for a network
    with fixed weights or a Laplace approximation, one per weight draw or dropout
    mask, one per ensemble member; predict's mean and variances are its moments
    (the law of total variance, in float64)."""
    model, _ = vh.recipes.train(key, small_data, seed=0, epochs=2)
    x = small_data.x_val[:7]
    mu, sigma = model.components(x, 6, torch.Generator().manual_seed(0))
    mean, ep, al = model.predict(x, 6, torch.Generator().manual_seed(0))
    count = {"bbb": 6, "h_bbb": 6, "h_bbb_hetero": 6, "h_dropout": 6, "h_ensemble": 5}
    assert mu.shape == sigma.shape == (count.get(key, 1), 7, 1), key
    assert (sigma > 0).all(), key
    mu, var = mu.double(), sigma.double() ** 2
    torch.testing.assert_close(mean.double(), mu.mean(0), rtol=1e-6, atol=1e-6)
    total = (var + mu**2).mean(0) - mu.mean(0) ** 2  # the mixture's variance
    torch.testing.assert_close((ep**2 + al**2).double(), total, rtol=1e-5, atol=1e-6)
    if key in count:  # the split of a sampled mixture: spread of means, mean of σ²
        torch.testing.assert_close(ep.double() ** 2, mu.var(0, correction=0),
                                   rtol=1e-4, atol=1e-6)
        torch.testing.assert_close(al.double() ** 2, var.mean(0), rtol=1e-5, atol=1e-6)


def test_print_log_prints_the_sources_line(small_data, capsys):
    vh.fit(vh.MLERegressor(), vh.half_mse, small_data, epochs=4, log_every=2,
           progress=False, callback=vh.print_log)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Epoch 2, Train Loss ") and ", Val Loss " in lines[0]
