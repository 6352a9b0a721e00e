"""Every public function refuses bad input with a ValueError naming argument and value."""

import functools

import pytest
import torch

import vi_helpers as vh


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, r"n must be a positive integer, got 0"),
        ({"n": -5}, r"n must be a positive integer, got -5"),
        ({"n": 2.5}, r"n must be a positive integer, got 2.5"),
        ({"sigma": -0.1}, r"sigma must be finite and >= 0, got -0.1"),
        ({"sigma": float("nan")}, r"sigma must be finite and >= 0, got nan"),
        ({"val_fraction": 0.0}, r"val_fraction must lie strictly between 0 and 1, got 0.0"),
        ({"val_fraction": 1.0}, r"val_fraction must lie strictly between 0 and 1, got 1.0"),
        ({"val_fraction": 1.5}, r"val_fraction .* got 1.5"),
        ({"n": 3, "val_fraction": 0.2}, r"n=3 with val_fraction=0.2 leaves an empty split"),
        ({"seed": -1}, r"seed must be a non-negative integer, got -1"),
    ],
)
def test_make_dataset_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vh.make_dataset(**kwargs)


def test_set_seed_rejects_a_negative_seed():
    with pytest.raises(ValueError, match="seed .* got -3"):
        vh.set_seed(-3)


@pytest.mark.parametrize("epochs", [0, -1, 1.5, None])
def test_fit_rejects_bad_epochs_before_training(small_data, epochs):
    model = vh.MLERegressor()
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=f"epochs must be a positive integer, got {epochs}"):
        vh.fit(model, vh.half_mse, small_data, epochs=epochs, progress=False)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_fit_rejects_bad_lr_and_log_every(small_data):
    with pytest.raises(ValueError, match="lr must be > 0, got 0.0"):
        vh.fit(vh.MLERegressor(), vh.half_mse, small_data, epochs=1, lr=0.0)
    with pytest.raises(ValueError, match="log_every must be a positive integer, got 0"):
        vh.fit(vh.MLERegressor(), vh.half_mse, small_data, epochs=1, log_every=0)


def test_fit_rejects_non_dataset(small_data):
    with pytest.raises(ValueError, match="data must be a vi_helpers.Dataset, got tuple"):
        vh.fit(vh.MLERegressor(), vh.half_mse, (small_data.x, small_data.y), epochs=1)


def test_losses_refuse_silent_broadcasting():
    y = torch.zeros(5, 1)
    with pytest.raises(ValueError, match=r"shapes differ: y_pred=\(5,\), y=\(5, 1\)"):
        vh.half_mse(torch.zeros(5), y)
    with pytest.raises(ValueError, match=r"shapes differ: .*mu=\(5,\)"):
        vh.negative_elbo(y, y, torch.zeros(5), y, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"shapes differ: y=\(5, 1\), mu=\(5,\)"):
        vh.gaussian_nll_loss(y, y, torch.zeros(5), y)
    with pytest.raises(ValueError, match=r"shapes differ: sample=\(5, 1\), y=\(4, 1\)"):
        vh.negative_elbo(y, torch.zeros(4, 1), y, y, 0.0, 1.0)


def test_losses_refuse_different_lengths():
    with pytest.raises(ValueError, match=r"y_pred=\(3, 1\), y=\(4, 1\)"):
        vh.half_mse(torch.zeros(3, 1), torch.zeros(4, 1))


def test_negative_elbo_refuses_a_non_positive_prior_variance():
    y = torch.zeros(3, 1)
    with pytest.raises(ValueError, match="prior_var must be > 0, got 0.0"):
        vh.negative_elbo(y, y, y, y, prior_mean=0.0, prior_var=0.0)


def test_prior_from_targets_refuses_nan():
    with pytest.raises(ValueError, match=r"y_train holds 1 NaN or infinite value"):
        vh.prior_from_targets(torch.tensor([[1.0], [float("nan")]]))


@pytest.mark.parametrize(
    "x, match",
    [
        (torch.zeros(5), r"x must have shape \(N, 1\), got \(5,\)"),
        (torch.zeros(5, 2), r"x must have shape \(N, 1\), got \(5, 2\)"),
        (torch.tensor([[0.0], [float("inf")]]), r"x holds 1 NaN or infinite value"),
        (torch.tensor([[float("nan")]]), r"x holds 1 NaN or infinite value"),
        ([[0.0]], r"x must be a torch.Tensor, got list"),
    ],
)
def test_prediction_rejects_bad_x(x, match):
    with pytest.raises(ValueError, match=match):
        vh.predictive_samples(vh.VariationalRegressor(), x, num_samples=2)
    with pytest.raises(ValueError, match=match):
        vh.predictive_quantiles(vh.VariationalRegressor(), x, num_samples=2)


@pytest.mark.parametrize("num_samples", [0, -10, 3.0])
def test_prediction_rejects_bad_num_samples(num_samples):
    x = torch.zeros(4, 1)
    with pytest.raises(ValueError, match=f"num_samples must be a positive integer, got {num_samples}"):
        vh.predictive_samples(vh.VariationalRegressor(), x, num_samples=num_samples)


@pytest.mark.parametrize("quantiles", [(0.0, 0.5), (0.5, 1.0), (-0.1,), (1.2,), ()])
def test_prediction_rejects_quantiles_outside_the_open_unit_interval(quantiles):
    with pytest.raises(ValueError, match="quantiles must"):
        vh.predictive_quantiles(vh.VariationalRegressor(), torch.zeros(4, 1),
                                quantiles=quantiles, num_samples=4)


def test_prediction_rejects_an_unknown_method():
    with pytest.raises(ValueError, match="method must be one of .* got 'magic'"):
        vh.predictive_quantiles(vh.VariationalRegressor(), torch.zeros(4, 1), method="magic")


def test_nan_in_the_data_is_caught_before_training(small_data):
    y = small_data.y.clone()
    y[3] = float("nan")
    bad = vh.Dataset(small_data.x, y, small_data.y_true, small_data.train_idx,
                     small_data.val_idx, 1.5, 0)
    loss = functools.partial(vh.negative_elbo, prior_mean=0.0, prior_var=1.0)
    with pytest.raises(ValueError, match="y holds 1 NaN or infinite value"):
        vh.fit(vh.VariationalRegressor(), loss, bad, epochs=3, progress=False)


def test_fit_refuses_x_and_y_of_different_lengths(small_data):
    bad = vh.Dataset(small_data.x, small_data.y[:-1], small_data.y_true,
                     small_data.train_idx[:-1], small_data.val_idx, 1.5, 0)
    with pytest.raises(ValueError, match=r"lengths differ: x=500, y=499"):
        vh.fit(vh.MLERegressor(), vh.half_mse, bad, epochs=1, progress=False)


def test_fit_refuses_a_flat_y(small_data):
    flat = vh.Dataset(small_data.x, small_data.y.view(-1), small_data.y_true,
                      small_data.train_idx, small_data.val_idx, 1.5, 0)
    with pytest.raises(ValueError, match=r"y must have shape \(N, 1\), got \(500,\)"):
        vh.fit(vh.MLERegressor(), vh.half_mse, flat, epochs=1, progress=False)
