"""Training: ``vh.fit`` against the source's loop, same data, weights and epochs.

The source's ``train`` computes a validation loss *with autograd* every epoch and
prints it every ``print_`` epochs; ``fit`` computes it only on logged epochs, under
``torch.no_grad()`` and in a forked random stream. Both take one full-batch Adam
step per epoch, so the MLE's trained weights are the same to the last bit. Both
run on the package's training threads (``vi_helpers.utils.TRAIN_THREADS``, which
``fit`` uses), so that the ratio measures the loops, not the thread count
(``benchmarks/threads.py`` measures that).

For the variational model the forward pass draws eps. The source's validation
pass draws 2,000 of them every epoch from the global stream, so from epoch 2 on
the two loops see different eps and their losses agree only in distribution.
:func:`same_stream_check` therefore also trains both with the training eps drawn
from one dedicated generator: then the losses must agree exactly.
"""

from __future__ import annotations

import functools
import warnings

import torch

import vi_helpers as vh
from vi_helpers.utils import TRAIN_THREADS, torch_threads

from .common import source, summary, timed, timed_per_call

#: The source's settings: (epochs, print_) of section 5 of the walkthrough.
SOURCE_EPOCHS = {"mle": (10_000, 1_000), "variational": (1_000, 100)}


def models_and_losses(kind: str, data: vh.Dataset, seed: int, device: torch.device):
    """Ours and the source's model with the same initial weights, and their losses.

    Returns ``(ours, ref, our_loss, source_loss, source_type)``; ``source_type``
    is the source's ``type`` argument (1: MLE, 2: variational).
    """
    src = source()
    torch.manual_seed(seed)
    if kind == "mle":
        ours, ref = vh.MLERegressor(), src.MLE_model()
        our_loss, source_loss, source_type = vh.half_mse, src.MSE, 1
    elif kind == "variational":
        ours, ref = vh.VariationalRegressor(), src.VI_model()
        m, P = vh.prior_from_targets(data.y_train)
        our_loss = functools.partial(vh.negative_elbo, prior_mean=m, prior_var=P)
        source_loss, source_type = src.make_neg_ELBO(m, P), 2
    else:
        raise ValueError(f"kind must be 'mle' or 'variational', got {kind!r}")
    ref.load_state_dict(ours.state_dict())
    return ours.to(device), ref.to(device), our_loss, source_loss, source_type


def run_source(model, loss_fn, data, epochs, print_, source_type) -> list[tuple]:
    """The source's ``train`` with its default Adam; returns its log as true means.

    The source divides the (already mean) losses by N once more when it prints;
    the log returned here undoes that, so it reads like ``fit``'s history.
    """
    src = source()
    log: list[tuple] = []
    opt = torch.optim.Adam(model.parameters())
    with warnings.catch_warnings():  # float() of a tensor that requires grad
        warnings.simplefilter("ignore", UserWarning)
        src.train(model, loss_fn, epochs, opt, data.x_train, data.y_train,
                  data.x_val, data.y_val, print_, type=source_type, log=log)
    n_train, n_val = len(data.x_train), len(data.x_val)
    return [(e, tr * n_train, va * n_val) for e, tr, va in log]


def run_fit(model, loss_fn, data, epochs, log_every) -> vh.History:
    """``vh.fit`` as the notebooks call it (no progress bar)."""
    return vh.fit(model, loss_fn, data, epochs=epochs, log_every=log_every,
                  progress=False)


def warm_up(kind: str, data: vh.Dataset, epochs: int, device: torch.device) -> None:
    """A short untimed run of both loops on throwaway models before the clock starts.

    The first run in a process pays for things no later run does (memory the
    allocator has not handed out yet, first calls into each kernel); without this,
    whichever loop happened to go first in the first pair would carry it.
    """
    short = max(1, epochs // 20)
    ours, ref, our_loss, source_loss, source_type = models_and_losses(
        kind, data, seed=12_345, device=device)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        run_source(ref, source_loss, data, short, short, source_type)
        run_fit(ours, our_loss, data, short, short)


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-30)


def _max_param_diff(a: torch.nn.Module, b: torch.nn.Module) -> float:
    pairs = zip(a.parameters(), b.parameters())
    return max((p - q).abs().max().item() for p, q in pairs)


def compare(kind: str, data: vh.Dataset, epochs: int, log_every: int, repeats: int,
            device: torch.device) -> dict:
    """Time both loops ``repeats`` times, interleaved; seed r gives run r's weights.

    Each repeat trains one pair from the same initial weights and the same global
    random state; which loop goes first alternates, so a slow spell on a shared
    machine falls on both. Returns times, per-epoch times, the ratio source/fit of
    each pair, and the final losses of both loops.
    """
    if epochs % log_every:
        raise ValueError(f"epochs ({epochs}) must be a multiple of log_every")
    warm_up(kind, data, epochs, device)
    t_src, t_fit, t_val, final = [], [], [], []
    for r in range(repeats):
        ours, ref, our_loss, source_loss, source_type = models_and_losses(
            kind, data, seed=r, device=device)
        results = {}
        order = ("source", "fit") if r % 2 == 0 else ("fit", "source")
        for which in order:
            torch.manual_seed(10_000 + r)  # the same global stream for both loops
            if which == "source":
                results[which] = timed(device, run_source, ref, source_loss, data,
                                       epochs, log_every, source_type)
            else:
                results[which] = timed(device, run_fit, ours, our_loss, data,
                                       epochs, log_every)
        (ts, log), (tf, hist) = results["source"], results["fit"]
        t_src.append(ts)
        t_fit.append(tf)
        t_val.append(validation_pass(ref, source_loss, data, source_type, device))
        final.append({
            "source_train": log[-1][1], "source_val": log[-1][2],
            "fit_train": hist.train_loss[-1], "fit_val": hist.val_loss[-1],
            "max_param_diff": _max_param_diff(ours, ref),
        })
    return {
        "epochs": epochs, "log_every": log_every, "repeats": repeats,
        "n_train": len(data.x_train), "n_val": len(data.x_val),
        "source_s": summary(t_src), "fit_s": summary(t_fit),
        "source_ms_per_epoch": summary([1e3 * t / epochs for t in t_src]),
        "fit_ms_per_epoch": summary([1e3 * t / epochs for t in t_fit]),
        "ratio": summary([s / f for s, f in zip(t_src, t_fit)]),
        "val_pass_ms": summary([1e3 * v for v in t_val]),
        # the share of the source's epoch its validation pass takes, and the
        # speed-up that dropping that pass alone would give: 1 / (1 - share)
        "val_share": summary([v * epochs / s for v, s in zip(t_val, t_src)]),
        "ceiling": summary([1 / (1 - v * epochs / s) for v, s in zip(t_val, t_src)]),
        "final": final,
        "agreement": _agreement(final),
    }


def validation_pass(model, loss_fn, data, source_type, device) -> float:
    """Seconds of one of the source's validation passes: forward and loss, with
    autograd recording, as its loop runs it every epoch (the result is dropped)."""
    def one():
        out = model(data.x_val)
        if source_type == 1:
            return loss_fn(out, data.y_val)
        return loss_fn(out[0], data.y_val, out[1], out[2])

    seconds, _, _ = timed_per_call(device, one, min_seconds=0.1)
    return seconds


def _agreement(final: list[dict]) -> dict:
    """How far apart the two loops' final losses are, pair by pair.

    ``max_rel_*`` is the largest relative difference over the pairs. For the
    variational model the pairs see different eps, so the useful number is the
    mean difference of the validation losses over its standard error
    (``val_diff_z``; |z| below about 2 means no detectable difference).
    """
    diffs = [f["fit_val"] - f["source_val"] for f in final]
    out = {
        "max_rel_train": max(_rel(f["fit_train"], f["source_train"]) for f in final),
        "max_rel_val": max(_rel(f["fit_val"], f["source_val"]) for f in final),
        "max_param_diff": max(f["max_param_diff"] for f in final),
        "val_diff_mean": sum(diffs) / len(diffs),
    }
    if len(diffs) > 1:
        t = torch.tensor(diffs, dtype=torch.float64)
        se = (t.std() / len(diffs) ** 0.5).item()
        out["val_diff_se"] = se
        out["val_diff_z"] = out["val_diff_mean"] / se if se > 0 else 0.0
    return out


class TrainStream(torch.nn.Module):
    """Wraps a :class:`vh.VariationalRegressor` so that the training batch's eps
    come from a generator of their own, and every other batch's from another.

    With it, the source's loop (which also samples on the validation set every
    epoch) and ``fit`` draw exactly the same training eps.
    """

    def __init__(self, model: vh.VariationalRegressor, n_train: int, seed: int,
                 device: torch.device) -> None:
        super().__init__()
        self.model = model
        self.n_train = n_train
        self.train_gen = torch.Generator(device=device).manual_seed(seed)
        self.other_gen = torch.Generator(device=device).manual_seed(seed + 1)

    def forward(self, x: torch.Tensor):
        gen = self.train_gen if x.shape[0] == self.n_train else self.other_gen
        return self.model(x, generator=gen)


def same_stream_check(data: vh.Dataset, epochs: int, log_every: int,
                      device: torch.device, seed: int = 0) -> dict:
    """Train the variational model with both loops on one eps stream; compare.

    Returns the largest relative difference of the logged training losses, the
    largest difference of any trained weight, and the two trained models'
    validation losses computed with the same eps.
    """
    ours, _, our_loss, source_loss, _ = models_and_losses(
        "variational", data, seed, device)
    twin = vh.VariationalRegressor().to(device)
    twin.load_state_dict(ours.state_dict())
    n_train = len(data.x_train)
    a = TrainStream(ours, n_train, seed=100 + seed, device=device)
    b = TrainStream(twin, n_train, seed=100 + seed, device=device)
    hist = run_fit(a, our_loss, data, epochs, log_every)
    log = run_source(b, source_loss, data, epochs, log_every, source_type=2)

    def val_loss(model):
        gen = torch.Generator(device=device).manual_seed(7)
        with torch.no_grad():
            sample, mu, log_var = model(data.x_val, generator=gen)
            return our_loss(sample, data.y_val, mu, log_var).item()

    v_fit, v_src = val_loss(ours), val_loss(twin)
    return {
        "epochs": epochs,
        "max_rel_train": max(_rel(t, s[1]) for t, s in zip(hist.train_loss, log)),
        "max_param_diff": _max_param_diff(ours, twin),
        "fit_val": v_fit, "source_val": v_src, "rel_val": _rel(v_fit, v_src),
        "fit_train": hist.train_loss[-1], "source_train": log[-1][1],
    }


def run(data: vh.Dataset, repeats: int, device: torch.device,
        epochs: dict[str, tuple[int, int]] | None = None,
        small: vh.Dataset | None = None) -> dict:
    """The whole training section: both models, plus the same-stream check.

    ``small`` (the explorer's data size) times the variational model once more
    on fewer points, where a fixed cost per operation weighs more than the cost
    per point, and the validation pass's share of an epoch grows.
    """
    epochs = epochs or SOURCE_EPOCHS
    data = data.to(device)
    with torch_threads():  # fit's threads, for the source's loop too
        out = {kind: compare(kind, data, e, p, repeats, device)
               for kind, (e, p) in epochs.items()}
        e, p = epochs["variational"]
        out["variational_same_stream"] = same_stream_check(data, e, p, device)
        if small is not None:
            out["variational_small"] = compare("variational", small.to(device), e, p,
                                               repeats, device)
    out["threads"] = TRAIN_THREADS
    return out
