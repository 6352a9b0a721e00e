"""The pre-flight check: each check alone, simulated failures, the exit status."""

import ast
import importlib.metadata
import re
import sys
import types
from pathlib import Path

import matplotlib
import pytest
import torch

from tools import doctor
from vi_helpers import i18n

ROOT = Path(__file__).resolve().parents[1]


def test_pins_are_read_from_requirements():
    pins = doctor.read_pins(ROOT / "requirements.txt")
    assert pins["torch"] == "2.13.0"
    assert "koreanize-matplotlib" in pins and "ipywidgets" in pins


def test_unpinned_requirement_is_refused(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("# a comment\nnumpy>=1.0\n")
    with pytest.raises(ValueError, match="must be pinned as name==version, got 'numpy>=1.0'"):
        doctor.read_pins(req)


@pytest.mark.parametrize(
    "check",
    [doctor.check_python, doctor.check_packages, doctor.check_hangul_font,
     doctor.check_browser_font, doctor.check_widgets, doctor.check_device,
     doctor.check_threads],
)
def test_checks_pass_in_the_pinned_environment(check):
    result = check()
    assert result.ok, result.line()
    assert result.line().startswith("OK   ")


def test_pin_mismatch_and_missing_package_fail(tmp_path):
    numpy_version = importlib.metadata.version("numpy")
    req = tmp_path / "requirements.txt"
    req.write_text(f"numpy=={numpy_version}\nmatplotlib==0.0.1\nno-such-package-x==1.0\n")
    result = doctor.check_packages(req)
    assert not result.ok
    assert "2 of 3 pins not met" in result.detail
    assert "matplotlib " + importlib.metadata.version("matplotlib") in result.detail
    assert "(pinned 0.0.1)" in result.detail
    assert "no-such-package-x missing (pinned 1.0)" in result.detail
    assert "pip install -r requirements.txt" in result.fix


def test_local_build_label_matches_the_pin(tmp_path, monkeypatch):
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version",
        lambda name: "2.13.0+cu128" if name == "torch" else real(name),
    )
    req = tmp_path / "requirements.txt"
    req.write_text("torch==2.13.0\n")
    assert doctor.check_packages(req).ok


def test_missing_requirements_file_fails(tmp_path):
    result = doctor.check_packages(tmp_path / "requirements.txt")
    assert not result.ok and "clone" in result.fix


def test_old_python_fails():
    result = doctor.check_python((3, 8, 18))
    assert not result.ok
    assert result.detail == "3.8.18 is too old (needs 3.11 to 3.14)"
    assert not doctor.check_python((3, 10, 12)).ok  # Ubuntu 22.04's: the pins need 3.11
    assert doctor.check_python((3, 11, 0)).ok and doctor.check_python((3, 14, 2)).ok
    new = doctor.check_python((3, 15, 0))  # numpy 2.4.6 has no wheel for it
    assert not new.ok and "too new" in new.detail and "python3.11" in new.fix


def test_missing_hangul_font_fails(monkeypatch):
    monkeypatch.setattr(i18n, "hangul_font_path", lambda: None)
    result = doctor.check_hangul_font()
    assert not result.ok
    assert "koreanize-matplotlib" in result.fix and "fonts-nanum" in result.fix


def test_font_without_hangul_glyphs_fails(monkeypatch):
    dejavu = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    monkeypatch.setattr(i18n, "hangul_font_path", lambda: dejavu)
    before = list(matplotlib.rcParams["font.family"])
    result = doctor.check_hangul_font()
    assert not result.ok
    assert "missing from font" in result.detail
    assert matplotlib.rcParams["font.family"] == before  # rc_context restored it


def test_missing_widgets_fail(monkeypatch):
    monkeypatch.setitem(sys.modules, "jupyterlab_widgets", None)  # import raises
    result = doctor.check_widgets()
    assert not result.ok
    assert "jupyterlab_widgets" in result.detail and "ipywidgets" in result.fix


def test_training_smoke_test_lowers_the_loss():
    result = doctor.check_training(epochs=40, n=200)
    assert result.ok, result.line()
    assert result.detail.startswith("40 epochs on 200 points in ")


def test_training_over_the_time_limit_fails_and_measures_threads():
    """A forced slow case: the doctor times one thread against torch's default."""
    result = doctor.check_training(epochs=5, n=100, time_limit=0.0, probe_steps=2)
    assert not result.ok and "over the 0 s limit" in result.detail
    if torch.get_num_threads() > 1:
        assert re.search(r"2 steps took [\d.]+ s on torch's \d+ threads and [\d.]+ s "
                         r"on one", result.detail), result.detail
    assert result.fix in (doctor.ONE_THREAD, doctor.BUSY)


@pytest.fixture
def threads(monkeypatch):
    """Torch with 4 threads, and fake timings: {threads or None: seconds}."""
    timings = {}
    monkeypatch.setattr(torch, "get_num_threads", lambda: 4)
    monkeypatch.setattr(doctor, "time_steps", lambda threads, steps, n: timings[threads])
    return timings


def test_advice_is_one_thread_when_one_thread_is_faster(threads):
    threads.update({None: 61.0, 1: 3.6})  # the loaded 2-core laptop
    measured, advice = doctor.thread_advice(steps=200)
    assert measured == ("200 steps took 61.0 s on torch's 4 threads and 3.6 s on "
                        "one: one thread is 16.9x faster")
    assert advice == doctor.ONE_THREAD
    assert "OMP_NUM_THREADS=1" in advice and "torch.set_num_threads(1)" in advice


def test_advice_is_a_busy_computer_when_threads_help(threads):
    threads.update({None: 3.0, 1: 3.5})
    measured, advice = doctor.thread_advice(steps=200)
    assert "one thread is" not in measured
    assert advice == doctor.BUSY and "close other programs" in advice


def test_advice_without_threads_to_compare(monkeypatch):
    monkeypatch.setattr(torch, "get_num_threads", lambda: 1)
    assert doctor.thread_advice() == ("torch uses a single thread already", doctor.BUSY)


def test_slow_training_under_the_limit_passes_with_the_advice(threads, monkeypatch):
    threads.update({None: 10.0, 1: 1.0})
    clock = iter([0.0, 30.0])  # check_training's own start and end: 30 s of 60
    monkeypatch.setattr(doctor, "time", types.SimpleNamespace(perf_counter=lambda: next(clock)))
    result = doctor.check_training(epochs=5, n=100, time_limit=60.0)
    assert result.ok, result.line()
    assert "in 30.0 s" in result.detail and "slow: 20 steps took 10.0 s" in result.detail
    assert doctor.ONE_THREAD in result.detail


def test_threads_report_names_threads_and_load():
    result = doctor.check_threads()
    assert result.ok
    assert re.match(r"torch uses \d+ of \d+ CPUs", result.detail)
    assert "load average" in result.detail


def test_browser_font_from_fontconfig(monkeypatch):
    monkeypatch.setattr(doctor, "_fontconfig_korean", lambda: ["NanumGothic", "Noto Sans CJK KR"])
    result = doctor.check_browser_font("linux")
    assert result.ok and "NanumGothic, Noto Sans CJK KR" in result.detail


def test_browser_font_missing_on_linux_is_explained(monkeypatch):
    monkeypatch.setattr(doctor, "_fontconfig_korean", lambda: [])
    result = doctor.check_browser_font("linux")  # tools.lab brings NanumGothic
    assert result.ok
    assert "python -m tools.lab" in result.detail and "boxes" in result.detail
    monkeypatch.setattr(i18n, "hangul_font_path", lambda: None)
    result = doctor.check_browser_font("linux")
    assert not result.ok
    assert result.detail == (
        "no Korean font for the browser (fc-list :lang=ko finds none) and no "
        "NanumGothic file: JupyterLab would draw every Korean word as boxes"
    )
    assert "sudo apt-get install fonts-nanum" in result.fix
    assert "koreanize-matplotlib" in result.fix
    monkeypatch.setattr(doctor, "_fontconfig_korean", lambda: None)  # no fc-list
    assert "(no fc-list here)" in doctor.check_browser_font("linux").detail


@pytest.mark.parametrize("platform,font", [("darwin", "Apple SD Gothic Neo"),
                                           ("win32", "Malgun Gothic")])
def test_browser_font_on_macos_and_windows(platform, font, monkeypatch):
    monkeypatch.setattr(i18n, "hangul_font_path", lambda: None)
    result = doctor.check_browser_font(platform)
    assert result.ok and font in result.detail


def test_doctor_imports_only_the_lesson_and_the_standard_library():
    """It runs from the student zip, whose requirements.txt has no build tools."""
    tree = ast.parse((ROOT / "tools" / "doctor.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." if node.level else node.module.split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"vi_helpers", "torch", "matplotlib"}
    assert imported <= allowed, f"the doctor imports {sorted(imported - allowed)}"


def test_exit_status_and_report(monkeypatch, capsys):
    def check_good():
        return doctor.Result("good", True, "fine")

    def check_bad():
        return doctor.Result("bad", False, "broken", "do this")

    def check_raises():
        raise RuntimeError("no luck")

    monkeypatch.setattr(doctor, "CHECKS", (check_good,))
    assert doctor.main([]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "OK   good: fine",
        "All 1 checks passed: this computer is ready.",
    ]

    monkeypatch.setattr(doctor, "CHECKS", (check_good, check_bad, check_raises))
    assert doctor.main([]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "OK   good: fine",
        "FAIL bad: broken",
        "     fix: do this",
        "FAIL raises: raised RuntimeError: no luck",
        "     fix: pip install -r requirements.txt",
        "2 of 3 checks failed: fix them and run again.",
    ]


def test_a_cuda_build_without_a_gpu_fails_with_the_cpu_command(monkeypatch):
    """The CPU build is what the book needs: a CUDA torch on a computer without a GPU
    is several GB for nothing, and the doctor says how to swap it."""
    import torch

    assert doctor.check_device().ok  # this environment has the CPU build
    monkeypatch.setattr(torch.version, "cuda", "13.0")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    result = doctor.check_device()
    assert not result.ok
    assert "is a CUDA build" in result.detail
    assert doctor.LINUX_CPU_TORCH in result.fix and "pip uninstall torch" in result.fix
