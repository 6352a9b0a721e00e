// The page's settings: {model, sigma, epochs, seed, lr, n, data}.
//
// They come from the page's URL, which anyone can write, and from its inputs:
// each value is parsed, checked and clamped here, and a bad one falls back to
// its default with a problem to report. Nothing from the URL is ever written
// into the page as HTML.
import { DATASETS } from './data.mjs';
import { MODELS } from './models.mjs';

export const RANGES = {
  sigma: { min: 0.1, max: 3, integer: false },
  epochs: { min: 1, max: 5000, integer: true },
  seed: { min: 0, max: 2147483647, integer: true },
  lr: { min: 1e-5, max: 0.1, integer: false },
};
export const N_POINTS = 2000; // the explorer's data size: 1,600 for training, 400 held out
// The keys a URL may set, in formatSettings' order.
export const URL_KEYS = ['model', 'sigma', 'epochs', 'seed', 'lr', 'data'];

const isModel = (name) => Object.prototype.hasOwnProperty.call(MODELS, name);

export function defaults(model, data) {
  const m = isModel(model) ? model : 'beta_nll';
  return { model: m, sigma: 1.5, epochs: MODELS[m].epochs, seed: 0, lr: MODELS[m].lr,
    n: N_POINTS, data: DATASETS.includes(data) ? data : 'cubic' };
}

// One value of the URL: a finite number, clamped to its range (integers rounded).
// Returns {value} or {problem: 'invalid' | 'clamped', value}.
export function parseNumber(name, text, fallback) {
  const range = RANGES[name];
  const s = String(text).trim();
  const ok = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s);
  const v = ok ? Number(s) : NaN;
  if (!isFinite(v) || (range.integer && Math.floor(v) !== v)) {
    return { value: fallback, problem: 'invalid' };
  }
  const clamped = Math.min(range.max, Math.max(range.min, v));
  return clamped === v ? { value: v } : { value: clamped, problem: 'clamped' };
}

// Settings from a query string or hash ("sigma=1.3&epochs=700&model=beta_nll").
// Returns {settings, problems: [{name, problem, text}]}; unknown keys are ignored.
export function parseSettings(text) {
  const params = new URLSearchParams(String(text || '').replace(/^[?#]/, ''));
  const problems = [];
  let model = params.get('model');
  if (model !== null && !isModel(model)) {
    problems.push({ name: 'model', problem: 'invalid', text: model });
    model = null;
  }
  let data = params.get('data');
  if (data !== null && !DATASETS.includes(data)) {
    problems.push({ name: 'data', problem: 'invalid', text: data });
    data = null;
  }
  const settings = defaults(model, data);
  for (const name of Object.keys(RANGES)) {
    const raw = params.get(name);
    if (raw === null) continue;
    const r = parseNumber(name, raw, settings[name]);
    settings[name] = r.value;
    if (r.problem) problems.push({ name, problem: r.problem, text: raw });
  }
  return { settings, problems };
}

// The settings after one input changed to text: a new model brings its own
// defaults (keeping sigma, seed and the data set). Returns {settings, problems}.
export function changeSetting(settings, name, text) {
  if (name === 'model') {
    const next = Object.assign(defaults(text, settings.data),
      { sigma: settings.sigma, seed: settings.seed });
    return { settings: next, problems: [] };
  }
  if (name === 'data') {
    const data = DATASETS.includes(text) ? text : 'cubic';
    return { settings: { ...settings, data }, problems: [] };
  }
  const r = parseNumber(name, text, settings[name]);
  const problems = r.problem ? [{ name, problem: r.problem, text }] : [];
  return { settings: { ...settings, [name]: r.value }, problems };
}

// The settings as a query string, in a fixed order (for the URL and as a key).
export function formatSettings(s) {
  return URL_KEYS.map((key) => `${key}=${s[key]}`).join('&');
}
