"""Every chapter, in both languages, opens with its time and goals and has 2-4 exercises.

The convention (CONTRIBUTING.md): a markdown cell tagged ``exercise`` states the
task; one or more cells tagged ``solution`` follow it; solution code cells are
also tagged ``hide-cell`` (the site hides code *and* output behind one toggle)
and collapsed in JupyterLab (``jupyter: {source_hidden, outputs_hidden}``);
markdown solutions are a ``{dropdown}``.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

from tools.student import notebook_paths, tags

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LANGS = ("en", "ko")
CHAPTERS = [p for lang in LANGS for p in notebook_paths(NOTEBOOKS, lang)]
ENGLISH = notebook_paths(NOTEBOOKS, "en")

#: "about 40 minutes", "40 min" / "약 40분".
TIME = {"en": re.compile(r"\d\s*(?:min\b|minutes?\b)", re.I), "ko": re.compile(r"\d\s*분")}
GOALS = {"en": re.compile(r"\bgoals?\b", re.I), "ko": re.compile(r"목표")}


def ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def exercises(nb):
    """[(exercise cell, [the solution cells after it, before the next exercise])]."""
    found = []
    for cell in nb.cells:
        if "exercise" in tags(cell):
            found.append((cell, []))
        elif "solution" in tags(cell):
            assert found, f"a solution cell comes before any exercise: {cell.source[:80]!r}"
            found[-1][1].append(cell)
    return found


def test_both_languages_have_the_same_chapters():
    names = {lang: [p.name for p in notebook_paths(NOTEBOOKS, lang)] for lang in LANGS}
    assert names["en"], "no chapters in notebooks/en yet"
    assert names["en"] == names["ko"]


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_two_to_four_exercises_each_with_a_solution(path):
    nb = nbformat.read(path, as_version=4)
    found = exercises(nb)
    assert 2 <= len(found) <= 4, f"{path.name} has {len(found)} exercises"
    for number, (exercise, solutions) in enumerate(found, 1):
        assert exercise.cell_type == "markdown", f"exercise {number} is not markdown"
        assert solutions, f"exercise {number} has no solution cell after it"
        for cell in solutions:
            if cell.cell_type == "code":
                assert "hide-cell" in tags(cell), (
                    f"a solution of exercise {number} is code without hide-cell"
                )
                hidden = cell.metadata.get("jupyter", {})
                assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), (
                    f"a solution of exercise {number} is not collapsed in JupyterLab"
                )
            else:
                assert "{dropdown}" in cell.source, (
                    f"a markdown solution of exercise {number} is not a {{dropdown}}"
                )


def shape(path):
    """The exercises' cell types and tags, which both languages share."""
    return [
        [(cell.cell_type, sorted(tags(cell))) for cell in [ex, *sols]]
        for ex, sols in exercises(nbformat.read(path, as_version=4))
    ]


@pytest.mark.parametrize("path", ENGLISH, ids=[p.name for p in ENGLISH])
def test_exercises_match_across_languages(path):
    twin = NOTEBOOKS / "ko" / path.name
    assert twin.is_file(), f"no Korean {path.name}"
    assert shape(path) == shape(twin)


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_chapter_opens_with_time_and_goals(path):
    nb = nbformat.read(path, as_version=4)
    lang = path.parent.name
    first = next(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert TIME[lang].search(first), f"{path.name}: the first cell gives no time"
    assert GOALS[lang].search(first), f"{path.name}: the first cell gives no goals"


def test_folded_cells_open_with_a_line_that_gives_nothing_away():
    """JupyterLab previews the first line of a folded cell: every check cell and
    every solution code cell opens with a comment, not with its first statement."""
    problems = []
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            tags = set(cell["metadata"].get("tags", []))
            if cell["cell_type"] == "code" and tags & {"remove-cell", "solution"}:
                first = "".join(cell["source"]).split("\n", 1)[0]
                if not first.startswith("#"):
                    problems.append(f"{path.name} cell {i}: {first[:40]!r}")
    assert not problems, "\n".join(problems)
