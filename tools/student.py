"""Student notebooks without solutions: ``python -m tools.student``.

For each language, copies ``notebooks/<lang>/*.ipynb`` into ``student/<lang>/``
with every cell tagged ``solution`` replaced by a short placeholder, the cells
the book hides (``remove-cell``: checks for the test suite) left out, outputs and
execution counts cleared. Then zips each language with what the notebooks need
to run (``vi_helpers``, ``requirements.txt``, ``pyproject.toml``, ``book/data``,
the doctor and the JupyterLab launcher of ``tools/``) into
``student/vi-book-student-<lang>.zip``.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import shutil
import sys
import zipfile
from pathlib import Path

import nbformat

from vi_helpers.i18n import LANGUAGES, check_language

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "student"

#: What replaces a solution cell, by language and cell type.
PLACEHOLDERS = {
    "en": {"code": "# Your solution here", "markdown": "*Your answer here.*"},
    "ko": {"code": "# 여기에 풀이를 작성하세요", "markdown": "*여기에 답을 적으세요.*"},
}

#: Tags that only make sense on a solution, dropped from its placeholder.
SOLUTION_TAGS = {"solution", "hide-input", "hide-output", "hide-cell"}

#: Cell metadata that hides a solution (collapsed in JupyterLab, the site's toggle
#: text): a placeholder is there to be seen and typed into.
SOLUTION_METADATA = {"jupyter", "mystnb"}

#: Cell metadata that records a run (timings, scroll state): not for a handout.
RUN_METADATA = {"execution", "collapsed", "scrolled", "ExecuteTime"}

#: Files from the repository root that go into each zip beside the notebooks:
#: the lesson package and the explorer app (chapter 6's widget), what running the
#: notebooks needs (requirements.txt, not the book's build and test tools), the
#: pre-flight check and the JupyterLab launcher.
SUPPORT = (
    "requirements.txt", "pyproject.toml", "LICENSE", "vi_helpers", "vi_explorer",
    "book/data", "book/references.bib",
    "tools/__init__.py", "tools/doctor.py", "tools/lab.py", "tools/lab_custom",
)

_SETUP = {
    "en": """\
# Variational inference for regression: student notebooks

The book's chapters with the exercise solutions taken out. No GPU is needed, ever:
every chapter runs on a laptop's CPU. Set up once, with Python 3.11 to 3.14
(on Ubuntu 22.04, `sudo apt install python3.11 python3.11-venv`, and use
`python3.11` for `python` in the first line):

    python -m venv .venv
    source .venv/bin/activate        # Windows: .venv\\Scripts\\activate

Install PyTorch for the CPU:

* Linux: `pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu`
  (plain pip would fetch the CUDA build, several GB that a CPU never uses);
* macOS and Windows: nothing to do, the next command installs the CPU build.

Then the rest, a check, and JupyterLab:

    pip install -r requirements.txt
    pip install --no-deps -e .
    python -m tools.doctor           # every line should start with OK
    python -m tools.lab notebooks/{lang}

`python -m tools.lab` is `jupyter lab` with a Korean font of its own, for a Linux
computer that has none (plain `jupyter lab` works too). Where a cell says
`# Your solution here`, write your own code.

**Where the book is.** The same chapters with their solutions, folded away under
each exercise for when you are done, are the book's web pages. They are not in this
zip: your teacher serves them in the room or hands out their folder, built from
the book's repository (open `index.html` in it; no internet needed). The
notebooks here link to each other; links to the book's other pages and to the
other language's edition are left as plain text.
""",
    "ko": """\
# 변분 추론으로 회귀하기: 실습용 노트북

연습문제의 풀이를 뺀 교재 노트북입니다. GPU는 필요 없습니다. 모든 장이 노트북
컴퓨터의 CPU에서 돌아갑니다. 처음 한 번만 준비하면 됩니다(Python 3.11–3.14.
Ubuntu 22.04에서는 `sudo apt install python3.11 python3.11-venv`로 설치하고
첫 줄의 `python` 대신 `python3.11`을 씁니다):

    python -m venv .venv
    source .venv/bin/activate        # Windows: .venv\\Scripts\\activate

CPU용 PyTorch를 설치합니다.

* Linux: `pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu`
  (그냥 pip로 설치하면 CPU에서는 쓰지 않는 수 GB짜리 CUDA 빌드를 받습니다)
* macOS와 Windows: 따로 할 일이 없습니다. 다음 명령이 CPU 빌드를 설치합니다.

그다음 나머지를 설치하고, 점검한 뒤, JupyterLab을 엽니다.

    pip install -r requirements.txt
    pip install --no-deps -e .
    python -m tools.doctor           # 모든 줄이 OK로 시작해야 합니다
    python -m tools.lab notebooks/{lang}

`python -m tools.lab`은 한글 글꼴을 함께 가져오는 `jupyter lab`입니다. 한글 글꼴이
없는 Linux 컴퓨터에서도 한글이 네모로 깨지지 않습니다(`jupyter lab`으로 열어도
됩니다). `# 여기에 풀이를 작성하세요`라고 적힌 셀에 직접 코드를 써 보세요.

**교재는 어디에 있나요?** 같은 장을 풀이까지 담은 것이 교재 웹 페이지입니다. 풀이는 각
연습문제 아래에 접혀 있어서 다 풀고 나서 펼쳐 볼 수 있습니다. 웹 페이지는 이 압축 파일에
들어 있지 않습니다. 강사가 교재 저장소에서 만들어 강의실에서 띄워 주거나 폴더로 나눠
줍니다(그 안의 `index.html`을 열면 인터넷 없이도 읽을 수 있습니다). 여기
노트북끼리는 서로 연결되어 있고, 교재의 다른 쪽과 다른 언어판으로 가는 링크는
보통 글자로 남겨 두었습니다.
""",
}
README = {lang: text.replace("{lang}", lang) for lang, text in _SETUP.items()}

#: A fixed timestamp for zip entries, so the same notebooks give the same zip.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


#: A Markdown link: [text](target), the target without spaces.
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def local_links(source: str, here: str, inside) -> str:
    """``source`` with every link that leaves the handout turned into its text.

    ``here`` is the notebook's folder in the zip (``notebooks/en``); a relative
    link whose file (``#anchor`` aside) is not in ``inside`` (the zip's paths)
    would be dead, such as the other language's chapter or a page of the book's
    site. Web links stay.
    """
    def keep_or_text(match: re.Match) -> str:
        text, target = match[1], match[2]
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match[0]
        path = posixpath.normpath(posixpath.join(here, target.split("#", 1)[0]))
        return match[0] if path in inside else text

    return LINK.sub(keep_or_text, source)


def tags(cell) -> list[str]:
    """The cell's tags (an empty list when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def notebook_paths(notebooks: Path | str, lang: str) -> list[Path]:
    """The chapters of one language, sorted by name."""
    folder = Path(notebooks) / check_language(lang)
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def student_notebook(nb: nbformat.NotebookNode, lang: str,
                     inside: frozenset[str] | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` for learners: placeholders for solutions, no outputs.

    Cells tagged ``solution`` keep their type and id but their source becomes
    ``PLACEHOLDERS[lang][cell_type]``; cells tagged ``remove-cell`` are left out;
    every code cell loses its outputs and execution count. ``inside``: the paths
    the handout holds; a link in a markdown cell to anything else becomes its text
    (:func:`local_links`).
    """
    placeholders = PLACEHOLDERS[check_language(lang)]
    out = nbformat.from_dict(nb)  # a deep copy
    cells = []
    for cell in out.cells:
        cell_tags = tags(cell)
        if "remove-cell" in cell_tags:
            continue
        for key in RUN_METADATA:
            cell.metadata.pop(key, None)
        if "solution" in cell_tags:
            cell.source = placeholders[cell.cell_type]
            for key in SOLUTION_METADATA:
                cell.metadata.pop(key, None)
            kept = [t for t in cell_tags if t not in SOLUTION_TAGS]
            if kept:
                cell.metadata["tags"] = kept
            else:
                cell.metadata.pop("tags", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        elif inside is not None:
            cell.source = local_links(cell.source, f"notebooks/{lang}", inside)
        cells.append(cell)
    out.cells = cells
    out.metadata.pop("widgets", None)  # saved widget state belongs to the outputs
    return out


def _zip(out: Path, lang: str, notebooks: list[Path], root: Path) -> Path:
    """Write ``vi-book-student-<lang>.zip``: a folder that runs on its own."""
    top = f"vi-book-student-{lang}"
    path = out / f"{top}.zip"
    files: list[tuple[Path, str]] = [
        (p, f"notebooks/{lang}/{p.name}") for p in notebooks
    ]
    for name in SUPPORT:
        src = root / name
        if src.is_file():
            files.append((src, name))
        elif src.is_dir():
            for f in sorted(src.rglob("*")):
                if f.is_file() and "__pycache__" not in f.parts:
                    files.append((f, f.relative_to(root).as_posix()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        entries = [(f"{top}/README.md", README[lang].encode("utf-8"))]
        entries += [(f"{top}/{arc}", src.read_bytes()) for src, arc in files]
        for arcname, data in entries:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return path


def build(
    notebooks: Path | str = NOTEBOOKS,
    out: Path | str = OUT,
    root: Path | str = ROOT,
    languages: tuple[str, ...] = LANGUAGES,
) -> dict[str, list[Path]]:
    """Write the student notebooks and zips; returns {lang: [written notebooks]}.

    ``out/<lang>/`` is emptied first, so a chapter that was renamed or removed
    does not linger. ``root`` is where the zip's support files are taken from.
    """
    out, root = Path(out), Path(root)
    written: dict[str, list[Path]] = {}
    for lang in languages:
        sources = notebook_paths(notebooks, lang)
        if not sources:
            raise ValueError(f"notebooks must hold {lang}/*.ipynb, found none in "
                             f"{Path(notebooks) / lang}")
        folder = out / lang
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        written[lang] = []
        inside = frozenset(f"notebooks/{lang}/{p.name}" for p in sources)
        for src in sources:
            nb = student_notebook(nbformat.read(src, as_version=4), lang, inside)
            dst = folder / src.name
            nbformat.write(nb, dst)
            written[lang].append(dst)
        _zip(out, lang, written[lang], root)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.student", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    written = build(args.notebooks, args.out)
    for lang, paths in written.items():
        print(f"{args.out / lang}: {len(paths)} notebooks, "
              f"{args.out / f'vi-book-student-{lang}.zip'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
