"""The benchmarks and the Performance page they generate (no timing is asserted).

The fast tests render the page's tables and figures from
``tests/fixtures/bench_quick.json``, the JSON of a real ``benchmarks/run.py --quick``
run, and check the benchmarks' own code (the block-wise band, merging a re-measured
section). The slow ones run ``--quick`` again on tiny sizes: every measurement
runs, writes the JSON the page needs, and that JSON has the shape of the fixture.
The committed page parts must be what ``benchmarks/report.py`` makes of the
committed JSON, so the tables always show what the last ``make bench`` wrote; the
page's sentences are held to the same JSON by ``tests/test_performance_page.py``.
"""

from __future__ import annotations

import copy
import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

import vi_helpers as vh
from benchmarks import band, common, figures, report, run, whole_book

ROOT = Path(__file__).resolve().parents[1]

COMMITTED = ROOT / "benchmarks" / "results" / "bench.json"
FIXTURE = ROOT / "tests" / "fixtures" / "bench_quick.json"
REGENERATE = ("python -m benchmarks.run --quick --no-book --device cpu --threads 1 "
              "--no-page --out tests/fixtures/bench_quick.json")
SUMMARY_KEYS = {"median", "min", "max", "q1", "q3", "n", "samples"}


@pytest.fixture
def res():
    """The JSON of a quick run (a fresh copy for each test)."""
    return json.loads(FIXTURE.read_text())


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """One ``run.py --quick`` into a temporary folder: (result, folder).

    On one thread: tiny networks gain nothing from two, and on a busy machine
    threads waiting for each other make the run many times slower.
    """
    tmp = tmp_path_factory.mktemp("bench")
    threads = torch.get_num_threads()
    try:
        result = run.main(["--quick", "--no-book", "--device", "cpu", "--threads", "1",
                           "--out", str(tmp / "bench.json"), "--page-root", str(tmp)])
    finally:
        torch.set_num_threads(threads)
    return result, tmp


def _check_summary(s):
    assert SUMMARY_KEYS <= set(s)
    assert s["min"] <= s["median"] <= s["max"]
    assert len(s["samples"]) == s["n"]


def _check_fields(res):
    for key in ("date", "cpu", "cores", "torch", "torch_threads", "device"):
        assert res["machine"][key] not in (None, ""), key
    for kind in ("mle", "variational"):
        tr = res["training"][kind]
        for key in ("source_s", "fit_s", "ratio", "source_ms_per_epoch",
                    "fit_ms_per_epoch"):
            _check_summary(tr[key])
        assert len(tr["final"]) == tr["repeats"]
    th = res["threads"]
    assert th["threads"][0] == 1 and th["threads"][1] > 1
    for c in th["cases"].values():
        for key in ("one_s", "default_s", "ratio", "one_cpu_s", "default_cpu_s"):
            _check_summary(c[key])
    b = res["band"]
    for name in band.METHODS:
        _check_summary(b["seconds"][name])
        if name != "closed_form":
            assert b["differences"][f"{name}_vs_closed_form"]["max_in_se"] >= 0
        if name != "source":
            _check_summary(b["speedup"][name])
    g = res["good_fit"]
    assert next(iter(g["settings"])) == "source"
    assert g["target"] == pytest.approx(1.01 * g["floor"])
    for s in g["settings"].values():
        assert 0 <= s["reached"] <= len(s["runs"])
    assert g["explorer"]["choice_lr"] > 0
    pg = res["playground"]
    assert len(pg["speed"]["browser"]) == len(pg["speed"]["torch"]) == pg["repeats"]
    assert pg["speed"]["ratio"] > 0
    assert len(pg["first_picture"]["frame_ms"]) == 20
    assert all(p.startswith("mle|") for p in pg["first_picture"]["previews"])
    for c in [*pg["calibrated"], pg["source"]]:
        assert 0 <= c["coverage"] <= 1 and c["width"] > 0 and c["seconds"] > 0
    if not res["quick"]:  # the full run compares TensorFlow.js, served and from disk
        runs = pg["tfjs"]["runs"]
        assert {(r["backend"], r["where"]) for r in runs} == {
            (b, w) for b in ("cpu", "wasm") for w in ("http", "file")}


def _shape(value):
    """The nested keys of a JSON value (lists by their first element)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        return [_shape(value[0])]
    return type(value).__name__ if value is not None else "null"


# ---------------------------------------------------------------- slow: a real run


@pytest.mark.slow
def test_quick_run_writes_the_fields_the_page_needs(quick):
    res, tmp = quick
    on_disk = json.loads((tmp / "bench.json").read_text())
    assert on_disk["quick"] is True
    _check_fields(on_disk)
    assert on_disk["training"] == json.loads(json.dumps(res["training"]))
    for lang in report.LANGS:
        md = (tmp / "book" / lang / "_bench_table.md").read_text()
        for section in report.SECTIONS:
            assert f"<!-- {section} -->" in md and f"<!-- /{section} -->" in md
        for name in figures.FIGURES:
            assert figures.figure_path(tmp, name, lang).stat().st_size > 1000


@pytest.mark.slow
def test_the_fixture_has_the_shape_of_a_fresh_run(quick):
    fresh = json.loads((quick[1] / "bench.json").read_text())
    assert _shape(fresh) == _shape(json.loads(FIXTURE.read_text())), (
        f"tests/fixtures/bench_quick.json is out of date: run `{REGENERATE}`")


@pytest.mark.slow
def test_fit_and_the_sources_loop_agree_on_the_mle(quick):
    a = quick[0]["training"]["mle"]["agreement"]
    assert a["max_rel_train"] < 1e-5
    assert a["max_rel_val"] < 1e-5
    assert a["max_param_diff"] == 0.0  # the same Adam arithmetic, to the last bit


@pytest.mark.slow
def test_on_one_eps_stream_the_variational_losses_agree(quick):
    s = quick[0]["training"]["variational_same_stream"]
    assert s["max_rel_train"] < 1e-5
    assert s["max_param_diff"] == 0.0
    assert s["rel_val"] < 1e-5


# ---------------------------------------------------------------- fast: the code


def test_the_fixture_has_every_field_the_page_needs(res):
    _check_fields(res)
    mle = vh.RECIPES["mle"]
    assert res["good_fit"]["explorer"]["explorer_lr"] == (mle.explorer_lr or mle.lr)


def _small_model():
    torch.manual_seed(0)
    return vh.VariationalRegressor().eval(), torch.linspace(-3, 3, 400).view(-1, 1)


def test_the_block_wise_band_is_the_same_on_any_number_of_threads(monkeypatch):
    model, x = _small_model()
    one = band.blocks_band(model, x, num_samples=500,
                           generator=torch.Generator().manual_seed(1))
    monkeypatch.setattr(band, "THREADED_MIN", 0)  # now it runs on a thread pool
    monkeypatch.setattr(torch, "get_num_threads", lambda: 4)
    assert band.block_threads(len(x), 500) == 4
    many = band.blocks_band(model, x, num_samples=500,
                            generator=torch.Generator().manual_seed(1))
    np.testing.assert_array_equal(one, many)
    other = band.blocks_band(model, x, num_samples=500,
                             generator=torch.Generator().manual_seed(2))
    assert not np.array_equal(one, other)


def test_the_block_wise_band_draws_from_the_predictive_normal():
    model, x = _small_model()
    s = 4000
    got = band.blocks_band(model, x, num_samples=s,
                           generator=torch.Generator().manual_seed(3))
    exact = vh.predictive_quantiles(model, x, band.QUANTILES,
                                    method="closed_form").numpy()
    assert got.shape == exact.shape == (3, len(x))
    sigma = vh.predictive_normal(model, x)[1].view(-1).numpy()
    z = np.abs(got - exact) / band.mc_standard_error(sigma, s)
    assert z.max() < 6  # Monte-Carlo error only (1,200 values: typically ~3.3)
    assert np.median(z) < 1.5


def test_merge_replaces_only_the_new_sections(res):
    later = copy.deepcopy(res)
    later["band"]["n"] = -1
    later["training"]["mle"]["epochs"] = -1
    later["section_seconds"] = {"band": 1.0}
    later["section_load"] = {"band": [[0.1, 0.1, 0.1], [0.2, 0.2, 0.2]]}
    later["machine"].update(date="2099-01-01T00:00:00+00:00", torch_threads=7,
                            load_average_start=[9.5, 1, 1],
                            load_average_end=[9.0, 1, 1])
    later["command"] = "benchmarks/run.py --only band --merge"
    merged = run.merge(res, later)
    assert merged["band"]["n"] == -1
    assert merged["training"] == res["training"]  # not measured again
    assert merged["machine"] == res["machine"]
    assert merged["merged"][-1]["sections"] == ["band"]
    runs = report.page_parts(merged, "en").split("<!-- /machine -->")[0]
    assert ("| `band` | 2099-01-01 00:00 | `benchmarks/run.py --only band --merge` "
            "| `") in runs
    assert "| 7 | 9.5 → 9.0 |" in runs  # its threads and its load, not the first's
    first = runs.split("| `band` |")[0].splitlines()[-1]
    assert "`training`" in first and "`band`" not in first
    assert "| 부분 (`--only`) |" in report.page_parts(merged, "ko")
    with pytest.raises(SystemExit, match="quick"):
        run.merge(res, {**later, "quick": not res["quick"]})


# ---------------------------------------------------------------- fast: the page


def test_the_page_shows_the_numbers_of_its_json(res):
    res["training"]["variational"]["ratio"].update(median=1.2345, min=1.1, max=1.4)
    res["band"]["seconds"]["source"].update(median=12.5, min=12.0, max=13.0)
    res["band"]["speedup"]["vectorised"].update(median=8.0, min=7.5, max=9.0)
    res["band"]["speedup"]["vectorised_blocks"].update(median=20.0, min=15.0,
                                                       max=25.0)
    res["band"]["speedup"]["closed_form"].update(median=1234.0, min=1000.0,
                                                 max=1300.0)
    en = report.page_parts(res, "en")
    assert "1.23× (1.10×–1.40×)" in en
    assert "| `source` | 12.5 s (12.0 s–13.0 s) | — |" in en
    assert "| `vectorised` | " in en and "| 8.00× (7.50×–9.00×) |" in en
    assert "| `vectorised_blocks` | " in en and "| 20.0× (15.0×–25.0×) |" in en
    assert "| 1,234× (1,000×–1,300×) |" in en
    ko = report.page_parts(res, "ko")
    assert "1.23× (1.10×–1.40×)" in ko and "8.00×" in ko
    assert res["machine"]["cpu"] in en and res["machine"]["cpu"] in ko
    assert "`benchmarks/run.py --quick" in en and "`benchmarks/run.py --quick" in ko


def test_no_internal_targets_reach_the_page(res):
    """The issues' speed targets are for developers: no target column, no verdict."""
    res["whole_book"] = {"nbval": {lang: {"skipped": "-"} for lang in report.LANGS},
                         "make_book": {"skipped": "-"},
                         "explorer": {"seconds": 1.0, "results": {
                             "final_figure_s": res["band"]["seconds"]["source"],
                             "targets_s": {"final_figure": 3.0}}}}
    for lang in report.LANGS:
        md = report.page_parts(res, lang)
        for word in (r"target \|", r"목표 \|", r"\bmet\b", r"\bmissed\b", "달성",
                     "미달", "≥", "≤"):
            assert not re.search(word, md), (lang, word)


def test_the_threads_table_reports_the_ratio_and_the_load(res):
    case = res["threads"]["cases"]["source"]
    case["ratio"].update(median=1.8, min=1.5, max=2.5)
    case["n"] = 10_000
    case["load_average_start"], case["load_average_end"] = [3.5, 2, 1], [4.25, 2, 1]
    en = report.page_parts(res, "en").split("<!-- threads -->")[1]
    assert "| 10,000 | 0 | " in en
    assert "| 1.80× (1.50×–2.50×) |" in en and "| 3.5 → 4.25 |" in en
    ko = report.page_parts(res, "ko").split("<!-- threads -->")[1]
    assert "| 스레드 1개 |" in ko
    res.pop("threads")
    assert "Not measured in this run." in report.page_parts(res, "en")


def test_the_busy_case_runs_beside_busy_processes_and_the_page_says_so(res):
    cases = res["threads"]["cases"]
    busy = cases["explorer_busy"]
    assert busy["busy_processes"] == max(1, res["threads"]["usable_cores"] - 1)
    assert busy["n"] == cases["explorer"]["n"] and busy["epochs"] == cases["explorer"]["epochs"]
    # the load the busy processes make is not the machine's
    th = res["threads"]
    assert th["machine_load"] == [cases["source"]["load_average_start"],
                                  cases["explorer"]["load_average_end"]]
    assert res["section_load"]["threads"] == th["machine_load"]
    busy["ratio"]["median"] = 4.0
    en = report.page_parts(res, "en").split("<!-- threads -->")[1]
    row = en.split("<!-- /threads -->")[0].strip().splitlines()[-1]  # the last row
    assert row.startswith(f"| {busy['n']:,} | 1 | {busy['repeats']} |")
    assert "| 4.00×" in row
    labels = [bar[0] for bar in figures.bars(res, "threads", report.labels("en"))]
    assert labels[-1].endswith(", beside 1 busy process(es)")


def test_busy_cores_start_and_stop_their_processes():
    from benchmarks import threads
    with threads.busy_cores(2) as procs:
        assert len(procs) == 2 and all(proc.poll() is None for proc in procs)
    assert all(proc.returncode is not None for proc in procs)
    with pytest.raises(ZeroDivisionError), threads.busy_cores(1) as procs:
        1 / 0  # noqa: B018
    assert procs[0].returncode is not None  # killed on an error too


def test_a_gpu_table_appears_only_with_a_gpu_json(res):
    assert "<!-- gpu -->\n\n<!-- /gpu -->" in report.page_parts(res, "en")
    gpu = copy.deepcopy(res)
    gpu["machine"].update(device="cuda", gpu="Some GPU")
    with_gpu = report.page_parts(res, "en", gpu=gpu)
    gpu_part = with_gpu.split("<!-- gpu -->")[1]
    assert "Some GPU" in gpu_part and "| model |" in gpu_part


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("lang", report.LANGS)
def test_the_figures_are_legible_at_page_width(res, tmp_path, lang):
    """Sharp on a double-density screen and tick labels >= 12 CSS px, at the
    page's width (the book's text column is about 750 CSS px wide)."""
    page_px = 750
    for name in figures.FIGURES:
        path = figures.figure_path(tmp_path, name, lang)
        figures.figure(res, name, report.labels(lang), lang, path)
        width, height = _png_size(path)
        assert width == round(figures.FIG_WIDTH * figures.FIG_DPI)
        assert width >= 2 * page_px
        points = min(figures.FONT["xtick.labelsize"], figures.FONT["ytick.labelsize"])
        assert points / 72 * page_px / figures.FIG_WIDTH >= 12
        assert height < width  # no figure taller than it is wide


@pytest.mark.parametrize("lang", report.LANGS)
def test_playground_table(res, lang):
    """The playground's rows: the ratio, the calibrated runs, TF.js where measured."""
    pg = res["playground"]
    pg["tfjs"] = {"version": "4.22.0", "runs": [
        {"backend": "cpu", "where": "http", "epochs": 60, "seconds": 10.0,
         "epochs_per_s": 6.0},
        {"backend": "wasm", "where": "file", "error": "setBackend returned false"}]}
    pg["bytes"].update(tfjs_js=1_469_843, tfjs_wasm_backend=574_455)
    md = report.page_parts(res, lang).split("<!-- playground -->")[1]
    md = md.split("<!-- /playground -->")[0]
    assert common.fmt_ratio(pg["speed"]["ratio"]) in md
    assert f"{pg['calibrated'][0]['coverage']:.3f}" in md
    assert "| 6.0 |" in md and "setBackend returned false" in md
    own = pg["bytes"]["playground_js"]  # the fixture's, measured by its run
    assert 10_000 < own < 1_000_000
    assert "1.47 MB" in md and f"{own / 1e3:.0f} kB" in md
    del res["playground"]
    assert report.labels(lang)("not_run") in report.page_parts(res, lang)


def test_formatting():
    assert common.fmt_time(0.000123) == "0.12 ms"
    assert common.fmt_time(0.0456) == "45.6 ms"
    assert common.fmt_time(3.21) == "3.21 s"
    assert common.fmt_time(250.4) == "250 s"
    assert common.fmt_ratio(1.234) == "1.23×"
    assert common.fmt_ratio(1234.0) == "1,234×"
    s = {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert common.spread(s) == "2.00 s (1.00 s–3.00 s)"
    assert common.spread({**s, "n": 1}) == "2.00 s"
    assert common.spread(None) == "—"


def test_nbval_times_are_grouped_by_notebook(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="notebooks.en.01-data.ipynb" name="Cell 0" time="1.5"/>'
        '<testcase classname="notebooks.en.01-data.ipynb" name="Cell 1" time="0.5"/>'
        '<testcase classname="notebooks.en.02-mle.ipynb" name="Cell 0" time="3"/>'
        '</testsuite></testsuites>')
    assert whole_book.per_notebook(junit) == {"01-data": 2.0, "02-mle": 3.0}


def test_the_book_part_renders_what_it_measured(res):
    s = {"median": 60.0, "min": 55.0, "max": 70.0, "q1": 58.0, "q3": 65.0, "n": 3,
         "samples": [55.0, 60.0, 70.0]}
    res["whole_book"] = {
        "nbval": {"en": {"notebooks": 2, "seconds": s, "failed_runs": 0,
                         "per_notebook": {"01-data": s}},
                  "ko": {"skipped": "no notebooks in notebooks/ko"},
                  "total_s": s},
        "make_book": {"seconds": s, "failed_runs": 1},
        "explorer": {"seconds": 9.0, "results": {
            "final_figure_s": s, "new_thing_s": s,
            "setting": {"epochs": 1000, "from_sigma": 1.4, "sigma": 1.5, "n": 2000,
                        "model": "source"},
            "targets_s": {"final_figure": 3.0}}},
    }
    md = report.whole_book_md(res, report.labels("en"))
    assert "| nbval, `notebooks/en` (2) | 60.0 s (55.0 s–70.0 s) |" in md
    assert "| `make book` (1 run(s) failed) | 60.0 s (" in md
    assert "| explorer: final figure, a new setting | 60.0 s (55.0 s–70.0 s) |" in md
    assert "| explorer: new_thing | 60.0 s" in md
    assert "| not measured: no notebooks in notebooks/ko |" in md
    assert "| `01-data` | 60.0 s (55.0 s–70.0 s) | — |" in md


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed benchmark results")
def test_the_committed_page_is_what_the_committed_json_makes():
    res = json.loads(COMMITTED.read_text())
    gpu_json = COMMITTED.parent / "bench_cuda.json"
    gpu = json.loads(gpu_json.read_text()) if gpu_json.exists() else None
    for lang in report.LANGS:
        committed = (ROOT / "book" / lang / "_bench_table.md").read_text()
        assert committed == report.page_parts(res, lang, gpu), (
            f"book/{lang}/_bench_table.md is stale: run `python -m benchmarks.report`")
        for name in figures.FIGURES:
            assert figures.figure_path(ROOT, name, lang).exists()


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed benchmark results")
def test_the_committed_results_are_a_full_run_of_every_section():
    res = json.loads(COMMITTED.read_text())
    assert res["quick"] is False
    _check_fields(res)


@pytest.mark.parametrize("lang", report.LANGS)
def test_the_page_includes_every_generated_section(lang):
    page = (ROOT / "book" / lang / "performance.md").read_text()
    included = re.findall(r":start-after: <!-- (\w+) -->", page)
    assert included == list(report.SECTIONS)
    shown = re.findall(r"\.\./_static/bench_(\w+)_" + lang + r"\.png", page)
    assert shown == list(figures.FIGURES)
