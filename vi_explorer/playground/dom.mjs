// Elements made with attributes and text only (setAttribute, textContent), so
// that nothing from the URL is ever parsed as HTML.
const SVG = 'http://www.w3.org/2000/svg';

function made(node, attrs, text) {
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// el('p', {class: 'x'}, 'text'): an HTML element.
export function el(tag, attrs, text) { return made(document.createElement(tag), attrs, text); }

// svgEl('line', {x1: 0, ...}): an SVG element.
export function svgEl(tag, attrs, text) {
  return made(document.createElementNS(SVG, tag), attrs, text);
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}
