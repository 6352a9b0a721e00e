"""The editorial rules of the book, held mechanically (English and both languages).

What a second editor would otherwise have to re-read for, in every page of both
sites (the chapters' markdown cells, ``book/{en,ko}/*.md``, ``book/_glossary.md``):

* **no word of the project's own process** on a reader's page (issue, commit,
  hidden check, the authoring machine, load average, 이슈, 커밋, …);
* **time claims equal to the measured times** (English): each chapter says once
  that "the whole notebook runs in about N seconds", and N is the time in
  ``book/data/notebook-times.json`` within the rounding stated in :func:`close_to`;
  the explorer grid's "about N minutes" is its stored ``seconds``; the introduction's
  "under a minute" holds for every chapter; vague times ("half a minute", "many
  minutes") are not allowed;
* **the scope holds for every chapter**: each site's introduction links every
  chapter of its table of contents, and the workshop's second session names the
  last one;
* **one section order** in every chapter of both tables of contents: the opening
  cell's (what it covers,) learning goals, time; at the end the exercises, the
  summary and "next", in that order, and every exercise and solution between the
  first two;
* **one notation**: every symbol of the English chapters' formulas is on the
  notation page, the retired forms are gone from both languages, each chapter
  displays the same equations in both languages, and both notation pages define
  the same symbols in the same order;
* **counts the pages state** (English): "two to four exercises" holds for every
  chapter;
* **the glossary's forms** (English): a term is spelled as its glossary entry spells
  it (no "log variance" for log-variance, no American "-ize" for the book's "-ise").

The chapters checked are those of ``book/{en,ko}/_toc.yml``: a new chapter is
checked as soon as it is listed there. The last tests break a copy of each input
once, to show that every check can fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_glossary import parse_glossary
from tools.book import toc_docnames

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "ko")
TIMES = ROOT / "book" / "data" / "notebook-times.json"
GRID = ROOT / "book" / "data" / "explorer-grid.json"
GLOSSARY = ROOT / "book" / "_glossary.md"


# ------------------------------------------------------------------- reading pages
def chapters(lang: str) -> list[Path]:
    """The chapter notebooks of one site, in the order of its table of contents."""
    return [
        ROOT / f"{name}.ipynb"
        for name in toc_docnames(lang)
        if name.startswith(f"notebooks/{lang}/")
    ]


def markdown_cells(path: Path) -> list[str]:
    """Every markdown cell of a notebook (the reader's text), in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if c["cell_type"] == "markdown" else "" for c in cells]


def cell_tags(path: Path) -> list[list[str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c.get("metadata", {}).get("tags", []) for c in cells]


def reader_pages(root: Path = ROOT) -> list[tuple[str, str]]:
    """(where, text) of every reader's page of both sites."""
    pages = []
    for lang in LANGS:
        for path in sorted((root / "notebooks" / lang).glob("*.ipynb")):
            text = "\n\n".join(markdown_cells(path))
            pages.append((str(path.relative_to(root)), text))
        for path in sorted((root / "book" / lang).glob("*.md")):
            pages.append((str(path.relative_to(root)), path.read_text(encoding="utf-8")))
    pages.append(("book/_glossary.md", GLOSSARY.read_text(encoding="utf-8")))
    return pages


def without_code(text: str) -> str:
    """Prose only: no fenced code blocks, no inline code, no HTML comments."""
    text = re.sub(r"^```(?!\{(?:glossary|admonition|bibliography)).*?^```", "",
                  text, flags=re.M | re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


# ------------------------------------------------- 1. the project's own words
#: The project's process, in both languages. "commits" as a verb (a band commits to
#: a width) is English; "commit", "committed" and "git" are the repository's words.
INTERNAL = [
    r"\bissues?\b", r"\bcommit(?:ted)?\b", r"\bgit\b", r"\bhidden (?:check|assert)",
    r"\bauthoring machine\b", r"\bload average\b", r"\bTODO\b", r"\bFIXME\b",
    r"\bthe lead\b", r"\bhelpers?\b(?= (?:wrote|session))",
    "이슈", "커밋", r"숨은 (?:검사|확인|점검)", r"숨겨진 (?:검사|확인|점검)",
    "작성한 기계", "작성자의 기계", "부하 평균",
]
#: Pages where a word of the list is the reader's subject, not the project's
#: process: the Performance page reports the machine's load average as a condition
#: of each measurement (and the pre-flight check prints it for the workshop). The
#: generated benchmark table names the commit that was measured.
ALLOWED = {
    ("performance.md", r"\bload average\b"), ("performance.md", "부하 평균"),
    ("_bench_table.md", r"\bload average\b"), ("_bench_table.md", "부하 평균"),
    ("_bench_table.md", r"\bcommit(?:ted)?\b"), ("_bench_table.md", "커밋"),
    ("workshop.md", r"\bload average\b"), ("workshop.md", "부하 평균"),
}


def internal_words(where: str, text: str) -> list[str]:
    found = []
    prose = without_code(text)
    for pattern in INTERNAL:
        if (Path(where).name, pattern) in ALLOWED:
            continue
        for match in re.finditer(pattern, prose, flags=re.I):
            context = " ".join(prose[max(0, match.start() - 30): match.end() + 30].split())
            found.append(f"{where}: {match[0]!r} in …{context}…")
    return found


def test_no_project_internal_words_on_a_readers_page():
    found = [f for where, text in reader_pages() for f in internal_words(where, text)]
    assert not found, "\n".join(found)


# ------------------------------------------------------------- 2. time claims
RUN_CLAIM = re.compile(r"whole\s+notebook\s+runs\s+in\s+about\s+(\d+)\s+(seconds?|minutes?)")
ABOUT = re.compile(r"\babout\s+(\d[\d,]*)\s+(seconds?|minutes?)\b(?!\s+to\s+read)", re.I)
VAGUE = re.compile(r"\b(half a minute|many minutes|several minutes|a few minutes|"
                   r"a minute or two)\b", re.I)
GRID_CLAIM = re.compile(r"took\s+about\s+(\d+)\s+minutes")


def close_to(claimed: float, unit: str, measured_s: float) -> bool:
    """The stated rounding: "about N seconds" is the measured time rounded to whole
    seconds below 10 s (within 1 s) and to a multiple of 5 s above (within 3 s: half
    the step, and a little room for the next run); "about N minutes" is rounded to
    whole minutes (within 0.75 min)."""
    if unit.startswith("minute"):
        return abs(measured_s / 60 - claimed) < 0.75
    if claimed < 10:
        return abs(measured_s - claimed) < 1
    return claimed % 5 == 0 and abs(measured_s - claimed) < 3


def time_claim_problems(name: str, cells: list[str], measured_s: float,
                        grid_s: float | None = None) -> list[str]:
    """What is wrong with one English chapter's time claims."""
    problems = []
    claims = RUN_CLAIM.findall(cells[0])
    if len(claims) != 1:
        problems.append(f"{name}: the opening cell should say once 'the whole notebook "
                        f"runs in about N seconds' (found {len(claims)})")
    for number, unit in claims:
        if not close_to(int(number), unit, measured_s):
            problems.append(f"{name}: says about {number} {unit}, measured "
                            f"{measured_s} s")
    grid_claims = []
    for i, text in enumerate(cells):
        prose = without_code(text)
        for match in VAGUE.finditer(prose):
            problems.append(f"{name} [{i}]: vague time {match[0]!r}: say about how long")
        grid_claims += GRID_CLAIM.findall(prose)
        known = len(RUN_CLAIM.findall(prose)) + len(GRID_CLAIM.findall(prose))
        if len(ABOUT.findall(prose)) > known:
            problems.append(f"{name} [{i}]: a time claim this test does not check: "
                            f"{ABOUT.findall(prose)}")
    for number in grid_claims:
        if grid_s is None or not close_to(int(number), "minutes", grid_s):
            problems.append(f"{name}: the grid took about {number} minutes, stored "
                            f"{grid_s} s")
    return problems


def intro_time_problems(intro: str, times: dict[str, float]) -> list[str]:
    problems = [f"book/en/intro.md: vague time {m[0]!r}"
                for m in VAGUE.finditer(without_code(intro))]
    if "under a minute" in intro and max(times.values()) >= 60:
        problems.append("book/en/intro.md says 'under a minute', but a chapter takes "
                        f"{max(times.values())} s")
    if ABOUT.search(without_code(intro)):
        problems.append("book/en/intro.md: a time claim this test does not check")
    return problems


def en_times() -> dict[str, float]:
    times = json.loads(TIMES.read_text(encoding="utf-8"))
    return {k: v for k, v in times.items() if k.startswith("en/")}


@pytest.mark.parametrize("path", chapters("en"), ids=lambda p: p.stem)
def test_time_claims_equal_the_measured_times(path):
    times = en_times()
    key = f"en/{path.name}"
    assert key in times, f"{key} has no measured time: run make notebooks"
    grid_s = json.loads(GRID.read_text(encoding="utf-8"))["seconds"]
    problems = time_claim_problems(path.stem, markdown_cells(path), times[key], grid_s)
    assert not problems, "\n".join(problems)


def test_the_introductions_time_claims_hold():
    intro = (ROOT / "book" / "en" / "intro.md").read_text(encoding="utf-8")
    problems = intro_time_problems(intro, en_times())
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- 3. the scope
def intro_problems(lang: str, intro: str, chapter_paths: list[Path]) -> list[str]:
    """The introduction links every chapter of the table of contents."""
    return [
        f"book/{lang}/intro.md does not link {p.name}"
        for p in chapter_paths
        if f"../../notebooks/{lang}/{p.name}" not in intro
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_introduction_names_every_chapter(lang):
    intro = (ROOT / "book" / lang / "intro.md").read_text(encoding="utf-8")
    problems = intro_problems(lang, intro, chapters(lang))
    assert chapters(lang), f"no chapters in book/{lang}/_toc.yml"
    assert not problems, "\n".join(problems)


def test_the_workshops_second_session_ends_with_the_last_chapter():
    page = (ROOT / "book" / "en" / "workshop.md").read_text(encoding="utf-8")
    last = len(chapters("en"))
    heading = re.search(r"^### A second session: chapters (\d+) to (\d+)", page, re.M)
    assert heading, "book/en/workshop.md: no heading 'A second session: chapters A to B'"
    assert int(heading[2]) == last, heading[0]


# ----------------------------------------------------------- 4. section order
HEADINGS = {
    "en": {"covers": "**What it covers.**", "goals": "**Learning goals.**",
           "time": "**Time.**", "exercises": "## Exercises", "summary": "## What we saw",
           "next": "## Next"},
    "ko": {"covers": "**다루는 내용.**", "goals": "**학습 목표.**", "time": "**소요 시간.**",
           "exercises": "## 연습 문제", "summary": "## 정리", "next": "## 다음"},
}


def section_order_problems(name: str, lang: str, cells: list[str],
                           tags: list[list[str]]) -> list[str]:
    """One order: the opening's (covers,) goals, time; at the end the exercises,
    the summary and next, every exercise and solution in between."""
    h = HEADINGS[lang]
    problems = []
    opening = cells[0]
    marks = [k for k in ("covers", "goals", "time")
             if re.search(rf"^{re.escape(h[k])}", opening, re.M)]
    bold = re.findall(r"^\*\*[^*\n]+\.\*\*", opening, re.M)  # the labels
    expected = [h[k] for k in ("covers", "goals", "time")]
    extra = [b for b in bold if b not in expected]
    if marks[-2:] != ["goals", "time"] or extra:
        problems.append(f"{name}: the opening should have {expected} (the first optional) "
                        f"in that order; it has {bold}")
    h2 = [(i, line) for i, text in enumerate(cells)
          for line in text.splitlines() if line.startswith("## ")]
    kinds = []
    for i, line in h2[-3:]:
        if line.startswith(h["exercises"]):
            kinds.append(("exercises", i))
        elif line.strip() == h["summary"]:
            kinds.append(("summary", i))
        elif line.strip() == h["next"]:
            kinds.append(("next", i))
        else:
            kinds.append((line, i))
    if [k for k, _ in kinds] != ["exercises", "summary", "next"]:
        problems.append(f"{name}: should end with {h['exercises']!r}, {h['summary']!r}, "
                        f"{h['next']!r}; its last level-2 headings are "
                        f"{[line for _, line in h2[-3:]]}")
        return problems
    first, last = kinds[0][1], kinds[1][1]
    for i, t in enumerate(tags):
        if {"exercise", "solution"} & set(t) and not first < i < last:
            problems.append(f"{name}: cell {i} ({t}) lies outside the exercises section")
    return problems


@pytest.mark.parametrize(
    "lang,path", [(lang, p) for lang in LANGS for p in chapters(lang)],
    ids=lambda v: v if isinstance(v, str) else v.stem,
)
def test_every_chapter_follows_one_section_order(lang, path):
    problems = section_order_problems(f"{lang}/{path.stem}", lang, markdown_cells(path),
                                      cell_tags(path))
    assert not problems, "\n".join(problems)


# -------------------------------------------------------------- 5. notation
NOTATION = {lang: ROOT / "book" / lang / "notation.md" for lang in LANGS}
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.S)
GREEK_UNICODE = {
    "α": "alpha", "β": "beta", "ε": "varepsilon", "θ": "theta", "μ": "mu",
    "ξ": "xi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "varphi", "Φ": "Phi",
}
GREEK = re.compile(r"\\(alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|"
                   r"lambda|mu|nu|xi|pi|rho|sigma|tau|phi|varphi|chi|psi|omega|"
                   r"Phi|Sigma|Delta|Gamma|Omega|Psi|Lambda)(?![A-Za-z])")
#: Symbols every reader knows: π, and the d of an integral or a derivative.
CONSTANTS = {"pi", "e", "d"}
#: Decorated and compound symbols: (what, pattern in a formula).
COMPOUND = [
    ("tilde y", r"\\tilde\s*\{?y"), ("hat y", r"\\hat\s*\{?y"),
    ("hat sigma", r"\\hat\s*\{?\\sigma"), ("bar s", r"\\bar\s*\{?s"),
    ("hat q", r"\\hat\s*\{?q"), ("N", r"\\mathcal\s*\{?N"), ("L", r"\\mathcal\s*\{?L"),
    ("E", r"\\mathbb\s*\{?E"), ("KL", r"\\mathrm\{KL\}"), ("F_i", r"F_i"),
    ("Iverson bracket", r"\[t \\ge y"), ("z_tau", r"z_\\tau"),
    ("sigma_p", r"\\sigma_p"), ("sigma_y", r"\\sigma_y"), ("sigma_w", r"\\sigma_w"),
    ("mu_w", r"\\mu_w"), ("rho_w", r"\\rho_w"), ("s_theta", r"s_\\theta"),
    ("mu_theta", r"\\mu_\\theta"), ("f_theta", r"f_\\theta"), ("f_w", r"f_w"),
    ("q_theta", r"q_\\theta"), ("H(q)", r"H\(q\)"),
]
#: Forms the book no longer uses (one notation): σ is the data's noise only, P a
#: variance only, q̂ the conformal quantile, τ a level.
RETIRED = [
    (r"\\sigma_\\theta", "a model's spread is s_θ, not σ_θ"),
    (r"\\sigma_i\b", "a model's spread at x_i is s_i"),
    (r"\\log\s*\\sigma\^2", "the log-variance is log s²"),
    (r"(?<![\\\w])s_p\b", "the weights' prior standard deviation is σ_p"),
    (r"\bP\((?:Z|D|y)\b", "P is the prior's variance; a density is p(·)"),
    (r"\bQ\(Z\)", "the variational density is q(z)"),
    (r"z_q\b", "a standard normal quantile is z_τ"),
    (r"\bvarepsilon \\sim \\mathcal N\(0, \\sigma\^2\)", "the data's noise is σξ"),
]
RETIRED_PROSE = [
    (r"\blevel p\b", "a level is τ"),
    (r"± q\b", "the conformal quantile is q̂"),
]


def formulas(text: str) -> list[str]:
    return [m[1] or m[2] for m in MATH.finditer(text)]


def symbols(text: str) -> set[str]:
    """The symbols of a page: Greek letters (in formulas or in prose), single Latin
    letters in formulas, and the compound symbols of :data:`COMPOUND`."""
    found = set()
    prose = without_code(text)
    for formula in formulas(prose):
        found |= {f"\\{g}" for g in GREEK.findall(formula)}
        found |= {name for name, pattern in COMPOUND if re.search(pattern, formula)}
        bare = re.sub(r"\\(?:text|operatorname|mathrm|mathbb|mathcal)\s*\{[^}]*\}", " ",
                      formula)
        bare = re.sub(r"\\[A-Za-z]+", " ", bare)
        found |= set(re.findall(r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])", bare))
    outside = MATH.sub(" ", prose)
    found |= {f"\\{GREEK_UNICODE[c]}" for c in outside if c in GREEK_UNICODE}
    found -= {f"\\{c}" for c in CONSTANTS} | CONSTANTS
    return found


def notation_problems(name: str, text: str, notation: str) -> list[str]:
    defined = symbols(notation)
    problems = [f"{name}: {s!r} is not on the notation page"
                for s in sorted(symbols(text) - defined)]
    prose = without_code(text)
    for formula in formulas(prose):
        for pattern, why in RETIRED:
            if re.search(pattern, formula):
                problems.append(f"{name}: ${formula.strip()[:60]}$: {why}")
    for pattern, why in RETIRED_PROSE:
        if re.search(pattern, MATH.sub(" ", prose)):
            problems.append(f"{name}: {pattern!r}: {why}")
    return problems


@pytest.mark.parametrize("path", chapters("en"), ids=lambda p: p.stem)
def test_every_symbol_of_a_chapter_is_on_the_notation_page(path):
    notation = NOTATION["en"].read_text(encoding="utf-8")
    problems = notation_problems(path.stem, "\n\n".join(markdown_cells(path)), notation)
    assert not problems, "\n".join(problems)


def display_formulas(path: Path) -> list[str]:
    """The displayed equations, without their words (``\\text{…}`` is translated)
    and without the closing punctuation (Korean sets none)."""
    text = without_code("\n\n".join(markdown_cells(path)))
    found = []
    for math in re.findall(r"\$\$(.+?)\$\$", text, re.S):
        math = re.sub(r"\\text\{[^{}]*\}", r"\\text{…}", " ".join(math.split()))
        found.append(re.sub(r"\s*[.,]$", "", math))
    return found


@pytest.mark.parametrize("path", chapters("en"), ids=lambda p: p.stem)
def test_both_languages_write_the_same_display_formulas(path):
    """Formulas have no language: a chapter's displayed equations are the same,
    in the same order, in both languages (so one notation holds in both)."""
    twin = ROOT / "notebooks" / "ko" / path.name
    assert display_formulas(path) == display_formulas(twin)


@pytest.mark.parametrize("path", chapters("ko"), ids=lambda p: p.stem)
def test_no_retired_notation_in_a_korean_chapter(path):
    prose = without_code("\n\n".join(markdown_cells(path)))
    problems = [f"{path.stem}: ${f.strip()[:60]}$: {why}" for f in formulas(prose)
                for pattern, why in RETIRED if re.search(pattern, f)]
    assert not problems, "\n".join(problems)


def test_the_notation_page_defines_the_symbols_that_matter():
    """At least these, each once, in the first column of a table."""
    notation = NOTATION["en"].read_text(encoding="utf-8")
    first_column = [formulas(row.split("|")[1]) for row in notation.splitlines()
                    if row.startswith("| $")]
    defined = symbols("\n".join(" ".join(f"${f}$" for f in cell) for cell in first_column))
    must = {"\\sigma", "s", "\\mu", "\\xi", "\\varepsilon", "P", "m", "\\Phi",
            "\\varphi", "F_i", "Iverson bracket", "sigma_p", "hat q", "z_tau", "\\tau",
            "tilde y", "hat sigma", "bar s", "sigma_y", "\\theta", "\\beta", "J"}
    assert must <= defined, sorted(must - defined)


def test_both_notation_pages_define_the_same_symbols_in_the_same_order():
    rows = {}
    for lang in LANGS:
        assert NOTATION[lang].is_file(), f"{NOTATION[lang].relative_to(ROOT)} is missing"
        page = NOTATION[lang].read_text(encoding="utf-8")
        rows[lang] = [row.split("|")[1].strip() for row in page.splitlines()
                      if row.startswith("| $")]
    only_en = [r for r in rows["en"] if r not in rows["ko"]]
    only_ko = [r for r in rows["ko"] if r not in rows["en"]]
    assert rows["en"] == rows["ko"], f"only in en: {only_en}; only in ko: {only_ko}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_notation_page_is_in_the_reference_part(lang):
    assert f"book/{lang}/notation" in toc_docnames(lang)


# ------------------------------------------------------- 6. the glossary's forms
def english_variants(term: str) -> set[str]:
    """Other spellings of an English glossary term that the book does not use."""
    variants = set()
    if "-" in term:
        variants |= {term.replace("-", " ")}
    if "–" in term:
        variants.add(term.replace("–", "-"))
    for british, american in (("isation", "ization"), ("ise", "ize"), ("iser", "izer"),
                              ("ised", "ized")):
        if re.search(rf"{british}\b", term):
            variants.add(re.sub(rf"{british}\b", american, term))
    return variants - {term}


def english_terms() -> list[str]:
    entries = parse_glossary(GLOSSARY.read_text(encoding="utf-8"))
    return [t for e in entries for t in e.terms if not re.search(r"[\uac00-\ud7a3]", t)]


def glossary_form_problems(where: str, text: str, terms: list[str]) -> list[str]:
    prose = without_code(text)
    problems = []
    for term in terms:
        for variant in english_variants(term) - set(terms):
            pattern = rf"(?<![\w-]){re.escape(variant)}(?![\w-])"
            for match in re.finditer(pattern, prose, flags=re.I):
                problems.append(f"{where}: {match[0]!r}: the glossary writes {term!r}")
    return problems


def english_pages() -> list[tuple[str, str]]:
    pages = [(str(p.relative_to(ROOT)), "\n\n".join(markdown_cells(p)))
             for p in chapters("en")]
    pages += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
              for p in sorted((ROOT / "book" / "en").glob("*.md"))]
    return pages


def test_english_pages_spell_terms_as_the_glossary_does():
    terms = english_terms()
    problems = [p for where, text in english_pages()
                for p in glossary_form_problems(where, text, terms)]
    assert not problems, "\n".join(problems)


# ------------------------------------------------- every check can fail (copies)
def test_the_internal_word_check_catches_each_word():
    assert internal_words("notebooks/en/x.ipynb", "as issue 16 asked")
    assert internal_words("notebooks/en/x.ipynb", "the hidden check compares it")
    assert internal_words("notebooks/en/x.ipynb", "the committed prediction")
    assert internal_words("notebooks/ko/x.ipynb", "이슈 16에서")
    assert internal_words("notebooks/ko/x.ipynb", "숨은 검사가 확인합니다")
    assert internal_words("book/en/intro.md", "the load average was low")
    assert not internal_words("book/en/performance.md", "the load average was low")
    assert not internal_words("book/en/x.md", "how much a band commits")
    assert not internal_words("book/en/x.md", "see `git log` in code")


def test_the_time_check_catches_a_stale_or_vague_claim():
    real = markdown_cells(ROOT / "notebooks" / "en" / "05-models-that-get-it-right.ipynb")
    assert not time_claim_problems("ch5", real, 52.4)
    assert time_claim_problems("ch5", real, 109.0)  # the notebook got slower
    stale = [real[0].replace("about 50 seconds", "about 45 seconds"), *real[1:]]
    assert time_claim_problems("ch5", stale, 52.4)
    vague = [real[0].replace("runs in about 50 seconds", "runs in about half a minute"),
             *real[1:]]
    assert time_claim_problems("ch5", vague, 52.4)
    extra = [*real, "Training takes about 40 seconds."]
    assert time_claim_problems("ch5", extra, 52.4)
    grid = ["the whole notebook runs in about 15 seconds", "took about 6 minutes"]
    assert not time_claim_problems("ch6", grid, 15.4, 334.3)
    assert time_claim_problems("ch6", grid, 15.4, 1500.0)
    assert time_claim_problems("ch4", ["whole notebook runs in about 10 seconds"], 14.8)
    assert time_claim_problems("ch4", ["whole notebook runs in about 14 seconds"], 14.8)
    assert intro_time_problems("in under a minute", {"en/x": 61.0})
    assert not intro_time_problems("in under a minute", {"en/x": 52.4})


def test_the_scope_check_catches_a_missing_chapter():
    intro = (ROOT / "book" / "en" / "intro.md").read_text(encoding="utf-8")
    paths = chapters("en")
    assert not intro_problems("en", intro, paths)
    name = paths[-1].name
    assert intro_problems("en", intro.replace(f"../../notebooks/en/{name}", "x"), paths)
    assert intro_problems("en", intro, [*paths, paths[0].with_name("99-new.ipynb")])


def test_the_order_check_catches_a_summary_before_the_exercises():
    path = ROOT / "notebooks" / "en" / "01-packages-and-data.ipynb"
    cells, tags = markdown_cells(path), cell_tags(path)
    assert not section_order_problems("en/01", "en", cells, tags)
    ex = next(i for i, c in enumerate(cells) if c.startswith("## Exercises"))
    moved = cells[:ex] + cells[-2:] + cells[ex:-2]
    moved_tags = tags[:ex] + tags[-2:] + tags[ex:-2]
    assert section_order_problems("en/01", "en", moved, moved_tags)
    renamed = [c.replace("## Next", "## Next chapter") for c in cells]
    assert section_order_problems("en/01", "en", renamed, tags)
    opening = [cells[0].replace("**Time.**", "**Duration.**"), *cells[1:]]
    assert section_order_problems("en/01", "en", opening, tags)
    stray = [*tags[:2], ["exercise"], *tags[3:]]
    assert section_order_problems("en/01", "en", cells, stray)


def test_the_notation_check_catches_an_undefined_or_retired_symbol():
    notation = NOTATION["en"].read_text(encoding="utf-8")
    assert not notation_problems("x", "$\\tilde y = \\mu + s\\varepsilon$", notation)
    assert notation_problems("x", "$\\omega = 1$", notation)  # not on the page
    assert notation_problems("x", "$\\mu_\\theta(x), \\sigma_\\theta(x)$", notation)
    assert notation_problems("x", "$p(w) = \\mathcal N(0, s_p^2)$", notation)
    assert notation_problems("x", "prior $P(Z)$", notation)
    assert notation_problems("x", "returns μ(x) ± q σ(x)", notation)
    assert "\\omega" in symbols("$\\omega$") and "\\sigma" in symbols("noise σ")


def test_the_glossary_form_check_catches_a_variant():
    terms = english_terms()
    assert "log-variance" in terms
    assert not glossary_form_problems("x", "the log-variance head", terms)
    assert glossary_form_problems("x", "the log variance head", terms)
    assert glossary_form_problems("x", "the reparameterization trick", terms)
    assert glossary_form_problems("x", "Kullback-Leibler divergence", terms)
    assert not glossary_form_problems("x", "`log variance` in code", terms)


# ------------------------------------------------ counts the pages state (English)
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
EXERCISE_RANGE = re.compile(r"\b(one|two|three|four|five|six) to (two|three|four|five|six)"
                            r"\s+exercises\b")


def exercise_count_problems(where: str, text: str, counts: dict[str, int]) -> list[str]:
    """"two to four exercises" holds for every chapter's count of exercises."""
    problems = []
    claims = EXERCISE_RANGE.findall(" ".join(text.split()))
    for low, high in claims:
        wrong = {k: n for k, n in counts.items() if not WORDS[low] <= n <= WORDS[high]}
        if wrong:
            problems.append(f"{where}: '{low} to {high} exercises', but {wrong}")
    return problems


def exercise_counts(lang: str = "en") -> dict[str, int]:
    return {p.stem: sum("exercise" in t for t in cell_tags(p)) for p in chapters(lang)}


@pytest.mark.parametrize("page", ["intro.md", "workshop.md"])
def test_the_stated_number_of_exercises_holds_for_every_chapter(page):
    text = (ROOT / "book" / "en" / page).read_text(encoding="utf-8")
    assert EXERCISE_RANGE.search(" ".join(text.split())), f"{page} states no range"
    problems = exercise_count_problems(page, text, exercise_counts())
    assert not problems, "\n".join(problems)


def test_the_exercise_count_check_catches_a_chapter_out_of_range():
    counts = exercise_counts()
    assert not exercise_count_problems("x", "has two to four exercises", counts)
    assert exercise_count_problems("x", "has two to four exercises", {**counts, "08": 5})
    assert exercise_count_problems("x", "has two to three\nexercises", counts)  # ch3: 4


def test_the_cross_language_formula_check_catches_a_difference(tmp_path):
    en = ROOT / "notebooks" / "en" / "02-train-and-models.ipynb"
    ko = ROOT / "notebooks" / "ko" / "02-train-and-models.ipynb"
    assert display_formulas(en) == display_formulas(ko)
    nb = json.loads(ko.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = ["".join(cell["source"]).replace("s_i^2", "\\sigma_i^2")]
    broken = tmp_path / ko.name
    broken.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    assert display_formulas(en) != display_formulas(broken)
    prose = without_code("\n\n".join(markdown_cells(broken)))
    assert any(re.search(pattern, f) for f in formulas(prose) for pattern, _ in RETIRED)
