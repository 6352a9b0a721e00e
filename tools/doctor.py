"""Pre-flight check for a workshop laptop: ``python -m tools.doctor``.

Each check is a function that returns a :class:`Result`; :func:`main` runs them
all, prints one line per check (and how to fix each one that fails) and exits
with status 0 only when every check passes. It imports only the standard library
and ``vi_helpers`` (with what that needs), so it runs from the student zip too.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vi_helpers import i18n

#: The pins of what the notebooks need (not the book's build and test tools),
#: next to the tools in a clone or in the student zip.
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"

#: Used when the installed metadata cannot be read (must match pyproject.toml).
FALLBACK_REQUIRES_PYTHON = ">=3.11,<3.15"

#: What the Hangul check draws: Korean figure text and an (ASCII) negative number.
HANGUL_SAMPLE = "변분 추론: 학습 손실 -1.5"

INSTALL = "pip install -r requirements.txt"
OFFLINE = "pip install --no-index --find-links wheels -r requirements.txt"
LINUX_CPU_TORCH = (
    "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"
)

#: How to train on one thread, for the advice of :func:`check_training`.
ONE_THREAD = (
    "train on one torch thread: make lab (python -m tools.lab) starts its kernels "
    "on one; with plain jupyter lab, start it as OMP_NUM_THREADS=1 jupyter lab "
    "(Windows: set OMP_NUM_THREADS=1 first), or run torch.set_num_threads(1) in a "
    "notebook's first cell"
)
BUSY = (
    "close other programs and run again; if it stays slow, use the shared "
    "JupyterHub or Binder instead of this computer"
)
#: One thread must be this many times faster than torch's default to be advised.
THREAD_GAIN = 1.25

#: Korean fonts a browser finds on each system without installing anything.
SYSTEM_KOREAN_FONTS = {"darwin": "Apple SD Gothic Neo", "win32": "Malgun Gothic"}


@dataclass(frozen=True)
class Result:
    """The outcome of one check: a name, pass or fail, what was found, the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        status = "OK  " if self.ok else "FAIL"
        text = f"{status} {self.name}: {self.detail}"
        if not self.ok and self.fix:
            text += f"\n     fix: {self.fix}"
        return text


def read_pins(path: Path | str = REQUIREMENTS) -> dict[str, str]:
    """The ``name==version`` pins of a requirements file, as {name: version}."""
    pins = {}
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)", line)
        if match is None:
            raise ValueError(
                f"requirement must be pinned as name==version, got {raw!r}"
            )
        pins[match[1]] = match[2]
    return pins


def _public(version: str) -> str:
    """``2.13.0+cpu`` -> ``2.13.0``: a pin without a local label matches any build."""
    return version.split("+", 1)[0]


def _parse_range(spec: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """``">=3.11,<3.15"`` -> ``((3, 11), (3, 15))``: the oldest Python and the first
    one after the range."""
    bad = ValueError(f"requires-python must look like '>=3.11,<3.15', got {spec!r}")
    bounds = {}
    for part in spec.split(","):
        match = re.fullmatch(r"\s*(>=|<)\s*3\.(\d+)\s*", part)
        if match is None:
            raise bad
        bounds[match[1]] = (3, int(match[2]))
    if set(bounds) != {">=", "<"}:
        raise bad
    return bounds[">="], bounds["<"]


def check_python(version_info: Sequence[int] | None = None) -> Result:
    """Python is in the range pyproject.toml states: the versions the pins need."""
    try:
        spec = importlib.metadata.metadata("vi_helpers")["Requires-Python"]
    except importlib.metadata.PackageNotFoundError:
        spec = None
    oldest, after = _parse_range(spec or FALLBACK_REQUIRES_PYTHON)
    have = tuple(version_info or sys.version_info[:3])
    shown = ".".join(str(p) for p in have[:3])
    wanted = f"{oldest[0]}.{oldest[1]}"
    newest = f"{after[0]}.{after[1] - 1}"
    needs = f"needs {wanted} to {newest}"
    if oldest <= have[:2] < after:
        return Result("python", True, f"{shown} ({needs})")
    fix = (f"install Python {wanted} (Ubuntu: sudo apt install python{wanted} "
           f"python{wanted}-venv), then create the environment again with it "
           f"(make venv PYTHON=python{wanted})")
    if have[:2] < oldest:
        return Result("python", False, f"{shown} is too old ({needs})", fix)
    return Result("python", False, f"{shown} is too new for the pins, numpy 2.4 among "
                  f"them ({needs})", fix)


def check_packages(requirements: Path | str | None = None) -> Result:
    """Every package pinned in requirements.txt is installed at its pinned version.

    Reads the clone's ``requirements.txt`` (next to the package), else the one in
    the current folder.
    """
    if requirements is None:
        requirements = REQUIREMENTS
        if not REQUIREMENTS.is_file():
            requirements = Path.cwd() / "requirements.txt"
    path = Path(requirements)
    if not path.is_file():
        return Result(
            "packages", False, f"no {path.name} here to compare against",
            "run the doctor from a clone of the book's repository",
        )
    pins = read_pins(path)
    wrong = []
    for name, pinned in pins.items():
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{name} missing (pinned {pinned})")
            continue
        if _public(have) != pinned:
            wrong.append(f"{name} {have} (pinned {pinned})")
    if wrong:
        return Result(
            "packages", False,
            f"{len(wrong)} of {len(pins)} pins not met: " + ", ".join(wrong),
            f"{INSTALL} (Linux: first {LINUX_CPU_TORCH}, the CPU build; "
            f"offline room: {OFFLINE})",
        )
    return Result("packages", True, f"all {len(pins)} pins of {path.name} met")


def check_hangul_font() -> Result:
    """Figures: matplotlib finds NanumGothic and draws Korean without missing glyphs.

    Sets up matplotlib as a Korean notebook does (``use_language("ko")``) inside
    an ``rc_context``, so the caller's settings are left as they were.
    """
    fix = (
        "pip install koreanize-matplotlib==0.1.1 (it ships NanumGothic), "
        "or apt-get install fonts-nanum"
    )
    path = i18n.hangul_font_path()
    if path is None:
        return Result("hangul font", False, "no NanumGothic font found", fix)

    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with mpl.rc_context(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        i18n.use_language("ko")
        fig = Figure(figsize=(3, 1))
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.5, HANGUL_SAMPLE)
        fig.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if missing:
        return Result(
            "hangul font", False,
            f"{Path(path).name} found, but matplotlib cannot draw Korean with it: "
            f"{missing[0]}",
            fix + "; then delete matplotlib's font cache (python -c \"import "
            "matplotlib; print(matplotlib.get_cachedir())\")",
        )
    return Result("hangul font", True, f"{Path(path).name} draws Korean text")


def check_widgets() -> Result:
    """ipywidgets and its notebook and JupyterLab front ends are importable."""
    versions = []
    for module in ("ipywidgets", "widgetsnbextension", "jupyterlab_widgets"):
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            return Result(
                "widgets", False, f"cannot import {module} ({exc})",
                "pip install ipywidgets==8.1.9 (it brings widgetsnbextension and "
                "jupyterlab_widgets), then restart JupyterLab",
            )
        versions.append(f"{module} {getattr(mod, '__version__', '?')}")
    return Result("widgets", True, ", ".join(versions))


def check_device() -> Result:
    """The device ``get_device()`` picks runs a small computation correctly."""
    import torch

    from vi_helpers.utils import get_device

    device = get_device()
    x = torch.ones(64, 64, device=device)
    total = float((x @ x).sum().item())
    if total != 64.0**3:
        return Result(
            "device", False, f"{device}: a 64x64 product gave {total}, not {64**3}",
            "update the GPU driver, or reinstall torch==2.13.0 for the CPU",
        )
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    elif device.type == "cpu":
        name = f"{torch.get_num_threads()} threads; every chapter runs on a CPU"
    else:
        name = device.type
    if device.type != "cuda" and torch.version.cuda:
        return Result(
            "device", False,
            f"{device.type} ({name}), but torch {torch.__version__} is a CUDA build: "
            "several GB of GPU libraries that a computer without a GPU never uses",
            f"pip uninstall torch, then {LINUX_CPU_TORCH}",
        )
    return Result("device", True, f"{device.type} ({name}), torch {torch.__version__}")


def check_threads() -> Result:
    """How many threads torch uses, how many vh.fit uses, and how busy the CPUs are.

    Information only (always OK): :func:`check_training` measures what to do
    when training is slow.
    """
    import torch

    from vi_helpers import utils

    cpus = os.cpu_count() or 1
    parts = [f"torch uses {torch.get_num_threads()} of {cpus} CPUs"]
    parts.append(f"vh.fit trains on {utils.TRAIN_THREADS}")
    if os.environ.get("OMP_NUM_THREADS"):
        parts.append(f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()
        text = "load average " + ", ".join(f"{x:.1f}" for x in load)
        text += " (1, 5, 15 min)"
        if load[0] > cpus:
            text += f": busier than its {cpus} CPUs"
        parts.append(text)
    else:  # Windows has no load average
        parts.append("load average not available here")
    return Result("threads", True, "; ".join(parts))


def time_steps(threads: int | None, steps: int, n: int) -> float:
    """Seconds for ``steps`` full-batch Adam steps of the variational model.

    ``threads`` intra-op threads (``None``: torch's current setting); the setting
    is restored afterwards. Trains the same model on the same data as
    :func:`check_training`, without its own thread setting.
    """
    import torch

    from vi_helpers.data import make_dataset
    from vi_helpers.losses import negative_elbo, prior_from_targets
    from vi_helpers.models import VariationalRegressor
    from vi_helpers.train import model_loss
    from vi_helpers.utils import set_seed, torch_threads

    set_seed(0)
    data = make_dataset(n=n, seed=0)
    prior_mean, prior_var = prior_from_targets(data.y_train)
    model = VariationalRegressor()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def loss_fn(sample, y, mu, log_var):
        return negative_elbo(sample, y, mu, log_var, prior_mean, prior_var)

    with torch_threads(torch.get_num_threads() if threads is None else threads):
        start = time.perf_counter()
        for _ in range(steps):
            opt.zero_grad()
            model_loss(model, loss_fn, data.x_train, data.y_train).backward()
            opt.step()
        return time.perf_counter() - start


def thread_advice(steps: int = 20, n: int = 2000) -> tuple[str, str]:
    """(what was measured, what to do): one thread against torch's default.

    Times :func:`time_steps` with torch's default number of threads and with
    one. When one thread is at least :data:`THREAD_GAIN` times faster, the
    advice is to train on one thread (:data:`ONE_THREAD`); otherwise the
    computer is simply busy (:data:`BUSY`).
    """
    import torch

    default = torch.get_num_threads()
    if default == 1:
        return "torch uses a single thread already", BUSY
    many = time_steps(None, steps, n)
    one = time_steps(1, steps, n)
    measured = (
        f"{steps} steps took {many:.1f} s on torch's {default} threads and "
        f"{one:.1f} s on one"
    )
    if one * THREAD_GAIN <= many:
        return measured + f": one thread is {many / one:.1f}x faster", ONE_THREAD
    return measured, BUSY


def check_training(
    epochs: int = 1000, n: int = 2000, time_limit: float = 60.0,
    probe_steps: int = 20,
) -> Result:
    """A short fit of the book's variational model must lower its loss in time.

    Trains ``VariationalRegressor`` with ``negative_elbo`` on ``make_dataset(n)``
    for ``epochs`` full-batch Adam steps on ``get_device()``; passes when the
    last validation loss is below the first training loss and the run took at
    most ``time_limit`` seconds. A run slower than a third of the limit is
    followed by :func:`thread_advice` (``probe_steps`` steps on each setting),
    which finds out whether torch's threads or a busy computer are the cause.
    """
    from vi_helpers.data import make_dataset
    from vi_helpers.losses import negative_elbo, prior_from_targets
    from vi_helpers.models import VariationalRegressor
    from vi_helpers.train import fit
    from vi_helpers.utils import get_device, set_seed

    set_seed(0)
    device = get_device()
    data = make_dataset(n=n, seed=0).to(device)
    prior_mean, prior_var = prior_from_targets(data.y_train)
    model = VariationalRegressor().to(device)

    def loss_fn(sample, y, mu, log_var):
        return negative_elbo(sample, y, mu, log_var, prior_mean, prior_var)

    start = time.perf_counter()
    history = fit(model, loss_fn, data, epochs=epochs, progress=False)
    seconds = time.perf_counter() - start
    first, last = history.train_loss[0], history.val_loss[-1]
    detail = (
        f"{epochs} epochs on {n} points in {seconds:.1f} s, "
        f"loss {first:.3f} -> {last:.3f}"
    )
    if not last < first:
        return Result(
            "training", False, detail + " (did not go down)",
            "reinstall the pinned torch (pip install torch==2.13.0) and run again",
        )
    if seconds <= time_limit / 3:
        return Result("training", True, detail)
    measured, advice = thread_advice(probe_steps, n)
    if seconds > time_limit:
        return Result(
            "training", False,
            detail + f" (over the {time_limit:.0f} s limit); {measured}", advice,
        )
    if advice == ONE_THREAD:
        return Result("training", True, f"{detail}; slow: {measured}; {advice}")
    return Result("training", True, f"{detail}; {measured}")


def _fontconfig_korean() -> list[str] | None:
    """Korean families fontconfig knows (``fc-list :lang=ko``); None: no fc-list."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    out = subprocess.run(
        [fc_list, ":lang=ko", "family"], capture_output=True, text=True, timeout=30
    ).stdout
    return sorted({line.split(",")[0].strip() for line in out.splitlines()
                   if line.strip()})


def check_browser_font(platform: str | None = None) -> Result:
    """The browser can draw the notebooks' Hangul in JupyterLab.

    macOS and Windows ship a Korean font. On Linux a font known to fontconfig
    (``fc-list :lang=ko``) does; without one, JupyterLab started by ``make lab``
    (``python -m tools.lab``) brings NanumGothic from koreanize-matplotlib, and a
    plain ``jupyter lab`` would draw Korean as boxes.
    """
    platform = sys.platform if platform is None else platform
    for prefix, font in SYSTEM_KOREAN_FONTS.items():
        if platform.startswith(prefix):
            return Result("browser font", True, f"the system's {font} draws Korean")
    families = _fontconfig_korean()
    if families:
        shown = ", ".join(families[:3]) + (", ..." if len(families) > 3 else "")
        return Result("browser font", True, f"fontconfig knows Korean fonts: {shown}")
    where = "no fc-list here" if families is None else "fc-list :lang=ko finds none"
    install = (
        "sudo apt-get install fonts-nanum (Debian, Ubuntu) or "
        "sudo dnf install google-nanum-fonts (Fedora)"
    )
    if i18n.hangul_font_path() is not None:
        return Result(
            "browser font", True,
            f"no Korean font in the system ({where}): start JupyterLab with make lab "
            "or python -m tools.lab, which bring NanumGothic; a plain jupyter lab "
            f"draws Korean as boxes (for every program: {install})",
        )
    return Result(
        "browser font", False,
        f"no Korean font for the browser ({where}) and no NanumGothic file: "
        "JupyterLab would draw every Korean word as boxes",
        f"pip install koreanize-matplotlib==0.1.1 and start JupyterLab with "
        f"python -m tools.lab, or {install}",
    )


CHECKS: tuple[Callable[[], Result], ...] = (
    check_python,
    check_packages,
    check_hangul_font,
    check_browser_font,
    check_widgets,
    check_device,
    check_threads,
    check_training,
)


def run_checks(checks: Sequence[Callable[[], Result]] | None = None) -> list[Result]:
    """Run each check (default: :data:`CHECKS`); one that raises becomes a failure."""
    results = []
    for check in CHECKS if checks is None else checks:
        name = check.__name__.removeprefix("check_").replace("_", " ")
        try:
            results.append(check())
        except Exception as exc:  # a broken install can fail in any way
            results.append(
                Result(name, False, f"raised {type(exc).__name__}: {exc}", INSTALL)
            )
    return results


def report(results: Sequence[Result]) -> str:
    """The plain-text report: one line per check, then a summary line."""
    lines = [r.line() for r in results]
    failed = sum(not r.ok for r in results)
    if failed:
        lines.append(
            f"{failed} of {len(results)} checks failed: fix them and run again."
        )
    else:
        lines.append(f"All {len(results)} checks passed: this computer is ready.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.doctor", description=__doc__.splitlines()[0]
    )
    parser.parse_args(argv)
    results = run_checks()
    print(report(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
