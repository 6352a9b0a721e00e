"""Helpers for tests/test_site.py: the built site's pages, scanners (the local server
is tools/serve.py).

Nothing here needs a browser; the browser part lives in browser.py.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from book._ext.vi_site import counterpart_name
from tools.book import LANGS, SITE, toc_docnames

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- pages
@dataclass(frozen=True)
class Page:
    """One page of one site: its language and Sphinx name (``notebooks/en/01-x``)."""

    lang: str
    name: str

    @property
    def html(self) -> str:
        """Its path under ``_build/html``: ``en/notebooks/en/01-x.html``."""
        return f"{self.lang}/{self.name}.html"

    @property
    def path(self) -> Path:
        return SITE / self.html

    def counterpart(self) -> str | None:
        """The same page's name on the other site, if that site has it."""
        return counterpart_name(self.name, self.lang, ROOT)

    @property
    def slug(self) -> str:
        """A file name for the screenshot: ``en-01-x``, ``ko-performance``..."""
        parts = [p for p in self.name.split("/") if p not in ("notebooks", "book")]
        return "-".join([self.lang, *[p for p in parts if p not in LANGS]])


def site_pages(lang: str, root: Path = ROOT) -> list[Page]:
    """Every page of one site's table of contents, root first."""
    return [Page(lang, name) for name in toc_docnames(lang, root)]


def all_pages(root: Path = ROOT) -> list[Page]:
    return [page for lang in LANGS for page in site_pages(lang, root)]


# --------------------------------------------------------------------- HTML parsing
class _Collector(HTMLParser):
    """Ids/names (anchors) and resource references of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attr, url)
        self.link_rels: list[tuple[str, str]] = []  # (rel, href) of <link>
        self.inline_scripts: list[str] = []
        self.inline_styles: list[str] = []
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.anchors.add(a["id"])
        if tag == "a" and "name" in a:
            self.anchors.add(a["name"])
        for attr in ("href", "src", "data", "poster"):
            if attr in a:
                self.refs.append((tag, attr, a[attr].strip()))
        if "srcset" in a:
            for part in a["srcset"].split(","):
                if part.strip():
                    self.refs.append((tag, "srcset", part.strip().split()[0]))
        if tag == "link":
            self.link_rels.append((a.get("rel", "").lower(), a.get("href", "")))
        if "style" in a:
            self.inline_styles.append(a["style"])
        if tag == "script" and "src" not in a:
            kind = a.get("type", "text/javascript").lower()
            if kind in ("", "text/javascript", "module", "application/javascript"):
                self._in, self._buf = "script", []
        elif tag == "style":
            self._in, self._buf = "style", []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag == self._in:
            text = "".join(self._buf)
            (self.inline_scripts if tag == "script" else self.inline_styles).append(
                text
            )
            self._in = None


@functools.cache
def parse_html(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    collector.close()
    return collector


def site_html_files(site: Path) -> list[Path]:
    """The sites' own pages (not theme templates under _static, not _sources)."""
    skip = {"_static", "_sources", "_images"}
    return sorted(
        p for p in site.rglob("*.html") if not skip & set(p.relative_to(site).parts[:2])
    )


# ------------------------------------------------------------------- internal links
def is_external(url: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", url))


def broken_internal_links(site: Path) -> list[str]:
    """``file: url (why)`` for every relative link or anchor that leads nowhere."""
    problems = []
    for page in site_html_files(site):
        doc = parse_html(page)
        rel_page = page.relative_to(site).as_posix()
        for tag, attr, url in doc.refs:
            if not url or is_external(url) or url.startswith("{{"):
                continue
            parts = urlsplit(url)
            path, fragment = unquote(parts.path), unquote(parts.fragment)
            if path:
                joined = posixpath.normpath(
                    posixpath.join(posixpath.dirname(rel_page), path)
                )
                if joined.startswith("..") or joined.startswith("/"):
                    problems.append(f"{rel_page}: {url} (outside the site)")
                    continue
                target = site / joined
                if target.is_dir():
                    target = target / "index.html"
            else:
                target = page
            if not target.is_file():
                problems.append(f"{rel_page}: <{tag} {attr}={url!r}> (no such file)")
                continue
            if fragment and target.suffix == ".html":
                if fragment not in parse_html(target).anchors:
                    problems.append(
                        f"{rel_page}: <{tag} {attr}={url!r}> (no anchor #{fragment})"
                    )
    return problems


# ------------------------------------------------------------------ internet loads
# <link rel=...> values that make the browser fetch the href
FETCHING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "mask-icon",
    "preconnect",
    "dns-prefetch",
}
# tags whose src/href/data is fetched when the page loads (plain <a href> is not)
FETCHING_TAGS = {
    "script",
    "img",
    "iframe",
    "source",
    "video",
    "audio",
    "embed",
    "object",
    "track",
    "input",
    "image",
    "use",
}
URL = r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'`)<>]*"
CSS_LOAD = re.compile(rf"(?:@import\s+(?:url\()?|url\()\s*[\"']?({URL})", re.I)
JS_LOAD = re.compile(
    rf"(?:\bsrc\s*[=:]\s*|\bhref\s*[=:]\s*|\bimport\s*\(\s*|\bimport\s+[^;]*?from\s*"
    rf"|\bfetch\s*\(\s*|\brequire(?:js)?\s*\(\s*\[?\s*|\bimportScripts\s*\(\s*"
    rf"|\bloadScript\s*\(\s*|\bXMLHttpRequest\b.*?open\([^,]*,\s*)[\"'`]({URL})",
    re.I,
)
# hosts that serve browser assets; a JS file naming one may be loading from it
CDN_HOSTS = re.compile(
    r"(?:https?:)?//(?:cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com"
    r"|fonts\.googleapis\.com|fonts\.gstatic\.com|code\.jquery\.com"
    r"|ajax\.googleapis\.com|cdn\.plot\.ly|use\.fontawesome\.com"
    r"|kit\.fontawesome\.com|stackpath\.bootstrapcdn\.com|polyfill\.io"
    r"|www\.googletagmanager\.com|www\.google-analytics\.com|cdn\.mathjax\.org"
    r"|static\.addtoany\.com|hypothes\.is|utteranc\.es|giscus\.app)"
    r"[^\s\"'`)<>]*",
    re.I,
)

# Known (file pattern, URL prefix) pairs that are not loads of the offline site,
# with the reason. Everything else that looks like a load from the internet fails.
ALLOWED_INTERNET_REFERENCES: dict[tuple[str, str], str] = {
    (r"\.html$", "https://unpkg.com/thebe@"): (
        "sphinx-thebe's THEBE_JS_URL: fetched only when a reader clicks a "
        "'launch live code' button, which needs a kernel on the internet anyway"
    ),
    (r"_static/sphinx-thebe\.js$", "https://unpkg.com/thebe@"): (
        "sphinx-thebe's default, used only on a click on 'launch live code'"
    ),
    (r"_static/offline/html-manager/embed-amd\.js$", "https://cdn.jsdelivr.net/npm/"): (
        "the widget manager's default place for *third-party* widget modules; "
        "the built-in ipywidgets controls are bundled in embed-amd.js"
    ),
    (r"_static/offline/html-manager/embed-amd\.js$", "https://fonts.googleapis.com/"): (
        "inside a CSS comment ('/* @import url(...) */ commented out in ipywidgets')"
    ),
    (r"_static/offline/mathjax/", "https://cdn.jsdelivr.net/npm/speech-rule-engine@"): (
        "the speech rule engine's own default for its rule files; MathJax points it "
        "at [mathjax]/sre/mathmaps (shipped), used only when a reader turns on "
        "speech or the explorer in the math menu"
    ),
    (r"_static/offline/mathjax/", "https://cdn.jsdelivr.net/npm/sre-mathmaps-ie@"): (
        "the speech rule engine's rule files for Internet Explorer only"
    ),
    (r"_static/offline/mathjax/", "https://cdn.jsdelivr.net/npm/wicked-good-xpath@"): (
        "an XPath polyfill loaded only by browsers without document.evaluate (IE)"
    ),
    (r"_static/offline/mathjax/", "https://www.mathjax.org"): (
        "a hyperlink in the math menu's 'About MathJax' box"
    ),
}


def _allowed(rel: str, url: str) -> bool:
    url = "https:" + url if url.startswith("//") else url
    return any(
        re.search(pattern, rel) and url.startswith(prefix)
        for (pattern, prefix) in ALLOWED_INTERNET_REFERENCES
    )


def _strip_css_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def internet_loads(site: Path) -> list[str]:
    """``file: what`` for each load of a script, style, font... from the internet."""
    found: list[tuple[str, str, str]] = []  # (file, url, how)
    for page in site_html_files(site):
        rel = page.relative_to(site).as_posix()
        doc = parse_html(page)
        for tag, attr, url in doc.refs:
            if is_external(url) and re.match(r"^(https?:)?//", url):
                if tag in FETCHING_TAGS and attr in (
                    "src",
                    "data",
                    "srcset",
                    "poster",
                    "href",
                ):
                    found.append((rel, url, f"<{tag} {attr}>"))
        for rels, href in doc.link_rels:
            if re.match(r"^(https?:)?//", href) and FETCHING_RELS & set(rels.split()):
                found.append((rel, href, f"<link rel={rels}>"))
        for css in doc.inline_styles:
            found += [
                (rel, u, "inline CSS")
                for u in CSS_LOAD.findall(_strip_css_comments(css))
            ]
        for js in doc.inline_scripts:
            urls = set(JS_LOAD.findall(js)) | set(CDN_HOSTS.findall(js))
            found += [(rel, u, "inline script") for u in sorted(urls)]
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in (".css", ".js", ".mjs"):
            continue
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".css":
            urls = set(CSS_LOAD.findall(_strip_css_comments(text)))
        else:
            urls = set(JS_LOAD.findall(text)) | set(CDN_HOSTS.findall(text))
        found += [
            (rel, u, "CSS" if path.suffix == ".css" else "JS") for u in sorted(urls)
        ]
    return sorted(
        {f"{rel}: {url} ({how})" for rel, url, how in found if not _allowed(rel, url)}
    )
