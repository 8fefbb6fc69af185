"""Figures of one tool's workers for "Going further": joblib's calls and
free threading's threads beside processes, in the house style of
:mod:`parallel_python.core.style`. Draws result objects only."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..core.style import (
    COLORS,
    MIN_FONT_PT,
    house_style,
    mark_unsteady,
    new_figure,
    takeaway,
)
from ..core.text import duration, measured, plural
from .freethreading import FreeThreading
from .joblib_demo import JoblibRun
from .narrate_pools import joblib_title
from .narrate_speed import free_threading_title


def joblib_rows(j: JoblibRun) -> list[tuple[str, float, str]]:
    """(what, seconds, kind) for the joblib figure, top to bottom; kind is a
    house colour: the plain loop is serial, calls into the workers are
    processes (or serial with ``n_jobs=1``), the disk cache is set beside."""
    workers = "serial" if j.in_process else "processes"
    return [
        ("plain loop, this process (median)", j.serial.median, "serial"),
        (f"first Parallel call: starts {plural(j.jobs, 'worker')}", j.cold, workers),
        ("later calls, workers reused (median)", j.warm.median, workers),
        (
            f"big array to {plural(j.tasks, 'task')}, memory-mapped",
            j.memmapped.best,
            workers,
        ),
        (f"big array to {plural(j.tasks, 'task')}, pickled", j.pickled.best, workers),
        ("Memory-cached function, first call", j.cache_first, "accent"),
        ("Memory-cached function, again (from disk)", j.cache_again, "accent"),
    ]


def plot_joblib(j: JoblibRun) -> Figure:
    """Where joblib's time goes: one dot per call on a log time axis, each
    labelled with its duration."""
    rows = joblib_rows(j)
    markers = {"serial": "s", "processes": "D", "accent": "^"}
    fig = new_figure(1, width=6.6, height=0.5 * len(rows) + 1.3)
    (ax,) = fig.axes
    with house_style():
        for y, (_, secs, kind) in enumerate(rows):
            ax.plot(
                [secs],
                [y],
                marker=markers[kind],
                markersize=9,
                color=COLORS[kind],
                linestyle="none",
            )
            ax.annotate(
                duration(secs),
                xy=(secs, y),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=MIN_FONT_PT,
            )
        ax.set_xscale("log")
        low = min(secs for _, secs, _ in rows)
        high = max(secs for _, secs, _ in rows)
        ax.set_xlim(low / 2, high * 12)  # room for the labels on the right
        ax.set_yticks(range(len(rows)), [what for what, _, _ in rows])
        ax.set_ylim(len(rows) - 0.5, -0.75)  # room for the top row's label
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("time of one call (s, log scale)")
        takeaway(fig, joblib_title(j))
    return fig


def free_threading_rows(f: FreeThreading) -> list[tuple[str, object, str]]:
    """(what, paired ratio, kind) for the free-threading figure: the same
    ``f.workers`` pure-Python tasks side by side, against one after another."""
    k = f.workers
    rows = [(f"{plural(k, 'thread')}", f.gil.threads_cpu_at(k).ratio, "threads")]
    if f.interpreters is not None:
        rows.append((f"{plural(k, 'subinterpreter')}", f.interpreters.ratio, "accent"))
    if f.gil.processes_cpu:
        rows.append(
            (
                plural(k, "process", "processes"),
                f.gil.processes_cpu_at(k).ratio,
                "processes",
            )
        )
    return rows


def plot_free_threading(f: FreeThreading) -> Figure:
    """Speed-up of the same pure-Python tasks in threads (and subinterpreters,
    where there are any) and in processes, each a dot with its 90 % interval,
    beside 1× (no gain), the ideal and the machine's measured ceiling."""
    rows = free_threading_rows(f)
    markers = {"threads": "o", "processes": "D", "accent": "^"}
    fig = new_figure(1, width=6.4, height=0.55 * len(rows) + 1.9)
    (ax,) = fig.axes
    k = f.workers
    ideal = float(min(k, f.cpus))
    probed = f.gil.ceiling if f.cpus > 1 else None
    lines = [1.0, ideal] + ([probed.ratio] if probed is not None else [])
    with house_style():
        for y, (_, r, kind) in enumerate(rows):
            ax.errorbar(
                [r.median],
                [y],
                xerr=[[r.median - r.low], [r.high - r.median]],
                marker=markers[kind],
                markersize=9,
                color=COLORS[kind],
                capsize=4,
                linestyle="none",
            )
            mark_unsteady(ax, [r.median], [y], [r], COLORS[kind], markers[kind])
            ax.annotate(  # just above its dot, on a patch that hides any line
                f"{measured(r.median)}×",
                xy=(r.median, y),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=MIN_FONT_PT,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                zorder=4,
            )
        ax.axvline(1, color=COLORS["serial"], linewidth=1, label="1×: no gain")
        ax.axvline(
            ideal,
            color=COLORS["ideal"],
            linestyle="--",
            label=f"ideal on {plural(f.cpus, 'CPU')}: {measured(ideal)}×",
        )
        if probed is not None:
            ax.axvline(
                probed.ratio,
                color=COLORS["cpus"],
                linestyle=":",
                label=f"this machine's ceiling: {measured(probed.ratio)}×",
            )
        highs = [r.high for _, r, _ in rows] + lines
        lows = [r.low for _, r, _ in rows] + [1.0]
        ax.set_xlim(min(lows) * 0.9, max(highs) * 1.1)
        ax.set_yticks(range(len(rows)), [what for what, _, _ in rows])
        ax.set_ylim(len(rows) - 0.5, -0.75)  # room for the top row's label
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}×"))
        ax.set_xlabel(f"speed-up over one after another ({k} tasks)")
        fig.legend(loc="outside lower center", ncols=2)
        takeaway(fig, free_threading_title(f))
    return fig
