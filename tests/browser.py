"""Chromium for the browser checks: where to find it, how to start it, what to
do without it, and how to tell Hangul drawn as boxes. Used by test_site and test_lab.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

REQUIRE = os.environ.get("VI_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "install Chromium to run the browser checks of the site: "
    "`sudo apt-get install chromium` (Debian), `sudo snap install chromium` (Ubuntu), "
    "or `.venv/bin/python -m playwright install chromium` (any system); or point "
    "VI_CHROMIUM at a Chromium/Chrome binary"
)


def missing(why: str) -> None:
    """Skip, or fail where the checks must run (CI)."""
    if REQUIRE:
        pytest.fail(f"{why} (VI_REQUIRE_BROWSER=1: this must not be skipped)")
    pytest.skip(why)


def chromium() -> str | None:
    """A Chromium binary: VI_CHROMIUM, the system's, or Playwright's own download."""
    candidates = [os.environ.get("VI_CHROMIUM"), "/usr/bin/chromium"]
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    candidates += [shutil.which(n) for n in names]
    found = next((c for c in candidates if c and Path(c).is_file()), None)
    if found is None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                found = pw.chromium.executable_path
        except Exception:  # no playwright, or no browser downloaded
            return None
    return found if found and Path(found).is_file() else None


KOREAN_FONT = re.compile(
    r"^Noto Sans KR|CJK|KR\b|Gothic|Nanum|Malgun|Apple SD|Gulim|Dotum|Batang|Pretendard"
)

# Marks one rendered element per distinct font (family, weight, style) among those
# with Hangul in their own text; returns how many Hangul characters each holds.
MARK_HANGUL_JS = """() => {
  const seen = new Set(), counts = [];
  const hangul = /[\\uac00-\\ud7a3\\u3131-\\u318e]/g;
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3)
                                  .map(n => n.textContent).join('');
    const n = (own.match(hangul) || []).length;
    if (!n || !el.getClientRects().length) continue;
    // not drawn: inside a closed dropdown, or MathJax's or KaTeX's copy for
    // screen readers (clipped to a pixel)
    if (el.closest('details:not([open]), mjx-assistive-mml, .katex-mathml')) continue;
    const st = getComputedStyle(el);
    if (st.visibility !== 'visible') continue;
    const key = [st.fontFamily, st.fontWeight, st.fontStyle].join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    el.setAttribute('data-vi-hangul', counts.length);
    counts.push([n, el.tagName.toLowerCase() + ' ' + own.trim().slice(0, 30), key]);
  }
  return counts;
}"""


def hangul_without_font(context, page) -> list[str]:
    """Elements whose Hangul Chromium drew with no Korean font (that is, boxes).

    One element per font style is asked: CSS.getPlatformFontsForNode tells which
    fonts drew how many glyphs of an element's own text.
    """
    marked = page.evaluate(MARK_HANGUL_JS)
    if not marked:
        return []
    problems = []
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = cdp.send(
            "DOM.querySelectorAll", {"nodeId": root, "selector": "[data-vi-hangul]"}
        )["nodeIds"]
        for node in nodes:
            attrs = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
            index = int(attrs[attrs.index("data-vi-hangul") + 1])
            n_hangul, what, style = marked[index]
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            korean = sum(
                f["glyphCount"] for f in fonts if KOREAN_FONT.search(f["familyName"])
            )
            if korean < n_hangul:
                used = ", ".join(
                    f"{f['familyName']} ({f['glyphCount']})" for f in fonts
                )
                problems.append(
                    f"Hangul drawn without a Korean font in <{what}> ({style}): {used}"
                )
    finally:
        cdp.detach()
    return problems
