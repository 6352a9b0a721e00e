"""Sphinx extension for the book's sites: language switch, glossary anchors,
exercise answers, the theme's words in Korean, offline assets.

Loaded from ``_config.yml`` as ``book._ext.vi_site`` (``sphinx: local_extensions``
puts the repository root on Sphinx's path); it imports the tooling it needs
(``tools.book``, ``tools.offline_assets``) and the explorer app (``vi_explorer``) by
their full names. ``python -m tools.book`` builds one site per language
(``_build/html/en``, ``_build/html/ko``); the site's language is Sphinx's
``language``.

* A language switch at the top of each page that has a counterpart on the other
  site (``notebooks/en/X`` <-> ``notebooks/ko/X``, ``book/en/X`` <-> ``book/ko/X``),
  plus ``<link rel="alternate" hreflang>`` in the head; a click opens the section
  of the other page with the same index as the one the reader is in
  (``static/vi_lang_switch.js``). A link in the text to a page of the other
  language leads to the other site as well.
* Glossary anchors named by the term: Sphinx numbers the ids of terms it cannot
  spell in ASCII (``#term-61``); here they become ``#term-변분-추론``.
* One toggle per exercise: the solution code cell (code and output) goes inside the
  written answer's dropdown, after its title.
* The theme's words that pydata-sphinx-theme has no Korean for, in Korean.
* Offline assets: when ``tools/fetch_assets.py`` has fetched them into ``.offline/``,
  MathJax, RequireJS, the widget manager and the Noto Sans KR web font are served
  from ``_static/offline/``; otherwise from public CDNs (and the build says so).
  Each page carries ``<meta name="vi-assets" content="offline|cdn">``.
* Korean search: a search for a noun finds it with any particle
  (``book/_ext/korean_search.py``, Sphinx's search language for ``ko``).
"""

from __future__ import annotations

import gettext
import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import get_translator
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

import vi_explorer
from tools import book
from tools import offline_assets as va
from vi_explorer.static_explorer import fill_slots

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
LANGS = ("en", "ko")
SWITCH_LABEL = {"en": "English", "ko": "한국어"}
SPHINX_DEFAULT_MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"


def site_language(app: Sphinx) -> str:
    """The language of the site being built (Sphinx's ``language``)."""
    return app.config.language or "en"


def counterpart_name(pagename: str, lang: str, root: Path = book.ROOT) -> str | None:
    """The same page on the other language's site, or None if that site lacks it."""
    other = book.counterpart(pagename, lang)
    langs = book.other_language(lang)
    return other if other in book.toc_docnames(langs, root) else None


def cross_site_uri(pagename: str, lang: str, target: str, anchor: str = "") -> str:
    """A relative link from ``pagename`` of the ``lang`` site to ``target`` on the
    other site: up out of this site, into ``_build/html/<other>/`` (works from
    ``file://`` as well as served)."""
    up = "../" * (pagename.count("/") + 1)
    uri = f"{up}{book.other_language(lang)}/{target}.html"
    return f"{uri}#{anchor}" if anchor else uri


def _offline(app: Sphinx) -> bool:
    return _OFFLINE.get(id(app), False)


_OFFLINE: dict[int, bool] = {}


def _configure_assets(app: Sphinx, config: Config) -> None:
    root = Path(app.srcdir)
    offline = va.offline_ready(root)
    _OFFLINE[id(app)] = offline
    config.html_static_path = [
        *config.html_static_path,
        str(HERE / "static"),
        str(vi_explorer.STATIC),
        *([str(va.offline_root(root))] if offline else []),
    ]
    # pydata-sphinx-theme logs "Got invalid theme mode" (a console error) on every
    # first visit unless the template variable default_mode is set
    config.html_context = {"default_mode": "auto", **(config.html_context or {})}
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_theme_options = {
        **config.html_theme_options,
        "search_bar_text": SEARCH_BAR_TEXT[config.language or "en"],
    }
    # text in math (\\text{...}, Korean words included) in the page's fonts, not
    # MathJax's own serif fonts, which have no Hangul: boxes on many machines
    mathjax = dict(config.mathjax3_config or {})
    mathjax["chtml"] = {"mtextInheritFont": True, **mathjax.get("chtml", {})}
    config.mathjax3_config = mathjax
    src = va.LOCAL if offline else va.CDN
    if config.mathjax_path in (SPHINX_DEFAULT_MATHJAX, "", None):
        config.mathjax_path = src["mathjax"]
    widgets_cdn = {} if offline else {"data-jupyter-widgets-cdn": va.CDN_WIDGETS}
    # the manager's folder: a URL, or relative to _static/ where vi_widgets.js lies
    manager_dir = src["html-manager"].rsplit("/", 1)[0]
    config.nb_ipywidgets_js = {
        src["requirejs"]: {},
        "vi_widgets.js": {"data-html-manager": manager_dir},
        src["html-manager"]: widgets_cdn,
    }
    if offline:
        logger.info(
            "vi_site: MathJax, RequireJS, widget manager and fonts served "
            "from _static/offline/ (fetched by python -m tools.fetch_assets)"
        )
    else:
        logger.info(
            "vi_site: offline assets not fetched (run python -m tools.fetch_assets "
            "with npm); the pages load MathJax, RequireJS, the widget "
            "manager and fonts from cdn.jsdelivr.net",
            color="yellow",
        )


def _add_css(app: Sphinx) -> None:
    fonts = va.LOCAL["font-css"] if _offline(app) else va.CDN["font-css"]
    for css in [fonts] if isinstance(fonts, str) else fonts:
        app.add_css_file(css)
    app.add_css_file("vi_site.css")
    app.add_js_file("vi_lang_switch.js", loading_method="defer")


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    lang = site_language(app)
    meta = [
        f'<meta name="vi-assets" content="{"offline" if _offline(app) else "cdn"}" />'
    ]
    other = counterpart_name(pagename, lang, Path(app.srcdir))
    if other and "body" in context:
        other_lang = book.other_language(lang)
        href = html.escape(cross_site_uri(pagename, lang, other))
        meta.append(f'<link rel="alternate" hreflang="{other_lang}" href="{href}" />')
        label = SWITCH_LABEL[other_lang]
        switch = (
            f'<nav class="vi-lang-switch" aria-label="Language / 언어">'
            f'<a href="{href}" hreflang="{other_lang}" lang="{other_lang}" '
            f'rel="alternate" data-vi-section-switch="">{label}</a></nav>\n'
        )
        context["body"] = switch + context["body"]
    context["metatags"] = context.get("metatags", "") + "\n".join(meta) + "\n"


class CrossLanguageLinks(SphinxPostTransform):
    """A link in the text to a page of the other language (the notebooks' "English ·
    [한국어](../ko/01-x.ipynb)") leads to that page on the other site.

    That page is not part of this site's build, so MyST would call it an unknown
    document; this runs just before MyST resolves its links.
    """

    default_priority = 8  # MyST's own resolver runs at 9

    def run(self, **kwargs: Any) -> None:
        lang = site_language(self.app)
        other = book.other_language(lang)
        for node in list(self.document.findall(addnodes.pending_xref)):
            target = node.get("reftarget", "")
            if (node.get("reftype") != "myst" or node.get("refdomain") != "doc"
                    or target in self.env.all_docs
                    or book.counterpart(target, other) == target):
                continue  # not a page of the other language
            if target not in book.toc_docnames(other, Path(self.app.srcdir)):
                continue  # MyST reports it
            uri = cross_site_uri(self.env.docname, lang, target,
                                 node.get("reftargetid") or "")
            link = nodes.reference("", "", internal=False, refuri=uri,
                                   classes=["vi-other-language"])
            link["hreflang"] = other
            link += node.children
            node.replace_self(link)


def _dedupe_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Drop repeated inline scripts and files (in place: Sphinx restores the list).

    Scripts added by extensions after the builder started (sphinx-thebe,
    sphinx-togglebutton) land twice, once with filename None and once with "", and a
    repeated ``const THEBE_JS_URL`` is a SyntaxError in the console of every page.
    """
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if not isinstance(files, list):
            continue
        seen, unique = set(), []
        for asset in files:
            attrs = getattr(asset, "attributes", {}) or {}
            ident = (
                getattr(asset, "filename", str(asset)) or "",
                tuple(sorted((k, str(v)) for k, v in attrs.items())),
            )
            if ident not in seen:
                seen.add(ident)
                unique.append(asset)
        files[:] = unique


def _static_explorer(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Put the static explorer where a page has ``<div data-vi-explorer-slot>``.

    The builder is the explorer app's (``vi_explorer/static_explorer.py``); pages
    without the placeholder are left as they are.
    """
    body = context.get("body")
    if not body or "data-vi-explorer-slot" not in body:
        return
    context["body"] = fill_slots(body, site_language(app))


# ------------------------------------------- the playground (issue 16), by its owner
#: Its files, under vi_explorer/static/playground/ (served from _static/playground/,
#: since vi_explorer/static is on html_static_path): one script, built by `make js`
#: from the modules of vi_explorer/playground/.
PLAYGROUND_JS = ("playground/vi_playground.js",)
PLAYGROUND_CSS = "playground/vi_playground.css"


def _playground_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Load the in-browser playground on pages with ``<div data-playground-slot>``.

    Only those pages get its script and style (Sphinx adds an asset to one page
    when it is added during ``html-page-context``); the script fills each slot.
    """
    body = context.get("body")
    if not body or "data-playground-slot" not in body:
        return
    app.add_css_file(PLAYGROUND_CSS)
    for js in PLAYGROUND_JS:
        app.add_js_file(js, loading_method="defer")


# ------------------------------------------------------------------ glossary anchors
#: The ids Sphinx gives a term whose text has no ASCII letters: a running number.
SERIAL_TERM_ID = re.compile(r"^term-\d+$")


def term_id(text: str) -> str:
    """An anchor named by the term: ``변분 추론`` -> ``term-변분-추론``."""
    return "term-" + re.sub(r"\W+", "-", text.lower()).strip("-")


class StableTermIds(SphinxTransform):
    """Rename numbered term ids (``term-61``) after their term, so that a link to an
    entry survives the addition of another; the std domain's records follow. Runs
    before the domains collect the page's index entries (``SphinxDomains``, 850)."""

    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        std = self.env.get_domain("std")
        for term in self.document.findall(nodes.term):
            serial = [i for i in term["ids"] if SERIAL_TERM_ID.match(i)]
            if not serial:
                continue
            text = term.astext()
            new = term_id(text)
            term["ids"] = [new if i in serial else i for i in term["ids"]]
            for old in serial:
                self.document.ids.pop(old, None)
            self.document.ids[new] = term
            for index in term.findall(addnodes.index):
                index["entries"] = [
                    (*e[:2], new if e[2] in serial else e[2], *e[3:])
                    for e in index["entries"]
                ]
            std.objects["term", text] = (self.env.docname, new)
            std.data.setdefault("terms", {})[text.lower()] = (self.env.docname, new)


# ------------------------------------------------------------------ section anchors
#: The ids docutils gives a heading with no ASCII letters (the Korean ones): "id5".
SERIAL_SECTION_ID = re.compile(r"^id\d+$")


class SectionIdsFromTitles(SphinxTransform):
    """Name a section whose only ids are numbers after its title (``#id5`` ->
    ``#3-영역별-표``), so that a Korean link to a section says where it leads and
    survives a new section before it; the page's own slugs follow. Runs before the
    table of contents and the domains read the ids."""

    default_priority = 800

    def apply(self, **kwargs: Any) -> None:
        renamed = {}
        for section in self.document.findall(nodes.section):
            if not section["ids"] or not all(SERIAL_SECTION_ID.match(i)
                                             for i in section["ids"]):
                continue
            base = re.sub(r"\W+", "-", section[0].astext().lower()).strip("-")
            new, n = base, 1
            while not base or new in self.document.ids:
                n += 1
                new = f"{base}-{n}"
            for old in section["ids"]:
                renamed[old] = new
                self.document.ids.pop(old, None)
            section["ids"] = [new]
            self.document.ids[new] = section
        slugs = getattr(self.document, "myst_slugs", None)
        if renamed and isinstance(slugs, dict):
            for slug, (line, old, text) in list(slugs.items()):
                slugs[slug] = (line, renamed.get(old, old), text)
        for ref in self.document.findall(nodes.reference):
            if ref.get("refid") in renamed:
                ref["refid"] = renamed[ref["refid"]]


# ------------------------------------------------------------- one toggle per answer
def _is_solution_code(node: nodes.Node) -> bool:
    return (isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"
            and "tag_solution" in node["classes"])


def _is_dropdown(node: nodes.Node) -> bool:
    return (isinstance(node, nodes.Element)
            and node.get("design_component") == "dropdown")


def _one_toggle_per_exercise(app: Sphinx, doctree: nodes.document) -> None:
    """Put each solution code cell (its code and output) into the written answer's
    ``{dropdown}`` that follows it, after the title: one toggle holds the whole
    answer. The cell keeps its ``hide-cell`` tag for JupyterLab; here its own toggle
    is dropped. A solution cell without a dropdown after it fails the build."""
    for cell in list(doctree.findall(_is_solution_code)):
        siblings = cell.parent.children[cell.parent.index(cell) + 1:]
        dropdown = next((n for n in siblings if _is_dropdown(n)), None)
        if dropdown is None:
            logger.warning("vi_site: a solution code cell has no {dropdown} answer "
                           "after it (CONTRIBUTING.md, Notebooks)", location=cell)
            continue
        cell.parent.remove(cell)
        for key in ("hide_mode", "prompt_show", "prompt_hide"):
            cell.attributes.pop(key, None)
        dropdown.insert(1, cell)
        dropdown["container_classes"] = [*dropdown["container_classes"], "vi-solution"]


# --------------------------------------------------------- the theme's words in Korean
#: The theme's messages that no catalogue has in Korean: pydata-sphinx-theme has no
#: Korean catalogue (Sphinx, sphinx-book-theme and sphinx-togglebutton have theirs),
#: Sphinx 7.4's catalogue lacks its newest messages, and three of sphinx-book-theme's
#: components (book/_ext/templates/) are copies that put their text through it.
THEME_KO = {
    "Announcement": "공지",
    "Back to top": "맨 위로",
    "Breadcrumb": "이동 경로",
    "By %(author)s": "지은이: %(author)s",
    "Collapse Sidebar": "사이드바 접기",
    "Color mode": "색 모드",
    "Dark": "어둡게",
    "Expand Sidebar": "사이드바 펼치기",
    "Home": "처음",
    "Indices": "색인",
    "Light": "밝게",
    "Link to this heading": "이 제목으로 연결",
    "Link to this image": "이 그림으로 연결",
    "Link to this code": "이 코드로 연결",
    "Link to this table": "이 표로 연결",
    "Link to this definition": "이 정의로 연결",
    "Link to this term": "이 용어로 연결",
    "Link to this toctree": "이 목차로 연결",
    "On this page": "이 쪽의 내용",
    "Section Navigation": "절 탐색",
    "Site navigation": "사이트 탐색",
    "Skip to main content": "본문으로 건너뛰기",
    "System Settings": "시스템 설정",
    "Toggle primary sidebar": "차례 열고 닫기",
    "Toggle secondary sidebar": "이 쪽의 내용 열고 닫기",
    "Version warning": "버전 경고",
    "next page": "다음 쪽",
    "previous page": "이전 쪽",
}
#: The search box's placeholder is a theme option, not a message.
SEARCH_BAR_TEXT = {"en": "Search this book...", "ko": "이 책에서 검색..."}


class DictTranslations(gettext.NullTranslations):
    """A gettext catalogue held in a dict (the last fallback of Sphinx's own)."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def _theme_in_korean(app: Sphinx) -> None:
    if site_language(app) == "ko":
        get_translator("sphinx").add_fallback(DictTranslations(THEME_KO))


#: "1. Chapter 1 · ..." / "1. 1장 · ...": the chapters are numbered in the table of
#: contents so that figures number per chapter, and their titles say it already.
SIDEBAR_NUMBER = re.compile(
    r'(<a class="[^"]*reference internal[^"]*"[^>]*>)\d+\. (?=(?:Chapter \d+|\d+장) ·)')


def _sidebar_without_numbers(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """The sidebar's chapter links without Sphinx's number before "Chapter N ·"."""
    make = context.get("generate_toctree_html")
    if make is None:
        return

    def generate(kind: str, *args, **kwargs):
        out = make(kind, *args, **kwargs)  # a parsed tree, which the page prints
        return SIDEBAR_NUMBER.sub(r"\1", str(out)) if kind == "sidebar" else out

    context["generate_toctree_html"] = generate


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("book._ext.korean_search")
    app.connect("config-inited", _configure_assets)
    app.connect("builder-inited", _add_css)
    app.connect("builder-inited", _theme_in_korean)
    app.add_transform(StableTermIds)
    app.add_transform(SectionIdsFromTitles)
    app.connect("doctree-read", _one_toggle_per_exercise)
    app.add_post_transform(CrossLanguageLinks)
    app.connect("html-page-context", _page_context)
    app.connect("html-page-context", _static_explorer)
    app.connect("html-page-context", _playground_assets)
    app.connect("html-page-context", _sidebar_without_numbers, priority=900)
    app.connect("html-page-context", _dedupe_assets, priority=900)  # after myst-nb
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
