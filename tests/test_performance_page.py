"""The Performance page's sentences, held to the JSON they describe.

``book/{en,ko}/performance.md`` are written by hand around the tables and figures
that ``benchmarks/report.py`` renders from ``benchmarks/results/bench.json``. Each
number a sentence states is listed in :func:`quoted`, formatted from the JSON as the
tables print it, and each claim a sentence makes about the numbers (which is
faster, by at least how much) is asserted in :func:`check_claims`. Both ways: every
quoted number is on both pages, and every number on a page is quoted or is one of
the design's own constants (:data:`FIXED`). So a new ``make bench`` that changes
what the sentences say, or an edit of a sentence alone, fails here until the two
agree again; the last tests break a copy of each to show that. No measuring.
"""

from __future__ import annotations

import copy
import json
import re
import statistics
from pathlib import Path

import pytest

import vi_helpers as vh
from benchmarks.common import fmt_ratio, fmt_time, spread
from vi_helpers import utils

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "results" / "bench.json"
LANGS = ("en", "ko")

#: Numbers the pages state that no benchmark measures: the design's constants.
FIXED = ("1-40-20-10-1", "5–95 %", "0.5·MSE", "0.5·σ²", "σ = 1.3", "32-bit", "32비트",
         "issue 16", "이슈 16", "Chapter 6", "chapter 6", "chapter 3", "6장", "3장", "1,600 points",
         "1,600개 점", "1, 10 and 100 epochs", "1, 10, 100 에폭", "5분의 1", "4분의 1",
         "또는 0번")


def norm(text: str) -> str:
    """One spacing, and Korean units as the tables write them (8.4배: 8.4×)."""
    text = re.sub(r"(\d)배", r"\1×", re.sub(r"(\d)초", r"\1 s", text))
    return re.sub(r"\s+\(", "(", re.sub(r"(\d) %", r"\1%", " ".join(text.split())))


def tokens(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:,\d{3})*(?:\.\d+)*(?:e[-+]\d+)?", text))


def prose(page: str) -> str:
    """The page's sentences: no code, no includes, no figure options, no FIXED."""
    page = re.sub(r"^```(?:bash|\{include\}).*?^```", "", page, flags=re.M | re.S)
    page = re.sub(r"^:(?:name|width):.*$", "", page, flags=re.M)
    page = re.sub(r"`[^`]*`", "", norm(page))
    for phrase in FIXED:
        page = page.replace(norm(phrase), "")
    return page


def quoted(res: dict, lang: str) -> list[str]:
    """Every number the page in ``lang`` states, as it states it, section by section.

    A small integer is quoted with the words around it (``say``): alone, "2" would
    be found anywhere on the page.
    """
    def say(en: str, ko: str) -> str:
        return en if lang == "en" else ko

    m, tr, b, g = res["machine"], res["training"], res["band"], res["good_fit"]
    th, cases, ex, pg = res["threads"], res["threads"]["cases"], g["explorer"], \
        res["playground"]
    var, small, mle = tr["variational"], tr["variational_small"], tr["mle"]["agreement"]
    same, choice = tr["variational_same_stream"], ex["settings"][ex["choice"]]
    tfjs = {(r["backend"], r["where"]): r for r in pg["tfjs"]["runs"]}
    book = res["whole_book"]["explorer"]["results"]["setting"]
    in_se = [d["max_in_se"] for k, d in b["differences"].items()
             if k.endswith("_vs_closed_form")]
    reps = res["sizes"]["repeats"]
    return [
        # where and when
        m["cpu"], say(f"{m['cpu']} with {m['cores']} cores", f"코어 {m['cores']}개인"),
        f"torch {m['torch']}", f"Python {m['python']}",
        say(f"median of {reps} runs", f"{reps}번 실행의 중앙값"),
        say(f"below {m['usable_cores']}, the number of cores",
            f"코어 수인 {m['usable_cores']}보다 낮았습니다"),
        # training
        say(f"CPU threads, {tr['threads']}, the one", f"곧 {tr['threads']}개의 CPU 스레드"),
        f"{var['val_share']['median']:.0%}", fmt_ratio(var["ceiling"]["median"]),
        f"{max(mle['max_rel_train'], mle['max_rel_val']):.1e}",
        f"{var['agreement']['val_diff_z']:+.1f}", f"{small['agreement']['val_diff_z']:+.1f}",
        f"{same['epochs']:,}", f"{same['max_rel_train']:.1e}", f"{same['fit_val']:.6f}",
        # one thread or several
        say(f"cores ({th['threads'][1]} here)", f"(여기서는 {th['threads'][1]}개)"),
        *{f"{c['n']:,}" for c in cases.values()}, f"{cases['source']['epochs']:,}",
        say(f"{cases['explorer_busy']['busy_processes']} busy process",
            f"바쁜 프로세스 {cases['explorer_busy']['busy_processes']}개"),
        f"{max(v[0] for v in th['machine_load']):g}",
        f"{max(c['max_rel_val_diff'] for c in cases.values()):.1e}",
        *(fmt_ratio(c["ratio"]["median"]) for c in cases.values()),
        *(fmt_time(cases[k][f"{w}_cpu_s"]["median"]) for k in ("source", "explorer")
          for w in ("one", "default")),
        say(f"trains on {th['train_threads']} thread (",
            f"스레드 {th['train_threads']}개로 학습시킵니다("),
        # the predictive band
        f"{b['n']:,}", say(f"{b['num_samples']:,} samples each, torch on "
                           f"{b['torch_threads']}", f"표본 {b['num_samples']:,}개이고, "
                           f"torch는 스레드 {b['torch_threads']}개"),
        say(f"into {b['blocks']} blocks and draws and reduces {b['block_threads']}",
            f"{b['blocks']}개 묶음으로 나누어 한 번에 {b['block_threads']}개"),
        *(fmt_ratio(s["median"]) for s in b["speedup"].values()),
        fmt_time(b["vectorised_draw_s"]["median"]),
        fmt_time(b["seconds"]["vectorised"]["median"]),
        f"{b['differences']['median_se']:.3f}", f"{3 * b['n']:,}",
        f"{b['differences']['expected_max_in_se']:.1f}",
        say("{:.1f} to {:.1f}", "{:.1f}–{:.1f}").format(min(in_se), max(in_se)),
        # time to a good fit
        f"{g['floor']:.4f}", f"0.5·σ² = {g['half_sigma2']:.4f}", f"{g['target']:.4f}",
        f"{g['tolerance']:.0%}", say(f"of the {g['seeds']} seeds", f"{g['seeds']}개 가운데"),
        f"{g['settings']['source']['setting']['lr']:g}",
        f"`{g['fastest']}`", spread(g["speedup_of_fastest"], fmt_ratio),
        # the explorer's setting
        f"{ex['n']:,}", "σ ∈ {" + ", ".join(f"{s:g}" for s in ex["sigmas"]) + "}",
        say(f"seeds 0–{ex['seeds'] - 1}", f"시드 0–{ex['seeds'] - 1}"),
        f"{ex['max_epochs']:,}",
        say(f"all {len(ex['cases'])} cases", f"{len(ex['cases'])}개 경우 모두"),
        f"{ex['choice_lr']:g}(`{ex['choice']}`)", fmt_ratio(choice["speedup"]["median"]),
        # the playground
        say(f"medians of {pg['repeats']} runs", f"{pg['repeats']}번 실행의 중앙값"),
        f"{pg['targets']['first_picture_ms']} ms", f"{pg['targets']['long_task_ms']} ms",
        f"{pg['targets']['calibrated_s']:g} s",
        f"{statistics.median(pg['speed']['browser']):.0f}",
        f"{tfjs['wasm', 'http']['epochs_per_s']:.1f}",
        *(f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"
          for n in pg["bytes"].values()),
        # the whole book
        say(f"from {book['from_sigma']} to {book['sigma']}",
            f"{book['from_sigma']}에서 {book['sigma']}로"),
        f"{book['epochs']:,}", f"`{book['model']}`", f"{book['n']:,}",
    ]


def check_claims(res: dict) -> None:
    """What the sentences say about the numbers, beyond quoting them."""
    m, tr, b, g = res["machine"], res["training"], res["band"], res["good_fit"]
    th, ex, pg = res["threads"], g["explorer"], res["playground"]
    cases, sp = th["cases"], b["speedup"]
    # a full run on the CPU, on a machine that was quiet but for the busy row
    assert res["quick"] is False and m["device"] == "cpu" and m["gpu"] is None
    loads = [v[0] for pair in res["section_load"].values() for v in pair]
    loads += [v[0] for r in [m, *res["merged"]]
              for v in (r["load_average_start"], r["load_average_end"])]
    assert max(loads) < m["usable_cores"] == m["cores"]
    # both loops on fit's one thread; the MLE equal; the variational model within 2 SE
    assert tr["threads"] == th["train_threads"] == utils.TRAIN_THREADS == 1
    assert max(abs(tr[k]["agreement"]["val_diff_z"])
               for k in ("variational", "variational_small")) < 2
    same = tr["variational_same_stream"]
    assert same["max_param_diff"] == 0 and same["fit_val"] == same["source_val"]
    # threads: "about a fifth or less" saved when quiet, for over half as much CPU
    # again; beside a busy core "several times as long" (and the workshop page's
    # "several times faster" on one thread)
    assert max(v[0] for v in th["machine_load"]) <= th["usable_cores"]
    assert not any(c["same_model"] for c in cases.values())
    for name in ("source", "explorer"):
        c = cases[name]
        assert c["ratio"]["median"] >= 0.78 and c["ratio"]["median"] < 1, name
        assert c["default_cpu_s"]["median"] >= 1.5 * c["one_cpu_s"]["median"], name
    assert cases["explorer_busy"]["ratio"]["median"] >= 2.5
    # band: the short version below the promised tenfold, mostly sorting; the
    # closed form faster than either "by far"; the sampled bands off by chance only
    assert sp["vectorised"]["median"] < 10 <= sp["vectorised_blocks"]["median"]
    assert b["vectorised_draw_s"]["median"] < b["seconds"]["vectorised"]["median"] / 2
    assert sp["closed_form"]["median"] >= 10 * sp["vectorised_blocks"]["median"]
    expected = b["differences"]["expected_max_in_se"]
    assert all(abs(d["max_in_se"] - expected) < 1 for k, d in b["differences"].items()
               if k.endswith("_vs_closed_form"))
    # good fit: the target is the floor plus its tolerance; the source's setting is
    # full batch with no schedule; another setting is the fastest
    assert g["target"] == pytest.approx(g["floor"] * (1 + g["tolerance"]))
    source = g["settings"]["source"]["setting"]
    assert source["batch_size"] is None and source["schedule"] is None
    assert g["fastest"] != "source"
    # the explorer: its choice got there on every case, and the explorer uses it
    assert ex["settings"][ex["choice"]]["reached"] == len(ex["cases"])
    assert ex["threads"] == 1
    assert ex["explorer_lr"] == ex["choice_lr"] == vh.RECIPES["mle"].explorer_lr
    # the playground: faster than TF.js; WASM the faster backend, not from disk;
    # TF.js a much larger download; the aims as the page states them
    tfjs = {(r["backend"], r["where"]): r for r in pg["tfjs"]["runs"]}
    fastest_tfjs = max(r.get("epochs_per_s", 0) for r in tfjs.values())
    assert min(pg["speed"]["browser"]) > fastest_tfjs == tfjs["wasm", "http"][
        "epochs_per_s"] > tfjs["cpu", "http"]["epochs_per_s"]
    assert "error" in tfjs["wasm", "file"]
    assert pg["bytes"]["tfjs_js"] > 10 * pg["bytes"]["playground_js"]
    assert pg["targets"]["speed_ratio"] == 0.5
    assert res["whole_book"]["explorer"]["results"]["setting"]["threads"] == 1


def check_page(res: dict, page: str, lang: str, gpu: bool = False) -> None:
    """``page`` states exactly the numbers of ``res`` that :func:`quoted` lists."""
    check_claims(res)
    says_no_gpu = {"en": "It has not run on a GPU yet", "ko": "아직 GPU에서는 돌린 적이"}
    assert (says_no_gpu[lang] in page) != gpu, "the GPU sentence is out of date"
    numbers = quoted(res, lang)
    missing = [q for q in numbers if norm(q) not in norm(page)]
    assert not missing, f"book/{lang}/performance.md does not say {missing}"
    unquoted = tokens(prose(page)) - tokens(" ".join(numbers))
    assert not unquoted, (f"book/{lang}/performance.md states {sorted(unquoted)}, "
                          "which no measurement gives (quoted) and no FIXED phrase")


@pytest.fixture(scope="module")
def res() -> dict:
    return json.loads(BENCH.read_text(encoding="utf-8"))


def page(lang: str) -> str:
    return (ROOT / "book" / lang / "performance.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_says_what_the_committed_json_says(res, lang):
    check_page(res, page(lang), lang, gpu=(BENCH.parent / "bench_cuda.json").exists())


@pytest.mark.parametrize("edit", [
    ("band", "speedup", "vectorised", "median", 8.6),      # a quoted ratio
    ("training", "variational_same_stream", "max_rel_train", 2e-7),  # a small number
    ("threads", "cases", "explorer_busy", "ratio", "median", 2.0),  # a claim
    ("good_fit", "explorer", "choice_lr", 0.003),          # a setting
])
def test_a_changed_json_fails(res, edit):
    *path, key, value = edit
    broken = copy.deepcopy(res)
    node = broken
    for k in path:
        node = node[k]
    node[key] = value
    for lang in LANGS:
        with pytest.raises(AssertionError):
            check_page(broken, page(lang), lang)


@pytest.mark.parametrize(("lang", "old", "new"), [
    ("en", "8.40×", "8.50×"), ("ko", "8.40배", "8.50배"),  # a number changed
    ("en", "at most 1.51", "at most 1.52"),
    ("en", "(the ratios 0.81×", "(the ratios 0.81×, 0.93×"),  # a number added
    ("ko", "4.61배", "3.61배"), ("ko", "10,000개마다", "20,000개마다"),
])
def test_a_changed_page_fails(res, lang, old, new):
    text = page(lang)
    assert old in text
    with pytest.raises(AssertionError):
        check_page(res, text.replace(old, new, 1), lang)
