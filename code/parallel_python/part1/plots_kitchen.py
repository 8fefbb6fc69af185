"""Part 1's kitchen figures: the kitchen and the memory ladder (the salad's
figures are in :mod:`.plots_salad`)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from ..core.style import (
    COLORS,
    DRAWING_INK,
    DRAWING_TINTS,
    GUIDE,
    MIN_FONT_PT,
    house_style,
    new_figure,
    rounded_box,
    takeaway,
)
from ..core.text import duration
from .memory_ladder import MemoryLadder
from .narrate_titles import ladder_title

#: Soft fills for the kitchen diagram (drawn, not measured): the drawing
#: tints, none of them a house colour with a meaning in the plots.
_FILL = dict(
    zip(
        ("customer", "pantry", "countertop", "station", "servant"),
        DRAWING_TINTS,
        strict=True,
    )
)


def _box(ax, x, y, w, h, title, lines, colour) -> None:
    rounded_box(ax, x, y, w, h, facecolor=colour, edgecolor="#333333", linewidth=1.2)
    ax.text(
        x + w / 2,
        y + h - 0.2,
        title,
        ha="center",
        va="top",
        fontsize=10,
        fontweight="bold",
    )
    for i, line in enumerate(lines):
        ax.text(
            x + w / 2,
            y + h - 0.6 - 0.34 * i,
            line,
            ha="center",
            va="top",
            fontsize=10,
        )


def _arrow(ax, start, end, label, at, ha="center", va="bottom") -> None:
    """A two-headed arrow from ``start`` to ``end``, its ``label`` written
    at ``at`` (clear of the arrow: the caller places it beside the line)."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="<|-|>",
            mutation_scale=12,
            linewidth=1.6,
            color=DRAWING_INK,
        )
    )
    ax.text(
        *at,
        label,
        ha=ha,
        va=va,
        fontsize=10,
        color=DRAWING_INK,
        style="italic",
    )


def plot_kitchen() -> Figure:
    """The kitchen of the analogy: customer, pantry, countertop, workstations,
    transport servants. Only kitchen words: which is which is the exercise."""
    # laid out for the column's width (new_figure caps it at 6.8 in): an
    # x unit is about 0.56 in, a y unit about 0.73 in
    fig = new_figure(1, width=6.8, height=4.6)
    (ax,) = fig.axes
    with house_style():
        ax.set_xlim(0, 12)
        ax.set_ylim(0, 6.2)
        ax.set_axis_off()
        _box(
            ax,
            0.1,
            4.3,
            2.2,
            1.6,
            "Customer",
            ["gives orders,", "waits for dishes"],
            _FILL["customer"],
        )
        for i, x in enumerate((3.35, 6.15)):
            _box(
                ax,
                x,
                4.1,
                2.6,
                1.8,
                f"Workstation {i + 1}",
                ["a cook", "a tiny countertop", "knives, grater"],
                _FILL["station"],
            )
        _box(
            ax,
            3.35,
            0.3,
            3.6,
            1.9,
            "Big countertop",
            ["holds what today's", "dishes need, for now;", "cleared at closing"],
            _FILL["countertop"],
        )
        _box(
            ax,
            9.3,
            0.3,
            2.6,
            2.0,
            "Large pantry",
            ["across the street:", "holds everything,", "slow to reach"],
            _FILL["pantry"],
        )
        street = 9.0
        ax.plot(
            [street, street],
            [0.1, 6.0],
            color="#888888",
            linestyle=(0, (6, 4)),
            linewidth=1,
        )
        ax.text(street + 0.1, 6.0, "the street", fontsize=10, color="#666666", va="top")
        _arrow(ax, (2.35, 5.1), (3.3, 5.1), "orders", at=(2.83, 5.2))
        _arrow(
            ax,
            (4.65, 4.05),
            (4.65, 2.25),
            "servants",
            at=(4.5, 3.15),
            ha="right",
            va="center",
        )
        _arrow(
            ax,
            (7.45, 4.05),
            (6.6, 2.25),
            "servants",
            at=(7.2, 3.15),
            ha="left",
            va="center",
        )
        # both labels between the big countertop and the street
        _arrow(ax, (7.0, 1.3), (9.25, 1.3), "servants", at=(8.0, 1.4))
        ax.text(
            8.0,
            1.2,
            "a long walk",
            ha="center",
            va="top",
            fontsize=10,
            color="#666666",
        )
    return fig


def plot_memory_ladder(m: MemoryLadder) -> Figure:
    """Nanoseconds per random read on each rung, on a logarithmic axis: a
    dot per rung (bars on a log axis would exaggerate), a faint dotted guide
    along each row so that the eye finds each rung's name (a guide, not a
    length: a log axis has no zero to measure from)."""
    fig = new_figure(1, width=6.8, height=2.9)
    (ax,) = fig.axes
    names = [r.name for r in m.rungs]
    ns = [r.ns_per_access for r in m.rungs]
    rows = range(len(names))
    # room right of the slowest dot for its label, longer when "(rough)"
    left, right = min(ns) / 2, max(ns) * (40 if any(r.rough for r in m.rungs) else 8)
    with house_style():
        # levels of memory, not workers: one neutral ink, each level named
        # on the axis (one thread read them all, hence the serial black and
        # its square marker)
        ax.hlines(rows, left, right, color=GUIDE, linewidth=0.8, linestyle=":")
        ax.plot(
            ns, rows, linestyle="none", marker="s", markersize=7, color=COLORS["serial"]
        )
        ax.set_yticks(rows, names)
        ax.set_ylim(len(names) - 0.4, -0.6)  # first rung on top, dots clear
        ax.set_xscale("log")
        ax.set_xlabel("time per random 8-byte read (ns, log scale, best of runs)")
        ax.grid(axis="y", visible=False)
        ax.set_xlim(left, right)
        for y, (rung, value) in enumerate(zip(m.rungs, ns, strict=True)):
            ax.annotate(
                duration(value * 1e-9) + (" (rough)" if rung.rough else ""),
                xy=(value, y),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        takeaway(fig, ladder_title(m))
    return fig
