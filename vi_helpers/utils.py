"""Seeding, device choice and training threads: one place for each."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

from . import _validate

#: Intra-op threads while the book's networks train (:func:`vi_helpers.fit`). They
#: are so small that a second thread costs more in waiting than it gains, several
#: times so on a busy machine (``make bench`` measures both; Performance page).
TRAIN_THREADS = 1


def set_seed(seed: int) -> None:
    """Seed Python's, NumPy's and PyTorch's random number generators (CUDA too)."""
    seed = _validate.seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def get_device() -> torch.device:
    """Pick the best device here: CUDA, then Apple's MPS, then the CPU.

    This replaces the source's legacy ``Tensor = torch.cuda.FloatTensor`` idiom:
    make tensors on the CPU and move them with ``.to(device)``.
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@contextmanager
def torch_threads(threads: int | None = None) -> Iterator[None]:
    """Run the block with ``threads`` intra-op threads, then restore the old number.

    ``None``: :data:`TRAIN_THREADS`, read when the block starts (so a benchmark
    can set ``vi_helpers.utils.TRAIN_THREADS`` to time ``fit`` on more threads).
    """
    before = torch.get_num_threads()
    threads = TRAIN_THREADS if threads is None else threads
    torch.set_num_threads(_validate.positive_int("threads", threads))
    try:
        yield
    finally:
        torch.set_num_threads(before)
