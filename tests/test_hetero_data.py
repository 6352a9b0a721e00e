"""Chapter 7's data: noise that grows with |x|, a hole, points beyond the data."""

import numpy as np
import pytest
import torch

import vi_helpers as vh
from vi_helpers.data import (
    REGIONS,
    HeteroDataset,
    hetero_noise_std,
    make_hetero_dataset,
    true_function,
)


@pytest.fixture(scope="module")
def data():
    return make_hetero_dataset(seed=0)


def test_noise_std_is_0_3_plus_0_57_abs_x_for_arrays_floats_and_tensors():
    x = np.array([-4.5, -3.0, -1.0, 0.0, 0.5, 3.0])
    expected = 0.3 + 0.57 * np.abs(x)
    np.testing.assert_allclose(hetero_noise_std(x), expected, rtol=0, atol=1e-15)
    assert hetero_noise_std(0.0) == pytest.approx(0.3, abs=1e-15)
    assert hetero_noise_std(-3.0) == pytest.approx(2.01, abs=1e-12)
    t = hetero_noise_std(torch.tensor(x).view(-1, 1))
    assert t.shape == (6, 1)
    np.testing.assert_allclose(t.numpy().ravel(), expected, rtol=0, atol=1e-15)


def test_shapes_dtypes_and_sizes(data):
    assert isinstance(data, vh.Dataset) and isinstance(data, HeteroDataset)
    for name in ("x", "y", "y_true", "noise_std", "x_train", "y_train", "x_val"):
        t = getattr(data, name)
        assert t.dtype == torch.float32, name
        assert t.dim() == 2 and t.shape[1] == 1, name
    assert len(data.x) == 4000 + 500
    assert np.all(np.diff(data.x.numpy().ravel()) > 0)  # sorted by x
    sizes = {k: len(v) for k, v in data.regions.items()}
    assert list(data.regions) == list(REGIONS)
    # 666 grid points fall in (0.75, 1.75); a fifth of the other 3334 are held out
    assert sizes == {"inside": 666, "hole": 666, "beyond": 500}
    assert len(data.train_idx) == 4000 - 666 - 666


def test_regions_are_disjoint_cover_every_point_and_lie_where_they_should(data):
    x = data.x.numpy().ravel().astype(np.float64)
    parts = [data.train_idx, data.inside_idx, data.hole_idx, data.beyond_idx]
    together = np.concatenate(parts)
    assert len(together) == len(set(together)) == len(x)
    np.testing.assert_array_equal(data.val_idx, data.inside_idx)
    a, b = data.hole
    for idx in (data.train_idx, data.inside_idx):
        assert np.all(np.abs(x[idx]) <= 3 + 1e-6)
        assert not np.any((a < x[idx]) & (x[idx] < b))
    assert np.all((a < x[data.hole_idx]) & (x[data.hole_idx] < b))
    beyond = x[data.beyond_idx]
    assert np.all((np.abs(beyond) > 3) & (np.abs(beyond) <= 4.5 + 1e-6))
    assert (beyond < 0).sum() == (beyond > 0).sum() == 250
    assert beyond.min() == pytest.approx(-4.5) and beyond.max() == pytest.approx(4.5)


def test_inside_points_are_interleaved_with_the_training_points(data):
    x = data.x.numpy().ravel()
    x_train = np.sort(x[data.train_idx])
    x_inside = x[data.inside_idx]
    # the nearest training point is a few grid steps away (grid step 0.0015)
    pos = np.clip(np.searchsorted(x_train, x_inside), 1, len(x_train) - 1)
    gap = np.minimum(np.abs(x_train[pos] - x_inside), np.abs(x_train[pos - 1] - x_inside))
    assert gap.max() < 0.02
    # spread over the whole data range on both sides of the hole
    assert x_inside.min() < -2.9 and x_inside.max() > 2.9
    assert np.sum(x_inside > data.hole[1]) > 100


def test_targets_are_the_cubic_plus_noise_of_std_sigma_of_x():
    d = make_hetero_dataset(n=40000, n_beyond=4000, seed=4)
    x = d.x.numpy().ravel().astype(np.float64)
    np.testing.assert_allclose(d.y_true.numpy().ravel(), true_function(x), rtol=1e-6,
                               atol=1e-4)
    np.testing.assert_allclose(d.noise_std.numpy().ravel(), hetero_noise_std(x),
                               rtol=1e-6)
    z = ((d.y - d.y_true) / d.noise_std).numpy().ravel().astype(np.float64)
    n = len(z)
    assert abs(z.mean()) < 5 / np.sqrt(n)  # standard normal: mean 0 ...
    assert abs(z.std() - 1) < 5 * np.sqrt(0.5 / n)  # ... and sd 1, within 5 SE
    # and per bin of x: the residual sd follows sigma(x), within 5 standard errors
    resid = (d.y - d.y_true).numpy().ravel()
    for lo in np.arange(-4.5, 4.5, 1.5):
        sel = (x >= lo) & (x < lo + 1.5)
        expected = np.sqrt(np.mean(hetero_noise_std(x[sel]) ** 2))
        assert abs(resid[sel].std() / expected - 1) < 5 * np.sqrt(0.5 / sel.sum())


def test_sigma_is_the_rms_noise_of_the_training_points(data):
    x_train = data.x_train.numpy().ravel().astype(np.float64)
    rms = np.sqrt(np.mean(hetero_noise_std(x_train) ** 2))
    assert data.sigma == pytest.approx(rms, rel=1e-6)
    assert 1.2 < data.sigma < 1.4


def test_reproducible_from_its_seed_and_different_across_seeds():
    a, b, c = (make_hetero_dataset(seed=s) for s in (5, 5, 6))
    assert torch.equal(a.y, b.y)
    np.testing.assert_array_equal(a.train_idx, b.train_idx)
    assert not torch.equal(a.y, c.y)
    assert not np.array_equal(a.inside_idx, c.inside_idx)
    np.testing.assert_array_equal(a.hole_idx, c.hole_idx)  # fixed by the grid


def test_another_hole_and_sizes():
    d = make_hetero_dataset(n=600, n_beyond=100, hole=(-2.0, -1.0), val_fraction=0.25)
    x = d.x.numpy().ravel()
    assert np.all((-2 < x[d.hole_idx]) & (x[d.hole_idx] < -1))
    assert len(d.beyond_idx) == 100
    assert len(d.inside_idx) == int(0.25 * (600 - len(d.hole_idx)))


def test_fit_trains_on_it_and_to_keeps_the_type(data):
    small = make_hetero_dataset(n=300, n_beyond=20, seed=1)
    model = vh.MLERegressor()
    history = vh.fit(model, vh.half_mse, small, epochs=5, progress=False)
    assert len(history) == 5
    moved = data.to("cpu")
    assert isinstance(moved, HeteroDataset)
    assert torch.equal(moved.noise_std, data.noise_std)
    np.testing.assert_array_equal(moved.beyond_idx, data.beyond_idx)
    assert "n_train=2668" in repr(data) and "hole=(0.75, 1.75)" in repr(data)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "n must be a positive integer, got 0"),
        ({"n_beyond": 3}, "n_beyond must be even .* got 3"),
        ({"n_beyond": -2}, "n_beyond must be a positive integer, got -2"),
        ({"val_fraction": 1.0}, "val_fraction must lie strictly between 0 and 1, got 1.0"),
        ({"seed": -1}, "seed must be a non-negative integer, got -1"),
        ({"hole": (1.0, 0.5)}, r"hole must be a tuple \(a, b\) with -3 < a < b < 3, got \(1.0, 0.5\)"),
        ({"hole": (2.0, 3.5)}, r"hole must be .* got \(2.0, 3.5\)"),
        ({"hole": [0.5, 1.0]}, r"hole must be .* got \[0.5, 1.0\]"),
        ({"n": 10, "hole": (0.1, 0.2)}, "leaves an empty region"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_hetero_dataset(**kwargs)
