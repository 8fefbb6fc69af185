"""Part A's figures: the BLAS thread sweep and the operations that use BLAS threads."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..core.style import (
    COLORS,
    SERIES,
    house_style,
    ideal_line,
    interval_errorbar,
    label_bar,
    mark_cpus,
    new_figure,
    takeaway,
)
from ..core.text import times
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
        for i, (colour, n) in enumerate(zip(SERIES, sweep.sizes, strict=False)):
            label = f"n = {n}"
            ratios = [sweep.ratio(n, t) for t in threads]
            # each size a little to the side, so that the error bars of one
            # thread count neither hide each other nor the CPUs' line
            dodge = 2 ** ((i - middle) * _DODGE)
            shifted = [t * dodge for t in threads]
            interval_errorbar(speed_ax, shifted, ratios, colour, label)
            flops_ax.plot(
                threads,
                [sweep.point(n, t).gflops for t in threads],
                marker="o",
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


def plot_operations(ops: Operations) -> Figure:
    """Speed-up of each operation with many BLAS threads over one."""
    fig = new_figure(1, width=6.4, height=2.8)
    (ax,) = fig.axes
    names = [op.name for op in ops.operations]
    speedups = [op.speedup for op in ops.operations]
    colours = [
        COLORS["threads"] if op.uses_blas else COLORS["serial"] for op in ops.operations
    ]
    with house_style():
        ax.barh(names, speedups, color=colours)
        ax.invert_yaxis()
        ax.axvline(1, color=COLORS["ideal"], linestyle="--", linewidth=1.5)
        takeaway(fig, operations_takeaway(ops))
        ax.set_xlabel("speed-up over 1 BLAS thread (×, median of rounds)")
        ax.set_xlim(0, max([*speedups, ops.threads, 1]) * 1.1)
        ax.grid(axis="y", visible=False)
        for y, s in enumerate(speedups):
            label_bar(ax, s, y, times(s))
    return fig
