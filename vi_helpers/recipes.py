"""One registry of the book's models: how each is built, trained and read.

The chapters, the explorer and the evaluation table all read :data:`RECIPES`,
so a model trains the same way wherever the book shows it. :func:`train` is the
one call: seed, build, :func:`vi_helpers.fit`, finish.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import torch

from .baselines import (
    DeepEnsemble,
    DropoutRegressor,
    FullLaplace,
    LastLayerLaplace,
    ensemble_loss,
)
from .bayes import (
    BayesByBackpropLoss,
    BayesianRegressor,
    HeteroscedasticBayesianRegressor,
)
from .data import Dataset
from .heteroscedastic import HeteroscedasticRegressor, beta_nll_loss
from .losses import half_mse, negative_elbo, prior_from_targets
from .models import ConstantNoise, MLERegressor, VariationalRegressor
from .train import History, Report, fit
from .utils import set_seed


def _as_trained(model: torch.nn.Module, data: Dataset) -> torch.nn.Module:
    return model


@dataclass(frozen=True)
class Recipe:
    """How one model of the book is built, trained and read.

    ``build(data)`` returns a fresh ``(model, loss_fn)`` for :func:`vi_helpers.fit`
    (it may look at the training targets, as the source's prior does); ``epochs``
    and ``lr`` are the chapters' and the table's; ``finish(model, data)`` turns
    the trained model into the one that predicts. ``label`` is the model's name
    in :data:`vi_helpers.i18n.LABELS`, ``center`` the name of its middle curve.
    ``explorer_lr`` is the explorer's learning rate where it differs.
    """

    build: Callable[[Dataset], tuple[torch.nn.Module, Callable]]
    epochs: int
    lr: float
    label: str
    finish: Callable[[torch.nn.Module, Dataset], torch.nn.Module] = _as_trained
    center: str = "median"
    explorer_lr: float | None = None


def _source(data: Dataset):
    prior_mean, prior_var = prior_from_targets(data.y_train)
    loss = functools.partial(negative_elbo, prior_mean=prior_mean, prior_var=prior_var)
    return VariationalRegressor(), loss


def _mle(data: Dataset):
    return MLERegressor(), half_mse


def _with_residual_noise(model: torch.nn.Module, data: Dataset) -> ConstantNoise:
    return ConstantNoise.from_residuals(model, data.x_train, data.y_train)


def _likelihood(beta: float):
    def build(data: Dataset):
        return HeteroscedasticRegressor.for_targets(data.y_train), beta_nll_loss(beta)

    return build


def _bbb(data: Dataset):
    model = BayesianRegressor()
    return model, BayesByBackpropLoss(model, len(data.train_idx))


def _bbb_hetero(data: Dataset):
    model = HeteroscedasticBayesianRegressor.for_targets(data.y_train)
    return model, BayesByBackpropLoss(model, len(data.train_idx))


def _dropout(p: float, beta: float):
    def build(data: Dataset):
        return DropoutRegressor.for_targets(data.y_train, p=p), beta_nll_loss(beta)

    return build


def _ensemble(num_members: int, beta: float):
    def build(data: Dataset):
        return (DeepEnsemble.for_targets(data.y_train, num_members=num_members),
                ensemble_loss(beta))

    return build


#: Chapter 7's β-NLL network, trained alone (h_beta_nll) and under a Laplace.
_hetero_beta_nll = _likelihood(0.5)


def _last_layer_laplace(model: torch.nn.Module, data: Dataset) -> LastLayerLaplace:
    return LastLayerLaplace(model, data.x_train, data.y_train)


def _full_laplace(model: torch.nn.Module, data: Dataset) -> FullLaplace:
    return FullLaplace(model, data.x_train, data.y_train)


#: Every model of the book, by key, in the order of the table's rows.
RECIPES: dict[str, Recipe] = {
    "source": Recipe(_source, 1000, 1e-3, "row_source"),
    # the explorer trains the MLE at lr 1e-2: on its data that reaches what 1e-3
    # reaches by the slider's end in far fewer epochs (make bench, "good fit")
    "mle": Recipe(_mle, 10000, 1e-3, "row_mle", _with_residual_noise,
                  center="mle_fit", explorer_lr=1e-2),
    "nll": Recipe(_likelihood(0.0), 3000, 3e-3, "row_nll"),
    "beta_nll": Recipe(_likelihood(0.5), 3000, 3e-3, "row_beta_nll"),
    "bbb": Recipe(_bbb, 2000, 1e-2, "row_bbb"),
    # chapter 7 (make_hetero_dataset, scored by tools/evaluate.py): every
    # two-headed network trains 500 epochs (each ensemble member too); the two
    # Bayes by Backprop networks 1000: they learn a mean and a spread per weight
    # from gradients of sampled weights. h_laplace and h_laplace_full are
    # h_beta_nll with its last layer, or its whole mean network, made Bayesian
    "h_mle": Recipe(_mle, 3000, 1e-2, "row_mle", _with_residual_noise,
                    center="mle_fit"),
    "h_beta_nll": Recipe(_hetero_beta_nll, 500, 1e-2, "row_beta_nll"),
    "h_bbb": Recipe(_bbb, 1000, 1e-2, "row_bbb"),
    "h_bbb_hetero": Recipe(_bbb_hetero, 1000, 1e-2, "row_bbb_hetero"),
    "h_dropout": Recipe(_dropout(0.05, 0.5), 500, 1e-2, "row_dropout"),
    "h_ensemble": Recipe(_ensemble(5, 0.5), 500, 1e-2, "row_ensemble"),
    "h_laplace": Recipe(_hetero_beta_nll, 500, 1e-2, "row_laplace",
                        _last_layer_laplace),
    "h_laplace_full": Recipe(_hetero_beta_nll, 500, 1e-2, "row_laplace_full",
                             _full_laplace),
}
#: The likelihood model the book recommends.
RECOMMENDED = "beta_nll"


def check_key(key: str) -> Recipe:
    """The recipe of ``key``, or a ValueError that lists the keys."""
    if key not in RECIPES:
        raise ValueError(f"key must be one of {list(RECIPES)}, got {key!r}")
    return RECIPES[key]


def train(
    key: str,
    data: Dataset,
    seed: int = 0,
    epochs: int | None = None,
    lr: float | None = None,
    log_every: int | None = None,
    callback: Report | None = None,
) -> tuple[torch.nn.Module, History]:
    """Train the model ``key`` of :data:`RECIPES` on ``data``, seeded with ``seed``.

    ``epochs`` and ``lr`` override the recipe's. Trains without a progress bar;
    ``callback`` goes to :func:`vi_helpers.fit`. Returns the model that predicts
    and the history.
    """
    recipe = check_key(key)
    epochs = recipe.epochs if epochs is None else epochs
    lr = recipe.lr if lr is None else lr
    set_seed(seed)
    model, loss_fn = recipe.build(data)
    history = fit(model, loss_fn, data, epochs=epochs, lr=lr, log_every=log_every,
                  progress=False, callback=callback)
    return recipe.finish(model, data), history
