"""Each exercise's answer sits behind one toggle on the built site, closed on load.

For test_site.py: on a chapter page loaded in Playwright, :func:`solution_problems`
checks the answers against the chapter's notebook. Each exercise has one toggle
(the written answer's ``{dropdown}``, into which book/_ext/vi_site.py moves the
solution code cell): labelled in the page's language, closed on load with neither
the code, its output nor the prose drawn, and showing all three once clicked. No
other toggle (MyST-NB's "Show code cell") hides a solution.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

LABEL = {"en": re.compile(r"^Solution \d+\.\d+"), "ko": re.compile(r"^풀이 \d+\.\d+")}

# Per answer toggle of the page: open or not, its label, and what of it is drawn.
# checkVisibility: the content of a closed <details> keeps its boxes in Chromium
# (content-visibility: hidden), so getClientRects alone would call it drawn.
TOGGLES_JS = """() => [...document.querySelectorAll('article details.sd-dropdown')].map(d => {
  const drawn = sel => [...d.querySelectorAll(sel)].some(e => e.checkVisibility(
    {visibilityProperty: true}) && e.getClientRects().length > 0);
  return {
    open: d.open,
    label: d.querySelector('summary').innerText.trim(),
    code: !!d.querySelector('div.cell.tag_solution .cell_input'),
    output: !!d.querySelector('div.cell.tag_solution .cell_output > *'),
    code_drawn: drawn('div.cell.tag_solution .cell_input pre'),
    output_drawn: drawn('div.cell.tag_solution .cell_output > *'),
    prose_drawn: drawn('.sd-summary-content > p'),
    inner_toggles: d.querySelectorAll('details details').length
      + d.querySelectorAll('details.hide').length,
  };
})"""

STRAY_JS = """() => [...document.querySelectorAll('div.cell.tag_solution')]
  .filter(c => !c.closest('details.sd-dropdown')).length"""


def exercises_of(notebook: Path | str) -> int:
    """How many exercises a chapter notebook has (cells tagged ``exercise``)."""
    nb = nbformat.read(notebook, as_version=4)
    return sum("exercise" in c.get("metadata", {}).get("tags", []) for c in nb.cells)


def solution_problems(page, notebook: Path | str, lang: str) -> list[str]:
    """What is wrong with the answers on ``page`` (the built ``notebook``).

    Clicks every toggle it checks, so run it last on a page (or reload after).
    """
    expected = exercises_of(notebook)
    problems = []
    toggles = page.evaluate(TOGGLES_JS)
    if len(toggles) != expected:
        problems.append(f"{len(toggles)} answer toggles on the page, {expected} "
                        f"exercises in {Path(notebook).name}")
    stray = page.evaluate(STRAY_JS)
    if stray:
        problems.append(f"{stray} solution code cells outside an answer's toggle")
    for i, box in enumerate(toggles):
        name = f"answer {i + 1} ({box['label']!r})"
        if not LABEL[lang].match(box["label"]):
            problems.append(f"{name}: label not in the page's language ({lang})")
        if not box["code"]:
            problems.append(f"{name}: holds no solution code")
        if box["inner_toggles"]:
            problems.append(f"{name}: a toggle inside the toggle")
        if box["open"] or box["code_drawn"] or box["output_drawn"] or box["prose_drawn"]:
            problems.append(f"{name}: open or drawn on load")
        page.locator("article details.sd-dropdown").nth(i).locator("summary").first.click()
    page.wait_for_timeout(300)
    for i, box in enumerate(page.evaluate(TOGGLES_JS)):
        shown = {"code": box["code_drawn"], "prose": box["prose_drawn"],
                 "output": box["output_drawn"] or not box["output"]}
        missing = [what for what, ok in shown.items() if not ok]
        if not box["open"] or missing:
            problems.append(f"answer {i + 1}: after a click its {', '.join(missing)} "
                            "not shown")
    return problems
