"""The Performance page's tables, rendered from the benchmark JSON.

    python -m benchmarks.report    # re-render from benchmarks/results/bench.json

Writes ``book/<lang>/_bench_table.md``, each section's tables between ``<!-- name
-->`` and ``<!-- /name -->`` (the page includes them one by one), and the figures
(``benchmarks/figures.py``). Tables only: the sentences around them are written by
hand in ``book/<lang>/performance.md``, and ``tests/test_performance_page.py``
holds every number they quote to the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import figures
from benchmarks.band import METHODS
from benchmarks.common import RESULTS, ROOT, fmt_ratio, fmt_time, spread, summary
from benchmarks.playground import Z95

LANGS = ("en", "ko")
SECTIONS = ("machine", "training", "threads", "band", "good_fit", "explorer_fit",
            "playground", "whole_book", "gpu")

#: (English, Korean) of every header and label of the tables and figures.
LABELS = {
    "what": ("what", "항목"), "value": ("value", "값"), "time": ("time", "시간"),
    "cores": ("cores", "코어"), "device": ("device", "장치"),
    "repeats": ("runs per time", "시간마다 실행 횟수"),
    "sections": ("sections (`--only`)", "부분 (`--only`)"),
    "date": ("date (UTC)", "날짜 (UTC)"), "command": ("command", "명령"),
    "commit": ("commit", "커밋"), "threads": ("torch threads", "torch 스레드"),
    "load": ("load average (1 min)", "부하 평균(1분)"), "model": ("model", "모델"),
    "points": ("points", "점"), "variational": ("variational", "변분"),
    "epochs": ("epochs", "에폭"), "source_loop": ("source's loop", "원문의 루프"),
    "speedup": ("speed-up", "속도 향상"), "final": ("final losses", "최종 손실"),
    "equal": ("equal (largest relative difference {})", "같음 (최대 상대 차이 {})"),
    "mean": ("mean difference {}", "평균 차이 {}"),
    "per_epoch": ("{}, per epoch", "{}, 에폭당"),
    "val_pass": ("the source's validation pass", "원문의 검증 단계"),
    "share": ("its share", "에폭에서의 몫"),
    "ceiling": ("most that leaving it out gains", "빼서 얻는 최대치"),
    "busy": ("busy processes beside it", "옆의 바쁜 프로세스"),
    "pairs": ("pairs", "쌍"), "one": ("1 thread", "스레드 1개"),
    "default": ("{} threads (torch's default)", "스레드 {}개 (torch 기본값)"),
    "ratio": ("{} threads ÷ 1 thread", "스레드 {}개 ÷ 1개"),
    "cpu": ("CPU time, 1 thread and {}", "CPU 시간, 스레드 1개와 {}개"),
    "method": ("method", "방법"),
    "vs_source": ("speed-up over the source", "원문 대비 속도 향상"),
    "largest": ("largest difference from the closed form", "닫힌 형태와의 최대 차이"),
    "in_se": ("{:.3f} ({:.1f} MC errors)", "{:.3f} (MC 오차 {:.1f}개)"),
    "setting": ("setting", "설정"), "batch": ("batch", "배치"), "lr": ("lr", "학습률"),
    "full": ("full", "전체"), "schedule": ("schedule", "스케줄"),
    "reached": ("reached", "도달"), "seconds": ("seconds", "초"),
    "browser_eps": ("in the browser: epochs per second (n = {:,})",
                    "브라우저: 초당 에폭 수 (n = {:,})"),
    "torch_eps": ("in PyTorch, one thread: epochs per second",
                  "PyTorch, 스레드 1개: 초당 에폭 수"),
    "speed_ratio": ("browser ÷ PyTorch (ratio of the medians)",
                    "브라우저 ÷ PyTorch (중앙값의 비)"),
    "calibrated": ("β-NLL at σ = 1.3, 200 epochs: Train to done (seeds {})",
                   "σ = 1.3의 β-NLL, 200 에폭: 학습 버튼에서 완료까지 (시드 {})"),
    "coverage": ("its held-out 90 % coverage", "검증 데이터의 90 % 포함률"),
    "width": ("its mean width ÷ 2·1.645·1.3", "평균 폭 ÷ 2·1.645·1.3"),
    "long_task": ("longest main-thread task while training (over 50 ms)",
                  "학습하는 동안 가장 긴 메인 스레드 작업 (50 ms 초과)"),
    "source_width": ("the source's model at σ = 1.5: width ÷ calibrated width",
                     "σ = 1.5의 원문 모델: 폭 ÷ 보정된 폭"),
    "first_picture": ("first picture after a change of σ: to the next painted frame",
                      "σ를 바꾼 뒤 첫 그림: 다음 화면 갱신까지"),
    "ours": ("download: the playground", "내려받는 크기: 플레이그라운드"),
    "tfjs_bytes": ("download: TensorFlow.js + its WASM backend",
                   "내려받는 크기: TensorFlow.js + WASM 백엔드"),
    "browser": ("browser", "브라우저"),
    "headless": ("Chromium {}, headless", "헤드리스 Chromium {}"),
    "tfjs": ("TensorFlow.js {}, {} backend, {}: epochs per second",
             "TensorFlow.js {}, {} 백엔드, {}: 초당 에폭 수"),
    "http": ("served over http", "http로 제공"),
    "file": ("opened from disk", "디스크에서 열기"),
    "fails": ("does not start ({})", "시작하지 못함 ({})"),
    "skipped": ("not measured: {}", "재지 않음: {}"),
    "notebook": ("notebook", "노트북"),
    "explorer": ("explorer: {}", "탐색기: {}"),
    "failed": (" ({} run(s) failed)", " (실패 {}번)"),
    "first_visible_update": ("first visible update", "첫 화면 갱신"),
    "final_figure": ("final figure, a new setting", "새 설정의 최종 그림"),
    "final_figure_cpu": ("final figure, CPU time", "최종 그림까지의 CPU 시간"),
    "cached": ("a setting seen before", "이미 본 설정"),
    "final_figure_2_threads": ("final figure, 2 threads", "최종 그림, 스레드 2개"),
    "not_run": ("Not measured in this run.", "이번 실행에서는 재지 않았습니다."),
    "bar_one": ("{:,} points, 1 thread", "점 {:,}개, 스레드 1개"),
    "bar_default": ("{:,} points, {} threads", "점 {:,}개, 스레드 {}개"),
    "bar_busy": (", beside {} busy process(es)", ", 바쁜 프로세스 {}개 옆"),
    "not_reached": ("not reached", "도달 못 함"),
}


def labels(lang: str):
    """``t(key)``: the label ``key`` in ``lang``."""
    return lambda key: LABELS[key][LANGS.index(lang)]


def table(header: list[str], rows: list[list]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(map(str, row)) + " |" for row in lines)


def load(start: list | None, end: list | None) -> str:
    return f"{start[0]} → {end[0]}" if start and end else "—"


def machine_md(res: dict, t) -> str:
    """The machine; then each run that measured sections: when, how, its load."""
    m, later = res["machine"], res.get("merged", [])
    first = [s for s in res["section_seconds"]
             if not any(s in r["sections"] for r in later)]
    runs = [[", ".join(f"`{s}`" for s in r["sections"]),
             r["date"][:16].replace("T", " "), f"`{r['command']}`",
             f"`{r['git_commit']}`", r["torch_threads"],
             load(r["load_average_start"], r["load_average_end"])]
            for r in [{**m, "sections": first, "command": res["command"]}, *later]]
    return (table(["CPU", t("cores"), "torch", "Python", t("device"), t("repeats")],
                  [[f"**{m['cpu']}**", m["cores"], m["torch"], m["python"],
                    f"**{m['device']}**" + (f" ({m['gpu']})" if m["gpu"] else ""),
                    res["sizes"]["repeats"]]])
            + "\n\n" + table([t(h) for h in ("sections", "date", "command", "commit",
                                              "threads", "load")], runs))


def training_md(res: dict, t) -> str:
    """Whole runs and how their losses agree; per epoch, the validation pass."""
    rows, per_epoch = [], []
    for kind in ("mle", "variational", "variational_small"):
        if kind not in res["training"]:
            continue
        r, a = res["training"][kind], res["training"][kind]["agreement"]
        head = ["MLE" if kind == "mle" else t("variational"),
                f"{r['n_train'] + r['n_val']:,}"]
        final = (t("equal").format(f"{max(a['max_rel_train'], a['max_rel_val']):.1e}")
                 if kind == "mle" else t("mean").format(
                     f"{a['val_diff_mean']:+.3f} ± {a['val_diff_se']:.3f} "
                     f"(z = {a['val_diff_z']:+.1f})"))
        rows.append([*head, f"{r['epochs']:,}", spread(r["source_s"]),
                     spread(r["fit_s"]), spread(r["ratio"], fmt_ratio), final])
        per_epoch.append([*head, *(fmt_time(r[k]["median"] / 1e3) for k in (
            "source_ms_per_epoch", "fit_ms_per_epoch", "val_pass_ms")),
            f"{r['val_share']['median']:.0%}", fmt_ratio(r["ceiling"]["median"])])
    head, loops = [t("model"), t("points")], [t("source_loop"), "`vh.fit`"]
    return (table([*head, t("epochs"), *loops, t("speedup"), t("final")], rows)
            + "\n\n" + table([*head, *(t("per_epoch").format(h) for h in loops),
                              t("val_pass"), t("share"), t("ceiling")], per_epoch))


def threads_md(res: dict, t) -> str:
    th = res["threads"]
    if "skipped" in th:
        return t("skipped").format(th["skipped"])
    k = th["threads"][1]
    rows = [[f"{c['n']:,}", c.get("busy_processes", 0), c["repeats"],
             spread(c["one_s"]), spread(c["default_s"]), spread(c["ratio"], fmt_ratio),
             f"{fmt_time(c['one_cpu_s']['median'])}, "
             f"{fmt_time(c['default_cpu_s']['median'])}",
             load(c["load_average_start"], c["load_average_end"])]
            for c in th["cases"].values()]
    return table([t("points"), t("busy"), t("pairs"), t("one"),
                  *(t(h).format(k) for h in ("default", "ratio", "cpu")), t("load")],
                 rows)


def band_md(res: dict, t) -> str:
    b = res["band"]
    rows = [[f"`{m}`", spread(b["seconds"][m]), spread(b["speedup"].get(m), fmt_ratio),
             t("in_se").format(d["max_abs"], d["max_in_se"]) if d else "—"]
            for m in METHODS if m in b["seconds"]
            for d in [b["differences"].get(f"{m}_vs_closed_form")]]
    return table([t("method"), t("time"), t("vs_source"), t("largest")], rows)


def _fit_table(settings: dict, t, full: bool) -> str:
    """A row per setting: (batch,) lr, (schedule,) how many got there, and when."""
    def only_full(*cells) -> list:
        return list(cells) if full else []

    rows = [[f"`{name}`", *only_full(s["setting"]["batch_size"] or t("full")),
             f"{s['setting']['lr']:g}", *only_full(s["setting"]["schedule"] or "—"),
             f"{s['reached']}/{len(s['runs'])}", spread(s["epochs"], "{:,.0f}".format),
             spread(s["seconds"])] for name, s in settings.items()]
    return table([t("setting"), *only_full(t("batch")), t("lr"),
                  *only_full(t("schedule")), t("reached"), t("epochs"), t("seconds")],
                 rows)


def good_fit_md(res: dict, t) -> str:
    return _fit_table(res["good_fit"]["settings"], t, full=True)


def explorer_fit_md(res: dict, t) -> str:
    return _fit_table(res["good_fit"]["explorer"]["settings"], t, full=False)


def _kb(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def playground_md(res: dict, t) -> str:
    """Speed against torch, the measures the playground was built to, TF.js."""
    pg = res["playground"]
    sp, cal, src, b = pg["speed"], pg["calibrated"], pg["source"], pg["bytes"]
    long = [c["longest_task_ms"] for c in [*cal, src] if c["long_tasks"]]
    rate, ms = "{:.0f}".format, "{:.0f} ms".format
    rows = [
        [t("browser_eps").format(sp["n"]), spread(summary(sp["browser"]), rate)],
        [t("torch_eps"), spread(summary(sp["torch"]), rate)],
        [t("speed_ratio"), fmt_ratio(sp["ratio"])],
        [t("calibrated").format(", ".join(str(c["seed"]) for c in cal)),
         spread(summary([c["seconds"] for c in cal]))],
        [t("coverage"), ", ".join(f"{c['coverage']:.3f}" for c in cal)],
        [t("width"), ", ".join(f"{c['width'] / (2 * Z95 * 1.3):.3f}" for c in cal)],
        [t("long_task"), ms(max(long)) if long else "—"],
        [t("source_width"), f"{src['width_ratio']:.1f}"],
        [t("first_picture"), spread(summary(pg["first_picture"]["frame_ms"]), ms)],
        [t("ours"), _kb(b["playground_js"])],
        [t("tfjs_bytes"), " + ".join(_kb(b[k]) for k in ("tfjs_js", "tfjs_wasm_backend")
                                     if k in b) or "—"],
        [t("browser"), t("headless").format(pg["browser"])]]
    rows += [[t("tfjs").format(pg["tfjs"]["version"], r["backend"], t(r["where"])),
              f"{r['epochs_per_s']:.1f}" if "epochs_per_s" in r
              else t("fails").format(r["error"])]
             for r in pg.get("tfjs", {}).get("runs", [])]
    return table([t("what"), t("value")], rows)


def whole_book_md(res: dict, t) -> str:
    """nbval, ``make book`` and the explorer's latencies; nbval per notebook."""
    wb, nb = res["whole_book"], res["whole_book"]["nbval"]
    ex = wb["explorer"]
    latencies = [(k[:-2], v) for k, v in ex.get("results", {}).items()
                 if k.endswith("_s") and "median" in v]
    parts = [*((f"nbval, `notebooks/{lang}` ({nb[lang].get('notebooks', 0)})",
                nb[lang]) for lang in LANGS),
             ("nbval, en + ko", {"seconds": nb.get("total_s")}),
             ("`make book`", wb["make_book"]),
             *([(t("explorer").format("…"), ex)] if "skipped" in ex else []),
             *((t("explorer").format(t(k) if k in LABELS else k), {"seconds": v})
               for k, v in latencies)]
    rows = [[label + (t("failed").format(p["failed_runs"]) if p.get("failed_runs")
                      else ""),
             t("skipped").format(p["skipped"]) if "skipped" in p
             else spread(p["seconds"])] for label, p in parts]
    names = sorted({k for lang in LANGS for k in nb[lang].get("per_notebook", {})})
    per = [[f"`{k}`", *(spread(nb[lang].get("per_notebook", {}).get(k))
                        for lang in LANGS)] for k in names]
    return table([t("what"), t("time")], rows) + (
        "\n\n" + table([t("notebook"), *LANGS], per) if per else "")


def page_parts(res: dict, lang: str, gpu: dict | None = None) -> str:
    """The include file for ``lang``: every section's tables between its markers."""
    t, body = labels(lang), {}
    for name in SECTIONS[:-1]:
        there = (res.get("good_fit", {}).get("explorer") if name == "explorer_fit"
                 else res.get(name))
        body[name] = globals()[f"{name}_md"](res, t) if there else t("not_run")
    body["gpu"] = "\n\n".join(globals()[f"{name}_md"](gpu, t)
                              for name in SECTIONS[:5] if name in gpu) if gpu else ""
    return ("<!-- Generated by benchmarks/report.py from benchmarks/results/"
            "bench*.json. Do not edit: run `make bench`. -->\n" + "".join(
                f"\n<!-- {k} -->\n{body[k]}\n<!-- /{k} -->\n" for k in SECTIONS))


def write_page(bench: Path = RESULTS / "bench.json", root: Path = ROOT) -> list[Path]:
    """Render the page parts from ``bench`` (the CPU run) and ``bench_cuda.json``
    beside it where it exists (the GPU run); return the files written."""
    res = json.loads(bench.read_text())
    gpu_path = bench.parent / "bench_cuda.json"
    gpu = json.loads(gpu_path.read_text()) if gpu_path.exists() else None
    written = []
    for lang in LANGS:
        written.append(root / "book" / lang / "_bench_table.md")
        written[-1].parent.mkdir(parents=True, exist_ok=True)
        written[-1].write_text(page_parts(res, lang, gpu), encoding="utf-8")
        for name in figures.FIGURES:
            written.append(figures.figure_path(root, name, lang))
            figures.figure(res, name, labels(lang), lang, written[-1])
    return written


if __name__ == "__main__":
    for p in write_page():
        print(f"wrote {p}")
