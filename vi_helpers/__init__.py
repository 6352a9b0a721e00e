"""vi_helpers: the code behind the book *Variational inference for regression*.

Every chapter imports its data, models, losses, training loop and figures from
here, so the Korean and English notebooks run the same code.
"""

from .bayes import BayesByBackpropLoss, BayesianRegressor
from .data import Dataset, make_dataset, true_function
from .explorer import (
    ExplorerResult,
    cached_explore,
    explore,
    explorer_grid,
    plot_explorer,
)
from .heteroscedastic import HeteroscedasticRegressor, beta_nll_loss, gaussian_nll_loss
from .i18n import use_language
from .losses import gaussian_log_likelihood, half_mse, negative_elbo, prior_from_targets
from .models import MLERegressor, VariationalRegressor
from .plotting import (
    plot_band,
    plot_calibration,
    plot_data,
    plot_history,
    plot_mle_fit,
    plot_predictive,
    plot_theory_vs_network,
)
from .predict import predictive_quantiles, predictive_samples
from .static_explorer import static_explorer
from .train import History, TrainingDiverged, fit, print_log
from .utils import get_device, set_seed

__version__ = "0.1.0"

__all__ = [
    "BayesByBackpropLoss",
    "BayesianRegressor",
    "Dataset",
    "ExplorerResult",
    "HeteroscedasticRegressor",
    "History",
    "MLERegressor",
    "TrainingDiverged",
    "VariationalRegressor",
    "beta_nll_loss",
    "cached_explore",
    "explore",
    "explorer_grid",
    "fit",
    "gaussian_log_likelihood",
    "gaussian_nll_loss",
    "get_device",
    "half_mse",
    "make_dataset",
    "negative_elbo",
    "plot_band",
    "plot_calibration",
    "plot_data",
    "plot_explorer",
    "plot_history",
    "plot_mle_fit",
    "plot_predictive",
    "plot_theory_vs_network",
    "predictive_quantiles",
    "predictive_samples",
    "print_log",
    "prior_from_targets",
    "set_seed",
    "static_explorer",
    "true_function",
    "use_language",
]
