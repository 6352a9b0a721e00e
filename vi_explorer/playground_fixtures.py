r"""The numbers the playground's tests hold it to: torch's, written by this module.

The playground (``vi_explorer/static/playground/``) re-implements the book's
networks, losses and Adam in JavaScript. To show that it computes the same
thing, this tool trains each of its models here with :func:`vi_helpers.fit` and
writes, per model, ``tests/js/fixtures/<model>.json``: the data, the initial
weights, for the variational model the ε of every epoch, and the training loss
after 0, 1, 10 and 100 Adam steps and the held-out coverage and width of the
90 % band after a full short run. ``node --test tests/js/`` starts the
JavaScript from the same data, weights and ε and compares.

Each run is done twice: in float32, the book's precision, and in float64 from
the very same float32 inputs. The JavaScript computes in float64, so it must
agree with the float64 run to rounding error; its distance to the float32 run
can be no smaller than torch's own float32-to-float64 distance, which the
fixture records. Inputs are written as the shortest decimals that give back the
float32 values (``Math.fround`` restores them in JavaScript), ε as base64 of
little-endian float32. Run it again after a change to a model, a loss or
training; ``tests/test_playground.py`` fails while the files are stale.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import torch

from vi_helpers.data import Dataset, make_dataset
from vi_helpers.metrics import gaussian_coverage, gaussian_width
from vi_helpers.predict import predictive_normal
from vi_helpers.recipes import RECIPES
from vi_helpers.train import fit
from vi_helpers.utils import torch_threads

#: Where the fixtures go: next to the node tests that read them.
OUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "js" / "fixtures"
#: The playground's models (keys of RECIPES) and their learning rates there.
MODELS = {"mle": 1e-2, "source": 1e-3, "beta_nll": 3e-3}
N = 100  # 80 training points, 20 held out: small files, the same arithmetic
SIGMA = 1.5
SEED = 0
EPOCHS = 300  # the full short run
CHECKPOINTS = (0, 1, 10, 100)  # Adam steps after which the loss is compared


def _f32(values) -> list[float]:
    """Float32 values as the shortest decimals that give them back."""
    return [float(str(v)) for v in np.asarray(values, dtype=np.float32).ravel()]


def _as_double(data: Dataset) -> Dataset:
    return Dataset(data.x.double(), data.y.double(), data.y_true.double(),
                   data.train_idx, data.val_idx, data.sigma, data.seed)


@contextlib.contextmanager
def _replayed_eps(eps: torch.Tensor | None, n_train: int) -> Iterator[None]:
    """Serve ``eps[k]`` to the k-th training forward pass of the variational model.

    The model draws its ε with ``torch.randn_like`` (``VariationalRegressor.reparam``);
    here each draw of the training set's shape takes the next row of ``eps``, in the
    caller's dtype. Validation passes (another shape) get zeros: fit runs them in
    a forked random stream, and their loss is not compared.
    """
    if eps is None:
        yield
        return
    rows = iter(eps)

    def randn_like(t: torch.Tensor, **kwargs) -> torch.Tensor:
        if t.shape != (n_train, 1):
            return torch.zeros_like(t)
        return next(rows).view(n_train, 1).to(t.dtype)

    with mock.patch.object(torch, "randn_like", randn_like):
        yield


def _run(key: str, data: Dataset, state: dict, eps, lr: float) -> dict:
    """Train ``key`` from ``state`` for EPOCHS epochs; its losses and final band."""
    model, loss_fn = RECIPES[key].build(data)
    model.to(data.x.dtype)
    model.load_state_dict({k: v.to(data.x.dtype) for k, v in state.items()})
    with _replayed_eps(eps, len(data.train_idx)):
        # log_every=1: fit records the loss of every epoch, before that epoch's
        # step, so train_loss[k] is the loss after k steps
        history = fit(model, loss_fn, data, epochs=EPOCHS, lr=lr, log_every=1,
                      progress=False)
    mu, sigma = predictive_normal(RECIPES[key].finish(model, data), data.x_val)
    return {
        "loss": {str(k): history.train_loss[k] for k in CHECKPOINTS},
        "coverage": gaussian_coverage(data.y_val, mu, sigma, level=0.9),
        "width": gaussian_width(sigma, level=0.9),
        "mu": mu.view(-1).tolist(),
        "sigma": sigma.view(-1).tolist(),
    }


def fixture(key: str) -> dict:
    """The fixture of one model of :data:`MODELS`, as a JSON-ready dict."""
    if key not in MODELS:
        raise ValueError(f"key must be one of {list(MODELS)}, got {key!r}")
    lr = MODELS[key]
    data = make_dataset(n=N, sigma=SIGMA, seed=SEED)
    with torch_threads():
        torch.manual_seed(SEED)
        model, _ = RECIPES[key].build(data)
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        eps = None
        if key == "source":  # torch's N(0, 1) draws, one row per epoch
            generator = torch.Generator().manual_seed(SEED)
            eps = torch.randn((EPOCHS, len(data.train_idx)), generator=generator)
        run32 = _run(key, data, state, eps, lr)
        run64 = _run(key, _as_double(data), state, eps, lr)
    out = {
        "model": key,
        "torch": torch.__version__,
        "settings": {"n": N, "sigma": SIGMA, "seed": SEED, "lr": lr, "epochs": EPOCHS},
        "data": {
            "x": _f32(data.x), "y": _f32(data.y), "y_true": _f32(data.y_true),
            "train_idx": data.train_idx.tolist(), "val_idx": data.val_idx.tolist(),
        },
        "weights": [
            {"name": k, "shape": list(v.shape), "values": _f32(v)}
            for k, v in state.items()
        ],
        "checkpoints": list(CHECKPOINTS),
        "float32": {**run32, "mu": _f32(run32["mu"]), "sigma": _f32(run32["sigma"])},
        "float64": run64,
    }
    if eps is not None:
        raw = eps.numpy().astype("<f4").tobytes()
        out["eps"] = {"shape": list(eps.shape), "dtype": "float32 little-endian",
                      "base64": base64.b64encode(raw).decode("ascii")}
    return out


def dumps(data: dict) -> str:
    """The fixture's text: compact JSON with sorted keys, the same on every run."""
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("models", nargs="*", default=list(MODELS))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for key in args.models:
        path = args.out / f"{key}.json"
        path.write_text(dumps(fixture(key)), encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    # the book's tooling, only when run as a command: the app itself imports the
    # lesson alone, so that a notebook (or a student's zip) can use it
    from tools import numerics

    numerics.restart_portable()
    main()
