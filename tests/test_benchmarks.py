"""The benchmarks and the Performance page they generate (no timing is asserted).

A ``--quick`` run on tiny sizes checks that every measurement runs, writes the JSON
the page needs, and that the page generator shows that JSON's numbers. The
committed page parts must be what ``benchmarks/report.py`` makes of the committed
JSON, so the page always shows what the last ``make bench`` wrote.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import report, run, whole_book  # noqa: E402

COMMITTED = ROOT / "benchmarks" / "results" / "bench.json"
SUMMARY_KEYS = {"median", "min", "max", "q1", "q3", "n", "samples"}


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
    b = res["band"]
    for name in ("source", "vectorised", "closed_form"):
        _check_summary(b["seconds"][name])
    for name in ("vectorised", "closed_form"):
        _check_summary(b["speedup"][name])
    assert b["differences"]["source_vs_closed_form"]["max_in_se"] >= 0
    g = res["good_fit"]
    assert next(iter(g["settings"])) == "source"
    assert g["target"] == pytest.approx(1.01 * g["floor"])
    for s in g["settings"].values():
        assert 0 <= s["reached"] <= len(s["runs"])


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
        assert (tmp / "book" / "_static" / f"bench_{lang}.png").stat().st_size > 1000


def test_fit_and_the_sources_loop_agree_on_the_mle(quick):
    a = quick[0]["training"]["mle"]["agreement"]
    assert a["max_rel_train"] < 1e-5
    assert a["max_rel_val"] < 1e-5
    assert a["max_param_diff"] == 0.0  # the same Adam arithmetic, to the last bit


def test_on_one_eps_stream_the_variational_losses_agree(quick):
    s = quick[0]["training"]["variational_same_stream"]
    assert s["max_rel_train"] < 1e-5
    assert s["max_param_diff"] == 0.0
    assert s["rel_val"] < 1e-5


def test_the_page_shows_the_numbers_of_its_json(quick):
    res = copy.deepcopy(quick[0])
    res["training"]["variational"]["ratio"].update(median=1.2345, min=1.1, max=1.4)
    res["band"]["seconds"]["source"].update(median=12.5, min=12.0, max=13.0)
    res["band"]["speedup"]["vectorised"].update(median=20.0, min=15.0, max=25.0)
    res["band"]["speedup"]["closed_form"].update(median=80.0, min=70.0, max=90.0)
    en = report.page_parts(res, "en")
    assert "1.23× (1.10×–1.40×)" in en
    assert "12.5 s (12.0 s–13.0 s)" in en
    assert "≥ 1.25×: missed" in en
    assert "20.0× (15.0×–25.0×) | ≥ 10×: met" in en
    assert "≥ 100×: missed" in en
    ko = report.page_parts(res, "ko")
    assert "1.23× (1.10×–1.40×)" in ko and "미달" in ko
    assert res["machine"]["cpu"] in en and res["machine"]["cpu"] in ko
    assert "quick" in en and "--quick" in ko


def test_a_gpu_table_appears_only_with_a_gpu_json(quick):
    res = quick[0]
    assert "bench_cuda.json" in report.page_parts(res, "en")
    gpu = copy.deepcopy(res)
    gpu["machine"].update(device="cuda", gpu="Some GPU")
    with_gpu = report.page_parts(res, "en", gpu=gpu)
    gpu_part = with_gpu.split("<!-- gpu -->")[1]
    assert "Some GPU" in gpu_part and "| model |" in gpu_part


def test_formatting():
    assert report.fmt_time(0.000123) == "0.12 ms"
    assert report.fmt_time(0.0456) == "45.6 ms"
    assert report.fmt_time(3.21) == "3.21 s"
    assert report.fmt_time(250.4) == "250 s"
    assert report.fmt_ratio(1.234) == "1.23×"
    assert report.fmt_ratio(1234.0) == "1,234×"
    s = {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert report.spread(s) == "2.00 s (1.00 s–3.00 s)"
    assert report.spread({**s, "n": 1}) == "2.00 s"


def test_nbval_times_are_grouped_by_notebook(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="notebooks.en.01-data.ipynb" name="Cell 0" time="1.5"/>'
        '<testcase classname="notebooks.en.01-data.ipynb" name="Cell 1" time="0.5"/>'
        '<testcase classname="notebooks.en.02-mle.ipynb" name="Cell 0" time="3"/>'
        '</testsuite></testsuites>')
    assert whole_book._per_notebook(junit) == {"01-data": 2.0, "02-mle": 3.0}


def test_the_book_part_renders_what_it_measured(quick):
    res = copy.deepcopy(quick[0])
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
                        "model": "source_vi"},
            "targets_s": {"final_figure": 3.0}}},
    }
    md = report.whole_book_md(res, report.T["en"])
    assert "nbval, notebooks/en (2 notebooks) | 60.0 s (55.0 s–70.0 s)" in md
    assert "(1 run(s) failed)" in md
    assert "explorer: final figure, a new setting | 60.0 s (55.0 s–70.0 s) | " \
        "≤ 3.00 s: missed" in md
    assert "explorer: new_thing" in md
    assert "σ from 1.4 to 1.5: 1,000 epochs of `source_vi` on 2,000 points" in md
    assert "no notebooks in notebooks/ko" in md
    assert "`01-data`" in md


@pytest.mark.skipif(not COMMITTED.exists(), reason="no committed benchmark results")
def test_the_committed_page_is_what_the_committed_json_makes(tmp_path):
    res = json.loads(COMMITTED.read_text())
    _check_fields(res)
    gpu_json = COMMITTED.parent / "bench_cuda.json"
    gpu = json.loads(gpu_json.read_text()) if gpu_json.exists() else None
    for lang in report.LANGS:
        committed = (ROOT / "book" / lang / "_bench_table.md").read_text()
        assert committed == report.page_parts(res, lang, gpu), (
            f"book/{lang}/_bench_table.md is stale: run `python benchmarks/report.py`")
        assert (ROOT / "book" / "_static" / f"bench_{lang}.png").exists()


@pytest.mark.parametrize("lang", report.LANGS)
def test_the_page_includes_every_generated_section(lang):
    page = (ROOT / "book" / lang / "performance.md").read_text()
    included = re.findall(r":start-after: <!-- (\w+) -->", page)
    assert included == list(report.SECTIONS)
    assert f"../_static/bench_{lang}.png" in page
    # the page's own text quotes no measured time: those come from the include
    assert not re.search(r"\d\s?(ms|s)\b|\d×", page)
