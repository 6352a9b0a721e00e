"""The explorer for the static book: sliders that still answer, with no kernel.

:func:`static_explorer_html` turns the grid of ``python -m vi_explorer.grid`` into one
self-contained piece of HTML: two range sliders (σ and epochs), a model menu, an
inline SVG figure and the script of ``static_explorer.js``, which redraws the SVG
from the grid embedded as JSON. It loads nothing from anywhere, so it works
offline. The book's site extension (``book/_ext/vi_site.py``) puts it where a
page has the placeholder ``<div data-vi-explorer-slot>`` (chapter 6), in the
page's language. Every text comes from :data:`vi_helpers.i18n.LABELS`.

For a browser test the pieces carry stable attributes: the root
``div[data-vi-explorer]`` (id ``vi-explorer-<lang>``), ``input[data-role=sigma]``,
``input[data-role=epochs]``, ``select[data-role=model]`` and
``svg[data-role=figure]``, whose ``data-state`` reads ``model|sigma|epochs``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from vi_explorer.grid import GRID_FILE, cell_key
from vi_helpers.i18n import check_language, label
from vi_helpers.predict import Z90
from vi_helpers.recipes import RECIPES

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

#: The script that redraws the figure; ``node --check`` keeps it valid (a test).
JS_FILE = Path(__file__).with_suffix(".js")
#: Where the page's placeholder stands: chapter 6 has ``<div data-vi-explorer-slot>``.
SLOT = re.compile(r'<div data-vi-explorer-slot[^>]*>.*?</div>', re.S)


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
        name = label(RECIPES[m].label, lang) if m in RECIPES else m
        for s in grid["sigmas"]:
            for e in grid["epochs"]:
                key = cell_key(m, s, e)
                c = dict(grid["cells"][key])
                c["center"] = label(RECIPES[m].center if m in RECIPES else "median",
                                    lang)
                c["title"] = label("explorer_title", lang, model=name, sigma=s,
                                   epochs=e)
                c["lines"] = [
                    label("coverage_line", lang, coverage=c["coverage"]),
                    label("width_line", lang, width=c["width"],
                          calibrated=2 * Z90 * s),
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
    model: str = "source",
    sigma: float = 1.5,
    epochs: int = 1000,
) -> str:
    """The static explorer as one HTML string (``<div>`` with CSS, SVG and script).

    ``grid`` comes from :func:`vi_explorer.grid.explorer_grid` (or its JSON);
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
        f"{label(RECIPES[m].label, lang) if m in RECIPES else m}</option>"
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
        f"<script>{JS_FILE.read_text(encoding='utf-8')}</script>"
        "</div>"
    )
    size = len(html.encode("utf-8"))
    if size > MAX_BYTES:
        raise ValueError(f"the static explorer must stay under {MAX_BYTES:,} bytes, "
                         f"got {size:,}: use fewer points or decimals")
    return html


def fill_slots(body: str, lang: str, grid_file: Path = GRID_FILE) -> str:
    """``body`` (a page's HTML) with each explorer placeholder replaced by the
    explorer in ``lang``; the book's site extension calls it on every page."""
    if not SLOT.search(body):
        return body
    grid = json.loads(Path(grid_file).read_text(encoding="utf-8"))
    first = {"model": "source", "sigma": 1.5, "epochs": 1000}  # the book's setting
    options = {"model": grid["models"], "sigma": grid["sigmas"],
               "epochs": grid["epochs"]}
    first = {k: v if v in options[k] else options[k][0] for k, v in first.items()}
    html = static_explorer_html(grid, lang, **first)
    return SLOT.sub(lambda _m: html, body)
