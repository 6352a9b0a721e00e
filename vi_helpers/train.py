"""One training loop for every model in the book (the source's ``train``)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from . import _validate
from .data import Dataset


class TrainingDiverged(FloatingPointError):
    """Raised when a loss becomes NaN or infinite; ``epoch`` says when."""

    def __init__(self, epoch: int, loss: float) -> None:
        super().__init__(
            f"training loss became {loss} at epoch {epoch}; "
            "try a smaller lr or check the data for extreme values"
        )
        self.epoch = epoch
        self.loss = loss


@dataclass
class History:
    """What ``fit`` logged: the epochs and the mean losses at each of them."""

    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.epochs)

    def as_rows(self) -> list[tuple[int, float, float]]:
        return list(zip(self.epochs, self.train_loss, self.val_loss))


def _loss(model, loss_fn, x, y, generator=None):
    """Call the model and the loss, whichever kind of model it is.

    A model that returns a tensor is scored as ``loss_fn(pred, y)`` (the source's
    ``type=1``); one that returns a tuple ``(sample, mu, log_var)`` as
    ``loss_fn(sample, y, mu, log_var)`` (``type=2``).
    """
    out = model(x) if generator is None else model(x, generator=generator)
    if isinstance(out, tuple):
        sample, *rest = out
        return loss_fn(sample, y, *rest)
    return loss_fn(out, y)


def fit(
    model: torch.nn.Module,
    loss_fn: Callable[..., torch.Tensor],
    data: Dataset,
    epochs: int,
    lr: float = 1e-3,
    log_every: int | None = None,
    progress: bool = True,
    callback: Callable[[int, float, float], None] | None = None,
) -> History:
    """Train ``model`` on ``data.x_train`` with full-batch Adam, as the source does.

    Every epoch is one step on the whole training set. Every ``log_every`` epochs
    (default: ``epochs // 10``, at least 1) the training loss of that step and the
    validation loss are recorded; validation runs under ``torch.no_grad()`` in a
    forked random stream, so how often you log does not change the trained model.
    ``callback(epoch, train_loss, val_loss)`` is called at each logged epoch.
    A NaN or infinite loss raises :class:`TrainingDiverged` naming the epoch.
    Returns a :class:`History` of mean losses (not divided by N again).
    """
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be callable, got {loss_fn!r}")
    if not isinstance(data, Dataset):
        raise ValueError(
            f"data must be a vi_helpers.Dataset, got {type(data).__name__}"
        )
    _validate.column("x", data.x)
    _validate.column("y", data.y)
    _validate.same_length(("x", "y"), data.x, data.y)
    epochs = _validate.positive_int("epochs", epochs)
    lr = _validate.positive_float("lr", lr)
    if log_every is None:
        log_every = max(1, epochs // 10)
    log_every = _validate.positive_int("log_every", log_every)

    x_train, y_train = data.x_train, data.y_train
    x_val, y_val = data.x_val, data.y_val
    device = next(model.parameters()).device
    if x_train.device != device:
        x_train, y_train = x_train.to(device), y_train.to(device)
        x_val, y_val = x_val.to(device), y_val.to(device)

    # foreach: one multi-tensor update for all the weights instead of a Python loop
    # over them (torch's default on CPU); the same arithmetic, so the same weights
    # to the last bit as the source's default Adam, and faster on small models.
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    history = History()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, desc=type(model).__name__, unit="epoch", leave=False)
    start = time.perf_counter()
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            train_loss = _loss(model, loss_fn, x_train, y_train)
            value = train_loss.item()
            if not math.isfinite(value):
                raise TrainingDiverged(epoch, value)
            logged = epoch % log_every == 0 or epoch == epochs
            if logged:  # same weights as train_loss, as in the source: before the step
                val = _validation_loss(model, loss_fn, x_val, y_val)
                if not math.isfinite(val):
                    raise TrainingDiverged(epoch, val)
            opt.zero_grad()
            train_loss.backward()
            opt.step()
            if logged:
                history.epochs.append(epoch)
                history.train_loss.append(value)
                history.val_loss.append(val)
                if callback is not None:
                    callback(epoch, value, val)
                if bar is not None:
                    bar.set_postfix(train=f"{value:.4f}", val=f"{val:.4f}")
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        history.seconds = time.perf_counter() - start
    model.eval()
    return history


def _validation_loss(model, loss_fn, x_val, y_val) -> float:
    devices = [x_val.device] if x_val.device.type == "cuda" else []
    with torch.no_grad(), torch.random.fork_rng(devices=devices):
        return _loss(model, loss_fn, x_val, y_val).item()


def print_log(epoch: int, train_loss: float, val_loss: float) -> None:
    """A ``fit`` callback that prints a line like the source's (true means, not /N)."""
    print(f"Epoch {epoch}, Train Loss {train_loss:f}, Val Loss {val_loss:f}")
