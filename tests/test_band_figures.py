"""The calibration chapters' figures draw in both languages without missing glyphs."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import vi_helpers as vh  # noqa: E402
from vi_helpers import metrics as M  # noqa: E402
from vi_helpers.i18n import label  # noqa: E402


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_band_figures_draw_without_glyph_warnings(lang, small_data):
    vh.use_language(lang)
    y, f = small_data.y_val, small_data.y_true_val
    sigma = np.full(len(y), 1.5)
    x = np.linspace(-4.5, 4.5, 50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, axes = plt.subplots(2, 2)
        vh.plot_calibration({label("row_oracle", lang): M.calibration_curve(y, f, sigma)},
                            lang, ax=axes[0, 0])
        vh.plot_theory_vs_network(small_data.x, small_data.y_true,
                                  (small_data.y_true, 2 + 0 * small_data.x),
                                  (small_data.y_true, 3 + 0 * small_data.x), 1.5, lang,
                                  axes=axes[1])
        vh.plot_predictive(x, vh.true_function(x), np.full(50, 1.5), small_data,
                           label("row_bbb", lang), lang, ax=axes[0, 1],
                           epistemic_std=np.abs(x) / 4)
        fig.canvas.draw()
    assert axes[0, 0].get_title() == label("title_calibration", lang)
    assert axes[0, 1].get_title() == label("row_bbb", lang)
    plt.close(fig)


def test_plot_predictive_refuses_mismatched_lengths(small_data):
    with pytest.raises(ValueError, match="x, mean and std must have one length, got 3, 3, 2"):
        vh.plot_predictive(np.zeros(3), np.zeros(3), np.ones(2), small_data, "t")
