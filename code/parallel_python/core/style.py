"""One look for every figure in the book and the CLI.

Plotting draws result objects and never runs an experiment. Figures are
built with :class:`matplotlib.figure.Figure` directly (no pyplot state), so
drawing is safe in threads, notebooks and the CLI alike.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .wrap import balanced_lines

#: Fixed colours (colour-blind safe, Okabe-Ito): serial, threads, processes.
COLORS = {
    "serial": "#000000",
    "threads": "#0072B2",
    "processes": "#D55E00",
    "ideal": "#999999",
    "cpus": "#CC79A7",
    "accent": "#009E73",
}
#: Shades of one kind for several series of it (e.g. matrix sizes, all run
#: by BLAS threads): light to dark blue, so no shade means something else.
SERIES = ("#56B4E9", "#0072B2", "#003f63", "#8fb8de", "#2b5d8a", "#001f33")
#: A marker for each shade of :data:`SERIES`, so that a series is told apart
#: by its shape too, not by a shade alone; none is a marker of :data:`MEANINGS`.
SERIES_MARKERS = ("v", "X", "h", "P", "p", "*")
#: Light tints and an ink for drawn (not measured) pictures, such as the
#: kitchen and the GPU: none is a house colour, so a drawing never gives a
#: colour of :data:`COLORS` or :data:`SERIES` a second meaning.
DRAWING_TINTS = ("#F3EFD9", "#E9DCC6", "#DCE3E8", "#E4E4E4", "#EDE4DA")
DRAWING_INK = "#5A4E44"
#: The faint guide along a row of a dot plot (to find its label; no meaning).
GUIDE = "#BBBBBB"

#: The widest an image is shown in the book's column, CSS px (the theme's
#: content column at a 1280 px viewport); wider images are shrunk to it.
COLUMN_PX = 672.0
#: The widest figure, inches: at this width and a :data:`MIN_FONT_PT` font,
#: figure text shown in the column is still 0.85 of the body text.
COLUMN_WIDTH = 6.8
#: The body text's font size on the page, CSS px (16 px in the theme).
BODY_PX = 16.0
#: The smallest text a figure may carry, as a share of the body text.
MIN_TEXT_SHARE = 0.85
#: The smallest font size in a figure, points (readable at column width).
MIN_FONT_PT = 10.0

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 160,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10.5,
    "legend.title_fontsize": 10.5,
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


def new_figure(panels: int = 1, width: float = 6.4, height: float = 3.6) -> Figure:
    """A figure of ``panels`` axes in the house style, sized for the column.

    Several panels are stacked, each ``height`` inches tall, so that every
    panel keeps the column's full width; ``width`` is capped at
    :data:`COLUMN_WIDTH`, so the page never shrinks a figure's text.
    """
    if panels < 1:
        raise ValueError(f"a figure needs at least one panel, not {panels}")
    with house_style():
        fig = Figure(
            figsize=(min(width, COLUMN_WIDTH), height * panels), layout="constrained"
        )
        fig.subplots(panels, 1)
    return fig


def shown_text_px(fig: Figure, points: float) -> float:
    """How large text of ``points`` in ``fig`` is shown on the page, CSS px.

    The image is saved at ``savefig.dpi`` pixels per inch and shown at its
    natural size, or shrunk to :data:`COLUMN_PX` when wider, text and all.
    """
    dpi = STYLE["savefig.dpi"]
    return points / 72 * min(dpi, COLUMN_PX / fig.get_figwidth())


def small_texts(fig: Figure) -> list[tuple[str, float]]:
    """Visible texts in ``fig`` shown smaller than the book's minimum:
    (text, shown px) pairs, for the tests."""
    from matplotlib.text import Text

    floor = MIN_TEXT_SHARE * BODY_PX
    found = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        px = shown_text_px(fig, text.get_fontsize())
        if px < floor - 1e-9:
            found.append((text.get_text(), round(px, 1)))
    return found


#: The PNG text key under which :func:`png_bytes` notes the height of the
#: figure's smallest text in image pixels (the site tests read it back and
#: scale it by how wide the browser shows the image).
SMALLEST_TEXT_KEY = "parallel-python smallest text px"


def smallest_text_points(fig: Figure) -> float | None:
    """The font size of the smallest visible text in ``fig``, points."""
    from matplotlib.text import Text

    sizes = [
        t.get_fontsize()
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]
    return min(sizes) if sizes else None


def png_bytes(fig: Figure, dpi: float | None = None) -> bytes:
    """The figure rendered as PNG (at ``dpi``, default the house style's),
    noting its smallest text's height in pixels (:data:`SMALLEST_TEXT_KEY`)."""
    buffer = io.BytesIO()
    with house_style():
        dots = dpi if dpi is not None else mpl.rcParams["savefig.dpi"]
        fig.savefig(buffer, format="png", dpi=dpi)
    png = buffer.getvalue()
    points = smallest_text_points(fig)  # drawn now: tick labels have their text
    if points is None:
        return png
    return _with_text(png, SMALLEST_TEXT_KEY, f"{points / 72 * dots:.2f}")


def _with_text(png: bytes, key: str, value: str) -> bytes:
    """``png`` with a ``tEXt`` chunk ``key``: ``value`` after its header chunk."""
    body = b"tEXt" + key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = (
        struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    )
    header_end = 8 + 4 + 4 + 13 + 4  # signature, IHDR's length, type, data, CRC
    return png[:header_end] + chunk + png[header_end:]


#: The hatch of waiting on a timeline (a thread asleep or queued for a lock);
#: figures of CPU time use hatch of their own, never on a timeline.
WAIT_HATCH = "///"
#: The hatch of CPU time beside wall time (a bar of seconds, never a
#: timeline): dots, so that no hatch means both waiting and CPU time.
CPU_HATCH = ".."


def span_bar(
    ax: Axes, y: float, start_ms: float, length_ms: float, colour: str, *, waiting: bool
) -> None:
    """One stretch of a timeline lane at row ``y``: solid ``colour`` for
    work, white hatched in ``colour`` (:data:`WAIT_HATCH`) for waiting."""
    ax.barh(
        y,
        length_ms,
        left=start_ms,
        height=0.6,
        color="white" if waiting else colour,
        edgecolor=colour,
        hatch=WAIT_HATCH if waiting else None,
        linewidth=1.2,
    )


def rounded_box(ax: Axes, x: float, y: float, w: float, h: float, **style) -> None:
    """A box with rounded corners at (``x``, ``y``), ``w`` by ``h`` in data
    units: the one box of the book's drawn diagrams (``style``: its colours)."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.15", **style
        )
    )


def label_bar(ax: Axes, x: float, y: float, text: str) -> None:
    """Write ``text`` just past the end of the horizontal bar at (``x``, ``y``)."""
    ax.annotate(
        text,
        xy=(x, y),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=MIN_FONT_PT,
    )


def mark_cpus(ax: Axes, cpus: int) -> None:
    """A vertical line at the number of CPUs available, behind the measured
    points and their error bars (lines and markers draw at zorder 2)."""
    ax.axvline(cpus, color=COLORS["cpus"], linestyle=":", linewidth=1.5, zorder=1.5)
    ax.annotate(
        f"{cpus} CPU{'s' if cpus > 1 else ''} available",
        xy=(cpus, 0),
        xycoords=("data", "axes fraction"),
        xytext=(4, 6),
        textcoords="offset points",
        color=COLORS["cpus"],
        fontsize=MIN_FONT_PT,
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


def takeaway(fig: Figure, text: str) -> None:
    """The figure's takeaway, computed from its result, at its top left;
    where it is wider than the figure, broken into two lines of about the
    same width (:func:`balanced_lines`), never leaving a word alone below."""
    size = STYLE["axes.titlesize"]
    fig.set_label(text)  # as written, for takeaway_of
    if "\n" not in text:
        text = balanced_lines(text, fig.get_figwidth() * 72 * 0.97, size)
    fig.suptitle(text, x=0.01, ha="left", fontsize=size, wrap=True)


def takeaway_of(fig: Figure) -> str:
    """The takeaway as :func:`takeaway` was given it, before it was broken
    to fit the figure (a line break in it is the writer's own)."""
    return fig.get_label() or fig.get_suptitle()


def interval_errorbar(
    ax: Axes,
    xs: list[float],
    ratios: list,
    colour: str,
    label: str,
    marker: str = "o",
    scale: float = 1.0,
    markersize: float | None = None,
) -> None:
    """Median paired ratios (:class:`~parallel_python.core.protocol.Ratio`)
    joined by a line, each with its 90 % interval as an error bar; ``scale``
    multiplies all three (e.g. ``100 / p`` for an efficiency in %); ``colour``
    is a house colour's name or a colour of its own (a shade of a series).
    A point whose interval is wider than ±15 % (:func:`unsteady`) is drawn
    hollow: its rounds varied too much to trust it."""
    scales = scale if isinstance(scale, list) else [scale] * len(ratios)
    medians = [r.median * k for r, k in zip(ratios, scales, strict=True)]
    below = [(r.median - r.low) * k for r, k in zip(ratios, scales, strict=True)]
    above = [(r.high - r.median) * k for r, k in zip(ratios, scales, strict=True)]
    shade = COLORS.get(colour, colour)
    ax.errorbar(
        xs,
        medians,
        yerr=[below, above],
        marker=marker,
        markersize=markersize,
        color=shade,
        capsize=4,
        label=label,
    )
    mark_unsteady(ax, xs, medians, ratios, shade, marker)


def unsteady(ratio: object) -> bool:
    """True for a median ratio whose 90 % interval is wider than ±15 %, or
    that had too few rounds for one: the figures draw such a point hollow."""
    from .protocol import MAX_HALF_WIDTH

    return not ratio.within(MAX_HALF_WIDTH)  # type: ignore[attr-defined]


def mark_unsteady(
    ax: Axes,
    xs: list[float],
    ys: list[float],
    ratios: list,
    colour: str,
    marker: str = "o",
) -> int:
    """Draw the points of ``ratios`` that are :func:`unsteady` hollow (white
    inside, a ring of ``colour``) over the points already drawn at ``xs``,
    ``ys``; how many were marked."""
    picked = [(x, y) for x, y, r in zip(xs, ys, ratios, strict=True) if unsteady(r)]
    if picked:
        ax.plot(
            [x for x, _ in picked],
            [y for _, y in picked],
            linestyle="none",
            marker=marker or "o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=colour,
            markeredgewidth=2,
            zorder=5,
        )
    return len(picked)


#: What each house colour means, for the key the book shows once.
MEANINGS = (
    ("serial", "s", "-", "one thread: plain Python, NumPy or compiled code"),
    ("threads", "o", "-", "several threads (Python's or a library's, such as BLAS)"),
    ("processes", "D", "-", "several processes"),
    ("ideal", "", "--", "the ideal: one worker per CPU"),
    ("cpus", "", ":", "the number of CPUs available"),
    ("accent", "^", "-.", "set beside them: a model, a fix, another tool"),
)


def plot_colour_key() -> Figure:
    """The house colours, markers and line styles, each with its meaning."""
    fig = new_figure(1, width=6.4, height=0.42 * (len(MEANINGS) + 2) + 0.3)
    (ax,) = fig.axes
    with house_style():
        for y, (colour, marker, line, meaning) in enumerate(MEANINGS):
            ax.plot(
                [0, 1],
                [y, y],
                color=COLORS[colour],
                linestyle=line,
                marker=marker or None,
                markevery=[1],
                markersize=8,
            )
            ax.text(1.25, y, meaning, va="center", fontsize=MIN_FONT_PT + 1)
        ax.errorbar(
            [0.5],
            [len(MEANINGS)],
            yerr=[[0.3], [0.3]],
            fmt="none",
            color=COLORS["serial"],
            capsize=4,
        )
        ax.text(
            1.25,
            len(MEANINGS),
            "error bar: the 90 % interval of a median",
            va="center",
            fontsize=MIN_FONT_PT + 1,
        )
        hollow = len(MEANINGS) + 1
        ax.plot(
            [0.5],
            [hollow],
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=COLORS["serial"],
            markeredgewidth=2,
        )
        ax.text(
            1.25,
            hollow,
            "hollow: an interval wider than ±15 % (unsteady)",
            va="center",
            fontsize=MIN_FONT_PT + 1,
        )
        ax.set_xlim(-0.1, 7)
        ax.set_ylim(hollow + 0.6, -0.6)
        ax.axis("off")
    return fig
