"""What JupyterLab shows of the notebooks' MyST (tools/lab.py), without a browser.

jupyterlab-myst knows no glossary and no bibliography and numbers every display
equation; ``python -m tools.lab`` opens notebooks through ``BookContents``, which
shows glossary terms as text, citations as the site writes them and the front
matter that turns equation numbers off, and saves the file's own markup back.
These checks hold that on every committed notebook (a new chapter included):

* after the rewrite no MyST role is left in any markdown cell or markdown output
  (a role the lab cannot resolve would show as a dead link or an error mark), the
  first markdown cell carries the front matter and code cells are untouched;
* every citation names its entry as the site does ("[Kingma and Welling, 2014]");
  on the built site (``make book`` first; skipped without it) each chapter's page
  holds the very text the lab shows, and no equation number;
* a notebook opened and saved unchanged through the contents manager is the file
  it was, and so is a copy of it or one saved under another name; a cell the
  reader edited keeps the reader's text; no committed notebook holds the lab's
  metadata.

The real lab in Chromium: tests/test_lab.py.
"""

from __future__ import annotations

import asyncio
import copy
import html
import json
import re
from pathlib import Path

import nbformat
import pytest
from pybtex.database import parse_file

from tests.site_helpers import SITE
from tools.lab import (
    BIB,
    CITE,
    FRONT_MATTER,
    MARKUP,
    ROLE,
    BookContents,
    cite_text,
    for_lab,
    from_lab,
    lab_markdown,
    references,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _markdown_texts(nb) -> list[tuple[str, str]]:
    """(where, text) of every markdown cell and every markdown output."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found.append((f"cell {i}", cell.source))
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown")
            if text:
                found.append((f"cell {i} output", "".join(text)))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_lab_shows_no_role_it_cannot_resolve(path):
    nb = _read(path)
    shown = for_lab(copy.deepcopy(nb), references())
    left = [f"{where}: {sorted(set(ROLE.findall(text)))}"
            for where, text in _markdown_texts(shown) if ROLE.search(text)]
    assert not left, f"{path.name}: roles JupyterLab would show unresolved: {left}"
    first = next(c for c in shown.cells if c.cell_type == "markdown")
    assert first.source.startswith(FRONT_MATTER)
    assert [c for c in shown.cells if c.cell_type == "code"] == [
        c for c in nb.cells if c.cell_type == "code"]
    assert not [i for i, c in enumerate(nb.cells) if MARKUP in c.metadata], (
        f"{path.name}: cells saved with the lab's {MARKUP!r}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_saving_what_the_lab_shows_gives_the_file_back(path):
    nb = _read(path)
    shown = for_lab(copy.deepcopy(nb), references())
    assert from_lab(shown, references()) == nb


def test_citations_read_as_on_the_site():
    refs = references()
    assert set(refs) == set(parse_file(str(BIB), bib_format="bibtex").entries)
    assert cite_text("p", "kingma2014", refs) == "[Kingma and Welling, 2014]"
    assert cite_text("p", "ko-blundell2015", refs) == "[Blundell et al., 2015]"
    assert cite_text("t", "vink2019", refs) == "Vink [2019]"
    assert cite_text("t", "seunghan96bnn", refs) == "seunghan96 [n.d.]"
    assert cite_text("p", "walkthrough", refs) == "[Variational Inference, n.d.]"
    # several keys: in the bibliography's order, as sphinxcontrib-bibtex lists them
    assert cite_text("p", "vovk2005,lei2018", refs) == (
        "[Lei et al., 2018, Vovk et al., 2005]")
    assert references(ROOT / "no-such.bib") == {}
    assert cite_text("p", "kingma2014", {}) == "[kingma2014]"


def test_terms_read_as_their_text():
    source = ("The {term}`likelihood` and the {term}`targets <target>`, "
              "{term}`가우스 분포 <Gaussian>`; {cite:p}`kingma2014`.\n\n$$\nx\n$$\n")
    assert lab_markdown(source, references()) == (
        "The likelihood and the targets, 가우스 분포; "
        r"\[Kingma and Welling, 2014\]." "\n\n$$\nx\n$$\n")
    assert lab_markdown("# Title", {}, first=True) == FRONT_MATTER + "# Title"
    # markup characters in a term stay text
    assert lab_markdown("{term}`a_b*c`", {}) == r"a\_b\*c"


def test_an_edited_cell_keeps_the_readers_text():
    nb = _read(ROOT / "notebooks/en/02-train-and-models.ipynb")
    shown = for_lab(copy.deepcopy(nb), references())
    first = next(c for c in shown.cells if c.cell_type == "markdown")
    first.source += "\n\nA note of mine."
    cited = next(c for c in shown.cells if c.cell_type == "markdown"
                 and r"\[Kingma and Welling, 2014\]" in c.source)
    cited.source = cited.source.replace("reparameterisation", "reparametrisation")
    saved = from_lab(copy.deepcopy(shown), references())
    by_id = {c.id: c for c in saved.cells}
    assert by_id[first.id].source == first.source[len(FRONT_MATTER):]
    assert by_id[cited.id].source == cited.source
    assert not [c for c in saved.cells if MARKUP in c.metadata]
    untouched = [c for c in saved.cells if c.id not in (first.id, cited.id)]
    assert untouched == [c for c in nb.cells if c.id not in (first.id, cited.id)]
    # a cell the reader wrote: nothing to put back
    new = nbformat.v4.new_markdown_cell(FRONT_MATTER + "Mine, with \\[brackets\\].")
    assert from_lab(nbformat.v4.new_notebook(cells=[new]), references()).cells[
        0].source == "Mine, with \\[brackets\\]."


def test_the_contents_manager_opens_and_saves_through_the_rewrite(tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))  # its trust db
    source = ROOT / "notebooks/ko/02-train-and-models.ipynb"
    (tmp_path / "ch.ipynb").write_bytes(source.read_bytes())
    manager = BookContents(root_dir=str(tmp_path))

    async def round_trip():
        model = await manager.get("ch.ipynb")
        shown = "\n".join(c["source"] for c in model["content"]["cells"]
                          if c["cell_type"] == "markdown")
        model["content"] = json.loads(json.dumps(model["content"]))  # as sent
        await manager.save(copy.deepcopy(model), "ch.ipynb")
        await manager.save(model, "saved-as.ipynb")  # File > Save Notebook As
        await manager.copy("ch.ipynb", "copied.ipynb")  # Duplicate: get, then save
        return shown

    shown = asyncio.run(round_trip())
    assert "{term}" not in shown and "{cite" not in shown
    # brackets escaped: "[Who, Year](" must not read as a link
    assert r"\[Kingma and Welling, 2014\]" in shown and shown.startswith(FRONT_MATTER)
    for name in ("ch.ipynb", "saved-as.ipynb", "copied.ipynb"):
        assert _read(tmp_path / name) == _read(source), name


def test_the_site_writes_the_citations_the_lab_shows():
    """Every chapter page of the built sites holds each of its citations' texts,
    and numbers no equation (Sphinx's ``eqno``), as the lab numbers none."""
    if not (SITE / "en").is_dir():
        pytest.skip("no built site: `make book` first")
    refs, missing = references(), []
    for path in NOTEBOOKS:
        lang = path.parent.name
        page = SITE / lang / "notebooks" / lang / f"{path.stem}.html"
        if not page.is_file():
            continue
        source = page.read_text(encoding="utf-8")
        if 'class="eqno"' in source:
            missing.append(f"{page.relative_to(SITE)}: a numbered equation")
        text = html.unescape(re.sub(r"<[^>]+>", "", source))
        for cell in _read(path).cells:
            if cell.cell_type != "markdown" or "remove-cell" in cell.metadata.get("tags", []):
                continue
            for m in CITE.finditer(cell.source):
                if cite_text(m.group(1), m.group(2), refs) not in text:
                    missing.append(f"{page.relative_to(SITE)}: {m.group(0)}")
    assert not missing, f"the lab and the site differ: {missing}"
