"""The walkthrough's synthetic data: a cubic with Gaussian noise, split 80/20."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from . import _validate

#: The seed the source passes to ``np.random.seed`` before drawing the split.
SOURCE_SPLIT_SEED = 1996


def true_function(x):
    r"""The source's noise-free function, written exactly as the source writes it.

    .. math:: f(x) = 0.2x^3 - 2x^{2+1} + 8x

    The exponent ``2 + 1`` makes the second term cubic too, so this equals
    :math:`-1.8x^3 + 8x` (the source probably meant :math:`x^2`). Works on
    NumPy arrays, Python floats and torch tensors; the result has x's shape.
    """
    if isinstance(x, torch.Tensor):
        return 0.2 * torch.pow(x, 3) - 2 * torch.pow(x, 2 + 1) + 8 * x
    return 0.2 * np.power(x, 3) - 2 * np.power(x, 2 + 1) + 8 * x


@dataclass(frozen=True)
class Dataset:
    """The full grid and its split. Every tensor is float32 with shape (N, 1)."""

    x: torch.Tensor  # (n, 1) inputs on linspace(-3, 3)
    y: torch.Tensor  # (n, 1) noisy targets, the source's Y_noise
    y_true: torch.Tensor  # (n, 1) f(x) without noise, the source's Y_real
    train_idx: np.ndarray  # (n_train,) sorted indices into x
    val_idx: np.ndarray  # (n_val,) sorted indices into x
    sigma: float
    seed: int

    @property
    def x_train(self) -> torch.Tensor:
        return self.x[self.train_idx]

    @property
    def y_train(self) -> torch.Tensor:
        return self.y[self.train_idx]

    @property
    def x_val(self) -> torch.Tensor:
        return self.x[self.val_idx]

    @property
    def y_val(self) -> torch.Tensor:
        return self.y[self.val_idx]

    @property
    def y_true_val(self) -> torch.Tensor:
        return self.y_true[self.val_idx]

    def to(self, device) -> Dataset:
        """A copy with every tensor on ``device``."""
        return Dataset(
            self.x.to(device), self.y.to(device), self.y_true.to(device),
            self.train_idx, self.val_idx, self.sigma, self.seed,
        )

    def __repr__(self) -> str:
        return (
            f"Dataset(n={len(self.x)}, n_train={len(self.train_idx)}, "
            f"n_val={len(self.val_idx)}, sigma={self.sigma}, seed={self.seed}, "
            f"device={self.x.device.type})"
        )


def make_dataset(
    n: int = 10000,
    sigma: float = 1.5,
    val_fraction: float = 0.2,
    seed: int = 0,
    split_seed: int = SOURCE_SPLIT_SEED,
) -> Dataset:
    """Sample the walkthrough's data: y = f(x) + N(0, sigma^2) on linspace(-3, 3, n).

    The noise comes from ``numpy.random.default_rng(seed)``, so the same seed
    gives the same data on every run (the source draws it unseeded). The split
    is the source's: ``int(n * val_fraction)`` validation indices drawn without
    replacement after seeding NumPy's legacy generator with ``split_seed`` (1996),
    the rest for training. Returns a :class:`Dataset` of (N, 1) float32 tensors.
    """
    n = _validate.positive_int("n", n)
    sigma = _validate.non_negative_float("sigma", sigma)
    val_fraction = _validate.open_unit("val_fraction", val_fraction)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    n_val = int(n * val_fraction)
    if n_val < 1 or n_val >= n:
        raise ValueError(
            f"n={n} with val_fraction={val_fraction} leaves an empty split "
            f"({n_val} validation points)"
        )

    x = np.linspace(-3, 3, n)
    y_true = true_function(x)
    y = y_true + np.random.default_rng(seed).normal(0, sigma, n)

    val_idx = np.sort(np.random.RandomState(split_seed).choice(n, n_val, replace=False))
    train_idx = np.setdiff1d(np.arange(n), val_idx)  # sorted, disjoint, complete

    def col(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(a, dtype=torch.float32).view(-1, 1)

    return Dataset(col(x), col(y), col(y_true), train_idx, val_idx, sigma, seed)
