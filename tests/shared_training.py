"""The evaluation table's data and seed-0 trainings, made once per test process.

``make evaluate``'s seed 0 of a model of the table (``vh.recipes.train`` on the
table's data, n = 10,000, σ = 1.5) is what ``test_evaluate`` retrains and compares
with the committed predictions (chapter 5 does it for β-NLL and BbB);
``test_calibrated_models`` then checks the calibration of those committed
predictions on the same data.
"""

from __future__ import annotations

from functools import cache

import vi_helpers as vh


@cache
def table_data(seed: int = 0) -> vh.Dataset:
    """The evaluation table's data for ``seed`` (as ``tools.evaluate`` draws it)."""
    return vh.make_dataset(n=10_000, sigma=1.5, seed=seed)


@cache
def table_model(key: str, seed: int = 0):
    """(model, history) of ``vh.recipes.train(key, table_data(seed), seed)``.

    The same objects on every call: callers predict with them and must not train
    them further.
    """
    return vh.recipes.train(key, table_data(seed), seed=seed)
