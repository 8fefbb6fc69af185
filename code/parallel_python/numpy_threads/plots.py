"""Part A's figures: the BLAS thread sweep and the operations that use BLAS threads."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..core.protocol import paired_ratio
from ..core.style import (
    COLORS,
    MIN_FONT_PT,
    SERIES,
    SERIES_MARKERS,
    house_style,
    ideal_line,
    interval_errorbar,
    mark_cpus,
    mark_unsteady,
    new_figure,
    takeaway,
)
from ..core.text import plural, times
from .blas import BlasSweep, Operations
from .narrate import operations_takeaway, sweep_takeaway

#: How far apart the sizes' points of one thread count are drawn, in
#: doublings of the thread axis (a twentieth of the way from 1 to 2 threads).
_DODGE = 0.05


def _log2_axis(ax: Axes, ticks: list[int]) -> None:
    ax.set_xscale("log", base=2)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.minorticks_off()


def plot_blas_sweep(sweep: BlasSweep) -> Figure:
    """Speed-up and GFLOP/s against BLAS threads, one line per matrix size."""
    fig = new_figure(2, width=6.4, height=3.2)
    speed_ax, flops_ax = fig.axes
    threads = list(sweep.threads)
    with house_style():
        ideal_line(speed_ax, threads, sweep.cpus)
        # centred on the thread count, but never on it (where the CPUs' line is)
        middle = (len(sweep.sizes) - 1) / 2 - (0.5 if len(sweep.sizes) % 2 else 0)
        series = zip(SERIES, SERIES_MARKERS, sweep.sizes, strict=False)
        for i, (colour, marker, n) in enumerate(series):
            label = f"n = {n}"
            ratios = [sweep.ratio(n, t) for t in threads]
            # each size a little to the side, so that the error bars of one
            # thread count neither hide each other nor the CPUs' line
            dodge = 2 ** ((i - middle) * _DODGE)
            shifted = [t * dodge for t in threads]
            interval_errorbar(
                speed_ax, shifted, ratios, colour, label, marker, markersize=7
            )
            flops_ax.plot(
                threads,
                [sweep.point(n, t).gflops for t in threads],
                marker=marker,
                markersize=7,
                color=colour,
                label=label,
            )
        for ax in (speed_ax, flops_ax):
            _log2_axis(ax, threads)
            ax.set_xlabel("BLAS threads")
            mark_cpus(ax, sweep.cpus)
        speed_ax.set_ylabel("speed-up over 1 thread (×)")
        speed_ax.set_ylim(bottom=0)
        takeaway(fig, sweep_takeaway(sweep))
        speed_ax.set_title("Speed-up of a @ b (n × n), with 90 % intervals")
        flops_ax.set_ylabel("GFLOP/s (best of repeats)")
        flops_ax.set_ylim(bottom=0)
        flops_ax.set_title("Arithmetic rate")
        highest = max(sweep.ratio(n, t).high for n in sweep.sizes for t in threads)
        speed_ax.set_ylim(top=max(sweep.cpus, highest) * 1.1)
        fig.legend(
            *speed_ax.get_legend_handles_labels(),
            loc="outside lower center",
            ncols=2,
        )
    return fig


#: The two kinds of operation: colour and marker are the house's own for one
#: thread (black square) and for several threads (blue circle).
CEILING_LABEL = "this machine's ceiling (measured)"
_KINDS = (
    (True, "threads", "o", "uses BLAS threads"),
    (False, "serial", "s", "no BLAS (one thread)"),
)


def plot_operations(ops: Operations) -> Figure:
    """Speed-up of each operation with many BLAS threads over one: the median
    of paired rounds with its 90 % interval, hollow where unsteady."""
    fig = new_figure(1, width=6.8, height=3.4)
    (ax,) = fig.axes
    names = [op.name for op in ops.operations]
    rows = list(range(len(names)))
    ratios = [paired_ratio(op.one_thread, op.many_threads) for op in ops.operations]
    with house_style():
        # no change: as fast as one thread (thin, as in the other speed-up
        # figures), behind the points
        ax.axvline(1, color=COLORS["serial"], linewidth=1, zorder=1)
        for blas, colour, marker, label in _KINDS:
            picked = [i for i in rows if ops.operations[i].uses_blas == blas]
            if not picked:
                continue
            medians = [ratios[i].median for i in picked]
            ax.errorbar(
                medians,
                picked,
                xerr=[
                    [ratios[i].median - ratios[i].low for i in picked],
                    [ratios[i].high - ratios[i].median for i in picked],
                ],
                fmt=marker,
                markersize=8,
                color=COLORS[colour],
                capsize=4,
                label=label,
            )
            mark_unsteady(
                ax, medians, picked, [ratios[i] for i in picked], COLORS[colour], marker
            )
        if ops.ceiling is not None:
            # the machine's ceiling, counted between the BLAS rounds, on
            # their row (as the GIL figure draws it beside its points)
            blas_rows = [i for i in rows if ops.operations[i].uses_blas]
            ax.plot(
                [ops.ceiling.ratio] * len(blas_rows),
                blas_rows,
                marker="|",
                markersize=22,
                markeredgewidth=2,
                linestyle="none",
                color=COLORS["cpus"],
                label=CEILING_LABEL,
                zorder=1,
            )
        ax.set_yticks(rows, names)
        ax.set_ylim(len(rows) - 0.5, -0.5)  # first operation on top
        takeaway(fig, operations_takeaway(ops))
        ax.set_xlabel(
            f"speed-up with {plural(ops.threads, 'BLAS thread')} over 1"
            "\n(median of paired rounds, 90 % interval)"
        )
        # each row's label goes right of its interval (and of the ceiling)
        ends = [
            max(r.high, ops.ceiling.ratio)
            if ops.ceiling is not None and op.uses_blas
            else r.high
            for r, op in zip(ratios, ops.operations, strict=True)
        ]
        ax.set_xlim(0, max([*ends, 1]) * 1.3)  # room for the labels
        ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}×")
        ax.grid(axis="y", visible=False)
        for y, (r, end) in enumerate(zip(ratios, ends, strict=True)):
            ax.annotate(  # clear of the marker and of the interval's cap
                times(r.median),
                xy=(end, y),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        # the two kinds first, then the ceiling (matplotlib lists lines,
        # such as the ceiling's mark, before error bars)
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: labels[i] == CEILING_LABEL)
        ax.legend(
            [handles[i] for i in order],
            [labels[i] for i in order],
            # right-aligned with the axes: centred, two columns ran off the
            # figure's right edge (the operations' names push the axes right)
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncols=2,
        )
    return fig
