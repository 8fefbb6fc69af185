"""The GPU in the kitchen of Part 1 (drawn, not measured): the CPU's main
kitchen with a few big cores and main memory, the GPU's second kitchen with
many small cores and memory of its own, and the bus between them that data
crosses in, then back. Cores in the kitchen's workstation tint, memory,
buildings and the bus in neutral greys (``core.style.DRAWING_TINTS``), so
that no house colour of the plots means something else here.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from ..core.style import (
    DRAWING_INK,
    DRAWING_TINTS,
    MIN_FONT_PT,
    house_style,
    new_figure,
    rounded_box,
    takeaway,
)

#: The neutral inks of the drawing: no house colour's meaning.
_INK, _EDGE, _PAPER = "#333333", "#555555", "#f2f2f2"
#: The two buildings (axis units: x 0..12, y 0..8): left, right edges.
_CPU, _GPU = (0.1, 4.3), (7.1, 11.9)
_TOP, _BOTTOM = 7.9, 0.1
#: The memories (countertops) in both buildings: bottom, top.
_MEM_LOW, _MEM_HIGH = 0.45, 2.35


def _text(ax, x, y, text, bold=False, **style) -> None:
    ax.text(
        x,
        y,
        text,
        ha=style.pop("ha", "center"),
        va=style.pop("va", "top"),
        fontsize=MIN_FONT_PT,
        fontweight="bold" if bold else "normal",
        color=style.pop("color", _INK),
        **style,
    )


def _building(ax, left: float, right: float, lines: tuple[str, ...]) -> None:
    """A kitchen: a grey-edged frame, its name (bold) and a line under it."""
    rounded_box(
        ax,
        left,
        _BOTTOM,
        right - left,
        _TOP - _BOTTOM,
        facecolor="none",
        edgecolor=_EDGE,
        linewidth=1.4,
    )
    for i, line in enumerate(lines):
        _text(ax, (left + right) / 2, _TOP - 0.15 - 0.42 * i, line, bold=i == 0)


def _memory(ax, left: float, right: float, name: str, kitchen: str) -> None:
    """A memory at the bottom of a building: its name, then its kitchen word."""
    rounded_box(
        ax,
        left + 0.25,
        _MEM_LOW,
        right - left - 0.5,
        _MEM_HIGH - _MEM_LOW,
        facecolor=_PAPER,
        edgecolor=_EDGE,
        linewidth=1.2,
    )
    middle = (left + right) / 2
    _text(ax, middle, _MEM_HIGH - 0.3, name, bold=True)
    _text(ax, middle, _MEM_HIGH - 0.85, kitchen)


def _arrow(ax, start, end, style="-|>", width=1.8) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=14,
            linewidth=width,
            color=_EDGE,
        )
    )


def _cpu_cores(ax) -> None:
    """Four big cores, two by two, each named."""
    w, h, gap = 1.6, 1.15, 0.35
    left = (_CPU[0] + _CPU[1]) / 2 - w - gap / 2
    for row in range(2):
        for col in range(2):
            x = left + col * (w + gap)
            y = 3.35 + row * (h + gap)
            rounded_box(
                ax,
                x,
                y,
                w,
                h,
                facecolor=DRAWING_TINTS[3],
                edgecolor=_INK,
                linewidth=1.2,
            )
            _text(ax, x + w / 2, y + h / 2, "core", va="center")


def _gpu_cores(ax, rows: int = 8, cols: int = 16) -> None:
    """A grid of many tiny cores: one square each."""
    left, right, low, high = _GPU[0] + 0.35, _GPU[1] - 0.35, 3.35, 5.8
    step_x, step_y = (right - left) / cols, (high - low) / rows
    for row in range(rows):
        for col in range(cols):
            ax.add_patch(
                Rectangle(
                    (left + col * step_x + 0.03, low + row * step_y + 0.03),
                    step_x - 0.06,
                    step_y - 0.06,
                    facecolor=DRAWING_INK,
                    alpha=0.45,
                    edgecolor="none",
                )
            )


def plot_gpu_kitchen() -> Figure:
    """Left, the CPU's main kitchen: four big cores above main memory. Right,
    the GPU's second kitchen: a grid of small cores above GPU memory. Between
    them the bus: 1 copy in, 2 compute on the GPU, 3 copy back."""
    fig = new_figure(1, width=6.8, height=4.5)
    (ax,) = fig.axes
    with house_style():
        ax.set_axis_off()
        ax.set_xlim(0, 12)
        ax.set_ylim(0, 8)
        _building(ax, *_CPU, ("CPU: the main kitchen", "a few big, fast cores"))
        _building(
            ax,
            *_GPU,
            (
                "GPU: a second kitchen",
                "in another building:",
                "thousands of simple cores,",
                "all doing the same step",
            ),
        )
        _cpu_cores(ax)
        _gpu_cores(ax)
        _memory(ax, *_CPU, "main memory", "the big countertop")
        _memory(ax, *_GPU, "GPU memory", "a countertop of its own")
        middle = (_CPU[1] + _GPU[0]) / 2
        # the bus: a grey band between the two memories, the copies on it
        ax.add_patch(
            Rectangle(
                (_CPU[1] - 0.25, 0.9),
                _GPU[0] - _CPU[1] + 0.5,
                1.0,
                facecolor=_PAPER,
                edgecolor="none",
                zorder=0,
            )
        )
        _text(ax, middle, 3.2, "the bus (PCIe):", bold=True)
        _text(ax, middle, 2.75, "the servants")
        _arrow(ax, (_CPU[1] - 0.2, 1.65), (_GPU[0] + 0.2, 1.65))
        _text(ax, middle, 1.75, "1 copy in", va="bottom")
        _arrow(ax, (_GPU[0] + 0.2, 1.15), (_CPU[1] - 0.2, 1.15))
        _text(ax, middle, 1.05, "3 copy back")
        gpu_middle = (_GPU[0] + _GPU[1]) / 2
        _arrow(ax, (gpu_middle, _MEM_HIGH + 0.05), (gpu_middle, 3.3), style="<|-|>")
        _text(ax, gpu_middle + 0.2, 2.85, "2 compute", ha="left", va="center")
        takeaway(
            fig,
            "Data must travel to the GPU's own memory and back: "
            "keep it there across many steps",
        )
    return fig
