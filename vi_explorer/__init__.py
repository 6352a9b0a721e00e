"""The explorer app, beside the lesson: the book's three ways to move σ and epochs.

* :mod:`vi_explorer.widget`: the live explorer of chapter 6 (ipywidgets; it trains
  with :func:`vi_helpers.explore` in a worker thread of the kernel);
* :mod:`vi_explorer.grid`: the precomputed grid of settings (its format, loader
  and builder, ``python -m vi_explorer.grid``) that the static explorer and the
  playground's first picture read;
* :mod:`vi_explorer.static_explorer` and ``static_explorer.js``: sliders over that
  grid for the static site, with no kernel;
* ``static/playground/``: the in-browser playground (JavaScript that trains in the
  page), and :mod:`vi_explorer.playground_fixtures`, the numbers its tests hold it
  to.

The lesson (:mod:`vi_helpers`) keeps the maths every one of them uses
(:func:`vi_helpers.explore`, the models, the recipes) and imports nothing from here.
"""

from pathlib import Path

#: The app's files for the site: ``playground/`` (served as ``_static/playground/``).
STATIC = Path(__file__).resolve().parent / "static"
