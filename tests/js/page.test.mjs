// The page's words and drawing arithmetic, without a browser.
import assert from 'node:assert/strict';
import test from 'node:test';
import { LABELS } from '../../vi_explorer/playground/labels.mjs';
import { MODELS } from '../../vi_explorer/playground/models.mjs';
import { BAND, niceStep, polyline, scaleX, scaleY } from '../../vi_explorer/playground/plot.mjs';
import { defaults } from '../../vi_explorer/playground/settings.mjs';
import {
  coverageText, fill, fmt, modelNote, problemsText, shown, thousands,
} from '../../vi_explorer/playground/text.mjs';

// 'title', 'regions.inside', ...: every key, nested ones with their parent's.
function keys(o) {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object'
    ? keys(v).map((s) => `${k}.${s}`) : [k])).sort();
}

test('the page labels: the same keys in English and Korean', () => {
  const { en, ko } = LABELS;
  assert.deepEqual(keys(ko), keys(en));
  for (const key of Object.keys(MODELS)) assert.ok(en[key] && ko[key], key);
});

test('text: templates, numbers without a locale, thousands', () => {
  assert.equal(fill('epoch {epoch} of {epochs}', { epoch: 3, epochs: 10 }), 'epoch 3 of 10');
  assert.equal(fill('{unknown} stays', {}), '{unknown} stays');
  assert.equal(fmt(1.23456, 3), '1.235');
  assert.equal(fmt('2', 2), '2.00');
  assert.equal(thousands(1234567), '1,234,567');
  assert.equal(thousands(999), '999');
  assert.equal(shown('x'.repeat(30)), `${'x'.repeat(24)}…`);
});

test("text: a link's bad values are reported as text, with the value used", () => {
  const T = LABELS.en, settings = defaults('beta_nll');
  const problems = [{ name: 'model', problem: 'invalid', text: '<img src=x onerror=alert(1)>' },
    { name: 'epochs', problem: 'clamped', text: '99999' }];
  const linked = problemsText(T, problems, { ...settings, epochs: 5000 }, false);
  assert.equal(linked, 'The link\'s model "<img src=x onerror=alert…" is not a valid value; '
    + `using ${T.beta_nll}. The link's epochs "99999" is out of range; using 5000.`);
  const typed = problemsText(T, problems.slice(1), { ...settings, epochs: 5000 }, true);
  assert.equal(typed, 'epochs "99999" is out of range; using 5000.');
  assert.equal(problemsText(T, [], settings, true), '');
});

test('plot: scales map the range onto the box, y clipped to it', () => {
  const X = scaleX(BAND, -3, 3), Y = scaleY(BAND, -40, 40);
  assert.equal(X(-3), BAND.L);
  assert.equal(X(3), BAND.W - BAND.R);
  assert.equal(Y(40), BAND.T);
  assert.equal(Y(-40), BAND.H - BAND.B);
  assert.equal(Y(1000), Y(40));
  assert.equal(polyline([-3, 3], [40, -40], X, Y), `${BAND.L.toFixed(1)},${BAND.T.toFixed(1)} `
    + `${(BAND.W - BAND.R).toFixed(1)},${(BAND.H - BAND.B).toFixed(1)}`);
});

test('plot: about four ticks of 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(1000), 200);
  assert.equal(niceStep(200), 50);
  assert.equal(niceStep(4), 1);
  assert.equal(niceStep(0.8), 0.2);
});

test('text: the headline coverage names its region on chapter 7\'s data', () => {
  const T = LABELS.en;
  assert.equal(coverageText(T, 0.9, null), '0.900 (target 0.900)');
  assert.equal(coverageText(T, 0.9, { inside: {} }), '0.900 (target 0.900, inside the data)');
});

test('text: a new model says that its epochs and learning rate came with it', () => {
  const T = LABELS.en;
  const mle = defaults('mle'), beta = defaults('beta_nll');
  const note = modelNote(T, mle, beta);
  assert.ok(note.includes(T.beta_nll) && note.includes(String(beta.epochs)), note);
  assert.ok(note.includes(String(beta.lr)), note);
  assert.equal(modelNote(T, beta, { ...beta }), '');
  assert.ok(modelNote(LABELS.ko, mle, beta).includes('에폭'));
});
