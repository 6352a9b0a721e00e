"""Issue 14, the notebook side: true sentences, calibration by x and PIT, one exercise
style, "What we saw" and "Next", glossary links, citations, figure captions (idempotent).

Usage:  python /tmp/team/nb14.py [NOTEBOOKS_DIR]     (default /work/main/notebooks)
        python /tmp/team/nb14.py --check [DIR]       exit 1 if a notebook would change
        python /tmp/team/nb14.py --report [DIR]      also print every glossary link made

Edits notebooks/{en,ko}/0[1-6]*.ipynb in place, matching cells by content, never by
index. Running it twice changes nothing the second time. /tmp/team/nb13.py may run
before it: the exercise boxes below are built exactly as nb13 builds them, and the
figure metadata is merged into the cells' ``mystnb``. Run nb13 *after* it only once
nb13 merges its ``code_prompt_*`` keys into ``mystnb`` instead of replacing the dict
(as it stands, it would drop the captions of the six solution figures).

What it does, per notebook (details in the chapter tables below):

* replaces the sentences issue 14 lists as false or overstated (ch3, ch4, ch5), each
  with a hidden ``remove-cell`` assert cell behind every number it quotes;
* ch4: a section 5 "coverage along x, and the PIT" on the held-out data (seed 0,
  trained in the chapter, and the five seeds of book/data/evaluation.json) and the
  statement that a band is meant to cover y, not f(x); ch5: coverage by x and PIT
  histograms of every model of the table, pooled over the five seeds, the binomial
  standard error of the pooled coverage, the calibration error per seed, and what the
  table's ± means;
* ch4 and ch5: bold inline exercises become numbered ``{admonition}`` boxes and
  "Answer" dropdowns become "Solution 4.1" (as nb13 does);
* every chapter ends with "What we saw" / "정리" and "Next" / "다음";
* citations ({cite:p}`key`, Korean {cite:p}`ko-key`) and glossary links ({term}) at
  the first use of each glossary term in each chapter (all {term} roles are
  recomputed on every run, so the links always sit at the first use);
* every figure cell gets ``mystnb: {figure: {caption, name}, image: {alt}}``.

Code cells stay equal in both languages (they are defined once, below). Inserted or
changed code cells lose their outputs: re-execute the notebooks afterwards
(``make notebooks``). JSON is written as the repository keeps it:
json.dumps(nb, ensure_ascii=False, indent=1) + "\\n".
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

LANGS = ("en", "ko")
ROOT = Path("/work/main/notebooks")
GLOSSARY = Path("/work/main/book/glossary.md")


# ============================================================================ basics
def lines(text: str) -> list[str]:
    out = text.splitlines(keepends=True)
    if out and out[-1].endswith("\n"):
        out[-1] = out[-1][:-1]
    return out


def src(cell) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def set_src(cell, text: str) -> None:
    cell["source"] = lines(text)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


TERM = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^`>]*>)?`")


def plain(text: str) -> str:
    """Text without {term} roles and with whitespace collapsed, for comparisons."""
    return " ".join(TERM.sub(r"\1", text).split())


def cell_id(key: str) -> str:
    """A stable cell id (nbformat 4.5) for a cell this script adds."""
    return "nb14-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def md_cell(text: str, cell_tags=None, key: str | None = None) -> dict:
    meta = {"tags": list(cell_tags)} if cell_tags else {}
    return {"cell_type": "markdown", "id": cell_id(key or text), "metadata": meta,
            "source": lines(text)}


def code_cell(text: str, cell_tags=None, key: str | None = None) -> dict:
    meta = {"tags": list(cell_tags)} if cell_tags else {}
    return {"cell_type": "code", "execution_count": None, "id": cell_id(key or text),
            "metadata": meta, "outputs": [], "source": lines(text)}


class Edit(RuntimeError):
    pass


def find(nb, key: str, kind: str | None = None) -> list[int]:
    """Indices of the cells whose plain text contains ``key`` (plain too)."""
    k = plain(key)
    return [i for i, c in enumerate(nb["cells"])
            if (kind is None or c["cell_type"] == kind) and k in plain(src(c))]


def one(nb, key: str, kind: str | None = None) -> int:
    hits = find(nb, key, kind)
    if len(hits) != 1:
        raise Edit(f"{len(hits)} cells contain {key[:70]!r}")
    return hits[0]


def _flex(text: str) -> re.Pattern:
    parts = re.split(r"\s+", text.strip())
    return re.compile(r"\s+".join(re.escape(p) for p in parts))


def replace(nb, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the one markdown cell that has it (any wrapping)."""
    if find(nb, new, "markdown"):
        return  # done before
    hits = [i for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "markdown" and _flex(old).search(src(c))]
    if len(hits) != 1:
        raise Edit(f"{len(hits)} markdown cells contain {old[:70]!r}")
    cell = nb["cells"][hits[0]]
    set_src(cell, _flex(old).sub(lambda m: new, src(cell), count=1))


def put(nb, key: str, cell: dict, after: str) -> None:
    """Make the cell identified by ``key`` equal to ``cell``; insert it after the cell
    that contains ``after`` if it is not there yet."""
    hits = find(nb, key, cell["cell_type"])
    if len(hits) > 1:
        raise Edit(f"{len(hits)} cells contain the key {key[:60]!r}")
    if hits:
        old = nb["cells"][hits[0]]
        if cell["cell_type"] == "code" and src(old) == src(cell):
            old["metadata"] = {**old["metadata"], **cell["metadata"]}
            return
        if cell["cell_type"] == "markdown":
            old["metadata"] = {**old["metadata"], **cell["metadata"]}
            if plain(src(old)) != plain(src(cell)):
                set_src(old, src(cell))
            return
        nb["cells"][hits[0]] = {**cell, "id": old.get("id", cell["id"])}
        return
    cell = {**cell, "id": cell_id(key)}  # stable: the key does not change
    nb["cells"].insert(one(nb, after) + 1, cell)


def set_code(nb, key: str, text: str, cell_tags=None) -> None:
    """Give the code cell that contains ``key`` (or ``text``) the source ``text``."""
    hits = find(nb, text, "code") or find(nb, key, "code")
    if len(hits) != 1:
        raise Edit(f"{len(hits)} code cells contain {key[:60]!r}")
    cell = nb["cells"][hits[0]]
    if src(cell) != text:
        set_src(cell, text)
        cell["outputs"], cell["execution_count"] = [], None
    if cell_tags is not None:
        cell["metadata"]["tags"] = list(cell_tags)


# ====================================================== exercises (exactly as nb13)
EXERCISE_WORD = {"en": "Exercise", "ko": "연습"}
SOLUTION_WORD = {"en": "Solution", "ko": "풀이"}
BOLD_EXERCISE = re.compile(
    r"\A\*\*(?:Exercise|연습)\s+(\d+)\s*\((.+?)\)\.?\*\*\.?\s*(.*)\Z", re.S
)
BARE_DROPDOWN = re.compile(r"\A(:::+)\{dropdown\}[ \t]*(Answer|Solution|풀이)[ \t]*$",
                           re.M)


def box_exercises(nb, lang: str, chapter: int) -> None:
    number = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        t, text = tags(cell), src(cell)
        if "exercise" in t:
            number += 1
            match = BOLD_EXERCISE.match(text.strip())
            if match is None:
                continue
            n, title, rest = match.groups()
            if int(n) != number:
                raise Edit(f"exercise {n} is the {number}th of chapter {chapter}")
            title = title.strip()
            if lang == "en":
                title = title[0].upper() + title[1:]
            head = f"{EXERCISE_WORD[lang]} {chapter}.{number} · {title}"
            set_src(cell, f":::{{admonition}} {head}\n:class: tip\n{rest.rstrip()}\n:::")
        elif "solution" in t and number:
            new = BARE_DROPDOWN.sub(
                lambda m: f"{m[1]}{{dropdown}} {SOLUTION_WORD[lang]} {chapter}.{number}",
                text, count=1,
            )
            if new != text:
                set_src(cell, new)


# ================================================= "What we saw" and "Next" at the end
SAW = {"en": "## What we saw", "ko": "## 정리"}
NEXT = {"en": ("## Next", "## Where next"), "ko": ("## 다음", "## 다음 장", "## 다음으로")}


def _heading_cells(nb, headings) -> list[int]:
    found = []
    for i, c in enumerate(nb["cells"]):
        if c["cell_type"] == "markdown" and any(
            re.search(rf"^{re.escape(h)}\s*$", src(c), re.M) for h in headings
        ):
            found.append(i)
    return found


def closing(nb, lang: str, saw: str, nxt: str) -> None:
    """The chapter ends with the cell ``saw`` and then the cell ``nxt``."""
    # a "What we saw" heading inside a longer cell: split it off
    for i in _heading_cells(nb, [SAW[lang]]):
        text = src(nb["cells"][i])
        at = re.search(rf"^{re.escape(SAW[lang])}\s*$", text, re.M).start()
        if at > 0:
            set_src(nb["cells"][i], text[:at].rstrip())
            nb["cells"].insert(i + 1, md_cell(text[at:], key=f"{lang} what we saw"))
    for headings, text in (([SAW[lang]], saw), (list(NEXT[lang]), nxt)):
        found = _heading_cells(nb, headings)
        if len(found) > 1:
            raise Edit(f"{len(found)} cells with a heading {headings[0]!r}")
        if found:
            cell = nb["cells"].pop(found[0])
            if text is not None and plain(src(cell)) != plain(text):
                set_src(cell, text)
        elif text is None:
            raise Edit(f"no {headings[0]!r} cell to keep")
        else:
            cell = md_cell(text, key=f"{lang} {headings[0]}")
        nb["cells"].append(cell)


# =================================================================== figure metadata
def figure(nb, key: str, name: str, caption: str, alt: str) -> None:
    """Number, caption and alt text of the one figure cell whose code has ``key``."""
    cell = nb["cells"][one(nb, key, "code")]
    mystnb = dict(cell["metadata"].get("mystnb", {}))
    mystnb["figure"] = {"caption": " ".join(caption.split()), "name": name}
    mystnb["image"] = {"alt": " ".join(alt.split())}
    cell["metadata"]["mystnb"] = mystnb


# ==================================================================== glossary links
def glossary_entries(path: Path | None = None) -> list[tuple[list[str], str | None]]:
    """[(English term lines, the Korean term or None)] of book/glossary.md."""
    text = (path or GLOSSARY).read_text(encoding="utf-8")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    out = []
    for block in re.finditer(r"^```\{glossary\}\n(.*?)^```", text, re.M | re.S):
        terms, in_body = [], False
        for line in block[1].splitlines():
            if line and not line[0].isspace():
                if in_body:
                    out.append(terms)
                    terms, in_body = [], False
                terms.append(line.strip())
            elif line.strip():
                in_body = True
        if terms:
            out.append(terms)
    result = []
    for terms in out:
        english = [t for t in terms if not hangul.search(t)]
        korean = [t for t in terms if hangul.search(t)]
        result.append((english, korean[0] if korean else None))
    return result


#: Glossary terms not linked automatically: "sample" is also a verb ("it samples").
NO_AUTO_LINK = {"sample"}
#: Places where a word is not the glossary's term (a verb): (target, nearby text).
NOT_HERE = {"seed": ["and seed every"]}
#: Where a term is spelled in the text in a way its glossary line is not.
EXTRA_FORMS = {
    "Kullback–Leibler divergence": ["Kullback–Leibler divergence"],
    "full batch": ["full-batch", "full batch"],
    "Monte Carlo estimate": ["Monte Carlo estimate", "Monte-Carlo estimate"],
    "5–95 % band": ["5–95 % band"],
}
PROTECT = re.compile(
    r"\$\$.*?\$\$"                      # display math
    r"|\$[^$\n]+\$"                     # inline math
    r"|\{[a-z:]+\}`[^`]*`"              # roles
    r"|`[^`\n]*`"                       # inline code
    r"|\]\([^)]*\)"                     # link targets
    r"|\[[^\]\n]*\]\("                  # link texts
    r"|<[^>\n]*>"                       # html
    r"|^#[^\n]*$"                       # headings
    r"|^:::[^\n]*$|^:[a-z_]+:[^\n]*$"   # directive lines and options
    r"|^```.*?^```",                    # code fences
    re.S | re.M,
)


def _protected(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in PROTECT.finditer(text)]


def _inside(span, spans) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _entries(lang: str):
    """[(entry, [(surface regex, target term)])] for one language.

    An entry's forms are its term lines (English) or its one Korean term; the entries
    come longest form first, so that a longer term is linked before a shorter one
    that it contains.
    """
    out = []
    for english, korean in glossary_entries():
        forms = []
        if lang == "en":
            for term in english:
                if term in NO_AUTO_LINK:
                    continue
                for surface in EXTRA_FORMS.get(term, [term]):
                    body = r"[ -]".join(re.escape(w) for w in surface.split())
                    if re.fullmatch(r"[A-Za-z][a-z\- ]*[a-z]", surface):
                        body += r"(?:s|es)?"  # plural of an English noun
                    flags = 0 if surface.isupper() or "–" in surface else re.I
                    rx = re.compile(rf"(?<![\w\-]){body}(?![\w\-])", flags)
                    forms.append((rx, term, len(surface)))
        else:
            target = korean or english[0]  # a term Korean writes in Latin letters
            if target not in NO_AUTO_LINK:
                body = r"\s".join(re.escape(w) for w in target.split())
                if korean:
                    rx = re.compile(rf"(?<![\uac00-\ud7a3\w]){body}")
                else:
                    rx = re.compile(rf"(?<![\w\-]){body}(?![\w\-])")
                forms.append((rx, target, len(target)))
                # Korean text writes NLL, CRPS, ELBO ... as they are
                for abbr in english[1:]:
                    if korean and re.fullmatch(r"[A-Z]{2,}", abbr):
                        rx = re.compile(rf"(?<![\w\-]){abbr}(?![\w\-])")
                        forms.append((rx, target, len(abbr)))
        if forms:
            out.append((english[0], forms))
    return sorted(out, key=lambda e: -max(n for _, _, n in e[1]))


def link_terms(nb, lang: str, report: list | None = None) -> None:
    """Every glossary entry linked once, at its first use in the chapter's markdown.

    All {term} roles are removed first and made again, so the result does not depend
    on what an earlier run (or an edit since) left. A term is not linked inside math,
    code, a link, a heading or a directive line, nor inside a longer glossary term
    (calibration inside calibration curve). An entry with several forms (NLL,
    negative log-likelihood) is linked at the first of them only.
    """
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    texts = [TERM.sub(lambda m: m[1], src(c)) for c in cells]  # start from plain
    entries = _entries(lang)
    every = [rx for _, forms in entries for rx, _, _ in forms]
    for _, forms in entries:
        best = None  # (cell, start, match, target)
        for rx, target, n in forms:
            for k, text in enumerate(texts):
                if best is not None and k > best[0]:
                    break
                found = list(rx.finditer(text))
                if not found:
                    continue
                guard = _protected(text)
                longer = [m.span() for r in every for m in r.finditer(text)
                          if m.end() - m.start() > n]
                for m in found:
                    span = m.span()
                    near = text[max(0, span[0] - 20): span[1] + 20]
                    if any(p in near for p in NOT_HERE.get(target, [])):
                        continue
                    if _inside(span, guard) or any(
                        a <= span[0] and span[1] <= b and (b - a) > (span[1] - span[0])
                        for a, b in longer
                    ):
                        continue
                    if best is None or (k, m.start()) < best[:2]:
                        best = (k, m.start(), m, target)
                    break
        if best is None:
            continue
        k, _, hit, target = best
        text, surface = texts[k], " ".join(hit.group(0).split())
        if surface.lower() == target.lower():
            role = f"{{term}}`{surface}`"
        else:
            role = f"{{term}}`{surface} <{target}>`"
        texts[k] = text[: hit.start()] + role + text[hit.end():]
        if report is not None:
            report.append((target, k, surface))
    for cell, text in zip(cells, texts):
        if text != src(cell):
            set_src(cell, text)


# ==================================================================== the chapters
def R(old: str, new: str):
    return lambda nb: replace(nb, old, new)


def PUT(key: str, cell: dict, after: str):
    return lambda nb: put(nb, key, cell, after)


def CODE(key: str, text: str, cell_tags=None):
    return lambda nb: set_code(nb, key, text, cell_tags)


IGNORE = ["nbval-ignore-output"]
HIDDEN = ["remove-cell"]

# ------------------------------------------------------------------------ chapter 1
CH1 = {
    "ops": lambda lang: {
        "en": [R("This chapter follows the first two sections of the source walkthrough:",
                 "This chapter follows the first two sections of the source walkthrough "
                 "{cite:p}`walkthrough`:")],
        "ko": [R("이 장은 원문 워크스루의 처음 두 절을 따라갑니다.",
                 "이 장은 원문 워크스루의 처음 두 절을 따라갑니다 {cite:p}`ko-walkthrough`.")],
    }[lang],
    "saw": {
        "en": """## What we saw

* Of the source's imports only `torch`, `torch.nn`, `numpy` and `matplotlib` are used.
  The book picks the device once, with `vh.get_device()`, and moves tensors and
  models with `.to(device)`.
* One seeded call, `vh.make_dataset(seed=0)`, rebuilds the source's data: 10,000
  points on $[-3, 3]$, Gaussian noise with $\\sigma = 1.5$, and the source's own split
  into 8,000 training and 2,000 validation points.
* The exponent `2+1` turns the source's function into $f(x) = -1.8x^3 + 8x$.""",
        "ko": """## 정리

* 원문이 불러오는 패키지 가운데 실제로 쓰이는 것은 `torch`, `torch.nn`, `numpy`,
  `matplotlib`뿐입니다. 이 책은 장치를 `vh.get_device()`로 한 번만 고르고, 텐서와
  모델은 `.to(device)`로 옮깁니다.
* 시드를 준 호출 한 번, `vh.make_dataset(seed=0)`이 원문의 데이터를 다시 만듭니다.
  $[-3, 3]$ 위의 점 10,000개, $\\sigma = 1.5$인 가우스 잡음, 그리고 원문과 같은
  학습 8,000개·검증 2,000개 분할입니다.
* 지수 `2+1` 때문에 원문의 함수는 $f(x) = -1.8x^3 + 8x$가 됩니다.""",
    },
    "next": {
        "en": """## Next

[Chapter 2](02-train-and-models.ipynb) reads the source's training function and its two models,
and writes out their losses term by term.""",
        "ko": """## 다음

[2장](02-train-and-models.ipynb)에서는 원문의 학습 함수와 두 모델을 읽고, 각 모델의 손실 함수를 항별로 풀어 씁니다.""",
    },
    "figures": {
        "en": [
            ("ax = vh.plot_data(data, lang=LANG)", "data",
             "The source's data: 10,000 noisy points (blue) around the true function "
             "$f(x) = -1.8x^3 + 8x$ (black), with Gaussian noise of σ = 1.5.",
             "Scatter plot of y against x from −3 to 3: a cloud of blue points along an "
             "S-shaped cubic that starts high on the left and ends low on the right, "
             "with a black curve through the middle of the cloud."),
            ("vh.plot_data(quiet, lang=LANG)", "quiet",
             "Solution 1.1: the same function with σ = 0.5 and n = 2,000 points: the "
             "points hug the curve.",
             "Scatter plot like the previous figure, with far fewer points lying tightly "
             "along the black cubic curve."),
        ],
        "ko": [
            ("ax = vh.plot_data(data, lang=LANG)", "data",
             "원문의 데이터: 참 함수 $f(x) = -1.8x^3 + 8x$(검은 선) 둘레의 잡음 섞인 점 "
             "10,000개(파란 점). 잡음은 σ = 1.5인 가우스 분포를 따릅니다.",
             "x가 −3에서 3까지인 산점도. 파란 점 구름이 왼쪽 위에서 시작해 오른쪽 아래에서 "
             "끝나는 S자 모양의 3차 곡선을 따라 놓여 있고, 검은 곡선이 구름 한가운데를 "
             "지나갑니다."),
            ("vh.plot_data(quiet, lang=LANG)", "quiet",
             "풀이 1.1: σ = 0.5, 점 2,000개로 만든 같은 함수의 데이터. 점들이 곡선에 바짝 "
             "붙습니다.",
             "앞 그림과 같은 산점도이지만 점이 훨씬 적고, 검은 3차 곡선에 바짝 붙어 "
             "있습니다."),
        ],
    },
}

# ------------------------------------------------------------------------ chapter 2
CH2 = {
    "ops": lambda lang: {
        "en": [
            R("Its forward pass returns three tensors: a random sample $\\tilde y$, $\\mu$ "
              "and $\\log\\sigma^2$.",
              "Its forward pass returns three tensors: a random sample $\\tilde y$, $\\mu$ "
              "and $\\log\\sigma^2$. The walkthrough credits this code to "
              "{cite:t}`vink2019`."),
            R("The source states its objective in the language of variational inference, "
              "for a latent variable",
              "The source states its objective in the language of variational inference, "
              "following {cite:t}`seunghan96bnn`, for a latent variable"),
            R("The *reparameterisation trick* moves the randomness out of the way.",
              "The *reparameterisation trick* {cite:p}`kingma2014` moves the randomness "
              "out of the way."),
            R("In textbook variational inference for a Bayesian neural network, $Z$ would",
              "In textbook variational inference for a Bayesian neural network "
              "{cite:p}`blundell2015`, $Z$ would"),
        ],
        "ko": [
            R("순전파는 텐서 세 개, 곧 무작위 표본 $\\tilde y$, $\\mu$, $\\log\\sigma^2$을 "
              "돌려줍니다.",
              "순전파는 텐서 세 개, 곧 무작위 표본 $\\tilde y$, $\\mu$, $\\log\\sigma^2$을 "
              "돌려줍니다. 워크스루는 이 코드의 출처로 {cite:t}`ko-vink2019`를 밝힙니다."),
            R("원문은 목적 함수를 변분 추론의 말로 적습니다.",
              "원문은 {cite:t}`ko-seunghan96bnn`을 따라 목적 함수를 변분 추론의 말로 "
              "적습니다."),
            R("*재매개변수화 기법*은 무작위성을 옆으로 비켜 둡니다.",
              "*재매개변수화 기법*은 무작위성을 옆으로 비켜 둡니다 "
              "{cite:p}`ko-kingma2014`."),
            R("$Q$는 가중치에 대한 분포입니다.",
              "$Q$는 가중치에 대한 분포입니다 {cite:p}`ko-blundell2015`."),
        ],
    }[lang],
    "saw": {
        "en": """## What we saw

* One training function, `vh.fit`, serves both models: it looks at what the model
  returns instead of taking a `type` flag.
* Half the mean squared error is the Gaussian negative log-likelihood with its spread
  fixed in advance: maximum likelihood that never learns how noisy the data are.
* The variational network returns a sample, a mean and a log-variance; the
  reparameterisation trick lets the gradient reach $\\mu$ and $\\log\\sigma^2$ through
  the sample.
* The source's negative ELBO has three terms: the likelihood, the log prior of the
  sample, and minus the log density of the sample under $q$. Averaged over
  $\\varepsilon$, the $\\log\\sigma^2$ of the first and of the third cancel.""",
        "ko": """## 정리

* 학습 함수 하나, `vh.fit`이 두 모델을 모두 학습합니다. `type` 플래그를 받는 대신
  모델이 돌려주는 값을 봅니다.
* 평균 제곱 오차의 절반은 퍼짐을 미리 정해 둔 가우스 음의 로그 가능도입니다. 데이터에
  잡음이 얼마나 섞였는지는 끝내 배우지 않는 최대 가능도 추정입니다.
* 변분 신경망은 표본, 평균, 로그 분산을 돌려줍니다. 재매개변수화 기법 덕분에 기울기가
  표본을 거쳐 $\\mu$와 $\\log\\sigma^2$까지 갑니다.
* 원문의 음의 ELBO는 세 항, 곧 가능도, 표본의 로그 사전 분포, 그리고 $q$ 아래에서
  표본의 로그 밀도에 음수를 붙인 항으로 이루어집니다. $\\varepsilon$에 대해 평균을
  내면 첫째 항과 셋째 항의 $\\log\\sigma^2$이 서로 상쇄됩니다.""",
    },
    "next": {
        "en": """## Next

[Chapter 3](03-training-and-figures.ipynb) trains both models as the source does, and draws the source's two figures.""",
        "ko": """## 다음

[3장](03-training-and-figures.ipynb)에서는 원문처럼 두 모델을 학습하고, 원문의 그림 두 장을 그립니다.""",
    },
    "figures": {"en": [], "ko": []},
}

# ------------------------------------------------------------------------ chapter 3
CH3_ENDS = """ends = band[1, [0, -1]]  # the median at x = -3 and x = 3
assert abs(data.x[0].item() + 3) < 1e-6 and abs(data.x[-1].item() - 3) < 1e-6
assert abs(data.y_true[0].item() - 24.6) < 1e-3
assert abs(data.y_true[-1].item() + 24.6) < 1e-3
assert 10 < ends[0] < 14 and -12.5 < ends[1] < -8, ends"""
CH3_COVERED = """assert 0.975 <= covered <= 0.995, covered
assert 2.7 < width / (2 * 1.645 * data.sigma) < 3.4, width"""
CH3 = {
    "ops": lambda lang: {
        "en": [R("The median follows the curve, and the band covers the cloud of points "
                 "with room to spare. A 5–95 % band should leave",
                 "The band covers the cloud of points, but look at its ends: there the "
                 "median does not follow the curve. It is pulled toward 0, the mean of the "
                 "training targets: at $x = -3$ the median is about 12 where the curve is "
                 "at 24.6, and at $x = 3$ about −10 against −24.6. The band is wide enough "
                 "to reach the points there anyway. [Chapter 4](04-is-the-band-right.ipynb) "
                 "derives this pull from the loss, together with the band's width.\n\n"
                 "A 5–95 % band should leave")],
        "ko": [R("중앙값은 곡선을 따라가고, 구간은 점 구름을 넉넉하게 덮습니다. "
                 "5–95 % 구간이라면",
                 "구간은 점 구름을 덮지만, 양 끝을 보면 중앙값이 곡선을 따라가지 않습니다. "
                 "학습 타깃의 평균인 0 쪽으로 끌려가 있습니다. $x = -3$에서 곡선은 24.6인데 "
                 "중앙값은 12쯤이고, $x = 3$에서는 −24.6에 비해 −10쯤입니다. 그래도 구간이 "
                 "워낙 넓어서 그곳의 점들에 닿습니다. 이렇게 끌려가는 까닭은 구간의 폭과 함께 "
                 "[4장](04-is-the-band-right.ipynb)에서 손실 함수로부터 유도합니다.\n\n"
                 "5–95 % 구간이라면")],
    }[lang] + [
        PUT("ends = band[1, [0, -1]]", code_cell(CH3_ENDS, HIDDEN),
            after="ax = vh.plot_band(data, band, num_samples=1000, lang=LANG)"),
        CODE("assert covered >= 0.97, covered", CH3_COVERED),
    ],
    "saw": {
        "en": """## What we saw

* Trained as the source trains them, the MLE network ends within a few per cent of the
  noise floor, and the variational network gives a median and a 5–95 % band.
* The source's loop of 1,000 forward passes, the vectorised draw and the closed form
  give the same band up to Monte Carlo noise.
* The band holds about 99 % of the validation points instead of 90 % and is about
  three times as wide as a calibrated 90 % band; toward the ends its median is pulled
  toward 0, away from the curve.""",
        "ko": """## 정리

* 원문대로 학습하면 MLE 신경망의 검증 손실은 잡음 하한과 몇 퍼센트 안쪽으로
  가까워지고, 변분 신경망은 중앙값과 5–95 % 구간을 줍니다.
* 원문의 순전파 1,000번 반복문, 벡터화한 방법, 닫힌 형태는 몬테카를로 잡음 안에서
  같은 구간을 줍니다.
* 구간은 검증 데이터의 90 %가 아니라 99 %쯤을 담고, 폭은 보정된 90 % 구간의 세
  배쯤입니다. 양 끝으로 가면 중앙값이 곡선을 벗어나 0 쪽으로 끌려갑니다.""",
    },
    "next": {
        "en": """## Next

This is the end of the source walkthrough: both of its figures, reproduced.
[Chapter 4](04-is-the-band-right.ipynb) measures the band on held-out data and derives
from the loss why it is so wide and why its median bends toward 0. The
[introduction](../../book/en/intro.md) lists everything the book adds after the
walkthrough.""",
        "ko": """## 다음

원문 워크스루는 여기까지입니다. 원문의 그림 두 장을 모두 재현했습니다.
[4장](04-is-the-band-right.ipynb)에서는 구간을 검증 데이터로 재고, 구간이 왜 이렇게
넓은지, 중앙값이 왜 0 쪽으로 휘는지를 손실 함수에서 유도합니다. 이 책이 워크스루 뒤에
더하는 내용은 [이 책에 대하여](../../book/ko/intro.md)에 정리되어 있습니다.""",
    },
    "figures": {
        "en": [
            ("ax = vh.plot_mle_fit(data, y_mle", "mle-fit",
             "The source's first figure (section 6-1): the MLE network's prediction (red) "
             "after 10,000 epochs, over the noisy data.",
             "Scatter plot of the noisy data with a red line that follows the S-shaped "
             "cubic from upper left to lower right."),
            ("ax = vh.plot_band(data, band, num_samples=1000, lang=LANG)", "band",
             "The source's second figure (section 6-2): the variational model's median and "
             "5–95 % band from 1,000 stochastic forward passes. The band is wide; toward "
             "x = ±3 the median stays short of the curve.",
             "Scatter plot of the noisy data with a wide shaded band around a median line; "
             "the band covers the whole cloud, and at both ends the median line lies "
             "between the cloud and zero."),
            ("vh.plot_mle_fit(small, quick(small.x)", "quick",
             "Solution 3.1: the MLE network after 200 epochs on n = 2,000 points: a rough, "
             "nearly straight line through the cubic.",
             "Scatter plot of 2,000 noisy points along the cubic, with a red line that "
             "cuts straight across its bends."),
            ("ax = vh.plot_band(small, plain_band", "likelihood-only",
             "Solution 3.3: the same network trained on the likelihood alone: its band is "
             "about as wide as the noise.",
             "Scatter plot with a narrow shaded band that follows the cubic and holds most "
             "of the points."),
        ],
        "ko": [
            ("ax = vh.plot_mle_fit(data, y_mle", "mle-fit",
             "원문의 첫째 그림(6-1절): 10,000 에폭 학습한 MLE 신경망의 예측(빨간 선)과 "
             "잡음 섞인 데이터.",
             "잡음 섞인 데이터의 산점도 위로, 빨간 선이 왼쪽 위에서 오른쪽 아래로 가는 S자 "
             "3차 곡선을 따라갑니다."),
            ("ax = vh.plot_band(data, band, num_samples=1000, lang=LANG)", "band",
             "원문의 둘째 그림(6-2절): 무작위 순전파 1,000번으로 얻은 변분 모델의 중앙값과 "
             "5–95 % 구간. 구간은 넓고, x = ±3 쪽으로 갈수록 중앙값이 곡선에 못 미칩니다.",
             "잡음 섞인 데이터의 산점도 위에 중앙값 선과 그 둘레의 넓은 음영 구간이 있습니다. "
             "구간은 점 구름 전체를 덮고, 양 끝에서 중앙값 선은 점 구름과 0 사이에 "
             "놓입니다."),
            ("vh.plot_mle_fit(small, quick(small.x)", "quick",
             "풀이 3.1: 점 2,000개로 200 에폭 학습한 MLE 신경망. 3차 곡선을 가로지르는 거친, "
             "거의 곧은 선입니다.",
             "3차 곡선을 따라 놓인 잡음 섞인 점 2,000개 위로, 빨간 선이 곡선의 굽이를 곧게 "
             "가로지릅니다."),
            ("ax = vh.plot_band(small, plain_band", "likelihood-only",
             "풀이 3.3: 가능도만으로 학습한 같은 신경망. 구간 폭이 잡음과 비슷합니다.",
             "3차 곡선을 따라가는 좁은 음영 구간이 점 대부분을 담고 있는 산점도."),
        ],
    },
}
# ------------------------------------------------------------------------ chapter 4
CH4_SETUP = """import matplotlib.pyplot as plt
import numpy as np
import torch

import vi_helpers as vh
from vi_helpers import metrics as M
from vi_helpers import theory

vh.use_language(LANG)
vh.set_seed(0)"""
CH4_RATIOS = """result = vh.data.load_book_data("evaluation")  # chapter 5's five-seed table
x_held = np.asarray(result["held_out"]["x"])  # the same 2,000 x for every seed
width_ratio = {}
for run in result["runs"]:
    if run["model"] == "source":
        m, P = vh.prior_from_targets(vh.make_dataset(seed=run["seed"]).y_train)
        _, s_seed = theory.optimal_band(vh.true_function(x_held), data.sigma, m, P)
        width_ratio[run["seed"]] = run["width_90"] / (2 * vh.Z90 * s_seed.mean())
print("mean width, network / theory, seeds 0-4:",
      " ".join(f"{r:.3f}" for r in width_ratio.values()))
ratio_x = s_net.numpy().ravel() / s_theory
x_all = data.x.numpy().ravel()
low, high = ratio_x.argmin(), ratio_x.argmax()
print(f"s, network / theory, along x: from {ratio_x[low]:.2f} at x = {x_all[low]:.2f}"
      f" to {ratio_x[high]:.2f} at x = {x_all[high]:.2f}")"""
CH4_RATIOS_ASSERT = """near = [r for r in width_ratio.values() if 1.015 < r < 1.04]
assert len(near) == 4 and round(width_ratio[3] - 1, 2) == 0.32, width_ratio
assert abs(source["width_90"] / predicted["width_90"] - 1) < 0.04
assert 0.6 < ratio_x[low] < 0.8 and abs(x_all[low]) > 2.7, (ratio_x[low], x_all[low])
assert 1.5 < ratio_x[high] < 1.8 and 2.0 < x_all[high] < 2.6, (ratio_x[high], x_all[high])"""
CH4_BINS = """edges = np.linspace(-3, 3, 11)  # ten bins of x
normals = {"row_oracle": (f, torch.full_like(y, data.sigma)), "row_source": (mu, s)}
by_bin = {}
for key, (mean, std) in normals.items():
    lower, upper = mean - vh.Z90 * std, mean + vh.Z90 * std
    _, by_bin[key], counts = M.coverage_by_bin(data.x_val, y, lower, upper, bins=edges)
    print(f"{vh.label(key, LANG)}: overall {M.interval_coverage(y, lower, upper):.3f}")
    print("  by bin:", " ".join(f"{c:.2f}" for c in by_bin[key]))
print("held-out points per bin:", counts.tolist())"""
CH4_BINS_ASSERT = """assert counts.min() >= 180 and counts.max() <= 220, counts
assert abs((0.9 * 0.1 / 200) ** 0.5 - 0.02) < 0.002
source_bins = by_bin["row_source"]
assert source_bins[1:-1].min() >= 0.985, source_bins
assert all(0.94 <= c <= 0.985 for c in source_bins[[0, -1]]), source_bins
assert source["coverage_90"] > 0.985 and abs(oracle["coverage_90"] - 0.9) < 0.02"""
CH4_FIGURE = """pit = {key: M.pit_gaussian(y, mean, std) for key, (mean, std) in normals.items()}
centres = (edges[:-1] + edges[1:]) / 2
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5), layout="constrained")
left.axhline(0.9, color="gray", ls="--", label=f"{vh.label('nominal', LANG)}: 0.90")
for key, color in (("row_oracle", "black"), ("row_source", "tab:red")):
    name = vh.label(key, LANG)
    left.plot(centres, by_bin[key], marker="o", color=color, label=name)
    right.hist(pit[key], bins=10, range=(0, 1), density=True, histtype="step", lw=2,
               color=color, label=name)
left.set(xlabel=vh.label("x", LANG), ylabel=vh.label("observed", LANG), ylim=(0.7, 1.02))
left.legend(loc="lower center")
right.axhline(1, color="gray", ls="--")
right.set(xlabel=r"PIT  $u = \\Phi\\,((y - \\mu)\\,/\\,s)$", ylim=(0, 2.6))
right.legend(loc="upper left");"""
CH4_SEEDS = """ends = np.abs(x_held) > 2.7
outer = []
for seed, per_seed in result["held_out"]["seeds"].items():
    y_seed = np.asarray(per_seed["y"])
    pred = per_seed["models"]["source"]
    mean, std = np.asarray(pred["mean"]), np.asarray(pred["std"])
    lower, upper = mean - vh.Z90 * std, mean + vh.Z90 * std
    _, seed_bins, _ = M.coverage_by_bin(x_held, y_seed, lower, upper, bins=edges)
    at_ends = M.interval_coverage(y_seed[ends], lower[ends], upper[ends])
    outer.append((seed_bins[0], seed_bins[-1], at_ends))
    print(f"seed {seed}: outermost bins {seed_bins[0]:.3f} {seed_bins[-1]:.3f}, "
          f"|x| > 2.7: {at_ends:.3f}")
outer = np.array(outer)  # (seeds, 3)
print("mean over the seeds:", " ".join(f"{v:.3f}" for v in outer.mean(axis=0)))"""
CH4_SEEDS_ASSERT = """assert [round(v, 2) for v in outer.mean(axis=0)[:2]] == [0.95, 0.92], outer
assert outer[:, 2].argmin() == 3 and round(outer[3, 2], 2) == 0.68, outer
share = {key: np.histogram(u, bins=10, range=(0, 1))[0] / len(u) for key, u in pit.items()}
assert share["row_source"][[0, -1]].max() < 0.05 < share["row_oracle"][[0, -1]].min()
assert share["row_source"][4:6].sum() > 0.3 > share["row_oracle"][4:6].sum()"""

CH4_TEXT = {
    "en": {
        "old_scoring": "NLL and CRPS reward a band that is both narrow and right, and "
                       "punish one that is too wide as well as one that is too narrow.",
        "new_scoring": "NLL and CRPS are proper scoring rules {cite:p}`gneiting2007`: "
                       "they reward a band that is both narrow and right, and punish one "
                       "that is too wide as well as one that is too narrow.",
        "old_crps": "For a Gaussian the CRPS has a closed form,",
        "new_crps": "For a Gaussian the CRPS has a closed form {cite:p}`gneiting2007`,",
        "old_curve": "The **calibration curve** asks the same",
        "new_curve": "The **calibration curve** {cite:p}`kuleshov2018` asks the same",
        "old_wide": "* **Too wide everywhere.** Even where the mean is exact, "
                    "$s = (\\sigma^2 P)^{1/4}$, the geometric mean of σ and $\\sqrt P$. "
                    "Since the targets spread far more than the noise "
                    "($\\sqrt P \\gg \\sigma$), s is far larger than σ.",
        "new_wide": """* **Wider than the noise everywhere.** Even where the mean is exact, $s = (\\sigma^2 P)^{1/4}$,
  the geometric mean of σ and $\\sqrt P$. Since the targets spread far more than the
  noise ($\\sqrt P \\gg \\sigma$), s is far larger than σ. This is a statement about s,
  not about coverage: where the mean is pulled away from f, part of the extra width
  only makes up for the shift, and section 5 finds the band's coverage lowest there.""",
        "old_theory": "The theory predicts coverage close to 1, a width about three times "
                       "the calibrated 4.93, and a mean several units away from f; the "
                       "trained network shows the same, within about 10 % on the width. "
                       "The source's band is not a training accident: it is what its loss "
                       "asks for. The next chapter keeps the network and changes the loss.",
        "new_theory": """The theory predicts coverage close to 1, a width about three times the
calibrated 4.93, and a mean several units away from f; the trained network
shows the same. The source's band is not a training accident: it is what its
loss asks for. How close is the match? Chapter 5's table trains this model on
five seeds and stores its predictions at the held-out x; with the prior of each
seed's own training targets, the theory gives each seed's width. Along x we
compare s itself:""",
        "after_ratios": """In four of the five seeds the network's mean width lies 2–4 % above the
theory's; in seed 3 it is 32 % above. Along x the agreement is looser: the
network's s runs from 0.70 times the theory's (at x = −3, where the theory's s
climbs steeply in the last half unit) to 1.67 times (near x = 2.3), and these
errors partly cancel in the mean. After 1,000 epochs the network is on its way
to the theory's optimum, not at it: the theory explains the size and the shape of
the band, not every detail.""",
        "section5": """## 5. Coverage along x, and the PIT

:::{admonition} A band for y, not for f(x)
:class: note
Every band in this book is a prediction interval: a statement about a new noisy
observation y at x, which a 90 % band should hold nine times in ten. It is not a
band for the curve f(x). A band for f would say how sure the model is of the
curve and would narrow as data accumulate; a band for y can never be narrower than
the noise, 2 · 1.645 · σ = 4.93 here. So its coverage is counted on held-out y, as
above. (Bayes by Backprop, in chapter 5, splits its band into a part about f and a
part about the noise.)
:::

One coverage number is an average over x. A band can hold 90 % of all points by
covering too much in one place and too little in another (exercise 4.1 shows an
extreme case). So we also count coverage in ten bins of x, each with about 200
held-out points, next to the overall number. With 200 points a bin's coverage
varies by chance around 0.90 with a binomial standard error of about
$\\sqrt{0.9 \\cdot 0.1 / 200} \\approx 0.02$.""",
        "after_bins": """In the left panel, the source's band holds all or nearly all held-out points in
the eight middle bins; only in the two outermost bins does its coverage fall, to
about 0.96 and 0.97 here. There the mean is pulled furthest from
f, and part of the band's extra width is spent on reaching f at all; the overall
0.99 hides this. Seed 0 is a mild case. Chapter 5's table trains the same model on
five seeds and stores its predictions at the same held-out x, so the same count
needs no training:""",
        "after_seeds": """Averaged over the five seeds the two outermost bins hold 0.95 and 0.92, and in
seed 3 the band holds only 0.68 of the held-out points with |x| > 2.7: there its
mean is shrunk so far that even a band three times too wide misses. "Too wide" is
true of s everywhere, not of the coverage at the ends.

The **PIT** (probability integral transform) looks at every level at once, point
by point {cite:p}`kuleshov2018`: $u = \\Phi\\big((y-\\mu)/s\\big)$ is the probability that
the prediction gave to values below the observed y. If the predictions were the
true distributions, u would be uniform on [0, 1] and its histogram flat at 1, as
the oracle's is up to noise (right panel above). The source's histogram is a hump:
its bands are so wide that too few points land in their tails, near u = 0 or 1,
and too many near the middle. A hump means bands that are too wide, a U shape
bands that are too narrow, a slope a mean that is off to one side.""",
    },
    "ko": {
        "old_scoring": "NLL과 CRPS는 좁으면서도 맞는 구간에 점수를 주고,",
        "new_scoring": "NLL과 CRPS는 적절한 점수 규칙입니다 {cite:p}`ko-gneiting2007`. "
                       "둘 다 좁으면서도 맞는 구간에 점수를 주고,",
        "old_crps": "가우스 분포의 CRPS에는 닫힌 형태가 있습니다.",
        "new_crps": "가우스 분포의 CRPS에는 닫힌 형태가 있습니다 "
                    "{cite:p}`ko-gneiting2007`.",
        "old_curve": "**보정 곡선**은 같은 질문을 5 %부터 95 %까지 모든 수준에서 "
                     "던집니다.",
        "new_curve": "**보정 곡선**은 같은 질문을 5 %부터 95 %까지 모든 수준에서 "
                     "던집니다 {cite:p}`ko-kuleshov2018`.",
        "old_wide": "* **어디서나 너무 넓다.** 평균이 정확한 곳에서도 "
                    "$s = (\\sigma^2 P)^{1/4}$, 곧 σ와 $\\sqrt P$의 기하평균입니다. "
                    "타깃은 잡음보다 훨씬 넓게 퍼져 있으므로 ($\\sqrt P \\gg \\sigma$) "
                    "s는 σ보다 훨씬 큽니다.",
        "new_wide": """* **어디서나 잡음보다 넓다.** 평균이 정확한 곳에서도 $s = (\\sigma^2 P)^{1/4}$,
  곧 σ와 $\\sqrt P$의 기하평균입니다. 타깃은 잡음보다 훨씬 넓게 퍼져 있으므로
  ($\\sqrt P \\gg \\sigma$) s는 σ보다 훨씬 큽니다. 이것은 s에 대한 말이지 포함률에
  대한 말이 아닙니다. 평균이 f에서 끌려간 곳에서는 늘어난 폭의 일부가 그 어긋남을
  메우는 데 쓰이고, 5절에서 보듯 포함률은 바로 그곳에서 가장 낮습니다.""",
        "old_theory": "이론은 1에 가까운 포함률, 보정된 폭 4.93의 세 배쯤 되는 폭, "
                      "그리고 f에서 몇 단위나 떨어진 평균을 예측합니다. 학습된 신경망도 "
                      "똑같이 보여 주고, 폭은 10 % 안쪽에서 맞습니다. 원문의 구간은 학습이 "
                      "잘못된 결과가 아니라, 손실 함수가 요구한 그대로입니다. 다음 장에서는 "
                      "신경망은 그대로 두고 손실을 바꿉니다.",
        "new_theory": """이론은 1에 가까운 포함률, 보정된 폭 4.93의 세 배쯤 되는 폭, 그리고 f에서
몇 단위나 떨어진 평균을 예측합니다. 학습된 신경망도 똑같이 보여 줍니다. 원문의
구간은 학습이 잘못된 결과가 아니라, 손실 함수가 요구한 그대로입니다. 얼마나
가깝게 맞을까요? 5장의 비교표는 이 모델을 시드 다섯 개로 학습하고 검증 데이터의
x에서 그 예측을 저장해 둡니다. 시드마다 그 시드의 학습 타깃으로 정한 사전 분포를
쓰면 이론도 시드마다 폭을 줍니다. x를 따라서는 s 자체를 비교합니다.""",
        "after_ratios": """시드 다섯 개 가운데 넷에서 신경망의 평균 폭은 이론보다 2–4 % 넓고, 시드 3에서는
32 % 넓습니다. x를 따라가면 덜 맞습니다. 신경망의 s는 이론의 0.70배(x = −3, 이론의
s가 마지막 반 단위에서 가파르게 오르는 곳)에서 1.67배(x = 2.3 근처)까지 오가고, 이
어긋남들이 평균에서는 일부 상쇄됩니다. 1,000 에폭 뒤의 신경망은 이론의 최적점으로
가는 중이지 도착한 것이 아닙니다. 이론은 구간의 크기와 모양을 설명하지, 세부까지
모두 설명하지는 않습니다.""",
        "section5": """## 5. x에 따른 포함률, 그리고 PIT

:::{admonition} f(x)가 아니라 y를 위한 구간
:class: note
이 책의 구간은 모두 예측 구간입니다. x에서 새로 관측할 잡음 섞인 y에 대한 말이고,
90 % 구간이라면 열 번에 아홉 번은 y를 담아야 합니다. 곡선 f(x)를 위한 구간이
아닙니다. f를 위한 구간은 모델이 곡선을 얼마나 확신하는지를 말하며 데이터가
쌓일수록 좁아지지만, y를 위한 구간은 잡음보다 좁아질 수 없습니다. 여기서는
2 · 1.645 · σ = 4.93입니다. 그래서 포함률은 위에서처럼 검증 데이터의 y로 셉니다.
(5장의 Bayes by Backprop은 구간을 f에 대한 부분과 잡음에 대한 부분으로 나눕니다.)
:::

포함률 숫자 하나는 x 전체에 걸친 평균입니다. 어떤 곳은 너무 많이, 어떤 곳은 너무
적게 덮으면서도 전체로는 90 %를 담을 수 있습니다(연습 4.1이 극단적인 예를 보여
줍니다). 그래서 x를 열 구간으로 나누어, 검증 데이터가 200개쯤씩 든 구간마다
포함률을 세고 전체 숫자 옆에 놓습니다. 점이 200개이면 한 구간의 포함률은 우연만으로도
0.90 둘레에서 이항 표준오차 $\\sqrt{0.9 \\cdot 0.1 / 200} \\approx 0.02$만큼
흔들립니다.""",
        "after_bins": """왼쪽 그림에서, 가운데 여덟 구간의 원문 구간은 검증 데이터를 모두, 또는 거의 모두
담습니다. 포함률이 떨어지는 곳은 가장 바깥의 두 구간뿐이고,
여기서는 0.96과 0.97쯤입니다. 그곳에서 평균이 f에서 가장 멀리 끌려가 있어서, 구간이
늘어난 폭의 일부를 f에 닿는 데 써 버립니다. 전체 숫자 0.99는 이것을 감춥니다. 시드
0은 가벼운 경우입니다. 5장의 비교표는 같은 모델을 시드 다섯 개로 학습하고 같은 검증
데이터의 x에서 예측을 저장해 두었으므로, 학습 없이 같은 셈을 할 수 있습니다.""",
        "after_seeds": """시드 다섯 개의 평균으로 가장 바깥의 두 구간은 0.95와 0.92를 담고, 시드 3에서는
|x| > 2.7인 검증 데이터의 0.68만 담습니다. 그곳에서는 평균이 너무 많이 끌려가서,
세 배나 넓은 구간으로도 놓칩니다. '너무 넓다'는 말은 어디서나 s에 대해서는 맞지만,
양 끝의 포함률에 대해서는 맞지 않습니다.

**PIT**(확률 적분 변환)은 모든 수준을 한꺼번에, 점 하나하나에서 봅니다
{cite:p}`ko-kuleshov2018`. $u = \\Phi\\big((y-\\mu)/s\\big)$는 예측이 관측값 y보다 작은
값들에 준 확률입니다. 예측이 참 분포라면 u는 [0, 1]에서 고르게 퍼지고 히스토그램은
1에서 평평합니다. 오라클의 히스토그램이 잡음 안에서 그렇습니다(위 오른쪽 그림).
원문의 히스토그램은 가운데가 불룩합니다. 구간이 너무 넓어서 꼬리 쪽, 곧 u = 0이나 1
근처에 떨어지는 점이 너무 적고 가운데에 너무 많습니다. 가운데가 불룩하면 구간이 너무
넓고, U자 모양이면 너무 좁고, 한쪽으로 기울면 평균이 한쪽으로 치우친 것입니다.""",
    },
}


def _ch4_ops(lang):
    t = CH4_TEXT[lang]
    return [
        CODE("from vi_helpers import theory", CH4_SETUP),
        R(t["old_scoring"], t["new_scoring"]),
        R(t["old_crps"], t["new_crps"]),
        R(t["old_curve"], t["new_curve"]),
        R(t["old_wide"], t["new_wide"]),
        R(t["old_theory"], t["new_theory"]),
        PUT('width_ratio = {}', code_cell(CH4_RATIOS, IGNORE), after=t["new_theory"]),
        PUT("near = [r for r in width_ratio.values()", code_cell(CH4_RATIOS_ASSERT, HIDDEN),
            after="width_ratio = {}"),
        PUT(t["after_ratios"][:60], md_cell(t["after_ratios"]),
            after="near = [r for r in width_ratio.values()"),
        PUT(t["section5"][:40], md_cell(t["section5"]), after=t["after_ratios"][:60]),
        PUT("edges = np.linspace(-3, 3, 11)", code_cell(CH4_BINS, IGNORE),
            after=t["section5"][:40]),
        PUT("source_bins = by_bin", code_cell(CH4_BINS_ASSERT, HIDDEN),
            after="edges = np.linspace(-3, 3, 11)"),
        PUT("right.hist(pit[key]", code_cell(CH4_FIGURE), after="source_bins = by_bin"),
        PUT(t["after_bins"][:50], md_cell(t["after_bins"]), after="right.hist(pit[key]"),
        PUT("ends = np.abs(x_held) > 2.7", code_cell(CH4_SEEDS),
            after=t["after_bins"][:50]),
        PUT("share = {key: np.histogram", code_cell(CH4_SEEDS_ASSERT, HIDDEN),
            after="ends = np.abs(x_held) > 2.7"),
        PUT(t["after_seeds"][:50], md_cell(t["after_seeds"]),
            after="share = {key: np.histogram"),
    ]


CH4 = {
    "box_exercises": True,
    "ops": _ch4_ops,
    "saw": {
        "en": """## What we saw

* Measured on held-out data, the source's 5–95 % band covers almost every point
  and is about three times too wide; its NLL and CRPS are far from the oracle's.
* Averaged over the noise and ε, the source's loss loses its $\\log s^2$ terms.
  Its optimum is $s^4 = P(\\sigma^2 + (f-\\mu)^2)$ with the mean shrunk to
  $\\mu = (Pf + s^2 m)/(P+s^2)$.
* That optimum predicts the trained network's band: its mean width (2–4 % off in
  four seeds of five), its coverage and the way its mean bends toward the prior
  mean. Along x, after 1,000 epochs, the network's s is still 0.7 to 1.7 times the
  theory's.
* Coverage in bins of x and the PIT histogram show what the overall number hides:
  coverage near 1 in the middle and lower at the ends, where the mean is shrunk
  (0.68 for |x| > 2.7 in one seed of five), and a PIT hump, the mark of bands that
  are too wide.
* A 90 % band here is a prediction interval for y, not a band for f(x); its
  coverage is counted on held-out y.""",
        "ko": """## 정리

* 검증 데이터에서 재 보면 원문의 5–95 % 구간은 거의 모든 점을 담고, 폭은 세
  배쯤 넓습니다. NLL과 CRPS도 오라클과 거리가 멉니다.
* 원문의 손실을 잡음과 ε에 대해 평균 내면 $\\log s^2$ 항이 사라집니다. 최적점은
  $s^4 = P(\\sigma^2 + (f-\\mu)^2)$이고, 평균은 $\\mu = (Pf + s^2 m)/(P+s^2)$로
  끌려갑니다.
* 이 최적점이 학습된 신경망의 구간을 예측합니다. 평균 폭(시드 다섯 개 중 넷에서
  2–4 % 차이), 포함률, 그리고 평균이 사전 평균 쪽으로 휘는 모습까지 맞습니다. x를
  따라 보면, 1,000 에폭 뒤 신경망의 s는 아직 이론의 0.7배에서 1.7배 사이를
  오갑니다.
* x 구간별 포함률과 PIT 히스토그램은 전체 숫자가 감추는 것을 보여 줍니다. 포함률은
  가운데에서 거의 1이고, 평균이 끌려간 양 끝에서는 그보다 낮습니다(시드 다섯 개 중
  하나에서는 |x| > 2.7일 때 0.68). PIT는 가운데가 불룩합니다. 구간이 너무 넓다는
  표시입니다.
* 여기서 90 % 구간은 f(x)가 아니라 y를 위한 예측 구간이고, 포함률은 검증 데이터의
  y로 셉니다.""",
    },
    "next": {
        "en": """## Next

[Chapter 5](05-models-that-get-it-right.ipynb) keeps the network and changes the loss:
two models whose bands are right, and every model compared over five seeds.""",
        "ko": """## 다음

[5장](05-models-that-get-it-right.ipynb)에서는 신경망은 그대로 두고 손실을 바꿉니다.
구간을 제대로 맞히는 모델 두 가지를 만들고, 모든 모델을 시드 다섯 개로 비교합니다.""",
    },
    "figures": {
        "en": [
            ('vh.label("row_source", LANG): M.calibration_curve(y, mu, s)', "calibration",
             "Calibration curves on the 2,000 held-out points: the oracle lies on the "
             "diagonal, the source's model far above it (its bands are too wide at every "
             "level).",
             "Square plot of observed against nominal coverage from 0 to 1: a dashed "
             "diagonal, the oracle's markers on it, and the source's markers in a curve "
             "well above it that reaches 1 early."),
            ("axes = vh.plot_theory_vs_network(", "theory",
             "The trained network (red) beside the optimum of the expected loss (blue, "
             "dashed). Left: the mean μ(x), with the true f in black. Right: the standard "
             "deviation s(x), with the true σ = 1.5.",
             "Two panels over x from −3 to 3. Left: the red and the dashed blue mean curves "
             "lie together and bend toward zero at both ends, away from the black cubic. "
             "Right: both standard deviation curves stay far above the flat line at 1.5 "
             "and rise toward the ends."),
            ("right.hist(pit[key]", "coverage-pit",
             "Left: the share of held-out points inside the 90 % band in ten bins of x, "
             "for the oracle and the source's model (seed 0); dashed, the nominal 0.90. "
             "Right: histograms of their PIT values; a calibrated model's is flat at 1 "
             "(dashed).",
             "Two panels. Left: coverage against x; the oracle's markers scatter around "
             "0.9, the source's sit at 1 in the middle and dip slightly at both ends. "
             "Right: the oracle's histogram is flat near 1, the source's rises to a hump "
             "in the middle and falls near 0 and 1."),
            ("flat_curves = {", "flat",
             "Solution 4.1: the calibration curve of N(m, P), a prediction that ignores x, "
             "beside the oracle's: both lie close to the diagonal.",
             "Square calibration plot with the dashed diagonal; the oracle's markers and "
             "the flat prediction's markers both lie close to it."),
        ],
        "ko": [
            ('vh.label("row_source", LANG): M.calibration_curve(y, mu, s)', "calibration",
             "검증 데이터 2,000개로 그린 보정 곡선. 오라클은 대각선 위에, 원문의 모델은 그보다 "
             "한참 위에 놓입니다(모든 수준에서 구간이 너무 넓습니다).",
             "가로축이 명목 포함률, 세로축이 관측 포함률이고 둘 다 0에서 1까지인 정사각형 "
             "그림. 점선 대각선 위에 오라클의 점들이 놓이고, 원문 모델의 점들은 그보다 훨씬 "
             "위에서 곡선을 그리며 일찍 1에 닿습니다."),
            ("axes = vh.plot_theory_vs_network(", "theory",
             "학습한 신경망(빨간 선)과 기대 손실의 최적점(파란 점선). 왼쪽은 평균 μ(x)와 "
             "참 함수 f(검은 선), 오른쪽은 표준편차 s(x)와 참 σ = 1.5입니다.",
             "x가 −3에서 3까지인 그림 두 개. 왼쪽: 빨간 평균 곡선과 파란 점선이 함께 가다가 "
             "양 끝에서 검은 3차 곡선을 벗어나 0 쪽으로 휩니다. 오른쪽: 두 표준편차 곡선 모두 "
             "1.5의 수평선보다 훨씬 위에 있고 양 끝으로 갈수록 올라갑니다."),
            ("right.hist(pit[key]", "coverage-pit",
             "왼쪽: x를 열 구간으로 나누어 센, 90 % 구간 안에 든 검증 데이터의 비율. "
             "오라클과 원문의 모델(시드 0)이고, 점선은 명목 수준 0.90입니다. 오른쪽: 두 "
             "모델의 PIT 값 히스토그램. 보정된 모델이라면 1(점선)에서 평평합니다.",
             "그림 두 개. 왼쪽: x에 따른 포함률. 오라클의 점은 0.9 둘레에 흩어지고, 원문 "
             "모델의 점은 가운데에서 1에 있다가 양 끝에서 조금 내려갑니다. 오른쪽: 오라클의 "
             "히스토그램은 1 근처에서 평평하고, 원문 모델의 것은 가운데가 불룩하고 0과 1 "
             "근처에서 낮습니다."),
            ("flat_curves = {", "flat",
             "풀이 4.1: x를 무시하는 예측 N(m, P)의 보정 곡선과 오라클의 곡선. 둘 다 대각선 "
             "가까이에 놓입니다.",
             "점선 대각선이 있는 정사각형 보정 곡선 그림. 오라클의 점과 평평한 예측의 점이 "
             "모두 대각선 가까이에 놓입니다."),
        ],
    },
}
# ------------------------------------------------------------------------ chapter 5
CH5_SETUP = """import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown

import vi_helpers as vh
from vi_helpers import metrics as M
from vi_helpers.bayes import BayesLinear, gaussian_kl

vh.use_language(LANG)
vh.set_seed(0)
data = vh.make_dataset(seed=0)
x_grid = torch.linspace(-4.5, 4.5, 181).view(-1, 1)"""
CH5_TABLE_ASSERT = """import statistics

for key in names:
    values = [run["nll"] for run in result["runs"] if run["model"] == key]
    assert len(values) == 5
    assert abs(result["summary"][key]["nll"]["mean"] - statistics.mean(values)) < 1e-12
    assert abs(result["summary"][key]["nll"]["sd"] - statistics.stdev(values)) < 1e-12
assert abs(math.sqrt(5) - 2.2) < 0.05
held_x = np.asarray(result["held_out"]["x"])
assert len(held_x) == 2000
for seed in range(5):
    assert np.allclose(vh.make_dataset(seed=seed).x_val.numpy().ravel(), held_x, atol=1e-6)
train_x = np.sort(data.x_train.numpy().ravel())
assert np.diff(train_x).max() < 0.004 and train_x[0] < -2.99 and train_x[-1] > 2.99
assert train_x[0] <= held_x.min() + 0.001 and held_x.max() <= train_x[-1]
summary = result["summary"]
for key in ("nll", "beta_nll"):
    for metric in ("coverage_90", "nll", "crps"):
        gap = abs(summary[key][metric]["mean"] - summary["oracle"][metric]["mean"])
        assert gap < 0.05, (key, metric, gap)"""
CH5_CALERR = """def calibration_error(y, mean, std):
    levels, observed = M.calibration_curve(y, mean, std)  # 19 levels, 5 % to 95 %
    return np.abs(observed - levels).mean()


errors = {key: [] for key in names}
for per_seed in result["held_out"]["seeds"].values():
    y_seed = torch.tensor(per_seed["y"], dtype=torch.float64)
    oracle_std = torch.full_like(x_val, 1.5)
    errors["oracle"].append(calibration_error(y_seed, vh.true_function(x_val), oracle_std))
    for key, pred in per_seed["models"].items():
        mean, std = torch.tensor(pred["mean"]), torch.tensor(pred["std"])
        errors[key].append(calibration_error(y_seed, mean, std))
for key, values in errors.items():
    print(f"{names[key]:38}", " ".join(f"{v:.3f}" for v in values))"""
CH5_CALERR_ASSERT = """span = {key: (round(min(v), 3), round(max(v), 3)) for key, v in errors.items()}
assert span["oracle"] == (@ORACLE@), span
assert min(min(errors[k]) for k in ("mle", "nll", "beta_nll")) >= @CALM_LO@ - 5e-4, span
assert max(max(errors[k]) for k in ("mle", "nll", "beta_nll")) < @CALM_HI@ + 5e-4, span
assert span["bbb"] == (@BBB@), span
assert span["source"] == (@SOURCE@), span
ratios = [b / o for b, o in zip(errors["bbb"], errors["oracle"])]
assert (round(min(ratios), 1), round(max(ratios), 1)) == (@RATIO_LO@, @RATIO_HI@), ratios
for per_seed in result["held_out"]["seeds"].values():
    pred = per_seed["models"]["bbb"]
    levels, observed = M.calibration_curve(
        torch.tensor(per_seed["y"]), torch.tensor(pred["mean"]), torch.tensor(pred["std"]))
    assert (observed > levels).mean() >= @ABOVE@, observed - levels"""
CH5_POOL = """seeds = list(result["held_out"]["seeds"].values())
x_pool = np.tile(np.asarray(result["held_out"]["x"]), len(seeds))  # (10000,)
y_pool = np.concatenate([np.asarray(run["y"]) for run in seeds])
pooled = {"oracle": (vh.true_function(x_pool), np.full_like(x_pool, 1.5))}
for key in seeds[0]["models"]:
    parts = [[np.asarray(run["models"][key][p]) for run in seeds] for p in ("mean", "std")]
    pooled[key] = tuple(np.concatenate(p) for p in parts)
edges = np.linspace(-3, 3, 11)  # ten bins of x
se = np.sqrt(0.9 * 0.1 / len(y_pool))  # binomial standard error of a 0.90 coverage
overall, by_bin = {}, {}
for key, (mean, std) in pooled.items():
    lower, upper = mean - vh.Z90 * std, mean + vh.Z90 * std
    overall[key] = M.interval_coverage(y_pool, lower, upper)
    _, by_bin[key], counts = M.coverage_by_bin(x_pool, y_pool, lower, upper, bins=edges)
    print(f"{names[key]:38} {overall[key]:.3f} ({(overall[key] - 0.9) / se:+5.1f} SE) |",
          " ".join(f"{c:.2f}" for c in by_bin[key]))"""
CH5_COVERAGE_FIGURE = """centres = (edges[:-1] + edges[1:]) / 2
chance = 2 * np.sqrt(0.9 * 0.1 / counts)  # two binomial standard errors per bin
fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
ax.fill_between(centres, 0.9 - chance, 0.9 + chance, color="gray", alpha=0.2)
ax.axhline(0.9, color="gray", ls="--", label=f"{vh.label('nominal', LANG)}: 0.90")
for (key, coverage), marker in zip(by_bin.items(), "osd^v<"):
    ax.plot(centres, coverage, marker=marker, label=names[key])
ax.set(xlabel=vh.label("x", LANG), ylabel=vh.label("observed", LANG), ylim=(0.7, 1.02))
ax.legend(loc="lower center", ncols=2);"""
CH5_PIT_FIGURE = """fig, axes = plt.subplots(3, 2, figsize=(10, 7.5), sharex=True, sharey=True,
                         layout="constrained")
for ax, (key, (mean, std)) in zip(axes.flat, pooled.items()):
    ax.hist(M.pit_gaussian(y_pool, mean, std), bins=20, range=(0, 1), density=True)
    ax.axhline(1, color="black", ls="--", lw=1)
    ax.set_title(names[key])
for ax in axes[-1]:
    ax.set_xlabel(r"PIT  $u = \\Phi\\,((y - \\mu)\\,/\\,s)$")"""
CH5_POOL_ASSERT = """assert round(se, 3) == 0.003 and round(np.sqrt(0.9 * 0.1 / 1000), 2) == 0.01
assert len(y_pool) == 10000 and 900 <= counts.min() and counts.max() <= 1100, counts
calm = ("oracle", "mle", "nll", "beta_nll")
assert all(abs(overall[k] - 0.9) < 2 * se for k in calm), overall
bin_se = np.sqrt(0.9 * 0.1 / counts)
assert all((np.abs(by_bin[k] - 0.9) / bin_se).max() < @CALM_BIN_SE@ for k in calm), by_bin
assert round(overall["bbb"], 3) == @BBB_POOLED@, overall["bbb"]
assert @Z_LO@ < (overall["bbb"] - 0.9) / se < @Z_HI@, overall["bbb"]
bbb_bins = by_bin["bbb"]
assert sorted(np.argsort(bbb_bins)[-2:].tolist()) == [0, 9], bbb_bins
assert [round(bbb_bins[0], 2), round(bbb_bins[-1], 2)] == [@BBB_ENDS@], bbb_bins
assert by_bin["source"].min() > 0.9 and overall["source"] > 0.98, by_bin["source"]
shares = {key: np.histogram(M.pit_gaussian(y_pool, *normal), bins=10, range=(0, 1))[0]
          / len(y_pool) for key, normal in pooled.items()}
assert all(np.abs(shares[k] - 0.1).max() < 0.015 for k in calm), shares
assert shares["bbb"][[0, -1]].max() < @BBB_TAIL@, shares["bbb"]
assert shares["source"][[0, -1]].max() < 0.05 and shares["source"][4:6].sum() > 0.3"""

CH5_NUMBERS = {  # filled in from book/data/evaluation.json (see the asserts)
    "ORACLE": "0.004, 0.008", "CALM_LO": "0.003", "CALM_HI": "0.010",
    "BBB": "0.011, 0.015", "SOURCE": "0.090, 0.167", "RATIO_LO": "1.7",
    "RATIO_HI": "3.8", "ABOVE": "0.75", "CALM_BIN_SE": "2.1", "BBB_POOLED": "0.915",
    "Z_LO": "4.5", "Z_HI": "5.5", "BBB_ENDS": "0.94, 0.93", "BBB_TAIL": "0.095",
}


def _fill(text: str) -> str:
    for key, value in CH5_NUMBERS.items():
        text = text.replace(f"@{key}@", value)
    assert "@" not in text.replace("@torch", ""), text
    return text


CH5_TEXT = {
    "en": {
        "cites": [
            ("This is **heteroscedastic regression**:",
             "This is **heteroscedastic regression** {cite:p}`nix1994`:"),
            ("β-NLL (Seitzer et al., 2022) multiplies",
             "β-NLL {cite:p}`seitzer2022` multiplies"),
            ("Bayes by Backprop (Blundell et al., 2015) puts it",
             "Bayes by Backprop {cite:p}`blundell2015` puts it"),
            ("**local reparameterisation trick** (Kingma et al., 2015)",
             "**local reparameterisation trick** {cite:p}`kingma2015`"),
            ("The predictive variance is their sum of squares.",
             "The predictive variance is their sum of squares. This split of the "
             "uncertainty into an epistemic and an aleatoric part follows "
             "{cite:t}`kendall2017`. The epistemic part speaks about the function f, the "
             "aleatoric part about a new y; the band drawn below, like every band in this "
             "book, is a band for y."),
            ("is known to be overconfident away from the data.",
             "is known to be overconfident away from the data {cite:p}`foong2020`."),
            ("Inside the data the band is calibrated, and almost all of it is noise:",
             "Inside the data almost all of the band is noise:"),
        ],
        "old_pm": "The table shows mean ± standard deviation over the seeds; the last "
                  "column is the training time of one model.",
        "new_pm": """Each number of the table is the mean over the five seeds ± the sample standard
deviation over them (with n − 1 in the denominator): how much the number moves from
one seed to the next, not the standard error of the mean, which is
$\\sqrt 5 \\approx 2.2$ times smaller. The seeds change the noise in y and the initial
weights, not the held-out x: every seed is scored on the same 2,000 inputs, the
source's split of the grid. Those inputs come from the same evenly spaced grid as the
training inputs and lie between them (no two neighbouring training inputs are more
than 0.004 apart), so the table measures interpolation, not extrapolation; only the
figures of sections 1 and 2 look beyond the data. The last column is the training
time of one model.""",
        "old_bbb": "* **Bayes by Backprop** is calibrated in the data range, slightly on "
                   "the wide side, and is the only model that widens its band where it "
                   "has no data. It is also the slowest to train.",
        "new_bbb": """* **Bayes by Backprop** covers a little more than it should inside the data
  (measured below), is the only model that widens its band where it has no data,
  and is the slowest to train.""",
        "old_diag": "Every curve but the source's lies on the diagonal, up to the noise "
                    "of 2,000 points.",
        "new_diag": """How far is each curve from the diagonal? A simple yardstick is the distance
averaged over the 19 levels, $\\frac1{19}\\sum_q |\\text{observed}_q - q|$; the
oracle's own distance shows how much 2,000 noisy points produce by chance. Per seed,
for every model:""",
        "after_calerr": """The oracle's curve is @ORACLE_TXT@ from the diagonal, the distance that chance
alone produces. The MLE and the two likelihood models stay within @CALM_TXT@, as
close as the oracle. Bayes by Backprop is @BBB_TXT@ away, @RATIO_TXT@ the oracle's
distance in every seed, and its curve lies above the diagonal at most levels: its
bands are a little too wide. The source's model is @SOURCE_TXT@ away.

The calibration curve, too, is an average over x. Pooling the five seeds gives
10,000 held-out points, about 1,000 in each of ten bins of x: a bin's coverage then
has a binomial standard error of $\\sqrt{0.9 \\cdot 0.1 / 1{,}000} \\approx 0.01$, and
the overall coverage one of $\\sqrt{0.9 \\cdot 0.1 / 10{,}000} = 0.003$:""",
        "after_pool": """Pooled over the five seeds, the oracle, the MLE and both likelihood models
cover within two standard errors of 0.90 overall, stay within about two standard
errors of 0.90 in every bin of x, and have flat PIT histograms. Bayes by Backprop's 90 % band holds
@BBB_POOLED@ of the 10,000 points, about five standard errors above 0.90; the excess
is largest in the two outermost bins, @BBB_ENDS_TXT@, and its PIT histogram is a
little low at both ends, the mark of a band slightly too wide. The source's model
covers nearly everything in every bin, and its PIT histogram is chapter 4's hump.""",
    },
    "ko": {
        "cites": [
            ("이것이 **이분산 회귀**입니다.",
             "이것이 **이분산 회귀**입니다 {cite:p}`ko-nix1994`."),
            ("β-NLL(Seitzer 외, 2022)은", "β-NLL{cite:p}`ko-seitzer2022`은"),
            ("Bayes by Backprop(Blundell 외, 2015)은",
             "Bayes by Backprop{cite:p}`ko-blundell2015`은"),
            ("기법**(Kingma 외, 2015)은", "기법**{cite:p}`ko-kingma2015`은"),
            ("예측 분산은 둘의 제곱합입니다.",
             "예측 분산은 둘의 제곱합입니다. 불확실성을 이렇게 인식적 부분과 우연적 부분으로 "
             "나누는 것은 {cite:t}`ko-kendall2017`를 따른 것입니다. 인식적 부분은 함수 f에 "
             "대한 말이고, 우연적 부분은 새로 관측할 y에 대한 말입니다. 아래에 그리는 구간은 "
             "이 책의 다른 모든 구간처럼 y를 위한 구간입니다."),
            ("지나치게 확신하는 것으로 알려져 있습니다.",
             "지나치게 확신하는 것으로 알려져 있습니다 {cite:p}`ko-foong2020`."),
            ("데이터 안쪽에서 구간은 보정되어 있고, 거의 전부가 잡음입니다.",
             "데이터 안쪽에서 구간은 거의 전부가 잡음입니다."),
        ],
        "old_pm": "표의 값은 시드에 걸친 평균 ± 표준편차이고, 마지막 열은 모델 하나의 "
                  "학습 시간입니다.",
        "new_pm": """표의 각 숫자는 시드 다섯 개에 걸친 평균 ± 그 시드들에 걸친 표본 표준편차(분모가
n − 1)입니다. 숫자가 시드마다 얼마나 달라지는지를 나타낼 뿐, 평균의 표준오차가
아닙니다. 표준오차는 그보다 $\\sqrt 5 \\approx 2.2$배 작습니다. 시드가 바꾸는 것은
y의 잡음과 초기 가중치이지 검증 데이터의 x가 아닙니다. 모든 시드가 같은 입력
2,000개, 곧 원문이 격자를 나눈 그대로의 검증 데이터로 평가됩니다. 이 입력들은 학습
입력과 같은 고른 격자에서 나와 학습 입력 사이사이에 놓여 있으므로(이웃한 학습 입력의
간격은 어디서도 0.004를 넘지 않습니다), 이 표는 외삽이 아니라 내삽을 잽니다. 데이터
너머를 보는 것은 1절과 2절의 그림뿐입니다. 마지막 열은 모델 하나의 학습
시간입니다.""",
        "old_bbb": "* **Bayes by Backprop**은 데이터 구간에서 보정되어 있고(조금 넓은 "
                   "편입니다), 데이터가 없는 곳에서 구간을 넓히는 유일한 모델입니다. 학습은 "
                   "가장 느립니다.",
        "new_bbb": """* **Bayes by Backprop**은 데이터 안쪽에서 있어야 할 것보다 조금 더 덮고(아래에서
  잽니다), 데이터가 없는 곳에서 구간을 넓히는 유일한 모델이며, 학습은 가장
  느립니다.""",
        "old_diag": "원문의 것을 빼면 모든 곡선이 2,000개 점의 잡음 안에서 대각선 위에 "
                    "놓입니다.",
        "new_diag": """각 곡선은 대각선에서 얼마나 떨어져 있을까요? 간단한 잣대는 19개 수준에 걸쳐 평균한
거리 $\\frac1{19}\\sum_q |\\text{observed}_q - q|$입니다. 오라클의 거리는 잡음 섞인 점
2,000개가 우연만으로 만드는 거리를 보여 줍니다. 시드마다, 모든 모델에 대해 잽니다.""",
        "after_calerr": """오라클의 곡선은 대각선에서 @ORACLE_TXT@ 떨어져 있습니다. 우연만으로 생기는
거리입니다. MLE와 두 가능도 모델은 @CALM_TXT@ 안에 머물러 오라클만큼 가깝습니다.
Bayes by Backprop은 @BBB_TXT@ 떨어져 있어 모든 시드에서 오라클 거리의 @RATIO_TXT_KO@이고,
곡선이 대부분의 수준에서 대각선 위에 놓입니다. 구간이 조금 넓다는 뜻입니다. 원문의
모델은 @SOURCE_TXT@ 떨어져 있습니다.

보정 곡선도 x 전체에 걸친 평균입니다. 시드 다섯 개를 합치면 검증 데이터가 10,000개,
x의 열 구간마다 1,000개쯤이 됩니다. 그러면 한 구간의 포함률은 이항 표준오차가
$\\sqrt{0.9 \\cdot 0.1 / 1{,}000} \\approx 0.01$이고, 전체 포함률은
$\\sqrt{0.9 \\cdot 0.1 / 10{,}000} = 0.003$입니다.""",
        "after_pool": """시드 다섯 개를 합쳐 보면 오라클, MLE, 두 가능도 모델은 전체 포함률이 0.90에서
표준오차 두 배 안쪽이고, x의 모든 구간에서도 0.90에서 표준오차 두 배 안팎에 머물며,
PIT 히스토그램도 평평합니다. Bayes by Backprop의 90 % 구간은 10,000개 점의 @BBB_POOLED@를 담아 0.90보다
표준오차의 다섯 배쯤 높습니다. 넘치는 부분은 가장 바깥의 두 구간에서 가장 크고
(@BBB_ENDS_TXT@), PIT 히스토그램은 양 끝이 조금 낮습니다. 구간이 조금 넓다는 표시입니다.
원문의 모델은 모든 구간에서 거의 전부를 덮고, PIT 히스토그램은 4장에서 본 것처럼
가운데가 불룩합니다.""",
    },
}
CH5_TEXT_NUMBERS = {
    "ORACLE_TXT": "0.004–0.008", "CALM_TXT": "0.003–0.010", "BBB_TXT": "0.011–0.015",
    "RATIO_TXT": "1.7 to 3.8 times", "RATIO_TXT_KO": "1.7–3.8배",
    "SOURCE_TXT": "0.09–0.17", "BBB_POOLED": "0.915", "BBB_ENDS_TXT": "0.94 and 0.93",
}


def _text(lang: str, key: str) -> str:
    text = CH5_TEXT[lang][key]
    for k, v in CH5_TEXT_NUMBERS.items():
        if k == "BBB_ENDS_TXT" and lang == "ko":
            v = v.replace(" and ", "와 ")  # 0.94와 0.93
        text = text.replace(f"@{k}@", v)
    assert "@" not in text, text
    return text


def _ch5_ops(lang):
    t = CH5_TEXT[lang]
    after_calerr, after_pool = _text(lang, "after_calerr"), _text(lang, "after_pool")
    return [
        CODE("from vi_helpers.bayes import BayesLinear", CH5_SETUP),
        *[R(old, new) for old, new in t["cites"]],
        R(t["old_pm"], t["new_pm"]),
        PUT("import statistics", code_cell(CH5_TABLE_ASSERT, HIDDEN),
            after='assert len(result["settings"]["seeds"]) == 5'),
        R(t["old_bbb"], t["new_bbb"]),
        R(t["old_diag"], t["new_diag"]),
        PUT("def calibration_error(", code_cell(CH5_CALERR), after=t["new_diag"]),
        PUT("span = {key:", code_cell(_fill(CH5_CALERR_ASSERT), HIDDEN),
            after="def calibration_error("),
        PUT(after_calerr[:40], md_cell(after_calerr), after="span = {key:"),
        PUT("x_pool = np.tile(", code_cell(CH5_POOL), after=after_calerr[:40]),
        PUT("chance = 2 * np.sqrt", code_cell(CH5_COVERAGE_FIGURE), after="x_pool = np.tile("),
        PUT("in zip(axes.flat, pooled.items())", code_cell(CH5_PIT_FIGURE),
            after="chance = 2 * np.sqrt"),
        PUT("calm = (", code_cell(_fill(CH5_POOL_ASSERT), HIDDEN),
            after="in zip(axes.flat, pooled.items())"),
        PUT(after_pool[:40], md_cell(after_pool), after="calm = ("),
    ]


CH5 = {
    "box_exercises": True,
    "ops": _ch5_ops,
    "saw": {
        "en": """## What we saw

* Trained on the Gaussian likelihood alone, the source's own network gives a
  calibrated band, provided its variance is guarded and its outputs are on the
  scale of y; β-NLL helps the mean.
* Bayes by Backprop puts the uncertainty on the weights, counts the KL once per
  data set, learns the noise level, and is the only model here whose band grows
  where there are no data; how much it grows out there is not calibrated.
* Over five seeds, on held-out x that lie between the training inputs, the MLE with
  one noise level and the two likelihood models match the oracle: overall, in every
  bin of x and in their PIT histograms. Bayes by Backprop covers a little too much
  (@BBB_POOLED@ of the pooled points, about five standard errors above 0.90), most
  at the ends of the data. The source's band is far too wide everywhere.
* The table's ± is the spread over the seeds, a sample standard deviation, not a
  standard error.""",
        "ko": """## 정리

* 원문의 신경망도 가우스 가능도만으로 학습하면 보정된 구간을 줍니다. 분산에
  안전장치를 두고 출력을 y의 척도에 맞추면 됩니다. β-NLL은 평균을 돕습니다.
* Bayes by Backprop은 불확실성을 가중치에 두고, KL을 데이터 집합당 한 번 세고,
  잡음 수준을 학습합니다. 여기서 데이터가 없는 곳에서 구간을 넓히는 모델은
  이것뿐이지만, 그곳에서 넓어지는 정도가 보정된 것은 아닙니다.
* 학습 입력 사이사이에 놓인 검증 데이터의 x에서 시드 다섯 개에 걸쳐 재 보면, 잡음
  수준 하나를 붙인 MLE와 두 가능도 모델은 전체로도, x의 구간마다도, PIT
  히스토그램으로도 오라클과 맞습니다. Bayes by Backprop은 조금 더 덮고(합친 점의
  @BBB_POOLED@, 0.90보다 표준오차의 다섯 배쯤 위), 넘치는 부분은 데이터의 양 끝에 가장
  많습니다. 원문의 구간은 어디서나 너무 넓습니다.
* 표의 ±는 시드에 걸친 퍼짐, 곧 표본 표준편차이지 표준오차가 아닙니다.""",
    },
    "next": {
        "en": """## Next

[Chapter 6](06-explorer.ipynb) lets you change the noise level, the number of epochs,
the model and the seed, and watch each band respond.""",
        "ko": """## 다음

[6장](06-explorer.ipynb)에서는 잡음 수준, 에폭 수, 모델, 시드를 바꿔 가며 구간이
어떻게 반응하는지 직접 봅니다.""",
    },
    "figures": {
        "en": [
            ('vh.label("row_beta_nll", LANG), lang=LANG)', "beta-nll",
             "The β-NLL model's 90 % band on x ∈ [−4.5, 4.5]: it hugs the noise inside the "
             "data; in the grey regions, without training data, the band keeps its width "
             "while the mean drifts away from f.",
             "Noisy data between x = −3 and 3 with a narrow orange band around a red mean "
             "that follows the black cubic; beyond ±3, in grey shaded regions, the red line "
             "continues straight and leaves the cubic while the band stays narrow."),
            ("lang=LANG, epistemic_std=epistemic)", "bbb",
             "Bayes by Backprop's 90 % band (orange) and the part of it that comes from the "
             "weights alone (purple, epistemic), on x ∈ [−4.5, 4.5]: thin inside the data, "
             "opening up beyond ±3.",
             "Noisy data with an orange band around a red mean along the cubic; a thin "
             "purple band inside it widens sharply past x = ±3, and the orange band widens "
             "with it, though the black cubic soon leaves it."),
            ("curves[names[key]] = M.calibration_curve(", "calibration",
             "Calibration curves of every model of the table, seed 0, computed from the "
             "predictions stored in `book/data/evaluation.json`.",
             "Square calibration plot: the curves of the oracle, the MLE, the two "
             "likelihood models and Bayes by Backprop lie on or just above the dashed "
             "diagonal; the source's curve lies far above it."),
            ("chance = 2 * np.sqrt", "coverage-by-x",
             "Coverage of each model's 90 % band in ten bins of x, pooled over the five "
             "seeds (about 1,000 held-out points per bin). Dashed: the nominal 0.90; grey: "
             "two binomial standard errors either side of it.",
             "Line plot of coverage against x for six models: the oracle, the MLE and the "
             "likelihood models wander inside a grey strip around 0.9, Bayes by Backprop "
             "runs slightly above it and highest at both ends, the source's model stays "
             "near 1."),
            ("in zip(axes.flat, pooled.items())", "pit",
             "PIT histograms of every model, pooled over the five seeds; a calibrated "
             "model's is flat at 1 (dashed).",
             "Six small histograms. The oracle's, the MLE's and the likelihood models' are "
             "flat; Bayes by Backprop's is nearly flat, a little low at both ends; the "
             "source's is a tall hump in the middle."),
            ("shared_weights=True) for _ in range(20)", "functions",
             "Solution 5.3: 20 functions drawn from Bayes by Backprop's posterior, over the "
             "data: they agree inside [−3, 3] and fan out beyond it.",
             "Noisy data with twenty thin purple curves that lie on top of each other "
             "between x = −3 and 3 and spread apart in a fan beyond both ends."),
        ],
        "ko": [
            ('vh.label("row_beta_nll", LANG), lang=LANG)', "beta-nll",
             "x ∈ [−4.5, 4.5]에서 β-NLL 모델의 90 % 구간. 데이터 안에서는 잡음에 꼭 맞고, "
             "학습 데이터가 없는 회색 영역에서는 평균이 f에서 멀어지는데도 구간 폭이 "
             "그대로입니다.",
             "x = −3에서 3 사이의 잡음 섞인 데이터와, 검은 3차 곡선을 따라가는 빨간 평균 "
             "둘레의 좁은 주황색 구간. ±3 바깥의 회색 영역에서 빨간 선은 곧게 뻗어 3차 곡선을 "
             "벗어나고, 구간은 좁은 채로 남습니다."),
            ("lang=LANG, epistemic_std=epistemic)", "bbb",
             "x ∈ [−4.5, 4.5]에서 Bayes by Backprop의 90 % 구간(주황색)과 그중 가중치에서만 "
             "오는 부분(보라색, 인식적). 데이터 안에서는 가늘고 ±3을 넘으면 벌어집니다.",
             "3차 곡선을 따라가는 빨간 평균 둘레의 주황색 구간과 그 안의 가는 보라색 구간. "
             "보라색 구간은 x = ±3을 지나며 크게 넓어지고 주황색 구간도 함께 넓어지지만, 검은 "
             "3차 곡선은 곧 구간 밖으로 나갑니다."),
            ("curves[names[key]] = M.calibration_curve(", "calibration",
             "비교표의 모든 모델의 보정 곡선(시드 0). `book/data/evaluation.json`에 저장된 "
             "예측으로 계산했습니다.",
             "정사각형 보정 곡선 그림. 오라클, MLE, 두 가능도 모델, Bayes by Backprop의 "
             "곡선은 점선 대각선 위나 그 바로 위에 놓이고, 원문 모델의 곡선만 한참 위에 "
             "있습니다."),
            ("chance = 2 * np.sqrt", "coverage-by-x",
             "x를 열 구간으로 나누어 잰 각 모델의 90 % 구간 포함률. 시드 다섯 개를 "
             "합쳤습니다(구간마다 검증 데이터 1,000개쯤). 점선은 명목 수준 0.90, 회색 띠는 그 "
             "위아래로 이항 표준오차의 두 배입니다.",
             "모델 여섯 개의 x에 따른 포함률 선 그림. 오라클, MLE, 가능도 모델은 0.9 둘레의 "
             "회색 띠 안에서 오르내리고, Bayes by Backprop은 그보다 조금 위에서 양 끝이 가장 "
             "높으며, 원문의 모델은 1 근처에 머뭅니다."),
            ("in zip(axes.flat, pooled.items())", "pit",
             "모든 모델의 PIT 히스토그램, 시드 다섯 개를 합친 것. 보정된 모델이라면 "
             "1(점선)에서 평평합니다.",
             "작은 히스토그램 여섯 개. 오라클, MLE, 가능도 모델의 것은 평평하고, Bayes by "
             "Backprop의 것은 거의 평평하지만 양 끝이 조금 낮으며, 원문 모델의 것은 가운데가 "
             "높이 솟아 있습니다."),
            ("shared_weights=True) for _ in range(20)", "functions",
             "풀이 5.3: Bayes by Backprop의 사후 분포에서 뽑은 함수 20개를 데이터 위에 그린 "
             "것. [−3, 3] 안에서는 일치하고 그 바깥에서는 부채꼴로 벌어집니다.",
             "잡음 섞인 데이터 위로 가는 보라색 곡선 스무 개가 x = −3에서 3 사이에서는 서로 "
             "겹치고, 양 끝 너머에서는 부채꼴로 벌어집니다."),
        ],
    },
}
for _lang in LANGS:
    CH5["saw"][_lang] = CH5["saw"][_lang].replace(
        "@BBB_POOLED@", CH5_TEXT_NUMBERS["BBB_POOLED"])

# ------------------------------------------------------------------------ chapter 6
CH6 = {
    "ops": lambda lang: {
        "en": [],
        "ko": [R("같은 신경망, 손실, 최적화기를", "같은 신경망, 손실, 옵티마이저를")],  # glossary
    }[lang],
    "saw": {"en": None, "ko": None},  # keep the chapter's own
    "next": {
        "en": """## Next

The [Performance page](../../book/en/performance.md) measures how long the book's
computations take, and how the package's shortcuts compare with the source's code on
the same machine.""",
        "ko": """## 다음

[성능](../../book/ko/performance.md) 페이지는 이 책의 계산에 걸리는 시간을 재고,
패키지의 지름길을 원문의 코드와 같은 컴퓨터에서 나란히 비교합니다.""",
    },
    "figures": {
        "en": [
            ("ax = vh.plot_explorer(result, lang=LANG)", "explorer",
             "One setting of the explorer: the source's variational model at σ = 1.5 after "
             "1,000 epochs, on n = 2,000 points; the corner gives its held-out coverage and "
             "mean band width.",
             "Noisy data along the cubic with a wide orange band around a red median line, "
             "and three lines of text in a corner giving the held-out coverage, the mean "
             "band width and the number of points."),
            ("under = vh.explore(", "underfit",
             "Solution 6.2: the MLE after only 100 epochs at σ = 1.5: a few straight pieces "
             "across the cubic, with a band of the same width everywhere.",
             "Noisy data along the cubic with a red line made of a few straight segments "
             "that cut across its bends, inside a wide orange band of constant width."),
        ],
        "ko": [
            ("ax = vh.plot_explorer(result, lang=LANG)", "explorer",
             "탐색기의 한 설정: σ = 1.5, 점 n = 2,000개에서 1,000 에폭 학습한 원문의 변분 "
             "모델. 모서리에 검증 데이터 포함률과 평균 구간 폭이 있습니다.",
             "3차 곡선을 따라 놓인 잡음 섞인 데이터와 빨간 중앙값 선 둘레의 넓은 주황색 구간, "
             "그리고 한쪽 모서리에 검증 데이터 포함률, 평균 구간 폭, 점의 개수를 적은 글 "
             "세 줄."),
            ("under = vh.explore(", "underfit",
             "풀이 6.2: σ = 1.5에서 100 에폭만 학습한 MLE. 3차 곡선을 가로지르는 몇 개의 곧은 "
             "조각과, 어디서나 폭이 같은 구간입니다.",
             "3차 곡선을 따라 놓인 잡음 섞인 데이터 위로, 몇 개의 곧은 선분으로 된 빨간 선이 "
             "곡선의 굽이를 가로지르고, 폭이 일정한 넓은 주황색 구간이 그 둘레를 감쌉니다."),
        ],
    },
}

#: Chapter 6's "Next" once chapter 7 is in the table of contents (_toc.yml).
CH6_NEXT_CH7 = {
    "en": """## Next

[Chapter 7](07-other-roads.ipynb) changes the data so that the models can be told
apart (noise that changes with x, a gap in the data, points beyond it) and puts
Monte-Carlo dropout, a deep ensemble, a Laplace approximation and conformal
prediction beside variational inference.""",
    "ko": """## 다음

[7장](07-other-roads.ipynb)에서는 모델들을 서로 구별할 수 있도록 데이터를 바꿉니다(x에
따라 달라지는 잡음, 데이터의 빈 곳, 데이터 너머의 점). 그리고 몬테카를로 드롭아웃, 딥
앙상블, 라플라스 근사, 컨포멀 예측을 변분 추론과 나란히 놓습니다.""",
}


def _in_toc(root: Path, lang: str, stem_prefix: str) -> bool:
    toc = root.parent / "_toc.yml"
    return toc.is_file() and f"notebooks/{lang}/{stem_prefix}" in toc.read_text()


CHAPTERS = {1: CH1, 2: CH2, 3: CH3, 4: CH4, 5: CH5, 6: CH6}


# ======================================================================= the run


def edit(path: Path, report: list | None = None) -> bool:
    lang, chapter = path.parent.name, int(path.name[:2])
    before = path.read_text(encoding="utf-8")
    nb = json.loads(before)
    spec = CHAPTERS[chapter]
    try:
        if spec.get("box_exercises"):
            box_exercises(nb, lang, chapter)
        for op in spec["ops"](lang):
            op(nb)
        nxt = spec["next"][lang]
        if chapter == 6 and _in_toc(path.parent.parent, lang, "07-"):
            nxt = CH6_NEXT_CH7[lang]  # chapter 7 has joined the book
        closing(nb, lang, spec["saw"][lang], nxt)
        for key, name, caption, alt in spec["figures"][lang]:
            figure(nb, key, f"{lang}-ch{chapter}-{name}", caption, alt)
        here = [] if report is not None else None
        link_terms(nb, lang, here)
        if report is not None:
            report += [(path.parent.name + "/" + path.name, *r) for r in here]
    except Edit as e:
        raise SystemExit(f"{path}: {e}") from None
    after = json.dumps(nb, ensure_ascii=False, indent=1) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    check = "--check" in argv
    show = "--report" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = Path(args[0]) if args else ROOT
    global GLOSSARY
    if (root.parent / "book" / "glossary.md").is_file():
        GLOSSARY = root.parent / "book" / "glossary.md"  # the repository's own
    paths = sorted(p for lang in LANGS for p in (root / lang).glob("0[1-6]-*.ipynb"))
    if len(paths) != 12:
        raise SystemExit(f"expected 12 chapters in {root}/{{en,ko}}, found {len(paths)}")
    changed, report = [], []
    for path in paths:
        original = path.read_text(encoding="utf-8")
        if edit(path, report if show else None):
            changed.append(path)
            if check:
                path.write_text(original, encoding="utf-8")
    for path in changed:
        print(("would change " if check else "changed ") + str(path))
    if show:
        for where, target, k, surface in report:
            print(f"{where}: markdown cell {k + 1}: {surface!r} -> {target}")
    print(f"{len(changed)} of {len(paths)} notebooks "
          f"{'need' if check else 'got'} the issue-14 edits")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
