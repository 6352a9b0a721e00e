"""The pre-flight check: each check alone, simulated failures, the exit status."""

import importlib.metadata
import sys
from pathlib import Path

import matplotlib
import pytest

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
     doctor.check_widgets, doctor.check_device],
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
    assert result.detail == "3.8.18 is too old (needs 3.10 or newer)"
    assert doctor.check_python((3, 10, 0)).ok


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


def test_training_over_the_time_limit_fails():
    result = doctor.check_training(epochs=5, n=100, time_limit=0.0)
    assert not result.ok and "over the 0 s limit" in result.detail


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
