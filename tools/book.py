"""Build the book: one site per language from the one source tree (``make book``).

    python -m tools.book             # both sites, then the landing page
    python -m tools.book --lang ko   # the Korean site only

First the offline browser assets (``tools/fetch_assets.py``), then Jupyter Book's
own Sphinx build once per language, each in a process of its own (Sphinx keeps its
translations and docutils its directives in module globals), both at once:

    _build/html/index.html   a landing page that offers both languages (hreflang)
    _build/html/en/          the English site: book/en/_toc.yml, language "en"
    _build/html/ko/          the Korean site: book/ko/_toc.yml, language "ko"

Each site has its own table of contents, sidebar, search index, glossary and figure
numbers per chapter in its language ("Figure 7.2", "그림 7.2"). The build is strict:
a warning fails it (``warningiserror``, after reporting every warning).
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tools import fetch_assets
from tools import offline_assets as va

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SITE = BUILD / "html"
LANGS = ("en", "ko")
LANGUAGE_NAME = {"en": "English", "ko": "한국어"}
TITLE = {"en": "Variational inference for regression", "ko": "변분 추론으로 회귀하기"}
AUTHOR = {"en": "the book's contributors", "ko": "이 책을 만든 사람들"}
#: How a page calls its numbered things; figures number per chapter ("7.2").
NUMFIG_FORMAT = {
    "en": {"figure": "Figure %s", "table": "Table %s", "code-block": "Listing %s",
           "section": "Section %s"},
    "ko": {"figure": "그림 %s", "table": "표 %s", "code-block": "코드 %s",
           "section": "%s절"},
}


def toc_path(lang: str, root: Path = ROOT) -> Path:
    """The table of contents of one language's site: ``book/<lang>/_toc.yml``."""
    return root / "book" / lang / "_toc.yml"


def toc_docnames(lang: str, root: Path = ROOT) -> list[str]:
    """Every page of one site (root first), as Sphinx names them (no extension);
    none where the site has no table of contents (another Sphinx project)."""
    path = toc_path(lang, root)
    if not path.is_file():
        return []
    found: dict[str, None] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "root") and isinstance(value, str):
                    name = value.strip("/").removesuffix(".md").removesuffix(".ipynb")
                    found.setdefault(name, None)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return list(found)


def other_language(lang: str) -> str:
    return "ko" if lang == "en" else "en"


def counterpart(docname: str, lang: str) -> str:
    """The same page's name in the other language: ``notebooks/en/X`` <-> ``.../ko/X``,
    ``book/en/X`` <-> ``book/ko/X`` (whether it exists is the other toc's say)."""
    return docname.replace(f"/{lang}/", f"/{other_language(lang)}/", 1)


def confoverrides(lang: str) -> dict:
    """What differs between the two sites' Sphinx configurations."""
    return {
        "external_toc_path": toc_path(lang).as_posix(),
        "latex_individualpages": False,  # Jupyter Book's own build passes it
        "language": lang,
        "html_title": TITLE[lang],
        "author": AUTHOR[lang],
        "numfig": True,
        "numfig_secnum_depth": 1,
        "numfig_format": NUMFIG_FORMAT[lang],
    }


def build_site(lang: str) -> int:
    """Jupyter Book's Sphinx build of one language into ``_build/html/<lang>``."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        ROOT,
        SITE / lang,
        use_external_toc=True,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides=confoverrides(lang),
        doctreedir=BUILD / ".doctrees" / lang,
        builder="html",
        warningiserror=True,
        keep_going=True,
    )
    return result if isinstance(result, int) else 1


# ------------------------------------------------------------------ landing page
BLURB = {
    "en": "Regression with uncertainty in PyTorch: from the source walkthrough's "
          "MLE network and variational regression to bands that are right, an "
          "explorer, a playground that trains in the page, and other roads to a band.",
    "ko": "불확실성을 다루는 회귀를 PyTorch로 따라갑니다. 원문 워크스루의 "
          "MLE 신경망과 변분 회귀에서 시작해 구간을 제대로 맞히는 모델, 탐색기, "
          "브라우저 안에서 학습하는 플레이그라운드, 구간에 이르는 다른 길까지 "
          "다룹니다.",
}
READ = {"en": "Read in English", "ko": "한국어로 읽기"}

LANDING = """<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title}</title>
{alternates}
{font}
<style>
body {{ margin: 0; font-family: "Noto Sans KR", system-ui, -apple-system,
  "Segoe UI", Roboto, "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR",
  sans-serif; color: #222; background: #fafafa; line-height: 1.6;
  word-break: keep-all; }}
main {{ max-width: 52rem; margin: 4rem auto; padding: 0 1.5rem; }}
h1 {{ font-size: 1.8rem; margin: 0 0 2rem; }}
.choices {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr));
  gap: 1.5rem; }}
a.choice {{ display: block; padding: 1.5rem; border: 1px solid #ccc;
  border-radius: .6rem; background: #fff; color: inherit; text-decoration: none; }}
a.choice:hover, a.choice:focus {{ border-color: #1a66c9;
  box-shadow: 0 0 0 2px #1a66c933; }}
a.choice strong {{ display: block; font-size: 1.3rem; color: #1a66c9;
  margin-bottom: .5rem; }}
</style>
</head>
<body>
<main>
<h1>{heading}</h1>
<div class="choices">
{choices}
</div>
</main>
</body>
</html>
"""


def site_root_page(lang: str) -> str:
    """The root page of one site, relative to ``_build/html``."""
    return f"{lang}/{toc_docnames(lang)[0]}.html"


def landing_page(site: Path = SITE, langs=LANGS) -> str:
    """The landing page's HTML: a link to each site, Korean first (its first
    readers), with ``hreflang`` alternates; no script, no request elsewhere."""
    order = [lang for lang in ("ko", "en") if lang in langs]
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{lang}" href="{site_root_page(lang)}" />'
        for lang in order
    )
    font = site / "ko" / "_static" / va.LOCAL["font-css"]
    font_link = (
        f'<link rel="stylesheet" href="ko/_static/{va.LOCAL["font-css"]}" />'
        if font.is_file() else ""
    )
    choices = "\n".join(
        f'<a class="choice" href="{site_root_page(lang)}" hreflang="{lang}" '
        f'lang="{lang}"><strong>{html.escape(READ[lang])}</strong>'
        f"{html.escape(BLURB[lang])}</a>"
        for lang in order
    )
    title = " · ".join(TITLE[lang] for lang in order)
    return LANDING.format(title=html.escape(title), heading=html.escape(title),
                          alternates=alternates, font=font_link, choices=choices)


# -------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", choices=LANGS, action="append",
                        help="build this language's site only (repeatable)")
    parser.add_argument("--site-only", action="store_true",
                        help=argparse.SUPPRESS)  # one language, in this process
    args = parser.parse_args(argv)
    langs = args.lang or list(LANGS)
    if args.site_only:
        status = 0
        for lang in langs:
            began = time.perf_counter()
            status = max(status, build_site(lang))
            print(f"book: {lang} site {'built' if status == 0 else 'FAILED'} "
                  f"in {time.perf_counter() - began:.1f} s")
        return status

    fetch_assets.main()
    start = time.perf_counter()
    runs = {
        lang: subprocess.Popen(
            [sys.executable, "-m", "tools.book", "--site-only", "--lang", lang],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for lang in langs
    }
    failed = []
    for lang, proc in runs.items():  # each prints how long its build took
        output, _ = proc.communicate()
        print(f"\n===== {lang}: _build/html/{lang} =====\n{output}", end="")
        if proc.returncode:
            failed.append(lang)
    # myst-nb writes cell outputs next to the output folder: not part of a site
    shutil.rmtree(SITE / "jupyter_execute", ignore_errors=True)
    if failed:
        print(f"book: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    built = [lang for lang in LANGS if (SITE / lang / "index.html").is_file()]
    (SITE / "index.html").write_text(landing_page(SITE, built), encoding="utf-8")
    print(f"book: {' and '.join(langs)} in {time.perf_counter() - start:.1f} s; "
          f"open {(SITE / 'index.html').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
