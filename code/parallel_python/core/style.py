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
