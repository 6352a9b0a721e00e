"""Time to a good fit: seconds until the MLE is within 1 % of the noise floor.

"Good" means the validation 0.5·MSE is at most 1.01 times the floor, the
0.5·MSE of the true function f on the same validation points (the best any
model can do there; about 0.5·sigma² = 1.125 for sigma = 1.5). The clock runs
only while the model trains: the validation checks between steps are not timed.
Each setting starts from the same initial weights for a given seed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

import vi_helpers as vh

from .common import summary, sync, timed


@dataclass(frozen=True)
class Setting:
    """How to train: Adam at ``lr``, full batch or minibatches, optional decay.

    ``schedule="cosine"`` decays the learning rate to 0 over ``horizon`` epochs
    (then keeps it there). ``check_every`` is in epochs.
    """

    name: str
    lr: float
    batch_size: int | None = None
    schedule: str | None = None
    horizon: int | None = None
    max_epochs: int = 30_000
    check_every: int = 10


#: The source's settings first; the others were the fastest of a small search.
SETTINGS = (
    Setting("source", lr=1e-3),
    Setting("full_batch_lr1e-2", lr=1e-2),
    Setting("full_batch_lr1e-2_cosine", lr=1e-2, schedule="cosine", horizon=3_000),
    Setting("batch256_lr3e-3_cosine", lr=3e-3, batch_size=256, schedule="cosine",
            horizon=100, max_epochs=300, check_every=1),
)


def floor(data: vh.Dataset) -> float:
    """0.5·MSE of the true function on the validation points: the noise floor."""
    return vh.half_mse(data.y_true_val, data.y_val).item()


def time_to_target(setting: Setting, data: vh.Dataset, target: float, seed: int,
                   device: torch.device) -> dict:
    """Train from seed ``seed``'s weights until the validation loss <= ``target``.

    Returns whether it got there within ``max_epochs``, the training seconds and
    epochs it took (or spent), and the last validation loss.
    """
    torch.manual_seed(seed)
    model = vh.MLERegressor().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=setting.lr)
    sched = None
    if setting.schedule == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=setting.horizon)
    elif setting.schedule is not None:
        raise ValueError(f"schedule must be None or 'cosine', got {setting.schedule!r}")
    x, y = data.x_train.to(device), data.y_train.to(device)
    x_val, y_val = data.x_val.to(device), data.y_val.to(device)
    gen = torch.Generator(device=device).manual_seed(seed)
    n = len(x)

    def step(xb, yb):
        loss = vh.half_mse(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def epochs(count):
        for _ in range(count):
            if setting.batch_size is None:
                step(x, y)
            else:
                perm = torch.randperm(n, generator=gen, device=device)
                for i in range(0, n, setting.batch_size):
                    idx = perm[i:i + setting.batch_size]
                    step(x[idx], y[idx])
            if sched is not None and sched.last_epoch < setting.horizon:
                sched.step()

    seconds, done, val = 0.0, 0, float("inf")
    sync(device)
    while done < setting.max_epochs:
        count = min(setting.check_every, setting.max_epochs - done)
        dt, _ = timed(device, epochs, count)
        seconds += dt
        done += count
        with torch.no_grad():
            val = vh.half_mse(model(x_val), y_val).item()
        if val <= target:
            return {"reached": True, "seconds": seconds, "epochs": done, "val": val}
    return {"reached": False, "seconds": seconds, "epochs": done, "val": val}


def _median_or_none(runs: list[dict], key: str) -> dict | None:
    """Summary over the seeds that got there; None if fewer than half did."""
    hits = [r[key] for r in runs if r["reached"]]
    return summary(hits) if 2 * len(hits) >= len(runs) and hits else None


def run(data: vh.Dataset, seeds: int, device: torch.device,
        settings: tuple[Setting, ...] = SETTINGS, tolerance: float = 0.01) -> dict:
    """Every setting from the same ``seeds`` initial weights, interleaved by seed."""
    best = floor(data)
    target = (1 + tolerance) * best
    runs: dict[str, list[dict]] = {s.name: [] for s in settings}
    for seed in range(seeds):
        for s in settings[seed % len(settings):] + settings[:seed % len(settings)]:
            runs[s.name].append(time_to_target(s, data, target, seed, device))
    out = {"floor": best, "half_sigma2": 0.5 * data.sigma**2, "tolerance": tolerance,
           "target": target, "seeds": seeds, "settings": {}}
    for s in settings:
        r = runs[s.name]
        out["settings"][s.name] = {
            "setting": asdict(s), "runs": r,
            "reached": sum(x["reached"] for x in r),
            "seconds": _median_or_none(r, "seconds"),
            "epochs": _median_or_none(r, "epochs"),
        }
    timed_ok = {k: v for k, v in out["settings"].items() if v["seconds"]}
    if timed_ok:
        fastest = min(timed_ok, key=lambda k: timed_ok[k]["seconds"]["median"])
        out["fastest"] = fastest
        pairs = [(a["seconds"], b["seconds"])
                 for a, b in zip(runs[settings[0].name], runs[fastest])
                 if a["reached"] and b["reached"]]
        if pairs:  # seed by seed: the source's time over the fastest's
            out["speedup_of_fastest"] = summary([a / b for a, b in pairs])
    return out
