// The controls: native inputs with labels, so that the keyboard and screen
// readers work. Their names (model, data, sigma, epochs, seed, lr) are the
// settings' keys, and part of the page's contract with its tests.
import { DATASETS } from './data.mjs';
import { el } from './dom.mjs';
import { MODELS } from './models.mjs';
import { RANGES as r } from './settings.mjs';
import { fmt } from './text.mjs';

function select(keys, T) {
  const node = el('select');
  for (const key of keys) node.appendChild(el('option', { value: key }, T[key]));
  return node;
}

function numberInput(range, step, inputmode) {
  return el('input', { type: 'number', min: range.min, max: range.max, step, inputmode });
}

export function createControls(T, id) {
  const element = el('div', { class: 'vi-pg-controls' });
  function field(name, input, output) {
    const wrap = el('span', { class: 'vi-pg-field' });
    input.id = `${id}-${name}`;
    input.name = name;
    wrap.appendChild(el('label', { for: input.id }, T[name]));
    wrap.appendChild(input);
    if (output) wrap.appendChild(output);
    element.appendChild(wrap);
    return input;
  }
  const sigmaOut = el('output', { for: `${id}-sigma` });
  const inputs = {
    model: field('model', select(Object.keys(MODELS), T)),
    data: field('data', select(DATASETS, T)),
    sigma: field('sigma', el('input', { type: 'range', min: r.sigma.min, max: r.sigma.max,
      step: '0.01' }), sigmaOut),
    epochs: field('epochs', numberInput(r.epochs, '1', 'numeric')),
    seed: field('seed', numberInput(r.seed, '1', 'numeric')),
    lr: field('lr', numberInput(r.lr, 'any', 'decimal')),
  };
  const trainBtn = el('button', { type: 'button', class: 'vi-pg-train' }, T.train);
  const stopBtn = el('button', { type: 'button', class: 'vi-pg-stop', disabled: '' }, T.stop);
  element.appendChild(trainBtn);
  element.appendChild(stopBtn);

  // σ's readout: the slider's value, or chapter 7's σ(x), where the slider is off.
  function showSigma(sigma, hetero) {
    sigmaOut.textContent = hetero ? T.heteroSigma : fmt(sigma, 2);
  }

  return {
    element, inputs, trainBtn, stopBtn, showSigma,
    // The inputs as the settings say.
    show(s) {
      inputs.model.value = s.model;
      inputs.data.value = s.data;
      inputs.sigma.value = String(s.sigma);
      showSigma(s.sigma, s.data === 'hetero');
      inputs.epochs.value = String(s.epochs);
      inputs.seed.value = String(s.seed);
      inputs.lr.value = String(s.lr);
    },
    // A new data set on screen: chapter 7's noise is its own, no slider.
    showDataSet(hetero, sigma) {
      inputs.sigma.disabled = hetero;
      showSigma(sigma, hetero);
    },
  };
}
