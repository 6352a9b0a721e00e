"""The built sites (`_build/html/en`, `_build/html/ko` and the landing page), checked
the way a reader sees them.

* no load from the internet in any built HTML, CSS or JS (offline workshop rooms);
* no broken internal link or anchor, across the two sites included;
* figures numbered per chapter in the page's language, each once; glossary anchors
  named by the term, and every term link of a chapter on the right entry of its
  own site's glossary; the two languages' pages have the same sections;
* in headless Chromium, with every request outside a local server blocked: each
  page of each site's table of contents has its title, ``<html lang>``, the theme's
  labels in its language, a sidebar of its own site's pages only, rendered math,
  tables, loaded images, Hangul in a real font, one closed toggle per exercise, a
  language switch that opens the same section of the other page, a live static
  explorer, and no console error. A screenshot of each page goes to
  ``screenshots/`` (not committed);
* from ``file://`` with every request blocked, both sites render math, Korean text
  and the playground.

Run ``make book`` first. Without Chromium the browser tests are skipped with a note
on how to install it, and a site built without npm (MathJax & co from CDNs, see
tools/fetch_assets.py) skips the offline and browser checks; with
``VI_REQUIRE_BROWSER=1`` (set by ``.ci/run``) each of these is a failure instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from book._ext.korean_search import SearchKorean
from book._ext.vi_site import term_id
from tests.browser import (
    CHROMIUM_FLAGS,
    INSTALL_HINT,
    chromium,
    hangul_without_font,
    missing,
)
from tests.site_helpers import (
    ROOT,
    SITE,
    Page,
    all_pages,
    broken_internal_links,
    internet_loads,
    parse_html,
    site_pages,
)
from tests.site_solutions import solution_problems
from tools import offline_assets
from tools.book import LANGS, NUMFIG_FORMAT, site_root_page
from tools.serve import serve

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the browser tests skip (or fail under VI_REQUIRE_BROWSER)
    PlaywrightTimeout = TimeoutError

SCREENSHOTS = ROOT / "screenshots"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
PAGE_TIMEOUT_MS = 20_000
H1 = "article h1"  # the page's title (another h1, print-only, sits above it)


def _site() -> Path:
    built = [(SITE / lang / "index.html").is_file() for lang in LANGS]
    if not (SITE / "index.html").is_file() or not all(built):
        missing("no built sites in _build/html/{en,ko}: run make book first")
    return SITE


def _assets_mode(site: Path) -> str:
    """'offline' or 'cdn': how `make book` provided MathJax & co (vi_site meta tag)."""
    text = (site / site_root_page("en")).read_text(encoding="utf-8")
    found = re.search(r'<meta name="vi-assets" content="(\w+)"', text)
    return found.group(1) if found else "unknown"


def _need_offline_build(site: Path) -> None:
    mode = _assets_mode(site)
    if mode != "offline":
        missing(
            f"the site was built with assets from CDNs (vi-assets={mode}): npm was "
            "missing when `make book` ran; install Node.js/npm and rebuild"
        )


# ------------------------------------------------------------- static file checks
def test_site_loads_nothing_from_the_internet():
    site = _site()
    _need_offline_build(site)
    loads = internet_loads(site)
    assert not loads, "the built site loads from the internet:\n" + "\n".join(loads)


def test_offline_assets_are_in_the_site():
    site = _site()
    _need_offline_build(site)
    for lang in LANGS:
        for rel in offline_assets.LOCAL.values():
            assert (site / lang / "_static" / rel).is_file(), f"{lang}/_static/{rel}"


def test_no_broken_internal_links():
    problems = broken_internal_links(_site())
    assert not problems, f"{len(problems)} broken internal links:\n" + "\n".join(
        problems[:50]
    )


CAPTION_NUMBER = re.compile(r'<span class="caption-number">([^<]*)</span>')


def figure_numbering_problems(page: Page, text: str) -> list[str]:
    """A chapter's figures: numbered N.1, N.2, ... in the page's language
    ("Figure 7.2", "그림 7.2"), captioned, described, and numbered once (no second
    number written in the text under a figure)."""
    word = NUMFIG_FORMAT[page.lang]["figure"].replace(" %s", "")
    chapter = int(Path(page.name).name[:2])
    figures = re.findall(r"<figure.*?</figure>", text, re.S)
    outputs = re.findall(r'<img[^>]*src="[^"]*_images/[^"]*"[^>]*>', text)
    problems = []
    if len(figures) != len(outputs):
        problems.append(f"{len(outputs)} output images, {len(figures)} captioned")
    for k, fig in enumerate(figures, 1):
        number = CAPTION_NUMBER.search(fig)
        want = f"{word} {chapter}.{k}"
        if not number or number.group(1).strip() != want:
            problems.append(f"figure {k}: {number and number.group(1)!r}, not {want!r}")
        alt = re.search(r'<img[^>]*alt="([^"]*)"', fig)
        if not alt or len(alt.group(1)) <= 20:
            problems.append(f"figure {k}: no description (alt)")
    body = CAPTION_NUMBER.sub("", text)
    twice = re.findall(r"<strong>\s*(?:Fig\.|Figure|그림)\s*\d+(?:\.\d+)?", body)
    if twice:
        problems.append(f"a figure numbered a second time in the text: {twice}")
    return problems


def _chapters(lang: str) -> list[Page]:
    return [p for p in site_pages(lang) if p.name.startswith("notebooks/")]


@pytest.mark.parametrize("lang", LANGS)
def test_figures_are_numbered_per_chapter_in_the_pages_language(lang):
    site = _site()
    problems = []
    for page in _chapters(lang):
        text = (site / page.html).read_text(encoding="utf-8")
        problems += [f"{page.html}: {p}" for p in figure_numbering_problems(page, text)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_the_sidebar_numbers_each_chapter_once(lang):
    """The table of contents numbers the chapters (so that figures number per
    chapter); the sidebar shows "Chapter 7 · ..." / "7장 · ...", not "7. Chapter 7"."""
    site = _site()
    twice = re.compile(r'toctree-l1[^>]*><a [^>]*>\s*\d+\. (?:Chapter \d+|\d+장)')
    once = re.compile(r'toctree-l1[^>]*><a [^>]*>\s*(?:Chapter 7|7장) ·')
    for page in site_pages(lang):
        text = (site / page.html).read_text(encoding="utf-8")
        assert not twice.search(text), page.html
        assert once.search(text), page.html


def test_korean_sections_are_named_by_their_titles():
    """docutils numbers a heading without ASCII letters (#id5); the Korean pages
    name them after their titles, so a shared link says where it leads."""
    site = _site()
    for page in _chapters("ko"):
        text = (site / page.html).read_text(encoding="utf-8")
        ids = re.findall(r'<section[^>]* id="([^"]+)"', text)
        assert ids and not [i for i in ids if re.fullmatch(r"id\d+", i)], (page.html, ids)
    text = (site / "ko/notebooks/ko/07-other-roads.html").read_text(encoding="utf-8")
    assert 'id="3-영역별-표"' in text and 'href="#3-영역별-표"' in text


def test_the_figure_check_catches_a_second_number_and_a_shared_count():
    page = Page("ko", "notebooks/ko/07-other-roads")
    good = ('<figure><img alt="a description of the figure, long enough" '
            'src="../../_images/a.png"><figcaption><span class="caption-number">'
            '그림 7.1 </span></figcaption></figure>')
    assert figure_numbering_problems(page, good) == []
    twice = good + "<p><strong>그림 7.1.</strong> 학습 점</p>"
    assert figure_numbering_problems(page, twice)
    across = good.replace("그림 7.1", "그림 46")  # numbered across the whole book
    assert figure_numbering_problems(page, across)
    english = good.replace("그림 7.1", "Figure 7.1")  # not the page's language
    assert figure_numbering_problems(page, english)


def test_every_page_of_each_site_was_built_and_has_a_counterpart():
    site = _site()
    pages = all_pages()
    not_built = [p.html for p in pages if not (site / p.html).is_file()]
    assert not not_built, f"pages of book/<lang>/_toc.yml not built: {not_built}"
    lonely = [p.html for p in pages if p.counterpart() is None]
    assert not lonely, f"pages without a counterpart in the other language: {lonely}"
    other = {lang: [n for n in (site / lang / "notebooks").glob("*/")] for lang in LANGS}
    assert [d.name for d in other["en"]] == ["en"] and [d.name for d in other["ko"]] == [
        "ko"], f"a site holds the other language's chapters: {other}"


# ------------------------------------------------------------------ sections
SECTION = re.compile(r"<section\b[^>]*\bid=\"([^\"]+)\"|</section>")


def section_shape(text: str) -> list[int]:
    """The depth of each ``<section>`` of the article, in document order."""
    article = text[text.index("<article"):text.index("</article>")]
    depth, shape = 0, []
    for match in SECTION.finditer(article):
        if match.group(1) is None:
            depth -= 1
        else:
            depth += 1
            shape.append(depth)
    return shape


def test_both_languages_have_the_same_sections():
    """The language switch opens the section with the same index on the other
    page: that needs the same sections, in the same order and nesting."""
    site = _site()
    problems = []
    for page in site_pages("en"):
        other = Page("ko", page.counterpart())
        en = section_shape((site / page.html).read_text(encoding="utf-8"))
        ko = section_shape((site / other.html).read_text(encoding="utf-8"))
        if en != ko:
            problems.append(f"{page.html} {en} vs {other.html} {ko}")
    assert not problems, "sections differ:\n" + "\n".join(problems)


# ------------------------------------------------------------------ the glossary
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
TERM_LINK = re.compile(
    r'<a class="reference internal" href="([^"]*)"><span class="xref std std-term">')


def term_roles(notebook: Path) -> list[str]:
    """The target of every {term} role of a notebook's markdown, in order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for role in TERM_ROLE.findall("".join(cell["source"])):
                target = re.search(r"<([^<>]+)>\s*$", role)
                found.append((target[1] if target else role).strip())
    return found


def glossary_link_problems(site: Path, page: Page) -> list[str]:
    """Each {term} link of a chapter: to its own site's glossary, on the entry of
    the term it names."""
    text = (site / page.html).read_text(encoding="utf-8")
    roles = term_roles(ROOT / f"{page.name}.ipynb")
    links = TERM_LINK.findall(text)
    if len(links) != len(roles):
        return [f"{len(links)} term links, {len(roles)} {{term}} roles"]
    glossary = Page(page.lang, f"book/{page.lang}/glossary")
    terms = glossary_terms(site / glossary.html)
    problems = []
    for role, href in zip(roles, links):
        target, _, anchor = href.partition("#")
        path = (site / page.html).parent / target
        if path.resolve() != (site / glossary.html).resolve():
            problems.append(f"{role!r} -> {href} (not {glossary.html})")
        elif terms.get(anchor, "").lower() != role.lower():
            problems.append(f"{role!r} -> #{anchor}, the entry of {terms.get(anchor)!r}")
    return problems


def glossary_terms(path: Path) -> dict[str, str]:
    """{anchor: term} of a glossary page's terms."""
    text = path.read_text(encoding="utf-8")
    return {
        anchor: re.sub(r"<[^>]+>", "", term).strip()
        for anchor, term in re.findall(r'<dt id="([^"]+)">(.*?)<a class="headerlink',
                                       text, re.S)
    }


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_links_land_on_the_entry_of_their_sites_glossary(lang):
    site = _site()
    problems = []
    for page in _chapters(lang):
        problems += [f"{page.html}: {p}" for p in glossary_link_problems(site, page)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_anchors_are_named_by_the_term(lang):
    terms = glossary_terms(_site() / lang / "book" / lang / "glossary.html")
    assert len(terms) > 100, f"{len(terms)} terms: has the page's markup changed?"
    numbered = [a for a in terms if re.fullmatch(r"term-\d+", a)]
    assert not numbered, f"numbered anchors: {numbered[:5]}"
    assert terms.get(term_id("변분 추론")) == "변분 추론"
    assert terms.get("term-변분-추론") == "변분 추론"


def test_the_glossary_check_catches_a_link_to_the_wrong_entry(tmp_path):
    site = _site()
    page = Page("ko", "notebooks/ko/04-is-the-band-right")
    copy = tmp_path / page.html
    copy.parent.mkdir(parents=True)
    glossary = tmp_path / "ko" / "book" / "ko" / "glossary.html"
    glossary.parent.mkdir(parents=True)
    glossary.write_text((site / "ko/book/ko/glossary.html").read_text(encoding="utf-8"))
    text = (site / page.html).read_text(encoding="utf-8")
    first = TERM_LINK.search(text)
    wrong = text[: first.start(1)] + "../../book/ko/glossary.html#term-시드" + text[
        first.end(1):]
    copy.write_text(wrong, encoding="utf-8")
    assert glossary_link_problems(site, page) == []
    assert len(glossary_link_problems(tmp_path, page)) == 1


# ------------------------------------------------------------------ landing page
def test_landing_page_offers_both_languages_with_hreflang():
    site = _site()
    doc = parse_html(site / "index.html")
    alternates = {href for rel, href in doc.link_rels if rel == "alternate"}
    assert alternates == {site_root_page(lang) for lang in LANGS}
    text = (site / "index.html").read_text(encoding="utf-8")
    for lang in LANGS:
        assert f'hreflang="{lang}"' in text and (site / site_root_page(lang)).is_file()
    assert not [u for _, _, u in doc.refs if re.match(r"^(https?:)?//", u)]


# ------------------------------------------------------------------ the browser
@pytest.fixture(scope="module")
def browser_site():
    """(context, base URL, blocked requests) with Chromium on a local server."""
    site = _site()
    executable = chromium()
    if executable is None:
        missing(f"Chromium not found: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.txt
        missing("playwright is not installed: `make venv` (requirements.txt)")
    _need_offline_build(site)  # a CDN build cannot pass with the internet blocked
    SCREENSHOTS.mkdir(exist_ok=True)
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            locale="en-US",
            service_workers="block",
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        blocked: list[str] = []

        def block(r):
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

        # Every URL outside the local server is aborted. The pattern is matched in
        # the browser driver, so local requests are not routed through Python.
        outside = re.compile(rf"^(?!{re.escape(base)}|data:|blob:|about:)")
        context.route(outside, block)
        try:
            yield context, base, blocked
        finally:
            context.close()
            browser.close()


PAGES = all_pages()


def _wait_ready(page) -> None:
    """After `load`: MathJax typeset, web fonts and widgets rendered."""
    page.evaluate(
        """async () => {
          if (window.MathJax && MathJax.startup && MathJax.startup.promise)
            await MathJax.startup.promise;
          await document.fonts.ready;
        }"""
    )
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]')
    if views.count():
        page.wait_for_function(
            """n => document.querySelectorAll('.jupyter-widgets, .widget-container,'
                 + ' .jupyter-widget').length >= n""",
            arg=views.count(),
        )


RAW_MATH_JS = """() => {
  const main = document.querySelector('main') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, textarea, mjx-container, svg, '
    + '.highlight, .MathJax, .vi-lang-switch, .headerlink').forEach(e => e.remove());
  return copy.textContent;
}"""


def _raw_math(text: str) -> list[str]:
    found = re.findall(r"\$\$.{0,40}", text)
    found += re.findall(r"\\[()\[\]].{0,40}", text)
    found += re.findall(
        r"\\(?:begin|end|frac|mathcal|mathbf|sigma|mu|sum|int|log"
        r"|exp|left|right|cdot|hat|tilde|theta|text)\b.{0,30}",
        text,
    )
    for m in re.finditer(r"\$([^$\n]{1,80})\$", text):
        if re.search(r"[\\^_{}=]|^\s*[A-Za-z]\s*$", m.group(1)):
            found.append(m.group(0))
    return found


SIGNATURE_JS = """box => [...box.querySelectorAll('canvas')].map(c => c.toDataURL()).join()
  + [...box.querySelectorAll('svg')].map(e => e.outerHTML).join()
  + [...box.querySelectorAll('img')].map(e => e.currentSrc).join()"""


def _move(control) -> None:
    """Move a slider a few steps the way a reader does, with the keyboard."""
    control.scroll_into_view_if_needed()
    at_max = control.evaluate("s => +s.value >= +s.max")
    control.focus()
    for _ in range(2):
        control.press("ArrowLeft" if at_max else "ArrowRight")


def _check_explorers(page) -> list[str]:
    """Each static explorer (vi_explorer.static_explorer) redraws on every control;
    any other range slider on the page must change a figure next to it."""
    problems = []
    explorers = page.locator("main [data-vi-explorer]")
    for k in range(explorers.count()):
        box = explorers.nth(k)
        figure = box.locator("svg[data-role=figure]")
        if figure.count() != 1:
            problems.append(f"explorer {k}: no svg[data-role=figure]")
            continue
        controls = box.locator("input[type=range], select")
        if controls.count() == 0:
            problems.append(f"explorer {k}: no sliders")
        for i in range(controls.count()):
            control = controls.nth(i)
            role = control.get_attribute("data-role") or f"control {i}"
            before = (
                figure.evaluate("e => e.outerHTML"),
                figure.get_attribute("data-state"),
            )
            if control.evaluate("e => e.tagName") == "SELECT":
                values = control.evaluate("e => [...e.options].map(o => o.value)")
                current = control.input_value()
                other = next((v for v in values if v != current), None)
                if other is None:
                    continue
                control.select_option(other)
            else:
                _move(control)
            after = (
                figure.evaluate("e => e.outerHTML"),
                figure.get_attribute("data-state"),
            )
            if after[0] == before[0]:
                problems.append(
                    f"explorer {k}: moving {role} did not redraw the figure"
                )
            elif after[1] == before[1]:
                problems.append(f"explorer {k}: {role} left data-state at {after[1]!r}")
    sliders = page.locator("main input[type=range]")
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        if slider.evaluate("s => !!s.closest('[data-vi-explorer]')"):
            continue
        near = slider.evaluate_handle(
            """s => { let b = s.parentElement;
                      while (b && b !== document.body
                             && !b.querySelector('canvas, svg, img')) b = b.parentElement;
                      return b; }"""
        )
        before = page.evaluate(f"({SIGNATURE_JS})", near)
        _move(slider)
        if page.evaluate(f"({SIGNATURE_JS})", near) == before:
            problems.append(f"slider {i} did not change the figure near it")
    return problems


def _figure_legibility(page) -> list[str]:
    """Every notebook figure as displayed: crisp (its natural size at least its
    displayed size) and with tick labels at least about 12 CSS pixels tall.

    The figures are drawn ``vh.use_language``'s way: ``figure.dpi`` 100, at twice
    the pixels (retina), so the width myst-nb sets in the image's style is the
    figure's width in inches times 100, and a label of p points is
    p/72 · 100 · shown/width CSS px. The figure must also keep its aspect ratio.
    """
    from vi_helpers.i18n import FIGURE_STYLE

    points = min(FIGURE_STYLE["xtick.labelsize"], FIGURE_STYLE["ytick.labelsize"])
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.cell_output img')].map(i => ({
              src: i.getAttribute('src'), natural: i.naturalWidth,
              attr: parseFloat(i.style.width) || +i.getAttribute('width')
                    || i.naturalWidth / 2,
              ratio: i.naturalWidth / i.naturalHeight,
              shown: i.getBoundingClientRect().width,
              shownRatio: i.getBoundingClientRect().width
                          / i.getBoundingClientRect().height}))"""
    )
    problems = []
    for img in shown:
        if img["shown"] == 0:  # inside a closed solution toggle
            continue
        if img["natural"] < img["shown"]:
            problems.append(f"{img['src']}: {img['natural']} px shown at "
                            f"{img['shown']:.0f} CSS px (blurred)")
        if abs(img["shownRatio"] / img["ratio"] - 1) > 0.02:
            problems.append(f"{img['src']}: squashed (aspect {img['shownRatio']:.2f} "
                            f"shown, {img['ratio']:.2f} drawn)")
        tick_px = points / 72 * 100 * img["shown"] / img["attr"]
        if tick_px < 11.5:
            problems.append(f"{img['src']}: tick labels {tick_px:.1f} CSS px tall")
    return problems


THEME_JS = """() => {
  const chrome = [...document.querySelectorAll('.bd-header-article, .bd-sidebar-primary'
    + ' .sidebar-primary-items__start > :not(nav), .bd-search, .search-button-field,'
    + ' .prev-next-subtitle, .bd-footer-article, .bd-footer, .onthispage,'
    + ' .skip-link, .theme-switch-button,'
    + ' .component-author, .sidebar-primary-item .bd-docs-nav > p.caption')];
  const out = [];
  for (const el of chrome) {
    for (const e of [el, ...el.querySelectorAll('*')]) {
      if (e.closest('.vi-lang-switch, .prev-next-title, .bd-toc-nav,'
                    + ' .header-article-item .dropdown-menu a')) continue;
      for (const a of ['title', 'aria-label', 'placeholder']) {
        const v = e.getAttribute(a);
        if (v) out.push(v.trim());
      }
      for (const n of e.childNodes)
        if (n.nodeType === 3 && n.textContent.trim()) out.push(n.textContent.trim());
    }
  }
  return [...new Set(out)];
}"""
#: Words of the theme that may stay as they are on the Korean site: key names, file
#: types, and two aria-labels sphinx-book-theme writes in English in its templates
#: (nav "Main", "Page"; not shown, read by screen readers).
THEME_WORDS_ANY_LANGUAGE = {"Ctrl", "K", ".ipynb", ".pdf", "Main", "Page"}


def _theme_label_problems(page, lang: str) -> list[str]:
    """The theme's own words (search, navigation, toggles, footer) in ``lang``."""
    labels = [w for w in page.evaluate(THEME_JS) if w not in THEME_WORDS_ANY_LANGUAGE]
    if lang == "ko":
        wrong = [w for w in labels if re.search(r"[A-Za-z]{3,}", w)
                 and not HANGUL.search(w) and w != "PDF로 인쇄"]
    else:
        wrong = [w for w in labels if HANGUL.search(w)]
    return [f"theme labels not in {lang}: {wrong}"] if wrong else []


def _sidebar_problems(page, base: str, page_info: Page) -> list[str]:
    """The sidebar lists this site's pages, and only them."""
    hrefs = page.evaluate(
        """() => [...document.querySelectorAll('.bd-sidebar-primary nav a[href]')]
                  .map(a => a.href.split('#')[0])""")
    site = base + f"{page_info.lang}/"
    outside = sorted({h for h in hrefs if not h.startswith(site)})
    listed = {h[len(site):].removesuffix(".html") for h in hrefs if h.startswith(site)}
    expected = {p.name for p in site_pages(page_info.lang)}
    problems = [f"sidebar links out of the site: {outside}"] if outside else []
    if listed - {"index"} != expected:
        problems.append(f"sidebar lists {sorted(listed ^ expected)} wrongly")
    return problems


def _term_link_lands(page, page_info: Page) -> list[str]:
    """The chapter's first glossary link, followed: the entry it names is the
    target, in this site's glossary (the others are checked without a browser)."""
    link = page.locator("main a.reference.internal:has(span.std-term)").first
    if not link.count():
        return []
    term = link.inner_text().strip()
    href = link.get_attribute("href")
    other = page.context.new_page()
    try:
        other.goto(page.url.rsplit("/", 1)[0] + "/" + href, wait_until="load")
        target = other.evaluate(
            "() => { const t = document.querySelector(':target');"
            " return t ? [t.tagName, t.textContent.trim(), location.pathname] : null; }")
    finally:
        other.close()
    want = f"/{page_info.lang}/book/{page_info.lang}/glossary.html"
    if not target or target[0] != "DT" or not target[2].endswith(want):
        return [f"glossary link {term!r} -> {href}: lands on {target}"]
    return []


SECTIONS_JS = "() => [...document.querySelectorAll('article.bd-article section[id]')]"


def _switch_keeps_the_section(page, base: str, page_info: Page, other: str) -> list[str]:
    """Scroll to a section in the page's middle, click the switch: the other page
    opens at its section with the same index."""
    switch = page.locator(".vi-lang-switch a")
    if switch.count() != 1:
        return ["no language switch (.vi-lang-switch a)"]
    page.evaluate("() => window.scrollTo(0, 0)")
    ids = page.evaluate(f"() => ({SECTIONS_JS})().map(s => s.id)")
    index = len(ids) // 2
    if index:
        page.evaluate(f"i => ({SECTIONS_JS})()[i].scrollIntoView({{behavior: 'instant'}})",
                      index)
        page.wait_for_timeout(100)
    # clicked as a reader clicks it, where it is: Playwright's own click would first
    # scroll the page to where the header bar sits in the flow, and lose the place
    page.locator(".vi-lang-switch a").evaluate("a => a.click()")
    want = base + f"{page_info.lang == 'en' and 'ko' or 'en'}/{other}.html"
    try:
        page.wait_for_url(lambda url: url.split("#")[0] == want, wait_until="load",
                          timeout=10_000)
    except PlaywrightTimeout:
        return [f"the language switch led to {page.url}, not {want}"]
    if not index:
        return []
    page.wait_for_function(
        f"i => {{ const s = ({SECTIONS_JS})()[i];"
        " return s && decodeURIComponent(location.hash) === '#' + s.id; }", arg=index, timeout=5_000)
    top = page.evaluate(f"i => ({SECTIONS_JS})()[i].getBoundingClientRect().top", index)
    if abs(top) > 150:
        return [f"the switch opened section {index} but it is {top:.0f} px from the top"]
    return []


@pytest.mark.slow
@pytest.mark.parametrize("page_info", PAGES, ids=[p.slug for p in PAGES])
def test_page_in_browser(browser_site, page_info: Page):
    context, base, blocked = browser_site
    start = time.perf_counter()
    blocked.clear()
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    try:
        root = page_info.name == site_pages(page_info.lang)[0].name
        url = base + f"{page_info.lang}/" if root else base + page_info.html
        page.goto(url, wait_until="load")
        if root:  # the site's index.html redirects to the root page
            page.wait_for_url(base + page_info.html)
            page.wait_for_load_state("load")
        _wait_ready(page)
        problems: list[str] = []

        # title and language
        title = page.title()
        h1 = page.locator(H1).first.evaluate(
            """h => { const c = h.cloneNode(true);
                      c.querySelectorAll('.headerlink, .math, mjx-container')
                       .forEach(e => e.remove());
                      return c.textContent.trim(); }"""
        )
        words = h1.split()[:3]  # math and code may read differently in <title>
        if not h1 or not all(w in title for w in words):
            problems.append(f"<title> {title!r} does not name the page ({h1!r})")
        lang = page.evaluate("document.documentElement.lang")
        if lang != page_info.lang:
            problems.append(f"<html lang={lang!r}>, expected {page_info.lang!r}")
        problems += _theme_label_problems(page, page_info.lang)
        problems += _sidebar_problems(page, base, page_info)
        main_text = page.locator("main").inner_text()
        if page_info.lang == "ko" and not HANGUL.search(main_text):
            problems.append("a Korean page without Hangul")
        if page_info.lang == "en" and not re.search(r"[A-Za-z]", h1):
            problems.append(f"an English page without an English title: {h1!r}")

        # math
        math = page.evaluate(
            """() => {
              // TeX errors, and undefined macros (MathJax's noundefined package
              // draws those in red instead of failing)
              const mathErrors = () => {
                const out = new Set();
                const doc = window.MathJax && MathJax.startup && MathJax.startup.document;
                for (const item of (doc ? doc.math : [])) {
                  item.root.walkTree(node => {
                    if (node.isKind('merror') || (node.isKind('mtext')
                        && node.attributes.get('mathcolor') === 'red'))
                      out.add(item.math.slice(0, 60));
                  });
                }
                return [...out];
              };
              const all = [...document.querySelectorAll('main .math')];
              return {n: all.length,
                      raw: all.filter(e => !e.querySelector('mjx-container'))
                              .map(e => e.textContent.slice(0, 60)),
                      errors: mathErrors()};
            }"""
        )
        if math["raw"]:
            problems.append(f"math not rendered by MathJax: {math['raw'][:5]}")
        if math["errors"]:
            problems.append(f"TeX errors: {math['errors'][:5]}")
        raw = _raw_math(page.evaluate(RAW_MATH_JS))
        if raw:
            problems.append(f"raw TeX left in the text: {raw[:5]}")

        # images
        broken = page.evaluate(
            """async () => {
              const imgs = [...document.images];
              imgs.forEach(i => { i.loading = 'eager'; });
              await Promise.all(imgs.map(i => i.decode().catch(() => null)));
              return imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                         .map(i => i.getAttribute('src'));
            }"""
        )
        if broken:
            problems.append(f"images not loaded: {broken[:5]}")
        problems += _figure_legibility(page)

        # Hangul drawn with a Korean font (the Noto Sans KR web font, or a system
        # CJK font), never boxes
        problems += hangul_without_font(context, page)

        page.screenshot(path=str(SCREENSHOTS / f"{page_info.slug}.png"), full_page=True)
        # files the server did not have (a 404 also shows as a console error,
        # without its URL)
        problems += page.evaluate(
            """() => performance.getEntriesByType('resource')
                 .filter(r => r.responseStatus >= 400)
                 .map(r => `HTTP ${r.responseStatus} ${r.name}`)"""
        )

        # the static explorer: every slider and menu redraws its figure
        problems += _check_explorers(page)

        notebook = ROOT / f"{page_info.name}.ipynb"
        if notebook.is_file():
            # what a cell prints as a table is a <table> here
            tables = page.locator("main .cell_output table").count()
            if tables < printed_tables(notebook):
                problems.append(f"{tables} tables on the page, "
                                f"{printed_tables(notebook)} printed by the cells")
            problems += _term_link_lands(page, page_info)
            # one closed toggle per exercise (it clicks them: last check on this page
            # before the language switch)
            problems += solution_problems(page, notebook, page_info.lang)

        # the language switch leads to the counterpart page, at the same section
        counterpart = page_info.counterpart()
        if counterpart is None:
            problems.append("no counterpart in the other language")
        else:
            problems += _switch_keeps_the_section(page, base, page_info, counterpart)

        problems += [f"console: {e}" for e in errors]
        problems += [f"blocked request to the internet: {u}" for u in blocked]
        assert not problems, f"{page_info.html}:\n  " + "\n  ".join(problems)
    finally:
        page.close()
    # a hang, not a speed target: chapter 6 (explorer, playground, its toggles)
    # took 25 s here at load 8
    assert time.perf_counter() - start < 45, f"{page_info.html} took too long"


def test_explorer_in_both_languages():
    """The static explorer (data-vi-explorer) is in the book in both languages."""
    site = _site()
    langs = {
        p.lang
        for p in PAGES
        if "data-vi-explorer" in (site / p.html).read_text(encoding="utf-8")
    }
    candidates = sorted(
        p.relative_to(ROOT).as_posix()
        for p in ROOT.glob("notebooks/*/*explorer*.ipynb")
    )
    assert langs == {"en", "ko"}, (
        f"the static explorer is on the pages of _toc.yml in: {sorted(langs) or 'none'}"
        + (f"; notebooks that may hold it: {candidates}" if candidates else "")
    )


# ------------------------------------------------------------- the playground
PLAYGROUND_PAGE = "{lang}/notebooks/{lang}/06-explorer.html"
Z90 = 1.6448536269514722  # the standard normal's 95 % quantile: mu ± Z90·σ is 90 %


def test_playground_in_both_languages():
    """Chapter 6 carries the playground's placeholder and its scripts, en and ko."""
    site = _site()
    for lang in ("en", "ko"):
        text = (site / PLAYGROUND_PAGE.format(lang=lang)).read_text(encoding="utf-8")
        assert "data-playground-slot" in text, lang
        assert "_static/playground/vi_playground.js" in text, lang


def _train_in_page(page, model: str, sigma: str, epochs: str) -> dict:
    """Set the playground's inputs as a reader would and wait for the run's end."""
    page.wait_for_selector("[data-playground]")
    page.select_option("[data-playground] select[name=model]", model)
    page.fill("[data-playground] input[name=epochs]", epochs)
    page.press("[data-playground] input[name=epochs]", "Enter")
    page.fill("[data-playground] input[name=sigma]", sigma)
    page.click("[data-playground] .vi-pg-train")
    page.wait_for_function(
        "() => document.querySelector('[data-playground]').dataset.state === 'done'",
        timeout=240_000)
    root = page.locator("[data-playground]")
    return {k: root.get_attribute(f"data-{k}") for k in ("epoch", "coverage", "width")}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_playground_trains_a_calibrated_band_on_the_served_page(browser_site, lang):
    """Issue 16's target in the built chapter: β-NLL at σ = 1.3 (not a grid value)
    covers 0.87–0.93 of the held-out points with a width within 10 % of 2·1.645·σ;
    the source's model at σ = 1.5 draws a band more than 2.5 times too wide."""
    context, base, blocked = browser_site
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + PLAYGROUND_PAGE.format(lang=lang))
    done = _train_in_page(page, "beta_nll", "1.3", "200")
    assert done["epoch"] == "200"
    # the slot holds the playground only: its note for JupyterLab readers is gone,
    # and the legend writes the band as the chapters do
    slot = page.locator("[data-playground-slot]").first.inner_text()
    assert "Jupyter" not in slot and "1.645·σ" in slot, slot[:300]
    assert 0.87 <= float(done["coverage"]) <= 0.93, done
    assert abs(float(done["width"]) / (2 * Z90 * 1.3) - 1) <= 0.10, done
    if lang == "en":
        wide = _train_in_page(page, "source", "1.5", "200")
        assert float(wide["width"]) > 2.5 * (2 * Z90 * 1.5), wide
    page.close()
    assert not errors and not blocked, (errors, blocked)


@pytest.mark.slow
def test_playground_trains_from_disk_without_a_network(browser_site):
    """Opened as a file (``_build/html/...`` from disk), offline, it still trains."""
    site = _site()
    served, _, _ = browser_site
    context = served.browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def block(r):
        blocked.append(r.request.url)
        r.abort("blockedbyclient")

    context.route(re.compile(r"^(?!file:|data:|blob:|about:)"), block)
    try:
        page = context.new_page()
        page.goto((site / PLAYGROUND_PAGE.format(lang="ko")).as_uri())
        done = _train_in_page(page, "beta_nll", "1.3", "200")
        assert 0.87 <= float(done["coverage"]) <= 0.93, done
        assert abs(float(done["width"]) / (2 * Z90 * 1.3) - 1) <= 0.10, done
    finally:
        context.close()
    assert not blocked, blocked


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_site_renders_from_disk_without_a_network(browser_site, lang):
    """From ``file://`` with every request blocked: the landing page leads to the
    site, whose chapter 4 has its math typeset and chapter 6 its playground, Hangul
    in a Korean font, and the language switch leads to the other site's file."""
    site = _site()
    served, _, _ = browser_site
    context = served.browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def block(r):
        blocked.append(r.request.url)
        r.abort("blockedbyclient")

    context.route(re.compile(r"^(?!file:|data:|blob:|about:)"), block)
    problems = []
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        problems += hangul_without_font(context, page)
        page.locator(f"a.choice[hreflang={lang}]").click()
        page.wait_for_url(f"**/{site_root_page(lang)}")
        for chapter in ("04-is-the-band-right", "06-explorer"):
            page.goto((site / lang / "notebooks" / lang / f"{chapter}.html").as_uri())
            _wait_ready(page)
            raw = page.evaluate("() => [...document.querySelectorAll('main .math')]"
                                ".filter(e => !e.querySelector('mjx-container')).length")
            if raw:
                problems.append(f"{chapter}: {raw} formulas not typeset")
            problems += hangul_without_font(context, page)
        page.wait_for_selector("[data-playground] .vi-pg-train", timeout=20_000)
        page.locator(".vi-lang-switch a").click()
        other = "ko" if lang == "en" else "en"
        page.wait_for_url(f"**/{other}/notebooks/{other}/06-explorer.html*")
        if page.evaluate("document.documentElement.lang") != other:
            problems.append("the language switch did not open the other site")
    finally:
        context.close()
    assert not problems and not blocked, (problems, blocked)


# ------------------------------------------------------- what the cells print
#: The delimiter row of a Markdown table (``|---|---:|``), in a cell's output.
TABLE_DELIMITER = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$", re.M)
HIDDEN = {"remove-cell", "remove-output"}


def printed_tables(path: Path) -> int:
    """How many tables a notebook's shown outputs hold (Markdown or HTML)."""
    count = 0
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if HIDDEN & set(cell.get("metadata", {}).get("tags", [])):
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            count += len(TABLE_DELIMITER.findall("".join(data.get("text/markdown", ""))))
            count += "".join(data.get("text/html", "")).count("<table")
    return count


def test_every_table_a_cell_prints_is_a_table_on_the_site():
    """What JupyterLab shows as a table is a <table> on the site, in every chapter
    of both languages; no Markdown table is left as raw pipes."""
    site = _site()
    checked = 0
    for path in sorted(ROOT.glob("notebooks/*/0*.ipynb")):
        expected = printed_tables(path)
        page = (site / path.parent.name / path.relative_to(ROOT).with_suffix(".html")
                ).read_text(encoding="utf-8")
        assert page.count("<table") >= expected, (path.name, expected)
        # a table that failed to parse is a paragraph of pipes (and --- turns to —)
        raw = re.search(r"<p>\|[^<]*\n\|\s*[-—]", page)
        assert not raw, f"raw table in {path.name}: {raw.group(0)[:80]}"
        checked += expected
    assert checked >= 10  # chapter 5's table and chapter 7's four, in two languages


def test_the_table_count_sees_markdown_and_html_tables(tmp_path):
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [
            {"data": {"text/markdown": ["| a | b |\n", "|---|---:|\n", "| 1 | 2 |"]}},
            {"data": {"text/html": ["<table><tr><td>1</td></tr></table>"]}}]},
        {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "outputs": [
            {"data": {"text/markdown": ["| a |\n|---|\n"]}}]}]}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert printed_tables(path) == 2


# ------------------------------------------------------------- Korean search
#: Words whose stems the search page (JavaScript) and the index (Python) must agree
#: on: particles, two in a row, copula, words that are all ending, Latin, numbers.
STEM_WORDS = [
    "보정", "보정은", "보정을", "보정에서는", "보정입니다", "보정합니다", "분산으로",
    "모델이다", "포함률과", "드롭아웃의", "정의", "정도는", "이", "가", "이가", "으로",
    "에서", "한", "모델들", "NLL을", "ELBO", "losses", "Calibrated", "000개로", "x의",
    "MC드롭아웃을", "β",
]
#: What a reader expects of a few of them.
EXPECTED_STEMS = {"보정은": "보정", "보정에서는": "보정", "보정입니다": "보정",
                  "분산으로": "분산", "포함률과": "포함률", "이": "이", "이가": "이",
                  "NLL을": "nll", "losses": "loss", "000개로": "000개"}
#: Nouns a Korean reader searches for, and particles they appear with in the prose.
NOUNS = ("보정", "포함률", "드롭아웃", "분산")
PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로",
             "와", "과", "도", "만")


def js_stems(js_stemmer: str, words: list[str]) -> list[str]:
    """``words`` stemmed by a search page's ``Stemmer`` (its ``language_data.js``
    code), after the lower-casing that ``searchtools.js`` does, run by node."""
    node = shutil.which("node")
    if node is None:
        missing("node not found: the JavaScript stemmer cannot be checked")
    script = (js_stemmer + "\nconst s = new Stemmer();\nconsole.log(JSON.stringify("
              f"{json.dumps(words)}.map(w => s.stemWord(w.toLowerCase()))));")
    out = subprocess.run([node, "-e", script], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def stem_disagreements(js_stemmer: str, words: list[str]) -> list[str]:
    """The words whose JavaScript stem differs from the one in the index."""
    korean = SearchKorean({})
    return [f"{w}: index {korean.stem(w).lower()!r}, page {js!r}"
            for w, js in zip(words, js_stems(js_stemmer, words))
            if korean.stem(w).lower() != js]


def test_korean_stems_are_what_a_reader_expects():
    korean = SearchKorean({})
    assert {w: korean.stem(w) for w in EXPECTED_STEMS} == EXPECTED_STEMS


def test_the_search_page_stems_korean_as_the_index_does():
    assert not stem_disagreements(SearchKorean.js_stemmer_code, STEM_WORDS)


def test_the_stem_check_catches_a_javascript_rule_that_differs():
    broken = SearchKorean.js_stemmer_code.replace('"으로", ', "", 1)
    assert broken != SearchKorean.js_stemmer_code
    assert stem_disagreements(broken, STEM_WORDS) == [
        "분산으로: index '분산', page '분산으'"]


def search_index(lang: str) -> dict:
    """The built site's ``searchindex.js`` (``Search.setIndex({...})``)."""
    text = (_site() / lang / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1: text.rindex(")")])


def prose_words(page: Page) -> list[str]:
    """The words of a page's source prose (markdown cells of a notebook), split as
    Sphinx splits them."""
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{page.name}{suffix}"
        if path.is_file():
            break
    text = path.read_text(encoding="utf-8")
    if suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"]
                         if c["cell_type"] == "markdown")
    return re.findall(r"\w+", text)


def unfound_pages(index: dict, words: dict[str, list[str]], noun: str,
                  stem: str) -> list[str]:
    """The pages where ``noun`` stands with a particle that a search for ``stem``
    does not find (``words``: each page's words)."""
    found = set()
    for mapping in (index["terms"], index["titleterms"]):
        ids = mapping.get(stem, [])
        found |= {index["docnames"][i] for i in ([ids] if isinstance(ids, int) else ids)}
    with_particle = {noun + p for p in PARTICLES}
    return sorted(name for name, ws in words.items()
                  if with_particle & set(ws) and name not in found)


def test_korean_search_finds_a_noun_with_any_particle():
    """Searching 보정 finds 보정은, 보정을, 보정에서는...: every page where a noun
    stands with a particle is in the index under the noun's stem. At least one such
    page has the noun only with particles, so that the check can tell."""
    index = search_index("ko")
    words = {p.name: prose_words(p) for p in site_pages("ko")}
    stem = SearchKorean({}).stem
    problems = {n: unfound_pages(index, words, n, stem(n)) for n in NOUNS}
    assert not any(problems.values()), problems
    only_with_particles = [(n, name) for n in NOUNS for name, ws in words.items()
                           if n not in ws and {n + p for p in PARTICLES} & set(ws)]
    assert only_with_particles, "no page has these nouns only with particles"


def test_the_index_check_catches_an_index_of_whole_eojeol():
    index = {"docnames": ["a", "b"], "terms": {"보정": 0, "보정은": 1},
             "titleterms": {}}
    words = {"a": ["보정", "값"], "b": ["보정은", "값을"]}
    assert unfound_pages(index, words, "보정", "보정") == ["b"]


def test_the_english_site_keeps_english_search():
    index = search_index("en")
    assert "calibr" in index["terms"] and "calibration" not in index["terms"]
    data = (_site() / "en" / "_static" / "language_data.js").read_text("utf-8")
    assert "PorterStemmer" not in data


def search_results(page, base: str, query: str) -> list[str]:
    """The pages (``notebooks/ko/05-x``) that the site's search page lists."""
    page.goto(f"{base}ko/search.html?q={query}")
    page.wait_for_function("() => (document.querySelector("
                           "'#search-results .search-summary') || {}).innerText")
    hrefs = page.eval_on_selector_all("#search-results ul.search li > a",
                                      "els => els.map(e => e.getAttribute('href'))")
    return sorted({h.split("#")[0].removesuffix(".html") for h in hrefs})


@pytest.mark.slow
def test_korean_search_page_finds_a_noun_with_particles(browser_site):
    """Typed into the Korean site's search page, 보정 lists chapter 5 and chapter 7
    (which has it only as 보정에, 보정한...); 보정을 lists the same pages."""
    context, base, blocked = browser_site
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        bare, with_particle = (search_results(page, base, q) for q in ("보정", "보정을"))
    finally:
        page.close()
    for chapter in ("05-models-that-get-it-right", "07-other-roads"):
        assert f"notebooks/ko/{chapter}" in bare, bare
    assert with_particle == bare
    assert not errors and not blocked, (errors, blocked)
