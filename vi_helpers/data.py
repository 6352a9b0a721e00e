"""The walkthrough's synthetic data: a cubic with Gaussian noise, split 80/20."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import _validate

#: The seed the source passes to ``np.random.seed`` before drawing the split.
SOURCE_SPLIT_SEED = 1996
#: Results that commands of the book computed once and stored (JSON).
BOOK_DATA = Path(__file__).resolve().parents[1] / "book" / "data"


def load_book_data(name: str) -> dict:
    """The stored result ``book/data/<name>.json`` (e.g. ``"evaluation"``)."""
    path = BOOK_DATA / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no {path}: README.md names the command for it")
    return json.loads(path.read_text(encoding="utf-8"))


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

    # the split: (n_train, 1) and (n_val, 1) rows of the grid
    x_train = property(lambda self: self.x[self.train_idx])
    y_train = property(lambda self: self.y[self.train_idx])
    x_val = property(lambda self: self.x[self.val_idx])
    y_val = property(lambda self: self.y[self.val_idx])
    y_true_val = property(lambda self: self.y_true[self.val_idx])

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
    seed = _validate.seed(seed)
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


#: σ(x) = a + b|x| of the heteroscedastic data: 0.3 at x = 0, 2.01 at |x| = 3.
HETERO_NOISE = (0.3, 0.57)
#: Chapter 7's held-out regions, in the order the book scores them.
REGIONS = ("inside", "hole", "beyond")
#: Chapter 7's hole in the training x: every point in (0.75, 1.75) is held out.
HOLE = (0.75, 1.75)


def hetero_noise_std(x):
    r"""The noise standard deviation of :func:`make_hetero_dataset` at x.

    .. math:: \sigma(x) = 0.3 + 0.57\,|x|

    Works on NumPy arrays, Python floats and torch tensors; the result has x's
    shape. With :func:`true_function` it is the oracle: the true
    :math:`\mathcal N(f(x), \sigma(x)^2)` of every point.
    """
    a, b = HETERO_NOISE
    if isinstance(x, torch.Tensor):
        return a + b * x.abs()
    return a + b * np.abs(x)


@dataclass(frozen=True, repr=False)
class HeteroDataset(Dataset):
    """A :class:`Dataset` whose noise grows with |x|, plus three held-out regions.

    ``train_idx`` holds the training points; ``val_idx`` is the same array as
    ``inside_idx`` (so :func:`vi_helpers.fit` logs its validation loss there);
    ``hole_idx`` and ``beyond_idx`` are held out as well. ``noise_std`` is
    σ(x) at every x, (n, 1); ``sigma`` is the root mean square of σ over the
    training points, the one noise level a homoscedastic model should find.
    """

    inside_idx: np.ndarray  # (n_inside,) held out between training points
    hole_idx: np.ndarray  # (n_hole,) every point of the hole in the training x
    beyond_idx: np.ndarray  # (n_beyond,) 3 < |x| <= 4.5
    noise_std: torch.Tensor  # (n, 1) σ(x)
    hole: tuple[float, float]

    @property
    def regions(self) -> dict[str, np.ndarray]:
        """The held-out indices into x by region name, in :data:`REGIONS` order."""
        return {"inside": self.inside_idx, "hole": self.hole_idx,
                "beyond": self.beyond_idx}

    def to(self, device) -> HeteroDataset:
        """A copy with every tensor on ``device``."""
        return HeteroDataset(
            self.x.to(device), self.y.to(device), self.y_true.to(device),
            self.train_idx, self.val_idx, self.sigma, self.seed,
            self.inside_idx, self.hole_idx, self.beyond_idx,
            self.noise_std.to(device), self.hole,
        )

    def __repr__(self) -> str:
        return (
            f"HeteroDataset(n_train={len(self.train_idx)}, "
            f"n_inside={len(self.inside_idx)}, n_hole={len(self.hole_idx)}, "
            f"n_beyond={len(self.beyond_idx)}, hole={self.hole}, seed={self.seed}, "
            f"device={self.x.device.type})"
        )


def make_hetero_dataset(
    n: int = 4000,
    n_beyond: int = 500,
    hole: tuple[float, float] = HOLE,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> HeteroDataset:
    r"""Chapter 7's data: the same cubic, noise that grows with |x|, a hole.

    .. math:: y = f(x) + \sigma(x)\,\varepsilon,\quad
              \sigma(x) = 0.3 + 0.57|x|,\quad \varepsilon \sim \mathcal N(0, 1)

    ``n`` points on ``linspace(-3, 3, n)``: those inside the open interval
    ``hole`` are all held out (region ``"hole"``); of the rest,
    ``int(val_fraction * count)`` drawn at random are held out between the
    training points (``"inside"``) and the others are the training set.
    ``n_beyond`` more points, evenly spaced, half on each side, lie beyond the
    data, :math:`3 < |x| \le 4.5` (``"beyond"``). One
    ``numpy.random.default_rng(seed)`` draws the noise, then the split. Returns a
    :class:`HeteroDataset` of (N, 1) float32 tensors sorted by x, which
    :func:`vi_helpers.fit` trains on like any :class:`Dataset`.
    """
    n = _validate.positive_int("n", n)
    n_beyond = _validate.positive_int("n_beyond", n_beyond)
    if n_beyond % 2:
        raise ValueError(f"n_beyond must be even (half on each side), got {n_beyond}")
    val_fraction = _validate.open_unit("val_fraction", val_fraction)
    seed = _validate.seed(seed)
    if (
        not isinstance(hole, tuple) or len(hole) != 2
        or not all(isinstance(h, (int, float)) for h in hole)
        or not -3 < hole[0] < hole[1] < 3
    ):
        raise ValueError(
            f"hole must be a tuple (a, b) with -3 < a < b < 3, got {hole!r}"
        )
    hole = (float(hole[0]), float(hole[1]))

    grid = np.linspace(-3, 3, n)
    right = np.linspace(3, 4.5, n_beyond // 2 + 1)[1:]  # (3, 4.5]
    x = np.concatenate([-right[::-1], grid, right])  # sorted
    y_true = true_function(x)
    noise_std = hetero_noise_std(x)
    rng = np.random.default_rng(seed)
    y = y_true + noise_std * rng.standard_normal(len(x))

    on_grid = np.arange(n_beyond // 2, n_beyond // 2 + n)
    in_hole = (hole[0] < x[on_grid]) & (x[on_grid] < hole[1])
    hole_idx, pool = on_grid[in_hole], on_grid[~in_hole]
    n_inside = int(val_fraction * len(pool))
    if len(hole_idx) == 0 or n_inside < 1 or n_inside >= len(pool):
        raise ValueError(
            f"n={n} with hole={hole} and val_fraction={val_fraction} leaves an "
            f"empty region ({len(hole_idx)} in the hole, {n_inside} inside, "
            f"{len(pool) - n_inside} for training)"
        )
    inside_idx = np.sort(rng.choice(pool, n_inside, replace=False))
    train_idx = np.setdiff1d(pool, inside_idx)  # sorted, disjoint
    beyond_idx = np.concatenate([np.arange(n_beyond // 2), on_grid[-1] + 1
                                 + np.arange(n_beyond // 2)])
    sigma = float(np.sqrt(np.mean(noise_std[train_idx] ** 2)))

    def col(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(a, dtype=torch.float32).view(-1, 1)

    return HeteroDataset(
        col(x), col(y), col(y_true), train_idx, inside_idx, sigma, seed,
        inside_idx, hole_idx, beyond_idx, col(noise_std), hole,
    )
