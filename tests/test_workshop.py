"""The workshop guide: schedules computed from measured times, and the setup files."""

import os
import re
from pathlib import Path

import pytest

from tools import schedule
from tools.schedule import Plan, plan_rows, render

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_TIMES = FIXTURES / "notebook-times.json"
LANGS = ("en", "ko")
SMALL = Plan(30, ("01",), talk=5, exercises=1, per_exercise=4, opening=2)


def test_blocks_add_talk_run_time_and_exercises():
    times = schedule.load_times(FIXTURE_TIMES)
    rows = plan_rows(SMALL, "en", times, FIXTURES / "notebooks")
    # 42.3 s rounds up to 1 minute; the fixture chapter has 2 exercises, 1 in the room
    assert [(start, end) for start, end, *_ in rows] == [(0, 2), (2, 12), (12, 30)]
    assert rows[1][2:] == ("{doc}`/notebooks/en/01-fixture`", "43 s", "1 of 2")
    ko = plan_rows(SMALL, "ko", times, FIXTURES / "notebooks")
    assert ko[1][1:] == (13, "{doc}`/notebooks/ko/01-fixture`", "1분 1초", "2개 중 1번")


def test_a_plan_that_does_not_fit_is_refused():
    times = schedule.load_times(FIXTURE_TIMES)
    tight = Plan(14, ("01",), talk=5, exercises=2, per_exercise=4, opening=2)
    with pytest.raises(ValueError, match="needs 16 minutes before its closing block"):
        plan_rows(tight, "en", times, FIXTURES / "notebooks")


def test_a_chapter_without_a_time_is_refused(tmp_path):
    times = tmp_path / "times.json"
    times.write_text('{"measured_on": "2026-01-02", "machine": {}}')
    with pytest.raises(ValueError, match="no run time for en/01-fixture.ipynb"):
        render("en", times, FIXTURES / "notebooks", (SMALL,))
    times.write_text('{"en/01-fixture.ipynb": 1.0}')
    with pytest.raises(ValueError, match="must have a 'measured_on' entry"):
        render("en", times, FIXTURES / "notebooks", (SMALL,))


def test_rendered_schedule_has_the_markers_the_page_includes():
    text = render("ko", FIXTURE_TIMES, FIXTURES / "notebooks", (SMALL,))
    for marker in ("<!-- 30 -->", "<!-- /30 -->", "<!-- measured -->", "<!-- /measured -->"):
        assert marker in text
    assert "2026-01-02에 Test CPU(2코어, torch 2.13.0+cpu)" in text


@pytest.mark.parametrize("lang", LANGS)
def test_committed_schedule_matches_the_measured_times(lang):
    if not schedule.TIMES.is_file():
        pytest.fail("book/data/notebook-times.json is missing: run make notebooks")
    committed = (ROOT / "book" / lang / "_schedule.md").read_text(encoding="utf-8")
    assert committed == render(lang), (
        "book/<lang>/_schedule.md is out of date: run python -m tools.schedule"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_workshop_page_includes_every_schedule_and_the_measurement(lang):
    page = (ROOT / "book" / lang / "workshop.md").read_text(encoding="utf-8")
    includes = re.findall(
        r"```\{include\} _schedule\.md\n:start-after: <!-- (\S+) -->\n"
        r":end-before: <!-- /\1 -->\n```",
        page,
    )
    wanted = [str(plan.minutes) for plan in schedule.PLANS] + ["measured"]
    assert sorted(includes) == sorted(wanted)


def test_binder_setup_uses_the_pins_and_installs_the_package():
    binder = ROOT / "binder"
    requirements = (binder / "requirements.txt").read_text().splitlines()
    assert "-r ../requirements.txt" in requirements
    post_build = binder / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "pip install --no-deps -e ." in post_build.read_text()
    runtime = (binder / "runtime.txt").read_text().strip()
    major, minor = map(int, re.fullmatch(r"python-(\d+)\.(\d+)", runtime).groups())
    assert (major, minor) >= (3, 10)
