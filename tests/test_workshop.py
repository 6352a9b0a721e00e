"""The workshop guide: schedules computed from measured times, and the setup files."""

import json
import math
import os
import re
from pathlib import Path

import pytest

from tools import schedule
from tools.schedule import Plan, plan_rows, reading_minutes, render

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_TIMES = FIXTURES / "notebook-times.json"
LANGS = ("en", "ko")
SMALL = Plan("small", 30, ("01",), exercises=1, per_exercise=4, opening=2)


def test_blocks_add_reading_time_run_time_and_exercises():
    times = schedule.load_times(FIXTURE_TIMES)
    rows = plan_rows(SMALL, "en", times, FIXTURES / "notebooks")
    # 5 minutes to read (the chapter says so), 42.3 s rounds up to 1 minute, and the
    # fixture chapter has 2 exercises, 1 in the room: 5 + 1 + 4
    assert [(start, end) for start, end, *_ in rows] == [(0, 2), (2, 12), (12, 30)]
    assert rows[1][2:] == (
        "{doc}`/notebooks/en/01-fixture`", "5 min", "43 s", "1 of 2"
    )
    ko = plan_rows(SMALL, "ko", times, FIXTURES / "notebooks")
    assert ko[1][1:] == (
        13, "{doc}`/notebooks/ko/01-fixture`", "5분", "1분 1초", "연습 1.1 (모두 2개)"
    )


def test_reading_time_comes_from_the_chapter(tmp_path):
    for lang in LANGS:
        path = FIXTURES / "notebooks" / lang / "01-fixture.ipynb"
        assert reading_minutes(path, lang) == 5
    chapter = tmp_path / "en" / "01-fixture.ipynb"
    chapter.parent.mkdir()
    nb = json.loads((FIXTURES / "notebooks/en/01-fixture.ipynb").read_text())
    nb["cells"][0]["source"] = ["# A chapter\n", "\n", "A long read. Learning goals: none."]
    chapter.write_text(json.dumps(nb))
    with pytest.raises(ValueError, match="01-fixture.ipynb: the first cell must state"):
        reading_minutes(chapter, "en")
    longer = json.loads(json.dumps(nb))
    longer["cells"][0]["source"] = ["**Time.** About 25 minutes to read."]
    chapter.write_text(json.dumps(longer))
    times = {"measured_on": "2026-01-02", "machine": {}, "en/01-fixture.ipynb": 1.0}
    rows = plan_rows(Plan("hour", 60, ("01",), exercises=0, per_exercise=4, opening=2), "en",
                     times, tmp_path)
    assert rows[1][:2] == (2, 2 + 25 + 1)  # a longer read, a longer block


@pytest.mark.parametrize("lang", LANGS)
def test_every_chapter_states_its_reading_time(lang):
    paths = sorted((schedule.NOTEBOOKS / lang).glob("[0-9][0-9]-*.ipynb"))
    assert paths, "no chapters"
    for path in paths:
        assert reading_minutes(path, lang) >= 5, path.name


def test_both_languages_state_the_same_reading_time():
    for en in sorted((schedule.NOTEBOOKS / "en").glob("[0-9][0-9]-*.ipynb")):
        ko = schedule.NOTEBOOKS / "ko" / en.name
        assert reading_minutes(en, "en") == reading_minutes(ko, "ko"), en.name


@pytest.mark.parametrize("lang", LANGS)
def test_each_block_is_reading_plus_run_time_plus_exercises(lang):
    """The real chapters and plans, with a run time of 50 s for every chapter."""
    times = {"measured_on": "2026-01-02", "machine": {}}
    times |= {f"{lang}/{p.name}": 50.0 for p in (schedule.NOTEBOOKS / lang).glob("*.ipynb")}
    for plan in schedule.PLANS:
        rows = plan_rows(plan, lang, times)
        blocks = [r for r in rows if r[2].startswith("{doc}")]
        assert len(blocks) == len(plan.chapters)
        for (start, end, _, talk, *_), number in zip(blocks, plan.chapters):
            path = next((schedule.NOTEBOOKS / lang).glob(f"{number}-*.ipynb"))
            seconds = times[f"{lang}/{path.name}"]
            done = min(plan.exercises, schedule.count_exercises(path))
            wanted = (reading_minutes(path, lang) + math.ceil(seconds / 60)
                      + done * plan.per_exercise)
            assert end - start == wanted, (plan.minutes, path.name)
            assert talk == schedule.TEXT[lang]["talk"].format(
                m=reading_minutes(path, lang))


def test_a_plan_that_does_not_fit_is_refused():
    times = schedule.load_times(FIXTURE_TIMES)
    tight = Plan("tight", 14, ("01",), exercises=2, per_exercise=4, opening=2)
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
    for marker in ("<!-- small -->", "<!-- /small -->", "<!-- measured -->", "<!-- /measured -->"):
        assert marker in text
    assert "2026-01-02에 Test CPU(2코어, torch 2.13.0+cpu)" in text
    assert "| 시간 | 내용 | 설명 | 실행 시간 | 현장에서 풀 연습 문제 |" in text
    assert "| 0:02–0:13 | {doc}`/notebooks/ko/01-fixture` | 5분 | 1분 1초 | 연습 1.1 (모두 2개) |" in text


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
    wanted = [plan.key for plan in schedule.PLANS] + ["measured"]
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
