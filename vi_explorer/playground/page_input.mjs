// What the page gives the playground: the settings in its URL, and the grid of
// the static explorer on the same page.
import { URL_KEYS, formatSettings } from './settings.mjs';

// The settings of the URL as one query string: those of the query, then those
// of the hash, which win (a hash that is a heading's anchor names none).
export function urlSettings() {
  const query = new URLSearchParams(location.search.replace(/^\?/, ''));
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  for (const k of URL_KEYS) if (hash.has(k)) query.set(k, hash.get(k));
  return query.toString();
}

// The settings into the URL's hash, to share.
export function writeUrl(settings) {
  if (!window.history || !history.replaceState) return;
  try {
    history.replaceState(null, '',
      `${location.pathname}${location.search}#${formatSettings(settings)}`);
  } catch (err) { /* some file:// pages refuse: the settings still apply */ }
}

let gridCache;

// The static explorer's grid on this page (its JSON, parsed once, never run),
// or null: the playground's instant first picture.
export function pageGrid() {
  if (gridCache !== undefined) return gridCache;
  gridCache = null;
  const node = document.querySelector('script[type="application/json"][data-role="grid"]');
  if (!node) return gridCache;
  try {
    const g = JSON.parse(node.textContent);
    if (g && Array.isArray(g.x) && g.cells && typeof g.cells === 'object') gridCache = g;
  } catch (err) { /* no first picture from the grid; the live run still comes */ }
  return gridCache;
}
