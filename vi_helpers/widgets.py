"""The live explorer for Jupyter: sliders for σ and epochs, a model and a seed.

A change draws new data, trains in a background thread and redraws one figure
in place. Sliders report only when released (``continuous_update=False``); the
progress bar and the status line change at once; a newer change cancels a
training still running (:class:`vi_helpers.explorer.Generation`); a setting
seen before comes from the cache. Needs ``ipywidgets`` (``pip install
ipywidgets``); ``import vi_helpers`` works without it.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

try:
    import ipywidgets as W
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the live explorer needs ipywidgets: pip install ipywidgets "
        "(or use vi_helpers.static_explorer, which needs nothing)"
    ) from exc

from .explorer import (
    CACHE,
    DEFAULT_N,
    EPOCH_STOPS,
    MODELS,
    SIGMA_RANGE,
    Cancelled,
    ExplorerResult,
    Generation,
    ResultCache,
    cached_explore,
    check_settings,
    plot_explorer,
)
from .i18n import check_language, label

FIGSIZE = (8, 3.9)
DPI = 80


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
        model: str = "source_vi",
        seed: int = 0,
        n: int = DEFAULT_N,
        cache: ResultCache = CACHE,
    ) -> None:
        self.lang = check_language(lang)
        sigma, epochs, model, seed, self.n = check_settings(sigma, epochs, model,
                                                            seed, n)
        if epochs not in EPOCH_STOPS:
            raise ValueError(f"epochs must be one of {EPOCH_STOPS}, got {epochs!r}")
        self.cache = cache
        self.generation = Generation()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="explorer")
        self._pngs: OrderedDict[tuple, bytes] = OrderedDict()
        self._draw = threading.Lock()
        self.last: Future | None = None  # the latest request's future
        self._make_controls(sigma, epochs, model, seed)
        self.request()

    # -------------------------------------------------------------- controls

    def _make_controls(self, sigma, epochs, model, seed) -> None:
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
            options=[(label(spec.label, lang), name) for name, spec in MODELS.items()],
            value=model, description=label("model_choice", lang), style=style,
        )
        self.seed = W.BoundedIntText(
            value=seed, min=0, max=9999, description=label("seed_choice", lang),
            style=style, layout=W.Layout(width="9em"),
        )
        self.progress = W.IntProgress(min=0, max=epochs, value=0,
                                      layout=W.Layout(width="14em"))
        self.status = W.Label()
        self.image = W.Image(format="png")
        for control in (self.sigma, self.epochs, self.model, self.seed):
            control.observe(lambda _change: self.request(), names="value")
        self.ui = W.VBox([
            W.HBox([self.sigma, self.epochs]),
            W.HBox([self.model, self.seed]),
            W.HBox([self.progress, self.status]),
            self.image,
        ])

    def settings(self) -> tuple:
        """The controls' current setting: (sigma, epochs, model, seed, n)."""
        return check_settings(self.sigma.value, self.epochs.value, self.model.value,
                              self.seed.value, self.n)

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
        self.last = self._pool.submit(self._work, token, key)
        return self.last

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
        self._pool.shutdown(wait=True)
        for w in (self.sigma, self.epochs, self.model, self.seed, self.progress,
                  self.status, self.image, *self.ui.children, self.ui):
            w.close()


def live_explorer(lang: str = "en", **settings) -> Explorer:
    """The live explorer (see :class:`Explorer`); display it as a cell's last line."""
    return Explorer(lang=lang, **settings)
