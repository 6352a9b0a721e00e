"""The Performance page's tables and figure, generated from the benchmark JSON.

    python benchmarks/report.py    # re-generate from benchmarks/results/*.json

Writes, for each language, ``book/<lang>/_bench_table.md`` (sections between
``<!-- name -->`` and ``<!-- /name -->`` markers, which the page includes one by
one) and ``book/_static/bench_<lang>.png``. Every number on the page comes from
here; the page's own text has none.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import RESULTS, ROOT  # noqa: E402

LANGS = ("en", "ko")
SECTIONS = ("machine", "training", "band", "good_fit", "explorer_fit", "whole_book",
            "gpu")
#: Targets the issue sets: (section, key) -> the least acceptable speed-up.
TARGETS = {("training", "variational"): 1.25, ("band", "vectorised"): 10.0,
           ("band", "closed_form"): 100.0}

T = {
    "en": {
        "measured": "Measured on {date} (UTC) by `{command}` on **{cpu}** "
                    "({cores} cores, torch uses {threads} threads), "
                    "torch {torch}, Python {python}, device **{device}**{gpu}; "
                    "commit `{commit}`.",
        "load": "Load average (1 min) {start} at the start and {end} at the end "
                "of the run, on {cores} cores.",
        "busy": "The machine was busy while this ran (load average above its "
                "core count), so the times are noisy; the ratios, each measured "
                "within one pair of runs, are more trustworthy than the seconds.",
        "quick": "These are the numbers of a **quick smoke run** "
                 "(`--quick`: {n:,} points, short runs, {repeats} repeats), not of a "
                 "full `make bench`. They show that every measurement works; they "
                 "are not the book's timings.",
        "spread": "Each time is the median of {repeats} runs, with the fastest and "
                  "slowest in brackets; each speed-up is the median of the ratios "
                  "of runs done side by side.",
        "model": "model", "mle": "MLE", "variational": "variational",
        "variational_small": "variational, {n:,} points (the explorer's size)",
        "epochs": "epochs", "source_loop": "source's loop", "fit": "`vh.fit`",
        "per_epoch_head": "Per epoch (median):",
        "per_epoch": "{model}, source {source}, fit {fit}", "speedup": "speed-up",
        "target": "target", "final": "final losses",
        "met": "met", "missed": "missed", "none": "—",
        "identical": "equal (largest relative difference {rel})",
        "stat": "mean difference {mean:+.3f} ± {se:.3f} (z = {z:+.1f})",
        "stat1": "difference {mean:+.3f} (one pair)",
        "val_share_head": "The source's validation pass (forward and loss, with "
                          "autograd recording) per epoch, its share of the source's "
                          "epoch, and so the most that leaving it out can gain:",
        "val_share": "{model}: {ms}, {share}, at most {ceiling}",
        "same_stream": "With the training eps drawn from one generator in both "
                       "loops ({epochs:,} epochs), the logged training losses differ "
                       "by at most {rel} (relative), the trained weights by at "
                       "most {param}, and the final validation losses are "
                       "{v1:.6f} (fit) and {v2:.6f} (source).",
        "method": "method", "time": "time", "vs_source": "speed-up over the source",
        "largest_diff": "largest difference from the closed form",
        "source": "source (passes + `np.quantile`)",
        "vectorised": '`method="vectorised"`',
        "closed_form": '`method="closed_form"`',
        "draw_note": "The vectorised method draws the samples and reduces them "
                     "to quantiles block by block, {threads} block(s) at a time "
                     "(`vh.predict.vectorised_quantiles`); drawing all of them as "
                     "one matrix (`vh.predictive_samples(..., vectorised=True)`) "
                     "takes {draw} by itself. Band over {n:,} points from {s:,} "
                     "samples each.",
        "in_se": "{abs:.3f} ({se:.1f} MC errors)",
        "se_note": "A Monte-Carlo error here is the standard error of a sample "
                   "quantile from {s:,} draws (median {se:.3f}). The largest of "
                   "{count:,} independent errors is typically {emax:.1f} of them.",
        "setting": "setting", "batch": "batch", "lr": "lr", "schedule": "schedule",
        "full": "full", "constant": "constant", "cosine": "cosine over {h:,} epochs",
        "reached": "reached", "epochs_to": "epochs", "seconds_to": "seconds",
        "of": "{k} of {n}",
        "floor": "Noise floor on the validation points: {floor:.4f} "
                 "(0.5·σ² = {half:.4f}); target: at most {target:.4f} "
                 "(within {tol:.0%}). Training time only: the checks between "
                 "epochs are not counted. Epochs and seconds are medians over all "
                 "seeds, a seed that never got there counting as the slowest; in "
                 "brackets, the fastest and slowest of the seeds that got there.",
        "fastest": "Fastest here: **{name}**, {speedup} faster than the source's "
                   "settings (median over seeds).",
        "fastest_is_source": "Fastest here: the source's own settings.",
        "fastest_none": "No setting reached the target on at least half the seeds.",
        "names": {"source": "source (full batch, lr 1e-3)"},
        "explorer_fit": "**In the explorer** ({n:,} points, σ ∈ {{{sigmas}}}, seeds "
                        "0–{last_seed}, one thread): no setting gets within 1 % of "
                        "the floor there, so the target is what the source's setting "
                        "reaches after the slider's last {max_epochs:,} epochs.",
        "explorer_choice": "The explorer trains its MLE with **lr {lr:g}** "
                           "(`{name}`): it got there on all {k} cases, "
                           "{speedup} faster than the source's setting (median "
                           "of the ratios over cases).",
        "explorer_choice_source": "The explorer keeps the source's lr 1e-3: no "
                                  "other setting got there first on every case.",
        "cases": "cases reached",
        "what": "what", "nbval": "nbval, notebooks/{lang} ({k} notebooks)",
        "nbval_total": "nbval, both languages",
        "make_book": "`make book` (clean build)",
        "explorer": "explorer: {key}", "failed": " ({k} run(s) failed)",
        "explorer_setting": "The explorer's slider moves σ from {from_sigma} to "
                            "{sigma}: {epochs:,} epochs of `{model}` on {n:,} points.",
        "explorer_keys": {
            "first_visible_update": "explorer: first visible update",
            "final_figure": "explorer: final figure, a new setting",
            "final_figure_cpu": "explorer: final figure, CPU time",
            "cached": "explorer: a setting seen before",
            "final_figure_2_threads": "explorer: final figure, 2 threads",
        },
        "notebook": "notebook",
        "book_missing": "Not measured in this run: {why}.",
        "book_off": "Not measured in this run (`--no-book` or `--quick`).",
        "not_run": "Not measured in this run.",
        "no_gpu": "No GPU table: `make bench` has not run on a GPU yet "
                  "(`benchmarks/results/bench_cuda.json` does not exist). On a "
                  "machine with CUDA, `make bench` writes it, and this page shows it "
                  "here.",
        "gpu_head": "Measured on the GPU:",
        "caption_train": "Training, whole run", "caption_band": "Predictive band",
        "caption_fit": "Time to a good fit (MLE)", "seconds_axis": "seconds",
        "not_reached": "not reached",
    },
    "ko": {
        "measured": "측정: {date} (UTC), `{command}`, **{cpu}** "
                    "(코어 {cores}개, torch 스레드 {threads}개), "
                    "torch {torch}, Python {python}, 장치 **{device}**{gpu}; "
                    "커밋 `{commit}`.",
        "load": "부하 평균(1분): 시작 {start}, 끝 {end} (코어 {cores}개).",
        "busy": "측정하는 동안 기계가 바빴습니다(부하 평균이 코어 수보다 큼). "
                "그래서 초 단위 시간에는 잡음이 많고, 나란히 잰 두 실행의 비로 "
                "구한 속도 향상 배수가 더 믿을 만합니다.",
        "quick": "이 숫자는 **빠른 점검 실행**(`--quick`: 점 {n:,}개, 짧은 학습, "
                 "반복 {repeats}번)의 결과이지 전체 `make bench`의 결과가 "
                 "아닙니다. 모든 측정이 돌아간다는 것만 보여 주며, 이 책의 "
                 "시간으로 읽으면 안 됩니다.",
        "spread": "각 시간은 {repeats}번 실행의 중앙값이고, 괄호 안은 가장 빠른 "
                  "값과 가장 느린 값입니다. 속도 향상 배수는 나란히 돌린 실행 "
                  "쌍마다 구한 비의 중앙값입니다.",
        "model": "모델", "mle": "MLE", "variational": "변분",
        "variational_small": "변분, 점 {n:,}개 (탐색기 크기)",
        "epochs": "에폭", "source_loop": "원문의 루프", "fit": "`vh.fit`",
        "per_epoch_head": "에폭당 시간(중앙값):",
        "per_epoch": "{model} 원문 {source}, fit {fit}", "speedup": "속도 향상",
        "target": "목표", "final": "최종 손실",
        "met": "달성", "missed": "미달", "none": "—",
        "identical": "같음 (최대 상대 차이 {rel})",
        "stat": "평균 차이 {mean:+.3f} ± {se:.3f} (z = {z:+.1f})",
        "stat1": "차이 {mean:+.3f} (한 쌍)",
        "val_share_head": "원문의 검증 단계(autograd가 기록하는 순전파와 "
                          "손실)의 에폭당 시간, 그것이 원문 에폭에서 "
                          "차지하는 몫, 그리고 이 단계를 빼서 얻을 수 있는 "
                          "최대 속도 향상:",
        "val_share": "{model}: {ms}, {share}, 최대 {ceiling}",
        "same_stream": "두 루프가 학습용 eps를 같은 생성기에서 뽑게 하면"
                       "({epochs:,} 에폭), 기록된 학습 손실의 상대 차이는 최대 "
                       "{rel}, 학습된 가중치의 차이는 최대 {param}이고, "
                       "최종 검증 손실은 fit {v1:.6f}, 원문 {v2:.6f}입니다.",
        "method": "방법", "time": "시간", "vs_source": "원문 대비 속도 향상",
        "largest_diff": "닫힌 형태와의 최대 차이",
        "source": "원문 (순전파 반복 + `np.quantile`)",
        "vectorised": '`method="vectorised"`',
        "closed_form": '`method="closed_form"`',
        "draw_note": "벡터화 방법은 표본을 행 묶음별로 뽑아 곧바로 분위수로 "
                     "줄이며, 한 번에 {threads}개 묶음씩 처리합니다"
                     "(`vh.predict.vectorised_quantiles`). 표본 전체를 행렬 하나로 "
                     "뽑기만 하는 데(`vh.predictive_samples(..., vectorised=True)`) "
                     "{draw}가 걸립니다. 점 {n:,}개마다 표본 {s:,}개로 구간을 "
                     "구했습니다.",
        "in_se": "{abs:.3f} (MC 오차 {se:.1f}개)",
        "se_note": "여기서 MC 오차 하나는 표본 {s:,}개로 구한 표본 분위수의 "
                   "표준오차입니다(중앙값 {se:.3f}). 서로 독립인 오차 {count:,}개 "
                   "가운데 가장 큰 것은 보통 그 {emax:.1f}배입니다.",
        "setting": "설정", "batch": "배치", "lr": "학습률", "schedule": "스케줄",
        "full": "전체", "constant": "고정", "cosine": "{h:,} 에폭 코사인 감소",
        "reached": "도달", "epochs_to": "에폭", "seconds_to": "초",
        "of": "{n}번 중 {k}번",
        "floor": "검증 점에서의 잡음 바닥: {floor:.4f} (0.5·σ² = {half:.4f}); "
                 "목표: {target:.4f} 이하 ({tol:.0%} 이내). 학습 시간만 재며, "
                 "에폭 사이의 검사 시간은 빼었습니다. 에폭과 초는 모든 시드에 "
                 "대한 중앙값이고, 목표에 끝내 닿지 못한 시드는 가장 느린 것으로 "
                 "셉니다. 괄호 안은 목표에 닿은 시드 가운데 가장 빠른 값과 가장 "
                 "느린 값입니다.",
        "fastest": "여기서 가장 빠른 설정: **{name}**, 원문 설정보다 {speedup} "
                   "빠릅니다(시드별 비의 중앙값).",
        "fastest_is_source": "여기서 가장 빠른 설정: 원문 설정 그대로.",
        "fastest_none": "시드의 절반 이상에서 목표에 도달한 설정이 없습니다.",
        "names": {"source": "원문 (전체 배치, 학습률 1e-3)"},
        "explorer_fit": "**탐색기에서는**(점 {n:,}개, σ ∈ {{{sigmas}}}, 시드 "
                        "0–{last_seed}, 스레드 1개) 어느 설정도 바닥의 1 % 안에 "
                        "들지 못합니다. 그래서 목표는 원문 설정이 슬라이더 끝인 "
                        "{max_epochs:,} 에폭 뒤에 도달하는 검증 손실입니다.",
        "explorer_choice": "탐색기는 MLE를 **학습률 {lr:g}**(`{name}`)로 "
                           "학습합니다. 모든 경우 {k}개에서 목표에 닿았고, 원문 "
                           "설정보다 {speedup} 빨랐습니다(경우별 비의 중앙값).",
        "explorer_choice_source": "탐색기는 원문의 학습률 1e-3을 그대로 씁니다. "
                                  "모든 경우에서 먼저 도달한 다른 설정이 없었습니다.",
        "cases": "도달한 경우",
        "what": "항목", "nbval": "nbval, notebooks/{lang} (노트북 {k}개)",
        "nbval_total": "nbval, 두 언어 모두", "make_book": "`make book` (빈 폴더에서)",
        "explorer": "탐색기: {key}", "failed": " (실패 {k}번)",
        "explorer_setting": "탐색기 측정 설정: σ 슬라이더 {from_sigma} → {sigma}, "
                            "모델 `{model}`, 점 {n:,}개, {epochs:,} 에폭.",
        "explorer_keys": {
            "first_visible_update": "탐색기: 첫 화면 갱신",
            "final_figure": "탐색기: 새 설정의 최종 그림",
            "final_figure_cpu": "탐색기: 최종 그림까지의 CPU 시간",
            "cached": "탐색기: 이미 본 설정",
            "final_figure_2_threads": "탐색기: 최종 그림, 스레드 2개",
        },
        "notebook": "노트북",
        "book_missing": "이번 실행에서는 재지 않았습니다: {why}.",
        "book_off": "이번 실행에서는 재지 않았습니다(`--no-book` 또는 `--quick`).",
        "not_run": "이번 실행에서는 재지 않았습니다.",
        "no_gpu": "GPU 표가 없습니다: 아직 GPU에서 `make bench`를 돌린 적이 "
                  "없습니다(`benchmarks/results/bench_cuda.json`이 없음). CUDA가 "
                  "있는 기계에서 `make bench`를 돌리면 그 파일이 생기고, 이 "
                  "자리에 표가 나타납니다.",
        "gpu_head": "GPU에서 잰 결과:",
        "caption_train": "학습, 전체 실행", "caption_band": "예측 구간",
        "caption_fit": "좋은 적합까지의 시간 (MLE)", "seconds_axis": "초",
        "not_reached": "도달 못 함",
    },
}


# ---------------------------------------------------------------- formatting


def fmt_time(seconds: float) -> str:
    """Seconds with three significant digits, in ms below one second."""
    value, unit = (1e3 * seconds, "ms") if seconds < 1 else (seconds, "s")
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def fmt_ratio(r: float) -> str:
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×" if r < 100 else f"{r:,.0f}×"


def fmt_small(x: float) -> str:
    """A difference that should be tiny: '0' when it is exactly zero."""
    return "0" if x == 0 else f"{x:.1e}"


def spread(s: dict, fmt=fmt_time) -> str:
    """'median (min–max)' of a summary from ``common.summary``."""
    if s["n"] == 1:
        return fmt(s["median"])
    return f"{fmt(s['median'])} ({fmt(s['min'])}–{fmt(s['max'])})"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def target_cell(ratio: float, target: float | None, t: dict) -> str:
    if target is None:
        return t["none"]
    return f"≥ {target:g}×: {t['met'] if ratio >= target else t['missed']}"


# ---------------------------------------------------------------- sections


def machine_md(res: dict, t: dict) -> str:
    m = res["machine"]
    gpu = f" ({m['gpu']})" if m.get("gpu") else ""
    parts = [t["measured"].format(
        date=m["date"].replace("T", " ")[:16], command=res["command"], cpu=m["cpu"],
        cores=m["cores"], threads=m["torch_threads"], torch=m["torch"],
        python=m["python"], device=m["device"], gpu=gpu,
        commit=m.get("git_commit") or "?")]
    start, end = m.get("load_average_start"), m.get("load_average_end")
    if start and end:
        parts.append(t["load"].format(start=start[0], end=end[0], cores=m["cores"]))
    parts.append(t["spread"].format(repeats=res["sizes"]["repeats"]))
    out = " ".join(parts)
    if start and end and max(start[0], end[0]) > (m.get("usable_cores") or 1):
        out += "\n\n```{note}\n" + t["busy"] + "\n```"
    if res.get("quick"):
        out += "\n\n```{warning}\n" + t["quick"].format(
            n=res["sizes"]["n"], repeats=res["sizes"]["repeats"]) + "\n```"
    return out


def training_md(res: dict, t: dict) -> str:
    tr = res.get("training")
    if not tr:
        return t["not_run"]
    rows, per_epoch, shares = [], [], []
    for kind in ("mle", "variational", "variational_small"):
        if kind not in tr:
            continue
        r = tr[kind]
        a = r["agreement"]
        label = t[kind].format(n=r["n_train"] + r["n_val"])
        if "val_share" in r:
            shares.append(t["val_share"].format(
                model=label, ms=fmt_time(r["val_pass_ms"]["median"] / 1e3),
                share=f"{r['val_share']['median']:.0%}",
                ceiling=fmt_ratio(r["ceiling"]["median"])))
        if kind == "mle":
            final = t["identical"].format(
                rel=fmt_small(max(a["max_rel_train"], a["max_rel_val"])))
        elif "val_diff_z" in a:
            final = t["stat"].format(mean=a["val_diff_mean"], se=a["val_diff_se"],
                                     z=a["val_diff_z"])
        else:
            final = t["stat1"].format(mean=a["val_diff_mean"])
        per_epoch.append(t["per_epoch"].format(
            model=label, source=fmt_time(r["source_ms_per_epoch"]["median"] / 1e3),
            fit=fmt_time(r["fit_ms_per_epoch"]["median"] / 1e3)))
        rows.append([label, f"{r['epochs']:,}", spread(r["source_s"]),
                     spread(r["fit_s"]), spread(r["ratio"], fmt_ratio),
                     target_cell(r["ratio"]["median"],
                                 TARGETS.get(("training", kind)), t), final])
    out = table([t["model"], t["epochs"], t["source_loop"], t["fit"], t["speedup"],
                 t["target"], t["final"]], rows)
    out += "\n\n" + t["per_epoch_head"] + " " + "; ".join(per_epoch) + "."
    if shares:
        out += "\n\n" + t["val_share_head"] + " " + "; ".join(shares) + "."
    ss = tr.get("variational_same_stream")
    if ss:
        out += "\n\n" + t["same_stream"].format(
            epochs=ss["epochs"], rel=fmt_small(ss["max_rel_train"]),
            param=fmt_small(ss["max_param_diff"]),
            v1=ss["fit_val"], v2=ss["source_val"])
    return out


def band_md(res: dict, t: dict) -> str:
    b = res.get("band")
    if not b:
        return t["not_run"]
    d = b["differences"]
    diff = {"source": d["source_vs_closed_form"],
            "vectorised": d["vectorised_vs_closed_form"]}
    rows = []
    for name in ("source", "vectorised", "closed_form"):
        speed = b["speedup"].get(name)
        rows.append([
            t[name], spread(b["seconds"][name]),
            spread(speed, fmt_ratio) if speed else t["none"],
            target_cell(speed["median"], TARGETS.get(("band", name)), t)
            if speed else t["none"],
            t["in_se"].format(abs=diff[name]["max_abs"], se=diff[name]["max_in_se"])
            if name in diff else t["none"],
        ])
    out = table([t["method"], t["time"], t["vs_source"], t["target"],
                 t["largest_diff"]], rows)
    out += "\n\n" + t["draw_note"].format(
        draw=fmt_time(b["vectorised_draw_s"]["median"]), n=b["n"], s=b["num_samples"],
        threads=b.get("quantile_threads", 1))
    out += " " + t["se_note"].format(s=b["num_samples"], se=d["median_se"],
                                     count=3 * b["n"], emax=d["expected_max_in_se"])
    return out


def setting_name(name: str, t: dict) -> str:
    return t["names"].get(name, f"`{name}`")


def good_fit_md(res: dict, t: dict) -> str:
    g = res.get("good_fit")
    if not g:
        return t["not_run"]
    rows = []
    for name, s in g["settings"].items():
        st = s["setting"]
        sched = (t["cosine"].format(h=st["horizon"]) if st["schedule"] == "cosine"
                 else t["constant"])
        rows.append([
            setting_name(name, t), str(st["batch_size"] or t["full"]), f"{st['lr']:g}",
            sched, t["of"].format(k=s["reached"], n=len(s["runs"])),
            spread(s["epochs"], lambda v: f"{v:,.0f}") if s["epochs"] else t["none"],
            spread(s["seconds"]) if s["seconds"] else t["none"],
        ])
    out = t["floor"].format(floor=g["floor"], half=g["half_sigma2"],
                            target=g["target"], tol=g["tolerance"]) + "\n\n"
    out += table([t["setting"], t["batch"], t["lr"], t["schedule"], t["reached"],
                  t["epochs_to"], t["seconds_to"]], rows)
    fastest = g.get("fastest")
    if fastest is None:
        out += "\n\n" + t["fastest_none"]
    elif fastest == next(iter(g["settings"])):
        out += "\n\n" + t["fastest_is_source"]
    elif "speedup_of_fastest" in g:
        out += "\n\n" + t["fastest"].format(
            name=setting_name(fastest, t),
            speedup=spread(g["speedup_of_fastest"], fmt_ratio))
    return out


def explorer_fit_md(res: dict, t: dict) -> str:
    """The explorer's MLE: which learning rate gets there first on its own data."""
    ex = res.get("good_fit", {}).get("explorer")
    if not ex:
        return t["not_run"]
    out = t["explorer_fit"].format(
        n=ex["n"], sigmas=", ".join(f"{v:g}" for v in ex["sigmas"]),
        last_seed=ex["seeds"] - 1, max_epochs=ex["max_epochs"])
    rows = []
    for name, s in ex["settings"].items():
        rows.append([setting_name(name, t), f"{s['setting']['lr']:g}",
                     t["of"].format(k=s["reached"], n=len(s["runs"])),
                     spread(s["epochs"], lambda v: f"{v:,.0f}") if s["epochs"]
                     else t["none"],
                     spread(s["seconds"]) if s["seconds"] else t["none"]])
    out += "\n\n" + table([t["setting"], t["lr"], t["cases"], t["epochs_to"],
                            t["seconds_to"]], rows)
    choice = ex["choice"]
    if choice == next(iter(ex["settings"])):
        return out + "\n\n" + t["explorer_choice_source"]
    c = ex["settings"][choice]
    return out + "\n\n" + t["explorer_choice"].format(
        lr=ex["choice_lr"], name=choice, k=len(ex["cases"]),
        speedup=fmt_ratio(c["speedup"]["median"]))


def _explorer_rows(ex: dict, t: dict) -> list[list[str]]:
    """Rows for the latencies ``benchmarks/explorer_latency.py`` reported.

    Every entry that is a summary of seconds (a key ending in ``_s`` with a
    median) becomes a row, named from ``t["explorer_keys"]`` where it has a name
    there, and checked against the script's own ``targets_s`` where it has one.
    """
    targets = ex.get("targets_s", {})
    rows = []
    for key, val in ex.items():
        if not (key.endswith("_s") and isinstance(val, dict) and "median" in val):
            continue
        name = key.removesuffix("_s")
        label = t["explorer_keys"].get(name, t["explorer"].format(key=name))
        target = targets.get(name)
        cell = (f"≤ {fmt_time(target)}: "
                f"{t['met'] if val['median'] <= target else t['missed']}"
                if target is not None else t["none"])
        rows.append([label, spread(val) if "n" in val else fmt_time(val["median"]),
                     cell])
    return rows


def whole_book_md(res: dict, t: dict) -> str:
    wb = res.get("whole_book")
    if not wb:
        return t["book_off"]
    rows, notes = [], []
    nb = wb["nbval"]
    for lang in LANGS:
        if "seconds" in nb[lang]:
            fail = (t["failed"].format(k=nb[lang]["failed_runs"])
                    if nb[lang]["failed_runs"] else "")
            rows.append([t["nbval"].format(lang=lang, k=nb[lang]["notebooks"]) + fail,
                         spread(nb[lang]["seconds"]), t["none"]])
        else:
            notes.append(t["book_missing"].format(why=nb[lang]["skipped"]))
    if "total_s" in nb:
        rows.append([t["nbval_total"], spread(nb["total_s"]), t["none"]])
    mb = wb["make_book"]
    if "seconds" in mb:
        fail = t["failed"].format(k=mb["failed_runs"]) if mb["failed_runs"] else ""
        rows.append([t["make_book"] + fail, spread(mb["seconds"]), t["none"]])
    else:
        notes.append(t["book_missing"].format(why=mb["skipped"]))
    ex = wb["explorer"]
    if "results" in ex:
        rows += _explorer_rows(ex["results"], t)
        st = ex["results"].get("setting", {})
        if {"from_sigma", "sigma", "epochs", "model", "n"} <= set(st):
            notes.append(t["explorer_setting"].format(**st))
    else:
        notes.append(t["book_missing"].format(why=ex["skipped"]))
    out = table([t["what"], t["time"], t["target"]], rows) if rows else ""
    names = sorted({k for lang in LANGS for k in nb[lang].get("per_notebook", {})})
    if names:
        per = [[f"`{k}`"] + [spread(nb[lang]["per_notebook"][k])
                             if k in nb[lang].get("per_notebook", {}) else t["none"]
                             for lang in LANGS] for k in names]
        out += "\n\n" + table([t["notebook"], *LANGS], per)
    if notes:
        out += "\n\n" + " ".join(notes)
    return out.strip()


def gpu_md(gpu: dict | None, t: dict) -> str:
    if gpu is None:
        return t["no_gpu"]
    return "\n\n".join([t["gpu_head"], machine_md(gpu, t), training_md(gpu, t),
                        band_md(gpu, t), good_fit_md(gpu, t)])


def page_parts(res: dict, lang: str, gpu: dict | None = None) -> str:
    """The include file for ``lang``: every section between its markers."""
    t = T[lang]
    body = {"machine": machine_md(res, t), "training": training_md(res, t),
            "band": band_md(res, t), "good_fit": good_fit_md(res, t),
            "explorer_fit": explorer_fit_md(res, t),
            "whole_book": whole_book_md(res, t), "gpu": gpu_md(gpu, t)}
    head = ("<!-- Generated by benchmarks/report.py from benchmarks/results/"
            "bench*.json. Do not edit: run `make bench`. -->\n")
    return head + "".join(f"\n<!-- {k} -->\n{body[k]}\n<!-- /{k} -->\n"
                          for k in SECTIONS)


# ---------------------------------------------------------------- figure


def figure(res: dict, lang: str, path: Path) -> None:
    """Three panels: training runs, the band's methods, time to a good fit."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    import vi_helpers as vh

    with matplotlib.rc_context():  # use_language changes rcParams: only in here
        vh.use_language(lang)
        fig = Figure(figsize=(12, 3.8), layout="constrained")
        _draw(res, T[lang], fig.subplots(1, 3))
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110)


def _draw(res: dict, t: dict, axes) -> None:
    from matplotlib.ticker import FuncFormatter, NullFormatter

    def bars(ax, labels, sums, colors, log=False):
        med = [s["median"] if s else float("nan") for s in sums]
        err = [[m - s["min"] if s else 0 for m, s in zip(med, sums)],
               [s["max"] - m if s else 0 for m, s in zip(med, sums)]]
        pos = range(len(labels))
        ax.bar(pos, med, yerr=err, capsize=3, color=colors)
        ax.set_xticks(list(pos), labels, rotation=20, ha="right", fontsize=8)
        ax.set_ylabel(t["seconds_axis"])
        if log:
            ax.set_yscale("log")
            ax.yaxis.set_major_formatter(FuncFormatter(
                lambda v, _: f"{1e3 * v:g} ms" if v < 1 else f"{v:g} s"))
            ax.yaxis.set_minor_formatter(NullFormatter())
        elif not any(sums):
            ax.set_ylim(0, 1)
        for p, m, s in zip(pos, med, sums):  # the label above the whisker
            ax.annotate(fmt_time(m) if s else t["not_reached"],
                        (p, s["max"] if s else 0), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=7)
        ax.margins(y=0.12)

    tr = res.get("training", {})
    labels, sums, colors = [], [], []
    for kind in ("mle", "variational"):
        if kind in tr:
            labels += [f"{t[kind]}: {t['source_loop']}", f"{t[kind]}: fit"]
            sums += [tr[kind]["source_s"], tr[kind]["fit_s"]]
            colors += ["tab:gray", "tab:blue"]
    if labels:
        bars(axes[0], [lb.replace("`", "") for lb in labels], sums, colors)
    axes[0].set_title(t["caption_train"], fontsize=10)

    b = res.get("band")
    if b:
        names = ("source", "vectorised", "closed_form")
        bars(axes[1], [n.replace("_", " ") for n in names],
             [b["seconds"][n] for n in names], ["tab:gray", "tab:blue", "tab:green"],
             log=True)
    axes[1].set_title(t["caption_band"], fontsize=10)

    g = res.get("good_fit")
    if g:
        names = list(g["settings"])
        bars(axes[2], names, [g["settings"][n]["seconds"] for n in names],
             ["tab:gray"] + ["tab:blue"] * (len(names) - 1))
    axes[2].set_title(t["caption_fit"], fontsize=10)


# ---------------------------------------------------------------- entry


def write_page(bench: Path = RESULTS / "bench.json", root: Path = ROOT) -> list[Path]:
    """Generate every page part from ``bench`` (the CPU run) and, where it exists,
    ``bench_cuda.json`` beside it (the GPU run); return the files written."""
    res = json.loads(bench.read_text())
    gpu_path = bench.parent / "bench_cuda.json"
    gpu = json.loads(gpu_path.read_text()) if gpu_path.exists() else None
    written = []
    for lang in LANGS:
        md = root / "book" / lang / "_bench_table.md"
        md.parent.mkdir(parents=True, exist_ok=True)
        md.write_text(page_parts(res, lang, gpu), encoding="utf-8")
        png = root / "book" / "_static" / f"bench_{lang}.png"
        figure(res, lang, png)
        written += [md, png]
    return written


if __name__ == "__main__":
    for p in write_page():
        print(f"wrote {p}")
