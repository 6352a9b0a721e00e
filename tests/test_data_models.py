"""Data, models and the reparameterisation, against the source's definitions."""

import numpy as np
import torch

import vi_helpers as vh
from benchmarks import source_reference as src


def test_true_function_is_the_sources_and_equals_minus_1_8_cubed_plus_8x():
    x = np.linspace(-3, 3, 101)
    np.testing.assert_array_equal(vh.true_function(x), src.func(x))
    np.testing.assert_allclose(vh.true_function(x), -1.8 * x**3 + 8 * x, atol=1e-12)
    xt = torch.tensor(x)
    torch.testing.assert_close(vh.true_function(xt), torch.tensor(src.func(x)))


def test_dataset_shapes_dtypes_and_split():
    d = vh.make_dataset()
    for name in ("x", "y", "y_true", "x_train", "y_train", "x_val", "y_val"):
        t = getattr(d, name)
        assert t.dtype == torch.float32, name
        assert t.dim() == 2 and t.shape[1] == 1, name
    assert len(d.x) == 10000 and len(d.x_train) == 8000 and len(d.x_val) == 2000
    assert set(d.train_idx).isdisjoint(d.val_idx)
    assert sorted(np.concatenate([d.train_idx, d.val_idx])) == list(range(10000))
    np.testing.assert_allclose(d.x.numpy().ravel(), np.linspace(-3, 3, 10000), atol=1e-6)


def test_split_is_the_sources():
    d = vh.make_dataset()
    train_idx, val_idx = src.split(10000)
    np.testing.assert_array_equal(d.val_idx, val_idx)
    np.testing.assert_array_equal(d.train_idx, train_idx)


def test_dataset_is_reproducible_from_its_seed_and_differs_across_seeds():
    a, b, c = vh.make_dataset(seed=5), vh.make_dataset(seed=5), vh.make_dataset(seed=6)
    assert torch.equal(a.y, b.y)
    assert not torch.equal(a.y, c.y)


def test_noise_has_the_requested_sigma():
    d = vh.make_dataset(n=20000, sigma=2.0, seed=1)
    resid = (d.y - d.y_true).numpy()
    assert abs(resid.std() - 2.0) < 0.05
    assert abs(resid.mean()) < 0.05


def _copy_weights(ours, theirs):
    theirs.load_state_dict(ours.state_dict())


def test_models_have_the_sources_architecture_and_outputs():
    x = torch.linspace(-3, 3, 50).view(-1, 1)
    mle, ref = vh.MLERegressor(), src.MLE_model()
    _copy_weights(mle, ref)
    assert torch.equal(mle(x), ref(x))
    assert sum(p.numel() for p in mle.parameters()) == 1 * 20 + 20 + 20 + 1

    vi, ref = vh.VariationalRegressor(), src.VI_model()
    _copy_weights(vi, ref)
    torch.manual_seed(7)
    ours = vi(x)
    torch.manual_seed(7)
    theirs = ref(x)
    for a, b in zip(ours, theirs):
        assert torch.equal(a, b)
    per_head = (40 + 40) + (40 * 20 + 20) + (20 * 10 + 10) + (10 + 1)
    assert sum(p.numel() for p in vi.parameters()) == 2 * per_head


def test_reparameterised_samples_have_mean_mu_and_variance_sigma_squared():
    model = vh.VariationalRegressor()
    x = torch.full((200_000, 1), 0.7)
    with torch.no_grad():
        sample, mu, log_var = model(x)
    sigma = float(torch.exp(0.5 * log_var[0]) + 1e-5)
    n = sample.numel()
    # mean within 5 standard errors, variance within 5 of its standard errors
    assert abs(sample.mean().item() - mu[0].item()) < 5 * sigma / n**0.5
    assert abs(sample.var().item() - sigma**2) < 5 * sigma**2 * (2 / n) ** 0.5


def test_generator_makes_samples_reproducible():
    model = vh.VariationalRegressor()
    x = torch.zeros(10, 1)
    a = model(x, generator=torch.Generator().manual_seed(1))[0]
    b = model(x, generator=torch.Generator().manual_seed(1))[0]
    assert torch.equal(a, b)


def test_set_seed_makes_torch_and_numpy_repeat():
    vh.set_seed(11)
    a = (torch.rand(3), np.random.rand(3))
    vh.set_seed(11)
    b = (torch.rand(3), np.random.rand(3))
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_get_device_returns_an_available_device():
    dev = vh.get_device()
    assert dev.type in ("cpu", "cuda", "mps")
    assert torch.zeros(1, device=dev).device.type == dev.type
    if not torch.cuda.is_available():
        assert dev.type in ("cpu", "mps")
