// The playground's settings: from a URL anyone can write, from its inputs, and back.
import assert from 'node:assert/strict';
import test from 'node:test';
import { MODELS } from '../../vi_explorer/playground/models.mjs';
import {
  changeSetting, defaults, formatSettings, parseSettings,
} from '../../vi_explorer/playground/settings.mjs';

test('settings from a URL: valid values are taken', () => {
  const { settings, problems } = parseSettings('#model=source&sigma=1.3&epochs=700&seed=4&lr=0.01');
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, { model: 'source', sigma: 1.3, epochs: 700, seed: 4, lr: 0.01, n: 2000,
    data: 'cubic' });
});

test('settings from a URL: no value gives the model defaults', () => {
  const { settings, problems } = parseSettings('');
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, defaults('beta_nll'));
  assert.equal(parseSettings('?model=mle').settings.lr, MODELS.mle.lr);
});

test('settings from a URL: out of range is clamped, and said', () => {
  const { settings, problems } = parseSettings('sigma=9&epochs=0&lr=1');
  assert.equal(settings.sigma, 3);
  assert.equal(settings.epochs, 1);
  assert.equal(settings.lr, 0.1);
  assert.deepEqual(problems.map((p) => [p.name, p.problem]),
    [['sigma', 'clamped'], ['epochs', 'clamped'], ['lr', 'clamped']]);
});

test('settings from a URL: garbage falls back to the default, and is said', () => {
  const bad = ['abc', '1.5x', '', ' ', 'NaN', 'Infinity', '0x10', '1e999', '2.5.1', '--1'];
  for (const text of bad) {
    const { settings, problems } = parseSettings('sigma=' + encodeURIComponent(text));
    assert.equal(settings.sigma, 1.5, text);
    assert.equal(problems.length, 1, text);
    assert.equal(problems[0].problem, 'invalid', text);
  }
  const { settings, problems } = parseSettings('epochs=12.5&seed=-3');
  assert.equal(settings.epochs, MODELS.beta_nll.epochs); // not an integer
  assert.equal(settings.seed, 0); // clamped to 0
  assert.deepEqual(problems.map((p) => p.problem), ['invalid', 'clamped']);
});

test('settings from a URL: an unknown model or markup is reported as text', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const { settings, problems } = parseSettings('model=' + encodeURIComponent(evil));
  assert.equal(settings.model, 'beta_nll');
  assert.deepEqual(problems, [{ name: 'model', problem: 'invalid', text: evil }]);
  // a name inherited by every object is not a model either
  assert.equal(parseSettings('model=constructor').problems[0].name, 'model');
  assert.equal(defaults('constructor').model, 'beta_nll');
});

test('settings from a URL: other keys (a heading anchor) are ignored', () => {
  assert.deepEqual(parseSettings('#exercises').problems, []);
});

test('settings survive a round trip through the URL', () => {
  const s = { model: 'mle', sigma: 0.35, epochs: 1234, seed: 7, lr: 0.0005, n: 2000, data: 'cubic' };
  assert.equal(formatSettings(s), 'model=mle&sigma=0.35&epochs=1234&seed=7&lr=0.0005&data=cubic');
  assert.deepEqual(parseSettings(formatSettings(s)).settings, s);
  const h = { ...s, data: 'hetero' };
  assert.deepEqual(parseSettings(formatSettings(h)).settings, h);
});

test('data set from a URL: chapter 7 is taken, anything else falls back and is said', () => {
  assert.equal(parseSettings('data=hetero').settings.data, 'hetero');
  assert.equal(parseSettings('').settings.data, 'cubic');
  const { settings, problems } = parseSettings('data=%3Cscript%3E&model=mle');
  assert.equal(settings.data, 'cubic');
  assert.equal(settings.model, 'mle');
  assert.deepEqual(problems.map((p) => [p.name, p.problem]), [['data', 'invalid']]);
});

test('an input changes one setting; a new model brings its defaults, keeps sigma and seed', () => {
  const s = { ...defaults('mle', 'hetero'), sigma: 0.7, seed: 3, epochs: 50 };
  const model = changeSetting(s, 'model', 'source');
  assert.deepEqual(model.settings, { ...defaults('source', 'hetero'), sigma: 0.7, seed: 3 });
  assert.deepEqual(model.problems, []);
  assert.equal(changeSetting(s, 'data', 'cubic').settings.data, 'cubic');
  assert.equal(changeSetting(s, 'data', 'nonsense').settings.data, 'cubic');
  assert.equal(changeSetting(s, 'epochs', '300').settings.epochs, 300);
  const typed = changeSetting(s, 'lr', '7');
  assert.equal(typed.settings.lr, 0.1);
  assert.deepEqual(typed.problems, [{ name: 'lr', problem: 'clamped', text: '7' }]);
  const bad = changeSetting(s, 'seed', 'x');
  assert.equal(bad.settings.seed, 3);
  assert.equal(bad.problems[0].problem, 'invalid');
  assert.equal(s.epochs, 50, 'the old settings are left as they were');
});
