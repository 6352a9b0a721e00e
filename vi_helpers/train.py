"""One training loop for every model in the book (the source's ``train``)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from . import _validate
from .data import Dataset
from .utils import torch_threads

#: What ``fit`` calls at each logged epoch: ``report(epoch, train_loss, val_loss)``.
Report = Callable[[int, float, float], None]


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

    def record(self, epoch: int, train_loss: float, val_loss: float) -> None:
        self.epochs.append(epoch)
        self.train_loss.append(train_loss)
        self.val_loss.append(val_loss)


def fit(
    model: torch.nn.Module,
    loss_fn: Callable[..., torch.Tensor],
    data: Dataset,
    epochs: int,
    lr: float = 1e-3,
    log_every: int | None = None,
    progress: bool = True,
    callback: Report | None = None,
) -> History:
    """Train ``model`` on ``data`` with full-batch Adam, as the source does.

    One step per epoch on the whole training set, on
    :data:`~vi_helpers.utils.TRAIN_THREADS` CPU thread(s). Every ``log_every`` epochs
    (default ``epochs // 10``) the training loss of that step and the validation
    loss are reported to the history, to ``callback(epoch, train, val)`` and to
    a progress bar (``progress=False``: none). A NaN or infinite loss raises
    :class:`TrainingDiverged` naming the epoch. Returns the :class:`History`.
    """
    log_every = _check_fit(model, loss_fn, data, epochs, lr, log_every)
    x_train, y_train, x_val, y_val = _on_model_device(model, data)
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    history = History()
    reports = [history.record, *([callback] if callback else [])]
    if progress:
        reports.append(ProgressBar(epochs, type(model).__name__))
    start = time.perf_counter()
    with torch_threads():  # networks this small train fastest on one CPU thread
        for epoch in range(1, epochs + 1):
            model.train()
            loss = model_loss(model, loss_fn, x_train, y_train)
            train_loss = finite_or_raise(loss.item(), epoch)
            logged = epoch % log_every == 0 or epoch == epochs
            if logged:  # before the step, as the source: the weights that gave `loss`
                val_loss = finite_or_raise(
                    validation_loss(model, loss_fn, x_val, y_val), epoch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if logged:
                for report in reports:
                    report(epoch, train_loss, val_loss)
    history.seconds = time.perf_counter() - start
    model.eval()
    return history


def model_loss(model, loss_fn, x, y):
    """Call the model and the loss, whichever kind of model it is.

    A model that returns a tensor is scored as ``loss_fn(pred, y)`` (the source's
    ``type=1``); one that returns a tuple ``(sample, mu, log_var)`` as
    ``loss_fn(sample, y, mu, log_var)`` (``type=2``).
    """
    out = model(x)
    if isinstance(out, tuple):
        sample, *rest = out
        return loss_fn(sample, y, *rest)
    return loss_fn(out, y)


def validation_loss(model, loss_fn, x_val, y_val) -> float:
    """The loss on held-out data, without gradients and in a forked random stream.

    Forking the stream means that how often you log does not change the model.
    """
    devices = [x_val.device] if x_val.device.type == "cuda" else []
    with torch.no_grad(), torch.random.fork_rng(devices=devices):
        return model_loss(model, loss_fn, x_val, y_val).item()


def finite_or_raise(loss: float, epoch: int) -> float:
    """``loss`` if it is finite, else :class:`TrainingDiverged` naming the epoch."""
    if not math.isfinite(loss):
        raise TrainingDiverged(epoch, loss)
    return loss


def print_log(epoch: int, train_loss: float, val_loss: float) -> None:
    """A ``fit`` callback that prints a line like the source's (means, not /N)."""
    print(f"Epoch {epoch}, Train Loss {train_loss:f}, Val Loss {val_loss:f}")


class ProgressBar:
    """A ``fit`` report: a tqdm bar moved to each logged epoch, closed at the end."""

    def __init__(self, epochs: int, name: str) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=epochs, desc=name, unit="epoch", leave=False)

    def __call__(self, epoch: int, train_loss: float, val_loss: float) -> None:
        self.bar.update(epoch - self.bar.n)
        self.bar.set_postfix(train=f"{train_loss:.4f}", val=f"{val_loss:.4f}")
        if epoch == self.bar.total:
            self.bar.close()


def _check_fit(model, loss_fn, data, epochs, lr, log_every) -> int:
    """Check fit's arguments before any work; returns ``log_every`` filled in."""
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be callable, got {loss_fn!r}")
    if not isinstance(data, Dataset):
        raise ValueError(
            f"data must be a vi_helpers.Dataset, got {type(data).__name__}")
    _validate.column("x", data.x)
    _validate.column("y", data.y)
    _validate.same_length(("x", "y"), data.x, data.y)
    epochs = _validate.positive_int("epochs", epochs)
    _validate.positive_float("lr", lr)
    if log_every is None:
        log_every = max(1, epochs // 10)
    return _validate.positive_int("log_every", log_every)


def _on_model_device(model, data: Dataset):
    """``x_train, y_train, x_val, y_val`` on the device of the model's weights."""
    device = next(model.parameters()).device
    return (t.to(device) for t in (data.x_train, data.y_train, data.x_val, data.y_val))
