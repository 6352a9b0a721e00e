"""The notebooks in a real JupyterLab, as a workshop meets them (``make lab``).

Starts JupyterLab from this environment the way ``make lab`` does (``python -m
tools.lab``) on a temporary folder that holds copies of one English chapter, two
Korean chapters and one student notebook, and opens each in headless Chromium:

* rendered markdown shows no MyST fence or option (``:::``, ```` ```{ ````,
  ``:class:``, a ``{role}```), every exercise is a box, math is typeset, each
  written answer is a closed dropdown, and Hangul is drawn with a Korean font;
* as on the site: no glossary term is a dead link (``href="#"``), no citation a
  "Citation Not Found" mark (citations read "[Who, Year]"), no display equation
  has a number (tools/lab.py's contents manager; tests/test_lab_markdown.py);
* each solution code cell and each check cell is folded with its output, and
  what the folded cell shows is its first line only, a comment that gives
  nothing away;
* saving a chapter in the lab writes the file's own markup back;
* in the student chapter 6 it runs the setup cells and the live explorer (kernel
  and ipywidgets), checks that its Korean labels and controls draw Hangul with a
  Korean font, moves the σ slider and waits for the figure to change.

Without Chromium the tests skip with a note on how to install it; with
``VI_REQUIRE_BROWSER=1`` (CI) that is a failure instead, as in test_site.py.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.browser import (
    CHROMIUM_FLAGS,
    INSTALL_HINT,
    chromium,
    hangul_without_font,
    missing,
)
from tools.lab import FONT_FILES, MARKUP, web_fonts
from tools.student import student_notebook, tags
from vi_helpers.i18n import hangul_font_path

ROOT = Path(__file__).resolve().parents[1]

#: What the temporary JupyterLab root holds: {path there: (source, student?)}.
#: The English chapter states its exercises in boxes only after issue 13; the
#: Korean chapter 3 has math, dropdowns and solutions with output, Korean chapter
#: 2 display equations and citations; the student chapter 6 has the live explorer.
#: Every other Korean chapter is opened too, for its Hangul: Korean chapter 8's
#: R-hat table (bold Hangul in a Markdown output) stayed boxes while the bold
#: face loaded late (custom.css now loads both faces when the lab starts).
NOTEBOOKS = {
    "notebooks/en/04-is-the-band-right.ipynb": ("notebooks/en/04-is-the-band-right.ipynb", False),
    "notebooks/ko/01-packages-and-data.ipynb": ("notebooks/ko/01-packages-and-data.ipynb", False),
    "notebooks/ko/02-train-and-models.ipynb": ("notebooks/ko/02-train-and-models.ipynb", False),
    "notebooks/ko/03-training-and-figures.ipynb": ("notebooks/ko/03-training-and-figures.ipynb", False),
    "notebooks/ko/04-is-the-band-right.ipynb": ("notebooks/ko/04-is-the-band-right.ipynb", False),
    "notebooks/ko/05-models-that-get-it-right.ipynb": ("notebooks/ko/05-models-that-get-it-right.ipynb", False),
    "notebooks/ko/07-other-roads.ipynb": ("notebooks/ko/07-other-roads.ipynb", False),
    "notebooks/ko/08-the-posterior-itself.ipynb": ("notebooks/ko/08-the-posterior-itself.ipynb", False),
    "student/ko/06-explorer.ipynb": ("notebooks/ko/06-explorer.ipynb", True),
}
EXPLORER = "student/ko/06-explorer.ipynb"
START_TIMEOUT_S = 120
PAGE_TIMEOUT_MS = 90_000
TRAIN_TIMEOUT_MS = 300_000
# Raw MyST that must never reach the reader: fences, options, roles.
RAW = re.compile(r":::|```\{|:class:|\{[a-z][a-z-]*\}`|\{(?:admonition|dropdown)\}")

#: JupyterLab settings for the test: every cell in the page (no windowing, so
#: cells far down are rendered too) and no news pop-up over the notebook.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none"
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false"
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_root(root: Path) -> None:
    for there, (source, student) in NOTEBOOKS.items():
        src = ROOT / source
        dst = root / there
        dst.parent.mkdir(parents=True, exist_ok=True)
        if student:
            nb = nbformat.read(src, as_version=4)
            nbformat.write(student_notebook(nb, Path(source).parent.name), dst)
        else:
            shutil.copy(src, dst)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, token, Chromium, root folder) of a JupyterLab started by
    ``python -m tools.lab``."""
    executable = chromium()
    if executable is None:
        missing(f"Chromium not found: {INSTALL_HINT}")
    try:
        import playwright  # noqa: F401
    except ImportError:  # pragma: no cover - playwright is in requirements-dev.txt
        missing("playwright is not installed: `make venv` (requirements-dev.txt)")
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    _write_root(root)
    settings = tmp / "settings"
    for name, value in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "run"),
                     ("IPYTHONDIR", "ipython")):
        env[var] = str(tmp / sub)  # nothing from the user's own Jupyter setup
    cmd = [
        sys.executable, "-m", "tools.lab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(f"{base}api/status?token={token}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n"
                                + (tmp / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token, executable, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    base, token, executable, root = lab
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_FLAGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        try:
            yield context, base, token, root
        finally:
            context.close()
            chromium.close()


def _open(browser, path: str):
    """A page with the notebook at ``path`` open and every markdown cell rendered."""
    context, base, token, _ = browser
    nb = nbformat.read(ROOT / NOTEBOOKS[path][0], as_version=4)
    page = context.new_page()
    workspace = re.sub(r"\W", "-", path)
    page.goto(f"{base}lab/workspaces/{workspace}/tree/{path}?reset&token={token}")
    page.wait_for_function(
        """n => {
          const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Cell');
          return cells.length === n && [...cells].every(c =>
            !c.classList.contains('jp-MarkdownCell')
            || c.querySelector('.jp-RenderedMarkdown, .myst'));
        }""",
        arg=len(nb.cells) if not NOTEBOOKS[path][1] else len(_student(path).cells),
    )
    page.wait_for_timeout(1000)  # math after the markdown
    # the Hangul faces load when text first needs them, and the page redraws
    # with them; load them now, so that the checks see that redrawn page
    page.evaluate("""async () => {
      await Promise.all(['400', '700'].map(w => document.fonts.load(`${w} 16px NanumGothic`, '한')));
      await document.fonts.ready;
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    }""")
    return page


def _student(path):
    source, student = NOTEBOOKS[path]
    nb = nbformat.read(ROOT / source, as_version=4)
    return student_notebook(nb, Path(source).parent.name) if student else nb


# Per cell: its rendered markdown's text (math and its TeX left out), whether it
# is drawn as a box or a closed dropdown, its dead links, citation marks and
# equation numbers (what sits beside a display equation), and what of it is
# visible (innerText: only what is drawn).
CELLS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')].map(c => {
  const md = c.querySelector('.myst, .jp-RenderedMarkdown');
  let text = '';
  if (md) {
    const copy = md.cloneNode(true);
    copy.querySelectorAll('.katex, mjx-container, script').forEach(e => e.remove());
    text = copy.textContent;
  }
  const shown = e => !!e && e.checkVisibility({visibilityProperty: true})
    && e.getClientRects().length > 0;
  return {
    markdown: c.classList.contains('jp-MarkdownCell'),
    text,
    box: !!c.querySelector('aside.myst-admonition'),
    dropdowns: [...c.querySelectorAll('details')].map(d => d.open),
    math: c.querySelectorAll('.katex').length,
    input_shown: shown(c.querySelector('.jp-Cell-inputArea')),
    output_shown: [...c.querySelectorAll('.jp-OutputArea-output')].some(shown),
    visible: c.innerText,
    dead_links: [...c.querySelectorAll('a[href="#"]')].map(a => a.textContent),
    not_found: [...c.querySelectorAll('[title*="Citation Not Found"]')]
      .map(e => e.textContent).concat(/Citation Not Found/.test(c.textContent) ? ['?'] : []),
    equation_numbers: [...c.querySelectorAll('.katex-display')].map(k => {
      const row = k.parentElement.parentElement.cloneNode(true);
      row.querySelectorAll('.katex').forEach(e => e.remove());
      return row.textContent.trim();
    }).filter(t => t),
  };
})"""


def _problems(nb, cells) -> list[str]:
    """What a reader would see wrong, cell by cell."""
    problems = []
    if len(cells) != len(nb.cells):
        return [f"{len(cells)} cells on the page, {len(nb.cells)} in the file"]
    for i, (cell, seen) in enumerate(zip(nb.cells, cells)):
        where = f"cell {i} ({cell.source[:40]!r})"
        t = tags(cell)
        if cell.cell_type == "markdown":
            raw = RAW.findall(seen["text"])
            if raw:
                problems.append(f"{where}: raw MyST on the page: {sorted(set(raw))}")
            if re.search(r"\$[^$\s]", cell.source) and not seen["math"]:
                problems.append(f"{where}: its math is not typeset")
            if "$$" in seen["text"]:
                problems.append(f"{where}: '$$' on the page")
            if "exercise" in t and not seen["box"]:
                problems.append(f"{where}: the exercise is not a box")
            if "solution" in t and seen["dropdowns"] != [False]:
                problems.append(f"{where}: the answer is not one closed dropdown "
                                f"({seen['dropdowns']})")
            if seen["dead_links"]:
                problems.append(f"{where}: links to '#' (a glossary term the lab "
                                f"cannot resolve?): {seen['dead_links']}")
            if seen["not_found"]:
                problems.append(f"{where}: 'Citation Not Found': {seen['not_found']}")
            if seen["equation_numbers"]:
                problems.append(f"{where}: numbered equations (the site numbers "
                                f"none): {seen['equation_numbers']}")
        elif "solution" in t or "remove-cell" in t:  # folded: a solution, a check
            first = cell.source.split("\n", 1)[0].strip()
            if not first.startswith("#"):
                problems.append(f"{where}: does not open with a comment line")
            if seen["input_shown"] or seen["output_shown"]:
                problems.append(f"{where}: code or output shown on opening (not folded)")
            if seen["visible"].strip() != first:
                problems.append(f"{where}: the folded cell shows "
                                f"{seen['visible'].strip()[:80]!r}, not only {first!r}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("path", list(NOTEBOOKS))
def test_notebook_renders_as_in_the_book(browser, path):
    nb = _student(path)
    page = _open(browser, path)
    try:
        cells = page.evaluate(CELLS_JS)
        problems = _problems(nb, cells)
        if "/ko/" in path:
            problems += hangul_without_font(browser[0], page)
        assert not problems, f"{path} in JupyterLab:\n  " + "\n  ".join(problems)
    finally:
        page.close()


@pytest.mark.slow
def test_saving_in_the_lab_writes_the_files_own_markup(browser):
    """The lab shows terms and citations as text (tools/lab.py); what it saves is
    the notebook's own markup, roles and all, and none of the lab's metadata."""
    path = "notebooks/ko/02-train-and-models.ipynb"
    file = browser[3] / path
    before, written = nbformat.read(file, as_version=4), file.stat().st_mtime_ns
    page = _open(browser, path)
    try:
        page.evaluate("async () => { await window.jupyterapp.commands"
                      ".execute('docmanager:save'); }")
        saved = nbformat.read(file, as_version=4)
    finally:
        page.close()
    assert file.stat().st_mtime_ns > written, "the lab did not save"
    # markdown as it was (JupyterLab itself adds "collapsed" to folded code cells)
    assert [(c.id, c.source) for c in saved.cells if c.cell_type == "markdown"] == [
        (c.id, c.source) for c in before.cells if c.cell_type == "markdown"]
    assert not [c.id for c in saved.cells if MARKUP in c.metadata]
    assert [c.source for c in saved.cells] == [c.source for c in before.cells]


RUN_CELL_JS = """async i => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.ready;
  panel.content.activeCellIndex = i;
  await window.jupyterapp.commands.execute('notebook:run-cell');
}"""

IMAGE_JS = """i => {
  const c = document.querySelectorAll('.jp-NotebookPanel .jp-Cell')[i];
  const img = c && c.querySelector('.jp-OutputArea img.widget-image, .jp-OutputArea img');
  return img && img.naturalWidth > 0 ? img.src : null;
}"""


#: The font-family of every form control of the widgets in cell i.
CONTROL_FONTS_JS = """i => {
  const c = document.querySelectorAll('.jp-NotebookPanel .jp-Cell')[i];
  return [...c.querySelectorAll('.jupyter-widgets select, .jupyter-widgets input, '
                                + '.jupyter-widgets button')]
    .map(el => getComputedStyle(el).fontFamily);
}"""


@pytest.mark.slow
def test_live_explorer_redraws_when_sigma_moves(browser):
    nb = _student(EXPLORER)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    explorer = next(i for i in code if "live_explorer(" in nb.cells[i].source)
    setup = [i for i in code if i < explorer][:2]  # the language cell, the imports
    assert "LANG" in nb.cells[setup[0]].source and "import" in nb.cells[setup[1]].source
    page = _open(browser, EXPLORER)
    try:
        for i in [*setup, explorer]:
            page.evaluate(RUN_CELL_JS, i)
        cell = page.locator(".jp-NotebookPanel .jp-Cell").nth(explorer)
        slider = cell.locator(".widget-slider").first
        slider.wait_for(state="visible", timeout=TRAIN_TIMEOUT_MS)
        page.wait_for_function(IMAGE_JS, arg=explorer, timeout=TRAIN_TIMEOUT_MS)
        before = page.evaluate(IMAGE_JS, explorer)
        shot = cell.locator("img").first.screenshot()
        readout = slider.locator(".widget-readout")
        assert readout.inner_text().strip() == "1.5"
        # Korean in the widgets: labels and the controls' own text (a <select>
        # draws its option with the control's font, which is not inherited)
        assert not hangul_without_font(browser[0], page)
        fonts = page.evaluate(CONTROL_FONTS_JS, explorer)
        assert fonts and all("NanumGothic" in f for f in fonts), fonts
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type("0.5")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "([i, before]) => { const c = document.querySelectorAll("
            "'.jp-NotebookPanel .jp-Cell')[i]; const img = c.querySelector("
            "'.jp-OutputArea img'); return img && img.naturalWidth > 0 "
            "&& img.src !== before; }",
            arg=[explorer, before], timeout=TRAIN_TIMEOUT_MS,
        )
        assert readout.inner_text().strip() == "0.5"
        page.wait_for_timeout(500)
        assert cell.locator("img").first.screenshot() != shot, "the figure looks the same"
        errors = cell.locator(".jp-OutputArea-output[data-mime-type*='error']").count()
        assert errors == 0, "the explorer cell shows an error"
    finally:
        page.close()


def test_web_fonts_leave_out_what_chromium_rejects(tmp_path):
    """NanumGothic as shipped carries VTT source tables (TSI*): Chromium refuses it."""
    from fontTools.ttLib import TTFont

    font = hangul_font_path()
    if font is None:
        pytest.skip("no NanumGothic here (koreanize-matplotlib is in requirements.txt)")
    written = web_fonts(tmp_path, font)
    assert [p.name for p in written] == [
        n for n in FONT_FILES if (Path(font).parent / n).is_file()
    ]
    for path in written:
        tables = set(TTFont(path).keys())
        assert not {t for t in tables if t.startswith("TSI")}
        assert {"glyf", "cmap", "name"} <= tables
    assert web_fonts(tmp_path / "none", str(tmp_path / "empty" / "NanumGothic.ttf")) == []
