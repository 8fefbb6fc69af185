"""The appendix's figure: one CPU's speed over time, and two estimates of a speed-up.

It draws a :class:`~parallel_python.appendix.noise.Noise` result in the house
style (:mod:`parallel_python.core.style`) and never runs the experiment.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..core.style import COLORS, house_style, new_figure
from ..core.text import percent, times
from .narrate import seconds_asked
from .noise import PAIR, Noise, PairRounds, Probe

#: Figure width, inches: the book's column.
WIDTH = 6.4
#: The median's line is drawn above min over min's (at matplotlib's default 2).
MEDIAN_ZORDER = 2.5


def _draw_probe(ax: Axes, p: Probe) -> None:
    xs = [s + p.window / 2 for s in p.starts]
    ys = [r / 1e6 for r in p.rates]
    ax.plot(
        xs,
        ys,
        marker="s",
        markersize=3.5,
        linewidth=1.2,
        color=COLORS["serial"],
        label="loop steps in each window",
    )
    ax.axhline(
        p.median / 1e6,
        color=COLORS["serial"],
        linestyle=":",
        linewidth=1.2,
        label="median window",
    )
    ax.set_ylim(0, max(ys) * 1.25)
    ax.set_xlabel("time since the probe began (s)")
    ax.set_ylabel("million loop steps per second")
    ax.set_title(
        f"One CPU, {seconds_asked(p.window)} windows: a swing of {percent(p.swing)}",
        loc="left",
    )
    ax.legend(loc="upper right", ncol=2)


def _draw_pairs(ax: Axes, c: PairRounds) -> None:
    r = c.ratio
    rounds = list(range(1, c.rounds + 1))
    band = "range of the rounds" if r.too_few_rounds else "90 % interval"
    ax.axhspan(r.low, r.high, color=COLORS["processes"], alpha=0.15, linewidth=0)
    ax.axhline(  # above min over min, and thinner: where they meet, both read
        r.median,
        color=COLORS["processes"],
        linestyle="-",
        linewidth=1.5,
        zorder=MEDIAN_ZORDER,
        label=f"median of rounds, {times(r.median)} (band: {band})",
    )
    ax.axhline(
        c.min_over_min,
        color=COLORS["accent"],
        linestyle="-.",
        linewidth=2,
        label=f"min over min, {times(c.min_over_min)}",
    )
    ax.axhline(
        PAIR,
        color=COLORS["ideal"],
        linestyle="--",
        linewidth=1.5,
        label=f"ideal, {times(PAIR)}",
    )
    ax.plot(
        rounds,
        list(c.ratios),
        marker="D",
        markersize=4,
        linestyle="none",
        color=COLORS["processes"],
        label="one paired round",
    )
    top = max([*c.ratios, c.min_over_min, r.high, PAIR])
    # the legend goes below the axes, so the axis can stop just above the
    # data and the median, its band and min over min stand apart
    ax.set_ylim(0, top * 1.12)
    ax.set_xlim(0.5, c.rounds + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("paired round")
    ax.set_ylabel("two processes over one (×)")
    ax.set_title("Two estimates of the same speed-up", loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)


def plot_noise(n: Noise) -> Figure:
    """Steps per second in each window; where measured, each paired round's
    ratio of two processes over one, against the minimum over the minimum
    and the median with its interval."""
    if n.comparison is None:
        fig = new_figure(1, width=WIDTH, height=3.0)
        _draw_probe(fig.axes[0], n.probe)
        return fig
    with house_style():
        fig = Figure(figsize=(WIDTH, 5.8), layout="constrained")
        top, bottom = fig.subplots(2, 1)
        _draw_probe(top, n.probe)
        _draw_pairs(bottom, n.comparison)
    return fig
