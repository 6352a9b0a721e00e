"""The explorer: the function behind the sliders, the live widget's cache and
cancellation, the grid and the static HTML. No browser and no kernel needed."""

import json
import re
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import torch

import vi_helpers as vh
from vi_explorer import grid as grid_tool
from vi_explorer import widget as wx
from vi_explorer.static_explorer import (
    JS_FILE,
    MAX_BYTES,
    fill_slots,
    static_explorer_html,
)
from vi_helpers import explorer as ex
from vi_helpers.i18n import LABELS

SMALL = dict(n=300)  # 240 training points: fast enough for unit tests


@pytest.fixture(scope="module")
def result():
    return ex.explore(1.5, 100, "source", seed=1, **SMALL)


@pytest.fixture(scope="module")
def grid():
    return grid_tool.load_grid()


# ---------------------------------------------------------------- explore


def test_explore_returns_every_curve_with_its_shape(result):
    g, k = ex.CURVE_POINTS, ex.DATA_POINTS
    for name in ("x", "f", "lower", "median", "upper"):
        assert getattr(result, name).shape == (g,), name
    assert result.x_data.shape == result.y_data.shape == (k,)
    assert result.band.shape == (3, g)
    np.testing.assert_allclose(result.x, np.linspace(-3, 3, g), atol=1e-6)
    np.testing.assert_allclose(result.f, vh.true_function(result.x))
    assert np.all(result.lower <= result.median) and np.all(result.median <= result.upper)
    assert (result.sigma, result.epochs, result.model, result.seed) == (
        1.5, 100, "source", 1)
    assert (result.n, result.n_train) == (300, 240)
    assert result.seconds > 0


def test_explore_numbers_are_the_held_out_coverage_and_width(result):
    data = vh.make_dataset(n=300, sigma=1.5, seed=1)
    assert 0 <= result.coverage <= 1
    # 60 held-out points: the coverage is a multiple of 1/60
    assert result.coverage * 60 == pytest.approx(round(result.coverage * 60))
    assert result.width > 0
    assert result.calibrated_width == pytest.approx(2 * 1.6449 * 1.5, rel=1e-4)
    assert len(data.val_idx) == 60


def test_the_source_model_band_is_far_wider_than_the_noise():
    r = ex.explore(1.5, 300, "source", **SMALL)
    assert r.width > 2 * r.calibrated_width
    assert r.coverage > 0.95


def test_the_mle_band_is_the_fit_plus_minus_the_residual_sigma():
    r = ex.explore(0.5, 100, "mle", **SMALL)
    np.testing.assert_allclose(r.upper - r.median, r.median - r.lower, atol=1e-4)
    half = r.upper - r.median
    np.testing.assert_allclose(half, half[0], atol=1e-4)  # the same σ̂ everywhere


def test_the_explorer_trains_its_mle_with_the_benchmarks_choice():
    """The MLE's learning rate is the one ``make bench`` found fastest to a fit on
    the explorer's own data (benchmarks/results/bench.json, written by the last run)."""
    bench = json.loads((grid_tool.GRID_FILE.parents[2] / "benchmarks" / "results"
                        / "bench.json").read_text())
    choice = bench["good_fit"]["explorer"]
    assert choice["n"] == ex.DEFAULT_N
    assert choice["max_epochs"] == ex.EPOCHS_RANGE[1]
    assert vh.RECIPES["mle"].explorer_lr == choice["choice_lr"]


def test_explore_is_deterministic_and_leaves_the_global_rng_alone(result):
    state = torch.get_rng_state()
    again = ex.explore(1.5, 100, "source", seed=1, **SMALL)
    assert torch.equal(state, torch.get_rng_state())
    for name in ("lower", "median", "upper", "y_data"):
        np.testing.assert_array_equal(getattr(again, name), getattr(result, name))
    other_seed = ex.explore(1.5, 100, "source", seed=2, **SMALL)
    assert not np.array_equal(other_seed.y_data, result.y_data)


@pytest.mark.parametrize("model", ["nll", "beta_nll", "bbb"])
def test_chapter_5_models_are_offered_and_deterministic(model):
    first = ex.explore(1.5, 100, model, **SMALL)
    again = ex.explore(1.5, 100, model, **SMALL)
    np.testing.assert_array_equal(first.band, again.band)
    assert np.all(first.lower < first.upper)


def test_explore_restores_the_thread_count():
    before = torch.get_num_threads()
    ex.explore(0.5, 100, "mle", **SMALL)
    assert torch.get_num_threads() == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(sigma=0.05), r"sigma must be a number in \[0.1, 3.0\], got 0.05"),
        (dict(sigma=3.5), r"sigma must be a number in \[0.1, 3.0\], got 3.5"),
        (dict(sigma=float("nan")), r"sigma must be a number in \[0.1, 3.0\]"),
        (dict(sigma="1.5"), r"sigma must be a number in \[0.1, 3.0\], got '1.5'"),
        (dict(epochs=50), r"epochs must be an integer in \[100, 5000\], got 50"),
        (dict(epochs=6000), r"epochs must be an integer in \[100, 5000\], got 6000"),
        (dict(epochs=150.0), r"epochs must be an integer in \[100, 5000\]"),
        (dict(model="bnn"), r"model must be one of \[.*'source'.*'mle'.*\], got 'bnn'"),
        (dict(seed=-1), r"seed must be a non-negative integer, got -1"),
        (dict(seed=True), r"seed must be a non-negative integer, got True"),
        (dict(n=50), r"n must be at least 100, got 50"),
        (dict(data="ch7"), r"data must be one of \['cubic', 'hetero'\], got 'ch7'"),
    ],
)
def test_explore_rejects_out_of_range_settings(kwargs, message):
    args = dict(sigma=1.5, epochs=100, model="mle", seed=0, n=300) | kwargs
    with pytest.raises(ValueError, match=message):
        ex.explore(**args)


def test_chapter_7_data_in_the_explorer():
    """data="hetero": chapter 7's data, x out to ±4.5, each region scored; the
    MLE's one σ gives one width everywhere, the oracle's grows outward."""
    r = ex.explore(1.5, 100, "mle", seed=0, n=400, data="hetero")
    assert r.data == "hetero" and r.x[0] == -4.5 and r.x[-1] == 4.5
    assert len(r.x) == len(r.upper) == 181
    assert list(r.regions) == ["inside", "hole", "beyond"]
    widths = [w for _, w, _ in r.regions.values()]
    assert max(widths) - min(widths) < 1e-4 * widths[0]
    oracle = {k: o for k, (_, _, o) in r.regions.items()}
    assert oracle["beyond"] > oracle["inside"] > oracle["hole"] > 0
    assert r.coverage == r.regions["inside"][0]
    assert r.n == 400 + 2 * (400 // 16)
    # the same sigma argument changes nothing: the noise is the data set's own
    again = ex.explore(0.5, 100, "mle", seed=0, n=400, data="hetero")
    assert np.array_equal(again.upper, r.upper)
    cubic = ex.explore(1.5, 100, "mle", seed=0, n=400)
    assert cubic.regions is None and cubic.x[-1] == 3
    vh.use_language("ko")
    ax = ex.plot_explorer(r, "ko")
    vh.use_language("en")
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "데이터 바깥" in texts and "오라클" in texts
    assert ax.get_xlim() == (-4.5, 4.5)


def test_the_widget_offers_chapter_7_data():
    pytest.importorskip("ipywidgets")
    from vi_explorer.widget import Explorer

    vh.use_language("ko")  # the Hangul font for the figure
    w = Explorer(lang="ko", sigma=0.5, epochs=100, model="mle",
                 cache=wx.ResultCache(), n=300, data="hetero")
    try:
        assert w.sigma.disabled
        assert w.last.result(60).data == "hetero"
        assert w.settings()[-1] == "hetero"
        w.data.value = "cubic"
        assert not w.sigma.disabled
        assert w.last.result(60).regions is None
    finally:
        w.close()
        vh.use_language("en")


def test_one_training_gives_every_epoch_of_a_row():
    """Why the grid needs one training per σ: snapshots equal separate runs."""
    row = ex.explore_stops(1.0, (100, 200), "source", 0, 300)
    assert [r.epochs for r in row] == [100, 200]
    for r in row:
        alone = ex.explore(1.0, r.epochs, "source", **SMALL)
        np.testing.assert_allclose(r.band, alone.band, atol=1e-5)
        assert r.coverage == alone.coverage


def test_progress_callback_sees_the_epochs():
    seen = []
    ex.explore(0.5, 100, "mle", callback=lambda e, total: seen.append((e, total)),
               **SMALL)
    assert seen == [(25, 100), (50, 100), (75, 100), (100, 100)]


# ---------------------------------------------------------------- cache


def test_cache_returns_the_same_result_at_once():
    cache = wx.ResultCache(maxsize=2)
    calls = []
    first = wx.cached_explore(0.5, 100, "mle", 0, 300, cache=cache,
                              callback=lambda e, t: calls.append(e))
    start = time.perf_counter()
    second = wx.cached_explore(0.5, 100, "mle", 0, 300, cache=cache,
                               callback=lambda e, t: calls.append(e))
    assert time.perf_counter() - start < 0.05
    assert second is first
    assert calls == [25, 50, 75, 100]  # the second call did not train
    assert wx.cached_explore(0.50000001, 100, "mle", 0, 300, cache=cache) is first


def test_cache_forgets_the_least_recently_used():
    cache = wx.ResultCache(maxsize=2)
    for key in ("a", "b"):
        cache.put(key, key)
    cache.get("a")
    cache.put("c", "c")
    assert "a" in cache and "c" in cache and "b" not in cache
    assert len(cache) == 2


# ---------------------------------------------------------------- cancellation


def test_a_newer_token_cancels_an_older_one():
    g = wx.Generation()
    old = g.new()
    g.check(old)  # still current: no error
    new = g.new()
    assert not g.is_current(old) and g.is_current(new)
    with pytest.raises(wx.Cancelled, match="replaced"):
        g.check(old)


def test_a_newer_request_stops_a_running_training():
    g = wx.Generation()
    cache = wx.ResultCache()
    token = g.new()
    started, stopped_at, outcome = threading.Event(), [], []

    def progress(epoch, total):
        stopped_at.append(epoch)
        started.set()
        g.check(token)

    def work():
        try:
            outcome.append(wx.cached_explore(1.5, 5000, "source", 0, 300,
                                             cache=cache, callback=progress))
        except wx.Cancelled:
            outcome.append("cancelled")

    worker = threading.Thread(target=work)
    worker.start()
    assert started.wait(60)
    g.new()  # the user moved a slider
    worker.join(60)
    assert outcome == ["cancelled"]
    assert stopped_at[-1] < 5000
    assert len(cache) == 0  # a cancelled training stores nothing
    assert not wx.TRAINING.locked()  # the training lock was released


def test_the_explorers_of_a_kernel_train_one_at_a_time():
    """explore draws from torch's global random stream: while one training holds
    the app's lock, another waits for it (and then gives the same result as alone)."""
    started = threading.Event()
    out = []
    alone = ex.explore(0.5, 100, "mle", **SMALL)

    def work():
        out.append(wx.cached_explore(0.5, 100, "mle", 0, SMALL["n"],
                                     cache=wx.ResultCache(),
                                     callback=lambda e, t: started.set()))

    with wx.TRAINING:
        worker = threading.Thread(target=work)
        worker.start()
        assert not started.wait(1.0)  # it waits for the lock
    worker.join(60)
    assert started.is_set() and len(out) == 1
    np.testing.assert_array_equal(out[0].median, alone.median)


def test_the_widget_draws_only_the_newest_request():
    pytest.importorskip("ipywidgets")
    from vi_explorer.widget import Explorer

    w = Explorer(lang="en", sigma=0.5, epochs=100, model="mle",
                 cache=wx.ResultCache(), **SMALL)
    try:
        first = w.last.result(60)
        assert first is not None and w.image.value[:4] == b"\x89PNG"
        w.epochs.value = 5000  # a long training...
        slow = w.last
        w.epochs.value = 150  # ...replaced before it can finish
        assert w.last.result(60).epochs == 150
        assert slow.result(60) is None
        assert w.progress.bar_style == "success"
        w.epochs.value = 100  # seen before: from the cache, no thread
        assert w.last.done() and w.last.result() is first
        assert w.status.value == LABELS["en"]["from_cache"]
    finally:
        w.close()


def test_import_works_without_ipywidgets():
    code = (
        "import sys; sys.modules['ipywidgets'] = None\n"
        "import vi_helpers, vi_helpers.explorer, vi_explorer.static_explorer\n"
        "try:\n"
        "    import vi_explorer.widget\n"
        "except ImportError as e:\n"
        "    print('ImportError:', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "pip install ipywidgets" in out


# ---------------------------------------------------------------- the grid


def test_the_stored_grid_has_every_combination(grid):
    assert grid["sigmas"] == list(grid_tool.GRID_SIGMAS)
    assert grid["epochs"] == list(grid_tool.GRID_EPOCHS)
    assert grid["models"] == list(ex.MODELS)
    assert set(ex.MODELS) <= set(vh.RECIPES)
    g = len(grid["x"])
    for m in grid["models"]:
        for s in grid["sigmas"]:
            for e in grid["epochs"]:
                cell = grid["cells"][grid_tool.cell_key(m, s, e)]
                for curve in ("lower", "median", "upper"):
                    assert len(cell[curve]) == g
                assert 0 <= cell["coverage"] <= 1 and cell["width"] > 0
    assert len(grid["cells"]) == len(grid["models"]) * 5 * 4
    for s in grid["sigmas"]:
        assert len(grid["data"][f"{s:g}"]["y"]) == ex.DATA_POINTS


@pytest.mark.parametrize(("model", "sigma", "epochs"),
                         [("source", 1.5, 100), ("mle", 0.5, 100),
                          ("nll", 3.0, 100)])
def test_a_grid_cell_retrained_matches_the_stored_curves(grid, model, sigma, epochs):
    r = ex.explore(sigma, epochs, model, seed=grid["seed"], n=grid["n"])
    cell = grid["cells"][grid_tool.cell_key(model, sigma, epochs)]
    for curve in ("lower", "median", "upper"):
        np.testing.assert_allclose(cell[curve], getattr(r, curve), atol=0.02,
                                   err_msg=curve)
    assert cell["coverage"] == pytest.approx(r.coverage, abs=0.01)
    assert cell["width"] == pytest.approx(r.width, abs=0.02)
    np.testing.assert_allclose(grid["data"][f"{sigma:g}"]["y"], r.y_data, atol=0.006)


def test_the_grid_function_writes_what_the_static_explorer_reads():
    small = grid_tool.explorer_grid(models=("mle",), sigmas=(0.5, 3.0), epochs=(100, 150),
                             n=300)
    assert sorted(small["cells"]) == ["mle|0.5|100", "mle|0.5|150", "mle|3|100",
                                      "mle|3|150"]
    json.dumps(small)  # JSON-ready
    html = static_explorer_html(small, "en", model="mle", sigma=3.0, epochs=150)
    assert 'data-role="sigma"' in html and 'value="1"' in html


# ---------------------------------------------------------------- static HTML


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_static_html_is_self_contained_small_and_translated(grid, lang):
    html = static_explorer_html(grid, lang)
    assert not re.search(r"https?:", html), "the static explorer must load nothing"
    assert len(html.encode("utf-8")) < MAX_BYTES
    assert html.count('type="range"') == 2
    for role in ("sigma", "epochs", "model", "figure"):
        assert f'data-role="{role}"' in html
    assert f'id="vi-explorer-{lang}"' in html
    for key in ("sigma_slider", "epochs_slider", "model_choice", "row_source"):
        assert LABELS[lang][key] in html
    embedded = re.search(r'<script type="application/json" data-role="grid">(.*?)'
                         r"</script>", html, re.S).group(1)
    page = json.loads(embedded.replace("<\\/", "</"))
    assert set(page["cells"]) == set(grid["cells"])
    assert all(len(c["lines"]) == 3 for c in page["cells"].values())


def test_static_html_refuses_a_setting_outside_the_grid(grid):
    with pytest.raises(ValueError, match="sigma must be one of"):
        static_explorer_html(grid, "en", sigma=1.2)
    with pytest.raises(ValueError, match="grid lacks 1 cell"):
        broken = dict(grid, cells=dict(grid["cells"]))
        broken["cells"].pop(grid_tool.cell_key("mle", 0.5, 100))
        static_explorer_html(broken, "en")


def test_plot_explorer_writes_the_numbers_on_the_figure(result):
    ax = ex.plot_explorer(result, "en")
    texts = " ".join(t.get_text() for t in ax.texts)
    assert f"{result.coverage:.2f}" in texts and "n = 300" in texts
    assert "σ = 1.5" in ax.get_title()


def test_the_static_explorers_script_is_valid_javascript():
    """``node --check`` parses the script the page inlines (skipped without node)."""
    import shutil

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    run = subprocess.run([node, "--check", str(JS_FILE)], capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr


def test_the_site_fills_each_placeholder_in_the_pages_language(tmp_path):
    small = grid_tool.explorer_grid(models=("mle",), sigmas=(0.5, 1.5),
                                    epochs=(100, 1000), n=300)
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(small), encoding="utf-8")
    body = "<p>before</p><div data-vi-explorer-slot>\n<p><em>x</em></p>\n</div>"
    filled = fill_slots(body, "ko", path)
    assert filled.startswith("<p>before</p>") and "data-vi-explorer-slot" not in filled
    assert 'id="vi-explorer-ko"' in filled and LABELS["ko"]["sigma_slider"] in filled
    assert fill_slots("<p>no slot</p>", "en", path) == "<p>no slot</p>"
