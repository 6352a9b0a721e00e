"""Every notebook under notebooks/: paired, the same code, executed, clean, in the book.

The checks are functions that return a list of problems, so that each one can be
tried on a broken copy (the ``test_check_catches_*`` tests at the end), and the
real notebooks are checked with the same functions.
"""

from __future__ import annotations

import copy
import io
import json
import re
import tokenize
from pathlib import Path

import nbformat
import pytest
import yaml

from tools.book import toc_path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LANGS = ("en", "ko")

#: The first code cell of every notebook, exactly (CONTRIBUTING.md).
#: The language cell, exactly; its comment says what changing it does.
LANG_CELL = {
    "en": 'LANG = "en"  # 한국어판은 "ko"',
    "ko": 'LANG = "ko"  # 그림과 위젯의 언어: "en"으로 바꾸면 영어로 나옵니다',
}
#: Local paths that must not show in an output.
LEAKS = re.compile(r"/root/|/home/|/tmp/|/work/|site-packages|[A-Z]:\\\\Users\\\\")


def all_notebooks(root: Path = NOTEBOOKS) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def rel(path: Path, root: Path = NOTEBOOKS) -> str:
    return path.relative_to(root).as_posix()


def read(path: Path):
    return nbformat.read(path, as_version=4)


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def strip_comments(source: str) -> str:
    """The code's tokens without comments and layout, to compare the two editions."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
            tokenize.DEDENT, tokenize.ENDMARKER}
    lines = source.splitlines(keepends=True)
    # IPython magics are not Python: compare them as text
    text = "".join(ln for ln in lines if not ln.lstrip().startswith(("%", "!")))
    magics = [ln.strip() for ln in lines if ln.lstrip().startswith(("%", "!"))]
    toks = tokenize.generate_tokens(io.StringIO(text).readline)
    return " ".join(magics + [t.string for t in toks if t.type not in skip])


# --------------------------------------------------------------------------- checks


def check_pairs(paths: list[Path], root: Path = NOTEBOOKS) -> list[str]:
    """Every notebook lies in en/ or ko/, and each has its twin in the other."""
    problems = []
    names = {lang: set() for lang in LANGS}
    for p in paths:
        parts = p.relative_to(root).parts
        if len(parts) != 2 or parts[0] not in LANGS:
            problems.append(f"{rel(p, root)}: notebooks belong in notebooks/en or notebooks/ko")
        else:
            names[parts[0]].add(parts[1])
    for lang, other in (("en", "ko"), ("ko", "en")):
        for name in sorted(names[lang] - names[other]):
            problems.append(f"{lang}/{name} has no counterpart {other}/{name}")
    return problems


def check_same_code(en, ko) -> list[str]:
    """Same code cells in the same order; equal without comments, but the LANG cell."""
    a, b = code_cells(en), code_cells(ko)
    if len(a) != len(b):
        return [f"{len(a)} code cells in en, {len(b)} in ko"]
    problems = []
    for i, (x, y) in enumerate(zip(a, b)):
        if i == 0:
            continue  # the language cell, checked by check_language_cell
        try:
            same = strip_comments(x.source) == strip_comments(y.source)
        except (tokenize.TokenError, SyntaxError) as e:
            problems.append(f"code cell {i} does not tokenize: {e}")
            continue
        if not same:
            problems.append(f"code cell {i} differs: {x.source[:60]!r} vs {y.source[:60]!r}")
    return problems


def check_language_cell(nb, lang: str) -> list[str]:
    """The first code cell is exactly the LANG cell; the next sets up vh with it."""
    cells = code_cells(nb)
    if not cells:
        return ["no code cells"]
    problems = []
    if cells[0].source.strip() != LANG_CELL[lang]:
        problems.append(f"first code cell is {cells[0].source!r}, not {LANG_CELL[lang]!r}")
    setup = cells[1].source if len(cells) > 1 else ""
    for needed in ("import vi_helpers as vh", "vh.use_language(LANG)", "vh.set_seed("):
        if needed not in setup:
            problems.append(f"the setup cell (code cell 1) lacks {needed!r}")
    return problems


def _prints(source: str) -> bool:
    return bool(re.search(r"\bprint\(|\bplot_|\.plot\(", source))


def check_executed(nb) -> list[str]:
    """Executed in order from a fresh kernel, and every cell that prints has output."""
    problems = []
    counts = [c.execution_count for c in code_cells(nb) if c.source.strip()]
    if counts != list(range(1, len(counts) + 1)):
        problems.append(f"execution counts are {counts}, not 1..{len(counts)} in order")
    for i, cell in enumerate(code_cells(nb)):
        if _prints(cell.source) and not cell.get("outputs"):
            problems.append(f"code cell {i} prints or plots but has no output")
    return problems


def _output_text(out) -> str:
    parts = [out.get("text", ""), out.get("evalue", ""), *out.get("traceback", [])]
    for mime, value in out.get("data", {}).items():
        if mime.startswith("text/") or mime.endswith("json"):
            parts.append(value if isinstance(value, str) else json.dumps(value))
    return "".join(p if isinstance(p, str) else "".join(p) for p in parts)


def check_clean_outputs(nb) -> list[str]:
    """No error outputs, no stderr, no absolute local paths."""
    problems = []
    for i, cell in enumerate(code_cells(nb)):
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error":
                problems.append(f"code cell {i} has an error output: {out.get('ename')}")
            if kind == "stream" and out.get("name") == "stderr":
                problems.append(f"code cell {i} writes to stderr: {out.get('text', '')[:80]!r}")
            leak = LEAKS.search(_output_text(out))
            if leak:
                problems.append(f"code cell {i} shows a local path ({leak.group(0)!r})")
    return problems


def check_ignored_outputs_are_asserted(nb) -> list[str]:
    """Each nbval-ignore-output cell is followed by a remove-cell cell with an assert."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if "nbval-ignore-output" not in tags(cell):
            continue
        nxt = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        ok = (
            nxt is not None
            and nxt.cell_type == "code"
            and "remove-cell" in tags(nxt)
            and re.search(r"^\s*assert\b", nxt.source, re.M)
        )
        if not ok:
            problems.append(
                f"cell {i} ({cell.source[:40]!r}) ignores its output under nbval but the "
                "next cell is not a remove-cell code cell with an assert"
            )
    return problems


def check_links_counterpart(nb, lang: str, name: str) -> list[str]:
    """A markdown cell links to the same notebook in the other language."""
    other = "ko" if lang == "en" else "en"
    target = f"](../{other}/{name})"
    if any(c.cell_type == "markdown" and target in c.source for c in nb.cells):
        return []
    return [f"no markdown link to its counterpart {target[2:-1]}"]


def toc_files(toc_paths: list[Path] | None = None) -> set[str]:
    """Every ``file:`` of the tables of contents (both sites'), without extension."""
    paths = toc_paths or [toc_path(lang) for lang in ("en", "ko")]
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "root") and isinstance(value, str):
                    found.add(str(Path(value).with_suffix("")))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in paths:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def check_in_toc(paths: list[Path], files: set[str]) -> list[str]:
    missing = [p for p in paths if rel(p, ROOT).removesuffix(".ipynb") not in files]
    return [f"{rel(p, ROOT)} is not listed in book/<lang>/_toc.yml" for p in missing]


# ---------------------------------------------------------------- the real notebooks

PATHS = all_notebooks()
ENGLISH = [p for p in PATHS if p.parent.name == "en"]
IDS = [rel(p) for p in PATHS]


def test_there_are_notebooks_in_both_languages():
    assert ENGLISH, "no notebooks in notebooks/en"


def test_same_notebooks_in_both_languages():
    assert check_pairs(PATHS) == []


@pytest.mark.parametrize("path", ENGLISH, ids=[p.name for p in ENGLISH])
def test_same_code_in_both_languages(path):
    twin = NOTEBOOKS / "ko" / path.name
    if not twin.is_file():
        pytest.fail(f"no ko/{path.name}")
    assert check_same_code(read(path), read(twin)) == []


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_first_code_cell_is_the_language_cell(path):
    assert check_language_cell(read(path), path.parent.name) == []


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_committed_executed(path):
    assert check_executed(read(path)) == []


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_no_cell_relies_on_a_trailing_semicolon(path):
    """A trailing ';' hid a cell's last value when tools.execute ran it, but not
    under nbval (chapters 4 and 5, 2026-12-02: a Legend repr appeared), so the
    outputs differed. End a figure cell with plt.show() instead."""
    ends = [i for i, c in enumerate(read(path).cells)
            if c.cell_type == "code" and c.source.rstrip().endswith(";")]
    assert ends == [], f"cells {ends} end with ';'"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_outputs_are_clean(path):
    assert check_clean_outputs(read(path)) == []


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_ignored_outputs_are_checked_by_a_hidden_assertion(path):
    assert check_ignored_outputs_are_asserted(read(path)) == []


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_links_to_its_counterpart(path):
    assert check_links_counterpart(read(path), path.parent.name, path.name) == []


def test_every_notebook_is_in_the_table_of_contents():
    assert check_in_toc(PATHS, toc_files()) == []


# ------------------------------------------------- each check fails on a broken copy


def _pair():
    """A minimal good en/ko pair, as committed notebooks look."""
    pair = {}
    for lang, other in (("en", "ko"), ("ko", "en")):
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_markdown_cell(f"# Title\n\n[other](../{other}/01-x.ipynb)"),
            nbformat.v4.new_code_cell(LANG_CELL[lang], execution_count=1),
            nbformat.v4.new_code_cell(
                "import vi_helpers as vh  # " + ("setup" if lang == "en" else "준비")
                + "\n\nvh.use_language(LANG)\nvh.set_seed(0)",
                execution_count=2,
            ),
            nbformat.v4.new_code_cell(
                "print(1 + 1)", execution_count=3,
                outputs=[nbformat.v4.new_output("stream", name="stdout", text="2\n")],
                metadata={"tags": ["nbval-ignore-output"]},
            ),
            nbformat.v4.new_code_cell(
                "assert 1 + 1 == 2", execution_count=4, metadata={"tags": ["remove-cell"]}
            ),
        ]
        pair[lang] = nb
    return pair


def test_the_good_pair_passes_every_check():
    en, ko = _pair()["en"], _pair()["ko"]
    assert check_same_code(en, ko) == []
    for lang, nb in (("en", en), ("ko", ko)):
        assert check_language_cell(nb, lang) == []
        assert check_executed(nb) == []
        assert check_clean_outputs(nb) == []
        assert check_ignored_outputs_are_asserted(nb) == []
        assert check_links_counterpart(nb, lang, "01-x.ipynb") == []


def test_check_catches_a_missing_twin_or_a_stray_folder(tmp_path):
    for p in ("en/01-x.ipynb", "ko/01-x.ipynb", "en/02-y.ipynb", "fr/01-x.ipynb"):
        (tmp_path / p).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / p).write_text("{}")
    problems = check_pairs(all_notebooks(tmp_path), tmp_path)
    assert any("en/02-y.ipynb has no counterpart" in m for m in problems)
    assert any("fr/01-x.ipynb" in m for m in problems)


def test_check_catches_different_code():
    pair = _pair()
    pair["ko"].cells[2].source += "\nx = 1"
    assert "code cell 1 differs" in check_same_code(pair["en"], pair["ko"])[0]
    pair = _pair()
    pair["ko"].cells.append(nbformat.v4.new_code_cell("x = 1"))
    assert "4 code cells in en, 5 in ko" in check_same_code(pair["en"], pair["ko"])


def test_check_ignores_comments_but_not_strings():
    assert strip_comments("x = 1  # one") == strip_comments("x = 1  # 하나\n")
    assert strip_comments('print("one")') != strip_comments('print("하나")')


def test_check_catches_a_wrong_language_cell_or_setup():
    nb = _pair()["en"]
    nb.cells[1].source = 'LANG = "ko"'
    nb.cells[2].source = "import vi_helpers as vh"
    problems = check_language_cell(nb, "en")
    assert any("first code cell" in m for m in problems)
    assert any("vh.use_language(LANG)" in m for m in problems)


def test_check_catches_unexecuted_or_out_of_order_cells():
    nb = _pair()["en"]
    nb.cells[3].execution_count = None
    nb.cells[3].outputs = []
    problems = check_executed(nb)
    assert any("execution counts" in m for m in problems)
    assert any("has no output" in m for m in problems)


def test_check_catches_errors_stderr_and_local_paths():
    nb = _pair()["en"]
    cell = nb.cells[3]
    cell.outputs = [
        nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[]),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: careful\n"),
        nbformat.v4.new_output("stream", name="stdout", text="/home/me/book/data.csv\n"),
        nbformat.v4.new_output(
            "execute_result", data={"text/plain": "'.venv/lib/site-packages/x'"},
            execution_count=3,
        ),
    ]
    problems = check_clean_outputs(nb)
    assert any("error output" in m for m in problems)
    assert any("stderr" in m for m in problems)
    assert any("'/home/'" in m for m in problems)
    assert any("site-packages" in m for m in problems)


def test_check_catches_an_ignored_output_without_its_assertion():
    nb = _pair()["en"]
    nb.cells[4].source = "print('checked')"
    assert check_ignored_outputs_are_asserted(nb)
    nb = _pair()["en"]
    nb.cells[4].metadata["tags"] = []
    assert check_ignored_outputs_are_asserted(nb)
    nb = _pair()["en"]
    del nb.cells[4]
    assert check_ignored_outputs_are_asserted(nb)


def test_check_catches_a_missing_counterpart_link():
    nb = _pair()["en"]
    nb.cells[0].source = "# Title"
    assert check_links_counterpart(nb, "en", "01-x.ipynb")


def test_check_catches_a_notebook_missing_from_the_toc(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "format: jb-book\nroot: book/en/intro\nparts:\n  - caption: Chapters\n"
        "    chapters:\n      - file: notebooks/en/01-x\n"
    )
    files = toc_files([toc])
    paths = [ROOT / "notebooks/en/01-x.ipynb", ROOT / "notebooks/ko/01-x.ipynb"]
    assert check_in_toc(paths, files) == [
        "notebooks/ko/01-x.ipynb is not listed in book/<lang>/_toc.yml"]


def test_checks_do_not_change_what_they_read():
    pair = _pair()
    before = copy.deepcopy(pair)
    check_same_code(pair["en"], pair["ko"])
    check_clean_outputs(pair["en"])
    assert pair == before


# ------------------------------------------------------- python -m tools.execute


def _tiny_notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(code, metadata={"tags": ["keep-me"]})
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.mark.slow
def test_execute_runs_in_place_keeps_tags_strips_paths_and_records_times(tmp_path):
    from tools import execute

    nb_path = tmp_path / "notebooks" / "en" / "01-t.ipynb"
    _tiny_notebook(
        nb_path,
        "import os, vi_helpers\nprint(os.getcwd() == os.path.dirname(os.path.abspath("
        "'01-t.ipynb')))\nprint(vi_helpers.__file__)",
    )
    times = tmp_path / "times.json"
    times.write_text('{"en/00-old.ipynb": 1.0}')
    assert execute.main([str(tmp_path / "notebooks"), "--times", str(times)]) == 0
    nb = read(nb_path)
    cell = nb.cells[1]
    assert cell.metadata["tags"] == ["keep-me"]
    assert cell.execution_count == 1
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert text.startswith("True\n")  # cwd = the notebook's folder
    assert "vi_helpers/__init__.py" in text and not LEAKS.search(text), text
    data = json.loads(times.read_text())
    assert data["en/00-old.ipynb"] == 1.0  # merged, not replaced
    assert data["en/01-t.ipynb"] > 0
    assert {"measured_on", "machine"} <= set(data)
    assert {"cpu", "cores", "torch"} <= set(data["machine"])


def test_execute_rewrites_the_schedules_only_from_the_books_times(tmp_path,
                                                                   monkeypatch):
    from tools import execute, schedule

    written = []
    monkeypatch.setattr(schedule, "write", lambda: written.append(1) or [])
    nb_path = tmp_path / "en" / "01-t.ipynb"
    _tiny_notebook(nb_path, "1 + 1")
    other = tmp_path / "other.json"
    assert execute.main([str(nb_path), "--times", str(other)]) == 0
    assert written == []  # someone else's times: the book's schedules stay
    monkeypatch.setattr(execute, "TIMES", tmp_path / "book-times.json")
    assert execute.main([str(nb_path)]) == 0
    assert written == [1]
    assert "01-t.ipynb" in json.loads((tmp_path / "book-times.json").read_text())


@pytest.mark.parametrize(
    "code, message",
    [
        ("raise ValueError('broken on purpose')", "broken on purpose"),
        ("import sys\nprint('careful', file=sys.stderr)", "wrote to stderr"),
    ],
)
def test_execute_fails_clearly_and_leaves_the_notebook(tmp_path, capsys, code, message):
    from tools import execute

    nb_path = tmp_path / "en" / "01-t.ipynb"
    _tiny_notebook(nb_path, code)
    before = nb_path.read_text()
    assert execute.main([str(nb_path), "--times", str(tmp_path / "t.json")]) == 1
    err = capsys.readouterr().err
    assert message in err and "01-t.ipynb" in err
    assert nb_path.read_text() == before


def test_the_longest_first_schedule_names_files_that_exist():
    """tests/conftest.py runs these first; a renamed file would silently drop out."""
    from tests.conftest import LONGEST_FIRST, ROOT, schedule_rank

    for i, prefix in enumerate(LONGEST_FIRST):
        matches = [p for p in ROOT.glob(prefix.rstrip("-") + "*") if p.is_file()]
        assert matches, f"LONGEST_FIRST names {prefix!r}, which matches no file"
        assert all(schedule_rank(p) == i for p in matches)
    assert schedule_rank(ROOT / "tests" / "test_metrics.py") == len(LONGEST_FIRST)
