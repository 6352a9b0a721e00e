"""`python -m tools.roads`: chapter 7's table, recomputed from its per-point predictions."""

import json
import math

import numpy as np
import pytest

import vi_helpers as vh
from tools import roads as rd
from tools import scoring
from vi_helpers.baselines import DeepEnsemble, DropoutRegressor, LastLayerLaplace
from vi_helpers.data import REGIONS
from vi_helpers.recipes import RECIPES

Z90 = 1.6448536269514722


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--seeds", "0"], "--seeds: must be a positive integer, got '0'"),
        (["--methods", "h_mle,gp"], "--methods: must be a comma-separated list of"),
        (["--out", "/no/such/folder/roads.json"],
         "--out: folder /no/such/folder does not exist"),
    ],
)
def test_bad_arguments_exit_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        rd.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_values_name_the_argument():
    data = vh.make_hetero_dataset(n=200, n_beyond=20)
    with pytest.raises(ValueError, match="key must be one of .*got 'gp'"):
        rd.train_method("gp", data, 0)
    with pytest.raises(ValueError, match="seeds must be a positive integer, got 0"):
        rd.roads(seeds=0)
    with pytest.raises(ValueError, match="methods must be among .*got 'gp'"):
        rd.roads(seeds=1, methods=("gp",))
    with pytest.raises(ValueError, match="region must be one of .*got 'train'"):
        rd.markdown_table({"summary": {}}, "train")


def test_methods_are_recipes_or_a_recipe_plus_calibration():
    for key in rd.METHODS:
        assert (key in RECIPES) != (key in rd.CONFORMAL)
    assert set(rd.CONFORMAL.values()) <= set(RECIPES)
    laplace, beta = RECIPES["h_laplace"], RECIPES["h_beta_nll"]
    # so the table may reuse the β-NLL network for the Laplace step
    assert (laplace.build, laplace.epochs, laplace.lr) == (beta.build, beta.epochs,
                                                           beta.lr)


@pytest.mark.parametrize(
    "key, make, passes",
    [
        ("h_beta_nll", lambda d: vh.HeteroscedasticRegressor.for_targets(d.y_train), 1),
        ("h_bbb", lambda d: vh.BayesianRegressor(), rd.NUM_SAMPLES["h_bbb"]),
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
    predictor = rd.Predictor(rd.gaussian_predictor(model, key), model, 0.0)
    counted, seconds = rd.forward_passes(predictor, data.x[:50], 0)
    assert counted == passes and seconds > 0


def test_scores_of_a_known_interval():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = vh.true_function(x) + np.array([0.0, 0.5, -2.0, 0.0])
    mean = vh.true_function(x)
    lower, upper = mean - 1, mean + 1
    s = rd.region_scores(x, y, mean, None, lower, upper)
    assert s["coverage_90"] == 0.75 and s["width_90"] == 2.0
    assert s["interval_score"] == pytest.approx(2 + 2 / 0.1 * 1.0 / 4)
    assert s["nll"] is None and s["crps"] is None and s["rmse_f"] == 0.0


def test_quick_run_writes_json_that_recomputes(tmp_path, capsys):
    out = tmp_path / "roads.json"
    assert rd.main(["--quick", "--seeds", "1", "--methods", "h_mle,h_conformal",
                    "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["settings"]["quick"] and result["settings"]["seeds"] == [0]
    assert list(result["summary"]) == ["oracle", "h_mle", "h_conformal"]
    _assert_recomputes(result)
    conformal = result["held_out"]["0"]["methods"]["h_conformal"]["inside"]
    assert conformal["std"] is None
    widths = np.subtract(conformal["upper"], conformal["lower"])
    assert np.ptp(widths) <= 2e-4  # split conformal: one width everywhere


def _assert_recomputes(result):
    stored = {(r["seed"], r["method"], r["region"]): r for r in result["runs"]}
    recomputed = rd.recompute(result)
    assert len(recomputed) == len(result["held_out"]) * len(result["methods"]) * 4
    for run in recomputed:
        for key, value in run.items():
            want = stored[run["seed"], run["method"], run["region"]][key]
            if isinstance(value, list):
                assert value == pytest.approx(want, abs=1e-12, nan_ok=True)
            else:
                assert value == pytest.approx(want, abs=1e-9)
    summary = rd.summarise(result["runs"], list(result["summary"]))
    assert summary == result["summary"]
    for lang in rd.NAMES:
        for region in REGIONS:
            assert result["table_markdown"][lang][region] == rd.markdown_table(
                result, region, lang)


# ------------------------------------------------ the committed 5-seed table


@pytest.fixture(scope="module")
def committed():
    return json.loads(rd.OUT_FILE.read_text(encoding="utf-8"))


def test_committed_table_is_a_full_run_and_recomputes(committed):
    assert not committed["settings"]["quick"]
    assert committed["settings"]["seeds"] == [0, 1, 2, 3, 4]
    assert list(committed["summary"]) == ["oracle", *rd.METHODS]
    for key in rd.METHODS:
        recipe = RECIPES[rd.CONFORMAL.get(key, key)]
        assert committed["methods"][key]["epochs"] == recipe.epochs
        assert committed["methods"][key]["lr"] == recipe.lr
    _assert_recomputes(committed)


def test_committed_predictions_are_consistent(committed):
    """Every Gaussian interval is mean ± z₀.₉₅·std (to the stored rounding),
    every interval is ordered, and the regions hold the data set's points."""
    data = vh.make_hetero_dataset(seed=0)
    stored = committed["held_out"]["0"]
    for region, idx in data.regions.items():
        np.testing.assert_allclose(stored["x"][region], data.x[idx].view(-1).numpy(),
                                   atol=1e-6)
    for per_seed in committed["held_out"].values():
        for key, per_region in per_seed["methods"].items():
            for region in REGIONS:
                r = {k: None if v is None else np.asarray(v)
                     for k, v in per_region[region].items()}
                assert (r["lower"] <= r["upper"]).all()
                assert len(r["mean"]) == len(per_seed["y"][region])
                if committed["methods"][key]["density"]:
                    np.testing.assert_allclose(r["upper"], r["mean"] + Z90 * r["std"],
                                               atol=3e-4)
                else:
                    assert r["std"] is None


def test_committed_cost_is_measured(committed):
    cost = committed["cost_summary"]
    passes = {k: c["forward_passes"]["mean"] for k, c in cost.items()}
    assert passes == {"h_mle": 1, "h_beta_nll": 1, "h_bbb": 500, "h_dropout": 100,
                      "h_ensemble": 5, "h_laplace": 1.5, "h_conformal": 1,
                      "h_adaptive": 1}
    for key, c in cost.items():
        assert 0 < c["train_seconds"]["mean"] <= 600, key
        assert math.isfinite(c["predict_seconds"]["mean"])


@pytest.mark.slow
@pytest.mark.parametrize("key", rd.METHODS)
def test_one_seed_of_every_method_retrains_to_the_committed_predictions(committed, key):
    """The table cannot drift from the code: seed 0 of each method, trained at HEAD
    as ``python -m tools.roads`` trains it (h_laplace from scratch, through its
    recipe), predicts what the JSON stores in every region.

    Tolerance: 0.01 on every predictive mean, std and interval end (the JSON
    rounds to 1e-4). Training is deterministic on one CPU thread, so the two
    agree to float32 rounding unless the code, a recipe or torch changed.
    """
    data = vh.make_hetero_dataset(seed=0)
    predictor = rd.train_method(key, data, 0)
    stored = committed["held_out"]["0"]["methods"][key]
    for region, idx in data.regions.items():
        band = predictor(data.x[idx], 0)
        for name, value in band.items():
            if value is None:
                assert stored[region][name] is None
                continue
            np.testing.assert_allclose(value.view(-1).numpy(), stored[region][name],
                                       atol=0.01, err_msg=f"{key} {region} {name}")


def test_grid_keeps_the_variance_split(committed):
    grid = committed["grid"]
    assert len(grid["x"]) == scoring.GRID[2] and grid["x"][0] == -4.5
    for key in rd.EPISTEMIC:
        entry = grid["seeds"]["0"][key]
        total = np.hypot(entry["epistemic_std"], entry["aleatoric_std"])
        np.testing.assert_allclose(total, entry["std"], atol=2e-3, rtol=2e-3)
