"""The source's full setup, seeded, on the CPU: the numbers the book explains."""

import functools

import pytest
import torch

import vi_helpers as vh

pytestmark = pytest.mark.slow  # the source's full runs: 10,000 and 1,000 epochs


@pytest.fixture(scope="module")
def data():
    return vh.make_dataset(n=10000, sigma=1.5, seed=0)


def test_mle_reaches_the_noise_floor_after_the_sources_10000_epochs(data):
    vh.set_seed(0)
    model = vh.MLERegressor()
    hist = vh.fit(model, vh.half_mse, data, epochs=10000, log_every=1000, progress=False)
    oracle = vh.half_mse(data.y_true_val, data.y_val).item()
    assert hist.val_loss[-1] == pytest.approx(oracle, rel=0.05)
    with torch.no_grad():
        mse_f = ((model(data.x) - data.y_true) ** 2).mean().item()
    assert mse_f < 0.1


def test_faithful_variational_band_is_too_wide_after_1000_epochs(data):
    vh.set_seed(0)
    model = vh.VariationalRegressor()
    m, P = vh.prior_from_targets(data.y_train)
    loss = functools.partial(vh.negative_elbo, prior_mean=m, prior_var=P)
    vh.fit(model, loss, data, epochs=1000, log_every=100, progress=False)
    q = vh.predictive_quantiles(model, data.x_val, num_samples=1000, method="vectorised",
                                generator=torch.Generator().manual_seed(0))
    y = data.y_val.view(-1)
    covered = ((y >= q[0]) & (y <= q[2])).float().mean().item()
    assert covered >= 0.97
    assert (q[2] - q[0]).mean().item() > 2 * 2 * 1.645 * 1.5
