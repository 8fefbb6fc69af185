"""Figures for Part B (the multiprocessing package), in the house style.

Draws result objects only; never runs an experiment.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from ..core.style import (
    COLORS,
    house_style,
    interval_errorbar,
    label_bar,
    mark_cpus,
    new_figure,
    takeaway,
)
from ..core.text import duration, measured, plural, size
from .costs import BigArgument, PoolStartup, TaskOverhead
from .integration import IntegrationSweep
from .narrate import sweep_takeaway
from .narrate_costs import (
    big_argument_takeaway,
    startup_takeaway,
    task_overhead_takeaway,
)

# the copy-on-write figure lives beside; the pages reach it from here
from .plots_memory import fork_memory_takeaway as fork_memory_takeaway
from .plots_memory import plot_fork_memory as plot_fork_memory

#: The widest span of serial fractions (from the speed-up's interval) for
#: which the figure names one ``s``: the same five points as
#: :func:`~parallel_python.multiproc.narrate.amdahl_sentence`.
AMDAHL_ONE_FIGURE = 0.05
#: Layers of the speed-up panel, bottom to top: Amdahl's band and curves,
#: then the ideal, which they would hide where they meet it (the measured
#: points, drawn last at the ideal's layer, stay on top).
AMDAHL_ZORDER = 1.5
IDEAL_ZORDER = 2.0
#: How strongly "close and join" tints the processes colour: the same kind
#: of worker, lighter (a hatch would mean waiting, grey the ideal).
CLOSE_TINT = 0.35


def _keep_together(title: str) -> str:
    """``title`` with its last phrase ("efficiency 94 %") joined by no-break
    spaces, so that a wrapped title never leaves a lone word or "%" behind."""
    head, sep, tail = title.rpartition(", ")
    return head + sep + tail.replace(" ", "\u00a0") if sep else title


def _amdahl(ax: Axes, sweep: IntegrationSweep) -> None:
    """Amdahl's law beside the measured speed-ups: one curve for the fitted
    ``s`` when the speed-up's interval pins it down, else the band of curves
    between the ends of :meth:`IntegrationSweep.serial_fraction_range`."""
    fit = sweep.fit
    if fit.serial_fraction is None:
        return
    fine = list(range(1, max(sweep.processes) + 1))

    def curve(s: float) -> list[float]:
        return [1 / (s + (1 - s) / min(p, sweep.cpus)) for p in fine]

    allowed = sweep.serial_fraction_range()
    style = {
        "color": COLORS["accent"],
        "linestyle": "-.",
        "linewidth": 1.5,
        "zorder": AMDAHL_ZORDER,
    }
    if allowed is not None and allowed[1] - allowed[0] > AMDAHL_ONE_FIGURE:
        low, high = curve(allowed[1]), curve(allowed[0])  # more serial: slower
        ax.fill_between(fine, low, high, color=COLORS["accent"], alpha=0.15, lw=0)
        ax.plot(fine, high, **style)
        ax.plot(
            fine,
            low,
            **style,
            label=f"Amdahl, s from {allowed[0] * 100:.0f} % "
            f"to {allowed[1] * 100:.0f} %",
        )
        return
    ax.plot(
        fine,
        [fit.predicted_speedup(p) for p in fine],
        **style,
        label=f"Amdahl, s = {fit.serial_fraction * 100:.1f} %"
        + (" (exact solve)" if fit.kind == "exact" else " (fit)"),
    )


def plot_integration_sweep(sweep: IntegrationSweep) -> Figure:
    """Speed-up and efficiency of the integration against the number of processes."""
    fig = new_figure(2, width=6.8, height=3.0)
    speed_ax, eff_ax = fig.axes
    ps = list(sweep.processes)
    with house_style():
        speed_ax.plot(
            ps,
            [min(p, sweep.cpus) for p in ps],
            color=COLORS["ideal"],
            linestyle="--",
            linewidth=1.5,
            label="ideal (one process per CPU)",
            zorder=IDEAL_ZORDER,
        )
        interval_errorbar(
            speed_ax,
            ps,
            [sweep.ratio(p) for p in ps],
            "processes",
            "Pool.map, measured (90 % interval)",
            marker="D",
        )
        _amdahl(speed_ax, sweep)
        one = "serial loop" + (", or 1 process" if sweep.against_one_process else "")
        speed_ax.axhline(1, color=COLORS["serial"], linewidth=1, label=one)
        speed_ax.set_ylabel("speed-up (×)")
        speed_ax.set_ylim(bottom=0)
        takeaway(fig, _keep_together(sweep_takeaway(sweep)))
        speed_ax.set_title(
            "Speed-up over 1 process (1 process: over the serial loop)"
            if sweep.against_one_process
            else f"Midpoint rule, n = {sweep.n:,}: speed-up over the serial loop"
        )
        interval_errorbar(
            eff_ax,
            ps,
            [sweep.ratio(p) for p in ps],
            "processes",
            "efficiency",
            marker="D",
            scale=[100 / p for p in ps],
        )
        eff_ax.plot(  # the ideal S = min(p, C) gives an efficiency of min(p, C) / p
            ps,
            [100 * min(p, sweep.cpus) / p for p in ps],
            color=COLORS["ideal"],
            linestyle="--",
            linewidth=1.5,
        )
        eff_ax.set_ylabel("parallel efficiency (%)")
        eff_ax.set_ylim(0, max(110, *(sweep.ratio(p).high * 105 / p for p in ps)))
        eff_ax.set_title("Efficiency = speed-up / processes")
        for ax in (speed_ax, eff_ax):
            ax.set_xticks(ps)
            ax.set_xlabel("worker processes")
            mark_cpus(ax, sweep.cpus)
        fig.legend(
            *speed_ax.get_legend_handles_labels(), loc="outside lower center", ncols=2
        )
    return fig


def plot_pool_startup(s: PoolStartup) -> Figure:
    """Time to start a pool (and to stop it) for each start method, and for
    ``forkserver`` with a preload list when it was measured."""
    rows = [
        (f"{m.method} (in use)" if m.method == s.start_method else m.method, m)
        for m in s.methods
    ]
    pre = s.preloaded
    if pre is not None and pre.timing is not None:
        rows.append(("forkserver + preload", pre.timing))
    missing = pre is not None and pre.timing is None
    labels = [r[0] for r in rows] + (["forkserver + preload"] if missing else [])
    starts = [r[1].start.best * 1e3 for r in rows]
    stops = [r[1].stop.best * 1e3 for r in rows]
    fig = new_figure(1, width=6.4, height=1.1 + 0.5 * len(labels))
    (ax,) = fig.axes
    with house_style():
        ys = list(range(len(rows)))
        ax.barh(ys, starts, color=COLORS["processes"], label="start until first answer")
        ax.barh(  # the same processes, a light tint: grey would mean the
            ys,  # ideal, and the hatch "///" waiting
            stops,
            left=starts,
            color=to_rgba(COLORS["processes"], CLOSE_TINT),
            edgecolor=COLORS["processes"],
            label="close and join",
        )
        ax.set_yticks(list(range(len(labels))))
        ax.set_yticklabels(labels)
        ax.set_ylim(len(labels) - 0.5, -0.5)  # first row on top
        ax.set_xlabel(f"milliseconds, pool of {s.processes} (best of repeats)")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
        takeaway(fig, startup_takeaway(s))
        for y, (a, b) in enumerate(zip(starts, stops, strict=True)):
            label_bar(ax, a + b, y, f"{measured(a)} + {measured(b)} ms")
        if missing:
            label_bar(ax, 0, len(rows), "no forkserver on this platform")
        top = max(a + b for a, b in zip(starts, stops, strict=True))
        ax.set_xlim(0, top * 1.5)
    return fig


def plot_task_overhead(o: TaskOverhead) -> Figure:
    """Cost per trivial task against the chunk size, log-log."""
    fig = new_figure(1, width=6.4, height=4.0)
    (ax,) = fig.axes
    n = o.tasks
    with house_style():
        lines = {}
        for api, marker, style in (  # both are processes: diamonds, two lines
            ("Pool.map", "D", "-"),
            ("ProcessPoolExecutor.map", "d", "--"),
        ):
            runs = sorted(
                (r for r in o.runs if r.api == api),
                key=lambda r: r.chunksize,
            )
            lines[api] = {r.chunksize: r.per_task(n) * 1e6 for r in runs}
            ax.plot(
                [r.chunksize for r in runs],
                [r.per_task(n) * 1e6 for r in runs],
                marker=marker,
                markersize=7,
                linestyle=style,
                color=COLORS["processes"],
                label=api,
            )
        ax.set_xscale("log")
        for api, points in lines.items():
            d = o.default(api)
            x, y = d.chunksize, d.per_task(n) * 1e6
            # above its point when the other line runs below it there, else
            # below; leftwards in the right half, so it stays in the axes
            there = [pts[x] for a, pts in lines.items() if a != api and x in pts]
            up = all(y >= v for v in there)
            right = x >= (min(points) * max(points)) ** 0.5 and x > min(points)
            ax.annotate(
                f"{api.split('.')[0]} default ({d.chunksize})",
                xy=(x, y),
                xytext=(-6 if right else 6, 8 if up else -8),
                textcoords="offset points",
                ha="right" if right else "left",
                va="bottom" if up else "top",
                fontsize=10,
                color=COLORS["processes"],
            )
        ax.axhline(
            o.serial_per_task * 1e6,
            color=COLORS["serial"],
            linewidth=1.5,
            label="plain loop, no processes",
        )
        ax.set_yscale("log")
        ax.set_xlabel("chunksize (tasks per message)")
        ax.set_ylabel("µs per task (best of repeats)")
        takeaway(fig, task_overhead_takeaway(o))
        workers = plural(o.processes, "worker process", "worker processes")
        fig.legend(
            *ax.get_legend_handles_labels(),
            loc="outside lower center",
            ncols=3,
            title=f"{n:,} trivial tasks, {workers}",
        )
        low, high = ax.get_ylim()
        ax.set_ylim(low, high * 4)  # room for the labels above the top point
    return fig


def plot_big_argument(b: BigArgument) -> Figure:
    """Wall time of the same tasks: serial, array pickled, made, or shared."""
    fig = new_figure(1, width=6.4, height=2.6)
    (ax,) = fig.axes
    rows = [
        ("serial, in this process", b.serial.best, COLORS["serial"]),
        ("pool, array sent with each task", b.pickled.best, COLORS["processes"]),
        ("pool, array made in the worker", b.made_in_worker.best, COLORS["processes"]),
        ("pool, array in shared memory", b.shared.best, COLORS["processes"]),
    ]
    with house_style():
        ys = list(range(len(rows)))
        ax.barh(ys, [r[1] * 1e3 for r in rows], color=[r[2] for r in rows])
        ax.set_yticks(ys)
        ax.set_yticklabels([r[0] for r in rows])
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(
            f"ms for {plural(b.tasks, 'task')} on a {size(b.elements * 8)} array "
            f"(best of repeats)"
        )
        top = max(r[1] for r in rows) * 1e3
        for y, r in enumerate(rows):
            label_bar(ax, r[1] * 1e3, y, duration(r[1]))
        ax.set_xlim(0, top * 1.3)
        takeaway(fig, big_argument_takeaway(b))
    return fig
