"""Student notebooks: no solution survives, outputs are gone, and they still run.

Checked on a small fixture chapter (tests/fixtures/notebooks) and on every real
chapter in notebooks/. Running is checked up to the first exercise, for the
fixture and for the quickest real chapter of each language.
"""

import ast
import builtins
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient

from tools import doctor, student
from tools.student import PLACEHOLDERS, notebook_paths, tags

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
SOURCES = {"fixture": FIXTURES, "book": ROOT / "notebooks"}
TIMES = ROOT / "book" / "data" / "notebook-times.json"
LANGS = ("en", "ko")


def chapters(kind):
    return [p for lang in LANGS for p in notebook_paths(SOURCES[kind], lang)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """{kind: output folder}, built once per kind that has chapters in both languages."""
    out = {}
    for kind, src in SOURCES.items():
        if all(notebook_paths(src, lang) for lang in LANGS):
            out[kind] = tmp_path_factory.mktemp(kind)
            student.build(src, out[kind])
    return out


def pairs():
    """(kind, original chapter) for the fixture and every real chapter."""
    return [
        pytest.param(kind, path, id=f"{kind}:{path.parent.name}/{path.name}")
        for kind in SOURCES for path in chapters(kind)
    ]


def load(kind, path, built):
    if kind not in built:
        pytest.skip(f"no {kind} chapters in both languages yet")
    original = nbformat.read(path, as_version=4)
    handout = nbformat.read(built[kind] / path.parent.name / path.name, as_version=4)
    return original, handout


def solution_lines(nb):
    """Lines of solution cells that no other cell of the notebook also has."""
    elsewhere = {
        line.strip()
        for cell in nb.cells if "solution" not in tags(cell)
        for line in cell.source.splitlines()
    }
    return {
        line.strip()
        for cell in nb.cells if "solution" in tags(cell)
        for line in cell.source.splitlines()
        if len(line.strip()) >= 4 and line.strip() not in elsewhere
    }


def test_the_fixture_has_what_the_tests_need():
    nb = nbformat.read(FIXTURES / "en" / "01-fixture.ipynb", as_version=4)
    kinds = {(c.cell_type, "remove-cell" in tags(c)) for c in nb.cells
             if {"solution", "remove-cell"} & set(tags(c))}
    assert kinds == {("code", False), ("markdown", False), ("code", True)}
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("kind,path", pairs())
def test_no_solution_survives(kind, path, built):
    original, handout = load(kind, path, built)
    lines = solution_lines(original)
    assert lines, f"{path.name} has no solution cells"
    left = {line.strip() for cell in handout.cells for line in cell.source.splitlines()}
    survivors = sorted(lines & left)
    assert not survivors, f"solution lines left in the student {path.name}: {survivors}"


@pytest.mark.parametrize("kind,path", pairs())
def test_placeholders_and_cleared_outputs(kind, path, built):
    original, handout = load(kind, path, built)
    lang = path.parent.name
    by_id = {cell.id: cell for cell in handout.cells}
    for cell in original.cells:
        if "remove-cell" in tags(cell):
            assert cell.id not in by_id, "cells hidden in the book stay out"
            continue
        new = by_id.pop(cell.id)
        if "solution" in tags(cell):
            assert new.source == PLACEHOLDERS[lang][cell.cell_type]
            assert not {"solution", "hide-input", "hide-cell"} & set(tags(new))
            assert not {"jupyter", "mystnb"} & set(new.metadata)
        elif cell.cell_type == "markdown":  # the same, links out of the zip as text
            names = {f"notebooks/{lang}/{p.name}" for p in path.parent.glob("*.ipynb")}
            assert new.source == student.local_links(cell.source, f"notebooks/{lang}",
                                                     names)
        else:
            assert new.source == cell.source
        if new.cell_type == "code":
            assert new.outputs == [] and new.execution_count is None
        assert "execution" not in new.metadata
    assert not by_id, "no cell is added"
    assert [c.id for c in handout.cells] == [
        c.id for c in original.cells if "remove-cell" not in tags(c)
    ], "order is kept"


def test_zip_holds_a_folder_that_runs_on_its_own(built):
    out = built["fixture"]
    for lang in LANGS:
        with zipfile.ZipFile(out / f"vi-book-student-{lang}.zip") as zf:
            names = set(zf.namelist())
            top = f"vi-book-student-{lang}/"
            for need in ("README.md", "requirements.txt", "pyproject.toml",
                         "vi_helpers/__init__.py", "tools/__init__.py",
                         "tools/doctor.py", "tools/lab.py",
                         "tools/lab_custom/custom.css",
                         "book/references.bib",  # the lab writes citations from it
                         f"notebooks/{lang}/01-fixture.ipynb"):
                assert top + need in names
            assert not any("__pycache__" in n for n in names)
            assert not any(n.startswith(top + "tests/") for n in names)
            inside = zf.read(f"{top}notebooks/{lang}/01-fixture.ipynb")
            requirements = zf.read(f"{top}requirements.txt").decode()
            readme = zf.read(f"{top}README.md").decode()
        assert inside == (out / lang / "01-fixture.ipynb").read_bytes()
        assert requirements == (ROOT / "requirements.txt").read_text(encoding="utf-8")
        assert "download.pytorch.org/whl/cpu" in readme  # the CPU build on Linux
        assert f"python -m tools.lab notebooks/{lang}" in readme


def test_the_zip_needs_only_the_notebook_requirements():
    """requirements.txt holds what the notebooks need; the toolchain is elsewhere."""
    pins = set(doctor.read_pins(ROOT / "requirements.txt"))
    assert {"torch", "numpy", "matplotlib", "ipywidgets", "ipykernel", "jupyterlab",
            "jupyterlab-myst", "tqdm", "koreanize-matplotlib"} <= pins
    toolchain = {"jupyter-book", "Sphinx", "myst-nb", "pytest", "nbval", "scipy",
                 "ruff", "playwright", "sphinxcontrib-bibtex", "pybtex"}
    assert not pins & toolchain, f"build/test tools in requirements.txt: {pins & toolchain}"
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in dev
    assert toolchain <= {line.split("==")[0] for line in dev if "==" in line}


def test_solution_placeholders_are_not_collapsed():
    """A placeholder is there to be typed into: no JupyterLab collapse, no toggle text."""
    nb = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell("answer = 42", metadata={
        "tags": ["solution", "hide-cell"],
        "jupyter": {"source_hidden": True, "outputs_hidden": True},
        "mystnb": {"code_prompt_show": "Show the solution"},
    })
    nb.cells = [nbformat.v4.new_markdown_cell("Exercise", metadata={"tags": ["exercise"]}),
                solution]
    out = student.student_notebook(nb, "en").cells[1]
    assert out.source == PLACEHOLDERS["en"]["code"]
    assert not {"jupyter", "mystnb", "tags"} & set(out.metadata)


def test_build_is_repeatable_and_drops_stale_chapters(tmp_path):
    student.build(FIXTURES, tmp_path)
    first = (tmp_path / "vi-book-student-en.zip").read_bytes()
    (tmp_path / "en" / "99-renamed.ipynb").write_text("{}")
    student.build(FIXTURES, tmp_path)
    assert not (tmp_path / "en" / "99-renamed.ipynb").exists()
    assert (tmp_path / "vi-book-student-en.zip").read_bytes() == first


def test_an_empty_language_folder_is_refused(tmp_path):
    (tmp_path / "en").mkdir()
    with pytest.raises(ValueError, match="notebooks must hold en/\\*.ipynb"):
        student.build(tmp_path, tmp_path / "out")


def _names(src):
    """(names a code cell binds, names it reads)."""
    tree = ast.parse(TransformerManager().transform_cell(src))
    stores, loads = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
        elif isinstance(node, ast.arg):
            stores.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stores |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return stores, loads


@pytest.mark.parametrize("kind,path", pairs())
def test_story_does_not_need_the_solutions(kind, path):
    """No cell that stays reads a name that only a solution or hidden cell binds."""
    nb = nbformat.read(path, as_version=4)
    kept, dropped, problems = set(builtins.__dict__), set(), []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        stores, loads = _names(cell.source)
        if {"solution", "remove-cell"} & set(tags(cell)):
            dropped |= stores
            continue
        needed = (loads - stores - kept) & dropped
        if needed:
            problems.append(f"cell {i} reads {sorted(needed)}")
        kept |= stores
    assert not problems, f"{path.name}: " + "; ".join(problems)


def _until_first_exercise(nb):
    cells = []
    for cell in nb.cells:
        if "exercise" in tags(cell):
            return cells
        cells.append(cell)
    raise AssertionError("the notebook has no exercise")


def quickest(lang):
    """The real chapter with exercises that ran quickest (book/data/notebook-times.json).

    Without a recorded time, the one with the fewest code cells before its first
    exercise.
    """
    times = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    candidates = []
    for path in notebook_paths(SOURCES["book"], lang):
        nb = nbformat.read(path, as_version=4)
        if not any("exercise" in tags(c) for c in nb.cells):
            continue
        key = f"{lang}/{path.name}"
        code = sum(c.cell_type == "code" for c in _until_first_exercise(nb))
        candidates.append(((key not in times, times.get(key, 0), code), path))
    return min(candidates)[1] if candidates else None


def to_run():
    params = [pytest.param("fixture", FIXTURES / lang / "01-fixture.ipynb",
                           id=f"fixture:{lang}") for lang in LANGS]
    for lang in LANGS:
        path = quickest(lang)
        if path is not None:
            params.append(pytest.param("book", path, id=f"book:{lang}/{path.name}"))
    return params


@pytest.mark.slow
@pytest.mark.parametrize("kind,path", to_run())
def test_student_notebook_runs_up_to_the_first_exercise(kind, path, built, monkeypatch):
    # The python3 kernelspec runs "python": make that this interpreter.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    if kind not in built:
        pytest.skip(f"no {kind} chapters in both languages yet")
    handout = nbformat.read(built[kind] / path.parent.name / path.name, as_version=4)
    handout.cells = _until_first_exercise(handout)
    assert any(c.cell_type == "code" for c in handout.cells)
    # Run where the original lies, so relative paths (../../book/data) resolve.
    client = NotebookClient(
        handout, timeout=120, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in handout.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors, json.dumps(errors)[:500]


# ------------------------------------------------------------ a fresh environment
def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@pytest.mark.slow
def test_handouts_work_in_a_fresh_venv(tmp_path):
    """The zips as a student meets them: a new venv from their requirements.txt alone.

    ``python -m venv``, ``pip install -r requirements.txt`` (the notebook pins, no
    build or test tool; pip's cache and any local wheel are reused), ``pip install
    --no-deps -e .``; then, in that environment:

    * the doctor's pin check passes;
    * every module of ``vi_helpers`` imports, and so does every ``import`` line of
      every student notebook of both languages (a package missing from
      requirements.txt fails here, wherever a chapter imports it);
    * the doctor's checks of what the chapters need at run time pass there: the
      Hangul font in figures, the widgets, the device; and chapter 6's live
      explorer trains and draws once in Korean.

    Every chapter runs in full under nbval in the build environment, and the
    student chapters are those minus their solutions (``test_story_does_not_need_
    the_solutions``), so running them again here would add CI time, not a check.
    Prints how long each step took (``pytest -s`` shows it).
    """
    if not all(notebook_paths(SOURCES["book"], lang) for lang in LANGS):
        pytest.skip("no book chapters in both languages yet")
    times = {}
    start = time.perf_counter()
    student.build(SOURCES["book"], tmp_path / "student")
    folders = {}
    for lang in LANGS:
        with zipfile.ZipFile(tmp_path / "student" / f"vi-book-student-{lang}.zip") as zf:
            zf.extractall(tmp_path / "unzipped")
        folders[lang] = tmp_path / "unzipped" / f"vi-book-student-{lang}"
    venv = tmp_path / "venv"
    python = str(_venv_python(venv))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def run(*args, cwd, timeout):
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, (
            f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        return done.stdout

    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    run(python, "-m", "pip", "install", "--quiet", "--no-compile", "-r",
        "requirements.txt", cwd=folders["en"], timeout=1800)
    run(python, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".",
        cwd=folders["en"], timeout=600)
    times["venv and install"] = time.perf_counter() - start
    installed = {line.split("==")[0].lower()
                 for line in run(python, "-m", "pip", "freeze", cwd=tmp_path,
                                 timeout=120).splitlines()}
    for tool in ("pytest", "nbval", "jupyter-book", "sphinx", "playwright", "scipy", "ruff"):
        assert tool not in installed, f"{tool} came with the notebook requirements"
    check = ("import sys; from tools import doctor; r = doctor.check_packages(); "
             "print(r.line()); sys.exit(0 if r.ok else 1)")
    assert run(python, "-c", check, cwd=folders["en"], timeout=300).startswith("OK")

    step = time.perf_counter()
    chapters = {lang: sorted((folders[lang] / "notebooks" / lang).glob("*.ipynb"))
                for lang in LANGS}
    assert len(chapters["en"]) == len(notebook_paths(folders["en"] / "notebooks", "en"))
    imports = sorted({line.strip() for lang in LANGS for path in chapters[lang]
                      for cell in nbformat.read(path, as_version=4).cells
                      if cell.cell_type == "code"
                      for line in cell.source.splitlines()
                      if line.startswith(("import ", "from "))})
    modules = sorted(p.stem for p in (folders["en"] / "vi_helpers").glob("*.py"))
    script = "\n".join([*imports, *(f"import vi_helpers.{m}" for m in modules
                                    if m != "__init__"), "print('imported')"])
    assert run(python, "-c", script, cwd=folders["en"] / "notebooks" / "en",
               timeout=600).strip().endswith("imported")
    times["imports"] = time.perf_counter() - step

    # what the chapters need beyond their imports, in the student's environment:
    # the Korean font in figures, the widgets, the device, and the live explorer
    # built and drawn once (the chapters themselves run under nbval)
    step = time.perf_counter()
    script = "\n".join([
        "import sys, matplotlib",
        "matplotlib.use('Agg')",
        "from tools import doctor",
        "results = doctor.run_checks([doctor.check_python, doctor.check_packages,",
        "    doctor.check_hangul_font, doctor.check_widgets, doctor.check_device])",
        "for r in results: print(r.line())",
        "from vi_explorer.widget import live_explorer",
        "explorer = live_explorer(lang='ko', epochs=100)",
        "explorer.last.result(timeout=300)",
        "print('explorer', len(explorer.image.value))",
        "sys.exit(0 if all(r.ok for r in results) else 1)",
    ])
    out = run(python, "-c", script, cwd=folders["ko"], timeout=600)
    times["checks and explorer"] = time.perf_counter() - step
    assert out.count("OK") >= 5, out
    drawn = int(out.split("explorer ")[-1].split()[0])
    assert drawn > 1000, out
    times["total"] = time.perf_counter() - start
    print("\nfresh venv: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))


def test_every_link_of_a_handout_stays_inside_it(built):
    """A one-language zip has no other language and no site: a link to either
    becomes its text; links between its own chapters and to the web stay."""
    from tools.student import LINK

    for lang in ("en", "ko"):
        out = built["book"] / lang
        names = {p.name for p in out.glob("*.ipynb")}
        kept = 0
        for path in sorted(out.glob("*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "markdown":
                    continue
                for _, target in LINK.findall(cell.source):
                    if target.startswith(("http://", "https://", "#")):
                        continue
                    assert target.split("#")[0] in names, (path.name, target)
                    kept += 1
        assert kept >= 5, lang  # the chapters still link to each other


def test_local_links_keeps_what_the_zip_holds():
    from tools.student import local_links

    inside = {"notebooks/en/02-b.ipynb"}
    text = ("[two](02-b.ipynb#x) · [한국어](../ko/02-b.ipynb) · "
            "[intro](../../book/en/intro.md) · [web](https://example.org/a)")
    assert local_links(text, "notebooks/en", inside) == (
        "[two](02-b.ipynb#x) · 한국어 · intro · [web](https://example.org/a)")


def test_every_command_of_the_handout_and_the_schedule_is_in_the_zip(built):
    """The handout's README and the workshop schedule name commands a learner with
    only the zip runs: each ``python -m tools.X`` is in it, and no ``make``."""
    import re

    for lang in LANGS:
        with zipfile.ZipFile(built["book"] / f"vi-book-student-{lang}.zip") as zf:
            names = set(zf.namelist())
            top = f"vi-book-student-{lang}"
            readme = zf.read(f"{top}/README.md").decode("utf-8")
        schedule = (ROOT / "book" / lang / "_schedule.md").read_text(encoding="utf-8")
        # what the sessions ask of everyone (the rows), not how the times were taken
        schedule = "\n".join(x for x in schedule.splitlines() if x.startswith("|"))
        for text in (readme, schedule):
            modules = re.findall(r"python -m tools\.(\w+)", text)
            assert modules, lang
            for module in modules:
                assert f"{top}/tools/{module}.py" in names, (lang, module)
            assert not re.search(r"`make \w", text), (lang, text[:200])
