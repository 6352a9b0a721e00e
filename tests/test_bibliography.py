"""References: book/references.bib, the two bibliography pages, and the citations.

Static checks (no build needed):

* every entry of book/references.bib parses, belongs to a group (``keywords``) and
  can be found (a DOI or an address), except the walkthrough, whose copy has none;
* both bibliography pages list every group, the Korean one with ``:keyprefix: ko-``;
* every ``{cite}`` key resolves, and stays in its language: English pages cite
  ``key``, Korean pages ``ko-key`` (an unprefixed key on a Korean page would link to
  the English bibliography without any warning from the build).

On the built sites (``make book`` first; skipped without it): both bibliography
pages list every entry, and "Previous"/"Next" never lead out of a page's own site
(one site per language, tools/book.py). Run these on another build with
``python tests/test_bibliography.py PATH/_build/html``.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from pathlib import Path

import pytest
from pybtex.database import parse_file

from tests.site_helpers import ROOT, SITE, all_pages

BIB = ROOT / "book" / "references.bib"
PAGES = {"en": ROOT / "book/en/bibliography.md", "ko": ROOT / "book/ko/bibliography.md"}
PREFIX = {"en": "", "ko": "ko-"}
GROUPS = ["source", "vi", "noise", "scoring", "roads", "posterior"]
NO_ADDRESS = {"walkthrough"}  # the copy the book follows names none
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
BIBLIOGRAPHY = re.compile(r"^```\{bibliography\}\n(.*?)^```", re.M | re.S)



def entries() -> dict:
    return dict(parse_file(str(BIB), bib_format="bibtex").entries)


def cited_keys(lang: str) -> list[tuple[str, str]]:
    """(where, key) for every citation on the pages of one language."""
    paths = sorted((ROOT / "notebooks" / lang).glob("*.ipynb"))
    paths += sorted((ROOT / "book" / lang).glob("*.md"))
    if lang == "en":  # the shared glossary entries cite plain keys
        paths += sorted((ROOT / "book").glob("*.md"))
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        for keys in CITE.findall(text):
            for key in keys.split(","):
                found.append((str(path.relative_to(ROOT)), key.strip()))
    return found


# ------------------------------------------------------------------------ static
def test_every_entry_has_a_group_and_an_address():
    for key, entry in entries().items():
        assert entry.fields.get("keywords") in GROUPS, (
            f"{key}: keywords not in {GROUPS}"
        )
        fields = entry.fields
        findable = (
            "doi" in fields
            or "url" in fields
            or "\\url" in fields.get("howpublished", "")
        )
        assert findable or key in NO_ADDRESS, f"{key}: no DOI, url or address"
        assert "year" in fields or key in NO_ADDRESS | {"seunghan96bnn"}, (
            f"{key}: no year"
        )


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_bibliography_page_lists_every_group(lang):
    blocks = BIBLIOGRAPHY.findall(PAGES[lang].read_text(encoding="utf-8"))
    groups = [re.search(r':filter: keywords == "(\w+)"', b)[1] for b in blocks]
    assert groups == GROUPS, f"{PAGES[lang].name} ({lang}): groups {groups}"
    for block in blocks:
        prefix = re.search(r":keyprefix: (\S+)", block)
        assert (prefix[1] if prefix else "") == PREFIX[lang], (
            f"book/{lang}/bibliography.md: every block needs "
            f":keyprefix: {PREFIX[lang] or '(none)'}"
        )


def wrong_citations(lang: str, cited: list[tuple[str, str]]) -> list[str]:
    """Citations on ``lang`` pages that resolve nowhere or into the other language."""
    keys, prefix, wrong = set(entries()), PREFIX[lang], []
    for where, key in cited:
        if not key.startswith(prefix) or key.startswith("ko-") != bool(prefix):
            wrong.append(
                f"{where}: {key!r} (a {lang} page cites {prefix or 'no '}prefix)"
            )
        elif key[len(prefix) :] not in keys:
            wrong.append(f"{where}: {key!r} is not in book/references.bib")
    return wrong


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_citations_resolve_in_their_language(lang):
    cited = cited_keys(lang)
    assert cited, f"no citation on the {lang} pages: has the syntax changed?"
    wrong = wrong_citations(lang, cited)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "lang, key, ok",
    [
        ("en", "blundell2015", True),
        ("en", "ko-blundell2015", False),  # the Korean page's entry
        ("ko", "ko-blundell2015", True),
        ("ko", "blundell2015", False),  # would link into the English bibliography
        ("ko", "ko-blundel2015", False),  # no such entry
    ],
)
def test_the_citation_check_catches_a_wrong_key(lang, key, ok):
    assert (wrong_citations(lang, [("page", key)]) == []) == ok


# -------------------------------------------------------------------- built site
def _site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.skip("no built sites in _build/html: run make book first")
    return SITE


def bibliography_problems(site: Path) -> list[str]:
    """Bibliography pages that do not list every entry of references.bib."""
    problems = []
    for lang in PAGES:
        page = site / lang / "book" / lang / "bibliography.html"
        if not page.is_file():
            problems.append(f"{page.relative_to(site)}: not built")
            continue
        listed = page.read_text(encoding="utf-8").count('role="doc-biblioentry"')
        if listed != len(entries()):
            problems.append(f"{page.relative_to(site)}: {listed} of {len(entries())}")
    return problems


NEIGHBOUR = re.compile(
    r'<link rel="(?P<rel>next|prev)"[^>]*href="(?P<head>[^"]+)"'
    r'|<a class="(?P<side>left-prev|right-next)"\s+href="(?P<foot>[^"]+)"'
)


def navigation_problems(site: Path) -> list[str]:
    """Previous/next links (head and footer) that lead out of the page's own site."""
    problems = []
    for page in all_pages():
        path = site / page.html
        if not path.is_file():
            continue
        for match in NEIGHBOUR.finditer(path.read_text(encoding="utf-8")):
            href = match["head"] or match["foot"]
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(page.html), href)
            )
            if not target.startswith(f"{page.lang}/"):
                problems.append(
                    f"{page.html}: {match['rel'] or match['side']} -> {target}"
                )
    return problems


def test_bibliography_pages_list_every_entry():
    problems = bibliography_problems(_site())
    assert not problems, "\n".join(problems)


def test_previous_and_next_stay_in_the_pages_site():
    problems = navigation_problems(_site())
    assert not problems, "links into the other language:\n" + "\n".join(problems)


if __name__ == "__main__":  # check another build: python tests/test_bibliography.py DIR
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else SITE
    problems = bibliography_problems(site) + navigation_problems(site)
    print("\n".join(problems) or f"{site}: bibliography and navigation OK")
    sys.exit(1 if problems else 0)
