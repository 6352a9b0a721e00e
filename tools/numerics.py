"""Numerics that every x86-64 machine with AVX2 reproduces bit for bit, on one thread.

A network trained for thousands of steps amplifies the last bit of every sum: the
same code, seed and torch give predictions that differ by 0.1-0.4 on an AVX-512
Intel CPU and on an AMD one, because torch and MKL pick their kernels by the CPU
they find. The book commits numbers (the evaluation tables, the notebooks'
outputs, the playground's fixtures) that its tests retrain and compare, so every
command that writes or checks them runs with the kernels pinned:

* ``ATEN_CPU_CAPABILITY=avx2``: torch's own kernels use their AVX2 versions on
  every CPU that has AVX2 (all x86-64 CPUs since 2013-2015), also on AVX-512 ones;
* ``MKL_CBWR=COMPATIBLE``: MKL's matrix products take the one code path that MKL
  keeps identical on Intel and AMD CPUs (its "conditional numerical
  reproducibility" mode; ``AVX2`` would hold on Intel CPUs only);
* one thread (``OMP_NUM_THREADS=1``, ``MKL_NUM_THREADS=1``, no dynamic threads):
  MKL's reproducibility needs a fixed number, and the book's small networks train
  fastest on one thread per process when two processes share two cores.

The price, measured with ``python -m tools.numerics --time --epochs 1000`` (chapter
5's NLL network, one thread; 2026-12-06, an Intel Xeon with AVX-512): 8.8 s against
5.2 s with the kernels torch picks, 1.7 times (MKL's portable path). Readers'
notebooks do not pay it; only the commands that produce or check committed numbers
(``make test``, ``make notebooks``, ``make evaluate``, ``make roads``,
``make explorer-grid``, the playground's fixtures) do.

The settings are read when torch first computes, so they must be in the
environment before anything runs: :func:`restart_portable` restarts a command
under them, and ``tests/conftest.py`` sets them before it imports torch.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping

#: The environment that pins the kernels (see the module docstring).
PORTABLE: dict[str, str] = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_CBWR": "COMPATIBLE",
    "MKL_DYNAMIC": "FALSE",
    "OMP_DYNAMIC": "FALSE",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def is_portable(env: Mapping[str, str] | None = None) -> bool:
    """Whether ``env`` (default: this process's environment) holds :data:`PORTABLE`."""
    env = os.environ if env is None else env
    return all(env.get(key) == value for key, value in PORTABLE.items())


def portable_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default: this process's) with :data:`PORTABLE` set."""
    return {**(os.environ if env is None else env), **PORTABLE}


def use_portable() -> None:
    """Put :data:`PORTABLE` into this process's environment (and so its children's).

    Effective only before torch's first computation in this process; a child
    process (a notebook kernel, a worker) always starts under it.
    """
    os.environ.update(PORTABLE)


def restart_portable() -> None:
    """Run this command again, the same way, under :data:`PORTABLE` (no-op if it is).

    Call it first in a command's ``if __name__ == "__main__":`` block: the new
    process starts with the settings before torch computes anything.
    """
    if not is_portable():
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]],
                  portable_env())


def describe() -> dict:
    """What a committed file records of its numerics: the mode and torch's kernels."""
    import torch

    return {"portable": is_portable(),
            "cpu_capability": torch.backends.cpu.get_cpu_capability()}


def _time_training(epochs: int) -> float:
    import vi_helpers as vh

    data = vh.make_dataset(n=10_000, sigma=1.5, seed=0)
    start = time.perf_counter()
    vh.recipes.train("nll", data, seed=0, epochs=epochs)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.numerics",
        description="Print the settings that make the book's numbers portable; with "
        "--time, time one training with and without them.")
    parser.add_argument("--time", action="store_true",
                        help="train chapter 5's NLL network for --epochs, both ways")
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args(argv)
    print(" ".join(f"{k}={v}" for k, v in PORTABLE.items()))
    if args.time:
        import subprocess

        code = ("import sys; from tools.numerics import _time_training as t; "
                f"print(t({args.epochs}))")
        native = {k: v for k, v in os.environ.items() if k not in PORTABLE}
        native.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        for name, env in (("native, one thread", native),
                          ("portable", portable_env(native))):
            out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                 capture_output=True, text=True).stdout
            print(f"{name}: {float(out):.1f} s for {args.epochs} epochs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
