"""Argument checks shared by the package: fail early, name the argument and value."""

from __future__ import annotations

import math
from numbers import Integral, Real

import torch


def positive_int(name: str, value) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def seed(value) -> int:
    """Return ``value`` as an int, or raise unless it is an integer >= 0."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"seed must be a non-negative integer, got {value!r}")
    return int(value)


def non_negative_float(name: str, value) -> float:
    """Return ``value`` as a float, or raise if it is negative or not finite."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return float(value)


def positive_float(name: str, value) -> float:
    """Return ``value`` as a float, or raise unless it is finite and > 0."""
    value = non_negative_float(name, value)
    if value == 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def open_unit(name: str, value) -> float:
    """Return ``value`` as a float, or raise unless 0 < value < 1."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return float(value)


def column(name: str, t) -> torch.Tensor:
    """Check that ``t`` is a finite tensor of shape (N, 1) and return it.

    A (N,) tensor is refused: mixing it with an (N, 1) one would broadcast to
    (N, N) and give a wrong loss without any error.
    """
    if not isinstance(t, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if t.dim() != 2 or t.shape[1] != 1:
        raise ValueError(
            f"{name} must have shape (N, 1), got {tuple(t.shape)}; "
            f"use {name}.view(-1, 1)"
        )
    if t.shape[0] == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(t.shape)}")
    finite(name, t)
    return t


def finite(name: str, t: torch.Tensor) -> torch.Tensor:
    """Raise if ``t`` holds NaN or infinite values."""
    if t.is_floating_point() and not bool(torch.isfinite(t).all()):
        bad = int((~torch.isfinite(t)).sum())
        raise ValueError(f"{name} holds {bad} NaN or infinite value(s)")
    return t


def same_length(names: tuple[str, ...], *tensors: torch.Tensor) -> None:
    """Raise unless all tensors have the same first dimension."""
    lengths = [int(t.shape[0]) for t in tensors]
    if len(set(lengths)) > 1:
        pairs = ", ".join(f"{n}={k}" for n, k in zip(names, lengths))
        raise ValueError(f"lengths differ: {pairs}")


def same_shape(names: tuple[str, ...], *tensors: torch.Tensor) -> None:
    """Raise unless all are tensors of exactly the same shape (no broadcasting)."""
    for name, t in zip(names, tensors):
        if not isinstance(t, torch.Tensor):
            raise ValueError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    shapes = [tuple(t.shape) for t in tensors]
    if len(set(shapes)) > 1:
        pairs = ", ".join(f"{n}={s}" for n, s in zip(names, shapes))
        raise ValueError(f"shapes differ: {pairs}")
