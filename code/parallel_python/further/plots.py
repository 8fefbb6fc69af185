"""Figures for "Going further", in the house style of :mod:`parallel_python.core.style`.

Draws result objects only; never runs an experiment.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..core.protocol import Ratio
from ..core.style import (
    COLORS,
    MIN_FONT_PT,
    STYLE,
    house_style,
    mark_unsteady,
    new_figure,
    takeaway,
)
from ..core.text import measured, plural, size
from ..core.wrap import balanced_lines
from .compare_tools import ToolComparison
from .dask_demo import DaskChunks
from .mpi_demo import MpiRuns
from .narrate_speed import numba_title
from .narrate_tools import tools_title
from .narrate_waiting import waiting_title
from .numba_demo import NumbaRun

# figures of one tool's workers live beside; the pages reach them from here
from .plots_workers import free_threading_rows as free_threading_rows
from .plots_workers import joblib_rows as joblib_rows
from .plots_workers import plot_free_threading as plot_free_threading
from .plots_workers import plot_joblib as plot_joblib
from .waiting import Waiting


def _short(x: float) -> str:
    """A number for a bar label, as the text writes it: ``120``, ``6.65``,
    ``0.87``."""
    return measured(x)


def carried(value: float, ratio: Ratio) -> tuple[float, float]:
    """How far below and above ``value`` (a median time) its whiskers reach:
    the 90 % interval of ``ratio`` (another time over this one, paired round
    by round) carried onto it, a higher ratio meaning a shorter time."""
    return (
        value - value * ratio.median / ratio.high,
        value * ratio.median / ratio.low - value,
    )


#: The waiting figure's ways: tool, house colour, marker, line, legend label.
_WAYS = (
    ("threads", "threads", "o", "-", "ThreadPoolExecutor (threads)"),
    ("asyncio", "accent", "^", "-.", "asyncio (tasks)"),
)


def plot_waiting(w: Waiting) -> Figure:
    """Time to fetch all URLs against workers (threads) or tasks (asyncio).
    Each time beyond one at a time carries the 90 % interval of its speed-up
    over one at a time (paired rounds), hollow where that is unsteady."""
    fig = new_figure(1, width=6.4, height=3.6)
    (ax,) = fig.axes
    ks = list(w.workers)
    first = min(ks)
    paired = [k for k in ks if k != first]  # one at a time is the reference
    handles = []
    with house_style():
        for tool, kind, marker, line, label in _WAYS:
            medians = {k: w.case(tool, k).timing.median for k in ks}
            spans = {k: carried(medians[k], w.ratio(tool, k)) for k in paired}
            handles.append(
                ax.errorbar(
                    ks,
                    [medians[k] for k in ks],
                    yerr=[
                        [spans[k][0] if k in spans else 0.0 for k in ks],
                        [spans[k][1] if k in spans else 0.0 for k in ks],
                    ],
                    errorevery=[k in spans for k in ks],
                    marker=marker,
                    linestyle=line,
                    color=COLORS[kind],
                    capsize=4,
                    label=label,
                )
            )
            mark_unsteady(
                ax,
                paired,
                [medians[k] for k in paired],
                [w.ratio(tool, k) for k in paired],
                COLORS[kind],
                marker,
            )
        (ideal,) = ax.plot(
            ks,
            [w.requests * w.delay / min(k, w.requests) for k in ks],
            color=COLORS["ideal"],
            linestyle="--",
            linewidth=1.5,
            label="waiting alone, perfectly overlapped",
        )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(ks)
        ax.set_xticklabels([str(k) for k in ks])
        ax.minorticks_off()
        ax.set_xlabel("requests in flight at once (threads or tasks)")
        ax.set_ylabel("time for all requests (s, median)")
        takeaway(fig, waiting_title(w))
        ax.legend(handles=[*handles, ideal], loc="lower left")  # the ways first
    return fig


def dask_memory_title(d: DaskChunks) -> str:
    """The memory figure's takeaway: the largest growth against the budget
    (the size of one whole array is written on the figure)."""
    peak, budget = size(max(d.peak_bytes, 0)), size(d.budget_bytes)
    where = "inside" if d.within_budget else "over"
    return f"Memory grew by {peak} at most, {where} the {budget} budget"


def plot_dask_memory(d: DaskChunks) -> Figure:
    """The growth of the process's memory while dask computed, sample by
    sample, under the budget (a line) and the size of one whole array."""
    fig = new_figure(1, width=6.4, height=3.4)
    (ax,) = fig.axes
    mib = 2**20
    times = [t for t, _ in d.samples]
    grown = [b / mib for _, b in d.samples]
    budget = d.budget_bytes / mib
    array = d.array_bytes / mib
    shown = array <= 4 * budget  # else it would flatten the samples
    top = 1.12 * max([budget, *grown, array if shown else 0.0])
    with house_style():
        if d.samples:
            ax.fill_between(times, grown, color=COLORS["threads"], alpha=0.15, lw=0)
            ax.plot(
                times,
                grown,
                color=COLORS["threads"],
                linewidth=1.5,
                label=f"dask, {d.chunks} chunks on {d.threads} thread"
                + ("s" if d.threads != 1 else ""),
            )
        else:
            ax.text(
                0.5, 0.5, "no samples recorded", ha="center", transform=ax.transAxes
            )
        ax.axhline(budget, color=COLORS["serial"], linestyle="--", linewidth=1.5)
        ax.annotate(
            f"budget: {size(d.budget_bytes)}",
            xy=(0, budget),
            xycoords=("axes fraction", "data"),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=MIN_FONT_PT,
        )
        if shown:
            ax.axhline(array, color=COLORS["ideal"], linestyle=":", linewidth=1.5)
            note, y, offset = f"one whole array: {size(d.array_bytes)}", array, 4
        else:
            note = f"one whole array, {size(d.array_bytes)}, is off the top"
            y, offset = top, -14
        ax.annotate(
            note,
            xy=(1, y),
            xycoords=("axes fraction", "data"),
            xytext=(-4, offset),
            textcoords="offset points",
            ha="right",
            fontsize=MIN_FONT_PT,
            color="#555555",
        )
        ax.set_ylim(0, top)
        ax.set_xlim(0, max(times, default=1.0))
        ax.set_xlabel(f"time since the first of {d.timing.repeats} computes (s)")
        ax.set_ylabel("memory grown (MiB)")
        if d.samples:
            ax.legend(loc="center right")
        takeaway(fig, dask_memory_title(d))
    return fig


def plot_numba(r: NumbaRun) -> Figure:
    """Nanoseconds per point for each version: a dot each, on a log scale.
    A version paired round by round (with ``@njit``, or ``parallel=True`` with
    itself on one thread) carries the 90 % interval
    of that ratio (:func:`carried`), hollow where it is unsteady."""
    fig = new_figure(1, width=6.4, height=0.45 * len(r.cases) + 1.3)
    (ax,) = fig.axes
    names = [c.name for c in r.cases]
    ns = [c.ns_per_point for c in r.cases]
    ends = []  # each row's right end: its interval's cap, else its dot
    with house_style():
        for y, (c, value) in enumerate(zip(r.cases, ns, strict=True)):
            kind = "threads" if c.workers > 1 else "serial"
            style = {"marker": _MARKERS[kind], "color": COLORS[kind], "ms": 8}
            if c.ratio is None:
                ax.plot([value], [y], **style)
                ends.append(value)
            else:
                below, above = carried(value, c.ratio)
                ax.errorbar([value], [y], xerr=[[below], [above]], capsize=4, **style)
                mark_unsteady(ax, [value], [y], [c.ratio], COLORS[kind], _MARKERS[kind])
                ends.append(value + above)
            ax.annotate(  # clear of the marker and of the interval's cap
                _short(value)
                + " ns"
                + (f", {c.workers} threads" if c.workers > 1 else ""),
                xy=(ends[-1], y),
                xytext=(10, 0),
                textcoords="offset points",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel("nanoseconds per point (median of rounds, log scale)")
        ax.grid(axis="y", visible=False)
        ax.set_xlim(min(ns) / 2, max(ends) * 8)
        takeaway(fig, numba_title(r))
        kinds = [k for k in ("serial", "threads") if k in _numba_kinds(r)]
        handles = [
            Line2D([], [], color=COLORS[k], marker=_MARKERS[k], ls="", label=_NAME[k])
            for k in kinds
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(kinds))
    return fig


def _numba_kinds(r: NumbaRun) -> set[str]:
    return {"threads" if c.workers > 1 else "serial" for c in r.cases}


#: What runs each tool's work, for its colour: the house colours of threads,
#: processes and one thread of compiled or plain code.
_TOOL_KIND = {
    "threads": "threads",
    "numba parallel=True": "threads",
    "multiprocessing Pool": "processes",
    "joblib": "processes",
    "dask (LocalCluster)": "processes",
    "MPI (mpi4py)": "processes",
}


def tool_kind(tool: str, workers: int) -> str:
    """``threads``, ``processes`` or ``serial``: what ran ``tool``'s work."""
    return _TOOL_KIND.get(tool, "serial") if workers > 1 else "serial"


def plot_tools(t: ToolComparison) -> Figure:
    """Speed-up over pure Python of every tool: a dot on a log axis, joined to
    1× by a line that grows right (faster) or left (slower), with the 90 %
    interval of its paired rounds as a black bar."""
    fig = new_figure(1, width=6.4, height=0.42 * len(t.runs) + 1.3)
    (ax,) = fig.axes
    names = list(t.tools)
    speedups = [t.speedup(name) for name in names]
    kinds = [tool_kind(r.tool, r.workers) for r in t.runs]
    with house_style():
        for y, (s, kind) in enumerate(zip(speedups, kinds, strict=True)):
            colour = COLORS[kind]
            # a thin, pale stem from 1x, so the interval's black whiskers,
            # drawn above it, stay visible where they lie along it
            ax.plot(
                [1, s],
                [y, y],
                color=colour,
                linewidth=1.5,
                alpha=0.5,
                solid_capstyle="butt",
                zorder=1.5,
            )
            ax.plot([s], [y], marker=_MARKERS[kind], color=colour, markersize=8)
            ratio = t.runs[y].ratio
            if ratio is not None:  # the 90 % interval of the median ratio
                ax.errorbar(
                    [s],
                    [y],
                    xerr=[[s - ratio.low], [ratio.high - s]],
                    color="black",
                    capsize=4,
                    linewidth=1.2,
                    zorder=3,
                )
                mark_unsteady(ax, [s], [y], [ratio], colour, _MARKERS[kind])
            right = max(s, 1, ratio.high if ratio is not None else s)
            ax.annotate(  # right of the line and the interval's cap
                f"{_short(s)}×",
                xy=(right, y),
                xytext=(10, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.axvline(1, color=COLORS["serial"], linewidth=1)
        ax.set_xlabel(  # the axes are about three quarters of the figure wide
            balanced_lines(
                f"speed-up over pure Python (×, log scale), n = {t.n:,} points",
                fig.get_figwidth() * 72 * 0.75,
                STYLE["axes.labelsize"],
            )
        )
        ax.grid(axis="y", visible=False)
        shown = [k for k in ("serial", "threads", "processes") if k in kinds]
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
        ax.set_xlim(min([*speedups, 1]) / 3, max([*speedups, 1]) * 4)
        takeaway(fig, tools_title(t))
        handles = [
            Line2D([], [], color=COLORS[k], marker=_MARKERS[k], label=_NAME[k])
            for k in shown
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=len(shown))
    return fig


_MARKERS = {"serial": "s", "threads": "o", "processes": "D"}
_NAME = {
    "serial": "one thread",
    "threads": "several threads",
    "processes": "several processes",
}


def mpi_title(m: MpiRuns) -> str:
    """The MPI figure's takeaway: the median ratio of the most ranks' rounds."""
    k = m.most
    r = m.ratio(k)
    return (
        f"{plural(k, 'rank')}, round by round: {measured(r.median)}× "
        f"the serial loop's speed"
    )


def plot_mpi(m: MpiRuns) -> Figure:
    """Each round of the launch with the most ranks: rank 0's serial loop
    alone and all ranks sharing the integral (times in ms), so the paired
    rounds that make the speed-up are visible one by one."""
    run = m.run(m.most)
    fig = new_figure(1, width=6.4, height=3.6)
    (ax,) = fig.axes
    rounds = list(range(1, run.compute.repeats + 1))
    with house_style():
        ax.plot(
            rounds,
            [t * 1e3 for t in run.serial.times],
            marker="s",
            color=COLORS["serial"],
            label="rank 0 alone, the serial loop",
        )
        kind = "processes" if run.ranks > 1 else "serial"
        ax.plot(
            rounds,
            [t * 1e3 for t in run.compute.times],
            marker="D",
            linestyle="-" if kind == "processes" else "--",
            color=COLORS[kind],
            label=f"{plural(run.ranks, 'rank')} sharing the integral",
        )
        ax.set_ylim(0, max(run.serial.times + run.compute.times) * 1e3 * 1.35)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("paired round")
        ax.set_ylabel("compute time (ms)")
        takeaway(fig, mpi_title(m))
        ax.legend(loc="upper right")
    return fig
