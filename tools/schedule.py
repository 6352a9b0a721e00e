"""Workshop schedules from measured run times: ``python -m tools.schedule``.

Reads ``book/data/notebook-times.json`` (written by ``python -m tools.execute``:
seconds per notebook, the date and the machine), and from each chapter its reading
time (the "About N minutes to read" / "읽는 데 N분" of its first cell) and its
exercise count, and writes ``book/<lang>/_schedule.md``: a 90-minute and a 3-hour
plan of chapters 1-4 and a second 3-hour session of chapters 5-8, as Markdown tables
between ``<!-- 90 -->``, ``<!-- 180 -->`` and ``<!-- second -->`` markers (each
closed by ``<!-- /key -->``), and the measurement note between
``<!-- measured -->``/``<!-- /measured -->``, for the workshop page to include.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from vi_helpers.i18n import LANGUAGES, check_language

ROOT = Path(__file__).resolve().parents[1]
TIMES = ROOT / "book" / "data" / "notebook-times.json"
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"


@dataclass(frozen=True)
class Plan:
    """How a slot is spent: which chapters, and minutes for the exercises.

    A chapter's block is the reading time the chapter states (the explanation), its
    measured run time rounded up to whole minutes, and ``per_exercise`` minutes for
    each of its first ``exercises`` exercises. What is left of ``minutes`` closes the
    session.
    """

    key: str  # the include markers: <!-- key --> ... <!-- /key -->
    minutes: int
    chapters: tuple[str, ...]  # chapter numbers, the file names' prefixes
    exercises: int
    per_exercise: int
    opening: int
    break_after: str | None = None
    break_minutes: int = 0
    min_closing: int = 5


#: The chapters' reading times (15, 30, 30, 40, 45, 20, 30 and 30 minutes) fill 90
#: minutes with chapters 1-3 and no exercises in the room, and 3 hours with chapters
#: 1-4 and one exercise each; chapters 5-8 make a second 3-hour session with one
#: exercise each.
PLANS = (
    Plan("90", 90, ("01", "02", "03"), exercises=0, per_exercise=8, opening=5),
    Plan(
        "180", 180, ("01", "02", "03", "04"), exercises=1, per_exercise=6,
        opening=10, break_after="02", break_minutes=10,
    ),
    Plan(
        "second", 180, ("05", "06", "07", "08"), exercises=1, per_exercise=6,
        opening=10, break_after="05", break_minutes=10,
    ),
)

#: "About 30 minutes to read" / "읽는 데 30분쯤", "읽고 과제를 해 보는 데 약 20분"
READING = {
    "en": re.compile(r"\bAbout (\d+) minutes to read\b"),
    "ko": re.compile(r"읽(?:는|고) [^.\n]*?(\d+)\s*분"),
}

TEXT = {
    "en": {
        "header": "| Time | What | Explanation | Run time | Exercises in the room |",
        "opening": "Welcome; everyone's `python -m tools.doctor` says OK",
        "break": "Break",
        "closing": "Questions, and the exercises left for home",
        "exercises": "{first}–{last} of {total}",
        "one": "1 of {total}",
        "seconds": "{s} s",
        "minutes": "{m} min {s} s",
        "talk": "{m} min",
        "plan": (
            "Each chapter gets the reading time it states at its top as explanation, "
            "its run time rounded up to whole minutes, and {per} minutes for each "
            "exercise done in the room."
        ),
        "plan_home": (
            "Each chapter gets the reading time it states at its top as explanation "
            "and its run time rounded up to whole minutes; the exercises are left for "
            "home."
        ),
        "note": (
            "Run times: each chapter run from a fresh kernel by "
            "`python -m tools.execute` on {date}, on {cpu} ({cores} cores, "
            "torch {torch})."
        ),
    },
    "ko": {
        "header": "| 시간 | 내용 | 설명 | 실행 시간 | 현장에서 풀 연습 문제 |",
        "opening": "인사, 모든 자리에서 `python -m tools.doctor`가 OK인지 확인",
        "break": "쉬는 시간",
        "closing": "질문, 남은 연습 문제는 과제로",
        "exercises": "연습 {chapter}.{first}–{chapter}.{last} (모두 {total}개)",
        "one": "연습 {chapter}.1 (모두 {total}개)",
        "seconds": "{s}초",
        "minutes": "{m}분 {s}초",
        "talk": "{m}분",
        "plan": (
            "장마다 그 장이 첫머리에 밝힌 읽는 시간을 설명 시간으로, 여기에 "
            "실행 시간(분 단위로 올림)과 현장에서 푸는 연습 문제 하나에 {per}분을 "
            "잡았습니다."
        ),
        "plan_home": (
            "장마다 그 장이 첫머리에 밝힌 읽는 시간을 설명 시간으로, 여기에 "
            "실행 시간(분 단위로 올림)을 잡았고, 연습 문제는 과제로 남깁니다."
        ),
        "note": (
            "실행 시간: 각 장을 새 커널에서 `python -m tools.execute`로 실행해 "
            "{date}에 {cpu}({cores}코어, torch {torch})에서 잰 값입니다."
        ),
    },
}


def load_times(path: Path | str = TIMES) -> dict:
    """The run times ``tools.execute`` writes, checked for the date and machine."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("measured_on", "machine"):
        if key not in data:
            raise ValueError(
                f"{path} must have a {key!r} entry, got keys {sorted(data)}"
            )
    return data


def _chapter(notebooks: Path, lang: str, number: str) -> Path:
    found = sorted((notebooks / lang).glob(f"{number}-*.ipynb"))
    if len(found) != 1:
        raise ValueError(
            f"the plan needs one chapter {lang}/{number}-*.ipynb, found {len(found)}"
        )
    return found[0]


def count_exercises(path: Path) -> int:
    nb = nbformat.read(path, as_version=4)
    return sum("exercise" in c.get("metadata", {}).get("tags", []) for c in nb.cells)


def reading_minutes(path: Path | str, lang: str) -> int:
    """The reading time a chapter states in its first markdown cell, in minutes.

    Raises ValueError naming the chapter when that cell states none.
    """
    nb = nbformat.read(Path(path), as_version=4)
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    match = READING[check_language(lang)].search(first)
    if match is None:
        raise ValueError(
            f"{path}: the first cell must state the reading time "
            f"({READING[lang].pattern!r}), got {first[:80]!r}"
        )
    return int(match[1])


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _duration(seconds: float, lang: str) -> str:
    s = math.ceil(seconds)
    if s < 60:
        return TEXT[lang]["seconds"].format(s=s)
    return TEXT[lang]["minutes"].format(m=s // 60, s=s % 60)


def plan_rows(
    plan: Plan, lang: str, times: dict, notebooks: Path | str = NOTEBOOKS
) -> list[tuple[int, int, str, str, str, str]]:
    """(start, end, what, explanation, run time, exercises) for each block of ``plan``.

    Start and end are minutes from the beginning; explanation is the chapter's
    reading time (e.g. "30 min").

    Raises ValueError when the plan's blocks leave less than ``plan.min_closing``
    minutes for the closing block, naming how long they take.
    """
    text = TEXT[check_language(lang)]
    notebooks = Path(notebooks)
    rows, now = [], 0

    def add(minutes, what, talk="", run="", exercises=""):
        nonlocal now
        rows.append((now, now + minutes, what, talk, run, exercises))
        now += minutes

    add(plan.opening, text["opening"])
    for number in plan.chapters:
        path = _chapter(notebooks, lang, number)
        key = f"{lang}/{path.name}"
        if key not in times:
            raise ValueError(f"no run time for {key}: run python -m tools.execute")
        seconds = float(times[key])
        total = count_exercises(path)
        done = min(total, plan.exercises)
        if done == 0:
            exercises = ""
        elif done == 1:
            exercises = text["one"].format(total=total, chapter=int(number))
        else:
            exercises = text["exercises"].format(
                first=1, last=done, total=total, chapter=int(number)
            )
        talk = reading_minutes(path, lang)
        minutes = talk + math.ceil(seconds / 60) + done * plan.per_exercise
        doc = f"{{doc}}`/notebooks/{lang}/{path.stem}`"
        add(minutes, doc, text["talk"].format(m=talk), _duration(seconds, lang),
            exercises)
        if number == plan.break_after:
            add(plan.break_minutes, text["break"])
    left = plan.minutes - now
    if left < plan.min_closing:
        raise ValueError(
            f"the {plan.minutes}-minute plan needs {now} minutes before its closing "
            f"block, leaving {left} (at least {plan.min_closing} wanted): shorten it"
        )
    add(left, text["closing"])
    return rows


def render(
    lang: str,
    times_path: Path | str = TIMES,
    notebooks: Path | str = NOTEBOOKS,
    plans: tuple[Plan, ...] = PLANS,
) -> str:
    """The ``_schedule.md`` text for ``lang``."""
    text = TEXT[check_language(lang)]
    times = load_times(times_path)
    machine = times["machine"]
    parts = [
        "<!-- Written by `python -m tools.schedule` from "
        "book/data/notebook-times.json; do not edit. -->",
        "",
    ]
    for plan in plans:
        parts += [
            f"<!-- {plan.key} -->", "", text["header"], "|---|---|---:|---:|---|"
        ]
        for start, end, what, talk, run, exercises in plan_rows(
            plan, lang, times, notebooks
        ):
            parts.append(
                f"| {_clock(start)}–{_clock(end)} | {what} | {talk} | {run} "
                f"| {exercises} |"
            )
        plan_text = text["plan" if plan.exercises else "plan_home"].format(
            per=plan.per_exercise
        )
        parts += ["", plan_text, "", f"<!-- /{plan.key} -->", ""]
    note = text["note"].format(
        date=times["measured_on"], cpu=machine.get("cpu", "?"),
        cores=machine.get("cores", "?"), torch=machine.get("torch", "?"),
    )
    parts += ["<!-- measured -->", "", note, "", "<!-- /measured -->", ""]
    return "\n".join(parts)


def write(
    book: Path | str = BOOK,
    times_path: Path | str = TIMES,
    notebooks: Path | str = NOTEBOOKS,
) -> list[Path]:
    """Write ``book/<lang>/_schedule.md`` for every language; returns the paths."""
    paths = []
    for lang in LANGUAGES:
        path = Path(book) / lang / "_schedule.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(lang, times_path, notebooks), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.schedule", description=__doc__.splitlines()[0]
    )
    parser.parse_args(argv)
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
