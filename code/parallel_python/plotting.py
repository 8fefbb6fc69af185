"""One look for every figure in the book and the CLI.

Plotting draws result objects and never runs an experiment. Figures are
built with :class:`matplotlib.figure.Figure` directly (no pyplot state), so
drawing is safe in threads, notebooks and the CLI alike.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .numpy_threads import BlasSweep, Operations

#: Fixed colours (colour-blind safe, Okabe-Ito): serial, threads, processes.
COLORS = {
    "serial": "#000000",
    "threads": "#0072B2",
    "processes": "#D55E00",
    "ideal": "#999999",
    "cpus": "#CC79A7",
    "accent": "#009E73",
}
#: A sequence for several series of one kind (e.g. matrix sizes).
SERIES = ("#56B4E9", "#0072B2", "#003f63", "#E69F00", "#D55E00", "#009E73")

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "lines.linewidth": 2,
    "lines.markersize": 6,
}


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the book's look for the figures made inside the block."""
    with mpl.rc_context(STYLE):
        yield


def new_figure(ncols: int = 1, width: float = 6.4, height: float = 3.6) -> Figure:
    """A figure with ``ncols`` axes side by side, in the house style."""
    with house_style():
        fig = Figure(figsize=(width, height), layout="constrained")
        fig.subplots(1, ncols)
    return fig


def png_bytes(fig: Figure) -> bytes:
    """The figure rendered as PNG."""
    buffer = io.BytesIO()
    with house_style():
        fig.savefig(buffer, format="png")
    return buffer.getvalue()


def label_bar(ax: Axes, x: float, y: float, text: str) -> None:
    """Write ``text`` just past the end of the horizontal bar at (``x``, ``y``)."""
    ax.annotate(
        text,
        xy=(x, y),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
    )


def mark_cpus(ax: Axes, cpus: int) -> None:
    """A vertical line at the number of CPUs available."""
    ax.axvline(cpus, color=COLORS["cpus"], linestyle=":", linewidth=1.5)
    ax.annotate(
        f"{cpus} CPU{'s' if cpus > 1 else ''} available",
        xy=(cpus, 0),
        xycoords=("data", "axes fraction"),
        xytext=(4, 6),
        textcoords="offset points",
        color=COLORS["cpus"],
        fontsize=9,
    )


def ideal_line(ax: Axes, xs: list[int], cpus: int) -> None:
    """Perfect speed-up: p until the CPUs run out, then flat."""
    ys = [min(x, cpus) for x in xs]
    ax.plot(
        xs,
        ys,
        color=COLORS["ideal"],
        linestyle="--",
        linewidth=1.5,
        label="ideal (one thread per CPU)",
    )


def _log2_axis(ax: Axes, ticks: list[int]) -> None:
    ax.set_xscale("log", base=2)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.minorticks_off()


def plot_blas_sweep(sweep: BlasSweep) -> Figure:
    """Speed-up and GFLOP/s against BLAS threads, one line per matrix size."""
    fig = new_figure(2, width=8.8, height=4.0)
    speed_ax, flops_ax = fig.axes
    threads = list(sweep.threads)
    with house_style():
        ideal_line(speed_ax, threads, sweep.cpus)
        for colour, n in zip(SERIES, sweep.sizes, strict=False):
            label = f"n = {n}"
            speed_ax.plot(
                threads,
                [sweep.speedup(n, t) for t in threads],
                marker="o",
                color=colour,
                label=label,
            )
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
        speed_ax.set_title("Speed-up of a @ b (n × n)")
        flops_ax.set_ylabel("GFLOP/s (best of repeats)")
        flops_ax.set_ylim(bottom=0)
        flops_ax.set_title("Arithmetic rate")
        highest = max(sweep.speedup(n, t) for n in sweep.sizes for t in threads)
        speed_ax.set_ylim(top=max(sweep.cpus, highest) * 1.1)
        fig.legend(
            *speed_ax.get_legend_handles_labels(),
            loc="outside lower center",
            ncols=len(sweep.sizes) + 1,
            fontsize=9,
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
        ax.set_xlabel(
            f"speed-up with {ops.threads} BLAS threads over 1 (×, best of repeats)"
        )
        ax.set_xlim(0, max([*speedups, ops.threads, 1]) * 1.1)
        ax.grid(axis="y", visible=False)
        for y, s in enumerate(speedups):
            label_bar(ax, s, y, f"{s:.2f}×")
    return fig
