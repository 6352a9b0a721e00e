"""Figures: both languages, a real Hangul font, no missing-glyph warnings."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import vi_helpers as vh  # noqa: E402
from vi_helpers.i18n import LABELS, hangul_font_path, label  # noqa: E402


def test_every_label_exists_in_both_languages():
    assert set(LABELS["en"]) == set(LABELS["ko"])


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match=r"lang must be one of \('en', 'ko'\), got 'fr'"):
        vh.use_language("fr")
    with pytest.raises(ValueError, match="got 'de'"):
        vh.plot_data(vh.make_dataset(n=50), lang="de")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_figures_draw_without_glyph_warnings(lang, small_data):
    vh.use_language(lang)
    band = torch.stack([small_data.y_true.view(-1) + d for d in (-1.0, 0.0, 1.0)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would raise
        fig, axes = plt.subplots(3, 1)
        vh.plot_data(small_data, lang, ax=axes[0])
        vh.plot_mle_fit(small_data, small_data.y_true, 100, lang, ax=axes[1])
        vh.plot_band(small_data, band, 1000, lang, ax=axes[2])
        fig.canvas.draw()
    titles = [ax.get_title() for ax in axes]
    assert titles[1] == label("title_mle", lang, epochs=100)
    if lang == "ko":
        assert "NanumGothic" in matplotlib.rcParams["font.family"][0]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in titles[0])
    plt.close(fig)
    vh.use_language("en")


def test_hangul_font_is_available():
    assert hangul_font_path() is not None


def test_band_of_the_wrong_shape_is_refused(small_data):
    with pytest.raises(ValueError, match=r"band must have shape \(3, 500\), got \(2, 500\)"):
        vh.plot_band(small_data, torch.zeros(2, 500))


def test_the_calibration_legend_stands_beside_the_curves():
    """The curves hug the diagonal across the whole square: a legend inside it
    would cover some of them, so it stands outside the axes."""
    from vi_helpers import metrics as M

    y = torch.randn(300, generator=torch.Generator().manual_seed(0))
    curves = {f"model {i}": M.calibration_curve(y, torch.zeros(300), torch.ones(300) * s)
              for i, s in enumerate((0.8, 1.0, 1.3))}
    ax = vh.plot_calibration(curves)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend, box = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
    assert not legend.overlaps(box), (legend, box)
    plt.close(fig)
