"""JupyterLab for the book's notebooks: ``python -m tools.lab [folder] [options]``.

Starts ``jupyter lab`` (every option is passed on) with custom CSS
(``tools/lab_custom/custom.css``) that adds NanumGothic, the font that
koreanize-matplotlib ships for the figures, as the last font for Hangul: Korean
text then draws on a computer with no Korean font of its own, where plain
``jupyter lab`` shows boxes. The MyST markup of the notebooks (notes, exercises,
solutions, math) renders through the ``jupyterlab-myst`` extension, which
``requirements.txt`` installs and JupyterLab enables by itself.

JupyterLab opens each notebook through :class:`BookContents`, which shows it
the way the site does where ``jupyterlab-myst`` cannot: that extension knows no
glossary and no bibliography, so a ``{term}`` role would be a link to ``#`` and a
``{cite}`` role a "Citation Not Found" mark, and it numbers every display
equation, which the site does not. In what the lab shows, a glossary term reads
as plain text, a citation as the site writes it ("[Kingma and Welling, 2014]",
from ``book/references.bib``), and the first markdown cell carries MyST
front matter that turns equation numbers off. Saving puts the cell's own markup
back in every cell the reader did not edit (:func:`from_lab`), so the notebooks
on disk keep their roles, and so does a copy.

Its kernels start on one torch thread (``OMP_NUM_THREADS=1``, unless it is set):
the book's networks are so small that a second thread mostly waits, and on a
laptop where two notebooks train at once it makes both several times slower
(the Performance page measures it).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from vi_helpers.i18n import hangul_font_path

#: The folder of custom.css, served under /custom/ with the web fonts.
CUSTOM = Path(__file__).resolve().parent / "lab_custom"

#: The font files custom.css asks for, looked for next to hangul_font_path().
FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")


def web_fonts(out: Path | str, font: str | None = None) -> list[Path]:
    """Copies of the NanumGothic files that a browser accepts, written into ``out``.

    The files carry Visual TrueType's source tables (``TSI0``-``TSI5``), which
    only the font's makers use; Chromium's font checker rejects the whole font
    for them ("Invalid font data"), so the copies leave them out. ``font`` is the
    regular NanumGothic (default: :func:`hangul_font_path`); returns the files
    written, none when there is no font.
    """
    from fontTools.ttLib import TTFont  # matplotlib's own dependency

    font = hangul_font_path() if font is None else font
    if font is None:
        return []
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FONT_FILES:
        src = Path(font).parent / name
        if not src.is_file():
            continue
        ttf = TTFont(src)
        for tag in [t for t in ttf.keys() if t.startswith("TSI")]:
            del ttf[tag]
        ttf.save(out / name)
        written.append(out / name)
    return written


# ------------------------------------------------- what JupyterLab shows of the MyST

#: The book's references (sphinxcontrib-bibtex reads the same file for the site).
BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"

#: ``{term}`text <target>``` or ``{term}`text```: the glossary role.
TERM = re.compile(r"\{term\}`([^`]*)`")
#: ``{cite:p}`a,b```, ``{cite:t}`a```, ``{cite}`a```: sphinxcontrib-bibtex's roles.
CITE = re.compile(r"\{cite(?::([a-z]+))?\}`([^`]*)`")
#: A role that JupyterLab would show as something other than text (none may
#: remain in what the lab shows: tests/test_lab_markdown.py).
ROLE = re.compile(r"\{[a-z][a-z:-]*\}`")
#: MyST front matter for the first markdown cell: no equation numbers, as on the
#: site (jupyterlab-myst reads a notebook's front matter from that cell).
FRONT_MATTER = "---\nnumbering:\n  equation: false\n---\n"
#: Characters that would mean markup where a term or citation is text.
#: The cell metadata key that holds a markdown cell's own markup while the lab
#: shows it rewritten (never in a file: saving takes it out).
MARKUP = "vi_book_markup"
_MARKDOWN = re.compile(r"([\\`*_\[\]<>$|~#])")
_FIELD = re.compile(r"[\s,]*(\w+)\s*=\s*")


def _bib_value(text: str, start: int) -> tuple[str, int]:
    """The braced or quoted value at ``text[start]`` and the index after it."""
    close = {"{": "}", '"': '"'}[text[start]]
    depth, i = 0, start
    while True:
        i += 1
        ch = text[i]
        if ch == "{" and close == "}":
            depth += 1
        elif ch == close and depth == 0:
            return text[start + 1:i], i + 1
        elif ch == "}":
            depth -= 1


def references(path: Path | str = BIB) -> dict[str, tuple[str, str]]:
    """``{key: (who, year)}`` of a BibTeX file, as the site's author-year citations
    write them: "Vink", "Kingma and Welling", "Blundell et al." (three or more),
    the title where there is no author, "n.d." where there is no year. Empty
    where the file is missing (a handout without it)."""
    path = Path(path)
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    found = {}
    for entry in re.finditer(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, re.M):
        fields, i = {}, entry.end()
        while (field := _FIELD.match(text, i)) and text[field.end()] in '{"':
            value, i = _bib_value(text, field.end())
            fields[field.group(1).lower()] = " ".join(value.split())
        names = re.split(r"\s+and\s+", fields.get("author", ""))
        authors = [a.split(",")[0].strip() if "," in a else a.split()[-1]
                   for a in names if a.strip()]
        if len(authors) >= 3:
            who = f"{authors[0]} et al."
        elif authors:
            who = " and ".join(authors)
        else:
            who = fields.get("title", entry.group(1))
        found[entry.group(1)] = (who.replace("{", "").replace("}", ""),
                                 fields.get("year", "n.d."))
    return found


def cite_text(kind: str | None, keys: str, refs: Mapping[str, tuple[str, str]]) -> str:
    """A citation as the site writes it: ``[Who, Year, Who, Year]`` (``cite:p``,
    in the bibliography's order) or ``Who [Year]`` (``cite:t``). A Korean key
    (``ko-key``) is the same entry; a key not in ``refs`` stays a key."""
    keys = [k.strip() for k in keys.split(",")]
    cited = sorted((refs.get(k.removeprefix("ko-"), (k, "")) for k in keys),
                   key=lambda who_year: (who_year[0].lower(), who_year[1]))
    if kind == "t":
        return ", ".join(f"{who} [{year}]" if year else who for who, year in cited)
    return "[" + ", ".join(f"{who}, {year}" if year else who
                           for who, year in cited) + "]"


def lab_markdown(source: str, refs: Mapping[str, tuple[str, str]],
                 first: bool = False) -> str:
    """One markdown cell as the lab shows it: terms as their text, citations as
    the site writes them, and (``first``) the front matter that turns equation
    numbers off."""
    def term(m: re.Match) -> str:
        text = re.sub(r"\s*<[^<>]*>$", "", m.group(1)).strip()
        return _MARKDOWN.sub(r"\\\1", text)

    def cite(m: re.Match) -> str:
        return _MARKDOWN.sub(r"\\\1", cite_text(m.group(1), m.group(2), refs))

    shown = CITE.sub(cite, TERM.sub(term, source))
    if first and not shown.startswith("---\n"):
        shown = FRONT_MATTER + shown
    return shown


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _markdown_cells(nb) -> list:
    return [c for c in nb.get("cells", []) if c.get("cell_type") == "markdown"]


def for_lab(nb, refs: Mapping[str, tuple[str, str]]):
    """The notebook ``nb`` (changed in place, and returned) as the lab shows it;
    each markdown cell that changes keeps its own markup in its metadata
    (:data:`MARKUP`), so that it travels with the cell (a copy, "Save As")."""
    for i, cell in enumerate(_markdown_cells(nb)):
        source = _source(cell)
        shown = lab_markdown(source, refs, first=i == 0)
        if shown != source:
            cell["source"] = shown
            cell.setdefault("metadata", {})[MARKUP] = source
    return nb


def from_lab(nb, refs: Mapping[str, tuple[str, str]]):
    """The notebook ``nb`` that the lab saves (changed in place, and returned),
    with its own markup back in every markdown cell that the reader left as the
    lab showed it; an edited cell keeps the reader's text, without the lab's
    front matter. No :data:`MARKUP` is left in the file."""
    for cell in _markdown_cells(nb):
        markup = cell.get("metadata", {}).pop(MARKUP, None)
        source = _source(cell)
        if markup is not None and source in (lab_markdown(markup, refs),
                                             lab_markdown(markup, refs, first=True)):
            cell["source"] = markup
        elif source.startswith(FRONT_MATTER):
            cell["source"] = source[len(FRONT_MATTER):]
    return nb


class BookContents(AsyncLargeFileManager):
    """jupyter_server's contents manager, with notebooks shown as :func:`for_lab`
    makes them and saved as :func:`from_lab` restores them."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format,
                                  **kwargs)
        if model.get("type") == "notebook" and model.get("content") is not None:
            for_lab(model["content"], references())
        return model

    async def save(self, model, path=""):
        if model.get("type") == "notebook" and model.get("content") is not None:
            from_lab(model["content"], references())
        return await super().save(model, path)


def main(argv: Sequence[str] | None = None) -> int:
    from jupyterlab.labapp import LabApp

    os.environ.setdefault("OMP_NUM_THREADS", "1")  # the kernels inherit it
    fonts = Path(tempfile.mkdtemp(prefix="vi-book-lab-"))
    web_fonts(fonts)

    class BookLab(LabApp):
        """``jupyter lab`` serving /custom/ from custom.css's folder and the fonts,
        with the book's contents manager.

        The server's ``static_custom_path`` is not configurable, so it is set
        where jupyter_server allows it: when the server is made.
        """

        @classmethod
        def get_extension_package(cls) -> str:
            return "jupyterlab"  # the extension is JupyterLab itself

        @classmethod
        def make_serverapp(cls, **kwargs):
            return super().make_serverapp(
                static_custom_path=[str(CUSTOM), str(fonts)],
                contents_manager_class=BookContents, **kwargs
            )

    try:
        BookLab.launch_instance(
            argv=["--LabApp.custom_css=True",
                  *(sys.argv[1:] if argv is None else argv)]
        )
    finally:
        shutil.rmtree(fonts, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
