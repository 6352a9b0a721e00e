"""Chapter 8's reference posterior and the comparison with what approximates it.

    python -m tools.posterior          # book/data/posterior.json (~30 min, 1 thread)
    python -m tools.posterior --quick    # a short run to /tmp, to try the pipeline

One 1-10-1 tanh network, prior N(0, s²) on every weight, the true noise σ(x) known
(vi_helpers.posterior.book_posterior): 8 HMC chains are the reference; mean-field VI
(Bayes by Backprop), the last-layer and the full linearised Laplace at the MAP,
and a deep ensemble of 5 MAP networks approximate the same posterior. Every
method's predictive at x is the Gaussian mixture (1/S) Σ_s N(m_s(x), s_s(x)²);
scored per region (inside, hole, beyond) by the coverage of the held-out points
by its 5-95 % interval, the interval's mean width, and the 1-Wasserstein distance
to the reference's predictive on a grid of x (from 99 quantiles, 1 %...99 %).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from tools import numerics
from tools.machine import machine
from vi_helpers import metrics
from vi_helpers.data import (
    BOOK_DATA,
    HOLE,
    REGIONS,
    hetero_noise_std,
    make_hetero_dataset,
)
from vi_helpers.posterior import (
    POSTERIOR_DATA,
    HMCResult,
    WeightPosterior,
    book_posterior,
    canonical,
    fit_map,
    fit_mean_field,
    full_laplace,
    hmc,
    last_layer_laplace,
    mixture_quantiles,
    value_and_grad,
)

OUT = BOOK_DATA / "posterior.json"
#: The reference run (prior_std 1) and the sweep's shorter runs.
SETTINGS = {"hidden": 10, "prior_std": 1.0, "chains": 8, "num_warmup": 2000,
            "num_samples": 6000, "thin": 6, "num_steps": 160, "seed": 0}
SWEEP = {"prior_stds": [0.5, 2.0], "num_warmup": 1000, "num_samples": 2000, "thin": 2,
         "num_steps": 100}
QUICK = {"num_warmup": 200, "num_samples": 200, "thin": 2, "num_steps": 30}
SWEPT = ("num_warmup", "num_samples", "thin", "num_steps")
#: VI, MAP and ensemble training; seeds of the cheap methods.
#: VI starts at the MAP (the best of the ensemble's members); "vi_random" is the
#: same VI from a random start (chapter 5's way), to show what optimisation costs.
CHEAP = {"vi_steps": 4000, "vi_lr": 1e-2, "vi_draws": 8, "map_steps": 2000,
         "members": 5, "seeds": 10}
METHODS = ("reference", "vi", "vi_random", "laplace_last", "laplace_full", "ensemble")
GRID = np.round(np.linspace(-4.5, 4.5, 61), 4)
LEVELS = np.round(np.arange(1, 100) / 100, 2)
BAND = (0.05, 0.95)
DRAWS_KEPT = 200  # reference function draws stored
WEIGHT_DRAWS_KEPT = 1000  # canonical weight draws stored (for histograms)
MIXTURE_DRAWS = 1000  # weight draws behind the reference's and VI's quantiles


def grid_region(x: np.ndarray, hole=HOLE) -> np.ndarray:
    """The region of each grid x as chapter 7's data has them: 'beyond' for |x| > 3,
    'hole' inside the hole, else 'inside'."""
    return np.where(np.abs(x) > 3, "beyond",
                    np.where((x > hole[0]) & (x < hole[1]), "hole", "inside"))


def _round(a, digits=5):
    a = np.asarray(a, dtype=float)
    return [float(f"{v:.{digits}g}") for v in a.ravel()] if a.ndim <= 1 else \
        [_round(row, digits) for row in a]


# ------------------------------------------------------- the methods' mixtures


def method_mixtures(post: WeightPosterior, ref_samples: torch.Tensor | None, seed: int,
                    timings: dict | None = None,
                    with_random_start: bool = True) -> dict:
    """Every method as ``x -> (means, stds)`` of its mixture, (S, n) each
    (without "vi_random" unless ``with_random_start``)."""
    timings = {} if timings is None else timings

    def noise(x):
        return hetero_noise_std(x.double())

    out = {}
    if ref_samples is not None:  # at most MIXTURE_DRAWS of them, evenly thinned
        w = ref_samples.reshape(-1, post.num_weights)
        w = w[torch.linspace(0, len(w) - 1, min(len(w), MIXTURE_DRAWS)).long()]
        out["reference"] = lambda x: (post.mean(w, x.double()),
                                      noise(x).expand(len(w), -1))
    t = time.perf_counter()
    members = fit_map(post, CHEAP["members"], CHEAP["map_steps"], seed)
    timings["ensemble_s"] = time.perf_counter() - t
    w_map = members[post.log_prob(members).argmax()]
    gen = torch.Generator().manual_seed(seed)
    fits = {}
    for key, init in (("vi", w_map), ("vi_random", None))[:2 if with_random_start
                                                          else 1]:
        t = time.perf_counter()
        q, losses = fit_mean_field(post, CHEAP["vi_steps"], CHEAP["vi_lr"],
                                   CHEAP["vi_draws"], seed, init=init)
        timings[f"{key}_s"] = time.perf_counter() - t
        timings[f"{key}_loss"] = float(np.mean(losses[-500:]))
        w_q = q.sample(MIXTURE_DRAWS, gen).detach()
        out[key] = (lambda w_: lambda x: (post.mean(w_, x.double()),
                                          noise(x).expand(len(w_), -1)))(w_q)
        fits[key] = q
    t = time.perf_counter()
    laplaces = {"laplace_last": last_layer_laplace(post, w_map),
                "laplace_full": full_laplace(post, w_map)}
    timings["laplace_s"] = time.perf_counter() - t
    for key, predict in laplaces.items():
        out[key] = (lambda p: lambda x: _gaussian(p, x, noise(x)))(predict)
    out["ensemble"] = lambda x: (post.mean(members, x.double()),
                                 noise(x).expand(len(members), -1))
    timings["map_log_prob"] = post.log_prob(members).tolist()
    out["_vi"], out["_map"] = fits["vi"], w_map
    return out


def _gaussian(predict, x, noise_std):
    mean, var = predict(x.double())
    return mean[None].detach(), (var + noise_std**2).sqrt()[None].detach()


def summaries(mixture, x: torch.Tensor, levels) -> dict:
    """The mixture's mean and quantiles at ``levels`` at every x, rounded as the
    file stores them (so that the table computed here recomputes from the file)."""
    means, stds = mixture(x)
    return {"mean": np.array(_round(means.mean(0).numpy())),
            "quantiles": np.array(_round(mixture_quantiles(means, stds, levels)))}


# ------------------------------------------------------------------- scoring


def w1_from_quantiles(q_a: np.ndarray, q_b: np.ndarray) -> np.ndarray:
    """Mean |difference| of two quantile functions over the stored levels: the
    1-Wasserstein distance of the central 98 %, per x. (L, n) -> (n,)."""
    return np.abs(np.asarray(q_a) - np.asarray(q_b)).mean(0)


def region_table(points: dict, grid: dict) -> dict:
    """The per-region table from the stored predictions alone.

    ``points``: x, y, region and, per method, mean/lower/upper at the held-out
    points; ``grid``: x, region and, per method, its quantiles. Per region and
    method: coverage_90 (share of y in [lower, upper]), width_90 (mean upper -
    lower), w1 (mean over the region's grid x of the distance to the reference).
    """
    region = np.asarray(points["region"])
    g_region = np.asarray(grid["region"])
    table = {}
    for r in REGIONS:
        at, g_at = region == r, g_region == r
        y = np.asarray(points["y"])[at]
        table[r] = {}
        for m in METHODS:
            lo, hi = (np.asarray(points[m][k])[at] for k in ("lower", "upper"))
            w1 = w1_from_quantiles(np.asarray(grid[m]["quantiles"])[:, g_at],
                                   np.asarray(grid["reference"]["quantiles"])[:, g_at])
            table[r][m] = {"coverage_90": metrics.interval_coverage(y, lo, hi),
                           "width_90": metrics.mean_width(lo, hi),
                           "w1": float(w1.mean())}
    return table


def score(post, data, mixtures, methods=METHODS) -> tuple[dict, dict, dict]:
    """Per-point predictions, grid quantiles and the region table of ``methods``."""
    held = np.concatenate([data.regions[r] for r in REGIONS])
    names = np.concatenate([[r] * len(data.regions[r]) for r in REGIONS])
    x_pts = data.x[held, 0]
    points = {"x": x_pts.numpy(), "y": data.y[held, 0].numpy(), "region": names}
    x_grid = torch.tensor(GRID)
    grid = {"x": GRID, "region": grid_region(GRID, data.hole)}
    for m in methods:
        s = summaries(mixtures[m], x_pts, BAND)
        points[m] = {"mean": s["mean"], "lower": s["quantiles"][0],
                     "upper": s["quantiles"][1]}
        grid[m] = summaries(mixtures[m], x_grid, LEVELS)
    return points, grid, region_table(points, grid)


# --------------------------------------------------------------- diagnostics


def diagnostics(post, samples: torch.Tensor, grid_q: np.ndarray) -> dict:
    """Split R-hat and ESS (Pyro's) of what the tables use, per grid x: the
    predictive mean (f(x) per draw) and the predictive's tail probabilities at
    its own 5 % and 95 % quantiles, Φ((q - f(x))/σ(x)) per draw (their averages
    are the quantiles' defining probabilities). Also the canonical weights'."""
    from pyro.ops.stats import effective_sample_size, split_gelman_rubin

    x = torch.tensor(GRID)
    c, s, p = samples.shape
    f = post.mean(samples.reshape(-1, p), x).reshape(c, s, -1)  # (C, S, n)
    sd = hetero_noise_std(x)
    normal = torch.distributions.Normal(0.0, 1.0)
    lo_q, hi_q = (torch.tensor(grid_q[LEVELS.tolist().index(v)]) for v in BAND)
    quantities = {"mean": f, "tail_05": normal.cdf((lo_q - f) / sd),
                  "tail_95": normal.cdf((hi_q - f) / sd)}
    out = {}
    for k, v in quantities.items():
        out[k] = {"rhat": split_gelman_rubin(v, 0, 1).numpy(),
                  "ess": effective_sample_size(v, 0, 1).numpy()}
    cw = canonical(samples.reshape(-1, p), post.hidden).reshape(c, s, p)
    out["weights"] = {"rhat": split_gelman_rubin(cw, 0, 1).numpy(),
                      "ess": effective_sample_size(cw, 0, 1).numpy(),
                      "rhat_raw": split_gelman_rubin(samples, 0, 1).numpy()}
    out["f_chain_means"] = f.mean(1).numpy()  # (C, n)
    out["f_std"] = f.reshape(-1, len(x)).std(0).numpy()
    return out


def diagnostics_by_region(diag: dict, region: np.ndarray) -> dict:
    out = {}
    for r in REGIONS:
        at = region == r
        out[r] = {k: {"max_rhat": float(np.max(diag[k]["rhat"][at])),
                      "min_ess": float(np.min(diag[k]["ess"][at]))}
                  for k in ("mean", "tail_05", "tail_95")}
    return out


def w1_noise_floor(post, samples: torch.Tensor, region: np.ndarray) -> dict:
    """The distance of the reference to itself: chains 1..C/2 against the others,
    each from MIXTURE_DRAWS / 2 draws, per region (Monte-Carlo error and any
    disagreement between the chains)."""
    x = torch.tensor(GRID)
    half = samples.shape[0] // 2
    qs = []
    for part in (samples[:half], samples[half:]):
        w = part.reshape(-1, post.num_weights)
        w = w[torch.linspace(0, len(w) - 1, min(len(w), MIXTURE_DRAWS // 2)).long()]
        f = post.mean(w, x)
        noise = hetero_noise_std(x).expand_as(f)
        qs.append(mixture_quantiles(f, noise, LEVELS).numpy())
    w1 = w1_from_quantiles(*qs)
    return {r: float(w1[region == r].mean()) for r in REGIONS}


def weight_picture(post, samples: torch.Tensor, q) -> dict:
    """Reference marginals of the canonical weights against VI's Gaussians."""
    c, s, p = samples.shape
    cw = canonical(samples.reshape(-1, p), post.hidden)
    # VI's q canonicalised through its mean (flips and order of its units)
    mu = q.mu.detach()[None]
    cmu = canonical(mu, post.hidden)[0]
    std = q.std.detach()
    h = post.hidden
    sign = torch.where(mu[0, :h] < 0, -1.0, 1.0).double()
    bend = -(mu[0, h:2 * h] * sign) / (mu[0, :h] * sign).clamp(min=1e-12)
    order = torch.argsort(bend)
    cstd = torch.cat([std[:h][order], std[h:2 * h][order], std[2 * h:3 * h][order],
                      std[3 * h:]])
    # the posterior's conditional spread at VI's mean: 1/sqrt(Hessian diagonal)
    hessian = torch.autograd.functional.hessian(
        lambda v: -post.log_prob(v[None])[0], mu[0])
    cond = 1 / hessian.diagonal().clamp(min=1e-12).sqrt()
    ccond = torch.cat([cond[:h][order], cond[h:2 * h][order],
                       cond[2 * h:3 * h][order], cond[3 * h:]])
    ref_std = cw.std(0)
    within = cw.reshape(c, s, p).std(1).mean(0)  # chains' own spread, averaged
    ratio = (cstd / ref_std).numpy()
    ratio_within = (cstd / within).numpy()
    names = [f"{k}{j + 1}" for k in "abv" for j in range(h)] + ["c"]
    keep = torch.linspace(0, len(cw) - 1, WEIGHT_DRAWS_KEPT).long()
    return {"names": names, "ref_mean": cw.mean(0).numpy(), "ref_std": ref_std.numpy(),
            "ref_std_within_chain": within.numpy(), "vi_mean": cmu.numpy(),
            "vi_std": cstd.numpy(), "std_ratio": ratio,
            "conditional_std_at_vi_mean": ccond.numpy(),
            "vi_std_over_conditional": (cstd / ccond).numpy(),
            "std_ratio_within_chain": ratio_within,
            "std_ratio_summary": {"median": float(np.median(ratio)),
                                  "min": float(ratio.min()), "max": float(ratio.max()),
                                  "median_within_chain":
                                      float(np.median(ratio_within)),
                                  "median_vi_over_conditional":
                                      float(np.median((cstd / ccond).numpy()))},
            "ref_draws": cw[keep].numpy()}


# -------------------------------------------------------------------- runs


#: Where each run's chains are kept, so that ``--reuse`` rescores without sampling.
CACHE = Path(os.environ.get("VI_POSTERIOR_CACHE", "/tmp/vi-posterior-cache"))


def reference(post: WeightPosterior, settings: dict, reuse: bool = False) -> tuple:
    """The HMC run of ``settings`` and its seconds (from the cache if ``reuse``)."""
    path = CACHE / ("chains-" + "-".join(f"{k}{v}" for k, v in settings.items())
                    + ".pt")
    if reuse and path.is_file():
        stored = torch.load(path)
        return HMCResult(**stored["result"]), stored["seconds"]
    gen = torch.Generator().manual_seed(settings["seed"])
    init = 0.5 * post.prior_draws(settings["chains"], gen)
    t = time.perf_counter()
    result = hmc(post.log_prob, init, settings["num_warmup"], settings["num_samples"],
                 settings["num_steps"], thin=settings["thin"], generator=gen)
    seconds = time.perf_counter() - t
    CACHE.mkdir(parents=True, exist_ok=True)
    torch.save({"result": vars(result), "seconds": seconds}, path)
    return result, seconds


def leapfrog_seconds(n_points: int, hidden: int, chains: int, repeats: int = 200):
    """Seconds of one leapfrog step (all chains) with ``n_points`` training points."""
    data = make_hetero_dataset(seed=0) if n_points > 1000 else make_hetero_dataset(
        n=POSTERIOR_DATA["n"], n_beyond=POSTERIOR_DATA["n_beyond"], seed=0)
    idx = data.train_idx[:n_points]
    post = WeightPosterior(data.x[idx, 0], data.y[idx, 0], data.noise_std[idx, 0],
                           hidden)
    w = post.prior_draws(chains, torch.Generator().manual_seed(0))
    value_and_grad(post.log_prob, w)
    t = time.perf_counter()
    for _ in range(repeats):
        value_and_grad(post.log_prob, w)
    return (time.perf_counter() - t) / repeats, len(idx)


def pyro_nuts_rate(post: WeightPosterior, warmup: int = 100, samples: int = 100,
                   seed: int = 0) -> dict:
    """Pyro's NUTS on the same posterior, one chain: iterations per second."""
    import pyro
    from pyro.infer import MCMC, NUTS

    pyro.set_rng_seed(seed)
    kernel = NUTS(potential_fn=lambda p: -post.log_prob(p["w"][None])[0])
    init = {"w": 0.5 * post.prior_draws(1, torch.Generator().manual_seed(seed))[0]}
    mcmc = MCMC(kernel, num_samples=samples, warmup_steps=warmup, num_chains=1,
                initial_params=init, disable_progbar=True)
    t = time.perf_counter()
    mcmc.run()
    seconds = time.perf_counter() - t
    return {"warmup": warmup, "samples": samples, "seconds": seconds,
            "iterations_per_s": (warmup + samples) / seconds,
            "final_step_size": float(kernel.step_size)}


def run(quick: bool = False, log=print, reuse: bool = False) -> dict:
    settings = dict(SETTINGS, **(QUICK if quick else {}))
    sweep = dict(SWEEP, **({k: QUICK[k] for k in SWEPT} if quick else {}))
    seeds = 2 if quick else CHEAP["seeds"]
    post, data, idx = book_posterior(settings["prior_std"], settings["hidden"])
    log(f"{len(idx)} training points; reference: {settings}")
    result, seconds = reference(post, settings, reuse)
    iterations = settings["num_warmup"] + settings["num_samples"]
    log(f"reference: {seconds:.0f} s; step sizes {result.step_size.numpy().round(4)}; "
        f"acceptance {result.accept_rate.numpy().round(3)}; "
        f"divergences {result.divergences.tolist()}")
    timings = {}
    mixtures = method_mixtures(post, result.samples, 0, timings)
    points, grid, table = score(post, data, mixtures)
    diag = diagnostics(post, result.samples, grid["reference"]["quantiles"])
    log(json.dumps(diagnostics_by_region(diag, grid["region"])))
    floor = w1_noise_floor(post, result.samples, grid["region"])
    log(f"w1 between the two halves of the chains: {floor}")
    log(json.dumps(table, indent=1))
    # the cheap methods over seeds (the reference fixed)
    per_seed = {0: {"table": table, "fit": timings}}
    for seed in range(1, seeds):
        fit = {}
        m = method_mixtures(post, None, seed, fit)
        m["reference"] = mixtures["reference"]
        per_seed[seed] = {"table": score(post, data, m)[2], "fit": fit}
        log(f"seed {seed}: {json.dumps(per_seed[seed]['table']['hole'])}")
    # the prior's scale
    sweep_out = {}
    for s in sweep["prior_stds"]:
        p_s, _, _ = book_posterior(s, settings["hidden"])
        run_s = dict(settings, prior_std=s, **{k: sweep[k] for k in SWEPT})
        res_s, sec_s = reference(p_s, run_s, reuse)
        m_s = method_mixtures(p_s, res_s.samples, 0)
        pts_s, grid_s, table_s = score(p_s, data, m_s)
        diag_s = diagnostics(p_s, res_s.samples, grid_s["reference"]["quantiles"])
        sweep_out[str(s)] = {
            "settings": run_s, "seconds": sec_s, "table": table_s,
            "diagnostics": diagnostics_by_region(diag_s, grid_s["region"]),
            "bands": {k: {"lower": grid_s[k]["quantiles"][4],
                          "median": grid_s[k]["quantiles"][49],
                          "upper": grid_s[k]["quantiles"][94]} for k in METHODS},
            "accept_rate": res_s.accept_rate.numpy(),
            "divergences": res_s.divergences.tolist()}
        log(f"prior_std {s}: {sec_s:.0f} s; {json.dumps(table_s)}")
    # cost at the full data size
    per_step = {}
    for n in (len(idx), 800, 2667):
        sec, n_real = leapfrog_seconds(n, settings["hidden"], settings["chains"])
        per_step[str(n_real)] = sec
    steps = settings["num_steps"]
    leapfrogs = iterations * (steps // 2 + 1 + steps) / 2  # the mean of the draws
    cost = {"reference_s": seconds, "iterations": iterations,
            "leapfrog_steps_per_chain": leapfrogs,
            "draws_per_s_per_chain": settings["num_samples"] / seconds,
            "leapfrog_s_by_n_train": per_step,
            "vi_s": timings["vi_s"], "vi_random_s": timings["vi_random_s"],
            "ensemble_s": timings["ensemble_s"],
            "reused_chains": reuse,  # reference_s is then the sampling run's
            "laplace_s": timings["laplace_s"]}
    if not quick:
        stored = CACHE / "pyro-nuts.json"
        if reuse and stored.is_file():
            cost["pyro_nuts"] = json.loads(stored.read_text(encoding="utf-8"))
        else:
            cost["pyro_nuts"] = pyro_nuts_rate(post)
            stored.write_text(json.dumps(cost["pyro_nuts"]), encoding="utf-8")
        log(f"Pyro's NUTS: {cost['pyro_nuts']}")
    ref_draws = result.samples.reshape(-1, post.num_weights)
    keep = torch.linspace(0, len(ref_draws) - 1, DRAWS_KEPT).long()
    return {
        "about": "chapter 8's reference posterior (HMC) and four approximations; "
                 "python -m tools.posterior writes it",
        "model": {"network": f"1-{settings['hidden']}-1 tanh",
                  "hidden": settings["hidden"],
                  "num_weights": post.num_weights, "prior_std": settings["prior_std"],
                  "noise": "known: sigma(x) = 0.3 + 0.57|x|",
                  "y_mean": post.y_mean, "y_scale": post.y_scale,
                  "weights": "a (H input weights), b (H biases), v (H output weights), "
                             "c; f(x) = y_mean + y_scale*(sum_j v_j tanh(a_j x + b_j)"
                             " + c)"},
        "data": {"call": f"make_hetero_dataset(n={POSTERIOR_DATA['n']}, "
                         f"n_beyond={POSTERIOR_DATA['n_beyond']}, seed=0)",
                 "training": f"train_idx[::{POSTERIOR_DATA['every']}]",
                 "n_train": len(idx),
                 "n_heldout": {r: len(data.regions[r]) for r in REGIONS}},
        "settings": settings, "cheap_methods": CHEAP, "levels": LEVELS,
        "band": list(BAND), "methods": list(METHODS),
        "distance": "w1: mean over the 99 levels 1%..99% of |q_method - q_reference| "
                    "of the predictive y at each grid x (1-Wasserstein of the central "
                    "98 %), averaged over the region's grid x",
        "machine": machine(threads=torch.get_num_threads()),
        "cost": cost,
        "sampler": {"step_size": result.step_size.numpy(),
                    "accept_rate": result.accept_rate.numpy(),
                    "divergences": result.divergences.tolist(),
                    "inv_mass": result.inv_mass.numpy(),
                    "log_prob_chain_means": result.log_prob.mean(1).numpy()},
        "diagnostics": {"by_region": diagnostics_by_region(diag, grid["region"]),
                        "grid": {k: diag[k] for k in ("mean", "tail_05", "tail_95")},
                        "weights": diag["weights"],
                        "f_chain_means": diag["f_chain_means"]},
        "reference_f": {"mean": grid["reference"]["mean"], "std": diag["f_std"],
                        "ess": diag["mean"]["ess"],
                        "draws": post.mean(ref_draws[keep],
                                           torch.tensor(GRID)).numpy()},
        "table": table,
        "w1_noise_floor": floor,
        "per_seed": {str(k): v for k, v in per_seed.items()},
        "points": points, "grid": grid,
        "weights": weight_picture(post, result.samples, mixtures["_vi"]),
        "prior_sweep": sweep_out,
    }


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist() if obj.dtype.kind in "USO" else _round(obj)
    if isinstance(obj, torch.Tensor):
        return _round(obj.numpy())
    if isinstance(obj, (float, np.floating)):
        return float(f"{float(obj):.6g}")
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run, to /tmp")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true",
                        help="rescore the chains kept by an earlier run (no sampling)")
    parser.add_argument("--pyro-rate", action="store_true",
                        help="only measure Pyro's NUTS and add it to the stored cost")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.pyro_rate:
        stored = json.loads(OUT.read_text(encoding="utf-8"))
        stored["cost"]["pyro_nuts"] = _jsonable(pyro_nuts_rate(book_posterior()[0]))
        print(stored["cost"]["pyro_nuts"])
        OUT.write_text(json.dumps(stored, separators=(",", ":")) + "\n",
                       encoding="utf-8")
        return 0
    out = args.out or (Path("/tmp/posterior-quick.json") if args.quick else OUT)
    t = time.perf_counter()
    result = run(args.quick, log=lambda m: print(m, flush=True), reuse=args.reuse)
    result["cost"]["total_s"] = time.perf_counter() - t
    out.write_text(json.dumps(_jsonable(result), separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB) in "
          f"{result['cost']['total_s']:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    numerics.restart_portable()
    sys.exit(main())
