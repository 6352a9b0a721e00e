"""Figure text in English and Korean, and the font that can draw it."""

from __future__ import annotations

LANGUAGES = ("en", "ko")

#: Every label a figure in the book uses, keyed by language. Add new keys to both.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "x": "x",
        "y": "y",
        "data": "noisy data",
        "true_f": "true function f(x)",
        "mle_fit": "MLE fit",
        "median": "median",
        "band": "5–95 % band",
        "title_data": "The synthetic data: f(x) plus Gaussian noise (σ = {sigma})",
        "title_mle": "MLE network (1-20-1) after {epochs:,} epochs",
        "title_band": (
            "Variational regression: median and 5–95 % band "
            "({num_samples:,} passes)"
        ),
        "epoch": "epoch",
        "loss": "loss",
        "train": "train",
        "val": "validation",
        # the explorer (vi_helpers.explorer, vi_explorer.widget and static_explorer)
        "explorer_title": "{model}: σ = {sigma:g}, {epochs:,} epochs",
        "coverage_line": "held-out points in the band: {coverage:.2f} (target 0.90)",
        "width_line": "mean band width: {width:.1f} (calibrated: {calibrated:.1f})",
        "n_line": "trained on {n_train:,} of n = {n:,} points, seed {seed}",
        "explorer_title_hetero": "{model}: chapter 7's data, {epochs:,} epochs",
        "region_line": "{region}: coverage {coverage:.2f}, width {width:.1f} "
                       "(oracle {oracle:.1f})",
        "region_inside": "inside the data", "region_hole": "in the hole",
        "region_beyond": "beyond the data",
        "data_choice": "data",
        "data_cubic": "the cubic, noise σ (chapters 1–6)",
        "data_hetero": "chapter 7: noise grows with |x|, a hole",
        "sigma_slider": "noise σ",
        "epochs_slider": "epochs",
        "model_choice": "model",
        "seed_choice": "seed",
        "training": "training… epoch {epoch:,} of {epochs:,}",
        "done": "done in {seconds:.1f} s",
        "from_cache": "from the cache",
        "static_note": (
            "Precomputed: seed {seed}, n = {n:,} points, every model at "
            "σ ∈ {{{sigmas}}} × epochs ∈ {{{epochs}}}."
        ),
        # is the band right? (chapters 4 and 5: metrics, theory, calibrated models)
        "calibrated": "calibrated (diagonal)",
        "nominal": "nominal coverage",
        "observed": "observed coverage on held-out points",
        "title_calibration": "Calibration curve",
        "network": "trained network",
        "theory": "theory: optimum of the expected loss",
        "mean_mu": "mean μ(x)",
        "std_s": "standard deviation s(x)",
        "true_sigma": "true σ",
        "no_data": "no training data",
        "band_90": "90 % band (mean ± 1.645·std)",
        "epistemic_band": "from the weights alone (epistemic)",
        "predictive_mean": "predictive mean",
        "row_oracle": "oracle (true f, true σ)",
        "row_source": "the source's variational regression",
        "row_mle": "MLE + residual σ",
        "row_nll": "Gaussian likelihood (NLL)",
        "row_beta_nll": "β-NLL, β = 0.5",
        "row_bbb": "Bayes by Backprop",
        "row_bbb_hetero": "Bayes by Backprop, variance head",
        "row_dropout": "MC dropout",
        "row_ensemble": "deep ensemble (5 networks)",
        "row_laplace": "last-layer Laplace",
        "row_laplace_full": "linearised Laplace, all weights",
    },
    "ko": {
        "x": "x",
        "y": "y",
        "data": "잡음이 섞인 데이터",
        "true_f": "참 함수 f(x)",
        "mle_fit": "MLE 적합",
        "median": "중앙값",
        "band": "5–95 % 구간",
        "title_data": "가상 데이터: f(x)에 가우스 잡음(σ = {sigma})을 더한 값",
        "title_mle": "MLE 신경망(1-20-1), {epochs:,} 에폭 학습 후",
        "title_band": "변분 회귀: 중앙값과 5–95 % 구간 (순전파 {num_samples:,}번)",
        "epoch": "에폭",
        "loss": "손실",
        "train": "학습",
        "val": "검증",
        # 탐색기 (vi_helpers.explorer, vi_explorer.widget, static_explorer)
        "explorer_title": "{model}: σ = {sigma:g}, {epochs:,} 에폭",
        "coverage_line": "5–95 % 구간의 검증 데이터 포함률: {coverage:.2f} (목표 0.90)",
        "width_line": "평균 구간 폭: {width:.1f} (보정된 폭: {calibrated:.1f})",
        "n_line": "전체 n = {n:,}개 중 {n_train:,}개로 학습, 시드 {seed}",
        "explorer_title_hetero": "{model}: 7장의 데이터, {epochs:,} 에폭",
        "region_line": "{region}: 포함률 {coverage:.2f}, 폭 {width:.1f} "
                       "(오라클 {oracle:.1f})",
        "region_inside": "안쪽", "region_hole": "빈 구간",
        "region_beyond": "데이터 바깥",
        "data_choice": "데이터",
        "data_cubic": "3차 함수, 잡음 σ (1–6장)",
        "data_hetero": "7장: |x|와 함께 커지는 잡음, 빈 구간",
        "sigma_slider": "잡음 σ",
        "epochs_slider": "에폭",
        "model_choice": "모델",
        "seed_choice": "시드",
        "training": "학습 중… {epochs:,} 에폭 중 {epoch:,}",
        "done": "{seconds:.1f}초 만에 완료",
        "from_cache": "캐시에서 불러옴",
        "static_note": (
            "미리 계산한 결과: 시드 {seed}, n = {n:,}개, 모든 모델을 "
            "σ ∈ {{{sigmas}}} × 에폭 ∈ {{{epochs}}}에서 학습."
        ),
        # 구간이 맞는가? (4, 5장: 지표, 이론, 보정된 모델)
        "calibrated": "보정됨 (대각선)",
        "nominal": "명목 포함률",
        "observed": "검증 데이터에서 관측한 포함률",
        "title_calibration": "보정 곡선",
        "network": "학습한 신경망",
        "theory": "이론: 기대 손실의 최적점",
        "mean_mu": "평균 μ(x)",
        "std_s": "표준편차 s(x)",
        "true_sigma": "참 σ",
        "no_data": "학습 데이터 없음",
        "band_90": "90 % 구간 (평균 ± 1.645·표준편차)",
        "epistemic_band": "가중치에서만 오는 부분 (인식적)",
        "predictive_mean": "예측 평균",
        "row_oracle": "오라클 (참 f, 참 σ)",
        "row_source": "원문의 변분 회귀",
        "row_mle": "MLE + 잔차 σ",
        "row_nll": "가우스 가능도 (NLL)",
        "row_beta_nll": "β-NLL, β = 0.5",
        "row_bbb": "Bayes by Backprop",
        "row_bbb_hetero": "Bayes by Backprop, 분산 헤드",
        "row_dropout": "몬테카를로 드롭아웃",
        "row_ensemble": "딥 앙상블 (신경망 5개)",
        "row_laplace": "마지막 층 라플라스",
        "row_laplace_full": "선형화 라플라스, 모든 가중치",
    },
}


def check_language(lang: str) -> str:
    """Return ``lang`` if the book has figure text for it, else raise ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    return lang


def label(key: str, lang: str = "en", **fmt) -> str:
    """The figure text ``key`` in ``lang``, formatted with ``fmt``."""
    check_language(lang)
    if key not in LABELS[lang]:
        raise ValueError(f"key must be one of {sorted(LABELS[lang])}, got {key!r}")
    return LABELS[lang][key].format(**fmt)


def hangul_font_path() -> str | None:
    """Where a NanumGothic font file lies, or None.

    Looks in the ``koreanize-matplotlib`` package (without importing it: its
    import emits a DeprecationWarning) and then in Debian's ``fonts-nanum``.
    """
    import importlib.util
    from pathlib import Path

    candidates = []
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidates.append(Path(folder) / "fonts" / "NanumGothic.ttf")
    candidates.append(Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"))
    for path in candidates:
        if path.is_file():
            return str(path)
    return None


def use_language(lang: str) -> str:
    """Prepare matplotlib for ``lang``: for Korean, a real Hangul font (NanumGothic).

    Registers the NanumGothic file (see :func:`hangul_font_path`) and keeps the
    ASCII minus sign so that negative tick labels draw with that font too.
    Raises ImportError with the command to run when no Hangul font is found.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    check_language(lang)
    if lang == "ko":
        path = hangul_font_path()
        if path is None:
            raise ImportError(
                "Korean figures need a Hangul font: pip install koreanize-matplotlib "
                "(or apt-get install fonts-nanum)"
            )
        font_manager.fontManager.addfont(path)
        name = font_manager.FontProperties(fname=path).get_name()
        mpl.rcParams["font.family"] = [name, "DejaVu Sans"]  # DejaVu: σ, ŷ, …
    else:
        mpl.rcParams["font.family"] = ["DejaVu Sans"]
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams.update(FIGURE_STYLE)
    _retina_in_notebooks()
    return lang


# Book figures are 10 inches wide and shown about 7 inches wide on a page or a
# projector: these sizes keep tick labels near 12 px there (matplotlib's 10 pt
# defaults come out near 9 px).
FIGURE_STYLE = {
    "font.size": 14,
    "axes.titlesize": 15,
    "axes.labelsize": 14,
    "legend.fontsize": 13,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
}


def _retina_in_notebooks() -> None:
    """In a Jupyter kernel, draw inline figures at twice the pixels (sharp scaled)."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")
