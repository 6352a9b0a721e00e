"""What the README's commands install, resolved for every platform and Python the book
supports, without installing anything.

``make book`` and ``make test`` build ``.venv`` with the Makefile's recipe: on Linux
x86-64 torch first, alone, from PyTorch's CPU index, then ``requirements-dev.txt``
(which includes ``requirements.txt``). These tests hold that recipe, and resolve the
requirements with ``pip install --dry-run --report`` for Linux, macOS and Windows
and for the oldest and newest Python of ``pyproject.toml``'s range: every pin
resolves there, the Python after the range does not (so the range is the truth),
and no nvidia or triton package comes in (several GB that a CPU never uses).
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: pip's platform tags and the marker environment of each platform
PLATFORMS = {
    "linux": (["manylinux_2_28_x86_64", "manylinux2014_x86_64", "manylinux_2_17_x86_64"],
              {"sys_platform": "linux", "platform_system": "Linux",
               "platform_machine": "x86_64"}),
    "macos": (["macosx_14_0_arm64", "macosx_11_0_arm64"],
              {"sys_platform": "darwin", "platform_system": "Darwin",
               "platform_machine": "arm64"}),
    "windows": (["win_amd64"],
                {"sys_platform": "win32", "platform_system": "Windows",
                 "platform_machine": "AMD64"}),
}
GPU_PACKAGE = re.compile(r"^(nvidia-|triton)", re.IGNORECASE)


def python_range() -> tuple[str, str, str]:
    """``(oldest, newest, the one after)`` from pyproject's ``>=3.a,<3.b``."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'requires-python = ">=3\.(\d+),\s*<3\.(\d+)"', text)
    assert match, "pyproject.toml states the Python range it has checked: >=3.a,<3.b"
    low, after = int(match[1]), int(match[2])
    return f"3.{low}", f"3.{after - 1}", f"3.{after}"


def torch_pin() -> str:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return re.search(r"^torch==\S+", text, re.MULTILINE)[0]


def test_the_makefile_installs_torch_for_the_cpu_first():
    """On Linux x86-64 the venv recipe takes torch from PyTorch's CPU index, without
    its dependencies (they come from PyPI in the next step), before the requirements;
    elsewhere PyPI's torch is already the CPU build and the step does nothing."""
    out = subprocess.run(["make", "-n", "-B", ".venv/.installed"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    dev = next(i for i, line in enumerate(lines) if "-r requirements-dev.txt" in line)
    cpu = [i for i, line in enumerate(lines) if CPU_INDEX in line]
    if (sys.platform, platform.machine()) == ("linux", "x86_64"):
        assert len(cpu) == 1 and cpu[0] < dev, out
        step = lines[cpu[0]]
        assert f'"{torch_pin()}"' in step and "--no-deps" in step, step
        assert f"--index-url {CPU_INDEX}" in step, step
    else:
        assert not cpu, out


def _resolve(tmp: Path, platform_name: str, python: str, args: list[str]) -> dict:
    """pip's dry-run report for ``args`` on ``platform_name`` and ``python``."""
    tags, _ = PLATFORMS[platform_name]
    tmp.mkdir(parents=True, exist_ok=True)
    report = tmp / f"{platform_name}-{python}-{len(args)}.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet",
           "--ignore-installed", "--only-binary=:all:", "--report", str(report),
           "--target", str(tmp / "target"), "--python-version", python,
           *[f"--platform={t}" for t in tags], *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-3:]}
    return json.loads(report.read_text(encoding="utf-8"))


def _installed_torch(folder: Path) -> Path:
    """A wheel that stands for the CPU torch the first step installed: the pinned
    version, no files and no requirements (what a dry run needs to see)."""
    import zipfile

    version = torch_pin().split("==")[1]
    wheel = folder / f"torch-{version}-py3-none-any.whl"
    info = f"torch-{version}.dist-info"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(f"{info}/METADATA",
                    f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n")
        zf.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: tests\n"
                    "Root-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr(f"{info}/RECORD", "")
    return wheel


def _gpu_requirements(meta: dict, env: dict) -> list[str]:
    """The nvidia/triton requirements of a package that apply on ``env``."""
    found = []
    for text in meta.get("requires_dist") or []:
        req = Requirement(text)
        if GPU_PACKAGE.match(req.name) and (
                req.marker is None or req.marker.evaluate({**env, "extra": ""})):
            found.append(text)
    return found


@pytest.mark.slow
def test_every_platform_and_python_of_the_range_resolves_without_gpu_packages(
        tmp_path):
    oldest, newest, after = python_range()
    assert SpecifierSet(f">={oldest},<{after}").contains(
        f"{sys.version_info.major}.{sys.version_info.minor}")
    # the requirements as the second step meets them: torch's pin already met, by a
    # stand-in wheel of the pinned version with no requirements (a package that
    # needs torch, such as Pyro, then finds it there instead of on PyPI)
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    runtime = tmp_path / "requirements.txt"
    installed = f"torch @ {_installed_torch(tmp_path).as_uri()}"
    runtime.write_text("\n".join(installed if x.startswith("torch==") else x
                                 for x in lines) + "\n")
    dev = tmp_path / "requirements-dev.txt"
    dev.write_text((ROOT / "requirements-dev.txt").read_text(encoding="utf-8"))
    jobs = {(p, py): ["-r", str(dev)] for p in PLATFORMS for py in (oldest, newest)}
    jobs[("linux", after)] = ["-r", str(dev)]
    # torch itself: from PyPI on macOS and Windows, from the CPU index on Linux (this
    # machine's Python only: pip may meet it from a local wheel folder)
    for p in ("macos", "windows"):
        for py in (oldest, newest):
            jobs[(p, py, "torch")] = ["--no-deps", torch_pin()]
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    jobs[("linux", here, "torch")] = ["--no-deps", "--retries", "0", "--index-url",
                                      CPU_INDEX, torch_pin()]
    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = {key: pool.submit(_resolve, tmp_path / "-".join(key), key[0],
                                    key[1], args) for key, args in jobs.items()}
        reports = {key: f.result() for key, f in futures.items()}
    problems = []
    for key, report in reports.items():
        if key == ("linux", after):
            if "error" not in report:
                problems.append(f"Python {after} installs every pin: the range could "
                                "grow (pyproject.toml and the pages)")
            continue
        if "error" in report:
            problems.append(f"{key}: does not resolve: {report['error']}")
            continue
        env = {**PLATFORMS[key[0]][1], "python_version": key[1],
               "python_full_version": f"{key[1]}.0"}
        names = [item["metadata"]["name"] for item in report["install"]]
        problems += [f"{key}: installs {n}" for n in names if GPU_PACKAGE.match(n)]
        if len(key) == 3:
            (item,) = report["install"]
            problems += [f"{key}: {item['download_info']['url'].rsplit('/', 1)[-1]} "
                         f"requires {r}" for r in _gpu_requirements(item["metadata"], env)]
        elif len(names) < 100:
            problems.append(f"{key}: only {len(names)} packages resolved")
    assert not problems, "\n".join(problems)


def test_gpu_requirements_follow_their_markers():
    meta = {"requires_dist": [
        'nvidia-cudnn-cu13==9.20.0.48; platform_system == "Linux"',
        "triton==3.6.0; platform_system == 'Linux' and platform_machine == 'x86_64'",
        "sympy>=1.13.3",
    ]}
    assert len(_gpu_requirements(meta, PLATFORMS["linux"][1])) == 2
    assert _gpu_requirements(meta, PLATFORMS["windows"][1]) == []
    assert Marker('platform_system == "Darwin"').evaluate(PLATFORMS["macos"][1])
