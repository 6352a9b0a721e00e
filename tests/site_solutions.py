"""Answers stay hidden on the built site until their toggle is clicked.

For test_site.py: on a chapter page loaded in Playwright, :func:`solution_problems`
checks every solution against the chapter's notebook. A solution code cell (tag
``solution``, and ``hide-cell`` so that MyST-NB wraps source *and* output in one
``<details>``) shows neither its code nor its output on load, has its toggle
labelled in the page's language, and shows both once the toggle is clicked. A
written answer (a ``{dropdown}``) is closed on load and open after a click.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Per solution cell of the page: is its source / output drawn, and its toggle's text.
# checkVisibility: the content of a closed <details> keeps its boxes in Chromium
# (content-visibility: hidden), so getClientRects alone would call it drawn.
CELLS_JS = """() => [...document.querySelectorAll('div.cell.tag_solution')].map(c => {
  const drawn = sel => [...c.querySelectorAll(sel)].some(e => e.checkVisibility(
    {visibilityProperty: true}) && e.getClientRects().length > 0);
  const summary = c.querySelector('summary');
  return {
    source: drawn('.cell_input pre'),
    output: drawn('.cell_output > *'),
    has_output: !!c.querySelector('.cell_output > *'),
    toggle: summary ? summary.innerText.trim() : null,
  };
})"""

DROPDOWNS_JS = """() => [...document.querySelectorAll('details.sd-dropdown')].map(d => ({
  open: d.open,
  drawn: [...d.querySelectorAll('.sd-summary-content > *')].some(
    e => e.checkVisibility({visibilityProperty: true}) && e.getClientRects().length > 0),
}))"""


def solutions_of(notebook: Path | str) -> tuple[int, int]:
    """(solution code cells, written solutions) of a chapter notebook."""
    nb = nbformat.read(notebook, as_version=4)
    code = written = 0
    for cell in nb.cells:
        if "solution" in cell.get("metadata", {}).get("tags", []):
            if cell.cell_type == "code":
                code += 1
            else:
                written += 1
    return code, written


def solution_problems(page, notebook: Path | str, lang: str) -> list[str]:
    """What gives an answer away on ``page`` (the built ``notebook``), as sentences.

    Clicks every toggle it checks, so run it last on a page (or reload after).
    """
    code, written = solutions_of(notebook)
    problems = []
    cells = page.evaluate(CELLS_JS)
    if len(cells) != code:
        problems.append(f"{len(cells)} solution code cells on the page, {code} in "
                        f"{Path(notebook).name} (is each one tagged hide-cell?)")
    for i, cell in enumerate(cells):
        name = f"solution code cell {i + 1}"
        if cell["toggle"] is None:
            problems.append(f"{name} has no toggle")
            continue
        if cell["source"] or cell["output"]:
            shown = [w for w in ("source", "output") if cell[w]]
            problems.append(f"{name} shows its {' and '.join(shown)} on load")
        if cell["toggle"].startswith("Show code cell"):
            problems.append(f"{name}: MyST-NB's default toggle text {cell['toggle']!r}")
        elif lang == "ko" and not HANGUL.search(cell["toggle"]):
            problems.append(f"{name}: toggle text not in Korean: {cell['toggle']!r}")
        page.locator("div.cell.tag_solution").nth(i).locator("summary").first.click()
    page.wait_for_timeout(300)
    for i, cell in enumerate(page.evaluate(CELLS_JS)):
        missing = [w for w in ("source", "output")
                   if not cell[w] and (w == "source" or cell["has_output"])]
        if missing:
            problems.append(f"solution code cell {i + 1}: its {' and '.join(missing)} "
                            "not shown after a click on its toggle")

    dropdowns = page.evaluate(DROPDOWNS_JS)
    if len(dropdowns) < written:
        problems.append(f"{len(dropdowns)} dropdowns on the page, {written} written "
                        "solutions in the notebook")
    for i, box in enumerate(dropdowns):
        if box["open"] or box["drawn"]:
            problems.append(f"dropdown {i + 1} is open on load")
        page.locator("details.sd-dropdown").nth(i).locator("summary").first.click()
    page.wait_for_timeout(300)
    for i, box in enumerate(page.evaluate(DROPDOWNS_JS)):
        if not (box["open"] and box["drawn"]):
            problems.append(f"dropdown {i + 1} does not open on a click")
    return problems
