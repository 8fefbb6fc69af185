"""The GIL hand-over as a timeline: one lane per thread, a bar where it
made progress, and the switch interval drawn to the same scale."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..core.style import MIN_FONT_PT, SERIES, house_style, new_figure, takeaway
from ..core.text import setting
from .handover import Handover
from .narrate_handover import handover_title

#: The switch interval's bracket: a neutral ink, no house colour's meaning.
_INK = "#444444"
#: The narrowest bar drawn, milliseconds (a stretch of one stamp has no length).
_THINNEST_MS = 0.08


def plot_handover(h: Handover) -> Figure:
    """Who made progress when: one lane per thread (thread 1 at the top), a
    bar for each stretch, and a bracket as long as the switch interval."""
    fig = new_figure(1, width=6.4, height=1.5 + 0.5 * h.threads)
    (ax,) = fig.axes
    shades = (SERIES[1], SERIES[0], SERIES[2], *SERIES[3:])
    with house_style():
        for i in range(h.threads):
            bars = [
                (s.start * 1e3, max(s.seconds * 1e3, _THINNEST_MS)) for s in h.lane(i)
            ]
            ax.broken_barh(
                bars,
                (i - 0.32, 0.64),
                facecolors=shades[i % len(shades)],
                edgecolor="none",
            )
        ax.set_yticks(range(h.threads), [f"thread {i + 1}" for i in range(h.threads)])
        first = _first_handover(h) if h.gil_enabled else None
        ax.set_ylim(h.threads - 0.4 + (0.9 if first else 0), -1.25)
        if first is not None:
            # the first hand-over: the waiter asked, the holder let go
            (gave, gave_lane), (took, took_lane) = first
            ax.annotate(
                "",
                xy=(took, took_lane + 0.34),
                xytext=(gave, gave_lane - 0.34),
                arrowprops={"arrowstyle": "->", "color": _INK, "linewidth": 1.2},
            )
            ax.annotate(
                f"thread {took_lane + 1} waited a switch interval, then asked; "
                f"thread {gave_lane + 1} let go",
                xy=(gave, gave_lane + 0.34),
                xytext=(gave, h.threads + 0.15),
                ha="left",
                va="center",
                color=_INK,
                fontsize=MIN_FONT_PT,
                arrowprops={
                    "arrowstyle": "-",
                    "color": _INK,
                    "linewidth": 1.0,
                    "relpos": (0.0, 0.5),  # from the text's left end
                },
            )
        ax.set_xlim(0, h.span * 1e3 * 1.01)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("time since the threads started (ms)")
        # the switch interval, to scale, above the lanes
        x0 = _second_turn_start(h) * 1e3
        x1 = x0 + h.switch_interval * 1e3
        ax.annotate(
            "",
            xy=(x0, -0.8),
            xytext=(x1, -0.8),
            arrowprops={
                "arrowstyle": "|-|",
                "color": _INK,
                "linewidth": 1.5,
                "mutation_scale": 4,
            },
        )
        ax.annotate(
            f"switch interval ({setting(h.switch_interval)})",
            xy=(x1, -0.8),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            color=_INK,
            fontsize=MIN_FONT_PT,
        )
        takeaway(fig, handover_title(h))
    return fig


def _second_turn_start(h: Handover) -> float:
    """Where the second thread's first stretch begins (seconds), else 0."""
    first = h.stretches[0].thread if h.stretches else 0
    later = [s.start for s in h.stretches if s.thread != first]
    return min(later) if later else 0.0


def _first_handover(h: Handover) -> tuple[tuple[float, int], tuple[float, int]] | None:
    """The first time one thread stopped and another started, as ((the end
    of the giver's stretch, its lane), (the start of the taker's, its lane)),
    milliseconds; None without one."""
    for before, after in zip(h.stretches, h.stretches[1:], strict=False):
        if after.thread != before.thread and after.start >= before.end:
            return (before.end * 1e3, before.thread), (after.start * 1e3, after.thread)
    return None
