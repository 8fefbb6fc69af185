"""The figure of what reading cost a forked child in private memory.

Draws a :class:`~parallel_python.multiproc.fork_memory.ForkMemory` only;
never runs the experiment. :mod:`.plots` re-exports it.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import (
    FixedLocator,
    FuncFormatter,
    MultipleLocator,
    NullLocator,
)

from ..core.style import (
    COLORS,
    GUIDE,
    MIN_FONT_PT,
    house_style,
    new_figure,
    takeaway,
)
from ..core.text import count, percent, size
from .fork_memory import ForkMemory, ReadCost

#: Copied sizes further apart than this are drawn on a log axis (as dots).
LOG_ABOVE = 30.0
#: The child's memory is a process's: the processes colour; the data's
#: size is a neutral, faint grey.
COPIED = COLORS["processes"]
DATA = COLORS["ideal"]
COPIED_LABEL = "copied into the child while summing"
DATA_LABEL = "size of the data"


def fork_memory_takeaway(m: ForkMemory) -> str:
    """The figure's title: what each read copied, as measured."""
    if not m.available:
        return f"Not measured on this machine: {m.reason}"
    lst, arr = m.get("list"), m.get("array")
    return (
        f"Summing the list copied {size(lst.copied)} into the child "
        f"({percent(lst.copied_fraction)} of its size); summing the array, "
        f"{size(arr.copied)} ({percent(arr.copied_fraction)})"
    )


def _row_name(r: ReadCost, elements: int) -> str:
    if r.what == "list":
        return f"a list of\n{count(elements)} Python ints"
    return f"a NumPy array of\n{count(r.data_bytes // 8)} floats"


def _value_label(r: ReadCost) -> str:
    """``30.5 MiB of 33.4 MiB``; when more was copied than the data holds
    (other pages the child wrote), ``80 KiB (data 35.2 KiB)``."""
    if r.copied <= r.data_bytes:
        return f"{size(r.copied)} of {size(r.data_bytes)}"
    return f"{size(r.copied)} (data {size(r.data_bytes)})"


def _byte_tick(v: float, _pos: object = None) -> str:
    return "0" if v <= 0 else size(round(v))


def _linear(ax: Axes, reads: tuple[ReadCost, ...]) -> None:
    """Bars: the data's size faint and wide, the copied bytes on top of it."""
    ys = list(range(len(reads)))
    ax.barh(ys, [r.data_bytes for r in reads], height=0.7, color=DATA, alpha=0.35)
    ax.barh(ys, [r.copied for r in reads], height=0.4, color=COPIED)
    top = max(max(r.data_bytes, r.copied) for r in reads)
    right = top * 1.75  # room for the labels
    step = 2.0 ** math.ceil(math.log2(max(right / 5, 1)))  # whole KiB or MiB
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.set_xlim(0, right)


def _log(ax: Axes, reads: tuple[ReadCost, ...]) -> None:
    """Dots (no bars on a log axis): the copied bytes, a grey mark at the
    data's size, and a faint dotted guide along each row (a guide, not a
    length: a log axis has no zero to measure from)."""
    values = [v for r in reads for v in (r.copied, r.data_bytes)]
    low = 4.0 ** math.floor(math.log(min(values) / 2, 4))
    high = max(values)
    # the rightmost mark at about 55 % of the axis, leaving room for its label
    right = low * (high / low) ** (1 / 0.55)
    for y, r in enumerate(reads):
        ax.hlines(y, low, right, color=GUIDE, linewidth=0.8, linestyle=":")
        ax.plot([r.data_bytes], [y], "|", color=DATA, markersize=18, mew=3)
        ax.plot([r.copied], [y], "D", color=COPIED, markersize=8)
    ax.set_xscale("log")
    first, end = round(math.log(low, 4)), math.floor(math.log(right, 4))
    stride = math.ceil((end - first + 1) / 5)  # at most five ticks on the axis
    last = min(end, math.ceil(math.log(high, 4)))  # none far past the data
    ax.xaxis.set_major_locator(
        FixedLocator([4.0**e for e in range(first, last + 1, stride)])
    )
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(low, right)


def plot_fork_memory(m: ForkMemory) -> Figure:
    """Private memory a forked child gained by summing a list of Python ints
    and a NumPy array, each beside the size of the data it read."""
    reads = m.reads if m.available else ()
    fig = new_figure(1, width=6.4, height=1.7 + 0.75 * max(len(reads), 1))
    (ax,) = fig.axes
    with house_style():
        takeaway(fig, fork_memory_takeaway(m))
        if not reads:
            ax.axis("off")
            ax.text(
                0.5,
                0.5,
                "This reading needs Linux and the fork start method.",
                ha="center",
                va="center",
                fontsize=MIN_FONT_PT + 1,
                transform=ax.transAxes,
            )
            return fig
        copied = [r.copied for r in reads]
        logged = min(copied) > 0 and max(copied) > LOG_ABOVE * min(copied)
        if logged:
            _log(ax, reads)
            scale = "log scale"
        else:
            _linear(ax, reads)
            scale = "linear scale"
        ys = list(range(len(reads)))
        for y, r in zip(ys, reads, strict=True):
            ax.annotate(
                _value_label(r),
                xy=(max(r.copied, r.data_bytes), y),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        ax.xaxis.set_major_formatter(FuncFormatter(_byte_tick))
        ax.set_yticks(ys)
        ax.set_yticklabels([_row_name(r, m.elements) for r in reads])
        ax.set_ylim(len(reads) - 0.5, -0.5)  # the list on top
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(f"bytes ({scale})")
        handles = [
            Line2D([], [], color=COPIED, marker="D", ls="none", label=COPIED_LABEL)
            if logged
            else Patch(color=COPIED, label=COPIED_LABEL),
            Line2D([], [], color=DATA, marker="|", markersize=14, mew=3, ls="none")
            if logged
            else Patch(color=DATA, alpha=0.35),
        ]
        handles[1].set_label(DATA_LABEL)
        fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig
