"""vi_helpers: the code behind the book *Variational inference for regression*.

Every chapter imports its data, models, losses, training loop, predictions,
metrics and figures from here, so the Korean and English notebooks run the same
code. The book's tooling (notebook execution, evaluation, workshop handouts)
lives beside it in ``tools/`` and is not part of the lesson.
"""

from . import _validate as validate  # the entry points' checks, for code built on it
from .baselines import DeepEnsemble, DropoutRegressor, FullLaplace, LastLayerLaplace
from .bayes import (
    BayesByBackpropLoss,
    BayesianRegressor,
    HeteroscedasticBayesianRegressor,
)
from .conformal import adaptive_conformal, calibration_split, split_conformal
from .data import (
    Dataset,
    HeteroDataset,
    hetero_noise_std,
    make_dataset,
    make_hetero_dataset,
    true_function,
)
from .explorer import ExplorerResult, explore, plot_explorer
from .heteroscedastic import HeteroscedasticRegressor, beta_nll_loss, gaussian_nll_loss
from .i18n import label, use_language
from .losses import gaussian_log_likelihood, half_mse, negative_elbo, prior_from_targets
from .models import ConstantNoise, MLERegressor, Regressor, VariationalRegressor
from .plotting import (
    listing,
    plot_band,
    plot_calibration,
    plot_data,
    plot_history,
    plot_mle_fit,
    plot_predictive,
    plot_theory_vs_network,
)
from .posterior import (
    WeightPosterior,
    book_posterior,
    fit_map,
    fit_mean_field,
    full_laplace,
    hmc,
    last_layer_laplace,
    mixture_quantiles,
)
from .predict import (
    Z90,
    central_band,
    predictive_normal,
    predictive_quantiles,
    predictive_samples,
)
from .recipes import RECIPES
from .train import History, TrainingDiverged, fit, print_log
from .utils import get_device, set_seed

__version__ = "0.2.0"

__all__ = [
    "RECIPES",
    "Z90",
    "BayesByBackpropLoss",
    "BayesianRegressor",
    "ConstantNoise",
    "Dataset",
    "DeepEnsemble",
    "DropoutRegressor",
    "ExplorerResult",
    "FullLaplace",
    "HeteroDataset",
    "HeteroscedasticBayesianRegressor",
    "HeteroscedasticRegressor",
    "History",
    "LastLayerLaplace",
    "MLERegressor",
    "Regressor",
    "TrainingDiverged",
    "VariationalRegressor",
    "WeightPosterior",
    "adaptive_conformal",
    "beta_nll_loss",
    "book_posterior",
    "calibration_split",
    "central_band",
    "explore",
    "fit",
    "fit_map",
    "fit_mean_field",
    "full_laplace",
    "gaussian_log_likelihood",
    "gaussian_nll_loss",
    "get_device",
    "half_mse",
    "hmc",
    "hetero_noise_std",
    "label",
    "last_layer_laplace",
    "listing",
    "make_dataset",
    "make_hetero_dataset",
    "mixture_quantiles",
    "negative_elbo",
    "plot_band",
    "plot_calibration",
    "plot_data",
    "plot_explorer",
    "plot_history",
    "plot_mle_fit",
    "plot_predictive",
    "plot_theory_vs_network",
    "predictive_normal",
    "predictive_quantiles",
    "predictive_samples",
    "print_log",
    "prior_from_targets",
    "set_seed",
    "split_conformal",
    "true_function",
    "use_language",
    "validate",
]
