"""The explorer for the static book: sliders that still answer, with no kernel.

:func:`static_explorer_html` turns a grid from
:func:`vi_helpers.explorer.explorer_grid` into one self-contained piece of HTML:
two range sliders (σ and epochs), a model menu, an inline SVG figure and a short
script that redraws the SVG from the grid embedded as JSON. It loads nothing
from anywhere, so it works offline and in the built Jupyter Book as well as in
Jupyter. Every text comes from :data:`vi_helpers.i18n.LABELS`.

For a browser test the pieces carry stable attributes: the root
``div[data-vi-explorer]`` (id ``vi-explorer-<lang>``), ``input[data-role=sigma]``,
``input[data-role=epochs]``, ``select[data-role=model]`` and
``svg[data-role=figure]``, whose ``data-state`` reads ``model|sigma|epochs``.
"""

from __future__ import annotations

import json

from .explorer import MODELS, Z95, cell_key
from .i18n import check_language, label

MAX_BYTES = 1_500_000  # the book's limit per page

_CSS = """
.vi-explorer{max-width:760px;margin:1em 0;font-size:0.9rem}
.vi-explorer .vi-controls{display:flex;flex-wrap:wrap;gap:0.4em 1.4em;
  align-items:center;margin-bottom:0.4em}
.vi-explorer label{display:flex;align-items:center;gap:0.4em}
.vi-explorer input[type=range]{width:10em}
.vi-explorer output{min-width:3.2em;font-variant-numeric:tabular-nums}
.vi-explorer svg{width:100%;height:auto;background:#fff;border:1px solid #ddd}
.vi-explorer svg text{font-family:inherit;fill:#222}
.vi-explorer .vi-note{font-size:0.8rem;color:#555;margin:0.3em 0 0}
"""

# The script finds its root as its parent element, reads the grid from the JSON
# script next to it and redraws the SVG whenever a control changes.
_JS = r"""
(function () {
  var me = document.currentScript;
  var root = me ? me.parentElement : null;
  if (!root || !root.hasAttribute('data-vi-explorer')) {
    var all = document.querySelectorAll('[data-vi-explorer]:not([data-ready])');
    root = all[all.length - 1];
  }
  if (!root) return;
  root.setAttribute('data-ready', '1');
  var G = JSON.parse(root.querySelector('script[data-role=grid]').textContent);
  var T = G.text;
  var q = function (role) { return root.querySelector('[data-role=' + role + ']'); };
  var sigmaIn = q('sigma'), epochsIn = q('epochs'), modelIn = q('model');
  var svg = q('figure');
  var W = 640, H = 400, L = 44, R = 10, TOP = 26, B = 112;
  var ylo = G.y_limits[0], yhi = G.y_limits[1];
  function X(x) { return (L + (x + 3) / 6 * (W - L - R)).toFixed(1); }
  function Y(y) {
    y = Math.max(ylo, Math.min(yhi, y));
    return (TOP + (yhi - y) / (yhi - ylo) * (H - TOP - B)).toFixed(1);
  }
  function line(ys) {
    return G.x.map(function (x, i) { return X(x) + ',' + Y(ys[i]); }).join(' ');
  }
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  }
  function width(s) {  // rough width at 11px: Hangul is about twice as wide
    var w = 0;
    for (var i = 0; i < s.length; i++) w += s.charCodeAt(i) > 0x1100 ? 11 : 6.2;
    return w;
  }
  function text(x, y, s, extra) {
    return '<text x="' + x + '" y="' + y + '" ' + (extra || '') + '>' + esc(s)
      + '</text>';
  }
  function draw() {
    var si = +sigmaIn.value, ei = +epochsIn.value, m = modelIn.value;
    var s = G.sigma_keys[si], e = G.epochs[ei];
    var key = m + '|' + s + '|' + e;
    var c = G.cells[key], d = G.data[s];
    q('sigma-value').textContent = s;
    q('epochs-value').textContent = G.epoch_text[ei];
    var out = [];
    out.push('<rect x="' + L + '" y="' + TOP + '" width="' + (W - L - R)
      + '" height="' + (H - TOP - B) + '" fill="#fff" stroke="#999"/>');
    for (var xt = -3; xt <= 3; xt++) {
      out.push('<line x1="' + X(xt) + '" x2="' + X(xt) + '" y1="' + Y(ylo)
        + '" y2="' + Y(yhi) + '" stroke="#eee"/>');
      out.push(text(X(xt), H - B + 14, xt, 'text-anchor="middle" font-size="11"'));
    }
    for (var yt = ylo; yt <= yhi; yt += 10) {
      out.push('<line x1="' + L + '" x2="' + (W - R) + '" y1="' + Y(yt) + '" y2="'
        + Y(yt) + '" stroke="#eee"/>');
      out.push(text(L - 4, +Y(yt) + 4, yt, 'text-anchor="end" font-size="11"'));
    }
    out.push(text((L + W - R) / 2, H - B + 30, T.x,
      'text-anchor="middle" font-size="12"'));
    out.push(text(12, (TOP + H - B) / 2, T.y,
      'text-anchor="middle" font-size="12" transform="rotate(-90 12 '
      + (TOP + H - B) / 2 + ')"'));
    var dots = d.x.map(function (x, i) { return 'M' + X(x) + ' ' + Y(d.y[i]) + 'h0'; });
    out.push('<path d="' + dots.join('') + '" stroke="#1f77b4" stroke-opacity="0.5"'
      + ' stroke-width="3" stroke-linecap="round" fill="none"/>');
    var upper = G.x.map(function (x, i) { return X(x) + ',' + Y(c.upper[i]); });
    var lower = G.x.map(function (x, i) { return X(x) + ',' + Y(c.lower[i]); });
    out.push('<polygon points="' + upper.concat(lower.reverse()).join(' ')
      + '" fill="#ff7f0e" fill-opacity="0.3"/>');
    out.push('<polyline points="' + line(G.f) + '" fill="none" stroke="#000"'
      + ' stroke-width="1.5"/>');
    out.push('<polyline points="' + line(c.median) + '" fill="none" stroke="#d62728"'
      + ' stroke-width="2"/>');
    out.push(text(W / 2, 17, c.title, 'text-anchor="middle" font-size="13"'));
    var legend = [['#1f77b4', T.data], ['#ff7f0e', T.band], ['#000', T.true_f],
                  ['#d62728', c.center]];
    var lx = L;
    legend.forEach(function (it) {
      out.push('<rect x="' + lx + '" y="' + (H - B + 38) + '" width="14" height="8"'
        + ' fill="' + it[0] + '" fill-opacity="0.6"/>');
      out.push(text(lx + 19, H - B + 46, it[1], 'font-size="11"'));
      lx += 30 + width(it[1]);
    });
    c.lines.forEach(function (s, i) {
      out.push(text(L, H - B + 64 + 15 * i, s, 'font-size="11"'));
    });
    svg.innerHTML = out.join('');
    svg.setAttribute('data-state', key);
    svg.setAttribute('aria-label', c.title);
  }
  [sigmaIn, epochsIn, modelIn].forEach(function (el) {
    el.addEventListener('input', draw);
    el.addEventListener('change', draw);
  });
  draw();
})();
"""


def _check_grid(grid: dict) -> None:
    for k in ("sigmas", "epochs", "models", "x", "f", "data", "cells", "y_limits"):
        if k not in grid:
            raise ValueError(f"grid must have the key {k!r} (from explorer_grid)")
    missing = [
        cell_key(m, s, e)
        for m in grid["models"] for s in grid["sigmas"] for e in grid["epochs"]
        if cell_key(m, s, e) not in grid["cells"]
    ]
    if missing:
        raise ValueError(f"grid lacks {len(missing)} cell(s), e.g. {missing[:3]}")


def _page_grid(grid: dict, lang: str) -> dict:
    """The grid plus every text the page shows, formatted in ``lang``."""
    n, n_train, seed = grid["n"], grid["n_train"], grid["seed"]
    cells = {}
    for m in grid["models"]:
        name = label(MODELS[m].label, lang) if m in MODELS else m
        for s in grid["sigmas"]:
            for e in grid["epochs"]:
                key = cell_key(m, s, e)
                c = dict(grid["cells"][key])
                c["center"] = label(MODELS[m].center if m in MODELS else "median",
                                    lang)
                c["title"] = label("explorer_title", lang, model=name, sigma=s,
                                   epochs=e)
                c["lines"] = [
                    label("coverage_line", lang, coverage=c["coverage"]),
                    label("width_line", lang, width=c["width"],
                          calibrated=2 * Z95 * s),
                    label("n_line", lang, n=n, n_train=n_train, seed=seed),
                ]
                cells[key] = c
    return {
        "x": grid["x"], "f": grid["f"], "y_limits": grid["y_limits"],
        "sigma_keys": [f"{float(s):g}" for s in grid["sigmas"]],
        "epochs": grid["epochs"],
        "epoch_text": [f"{e:,}" for e in grid["epochs"]],
        "data": grid["data"], "cells": cells,
        "text": {k: label(k, lang) for k in
                 ("x", "y", "data", "band", "true_f")},
    }


def static_explorer_html(
    grid: dict,
    lang: str = "en",
    model: str = "source_vi",
    sigma: float = 1.5,
    epochs: int = 1000,
) -> str:
    """The static explorer as one HTML string (``<div>`` with CSS, SVG and script).

    ``grid`` comes from :func:`vi_helpers.explorer.explorer_grid` (or its JSON);
    ``model``, ``sigma`` and ``epochs`` choose the setting shown first and must be
    in the grid. Raises ValueError if the result would exceed 1.5 MB.
    """
    check_language(lang)
    _check_grid(grid)
    if model not in grid["models"]:
        raise ValueError(f"model must be one of {grid['models']}, got {model!r}")
    sigmas = [float(s) for s in grid["sigmas"]]
    if sigma not in sigmas:
        raise ValueError(f"sigma must be one of {sigmas}, got {sigma!r}")
    if epochs not in grid["epochs"]:
        raise ValueError(f"epochs must be one of {grid['epochs']}, got {epochs!r}")
    page = _page_grid(grid, lang)
    data = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # cannot close the <script> early
    options = "".join(
        f'<option value="{m}"{" selected" if m == model else ""}>'
        f"{label(MODELS[m].label, lang) if m in MODELS else m}</option>"
        for m in grid["models"]
    )
    si, ei = sigmas.index(sigma), grid["epochs"].index(epochs)
    note = label(
        "static_note", lang, seed=grid["seed"], n=grid["n"],
        sigmas=", ".join(page["sigma_keys"]), epochs=", ".join(page["epoch_text"]),
    )
    html = (
        f'<div class="vi-explorer" id="vi-explorer-{lang}" data-vi-explorer '
        f'lang="{lang}">'
        f"<style>{_CSS}</style>"
        '<div class="vi-controls">'
        f'<label>{label("sigma_slider", lang)} '
        f'<input type="range" data-role="sigma" min="0" max="{len(sigmas) - 1}" '
        f'step="1" value="{si}" aria-label="{label("sigma_slider", lang)}">'
        f'<output data-role="sigma-value">{page["sigma_keys"][si]}</output></label>'
        f'<label>{label("epochs_slider", lang)} '
        f'<input type="range" data-role="epochs" min="0" '
        f'max="{len(grid["epochs"]) - 1}" step="1" value="{ei}" '
        f'aria-label="{label("epochs_slider", lang)}">'
        f'<output data-role="epochs-value">{page["epoch_text"][ei]}</output></label>'
        f'<label>{label("model_choice", lang)} '
        f'<select data-role="model">{options}</select></label>'
        "</div>"
        '<svg data-role="figure" viewBox="0 0 640 400" role="img" '
        'preserveAspectRatio="xMidYMid meet"></svg>'
        f'<p class="vi-note">{note}</p>'
        f'<script type="application/json" data-role="grid">{data}</script>'
        f"<script>{_JS}</script>"
        "</div>"
    )
    size = len(html.encode("utf-8"))
    if size > MAX_BYTES:
        raise ValueError(f"the static explorer must stay under {MAX_BYTES:,} bytes, "
                         f"got {size:,}: use fewer points or decimals")
    return html


def static_explorer(grid: dict, lang: str = "en", **first):
    """The static explorer for a notebook cell: an ``IPython.display.HTML`` object."""
    from IPython.display import HTML

    return HTML(static_explorer_html(grid, lang, **first))
