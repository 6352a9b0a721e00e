"""Issue 13: answers behind one toggle, exercise boxes everywhere (idempotent).

Usage:  python /tmp/team/nb13.py [NOTEBOOKS_DIR]     (default /work/main/notebooks)
        python /tmp/team/nb13.py --check [DIR]       exit 1 if a notebook would change

Edits notebooks/{en,ko}/*.ipynb in place; metadata and markdown only (no code-cell
source, no output is touched):

1. Solution code cells (tags ``solution`` + ``hide-input``): the tag ``hide-input``
   becomes ``hide-cell``, so the site hides source *and* output behind one toggle;
   cell metadata ``jupyter: {source_hidden: true, outputs_hidden: true}`` collapses
   both in JupyterLab; ``mystnb: {code_prompt_show, code_prompt_hide}`` labels the
   site's toggle in the page's language ("Show the solution" / "풀이 보기").
2. Chapters 4 and 5 state their exercises as bold text (``**Exercise 1 (title).**``,
   ``**연습 1 (제목).**``): they become the same ``{admonition}`` box (``:class:
   tip``) as chapters 1-3 and 6, numbered by chapter ("Exercise 4.1 · Title",
   "연습 4.1 · 제목"); answers without a number, ``:::{dropdown} Answer`` /
   ``풀이`` / ``답``, become "Solution 4.1" / "풀이 4.1" as in the other chapters;
   a Korean box titled "연습 문제 7.1" becomes "연습 7.1" like the others.

Running it twice changes nothing the second time. The JSON is written as the repo
keeps it: json.dumps(nb, ensure_ascii=False, indent=1) + "\n".
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PROMPTS = {
    "en": {"code_prompt_show": "Show the solution (code and output)",
           "code_prompt_hide": "Hide the solution"},
    "ko": {"code_prompt_show": "풀이 보기 (코드와 출력)",
           "code_prompt_hide": "풀이 숨기기"},
}
HIDDEN = {"source_hidden": True, "outputs_hidden": True}
EXERCISE_WORD = {"en": "Exercise", "ko": "연습"}
SOLUTION_WORD = {"en": "Solution", "ko": "풀이"}
# **Exercise 1 (the KL once per data set).** rest   /   **연습 1 (제목).** rest
BOLD_EXERCISE = re.compile(
    r"\A\*\*(?:Exercise|연습)\s+(\d+)\s*\((.+?)\)\.?\*\*\.?\s*(.*)\Z", re.S
)
# :::{dropdown} Answer   /   :::{dropdown} 풀이 or 답   (no number yet)
BARE_DROPDOWN = re.compile(
    r"\A(:::+)\{dropdown\}[ \t]*(Answer|Solution|풀이|답)[ \t]*$", re.M
)
# :::{admonition} 연습 문제 7.1 · ...  ->  연습 7.1 (as chapters 1-6 name them)
KO_EXERCISE_TITLE = re.compile(r"\A(:::+)\{admonition\} 연습 문제 (\d+\.\d+)")


def lines(text: str) -> list[str]:
    out = text.splitlines(keepends=True)
    if out and out[-1].endswith("\n"):
        out[-1] = out[-1][:-1]
    return out


def source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def chapter_number(path: Path) -> int:
    return int(path.name.split("-", 1)[0])


def fix_solution_code(cell, lang: str) -> None:
    t = tags(cell)
    if cell["cell_type"] != "code" or "solution" not in t:
        return
    t = ["hide-cell" if x == "hide-input" else x for x in t]
    if "hide-cell" not in t:
        t.insert(t.index("solution") + 1, "hide-cell")
    cell["metadata"]["tags"] = list(dict.fromkeys(t))  # no duplicate
    cell["metadata"]["jupyter"] = dict(HIDDEN)
    cell["metadata"]["mystnb"] = dict(PROMPTS[lang])


def box_exercises(nb, lang: str, chapter: int) -> None:
    """Bold-text exercises become admonitions; bare answers get the number."""
    number = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        t = tags(cell)
        text = source(cell)
        if "exercise" in t:
            number += 1
            match = BOLD_EXERCISE.match(text.strip())
            if match is None:  # already a box: at most the Korean title's wording
                new = KO_EXERCISE_TITLE.sub(r"\1{admonition} 연습 \2", text, count=1)
                if new != text:
                    cell["source"] = lines(new)
                continue
            n, title, rest = match.groups()
            if int(n) != number:
                raise SystemExit(f"exercise {n} is the {number}th of chapter {chapter}")
            title = title.strip()
            if lang == "en":
                title = title[0].upper() + title[1:]
            head = f"{EXERCISE_WORD[lang]} {chapter}.{number} · {title}"
            cell["source"] = lines(
                f":::{{admonition}} {head}\n:class: tip\n{rest.rstrip()}\n:::"
            )
        elif "solution" in t and number:
            new = BARE_DROPDOWN.sub(
                lambda m: f"{m[1]}{{dropdown}} {SOLUTION_WORD[lang]} {chapter}.{number}",
                text, count=1,
            )
            if new != text:
                cell["source"] = lines(new)


def edit(path: Path) -> bool:
    """Edit one notebook in place; True if it changed."""
    lang = path.parent.name
    before = path.read_text(encoding="utf-8")
    nb = json.loads(before)
    for cell in nb["cells"]:
        fix_solution_code(cell, lang)
    box_exercises(nb, lang, chapter_number(path))
    after = json.dumps(nb, ensure_ascii=False, indent=1) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = Path(args[0]) if args else Path("/work/main/notebooks")
    paths = sorted(p for lang in ("en", "ko") for p in (root / lang).glob("*.ipynb"))
    if not paths:
        raise SystemExit(f"no notebooks in {root}/{{en,ko}}")
    changed = []
    for path in paths:
        if check:
            nb_text = path.read_text(encoding="utf-8")
            if edit(path):
                changed.append(path)
                path.write_text(nb_text, encoding="utf-8")  # put it back
        elif edit(path):
            changed.append(path)
    for path in changed:
        print(("would change " if check else "changed ") + str(path))
    print(f"{len(changed)} of {len(paths)} notebooks {'need' if check else 'got'} "
          "the issue-13 edits")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
