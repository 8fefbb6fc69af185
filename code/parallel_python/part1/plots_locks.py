"""Part 1's locks figure: who held and who waited for which lock, and when.

Draws a :class:`~parallel_python.part1.locks.Locks` result in the house style
(:mod:`parallel_python.core.style`) and never runs an experiment.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..core.style import (
    COLORS,
    SERIES,
    WAIT_HATCH,
    house_style,
    new_figure,
    span_bar,
)
from ..core.text import duration
from .locks import Locks, TwoLocks

#: The smallest font the figure uses, points (the book's minimum).
FONT = 10
#: A wait that ran out: the threads' darkest shade (black means serial).
_GAVE_UP = SERIES[2]


def _title(run: TwoLocks) -> str:
    if run.same_order:
        order = " before ".join(run.cooks[0].order)
        if run.completed:
            return f"one order, {order}: both done in {duration(run.seconds)}"
        return f"one order, {order}: a wait ran past the timeout"
    if run.gave_up:
        return f"opposite orders: deadlock, both gave up after {duration(run.seconds)}"
    return f"opposite orders: no thread gave up ({duration(run.seconds)})"


def _lanes(run: TwoLocks) -> list[tuple[str, str]]:
    """(cook, lock) pairs, one lane each: every lock a cook asked for."""
    return [(c.name, lock) for c in run.cooks for lock in sorted(set(c.order))]


def plot_locks(r: Locks) -> Figure:
    """Timelines of the two-lock runs: one lane per thread and lock, solid
    while holding it, hatched while waiting for it, a cross where a wait
    ran out."""
    colour = COLORS["threads"]
    fig = new_figure(1, width=6.8, height=4.6)
    fig.clear()
    with house_style():
        axes = fig.subplots(2, 1)
        for ax, run in zip(axes, (r.opposite, r.same), strict=True):
            lanes = _lanes(run)
            for y, (name, lock) in enumerate(lanes):
                cook = next(c for c in run.cooks if c.name == name)
                for span in cook.spans:
                    if span.lock != lock:
                        continue
                    waiting = span.kind == "wait"
                    span_bar(
                        ax,
                        y,
                        span.start * 1e3,
                        span.seconds * 1e3,
                        colour,
                        waiting=waiting,
                    )
                    if waiting and not span.granted:
                        ax.plot(
                            [span.end * 1e3],
                            [y],
                            marker="X",
                            markersize=10,
                            color=_GAVE_UP,
                            linestyle="none",
                        )
            ax.set_yticks(range(len(lanes)))
            ax.set_yticklabels([f"{name}, lock {lock}" for name, lock in lanes])
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
            ax.set_xlim(0, run.seconds * 1e3 * 1.05)
            ax.set_title(_title(run), loc="left", fontsize=FONT + 1)
            ax.set_xlabel("time since the start (ms)")
        fig.legend(
            handles=[
                Patch(facecolor=colour, edgecolor=colour, label="holds the lock"),
                Patch(
                    facecolor="white",
                    edgecolor=colour,
                    hatch=WAIT_HATCH,
                    label="waits for it",
                ),
                Line2D(
                    [],
                    [],
                    marker="X",
                    markersize=10,
                    color=_GAVE_UP,
                    linestyle="none",
                    label="gave up (timeout)",
                ),
            ],
            loc="outside lower center",
            ncols=3,
            fontsize=FONT,
        )
        fig.set_layout_engine("constrained")
    return fig
