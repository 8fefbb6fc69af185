"""Part 1's schematic drawings (drawn, not measured).

* :func:`plot_processes_and_threads` - two processes, each with its own
  memory (code, data, interpreter and GIL), beside one process whose two
  threads share one memory and one GIL.

In the house colours: processes vermillion, threads blue.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from ..core.style import (
    COLORS,
    MIN_FONT_PT,
    house_style,
    new_figure,
    rounded_box,
    takeaway,
)

#: The memory boxes: a neutral fill, no house colour's meaning.
_MEMORY = {"facecolor": "#f2f2f2", "edgecolor": "#555555"}
#: Where the boxes sit (axis units: x 0..12, y 0..6.3).
_TOP, _BOTTOM = 5.7, 0.15
_MEM_LOW, _MEM_HIGH = 2.25, 4.85


def _process(ax, x: float, w: float, name: str) -> None:
    """A process: a vermillion-edged box with its name at the top."""
    rounded_box(
        ax,
        x,
        _BOTTOM,
        w,
        _TOP - _BOTTOM,
        facecolor=COLORS["processes"],
        alpha=0.08,
        edgecolor="none",
    )
    rounded_box(
        ax,
        x,
        _BOTTOM,
        w,
        _TOP - _BOTTOM,
        facecolor="none",
        edgecolor=COLORS["processes"],
        linewidth=1.8,
    )
    ax.text(
        x + w / 2,
        _TOP - 0.12,
        name,
        ha="center",
        va="top",
        fontsize=MIN_FONT_PT + 1,
        fontweight="bold",
        color=COLORS["processes"],
    )


def _memory(ax, x: float, w: float, lines: tuple[str, ...]) -> None:
    """A memory box inside a process: its title, then one line per content."""
    rounded_box(ax, x, _MEM_LOW, w, _MEM_HIGH - _MEM_LOW, linewidth=1.2, **_MEMORY)
    for i, line in enumerate(lines):
        ax.text(
            x + w / 2,
            _MEM_HIGH - 0.2 - 0.55 * i,
            line,
            ha="center",
            va="top",
            fontsize=MIN_FONT_PT,
            fontweight="bold" if i == 0 or "GIL" in line else "normal",
        )


def _thread(ax, x: float, label: str) -> None:
    """A thread: a blue arrow from below into the memory above it."""
    ax.add_patch(
        FancyArrowPatch(
            (x, 0.95),
            (x, _MEM_LOW - 0.05),
            arrowstyle="<|-|>",
            mutation_scale=14,
            linewidth=2.2,
            color=COLORS["threads"],
        )
    )
    ax.text(
        x,
        0.65,
        label,
        ha="center",
        va="center",
        fontsize=MIN_FONT_PT,
        color=COLORS["threads"],
        fontweight="bold",
    )


def plot_processes_and_threads() -> Figure:
    """Left: two processes, each with its own memory and GIL and one thread.
    Right: one process with two threads sharing its memory and its GIL."""
    fig = new_figure(1, width=6.4, height=3.9)
    (ax,) = fig.axes
    with house_style():
        ax.set_axis_off()
        ax.set_xlim(0, 12)
        ax.set_ylim(0, 6.3)
        ax.text(
            2.9,
            6.2,
            "two processes",
            ha="center",
            va="top",
            fontsize=MIN_FONT_PT + 1,
        )
        ax.text(
            9.1,
            6.2,
            "one process, two threads",
            ha="center",
            va="top",
            fontsize=MIN_FONT_PT + 1,
        )
        for i, x in enumerate((0.05, 3.05)):
            _process(ax, x, 2.75, f"process {i + 1}")
            _memory(
                ax,
                x + 0.17,
                2.41,
                ("its memory", "code, data", "interpreter", "its own GIL"),
            )
            _thread(ax, x + 1.375, "its thread")
        ax.plot([6.1, 6.1], [0.2, 6.2], color="#999999", linewidth=1, ls=":")
        _process(ax, 6.3, 5.65, "process")
        _memory(
            ax,
            6.5,
            5.25,
            ("one memory, shared", "code, data", "interpreter", "one GIL for both"),
        )
        _thread(ax, 7.9, "thread 1")
        _thread(ax, 10.5, "thread 2")
        takeaway(fig, "Processes each have their own memory and GIL; threads share one")
    return fig
