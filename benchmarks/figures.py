"""The Performance page's figures: one bar chart per section that has one.

``book/_static/bench_<name>_<lang>.png``, written with the tables by
``benchmarks/report.py`` from the same JSON: each bar a median, its whiskers from
the fastest run to the slowest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks.band import METHODS
from benchmarks.common import fmt_time

FIGURES = ("training", "threads", "band", "good_fit")
#: 6.4 inches at 240 dpi is 1,536 pixels: sharp at the page's width (about 750 CSS
#: pixels) on a double-density screen, where 11-point ticks are 18 CSS pixels tall.
FIG_WIDTH, FIG_DPI = 6.4, 240
FONT = {"font.size": 11, "axes.labelsize": 11, "xtick.labelsize": 11,
        "ytick.labelsize": 11}


def figure_path(root: Path, name: str, lang: str) -> Path:
    return root / "book" / "_static" / f"bench_{name}_{lang}.png"


def bars(res: dict, name: str, t: Callable[[str], str]) -> list[tuple]:
    """(label, summary of seconds, colour) of each bar of figure ``name``."""
    if name == "training":
        return [(f"{'MLE' if k == 'mle' else t('variational')}, "
                 f"{r['n_train'] + r['n_val']:,}: {loop}", r[key], colour)
                for k, r in res["training"].items() if isinstance(r, dict)
                and "fit_s" in r for loop, key, colour in (
                    (t("source_loop"), "source_s", "tab:gray"),
                    ("fit", "fit_s", "tab:blue"))]
    if name == "threads":
        return [(t(label).format(c["n"], c["threads"][1]) + (
            t("bar_busy").format(c["busy_processes"]) if "busy_processes" in c else ""),
            c[key], colour) for c in res["threads"]["cases"].values()
            for label, key, colour in (("bar_one", "one_s", "tab:blue"),
                                       ("bar_default", "default_s", "tab:gray"))]
    if name == "band":
        colours = ("tab:gray", "tab:blue", "tab:purple", "tab:green")
        return [(m, res["band"]["seconds"][m], c) for m, c in zip(METHODS, colours)
                if m in res["band"]["seconds"]]
    return [(s, v["seconds"], "tab:blue" if i else "tab:gray")
            for i, (s, v) in enumerate(res["good_fit"]["settings"].items())]


def figure(res: dict, name: str, t: Callable[[str], str], lang: str,
           path: Path) -> None:
    """One horizontal bar chart, labelled by ``t`` in ``lang``; saved to ``path``."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    from matplotlib.ticker import FuncFormatter, NullFormatter

    import vi_helpers as vh

    labels, sums, colours = zip(*bars(res, name, t))
    pos = list(range(len(labels)))[::-1]  # the first bar on top
    med = [s["median"] if s else 0 for s in sums]
    with matplotlib.rc_context(FONT):  # use_language changes rcParams: only in here
        vh.use_language(lang)
        fig = Figure(figsize=(FIG_WIDTH, 1.0 + 0.42 * max(len(labels), 2)),
                     layout="constrained")
        ax = fig.subplots()
        ax.barh(pos, med, color=colours, height=0.6, capsize=3,
                xerr=[[m - s["min"] if s else 0 for m, s in zip(med, sums)],
                      [s["max"] - m if s else 0 for m, s in zip(med, sums)]])
        ax.set_yticks(pos, labels)
        ax.set_xlabel(t("seconds"))
        for p, m, s in zip(pos, med, sums):  # the value right of the whisker
            ax.annotate(fmt_time(m) if s else t("not_reached"),
                        (s["max"] if s else 0, p), textcoords="offset points",
                        xytext=(4, 0), va="center")
        ax.set_ylim(-0.6, len(labels) - 0.4)
        if name == "band":  # a log axis, with room on the right for the last label
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(
                lambda v, _: f"{1e3 * v:g} ms" if v < 1 else f"{v:g} s"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.margins(x=0.05)
            ax.set_xlim(ax.get_xlim()[0], ax.get_xlim()[1] * 5)
        else:
            ax.margins(x=0.22)
        ax.spines[["top", "right"]].set_visible(False)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=FIG_DPI)
