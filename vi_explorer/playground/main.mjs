// The playground's page script (build.mjs bundles it into
// vi_explorer/static/playground/vi_playground.js): every element
// <div data-playground-slot></div> of the page becomes a playground.
//
// The settings live in the URL (#model=beta_nll&sigma=1.3&...), so that a teacher
// can share one. The URL is untrusted: settings.mjs checks and clamps each value,
// a bad one falls back to its default and the page says so, and no text from the
// URL is ever written as HTML (textContent and setAttribute only). While a change
// waits for its run, the root's data-preview names the precomputed grid cell on
// screen (model|sigma|epochs).
import * as core from './core.mjs';
import { LABELS } from './labels.mjs';
import { urlSettings } from './page_input.mjs';
import { Playground } from './playground.mjs';
import { parseSettings } from './settings.mjs';
import { createView } from './view.mjs';

let count = 0; // playgrounds on the page, for unique element ids

function pageLanguage() {
  const lang = (document.documentElement.getAttribute('lang') || 'en').toLowerCase();
  return lang.indexOf('ko') === 0 ? 'ko' : 'en';
}

export function mount(slot) {
  if (slot.getAttribute('data-playground-mounted')) return;
  slot.setAttribute('data-playground-mounted', '1');
  const lang = pageLanguage(), T = LABELS[lang];
  count += 1;
  const { settings, problems } = parseSettings(urlSettings());
  new Playground(createView(slot, T, `vi-pg-${count}`, lang), T, settings).open(problems);
}

export function mountAll() {
  for (const slot of document.querySelectorAll('[data-playground-slot]')) mount(slot);
}

window.VIPlayground = { core, LABELS, mount, mountAll };
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
else mountAll();
