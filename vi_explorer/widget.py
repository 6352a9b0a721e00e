"""The live explorer for Jupyter: sliders for σ and epochs, a model and a seed.

A change draws new data, trains in a background thread and redraws one figure
in place. Sliders report only when released (``continuous_update=False``); the
progress bar and the status line change at once; a newer change cancels a
training still running (:class:`Generation`); a setting seen before comes from
the cache (:class:`ResultCache`). Needs ``ipywidgets``; the lesson
(``import vi_helpers``) works without it.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from concurrent.futures import Future

try:
    import ipywidgets as W
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the live explorer needs ipywidgets: pip install ipywidgets"
    ) from exc

from vi_helpers import validate
from vi_helpers.explorer import (
    DATASETS,
    DEFAULT_N,
    EPOCH_STOPS,
    MODELS,
    SIGMA_RANGE,
    ExplorerResult,
    check_settings,
    explore,
    plot_explorer,
)
from vi_helpers.i18n import check_language, label
from vi_helpers.recipes import RECIPES

FIGSIZE = (8, 3.9)
DPI = 80


class Cancelled(Exception):
    """Raised inside a training that a newer request has made useless."""


class Generation:
    """A counter that lets the newest request cancel older ones.

    Each request takes a token with :meth:`new`; a training checks its token with
    :meth:`check` (from ``fit``'s callback), which raises :class:`Cancelled` once a
    newer token has been handed out.
    """

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def new(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def is_current(self, token: int) -> bool:
        return token == self._value

    def check(self, token: int) -> None:
        if token != self._value:
            raise Cancelled(f"request {token} was replaced by request {self._value}")


class ResultCache:
    """A small thread-safe LRU cache of results, keyed by the normalised setting."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = validate.positive_int("maxsize", maxsize)
        self._items: OrderedDict[tuple, ExplorerResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> ExplorerResult | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: tuple, result: ExplorerResult) -> None:
        with self._lock:
            self._items[key] = result
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: tuple) -> bool:
        return key in self._items


#: The cache every explorer of a kernel shares.
CACHE = ResultCache()
#: explore trains on torch's global random stream, so the explorers of a kernel
#: train one at a time.
TRAINING = threading.Lock()


def cached_explore(*settings, cache: ResultCache = CACHE, callback=None):
    """:func:`vi_helpers.explorer.explore` through an LRU cache: a setting seen
    before returns at once (the very same object). A cancelled training stores
    nothing. ``settings`` are explore's ``sigma, epochs, model, seed, n, data``."""
    key = check_settings(*settings)
    hit = cache.get(key)
    if hit is None:
        sigma, epochs, model, seed, n, data = key
        with TRAINING:
            hit = explore(sigma, epochs, model, seed, n, callback=callback, data=data)
        cache.put(key, hit)
    return hit


def render_png(result: ExplorerResult, lang: str = "en") -> bytes:
    """The explorer's figure for ``result`` as PNG bytes (no pyplot: thread-safe)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    plot_explorer(result, lang, ax=fig.add_subplot())
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class Explorer:
    """Sliders, a progress bar, a status line and the figure; display it in Jupyter.

    ``request()`` is what every control calls when its value changes: it updates
    the progress bar and the status at once, then trains (or reads the cache) in
    a worker thread and sets the figure. It returns a ``Future`` with the
    :class:`ExplorerResult`, or ``None`` if a newer request replaced it.
    """

    def __init__(
        self,
        lang: str = "en",
        sigma: float = 1.5,
        epochs: int = 1000,
        model: str = "source",
        seed: int = 0,
        n: int = DEFAULT_N,
        cache: ResultCache = CACHE,
        data: str = "cubic",
    ) -> None:
        self.lang = check_language(lang)
        sigma, epochs, model, seed, self.n, data = check_settings(
            sigma, epochs, model, seed, n, data)
        if epochs not in EPOCH_STOPS:
            raise ValueError(f"epochs must be one of {EPOCH_STOPS}, got {epochs!r}")
        self.cache = cache
        self.generation = Generation()
        self._worker: threading.Thread | None = None
        self._pngs: OrderedDict[tuple, bytes] = OrderedDict()
        self._draw = threading.Lock()
        self.last: Future | None = None  # the latest request's future
        self._make_controls(sigma, epochs, model, seed, data)
        self.request()

    # -------------------------------------------------------------- controls

    def _make_controls(self, sigma, epochs, model, seed, data) -> None:
        lang = self.lang
        style = {"description_width": "initial"}
        self.sigma = W.FloatSlider(
            value=sigma, min=SIGMA_RANGE[0], max=SIGMA_RANGE[1], step=0.1,
            readout_format=".1f", continuous_update=False, style=style,
            description=label("sigma_slider", lang),
        )
        self.epochs = W.SelectionSlider(
            options=list(EPOCH_STOPS), value=epochs, continuous_update=False,
            description=label("epochs_slider", lang), style=style,
        )
        self.model = W.Dropdown(
            options=[(label(RECIPES[name].label, lang), name) for name in MODELS],
            value=model, description=label("model_choice", lang), style=style,
        )
        self.seed = W.BoundedIntText(
            value=seed, min=0, max=9999, description=label("seed_choice", lang),
            style=style, layout=W.Layout(width="9em"),
        )
        self.data = W.Dropdown(
            options=[(label(f"data_{name}", lang), name) for name in DATASETS],
            value=data, description=label("data_choice", lang), style=style,
        )
        self.sigma.disabled = data == "hetero"  # chapter 7's noise is σ(x)
        self.data.observe(
            lambda change: setattr(self.sigma, "disabled", change.new == "hetero"),
            names="value")
        self.progress = W.IntProgress(min=0, max=epochs, value=0,
                                      layout=W.Layout(width="14em"))
        self.status = W.Label()
        self.image = W.Image(format="png")
        for control in (self.sigma, self.epochs, self.model, self.seed, self.data):
            control.observe(lambda _change: self.request(), names="value")
        self.ui = W.VBox([
            W.HBox([self.sigma, self.epochs]),
            W.HBox([self.model, self.seed]),
            self.data,
            W.HBox([self.progress, self.status]),
            self.image,
        ])

    def settings(self) -> tuple:
        """The controls' current setting: (sigma, epochs, model, seed, n, data)."""
        return check_settings(self.sigma.value, self.epochs.value, self.model.value,
                              self.seed.value, self.n, self.data.value)

    # -------------------------------------------------------------- requests

    def request(self) -> Future:
        """Answer the current setting; a newer call cancels this one."""
        token = self.generation.new()
        key = self.settings()
        hit = self.cache.get(key)
        if hit is not None:  # answered here, no thread: the cached path
            self.last = Future()
            self._show(token, key, hit, label("from_cache", self.lang))
            self.last.set_result(hit)
            return self.last
        epochs = key[1]
        self.progress.max = epochs
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.status.value = label("training", self.lang, epoch=0, epochs=epochs)
        self.last = Future()
        previous = self._worker
        self._worker = threading.Thread(
            target=self._run, args=(previous, token, key, self.last), daemon=True)
        self._worker.start()
        return self.last

    def _run(self, previous, token: int, key: tuple, future: Future) -> None:
        """One request in its own thread, after the previous one has stopped."""
        if previous is not None:
            previous.join()
        try:
            future.set_result(self._work(token, key))
        except BaseException as exc:  # the future carries it to the caller
            future.set_exception(exc)

    def _work(self, token: int, key: tuple) -> ExplorerResult | None:
        if not self.generation.is_current(token):
            return None  # replaced while it waited for the worker

        def progress(epoch: int, total: int) -> None:
            self.generation.check(token)  # raises Cancelled when replaced
            self.progress.value = epoch
            self.status.value = label("training", self.lang, epoch=epoch,
                                      epochs=total)

        try:
            result = cached_explore(*key, callback=progress, cache=self.cache)
        except Cancelled:
            return None
        except Exception as exc:  # show it where the reader looks, then re-raise
            if self.generation.is_current(token):
                self.progress.bar_style = "danger"
                self.status.value = f"{type(exc).__name__}: {exc}"
            raise
        self._show(token, key, result,
                   label("done", self.lang, seconds=result.seconds))
        return result

    def _show(self, token: int, key: tuple, result: ExplorerResult, note: str) -> None:
        with self._draw:
            if not self.generation.is_current(token):
                return
            png = self._pngs.get(key)
            if png is None:
                png = render_png(result, self.lang)
                self._pngs[key] = png
                while len(self._pngs) > 32:
                    self._pngs.popitem(last=False)
            if not self.generation.is_current(token):
                return
            self.image.value = png
            self.progress.max = result.epochs
            self.progress.value = result.epochs
            self.progress.bar_style = "success"
            self.status.value = note

    # -------------------------------------------------------------- display

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Stop the worker thread and close the widgets."""
        self.generation.new()  # cancels a running training
        if self._worker is not None:
            self._worker.join()
        for w in (self.sigma, self.epochs, self.model, self.seed, self.data,
                  self.progress,
                  self.status, self.image, *self.ui.children, self.ui):
            w.close()


def live_explorer(lang: str = "en", **settings) -> Explorer:
    """The live explorer (see :class:`Explorer`); display it as a cell's last line."""
    return Explorer(lang=lang, **settings)
