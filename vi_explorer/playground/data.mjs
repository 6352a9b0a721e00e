// The book's data sets, with the playground's own random numbers:
//
//   makeData        vi_helpers.data.make_dataset: the cubic, constant noise (chapters 1–6)
//   makeHeteroData  vi_helpers.make_hetero_dataset: chapter 7's noise that grows
//                   with |x|, a hole in the training x, points beyond the data
import { linspace, pick } from './arrays.mjs';
import { Random, STREAM } from './random.mjs';

const SPLIT_SEED = 1996; // the source's split seed (our own generator, not NumPy's)
export const HOLE = [0.75, 1.75]; // chapter 7's hole in the training x
const BEYOND = 4.5; // and its points beyond the data, 3 < |x| <= 4.5
export const DATASETS = ['cubic', 'hetero'];

// The source's f, written as the source writes it: 2x^(2+1) is cubic too.
export function trueFunction(x) {
  return 0.2 * Math.pow(x, 3) - 2 * Math.pow(x, 2 + 1) + 8 * x;
}

// Chapter 7's noise: sigma(x) = 0.3 + 0.57|x| (vi_helpers.hetero_noise_std).
export function heteroNoiseStd(x) { return 0.3 + 0.57 * Math.abs(x); }

// y = f(x) + sigmaAt(x)·N(0, 1) at each x.
function noisyTargets(x, sigmaAt, seed) {
  const noise = new Random(seed, STREAM.noise);
  const yTrue = new Float64Array(x.length), y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    yTrue[i] = trueFunction(x[i]);
    y[i] = yTrue[i] + sigmaAt(x[i]) * noise.normal();
  }
  return { yTrue, y };
}

function swap(a, i, j) {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

// A data set from given arrays (the parity tests pass torch's).
export function fromArrays(x, y, yTrue, trainIdx, valIdx, sigma, seed) {
  return {
    x, y, yTrue, sigma, seed, trainIdx, valIdx,
    xTrain: pick(x, trainIdx), yTrain: pick(y, trainIdx),
    xVal: pick(x, valIdx), yVal: pick(y, valIdx),
  };
}

// y = f(x) + N(0, sigma²) on linspace(-3, 3, n), int(0.2·n) points held out.
export function makeData(n, sigma, seed) {
  const x = linspace(-3, 3, n);
  const { yTrue, y } = noisyTargets(x, () => sigma, seed);
  const order = new Int32Array(n); // a random permutation (Fisher–Yates)
  for (let i = 0; i < n; i++) order[i] = i;
  const split = new Random(SPLIT_SEED, STREAM.split);
  for (let i = n - 1; i > 0; i--) swap(order, i, Math.floor(split.uniform() * (i + 1)));
  const nVal = Math.floor(n * 0.2);
  const valIdx = order.slice(0, nVal).sort(), trainIdx = order.slice(nVal).sort();
  return fromArrays(x, y, yTrue, trainIdx, valIdx, sigma, seed);
}

// Chapter 7's x: linspace(-3, 3, n), and n/16 more points on each side out to ±4.5.
function heteroX(n) {
  const half = Math.floor(n / 16), right = linspace(3, BEYOND, half + 1).slice(1);
  const x = new Float64Array(n + 2 * half);
  for (let i = 0; i < half; i++) {
    x[i] = -right[half - 1 - i];
    x[half + n + i] = right[i];
  }
  x.set(linspace(-3, 3, n), half);
  return { x, half };
}

const byNumber = (a, b) => a - b;

// int(0.2·pool) of the pool held out at random (a partial Fisher–Yates), sorted.
function splitPool(pool) {
  const split = new Random(SPLIT_SEED, STREAM.split);
  const nInside = Math.floor(0.2 * pool.length), order = pool.slice();
  for (let i = 0; i < nInside; i++) {
    swap(order, i, i + Math.floor(split.uniform() * (order.length - i)));
  }
  return {
    inside: Int32Array.from(order.slice(0, nInside).sort(byNumber)),
    trainIdx: Int32Array.from(order.slice(nInside).sort(byNumber)),
  };
}

// Chapter 7's data set, as vi_helpers.make_hetero_dataset builds it (with our
// own generator): n points on linspace(-3, 3, n) with noise sigma(x), n/8 more
// beyond the data (half on each side); every point in the hole is held out
// ("hole"), int(0.2·rest) of the others too ("inside", between the training
// points), and the points beyond the data ("beyond"). xVal and yVal are the
// "inside" points, so that the band's score means what it means on the cubic.
export function makeHeteroData(n, seed) {
  const { x, half } = heteroX(n);
  const { yTrue, y } = noisyTargets(x, heteroNoiseStd, seed);
  const hole = [], pool = [], beyond = [];
  for (let i = 0; i < x.length; i++) {
    if (i < half || i >= half + n) beyond.push(i);
    else if (HOLE[0] < x[i] && x[i] < HOLE[1]) hole.push(i);
    else pool.push(i);
  }
  const { inside, trainIdx } = splitPool(pool);
  let ms = 0;
  for (let i = 0; i < trainIdx.length; i++) ms += Math.pow(heteroNoiseStd(x[trainIdx[i]]), 2);
  const d = fromArrays(x, y, yTrue, trainIdx, inside, Math.sqrt(ms / trainIdx.length), seed);
  d.name = 'hetero';
  d.regions = { inside, hole: Int32Array.from(hole), beyond: Int32Array.from(beyond) };
  d.xRange = [-BEYOND, BEYOND];
  return d;
}

// The data set a page's settings ask for: 'cubic' (chapters 1–6) or 'hetero'.
export function dataFor(settings) {
  if (settings.data === 'hetero') return makeHeteroData(settings.n, settings.seed);
  const d = makeData(settings.n, settings.sigma, settings.seed);
  d.name = 'cubic';
  d.xRange = [-3, 3];
  return d;
}
