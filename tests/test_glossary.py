"""The glossary (book/_glossary.md, the entries both sites' glossary pages include) as data, and the Korean chapters checked against it.

The glossary promises one Korean term per idea. Each entry of its ``{glossary}``
blocks is

    English term            <- first line, no Hangul
    ABBREVIATION            <- optional further English lines
    한국어 용어               <- exactly one line with Hangul
       English definition (first paragraph).

       한국어 정의.

       **쓰지 않는 말 · not used:** variant, variant

or, for a term that Korean also writes in Latin letters, no Hangul line and the
paragraph ``**한국어 · Korean:** 원어 그대로``. The Korean chapters, the Korean pages
of book/ko/ and the Korean figure labels must not use a variant that an entry rules
out. A variant counts where it starts a word (so 우도 in 경우도 does not), and a
variant in brackets right after its term, as in 가우스 분포(정규분포), is allowed.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "_glossary.md"  # in book/en/glossary.md and book/ko/
HANGUL = re.compile(r"[\uac00-\ud7a3]")
NOT_USED = re.compile(r"^\*\*쓰지 않는 말 · not used:\*\*\s*(?P<variants>.+)$")
SAME_NAME = re.compile(r"^\*\*한국어 · Korean:\*\*\s*원어 그대로")
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


@dataclass(frozen=True)
class Entry:
    """One glossary entry: its term lines, definition paragraphs and variants."""

    terms: tuple[str, ...]
    paragraphs: tuple[str, ...]
    line: int  # of its first term line in book/_glossary.md

    @property
    def english(self) -> str:
        return self.terms[0]

    @property
    def korean_terms(self) -> list[str]:
        return [t for t in self.terms if HANGUL.search(t)]

    @property
    def same_name(self) -> bool:
        return any(SAME_NAME.match(p) for p in self.paragraphs)

    @property
    def korean(self) -> str:
        """The one Korean term (the English one where Korean keeps the name)."""
        return self.english if self.same_name else self.korean_terms[0]

    @property
    def not_used(self) -> list[str]:
        for paragraph in self.paragraphs:
            match = NOT_USED.match(paragraph)
            if match:
                return [v.strip() for v in match["variants"].split(",") if v.strip()]
        return []

    @property
    def definition(self) -> list[str]:
        """The paragraphs that define, without the marker paragraphs."""
        return [
            p
            for p in self.paragraphs
            if not NOT_USED.match(p) and not SAME_NAME.match(p)
        ]


def _entry(terms: list[str], body: list[str], line: int) -> Entry:
    chunks = "\n".join(body).split("\n\n")
    paragraphs = [" ".join(c.split()) for c in chunks if c.strip()]
    return Entry(tuple(terms), tuple(paragraphs), line)


def parse_glossary(text: str) -> list[Entry]:
    """Every entry of every ``{glossary}`` block, in order."""
    entries: list[Entry] = []
    for block in re.finditer(r"^```\{glossary\}\n(.*?)^```", text, re.M | re.S):
        first_line = text.count("\n", 0, block.start(1)) + 1
        terms: list[str] = []
        body: list[str] = []
        start = first_line
        for offset, line in enumerate(block[1].splitlines()):
            if line and not line[0].isspace():  # a term line
                if body:  # the previous entry's definition has ended
                    entries.append(_entry(terms, body, start))
                    terms, body = [], []
                if not terms:
                    start = first_line + offset
                terms.append(line.strip())
            else:
                body.append(line)
        if terms:
            entries.append(_entry(terms, body, start))
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


# --------------------------------------------------------------- finding variants
@dataclass(frozen=True)
class Finding:
    where: str
    variant: str
    term: str
    context: str

    def __str__(self) -> str:
        return f"{self.where}: {self.variant!r} (use {self.term!r}): …{self.context}…"


def find_variants(text: str, entries: list[Entry], where: str = "") -> list[Finding]:
    """Each ruled-out variant that starts a word in ``text``."""
    found = []
    for entry in entries:
        if not entry.not_used:
            continue
        names = "|".join(re.escape(t) for t in (entry.korean, *entry.terms))
        # a variant in brackets right after the term (or its {term} role) introduces
        # it: allowed
        checked = re.sub(rf"({names})`?\s*\([^()]*\)", r"\1", text)
        for variant in entry.not_used:
            for match in re.finditer(
                rf"(?<![\uac00-\ud7a3]){re.escape(variant)}", checked
            ):
                context = checked[max(0, match.start() - 25) : match.end() + 25]
                found.append(
                    Finding(where, variant, entry.korean, " ".join(context.split()))
                )
    return found


def korean_texts(root: Path = ROOT) -> list[tuple[str, str]]:
    """(where, text) for every piece of Korean the reader sees."""
    texts = []
    for path in sorted((root / "notebooks" / "ko").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells, start=1):
            source = "".join(cell["source"])
            if HANGUL.search(source):
                rel = path.relative_to(root)
                texts.append((f"{rel} cell {number} ({cell['cell_type']})", source))
    for path in sorted((root / "book" / "ko").glob("*.md")):
        texts.append((str(path.relative_to(root)), path.read_text(encoding="utf-8")))
    labels = root / "vi_helpers" / "i18n.py"  # figure labels and widget texts
    if labels.is_file():
        texts.append(
            (str(labels.relative_to(root)), labels.read_text(encoding="utf-8"))
        )
    return texts


# ------------------------------------------------------------- the glossary itself
def test_glossary_has_the_terms_of_every_chapter(entries):
    english = {t.lower() for e in entries for t in e.terms}
    for term in [
        "heteroscedastic", "homoscedastic", "aleatoric uncertainty",
        "epistemic uncertainty", "nll", "crps", "calibration", "calibration curve",
        "coverage", "pit", "bayes by backprop", "β-nll", "oracle", "interval score",
        "held-out data", "prior", "posterior", "elbo", "kl divergence", "entropy",
        "log-likelihood", "mse", "gradient", "closed form",
        "reparameterisation trick", "monte-carlo dropout", "deep ensemble",
        "laplace approximation", "conformal prediction", "target",
    ]:  # fmt: skip
        assert term in english, f"glossary: no entry for {term!r}"


def test_every_entry_has_an_english_and_one_korean_term(entries):
    assert len(entries) > 50, f"parsed only {len(entries)} entries: format changed?"
    for e in entries:
        where = f"book/_glossary.md:{e.line} ({e.english})"
        assert not HANGUL.search(e.english), f"{where}: first line must be English"
        if e.same_name:
            assert not e.korean_terms, f"{where}: Korean term and 원어 그대로 both"
        else:
            assert len(e.korean_terms) == 1, (
                f"{where}: needs exactly one Korean term line, has {e.korean_terms}"
            )


def test_every_definition_is_in_both_languages(entries):
    for e in entries:
        where = f"book/_glossary.md:{e.line} ({e.english})"
        paragraphs = e.definition
        assert paragraphs, f"{where}: empty definition"
        english = re.findall(r"[A-Za-z]{2,}", HANGUL.sub("", paragraphs[0]))
        assert len(english) >= 3, f"{where}: the first paragraph should be English"
        assert any(HANGUL.search(p) for p in paragraphs[1:]), (
            f"{where}: no Korean paragraph after the English one"
        )


def test_terms_are_unique(entries):
    seen: dict[str, int] = {}
    for e in entries:
        for term in e.terms:
            key = term.lower()
            assert key not in seen, (
                f"book/_glossary.md:{e.line}: {term!r} already at line {seen[key]}"
            )
            seen[key] = e.line


def test_no_ruled_out_variant_is_a_term(entries):
    terms = {t.lower() for e in entries for t in e.terms}
    for e in entries:
        for variant in e.not_used:
            assert variant.lower() not in terms, (
                f"book/_glossary.md:{e.line}: {variant!r} is ruled out and a term"
            )
    # the glossary's own terms never trip the check (e.g. 재매개변수화 vs 매개변수)
    own = "\n".join(t for e in entries for t in e.terms)
    assert not find_variants(own, entries), find_variants(own, entries)


def test_term_links_lead_to_glossary_entries(entries):
    terms = {t.lower() for e in entries for t in e.terms}
    pages = [*sorted((ROOT / "notebooks").glob("*/*.ipynb"))]
    pages += sorted((ROOT / "book").rglob("*.md"))
    missing = []
    for path in pages:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            cells = json.loads(text)["cells"]
            text = "\n".join("".join(c["source"]) for c in cells)
        for role in TERM_ROLE.findall(text):
            target = re.search(r"<([^<>]+)>\s*$", role)
            name = (target[1] if target else role).strip()
            if name.lower() not in terms:
                missing.append(f"{path.relative_to(ROOT)}: {{term}}`{role}`")
    assert not missing, "links to no glossary entry:\n" + "\n".join(missing)


# ------------------------------------------------------ the Korean chapters and pages
def test_korean_text_uses_no_ruled_out_variant(entries):
    texts = korean_texts()
    assert any("notebooks/ko" in where for where, _ in texts), "no Korean chapters"
    found = [f for where, text in texts for f in find_variants(text, entries, where)]
    assert not found, f"{len(found)} ruled-out variants (book/_glossary.md):\n" + (
        "\n".join(map(str, found))
    )


def test_the_check_catches_a_variant(entries, tmp_path):
    """The check fails on a Korean chapter that uses a ruled-out variant."""
    for part in ("notebooks/ko", "book/ko"):
        (tmp_path / part).mkdir(parents=True)
    chapter = sorted((ROOT / "notebooks" / "ko").glob("*.ipynb"))[0]
    copy = tmp_path / "notebooks" / "ko" / chapter.name
    shutil.copy(chapter, copy)
    nb = json.loads(copy.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["모델은 타겟을 예측합니다."],
        }
    )
    copy.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    found = [
        f
        for where, text in korean_texts(tmp_path)
        if where.endswith(f"cell {len(nb['cells'])} (markdown)")
        for f in find_variants(text, entries, where)
    ]
    assert [(f.variant, f.term) for f in found] == [("타겟", "타깃")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("이 식은 우도를 최대화합니다.", ["우도"]),
        ("이 경우도 마찬가지입니다.", []),  # 우도 inside a word
        ("재매개변수화 기법으로 표본을 뽑습니다.", []),  # 매개변수 inside a word
        ("가우스 분포(정규분포)를 씁니다.", []),  # introduced in brackets
        ("정규분포를 씁니다.", ["정규분포"]),
        ("ξ와 ε는 표준정규분포를 따릅니다.", []),
    ],
)
def test_variant_rules(entries, text, expected):
    assert [f.variant for f in find_variants(text, entries)] == expected
