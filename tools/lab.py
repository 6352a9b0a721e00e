"""JupyterLab for the book's notebooks: ``python -m tools.lab [folder] [options]``.

Starts ``jupyter lab`` (every option is passed on) with custom CSS
(``tools/lab_custom/custom.css``) that adds NanumGothic, the font that
koreanize-matplotlib ships for the figures, as the last font for Hangul: Korean
text then draws on a computer with no Korean font of its own, where plain
``jupyter lab`` shows boxes. The MyST markup of the notebooks (notes, exercises,
solutions, math) renders through the ``jupyterlab-myst`` extension, which
``requirements.txt`` installs and JupyterLab enables by itself.

Its kernels start on one torch thread (``OMP_NUM_THREADS=1``, unless it is set):
the book's networks are so small that a second thread mostly waits, and on a
laptop where two notebooks train at once it makes both several times slower
(the Performance page measures it).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

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


def main(argv: Sequence[str] | None = None) -> int:
    from jupyterlab.labapp import LabApp

    os.environ.setdefault("OMP_NUM_THREADS", "1")  # the kernels inherit it
    fonts = Path(tempfile.mkdtemp(prefix="vi-book-lab-"))
    web_fonts(fonts)

    class BookLab(LabApp):
        """``jupyter lab`` serving /custom/ from custom.css's folder and the fonts.

        The server's ``static_custom_path`` is not configurable, so it is set
        where jupyter_server allows it: when the server is made.
        """

        @classmethod
        def get_extension_package(cls) -> str:
            return "jupyterlab"  # the extension is JupyterLab itself

        @classmethod
        def make_serverapp(cls, **kwargs):
            return super().make_serverapp(
                static_custom_path=[str(CUSTOM), str(fonts)], **kwargs
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
