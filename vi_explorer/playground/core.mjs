// The playground's numerics in one place: the book's data, networks, losses and
// optimiser in plain JavaScript (Float64Array), so that a reader's browser can
// train the models of chapters 1–5 and 7 with no server and no library. Each
// module re-implements one definition of the Python package:
//
//   random.mjs    the playground's own random numbers (mulberry32)
//   data.mjs      vi_helpers.data.make_dataset and make_hetero_dataset
//   kernels.mjs, linear.mjs, mlp.mjs
//                 torch.nn.Linear and nn.Sequential(..., nn.ReLU(), ...), with
//                 PyTorch's default initialisation; every backward pass by hand
//   models.mjs    the MLE, the source's variational model, β-NLL (chapter 5)
//   adam.mjs      torch.optim.Adam(params, lr) with its defaults
//   band.mjs, trainer.mjs
//                 the 90 % band and its score; one run, as vi_helpers.fit
//   settings.mjs, nearest_cell.mjs, serve_worker.mjs
//                 the page's settings, its first picture, the training loop
//
// tests/js/ checks all of it against numbers exported from PyTorch
// (python -m vi_explorer.playground_fixtures). The page exposes this module as
// window.VIPlayground.core (the benchmarks time the Trainer through it).
export { Random, STREAM } from './random.mjs';
export { linspace, mean, variance } from './arrays.mjs';
export {
  DATASETS, HOLE, dataFor, fromArrays, heteroNoiseStd, makeData, makeHeteroData, trueFunction,
} from './data.mjs';
export { Linear } from './linear.mjs';
export { MLP } from './mlp.mjs';
export { BetaNLLModel, MLEModel, MODELS, SourceModel } from './models.mjs';
export { Adam } from './adam.mjs';
export { CURVE_POINTS, Z95, curveGrid, regionScores, score } from './band.mjs';
export { Trainer } from './trainer.mjs';
export {
  N_POINTS, RANGES, changeSetting, defaults, formatSettings, parseNumber, parseSettings,
} from './settings.mjs';
export { interpolate, nearestCell } from './nearest_cell.mjs';
export { serveWorker } from './serve_worker.mjs';
