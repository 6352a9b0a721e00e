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
    # a clean pytest: none of this run's own settings (xdist's worker id, addopts)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(ROOT)
    allowed = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True,
                             env={**env, "VI_NO_SKIPS": "0"})
    refused = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True,
                             env={**env, "VI_NO_SKIPS": "1"})
    assert allowed.returncode == 0, allowed.stdout
    assert refused.returncode == 1, refused.stdout
    assert "test_skips.py::test_a" in refused.stdout

