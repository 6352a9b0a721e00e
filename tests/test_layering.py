"""The house's layering (CONTRIBUTING.md, "Layout and imports"), read from every
Python file of every folder: who may import whom, no import around the layout
(``sys.path`` edits), no private name taken from another module.

A reader who follows the import lines finds the whole dependency graph: what a
folder uses is what it names, by its full name.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The folders of project code and the top-level package each one is imported as.
FOLDERS = {"vi_helpers": "vi_helpers", "vi_explorer": "vi_explorer", "tools": "tools",
           "benchmarks": "benchmarks", "book/_ext": "book", "tests": "tests"}

#: Which of the project's packages each package may import (itself always).
#: Downhill only: the lesson imports nothing of the project; the tooling imports
#: the lesson; the explorer app imports the lesson and the tooling's numerics; the
#: site and the benchmarks import those three; the tests import all.
MAY_IMPORT = {
    "vi_helpers": set(),
    "tools": {"vi_helpers"},
    "vi_explorer": {"vi_helpers", "tools"},
    "book": {"tools", "vi_helpers", "vi_explorer"},
    "benchmarks": {"tools", "vi_helpers", "vi_explorer"},
    "tests": {"vi_helpers", "vi_explorer", "tools", "book", "benchmarks"},
}
PROJECT = set(MAY_IMPORT)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _package_of(path: Path) -> str:
    rel = path.relative_to(ROOT).as_posix()
    return next(pkg for folder, pkg in FOLDERS.items() if rel.startswith(folder + "/"))


def _private(name: str) -> bool:
    """A private name: one leading underscore. ``_ext`` is not one: it is the folder
    of the site's extension (``book._ext``), named the way Jupyter Book names it."""
    return name.startswith("_") and not name.startswith("__") and name != "_ext"


def problems_in(source: str, package: str, path: str = "<string>") -> list[Problem]:
    """Every break of the layering in one file of ``package``."""
    found = []
    tree = ast.parse(source)
    module_aliases: set[str] = set()  # names bound to another module of the project
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in PROJECT and top != package and top not in MAY_IMPORT[package]:
                    found.append(Problem(path, node.lineno,
                                         f"{package} imports {alias.name}"))
                if top in PROJECT:
                    if any(_private(part) for part in alias.name.split(".")[1:]):
                        found.append(Problem(path, node.lineno,
                                             f"imports the private {alias.name}"))
                    module_aliases.add(alias.asname or top)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside this package
                other = False
                mod = node.module or ""
            else:
                mod = node.module or ""
                top = mod.split(".")[0]
                if top not in PROJECT:
                    continue
                other = top != package
                if other and top not in MAY_IMPORT[package]:
                    found.append(Problem(path, node.lineno, f"{package} imports {mod}"))
                if other and any(_private(part) for part in mod.split(".")[1:]):
                    found.append(Problem(path, node.lineno,
                                         f"imports from the private {mod}"))
            for alias in node.names:
                # `from . import _validate` (a package's own private module) is its
                # own business; a private name of another module is not
                if _private(alias.name) and (mod or other):
                    found.append(Problem(path, node.lineno,
                                         f"imports the private {alias.name} from "
                                         f"{'.' * node.level}{mod}"))
                module_aliases.add(alias.asname or alias.name)
        elif (isinstance(node, ast.Attribute) and node.attr == "path"
              and isinstance(node.value, ast.Name) and node.value.id == "sys"):
            found.append(Problem(path, node.lineno, "uses sys.path"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases):
            found.append(Problem(path, node.lineno,
                                 f"uses the private {node.value.id}.{node.attr}"))
    return found


def project_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")
                  if "fixtures" not in p.parts)


def test_every_folder_is_read():
    files = project_files()
    for folder in FOLDERS:
        assert any(p.is_relative_to(ROOT / folder) for p in files), folder
    assert len(files) > 60


def test_imports_go_downhill_and_never_around_the_layout():
    problems = [str(p) for path in project_files()
                for p in problems_in(path.read_text(encoding="utf-8"),
                                     _package_of(path),
                                     path.relative_to(ROOT).as_posix())]
    assert not problems, "the layering is broken:\n" + "\n".join(problems)


@pytest.mark.parametrize("package, source, what", [
    ("vi_helpers", "import tools.execute\n", "vi_helpers imports tools.execute"),
    ("vi_helpers", "from benchmarks import common\n", "vi_helpers imports benchmarks"),
    ("tools", "from tests.site_helpers import serve\n", "tools imports tests"),
    ("benchmarks", "import sys\nsys.path.insert(0, 'tests')\n", "uses sys.path"),
    ("tools", "from vi_helpers.predict import _mu_sigma\n", "private _mu_sigma"),
    ("tools", "from vi_helpers import _validate\n", "private _validate"),
    ("tests", "from tests import test_site\nx = test_site._chromium\n",
     "private test_site._chromium"),
    ("book", "from benchmarks import report\n", "book imports benchmarks"),
    ("vi_helpers", "from vi_explorer.widget import live_explorer\n",
     "vi_helpers imports vi_explorer.widget"),
    ("tools", "import vi_explorer.grid\n", "tools imports vi_explorer.grid"),
])
def test_the_check_catches_a_copy_that_breaks_it(package, source, what):
    found = [str(p) for p in problems_in(source, package)]
    assert any(what in p for p in found), found


@pytest.mark.parametrize("package, source", [
    ("vi_helpers", "from . import _validate\nfrom .data import make_dataset\n"),
    ("tools", "import vi_helpers as vh\nfrom vi_helpers.predict import Z90\n"),
    ("book", "from tools import offline_assets as va\n"),
    ("tests", "from benchmarks import source_reference as src\n"),
])
def test_the_check_lets_downhill_imports_pass(package, source):
    assert problems_in(source, package) == []
