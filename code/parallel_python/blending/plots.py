"""Figures for Part C (blending processes and threads), in the house style.

Like :mod:`parallel_python.core.style`, these functions draw result objects and
never run an experiment.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke

from ..core.style import (
    COLORS,
    CPU_HATCH,
    MIN_FONT_PT,
    house_style,
    mark_unsteady,
    new_figure,
    takeaway,
)
from ..core.text import plural
from .fixes import Fixes
from .grid import Grid
from .narrate_figures import fixes_takeaway, grid_takeaway, oversubscription_takeaway

#: Rows that ask for more threads than CPUs: a dark grey of no house meaning
#: (vermillion would say "processes"), told apart by its cross marker too.
OVERSUBSCRIBED = "#555555"

#: Speed-up over 1 × 1, diverging about 1×: brown slower, purple faster (the
#: two halves of ColorBrewer's BrBG and PuOr). Green, blue, orange and pink
#: mean kinds of worker in the book; the wall times are grey.
SPEED_MAP = LinearSegmentedColormap.from_list(
    "slower_faster",
    ["#543005", "#bf812d", "#f7f7f7", "#8073ac", "#2d004b"],
)


def _cpu_line(ax: Axes, grid: Grid) -> None:
    """The line P × T = CPUs: a staircase between the cells within the CPUs
    (below and left) and the oversubscribed ones (above and right)."""
    xs, ys = [], []
    for i, t in enumerate(grid.threads):
        inside = sum(1 for p in grid.processes if p * t <= grid.cpus)
        if inside == 0:  # down to the bottom edge, not along it
            xs.append(i - 0.5)
            ys.append(-0.5)
            break
        xs += [i - 0.5, i + 0.5]
        ys += [inside - 0.5, inside - 0.5]
    ax.plot(
        xs,
        ys,
        color=COLORS["cpus"],
        linewidth=3,
        label=f"P × T = {grid.cpus}",
        path_effects=[withStroke(linewidth=5.5, foreground="white")],  # on any cell
    )


def _heatmap(
    ax: Axes, grid: Grid, values: np.ndarray, fmt: str, cmap, norm=None
) -> None:
    image = ax.imshow(values, origin="lower", cmap=cmap, norm=norm, aspect="auto")
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.85)
    if isinstance(norm, LogNorm):
        low, high = norm.vmin, norm.vmax
        ticks = [t for t in (0.125, 0.25, 0.5, 1, 2, 4, 8, 16) if low <= t <= high]
        bar.set_ticks(ticks, labels=[f"{t:g}×" for t in ticks])
        bar.minorticks_off()
    for j in range(values.shape[0]):
        for i in range(values.shape[1]):
            v = values[j, i]
            red, green, blue, _ = image.cmap(image.norm(v))
            # dark text on light cells, light text on dark ones
            luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
            ax.annotate(
                format(v, fmt),
                xy=(i, j),
                ha="center",
                va="center",
                fontsize=10,
                color="black" if luminance > 0.5 else "white",
            )
    ax.set_xticks(range(len(grid.threads)), [str(t) for t in grid.threads])
    ax.set_yticks(range(len(grid.processes)), [str(p) for p in grid.processes])
    ax.set_xlabel("T, BLAS threads per process")
    ax.set_ylabel("P, worker processes")
    ax.grid(False)
    _cpu_line(ax, grid)


def plot_grid(grid: Grid) -> Figure:
    """Heatmaps of wall time and speed-up over P × T, with the line P × T = CPUs."""
    fig = new_figure(2, width=6.4, height=3.6)
    time_ax, speed_ax = fig.axes
    shape = (len(grid.processes), len(grid.threads))
    wall = np.empty(shape)
    speed = np.empty(shape)
    for j, p in enumerate(grid.processes):
        for i, t in enumerate(grid.threads):
            wall[j, i] = grid.cell(p, t).timing.best * 1e3
            speed[j, i] = grid.speedup(p, t)
    with house_style():
        _heatmap(time_ax, grid, wall, ".0f", "Greys")
        time_ax.set_title("Wall time of the batch (ms, best)")
        # diverging, centred on 1×: purple is faster than 1 × 1, brown slower
        reach = float(max(np.nanmax(speed), 1 / np.nanmin(speed), 1.25))
        norm = LogNorm(vmin=1 / reach, vmax=reach)
        _heatmap(speed_ax, grid, speed, ".2f", SPEED_MAP, norm)
        speed_ax.set_title("Speed-up over 1 × 1 (purple faster, brown slower)")
        takeaway(fig, grid_takeaway(grid))
        fig.legend(
            *time_ax.get_legend_handles_labels(),
            loc="outside lower center",
            fontsize=10,
        )
    return fig


def _mark_beyond(ax: Axes, boundary: float, cpus: int) -> None:
    """The pink dotted line where P × T passes the CPUs, labelled on the axes
    just right of it, at the top (the caller leaves the headroom)."""
    ax.axvline(boundary, color=COLORS["cpus"], linestyle=":", linewidth=2)
    ax.annotate(
        f"P × T > {plural(cpus, 'CPU')} →",
        xy=(boundary, 1),
        xycoords=("data", "axes fraction"),
        xytext=(5, -3),
        textcoords="offset points",
        ha="left",
        va="top",
        color=COLORS["cpus"],
        fontsize=MIN_FONT_PT,
    )


#: Room above the tallest bar for the pink line's label, as a share of it.
_HEADROOM = 1.3


def plot_oversubscription(grid: Grid) -> Figure:
    """Per cell, sorted by P × T: wall time against CPU time, and context
    switches. Hatching (dots,
    :data:`~parallel_python.core.style.CPU_HATCH`) means CPU time, and only
    that: the cells beyond the CPUs are those right of the pink dotted line,
    labelled on each panel."""
    fig = new_figure(2, width=6.4, height=3.4)
    time_ax, switch_ax = fig.axes
    cells = sorted(grid.cells, key=lambda c: (c.asked, c.processes))
    labels = [f"{c.processes}×{c.threads}" for c in cells]
    x = np.arange(len(cells))
    with house_style():
        wall = [c.timing.best for c in cells]
        cpu = [c.cpu_seconds for c in cells]
        time_ax.bar(
            x - 0.2,
            wall,
            width=0.4,
            color=COLORS["serial"],
            label="wall time (best)",
        )
        time_ax.bar(  # no house colour: this is a kind of time, not of worker
            x + 0.2,
            cpu,
            width=0.4,
            color="white",
            edgecolor=COLORS["serial"],
            hatch=CPU_HATCH,  # dots: "///" means waiting, on the timelines
            label="CPU time, all workers",
        )
        time_ax.set_ylabel("seconds per batch")
        time_ax.set_ylim(0, max(*wall, *cpu, 1e-9) * _HEADROOM)
        # the legend of this panel between its title and its top edge
        time_ax.set_title("Wall time and CPU time of each batch", pad=24)
        time_ax.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=2,
            fontsize=10,
            borderaxespad=0.2,
        )
        has_switches = all(c.switches >= 0 for c in cells)
        if has_switches:
            switches = [c.switches for c in cells]
            switch_ax.bar(x, switches, color=COLORS["serial"])  # one style for all
            switch_ax.set_ylim(0, max(max(switches), 1) * _HEADROOM)
            switch_ax.set_ylabel("involuntary switches per batch")
        else:
            switch_ax.text(
                0.5, 0.5, "not counted on this platform", ha="center", va="center"
            )
        switch_ax.set_title("Context switches")
        takeaway(fig, oversubscription_takeaway(grid))
        inside = sum(1 for c in cells if grid.within(c))
        for ax in (time_ax, switch_ax):
            ax.set_xticks(x, labels, rotation=90 if len(cells) > 12 else 0)
            ax.set_xlabel("P × T (processes × threads), sorted by threads asked")
            ax.grid(axis="x", visible=False)
            if inside < len(cells):  # some cells ask for more than the CPUs
                _mark_beyond(ax, inside - 0.5, grid.cpus)
    return fig


def plot_fixes(f: Fixes) -> Figure:
    """Each way of running the batch: how many times as fast as no limit (the
    median of paired rounds, with its 90 % interval), and the threads each
    worker had. Rows within the CPUs are the fixes' accent triangle; rows that
    ask for more threads than CPUs are a grey cross, never a house colour."""
    fig = new_figure(1, width=6.8, height=0.5 * len(f.fixes) + 1.4)
    (ax,) = fig.axes
    ys = list(range(len(f.fixes)))
    medians = [f.speedup(x.name) for x in f.fixes]
    ratios = [x.ratio for x in f.fixes]
    within = [f.processes * max(x.batch.threads_in_effect) <= f.cpus for x in f.fixes]
    kinds = (
        (True, COLORS["accent"], "^", "P × threads ≤ CPUs"),
        (False, OVERSUBSCRIBED, "X", "P × threads > CPUs"),
    )
    with house_style():
        ax.axvline(1, color=COLORS["serial"], linewidth=1)
        for inside, colour, marker, label in kinds:
            rows = [i for i in ys if within[i] == inside]
            if not rows:
                continue
            spans = [
                (0.0, 0.0)
                if ratios[i] is None
                else (medians[i] - ratios[i].low, ratios[i].high - medians[i])
                for i in rows
            ]
            ax.errorbar(
                [medians[i] for i in rows],
                rows,
                xerr=[[a for a, _ in spans], [b for _, b in spans]],
                fmt=marker,
                markersize=9,
                color=colour,
                capsize=4,
                label=label,
            )
            steady = [i for i in rows if ratios[i] is not None]
            mark_unsteady(
                ax,
                [medians[i] for i in steady],
                steady,
                [ratios[i] for i in steady],
                colour,
                marker,
            )
        ax.set_yticks(ys, [x.name for x in f.fixes])
        ax.invert_yaxis()
        ax.set_xlabel(
            f"speed-up over no limit (median, 90 % interval)\n"
            f"{plural(f.processes, 'process', 'processes')}, "
            f"{plural(f.tasks, 'product')} of {f.size} × {f.size}"
        )
        ax.grid(axis="y", visible=False)
        ends = [
            m if r is None else max(m, r.high)
            for m, r in zip(medians, ratios, strict=True)
        ]
        for y, (x, end) in enumerate(zip(f.fixes, ends, strict=True)):
            seen = ", ".join(map(str, x.batch.threads_in_effect))
            ax.annotate(  # clear of the marker and of the interval's cap
                f"{seen} thread{'s' if x.batch.threads_in_effect != (1,) else ''} each",
                xy=(end, y),
                xytext=(9, 0),
                textcoords="offset points",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        ax.set_xlim(0, max(ends) * 1.5)
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}×")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
        takeaway(fig, fixes_takeaway(f))
    return fig
