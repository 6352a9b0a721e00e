"""How the house runs its numbers and its checks: portable kernels on one thread in
every test process and notebook kernel, and no test that may skip in CI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from tools import numerics

ROOT = Path(__file__).resolve().parents[1]


def test_the_tests_run_on_portable_kernels_and_one_thread():
    assert numerics.is_portable()
    assert torch.get_num_threads() == 1
    # every x86-64 machine this project meets has AVX2; ATen then reports it
    assert torch.backends.cpu.get_cpu_capability() == "AVX2"


def _native_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in numerics.PORTABLE}


def _clean_pytest_env() -> dict[str, str]:
    """This environment without this run's own pytest settings (xdist's worker id,
    addopts), for a pytest started inside a test."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def test_a_command_restarts_itself_under_the_settings():
    code = ("from tools import numerics; numerics.restart_portable(); "
            "import os, torch; print(os.environ['MKL_CBWR'], torch.get_num_threads())")
    out = subprocess.run([sys.executable, "-c", code], env=_native_env(), cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["COMPATIBLE", "1"]


TRAIN = textwrap.dedent("""
    import hashlib, torch, vi_helpers as vh
    data = vh.make_dataset(n=2000, sigma=1.5, seed=0)
    model, _ = vh.recipes.train("nll", data, seed=0, epochs=60)
    mean, std = vh.predictive_normal(model, data.x_val)
    print(hashlib.sha256(mean.numpy().tobytes() + std.numpy().tobytes()).hexdigest())
""")


@pytest.mark.slow
def test_training_is_bitwise_the_same_when_the_cpu_offers_less():
    """What another machine would do, played here: MKL and glibc limited to AVX2
    (no AVX-512) train the same bits under the portable settings. Without
    ``MKL_CBWR`` the same limits change the bits, so the play is a real one."""
    older = {"MKL_ENABLE_INSTRUCTIONS": "AVX2",
             "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX512F,-AVX512DQ,-AVX512BW,-AVX512VL"}

    def digest(extra: dict[str, str], drop: str | None = None) -> str:
        env = {**numerics.portable_env(_native_env()), **extra}
        env.pop(drop, None)
        out = subprocess.run([sys.executable, "-c", TRAIN], env=env, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        assert len(out.strip()) == 64, out
        return out

    assert digest({}) == digest(older)
    if _intel_with_avx512():  # else MKL finds nothing to leave out
        assert digest({}, drop="MKL_CBWR") != digest(older, drop="MKL_CBWR")


def _intel_with_avx512() -> bool:
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "GenuineIntel" in info and " avx512f" in info


def test_a_skip_fails_the_run_under_vi_no_skips(tmp_path):
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\ndef test_a():\n    pytest.skip('no tool')\n")
    cmd = [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:nbval",
           "-p", "no:cacheprovider", "-o", "addopts=", "-q", str(tmp_path)]
    env = {**_clean_pytest_env(), "PYTHONPATH": str(ROOT)}
    allowed = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True,
                             env={**env, "VI_NO_SKIPS": "0"})
    refused = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True,
                             env={**env, "VI_NO_SKIPS": "1"})
    assert allowed.returncode == 0, allowed.stdout
    assert refused.returncode == 1, refused.stdout
    assert "test_skips.py::test_a" in refused.stdout



def test_a_hanging_test_fails_instead_of_holding_the_run(tmp_path):
    (tmp_path / "test_hangs.py").write_text(
        "import time\n\ndef test_a():\n    time.sleep(60)\n")
    env = _clean_pytest_env()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
         "-o", "timeout=2", "-q", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=50)
    assert done.returncode == 1 and "Timeout" in done.stdout, done.stdout[-500:]


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].split(";", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            package, version = line.split("==")
            pins[package.strip()] = version.strip()
    return pins


def test_the_python_the_book_states_is_the_one_its_pins_need():
    """The Python range that pyproject.toml, the README, the pages, the handout and
    the doctor state starts where the pinned packages declare: every pin installs on
    its first version, and at least one pin does not install on the version before
    it. (Its end, the first version some pin has no wheel for, is resolved by
    tests/test_install.py.)"""
    import importlib.metadata
    import re

    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'requires-python = ">=(\d+\.\d+),<3\.(\d+)"', text)
    stated, newest = Version(found[1]), f"3.{int(found[2]) - 1}"
    needs = {}
    for name in ("requirements.txt", "requirements-dev.txt",
                 "requirements-crosscheck.txt"):
        for package, version in _pins(name).items():
            meta = importlib.metadata.metadata(package)
            assert meta["Version"].split("+")[0] == version, (package, meta["Version"])
            if meta["Requires-Python"]:
                needs[package] = SpecifierSet(meta["Requires-Python"])
    assert len(needs) > 20
    assert all(str(stated) in spec for spec in needs.values()), needs
    before = f"{stated.major}.{stated.minor - 1}"
    assert any(before not in spec for spec in needs.values()), (
        f"every pin installs on Python {before}: the book could promise it")
    said = {}
    for rel in ("README.md", "book/en/intro.md", "book/ko/intro.md",
                "book/en/workshop.md", "book/ko/workshop.md", "tools/student.py"):
        found = re.findall(r"Python (\d+\.\d+)(?:–| to )(\d+\.\d+)",
                           (ROOT / rel).read_text(encoding="utf-8"))
        assert found, rel
        said[rel] = set(found)
    assert all(v == {(str(stated), newest)} for v in said.values()), said
