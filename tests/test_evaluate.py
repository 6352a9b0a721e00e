"""`python -m tools.evaluate`: one pipeline, two tables (chapter 5's and chapter 7's).

Its arguments, the methods and their measured cost, a quick run of each table, and
the committed tables: each a full run whose every number recomputes from its stored
per-point predictions, and whose seed 0 retrains at HEAD to what it stores.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

import vi_helpers as vh
from tests.shared_training import table_data, table_model
from tools import evaluate as ev
from tools import scoring
from vi_helpers.baselines import DeepEnsemble, DropoutRegressor, LastLayerLaplace
from vi_helpers.data import REGIONS
from vi_helpers.recipes import RECIPES, RECOMMENDED

ROOT = Path(__file__).resolve().parents[1]
Z90 = 1.6448536269514722
TABLES = ("evaluation", "roads")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["cubic"], "argument table: invalid choice: 'cubic'"),
        (["evaluation", "--seeds", "0"], "--seeds: must be a positive integer, got '0'"),
        (["roads", "--seeds", "two"], "--seeds: must be a positive integer, got 'two'"),
        (["evaluation", "--methods", "source,gp"],
         "--methods: must be a comma-separated list of source, mle"),
        (["roads", "--methods", "h_mle,mle"],
         "--methods: must be a comma-separated list of h_mle"),
        (["roads", "--out", "/no/such/folder/roads.json"],
         "--out: folder /no/such/folder does not exist"),
        (["roads", "--restore", "--quick"], "--restore: takes no --quick"),
    ],
)
def test_bad_arguments_exit_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        ev.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_values_name_the_argument():
    data = vh.make_hetero_dataset(n=200, n_beyond=20)
    with pytest.raises(ValueError, match="table must be one of .*got 'cubic'"):
        ev.evaluate("cubic")
    with pytest.raises(ValueError, match="key must be a recipe or one of .*got 'gp'"):
        ev.train_method("gp", data, 0)
    with pytest.raises(ValueError, match="seeds must be a positive integer, got 0"):
        ev.evaluate("roads", seeds=0)
    with pytest.raises(ValueError, match="methods must be among .*got 'gp'"):
        ev.evaluate("evaluation", seeds=1, methods=("gp",))
    with pytest.raises(ValueError, match="region must be one of .*got 'train'"):
        ev.markdown_table({"table": "roads", "settings": {"regions": list(REGIONS)},
                           "summary": {}}, "train")


def test_methods_are_recipes_or_a_recipe_plus_calibration():
    for table in ev.TABLES.values():
        for key in table.methods:
            assert (key in RECIPES) != (key in ev.CONFORMAL)
            assert set(table.names["en"]) == set(table.names["ko"]) == {
                "oracle", *table.methods}
    assert set(ev.CONFORMAL.values()) <= set(RECIPES)
    for key, base in ev.REUSES.items():  # so a table may reuse the trained network
        a, b = RECIPES[key], RECIPES[base]
        assert (a.build, a.epochs, a.lr) == (b.build, b.epochs, b.lr)
    assert ev.TABLES["evaluation"].methods == vh.explorer.MODELS


@pytest.mark.parametrize(
    "key, make, passes",
    [
        ("h_beta_nll", lambda d: vh.HeteroscedasticRegressor.for_targets(d.y_train), 1),
        ("h_bbb", lambda d: vh.BayesianRegressor(), ev.NUM_SAMPLES["h_bbb"]),
        ("h_dropout", lambda d: DropoutRegressor.for_targets(d.y_train, p=0.05), 100),
        ("h_ensemble", lambda d: DeepEnsemble.for_targets(d.y_train, 5), 5),
        ("h_laplace", lambda d: LastLayerLaplace(
            vh.HeteroscedasticRegressor.for_targets(d.y_train), d.x_train, d.y_train,
            prior_precision=1.0), 1.5),
    ],
)
def test_forward_passes_are_counted(key, make, passes):
    """One network evaluation per point is 1 pass; Laplace runs the mean head
    for φ(x) and the whole network for σ(x): 1.5 two-headed passes."""
    data = vh.make_hetero_dataset(n=200, n_beyond=20)
    model = make(data)
    predictor = ev.Predictor(ev.gaussian_predictor(model, key), model, 0.0)
    counted, seconds = ev.forward_passes(predictor, data.x[:50], 0)
    assert counted == passes and seconds > 0
    # a method stores its per-point scores exactly when its predictive is a mixture
    mus, _ = model.components(data.x[:5], ev.NUM_SAMPLES.get(key, 2),
                              torch.Generator().manual_seed(0))
    assert (mus.shape[0] > 1) == (key in ev.MIXTURES)


def test_a_compact_table_stores_what_does_not_recompute():
    """Chapter 7's table keeps mean and std and rebuilds a Normal's interval ends
    (mean ∓ z·std) and, but for a mixture, its per-point scores; chapter 5's keeps
    every array. Both round to their decimals; a conformal band keeps its ends."""
    roads, evaluation = ev.TABLES["roads"], ev.TABLES["evaluation"]
    band = {"mean": np.array([1.23456, -2.0]), "std": np.array([0.5, 0.25]),
            "lower": np.array([0.4121, -2.4112]), "upper": np.array([2.0570, -1.5888]),
            "nll_point": np.array([0.1, 0.2]), "crps_point": np.array([0.3, 0.4]),
            "aleatoric_std": np.array([0.4, 0.2])}
    assert ev.store_band(roads, "h_beta_nll", band) == {
        "mean": [1.235, -2.0], "std": [0.5, 0.25], "aleatoric_std": [0.4, 0.2]}
    assert list(ev.store_band(roads, "h_ensemble", band)) == [
        "mean", "std", "nll_point", "crps_point", "aleatoric_std"]
    assert ev.store_band(evaluation, "mle", band)["mean"] == [1.2346, -2.0]
    assert list(ev.store_band(evaluation, "mle", band)) == list(band)
    conformal = {"mean": band["mean"], "std": None, "lower": band["lower"],
                 "upper": band["upper"]}
    assert ev.store_band(roads, "h_conformal", conformal) == {
        "mean": [1.235, -2.0], "std": None, "lower": [0.412, -2.411],
        "upper": [2.057, -1.589]}
    rebuilt = ev.prediction(ev.store_band(roads, "h_beta_nll", band))
    np.testing.assert_allclose(rebuilt["upper"], [1.235 + Z90 * 0.5, -2 + Z90 * 0.25],
                               rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="stored must hold lower and upper"):
        ev.prediction({"mean": [1.0], "std": None})


def test_scores_of_a_known_interval():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = vh.true_function(x) + np.array([0.0, 0.5, -2.0, 0.0])
    mean = vh.true_function(x)
    lower, upper = mean - 1, mean + 1
    s = ev.region_scores(x, y, mean, None, lower, upper)
    assert s["coverage_90"] == 0.75 and s["width_90"] == 2.0
    assert s["interval_score"] == pytest.approx(2 + 2 / 0.1 * 1.0 / 4)
    assert s["nll"] is None and s["crps"] is None and s["rmse_f"] == 0.0
    assert s["coverage_50"] is None and s["coverage_95"] is None
    # with a density: the Gaussian scores of the package
    std = np.full(4, 1 / Z90)
    g = ev.region_scores(x, y, mean, std, mean - Z90 * std, mean + Z90 * std)
    want = vh.metrics.gaussian_scores(y, mean, std, y_true=mean)
    for metric in ("coverage_50", "coverage_95", "nll", "crps", "rmse_f"):
        assert g[metric] == pytest.approx(want[metric], abs=1e-12), metric
    assert g["width_90"] == pytest.approx(want["width_90"])


def _assert_recomputes(result):
    """Every run recomputes from the stored predictions; the summary and the
    Markdown tables are what their code makes of the runs."""
    stored = {(r["seed"], r["method"], r["region"]): r for r in result["runs"]}
    recomputed = ev.recompute(result)
    assert len(recomputed) == len(stored)
    for run in recomputed:
        for key, value in run.items():
            want = stored[run["seed"], run["method"], run["region"]][key]
            if isinstance(value, list):
                assert value == pytest.approx(want, abs=1e-12, nan_ok=True)
            else:
                assert value == pytest.approx(want, abs=1e-9)
    regions = result["settings"]["regions"]
    assert ev.summarise(result["runs"], list(result["summary"]), regions) == \
        result["summary"]
    for lang in ("en", "ko"):
        for region in regions:
            assert result["table_markdown"][lang][region] == ev.markdown_table(
                result, region, lang)


def test_quick_runs_write_json_that_recomputes(tmp_path, capsys):
    out = tmp_path / "roads.json"
    assert ev.main(["roads", "--quick", "--methods", "h_mle,h_dropout,h_conformal",
                    "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    result = json.loads(text)
    assert result["settings"]["quick"] and result["settings"]["seeds"] == [0]
    assert list(result["summary"]) == ["oracle", "h_mle", "h_dropout", "h_conformal"]
    _assert_recomputes(result)
    # the writer's layout: what restore makes of it is the file, byte for byte
    scoring.write_json(ev.restore(result), tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == text
    inside = result["held_out"]["0"]["methods"]
    assert set(inside["h_mle"]["inside"]) == {"mean", "std"}
    assert set(inside["h_dropout"]["inside"]) == {"mean", "std", "nll_point",
                                                   "crps_point", "aleatoric_std"}
    conformal = result["held_out"]["0"]["methods"]["h_conformal"]["inside"]
    assert conformal["std"] is None
    widths = np.subtract(conformal["upper"], conformal["lower"])
    assert np.ptp(widths) <= 1.001e-3  # split conformal: one width (3 decimals)

    out = tmp_path / "evaluation.json"
    assert ev.main(["evaluation", "--quick", "--methods", "source,mle",
                    "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| model |" in printed and str(out) in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["methods"]["source"]["epochs"] == 100
    assert result["settings"]["regions"] == ["inside"]
    assert len(result["held_out"]["0"]["x"]["inside"]) == 2000
    assert set(result["grid"]["seeds"]["0"]) == {"source", "mle"}
    assert len(result["grid"]["seeds"]["0"]["mle"]["std"]) == scoring.GRID[2]
    _assert_recomputes(result)


# ------------------------------------------------ the committed 5-seed tables


@pytest.fixture(scope="module", params=TABLES)
def committed(request):
    table = ev.TABLES[request.param]
    return table, json.loads(table.out.read_text(encoding="utf-8"))


def test_committed_table_is_a_full_run_and_recomputes(committed):
    table, result = committed
    assert result["table"] == table.name
    assert not result["settings"]["quick"]
    assert result["settings"]["seeds"] == list(range(table.seeds))
    assert table.seeds >= (20 if table.name == "roads" else 5)
    assert result["settings"]["scores"] == ev.scores(table)
    assert list(result["summary"]) == ["oracle", *table.methods]
    for key in table.methods:
        recipe = RECIPES[ev.CONFORMAL.get(key, key)]
        assert result["methods"][key]["epochs"] == recipe.epochs
        assert result["methods"][key]["lr"] == recipe.lr
    _assert_recomputes(result)


def test_committed_table_is_stored_as_the_writer_stores_it(committed):
    """Every stored prediction is what :func:`ev.store_band` makes of it (rounded,
    and in chapter 7's compact table without what recomputes), so that
    ``make roads`` and ``--restore`` write this layout and no other."""
    table, result = committed
    assert result["settings"]["decimals"] == table.decimals
    for per_seed in result["held_out"].values():
        for y in per_seed["y"].values():
            assert y == scoring.rounded(y, table.decimals).tolist()
        for key, per_region in per_seed["methods"].items():
            for stored in per_region.values():
                assert ev.store_band(table, key, ev.prediction(stored)) == stored
    for per_seed in result["grid"]["seeds"].values():
        for key, entry in per_seed.items():
            assert ev.store_band(table, key, ev.prediction(entry),
                                 scoring.DECIMALS) == entry


def test_restore_rewrites_an_older_layout(tmp_path, monkeypatch, capsys):
    """``--restore`` trains nothing: it stores a table's predictions again the way a
    run stores them now and recomputes every figure. Seed 0 of the committed table
    written the older way (every array, 4 decimals) comes back as committed."""
    table = ev.TABLES["roads"]
    committed = json.loads(table.out.read_text(encoding="utf-8"))
    old = json.loads(table.out.read_text(encoding="utf-8"))
    for part in (old["held_out"], old["cost"], old["grid"]["seeds"]):
        for seed in list(part)[1:]:
            del part[seed]
    old["settings"]["decimals"] = 4
    for per_region in old["held_out"]["0"]["methods"].values():
        for region, stored in per_region.items():
            per_region[region] = {k: None if v is None else np.round(v, 4).tolist()
                                  for k, v in ev.prediction(stored).items()}
    assert "lower" in old["held_out"]["0"]["methods"]["h_mle"]["inside"]
    monkeypatch.setattr(ev, "DATA_DIR", tmp_path)
    scoring.write_json(old, tmp_path / "roads.json")
    assert ev.main(["roads", "--restore"]) == 0
    assert "bytes before" in capsys.readouterr().out
    restored = json.loads((tmp_path / "roads.json").read_text(encoding="utf-8"))
    assert restored["held_out"]["0"] == committed["held_out"]["0"]
    assert restored["grid"]["seeds"]["0"] == committed["grid"]["seeds"]["0"]
    assert restored["settings"] == committed["settings"]
    want = {(r["method"], r["region"]): r for r in committed["runs"] if r["seed"] == 0}
    assert len(restored["runs"]) == len(want)
    for run in restored["runs"]:
        for key, value in run.items():
            assert value == pytest.approx(want[run["method"], run["region"]][key],
                                          abs=1e-9, nan_ok=True), (run["method"], key)
    _assert_recomputes(restored)


def test_committed_predictions_are_consistent(committed):
    """Every Gaussian interval is mean ± z₀.₉₅·std (to the stored rounding),
    every interval is ordered, and the regions hold the data set's points."""
    table, result = committed
    data = table.make_data(0)
    stored = result["held_out"]["0"]
    for region, idx in table.regions(data).items():
        np.testing.assert_allclose(stored["x"][region], data.x[idx].view(-1).numpy(),
                                   atol=1e-6)
    for per_seed in result["held_out"].values():
        for key, per_region in per_seed["methods"].items():
            for region in result["settings"]["regions"]:
                r = ev.prediction(per_region[region])
                assert (r["lower"] <= r["upper"]).all()
                assert len(r["mean"]) == len(per_seed["y"][region])
                if result["methods"][key]["density"]:
                    assert ("lower" in per_region[region]) != table.compact
                    np.testing.assert_allclose(r["upper"], r["mean"] + Z90 * r["std"],
                                               atol=3e-4)
                else:
                    assert r["std"] is None
                # the noise part of a method with an epistemic part, per point
                assert ("aleatoric_std" in r) == result["methods"][key]["epistemic"]
                if "aleatoric_std" in r:
                    assert (r["aleatoric_std"] <= r["std"] + 2e-4).all()


def test_exact_scores_are_those_of_the_mixture_and_gaussian_ones_are_labelled(
        committed):
    """NLL and CRPS score the predictive each method really makes (per point,
    stored); a method with one Gaussian per x scores the same both ways, a
    sampling method (weight draws, masks, members) differs."""
    table, result = committed
    stored = result["held_out"]["0"]
    runs = {(r["method"], r["region"]): r for r in result["runs"] if r["seed"] == 0}
    for key, per_region in stored["methods"].items():
        for region, r in per_region.items():
            if r["std"] is None:
                assert "nll_point" not in r and runs[key, region]["nll"] is None
                continue
            run = runs[key, region]
            if table.compact and key not in ev.MIXTURES:  # one Normal: its scores
                assert "nll_point" not in r
                assert (run["nll"], run["crps"]) == (run["nll_gaussian"],
                                                     run["crps_gaussian"])
                continue
            assert len(r["nll_point"]) == len(r["crps_point"]) == len(r["mean"])
            if not result["methods"][key]["epistemic"] or "laplace" in key:
                # the same Normal, scored from unrounded and from stored numbers
                assert run["nll"] == pytest.approx(run["nll_gaussian"], rel=1e-3,
                                                   abs=2e-4)
    if table.name != "roads":  # chapter 5's one sampling method is Normal enough
        return
    sampled = ("h_dropout", "h_ensemble")
    beyond = {k: result["summary"][k]["beyond"] for k in sampled}
    assert all(abs(b["nll"]["mean"] - b["nll_gaussian"]["mean"]) > 1 for b in
               beyond.values())


def test_committed_cost_is_measured(committed):
    table, result = committed
    passes = {k: c["forward_passes"]["mean"] for k, c in result["cost_summary"].items()}
    # (the linearised Laplace's Jacobians run under vmap: its hooks see one pass)
    want = {"h_mle": 1, "h_beta_nll": 1, "h_bbb": 500, "h_bbb_hetero": 500,
            "h_dropout": 100, "h_ensemble": 5, "h_laplace": 1.5, "h_laplace_full": 1,
            "h_conformal": 1, "h_adaptive": 1,
            "source": 1, "mle": 1, "nll": 1, "beta_nll": 1, "bbb": 500}
    assert passes == pytest.approx({k: want[k] for k in table.methods}, abs=0.01)
    for key, c in result["cost_summary"].items():
        assert 0 < c["train_seconds"]["mean"] <= 900, key
        assert math.isfinite(c["predict_seconds"]["mean"])


def test_grid_keeps_the_variance_split(committed):
    _, result = committed
    grid = result["grid"]
    assert len(grid["x"]) == scoring.GRID[2] and grid["x"][0] == -4.5
    epistemic = [k for k, m in result["methods"].items() if m["epistemic"]]
    assert epistemic  # Bayes by Backprop in both, and chapter 7's three others
    for key in epistemic:
        entry = grid["seeds"]["0"][key]
        total = np.hypot(entry["epistemic_std"], entry["aleatoric_std"])
        np.testing.assert_allclose(total, entry["std"], atol=2e-3, rtol=2e-3)


def test_committed_evaluation_meets_the_targets():
    result = json.loads(ev.TABLES["evaluation"].out.read_text(encoding="utf-8"))
    mean = {k: {m: c["mean"] for m, c in cells["inside"].items()}
            for k, cells in result["summary"].items()}
    calibrated = 2 * Z90 * 1.5
    rec = mean[RECOMMENDED]
    assert 0.885 <= rec["coverage_90"] <= 0.915
    assert abs(rec["coverage_50"] - 0.50) <= 0.03 and abs(rec["coverage_95"] - 0.95) <= 0.03
    assert abs(rec["width_90"] / calibrated - 1) <= 0.10
    assert rec["nll"] <= 1.824 + 0.05
    assert rec["crps"] <= 1.5 / math.sqrt(math.pi) + 0.03
    assert rec["rmse_f"] <= 0.2
    assert mean["source"]["coverage_90"] >= 0.98
    assert mean["source"]["width_90"] >= 2.5 * calibrated
    assert 0.87 <= mean["bbb"]["coverage_90"] <= 0.93
    x = np.asarray(result["grid"]["x"])  # Bayes by Backprop widens beyond the data
    epistemic = np.asarray(result["grid"]["seeds"]["0"]["bbb"]["epistemic_std"])
    inside = epistemic[np.abs(x) <= 3].mean()
    assert epistemic[0] >= 3 * inside and epistemic[-1] >= 3 * inside


#: Models whose seed 0 a chapter trains in the open, in both languages, and checks
#: in a hidden cell against the committed predictions (nbval runs it): not again here.
IN_CHAPTERS = {"03": ("mle", "source"), "05": ("beta_nll", "bbb")}
CHECKED_IN_CHAPTERS = {key for keys in IN_CHAPTERS.values() for key in keys}


@pytest.mark.parametrize("chapter", sorted(IN_CHAPTERS))
def test_chapters_check_their_trainings_against_the_committed_table(chapter):
    paths = sorted((ROOT / "notebooks").glob(f"*/{chapter}-*.ipynb"))
    assert [p.parent.name for p in paths] == ["en", "ko"]
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        checks = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"
                  and "remove-cell" in c["metadata"].get("tags", [])
                  and '["held_out"]["0"]["methods"]' in "".join(c["source"])]
        assert len(checks) == 1, path
        for key in IN_CHAPTERS[chapter]:
            assert f'("{key}", ' in checks[0], (path, key)
        assert checks[0].count("assert_allclose") == 2 and "atol=0.01" in checks[0]


@pytest.mark.slow
@pytest.mark.parametrize("key", [k for k in ev.TABLES["evaluation"].methods
                                 if k not in CHECKED_IN_CHAPTERS])
def test_one_seed_of_every_model_retrains_to_the_committed_predictions(key):
    """Chapter 5's table cannot drift from the code: seed 0 of each model, trained
    at HEAD the way ``make evaluate`` trains it, predicts what the JSON stores.
    (Chapters 3 and 5 do this for :data:`CHECKED_IN_CHAPTERS`, in both languages.)

    Tolerance: 0.01 on every predictive mean and std (the JSON rounds to 1e-4).
    Training is deterministic under the portable numerics, so the two agree to
    float32 rounding unless the code, the recipe or torch changed.
    """
    result = json.loads(ev.TABLES["evaluation"].out.read_text(encoding="utf-8"))
    data = table_data(0)
    model, _ = table_model(key, 0)
    g = torch.Generator().manual_seed(0)
    mean, std = vh.predictive_normal(model, data.x_val, generator=g)
    stored = result["held_out"]["0"]["methods"][key]["inside"]
    np.testing.assert_allclose(mean.view(-1).numpy(), stored["mean"], atol=0.01)
    np.testing.assert_allclose(std.view(-1).numpy(), stored["std"], atol=0.01)


@pytest.mark.slow
@pytest.mark.parametrize("key", ev.TABLES["roads"].methods)
def test_one_seed_of_every_method_retrains_to_the_committed_predictions(key):
    """Chapter 7's table likewise: seed 0 of each method (h_laplace from scratch,
    through its recipe) predicts what the JSON stores in every region, to 0.01."""
    table = ev.TABLES["roads"]
    result = json.loads(table.out.read_text(encoding="utf-8"))
    data = table.make_data(0)
    predictor = ev.train_method(key, data, 0)
    stored = result["held_out"]["0"]["methods"][key]
    for region, idx in table.regions(data).items():
        band = predictor(data.x[idx], 0)
        want = ev.prediction(stored[region])  # (a Normal's ends rebuilt)
        for name, value in band.items():
            if value is None:
                assert want[name] is None
                continue
            np.testing.assert_allclose(value.view(-1).numpy(), want[name],
                                       atol=0.01, err_msg=f"{key} {region} {name}")


# ------------------------------ the law of conformal coverage (chapter 7's windows)


def _window(share, prob, mass=0.95):
    """Mean and central ``mass`` of a law (the notebook's ``law_window``): the
    smallest shares whose cumulative probability reaches (1 ∓ mass)/2."""
    low, high = share[np.searchsorted(np.cumsum(prob), [(1 - mass) / 2, (1 + mass) / 2])]
    return prob @ share, low, high


def test_conformal_coverage_law_is_the_beta_binomial_one():
    """Given its n calibration points a split-conformal band covers a share
    Beta(k, n+1-k) of new points, k = ⌈(n+1)·level⌉; on m points the count is
    Beta-Binomial (scipy's), and its central 95 % is scipy's."""
    betabinom = pytest.importorskip("scipy.stats").betabinom
    for n, m, level in ((667, 666, 0.9), (19, 7, 0.9), (50, 30, 0.8), (9, 40, 0.9)):
        k = math.ceil((n + 1) * level)
        share, prob = vh.conformal.coverage_law(n, m, level)
        law = betabinom(m, k, n + 1 - k)
        np.testing.assert_allclose(share, np.arange(m + 1) / m)
        np.testing.assert_allclose(prob, law.pmf(np.arange(m + 1)), rtol=1e-9,
                                   atol=1e-14)
        mean, low, high = _window(share, prob)
        assert mean == pytest.approx(law.mean() / m) == pytest.approx(k / (n + 1))
        assert (low, high) == tuple(law.ppf([0.025, 0.975]) / m)
    with pytest.raises(ValueError, match="n_cal must be a positive integer, got 0"):
        vh.conformal.coverage_law(0, 10)
    with pytest.raises(ValueError, match="needs more calibration points than n_cal=5"):
        vh.conformal.coverage_law(5, 10, 0.9)
    with pytest.raises(ValueError, match="level"):
        vh.conformal.coverage_law(667, 666, 1.5)


def test_conformal_coverage_law_over_runs_matches_a_simulation():
    """Twenty runs of split conformal on fresh exchangeable data: the simulated mean
    coverage over the runs has the law's mean and central 95 % range."""
    n, m, runs, level = 99, 50, 20, 0.9
    rng = np.random.default_rng(0)
    # one run: n + m exchangeable scores; the band covers a test score when it is
    # at most the k-th smallest calibration score
    scores = rng.standard_normal((4000, runs, n + m))
    k = math.ceil((n + 1) * level)
    q = np.sort(scores[..., :n], axis=-1)[..., k - 1:k]
    simulated = (scores[..., n:] <= q).mean(axis=(1, 2))
    mean, low, high = _window(*vh.conformal.coverage_law(n, m, level, runs=runs))
    assert simulated.mean() == pytest.approx(mean, abs=0.002)
    assert np.quantile(simulated, 0.025) == pytest.approx(low, abs=0.004)
    assert np.quantile(simulated, 0.975) == pytest.approx(high, abs=0.004)
    inside = np.mean((simulated >= low) & (simulated <= high))
    assert 0.93 <= inside <= 0.97
