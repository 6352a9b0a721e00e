"""Sphinx extension for the book's site: page language, language switch, offline assets.

Loaded from ``_config.yml`` as ``book._ext.vi_site`` (``sphinx: local_extensions``
puts the repository root on Sphinx's path); it imports the tooling it needs
(``tools.offline_assets``) and the explorer app (``vi_explorer``) by their full
names.

* ``<html lang>`` per page: pages under ``notebooks/ko/`` or ``book/ko/`` are ``ko``,
  every other page ``en``.
* A language switch at the top of each page that has a counterpart in the other
  language (``notebooks/en/X`` <-> ``notebooks/ko/X``, ``book/en/X`` <->
  ``book/ko/X``, ``book/X`` <-> ``book/ko/X``), plus ``<link rel="alternate"
  hreflang>`` in the head.
* "Previous" and "Next" stay in the page's language part: the last English page
  leads on to the glossary, not to the first Korean page (and back).
* Offline assets: when ``tools/fetch_assets.py`` has fetched them into ``.offline/``,
  MathJax, RequireJS, the widget manager and the Noto Sans KR web font are served
  from ``_static/offline/``; otherwise from public CDNs (and the build says so).
  Each page carries ``<meta name="vi-assets" content="offline|cdn">``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

import vi_explorer
from tools import offline_assets as va
from vi_explorer.static_explorer import fill_slots

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
LANGS = ("en", "ko")
SWITCH_LABEL = {"en": "English", "ko": "한국어"}
SPHINX_DEFAULT_MATHJAX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"


def page_language(pagename: str) -> str:
    """``ko`` for pages under ``notebooks/ko/`` or ``book/ko/``, else ``en``."""
    return "ko" if pagename.startswith(("notebooks/ko/", "book/ko/")) else "en"


def counterpart_candidates(pagename: str) -> list[str]:
    """Names the same page may have in the other language, most likely first.

    ``notebooks/en/X`` <-> ``notebooks/ko/X``, ``book/en/X`` <-> ``book/ko/X``, and a
    page directly under ``book/`` (the landing page) <-> ``book/ko/X``.
    """
    for prefix, others in (
        ("notebooks/en/", ["notebooks/ko/"]),
        ("notebooks/ko/", ["notebooks/en/"]),
        ("book/en/", ["book/ko/"]),
        ("book/ko/", ["book/en/", "book/"]),
        ("book/", ["book/ko/"]),
    ):
        if pagename.startswith(prefix):
            return [other + pagename[len(prefix) :] for other in others]
    return []


def counterpart_name(pagename: str, existing) -> str | None:
    """The page in the other language among ``existing`` names, or None."""
    return next((c for c in counterpart_candidates(pagename) if c in existing), None)


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


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    lang = page_language(pagename)
    context["language"] = lang
    meta = [
        f'<meta name="vi-assets" content="{"offline" if _offline(app) else "cdn"}" />'
    ]
    other = counterpart_name(pagename, app.env.found_docs)
    if other and "body" in context:
        other_lang = page_language(other)
        href = html.escape(app.builder.get_relative_uri(pagename, other))
        meta.append(f'<link rel="alternate" hreflang="{other_lang}" href="{href}" />')
        label = SWITCH_LABEL[other_lang]
        switch = (
            f'<nav class="vi-lang-switch" aria-label="Language / 언어">'
            f'<a href="{href}" hreflang="{other_lang}" lang="{other_lang}" '
            f'rel="alternate">{label}</a></nav>\n'
        )
        context["body"] = switch + context["body"]
    context["metatags"] = context.get("metatags", "") + "\n".join(meta) + "\n"


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
    context["body"] = fill_slots(body, page_language(pagename))


#: Sphinx numbers figures with one format for the whole site ("Fig. %s"); Korean
#: pages call a figure 그림. The caption's number is a span of its own.
FIGURE_NUMBER = re.compile(r'(<span class="caption-number">)Fig\. (\d+)')


def _figure_label(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """"Fig. 3" becomes "그림 3" in the captions of Korean pages."""
    body = context.get("body")
    if body and page_language(pagename) == "ko":
        context["body"] = FIGURE_NUMBER.sub(r"\1그림 \2", body)


# ------------------------------------------------ navigation: stay in one language
def part_language(pagename: str) -> str | None:
    """``en`` or ``ko`` for a page of a language part, None for a shared page.

    Shared pages (the landing page, the glossary) belong to both parts.
    """
    if pagename.startswith(("notebooks/en/", "book/en/")):
        return "en"
    if pagename.startswith(("notebooks/ko/", "book/ko/")):
        return "ko"
    return None


def _same_language_neighbours(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    """Keep "Previous" and "Next" inside the page's language part.

    In the reading order of ``_toc.yml`` the last English page is followed by the
    first Korean one. Where a link would cross into the other language, it goes on
    past that language's pages to the next shared page (the glossary after the last
    page, the landing page before the first), or is dropped if there is none.
    """
    lang = part_language(pagename)
    if lang is None:
        return
    relations = app.env.collect_relations()
    for key, step in (("prev", 1), ("next", 2)):
        target = relations.get(pagename, [None, None, None])[step]
        if not context.get(key) or part_language(target) in (None, lang):
            continue
        while target is not None and part_language(target) not in (None, lang):
            target = relations.get(target, [None, None, None])[step]
        if target is None:
            context[key] = None
        else:
            context[key] = {
                "link": app.builder.get_relative_uri(pagename, target),
                "title": app.builder.render_partial(app.env.titles[target])["title"],
            }


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


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _configure_assets)
    app.connect("builder-inited", _add_css)
    app.connect("html-page-context", _page_context)
    app.connect("html-page-context", _same_language_neighbours)
    app.connect("html-page-context", _static_explorer)
    app.connect("html-page-context", _figure_label)
    app.connect("html-page-context", _playground_assets)
    app.connect("html-page-context", _dedupe_assets, priority=900)  # after myst-nb
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
