"""The Performance page's tables and figures, generated from the benchmark JSON.

    python -m benchmarks.report    # re-generate from benchmarks/results/*.json

Writes, for each language, ``book/<lang>/_bench_table.md`` (sections between
``<!-- name -->`` and ``<!-- /name -->`` markers, which the page includes one by
one) and one figure per measured section, ``book/_static/bench_<name>_<lang>.png``.
Every number on the page comes from here; the page's own text has none.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.common import RESULTS, ROOT, summary

LANGS = ("en", "ko")
SECTIONS = ("machine", "training", "threads", "band", "good_fit", "explorer_fit",
            "playground", "whole_book", "gpu")
#: The figures, one per section that has one: bench_<name>_<lang>.png.
FIGURES = ("training", "threads", "band", "good_fit")
#: The figures' size and resolution: 6.4 inches wide at 240 dpi is 1,536 pixels,
#: sharp at the page's width (about 750 CSS pixels) on a double-density screen;
#: 11-point tick labels shown at that width are about 18 CSS pixels tall.
FIG_WIDTH = 6.4
FIG_DPI = 240
FONT = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11,
        "xtick.labelsize": 11, "ytick.labelsize": 11}

T = {
    "en": {
        "measured": "Measured on {date} (UTC) by `{command}` on **{cpu}** "
                    "({cores} cores, torch on {threads} thread(s)), "
                    "torch {torch}, Python {python}, device **{device}**{gpu}; "
                    "commit `{commit}`.",
        "load": "Load average (1 min) {start} at the start and {end} at the end "
                "of the run, on {cores} cores.",
        "merged": "Measured separately: {sections}, on {date} (UTC) by "
                  "`{command}` (commit `{commit}`, torch {threads} threads, load "
                  "average {start} at the start and {end} at the end).",
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
        "section_names": {"training": "training",
                          "threads": "one thread or several",
                          "band": "the predictive band", "good_fit": "time to a fit",
                          "playground": "the playground",
                          "whole_book": "the whole book"},
        "model": "model", "mle": "MLE", "variational": "variational",
        "variational_small": "variational, {n:,} points (the explorer's size)",
        "epochs": "epochs", "source_loop": "source's loop", "fit": "`vh.fit`",
        "per_epoch_head": "Per epoch (median):",
        "both_threads": "Both loops ran on {k} thread(s), as `vh.fit` trains.",
        "per_epoch": "{model}, source {source}, fit {fit}", "speedup": "speed-up",
        "final": "final losses", "none": "—",
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
        "data": "data", "cases": {"source": "the source's, {n:,} points",
                                  "explorer": "the explorer's, {n:,} points",
                                  "explorer_busy": "the explorer's, {n:,} points, "
                                                   "*beside {procs}*"},
        "one_thread": "1 thread", "k_threads": "{k} threads (torch's default)",
        "thread_ratio": "{k} threads ÷ 1 thread",
        "cpu_time": "CPU time, 1 thread and {k}", "load_col": "load average (1 min)",
        "threads_note": "`vh.fit` trains the source's variational model "
                        "({epochs:,} epochs, `vh.RECIPES[\"source\"]`) from the same "
                        "seed on both thread counts, pair by pair ({pairs} pairs, "
                        "row by row: times are medians over a row's pairs, with the "
                        "fastest and slowest in brackets). A ratio above 1 "
                        "means one thread is faster. CPU time counts the work of "
                        "every thread of the process.",
        "threads_same": "Both thread counts trained the same model (the same final "
                        "validation loss in every pair).",
        "threads_differ": "The two trainings of a pair end at slightly different "
                          "losses{diff}: with several threads some sums are added "
                          "in another order, and training carries the difference "
                          "on.",
        "diff": " (largest relative difference {rel})",
        "threads_busy": "The machine was busy while this ran: a load average of "
                        "{load} on {cores} cores means that other programs were "
                        "waiting for a core as well. That is when a second thread "
                        "can cost the most: every operation waits until both "
                        "threads have done their share, and a waiting thread keeps "
                        "its core busy (compare the CPU times). How large the gap "
                        "is on an idle machine, only a run on an idle machine can "
                        "say.",
        "threads_idle": "The machine was quiet while this ran (load average at "
                        "most {load} on {cores} cores).",
        "procs": ("1 busy process", "{b} busy processes"),
        "threads_beside": "For the row *beside {procs}*, the benchmark ran {procs} "
                          "beside the training the whole time (a Python loop that "
                          "never ends, one per core), as a second notebook that "
                          "trains does on a workshop laptop. There {k} threads "
                          "took {ratio} as long as one thread{quiet}.",
        "threads_beside_quiet": "; on the same data without them, {ratio}",
        "threads_package": "`vh.fit` trains on {k} thread(s) "
                           "(`vi_helpers.utils.TRAIN_THREADS`), and so does "
                           "everything built on it: the chapters, the explorer, the "
                           "evaluation table. Predictions and the rest of PyTorch "
                           "keep torch's own setting.",
        "threads_skipped": "Not measured: {why}.",
        "method": "method", "time": "time", "vs_source": "speed-up over the source",
        "largest_diff": "largest difference from the closed form",
        "source": "source (passes + `np.quantile`)",
        "vectorised": '`method="vectorised"` (the package)',
        "vectorised_blocks": "vectorised, block-wise on threads "
                             "(`benchmarks/band.py`)",
        "closed_form": '`method="closed_form"` (the package)',
        "draw_note": "Band over {n:,} points from {s:,} samples each, torch on "
                     "{tt} thread(s). The package's vectorised method draws all the "
                     "samples as one matrix, which by itself takes {draw}, and "
                     "reduces them with one `np.quantile`. The block-wise variant "
                     "cuts the rows into {blocks} blocks and draws and reduces "
                     "{threads} block(s) at a time (`blocks_band`).",
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
        "explorer_choice": "First there on all {k} cases: **lr {lr:g}** "
                           "(`{name}`), {speedup} faster than the source's setting "
                           "(median of the ratios over cases).",
        "explorer_choice_source": "No other setting got there first on every case: "
                                  "the source's lr 1e-3 is the choice.",
        "explorer_uses": "The explorer trains its MLE with lr {lr:g} "
                         "(`vh.RECIPES[\"mle\"].explorer_lr`).",
        "explorer_stale": "The explorer trains its MLE with lr {lr:g} "
                          "(`vh.RECIPES[\"mle\"].explorer_lr`), not with this "
                          "choice.",
        "cases_reached": "cases reached",
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
        "caption_train": "Training, whole run",
        "caption_threads": "Training on 1 thread and on torch's default",
        "caption_band": "Predictive band (log scale)",
        "caption_fit": "Time to a good fit (MLE)", "seconds_axis": "seconds",
        "not_reached": "not reached",
        "fig_band": {"source": "source", "vectorised": "vectorised",
                     "vectorised_blocks": "vectorised, blocks",
                     "closed_form": "closed form"},
        "fig_train": "{model}: {loop}",
        "fig_threads": ["{n:,} points, 1 thread", "{n:,} points, {k} threads"],
        "fig_busy": ", beside {procs}",
        "fig_variational_small": "variational, {n:,} pts",
        "not_measured_fig": "not measured in this run",
    },
    "ko": {
        "measured": "측정: {date} (UTC), `{command}`, **{cpu}** "
                    "(코어 {cores}개, torch 스레드 {threads}개), "
                    "torch {torch}, Python {python}, 장치 **{device}**{gpu}; "
                    "커밋 `{commit}`.",
        "load": "부하 평균(1분): 시작 {start}, 끝 {end} (코어 {cores}개).",
        "merged": "따로 잰 부분: {sections}. 측정 {date} (UTC), "
                  "`{command}` (커밋 `{commit}`, torch 스레드 {threads}개, 부하 "
                  "평균 시작 {start}, 끝 {end}).",
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
        "section_names": {"training": "학습", "threads": "스레드 하나, 아니면 여럿",
                          "band": "예측 구간", "good_fit": "좋은 적합까지의 시간",
                          "playground": "플레이그라운드",
                          "whole_book": "책 전체"},
        "model": "모델", "mle": "MLE", "variational": "변분",
        "variational_small": "변분, 점 {n:,}개 (탐색기 크기)",
        "epochs": "에폭", "source_loop": "원문의 루프", "fit": "`vh.fit`",
        "per_epoch_head": "에폭당 시간(중앙값):",
        "both_threads": "두 루프 모두 `vh.fit`처럼 스레드 {k}개로 돌았습니다.",
        "per_epoch": "{model} 원문 {source}, fit {fit}", "speedup": "속도 향상",
        "final": "최종 손실", "none": "—",
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
        "data": "데이터", "cases": {"source": "원문 크기, 점 {n:,}개",
                                   "explorer": "탐색기 크기, 점 {n:,}개",
                                   "explorer_busy": "탐색기 크기, 점 {n:,}개, "
                                                    "*{procs} 옆*"},
        "one_thread": "스레드 1개", "k_threads": "스레드 {k}개 (torch 기본값)",
        "thread_ratio": "스레드 {k}개 ÷ 1개",
        "cpu_time": "CPU 시간, 스레드 1개와 {k}개", "load_col": "부하 평균(1분)",
        "threads_note": "`vh.fit`이 원문의 변분 모델(`vh.RECIPES[\"source\"]`, "
                        "{epochs:,} 에폭)을 같은 시드에서 두 스레드 수로 한 쌍씩 "
                        "학습시킵니다(위 줄부터 {pairs}쌍. 시간은 그 줄의 쌍들의 "
                        "중앙값이고 괄호 안은 가장 빠른 값과 가장 느린 값). 비가 "
                        "1보다 크면 스레드 1개가 더 빠르다는 뜻입니다. CPU 시간은 "
                        "프로세스의 모든 스레드가 한 일을 더한 것입니다.",
        "threads_same": "두 스레드 수는 같은 모델을 학습시켰습니다(모든 쌍에서 "
                        "최종 검증 손실이 같음).",
        "threads_differ": "한 쌍의 두 학습은 조금 다른 손실에서 끝납니다{diff}. "
                          "스레드가 여럿이면 일부 합을 다른 순서로 더하고, 학습이 "
                          "그 차이를 이어 가기 때문입니다.",
        "diff": " (최대 상대 차이 {rel})",
        "threads_busy": "측정하는 동안 기계가 바빴습니다. 코어 {cores}개에 부하 "
                        "평균 {load}이면 다른 프로그램도 코어를 기다리고 있었다는 "
                        "뜻입니다. 둘째 스레드가 가장 큰 손해를 볼 수 있는 때가 "
                        "바로 이때입니다. 연산마다 두 스레드가 제 몫을 다 끝낼 "
                        "때까지 기다리고, 기다리는 스레드도 코어를 붙잡고 있기 "
                        "때문입니다(CPU 시간을 비교해 보세요). 한가한 기계에서 "
                        "차이가 얼마인지는 한가한 기계에서 재 보아야 알 수 "
                        "있습니다.",
        "threads_idle": "측정하는 동안 기계는 한가했습니다(코어 {cores}개에 부하 "
                        "평균 최대 {load}).",
        "procs": ("바쁜 프로세스 1개", "바쁜 프로세스 {b}개"),
        "threads_beside": "*{procs} 옆* 줄을 잴 때는 벤치마크가 학습 옆에 "
                          "{procs}를 내내 돌렸습니다(코어 하나에 하나씩, 끝나지 "
                          "않는 파이썬 반복문). 워크숍 노트북 컴퓨터에서 다른 주피터 "
                          "노트북이 학습을 돌릴 때와 같은 상황입니다. 그때 스레드 "
                          "{k}개의 시간은 스레드 1개의 {ratio}였습니다{quiet}.",
        "threads_beside_quiet": "(그것들이 없을 때 같은 데이터에서는 {ratio})",
        "threads_package": "`vh.fit`은 스레드 {k}개로 학습시키고"
                           "(`vi_helpers.utils.TRAIN_THREADS`), 그 위에 세운 모든 "
                           "것(각 장, 탐색기, 평가 표)도 그렇습니다. 예측과 "
                           "PyTorch의 나머지 부분은 torch 자체의 설정을 그대로 "
                           "씁니다.",
        "threads_skipped": "재지 않았습니다: {why}.",
        "method": "방법", "time": "시간", "vs_source": "원문 대비 속도 향상",
        "largest_diff": "닫힌 형태와의 최대 차이",
        "source": "원문 (순전파 반복 + `np.quantile`)",
        "vectorised": '`method="vectorised"` (패키지)',
        "vectorised_blocks": "벡터화, 스레드에서 묶음별로 (`benchmarks/band.py`)",
        "closed_form": '`method="closed_form"` (패키지)',
        "draw_note": "점 {n:,}개마다 표본 {s:,}개로 구간을 구했고, torch는 스레드 "
                     "{tt}개를 썼습니다. 패키지의 벡터화 방법은 표본 전체를 행렬 "
                     "하나로 뽑고(뽑기만 {draw} 걸림) `np.quantile` 한 번으로 "
                     "줄입니다. 묶음별 변형은 행을 {blocks}개 묶음으로 나누어 한 "
                     "번에 {threads}개 묶음씩 뽑고 줄입니다(`blocks_band`).",
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
        "explorer_choice": "모든 경우 {k}개에서 가장 먼저 닿은 설정: **학습률 "
                           "{lr:g}**(`{name}`), 원문 설정보다 {speedup} 빨랐습니다"
                           "(경우별 비의 중앙값).",
        "explorer_choice_source": "모든 경우에서 먼저 도달한 다른 설정이 "
                                  "없었으므로, 원문의 학습률 1e-3이 선택입니다.",
        "explorer_uses": "탐색기는 MLE를 학습률 {lr:g}로 학습합니다"
                         "(`vh.RECIPES[\"mle\"].explorer_lr`).",
        "explorer_stale": "탐색기는 MLE를 이 선택이 아닌 학습률 {lr:g}로 "
                          "학습합니다(`vh.RECIPES[\"mle\"].explorer_lr`).",
        "cases_reached": "도달한 경우",
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
        "caption_train": "학습, 전체 실행",
        "caption_threads": "스레드 1개와 torch 기본값으로 학습",
        "caption_band": "예측 구간 (로그 축)",
        "caption_fit": "좋은 적합까지의 시간 (MLE)", "seconds_axis": "초",
        "not_reached": "도달 못 함",
        "fig_band": {"source": "원문", "vectorised": "벡터화",
                     "vectorised_blocks": "벡터화, 묶음별",
                     "closed_form": "닫힌 형태"},
        "fig_train": "{model}: {loop}",
        "fig_threads": ["점 {n:,}개, 스레드 1개", "점 {n:,}개, 스레드 {k}개"],
        "fig_busy": ", {procs} 옆",
        "fig_variational_small": "변분, 점 {n:,}개",
        "not_measured_fig": "이번 실행에서는 재지 않음",
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
    for later in res.get("merged", []):
        ls, le = later.get("load_average_start"), later.get("load_average_end")
        parts.append(t["merged"].format(
            sections=", ".join(t["section_names"].get(k, k) for k in later["sections"]),
            date=later["date"].replace("T", " ")[:16], command=later["command"],
            commit=later.get("git_commit") or "?", threads=later["torch_threads"],
            start=ls[0] if ls else "?", end=le[0] if le else "?"))
    parts.append(t["spread"].format(repeats=res["sizes"]["repeats"]))
    out = " ".join(parts)
    loads = [v[0] for v in (start, end) if v] + [
        v[0] for later in res.get("merged", [])
        for v in (later.get("load_average_start"), later.get("load_average_end")) if v]
    if loads and max(loads) > (m.get("usable_cores") or 1):
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
                     spread(r["fit_s"]), spread(r["ratio"], fmt_ratio), final])
    out = table([t["model"], t["epochs"], t["source_loop"], t["fit"], t["speedup"],
                 t["final"]], rows)
    out += "\n\n" + t["per_epoch_head"] + " " + "; ".join(per_epoch) + "."
    if "threads" in tr:
        out += " " + t["both_threads"].format(k=tr["threads"])
    if shares:
        out += "\n\n" + t["val_share_head"] + " " + "; ".join(shares) + "."
    ss = tr.get("variational_same_stream")
    if ss:
        out += "\n\n" + t["same_stream"].format(
            epochs=ss["epochs"], rel=fmt_small(ss["max_rel_train"]),
            param=fmt_small(ss["max_param_diff"]),
            v1=ss["fit_val"], v2=ss["source_val"])
    return out


def _procs(case: dict, t: dict) -> str:
    """"1 busy process" or "k busy processes" for a threads case run beside them."""
    b = case.get("busy_processes", 0)
    return t["procs"][b != 1].format(b=b)


def threads_md(res: dict, t: dict) -> str:
    """One thread against torch's default: the table, the load, the package's use."""
    th = res.get("threads")
    if not th:
        return t["not_run"]
    if th.get("skipped"):
        return t["threads_skipped"].format(why=th["skipped"])
    k = th["threads"][1]
    rows, loads, epochs, same, diffs = [], [], None, True, []
    for name, c in th["cases"].items():
        epochs, same = c["epochs"], same and c["same_model"]
        if "max_rel_val_diff" in c:
            diffs.append(c["max_rel_val_diff"])
        ls, le = c["load_average_start"], c["load_average_end"]
        if "busy_processes" not in c:  # that case's load is ours: not the machine's
            loads += [v[0] for v in (ls, le) if v]
        load = f"{ls[0]} → {le[0]}" if ls and le else t["none"]
        rows.append([t["cases"].get(name, name + " {n:,}").format(
                         n=c["n"], procs=_procs(c, t)),
                     spread(c["one_s"]), spread(c["default_s"]),
                     spread(c["ratio"], fmt_ratio),
                     f"{fmt_time(c['one_cpu_s']['median'])}, "
                     f"{fmt_time(c['default_cpu_s']['median'])}", load])
    out = table([t["data"], t["one_thread"], t["k_threads"].format(k=k),
                 t["thread_ratio"].format(k=k), t["cpu_time"].format(k=k),
                 t["load_col"]], rows)
    pairs = ", ".join(str(c["repeats"]) for c in th["cases"].values())
    out += "\n\n" + t["threads_note"].format(epochs=epochs or 0, pairs=pairs)
    diff = t["diff"].format(rel=fmt_small(max(diffs))) if diffs else ""
    out += " " + (t["threads_same"] if same else t["threads_differ"].format(diff=diff))
    cores = th.get("usable_cores") or k
    if loads:
        busy = max(loads) > cores
        out += " " + t["threads_busy" if busy else "threads_idle"].format(
            load=max(loads), cores=cores)
    for name, c in th["cases"].items():
        if "busy_processes" in c:
            alone = th["cases"].get(name.removesuffix("_busy"), {}).get("ratio")
            quiet = (t["threads_beside_quiet"].format(ratio=fmt_ratio(alone["median"]))
                     if alone else "")
            out += " " + t["threads_beside"].format(
                procs=_procs(c, t), k=k, ratio=fmt_ratio(c["ratio"]["median"]),
                quiet=quiet)
    return out + " " + t["threads_package"].format(k=th["train_threads"])


def band_md(res: dict, t: dict) -> str:
    b = res.get("band")
    if not b:
        return t["not_run"]
    d = b["differences"]
    rows = []
    for name in ("source", "vectorised", "vectorised_blocks", "closed_form"):
        if name not in b["seconds"]:
            continue
        speed = b["speedup"].get(name)
        diff = d.get(f"{name}_vs_closed_form")
        rows.append([
            t[name], spread(b["seconds"][name]),
            spread(speed, fmt_ratio) if speed else t["none"],
            t["in_se"].format(abs=diff["max_abs"], se=diff["max_in_se"])
            if diff else t["none"],
        ])
    out = table([t["method"], t["time"], t["vs_source"], t["largest_diff"]], rows)
    out += "\n\n" + t["draw_note"].format(
        draw=fmt_time(b["vectorised_draw_s"]["median"]), n=b["n"], s=b["num_samples"],
        tt=b.get("torch_threads", "?"), blocks=b.get("blocks", "?"),
        threads=b.get("block_threads", 1))
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
    out += "\n\n" + table([t["setting"], t["lr"], t["cases_reached"], t["epochs_to"],
                            t["seconds_to"]], rows)
    choice = ex["choice"]
    if choice == next(iter(ex["settings"])):
        out += "\n\n" + t["explorer_choice_source"]
    else:
        c = ex["settings"][choice]
        out += "\n\n" + t["explorer_choice"].format(
            lr=ex["choice_lr"], name=choice, k=len(ex["cases"]),
            speedup=fmt_ratio(c["speedup"]["median"]))
    if "explorer_lr" in ex:
        key = "explorer_uses" if ex["explorer_lr"] == ex["choice_lr"] else \
            "explorer_stale"
        out += " " + t[key].format(lr=ex["explorer_lr"])
    return out


def _explorer_rows(ex: dict, t: dict) -> list[list[str]]:
    """Rows for the latencies ``benchmarks/explorer_latency.py`` reported.

    Every entry that is a summary of seconds (a key ending in ``_s`` with a
    median) becomes a row, named from ``t["explorer_keys"]`` where it has a name
    there. The script's own ``targets_s`` are for its developers, not the page.
    """
    rows = []
    for key, val in ex.items():
        if not (key.endswith("_s") and isinstance(val, dict) and "median" in val):
            continue
        name = key.removesuffix("_s")
        label = t["explorer_keys"].get(name, t["explorer"].format(key=name))
        rows.append([label, spread(val) if "n" in val else fmt_time(val["median"])])
    return rows


PLAYGROUND_T = {
    "en": {
        "off": "Not measured in this run (`make bench` measures it in headless "
               "Chromium).",
        "what": "measured", "value": "value",
        "browser": "epochs per second, the source's network, n = {n:,}: in the browser",
        "torch": "the same in PyTorch (one thread, `vh.recipes.train`)",
        "ratio": "browser ÷ PyTorch (ratio of the medians)",
        "cal_time": "β-NLL at σ = 1.3, 200 epochs: Train to done (seeds {seeds})",
        "cal_cov": "its held-out 90 % coverage",
        "cal_width": "its mean width ÷ 2·1.645·1.3",
        "long": "longest main-thread task while training (tasks over 50 ms)",
        "source": "the source's model at σ = 1.5: width ÷ calibrated width",
        "first": "first picture after a change of σ: to the next painted frame",
        "tfjs": "TensorFlow.js {v}, {backend} backend, {where}: epochs per second",
        "fails": "does not start ({error})",
        "bytes": "download: the playground {ours}; TensorFlow.js {tf} + its WASM "
                 "backend {wasm}",
        "http": "served over http", "file": "opened from disk",
        "none": "none",
        "spread": "Times and speeds are medians of {k} runs with the fastest and "
                  "slowest in brackets; the browser is Chromium {browser}, headless, "
                  "on the machine above.",
    },
    "ko": {
        "off": "이번 실행에서는 재지 않았습니다(`make bench`가 헤드리스 "
               "Chromium에서 잽니다).",
        "what": "측정", "value": "값",
        "browser": "원문 신경망의 초당 에폭 수, n = {n:,}: 브라우저",
        "torch": "같은 학습을 PyTorch에서(스레드 1개, `vh.recipes.train`)",
        "ratio": "브라우저 ÷ PyTorch (중앙값의 비)",
        "cal_time": "σ = 1.3의 β-NLL, 200 에폭: 학습 버튼에서 완료까지 (시드 {seeds})",
        "cal_cov": "검증 데이터의 90 % 포함률",
        "cal_width": "평균 폭 ÷ 2·1.645·1.3",
        "long": "학습하는 동안 가장 긴 메인 스레드 작업 (50 ms를 넘는 작업)",
        "source": "σ = 1.5의 원문 모델: 폭 ÷ 보정된 폭",
        "first": "σ를 바꾼 뒤 첫 그림: 다음 화면 갱신까지",
        "tfjs": "TensorFlow.js {v}, {backend} 백엔드, {where}: 초당 에폭 수",
        "fails": "시작하지 못함 ({error})",
        "bytes": "내려받는 크기: 플레이그라운드 {ours}, TensorFlow.js {tf} + WASM "
                 "백엔드 {wasm}",
        "http": "http로 제공", "file": "디스크에서 열기",
        "none": "없음",
        "spread": "시간과 속도는 {k}번 실행의 중앙값이고 괄호 안은 가장 빠른 값과 "
                  "가장 느린 값입니다. 브라우저는 위 기계의 헤드리스 Chromium "
                  "{browser}입니다.",
    },
}


def _kb(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _med(values: list[float], fmt) -> str:
    """'median (min–max)' of a plain list of samples."""
    return spread(summary(values), fmt)


def playground_md(res: dict, t: dict) -> str:
    """The playground's table: speed against torch, the targets' measures, TF.js."""
    pg = res.get("playground")
    if not pg:
        return t["off"]
    sp, cal, src = pg["speed"], pg["calibrated"], pg["source"]

    def rate(r: float) -> str:
        return f"{r:.0f}"

    def ms(v: float) -> str:
        return f"{v:.0f} ms"

    width = 2 * 1.6448536269514722 * 1.3
    rows = [
        [t["browser"].format(n=sp["n"]), _med(sp["browser"], rate)],
        [t["torch"], _med(sp["torch"], rate)],
        [t["ratio"], fmt_ratio(sp["ratio"])],
        [t["cal_time"].format(seeds=", ".join(str(c["seed"]) for c in cal)),
         _med([c["seconds"] for c in cal], fmt_time)],
        [t["cal_cov"], ", ".join(f"{c['coverage']:.3f}" for c in cal)],
        [t["cal_width"], ", ".join(f"{c['width'] / width:.3f}" for c in cal)],
        [t["long"], ms(max(c["longest_task_ms"] for c in [*cal, src]))
         if any(c["long_tasks"] for c in [*cal, src]) else t["none"]],
        [t["source"], f"{src['width_ratio']:.1f}"],
        [t["first"], _med(pg["first_picture"]["frame_ms"], ms)],
    ]
    for r in pg.get("tfjs", {}).get("runs", []):
        value = (f"{r['epochs_per_s']:.1f}" if "epochs_per_s" in r
                 else t["fails"].format(error=r["error"]))
        rows.append([t["tfjs"].format(v=pg["tfjs"]["version"], backend=r["backend"],
                                      where=t[r["where"]]), value])
    out = table([t["what"], t["value"]], rows)
    b = pg["bytes"]
    if "tfjs_js" in b:
        out += "\n\n" + t["bytes"].format(ours=_kb(b["playground_js"]),
                                          tf=_kb(b["tfjs_js"]),
                                          wasm=_kb(b["tfjs_wasm_backend"])) + "."
    return out + "\n\n" + t["spread"].format(k=pg["repeats"], browser=pg["browser"])


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
                         spread(nb[lang]["seconds"])])
        else:
            notes.append(t["book_missing"].format(why=nb[lang]["skipped"]))
    if "total_s" in nb:
        rows.append([t["nbval_total"], spread(nb["total_s"])])
    mb = wb["make_book"]
    if "seconds" in mb:
        fail = t["failed"].format(k=mb["failed_runs"]) if mb["failed_runs"] else ""
        rows.append([t["make_book"] + fail, spread(mb["seconds"])])
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
    out = table([t["what"], t["time"]], rows) if rows else ""
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
                        threads_md(gpu, t), band_md(gpu, t), good_fit_md(gpu, t)])


def page_parts(res: dict, lang: str, gpu: dict | None = None) -> str:
    """The include file for ``lang``: every section between its markers."""
    t = T[lang]
    body = {"machine": machine_md(res, t), "training": training_md(res, t),
            "threads": threads_md(res, t), "band": band_md(res, t),
            "good_fit": good_fit_md(res, t), "explorer_fit": explorer_fit_md(res, t),
            "playground": playground_md(res, PLAYGROUND_T[lang]),
            "whole_book": whole_book_md(res, t), "gpu": gpu_md(gpu, t)}
    head = ("<!-- Generated by benchmarks/report.py from benchmarks/results/"
            "bench*.json. Do not edit: run `make bench`. -->\n")
    return head + "".join(f"\n<!-- {k} -->\n{body[k]}\n<!-- /{k} -->\n"
                          for k in SECTIONS)


# ---------------------------------------------------------------- figures


def figure_path(root: Path, name: str, lang: str) -> Path:
    """Where the figure of section ``name`` in ``lang`` goes."""
    return root / "book" / "_static" / f"bench_{name}_{lang}.png"


def bars(res: dict, name: str, t: dict) -> tuple[list, list, list, bool]:
    """(labels, summaries, colours, log axis) of the bars of figure ``name``."""
    labels, sums, colors = [], [], []
    if name == "training":
        tr = res.get("training", {})
        for kind in ("mle", "variational", "variational_small"):
            if kind not in tr:
                continue
            model = (t["fig_variational_small"] if kind == "variational_small"
                     else t[kind]).format(n=tr[kind]["n_train"] + tr[kind]["n_val"])
            labels += [t["fig_train"].format(model=model, loop=t["source_loop"]),
                       t["fig_train"].format(model=model, loop="fit")]
            sums += [tr[kind]["source_s"], tr[kind]["fit_s"]]
            colors += ["tab:gray", "tab:blue"]
        return labels, sums, colors, False
    if name == "threads":
        th = res.get("threads", {})
        for c in th.get("cases", {}).values():
            for i, key, color in ((0, "one_s", "tab:blue"),
                                  (1, "default_s", "tab:gray")):
                labels.append(t["fig_threads"][i].format(n=c["n"], k=c["threads"][1])
                              + (t["fig_busy"].format(procs=_procs(c, t))
                                 if "busy_processes" in c else ""))
                sums.append(c[key])
                colors.append(color)
        return labels, sums, colors, False
    if name == "band":
        b = res.get("band", {})
        palette = {"source": "tab:gray", "vectorised": "tab:blue",
                   "vectorised_blocks": "tab:purple", "closed_form": "tab:green"}
        for method, color in palette.items():
            if method in b.get("seconds", {}):
                labels.append(t["fig_band"][method])
                sums.append(b["seconds"][method])
                colors.append(color)
        return labels, sums, colors, True
    g = res.get("good_fit", {})
    for i, setting in enumerate(g.get("settings", {})):
        labels.append(setting)
        sums.append(g["settings"][setting]["seconds"])
        colors.append("tab:gray" if i == 0 else "tab:blue")
    return labels, sums, colors, False


def figure(res: dict, name: str, lang: str, path: Path) -> None:
    """One horizontal bar chart: median, whiskers from fastest to slowest run."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    from matplotlib.ticker import FuncFormatter, NullFormatter

    import vi_helpers as vh

    t = T[lang]
    labels, sums, colors, log = bars(res, name, t)
    with matplotlib.rc_context(FONT):  # use_language changes rcParams: only in here
        vh.use_language(lang)
        height = 1.0 + 0.42 * max(len(labels), 2)
        fig = Figure(figsize=(FIG_WIDTH, height), layout="constrained")
        ax = fig.subplots()
        title = {"training": "caption_train", "threads": "caption_threads",
                 "band": "caption_band", "good_fit": "caption_fit"}[name]
        fig.suptitle(t[title])  # over the whole figure: long labels cannot push it out
        if not labels:
            ax.text(0.5, 0.5, t["not_measured_fig"], ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_axis_off()
        else:
            pos = list(range(len(labels)))[::-1]  # the first bar on top
            med = [s["median"] if s else float("nan") for s in sums]
            err = [[m - s["min"] if s else 0 for m, s in zip(med, sums)],
                   [s["max"] - m if s else 0 for m, s in zip(med, sums)]]
            ax.barh(pos, med, xerr=err, capsize=3, color=colors, height=0.6)
            ax.set_yticks(pos, labels)
            ax.set_xlabel(t["seconds_axis"])
            if log:
                ax.set_xscale("log")
                ax.xaxis.set_major_formatter(FuncFormatter(
                    lambda v, _: f"{1e3 * v:g} ms" if v < 1 else f"{v:g} s"))
                ax.xaxis.set_minor_formatter(NullFormatter())
            for p, m, s in zip(pos, med, sums):  # the value right of the whisker
                ax.annotate(fmt_time(m) if s else t["not_reached"],
                            (s["max"] if s else (1e-3 if log else 0), p),
                            textcoords="offset points", xytext=(4, 0),
                            va="center", fontsize=FONT["font.size"])
            ax.set_ylim(-0.6, len(labels) - 0.4)
            if not any(sums):  # nothing got there: an empty axis from 0
                ax.set_xscale("linear")
                ax.set_xlim(0, 1)
            elif log:  # room on the right for the last label, in decades
                ax.margins(x=0.05)
                lo, hi = ax.get_xlim()
                ax.set_xlim(lo, hi * 5)
            else:
                ax.margins(x=0.22)
            ax.spines[["top", "right"]].set_visible(False)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=FIG_DPI)


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
        written.append(md)
        for name in FIGURES:
            path = figure_path(root, name, lang)
            figure(res, name, lang, path)
            written.append(path)
    return written


if __name__ == "__main__":
    for p in write_page():
        print(f"wrote {p}")
