"""Part 1's figures of measured results: race, GIL, NumPy's trick, CPU samples.

They draw result objects in the house style (:mod:`parallel_python.core.style`)
and never run an experiment.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from ..core.style import (
    COLORS,
    SERIES,
    house_style,
    ideal_line,
    interval_errorbar,
    mark_cpus,
    new_figure,
    takeaway,
)
from .gil_results import GilScaling
from .narrate_titles import (
    cpu_sampling_title,
    gil_title,
    numpy_trick_title,
    race_title,
)
from .numpy_trick import NumpyTrick
from .processes import CpuSampling
from .race import Race


def cpus_line(ax, cpus: int, counts: list[int]) -> None:
    """The CPUs this build could use: a line where it falls on the axis, else a
    note in the corner (64 CPUs would squash counts 1, 2 and 4 to the left)."""
    if cpus <= max(counts) + 1:
        mark_cpus(ax, cpus)
        return
    ax.annotate(
        f"{cpus} CPUs available (off the axis)",
        xy=(1, 0),
        xycoords="axes fraction",
        xytext=(-4, 6),
        textcoords="offset points",
        ha="right",
        color=COLORS["cpus"],
        fontsize=10,
    )


def plot_race(r: Race) -> Figure:
    """Updates lost in each trial: no lock and naive ``+= 1`` (two shades
    of the threads' blue, a marker each), and the fix, the same steps inside
    a lock, in the house colour and marker of a fix."""
    fig = new_figure(1, width=6.8, height=3.4)
    (ax,) = fig.axes
    series = (
        ("read, call, write: no lock", r.lost_unsafe, SERIES[1], "o"),
        ("counter.value += 1", r.lost_naive, SERIES[0], "v"),
        ("the same inside a Lock", r.lost_locked, COLORS["accent"], "^"),
    )
    width = 0.2
    with house_style():
        for j, (label, lost, shade, marker) in enumerate(series):
            xs = [i + (j - 1) * width for i in range(r.trials)]
            pct = [100 * x / r.expected for x in lost]
            ax.plot(
                xs,
                pct,
                linestyle="none",
                marker=marker,
                markersize=9,
                color=shade,
                label=label,
            )
        ax.set_xticks(range(r.trials))
        ax.set_xticklabels([str(i + 1) for i in range(r.trials)])
        ax.set_xlim(-0.5, r.trials - 0.5)
        ax.set_xlabel(f"trial ({r.threads} threads each way)")
        ax.set_ylabel(f"updates lost (% of {r.expected:,})")
        ax.set_ylim(-5, 100)
        ax.grid(axis="x", visible=False)
        fig.legend(loc="outside lower center", ncols=3, columnspacing=1.2)
        takeaway(fig, race_title(r))
    return fig


def plot_gil(g: GilScaling) -> Figure:
    """Speed-up of k tasks side by side over in a row: threads and processes
    on pure-Python work, threads that wait."""
    fig = new_figure(1, width=6.8, height=4.8)
    (ax,) = fig.axes
    counts = list(g.counts)
    with house_style():
        ideal_line(ax, counts, g.cpus)
        ax.plot(
            counts,
            counts,
            color=COLORS["ideal"],
            linestyle="--",
            linewidth=1,
            label="ideal for waiting (k at once)",
        )
        ax.plot(
            counts,
            [p.speedup for p in g.threads_wait],
            marker="o",
            color=SERIES[0],
            linestyle="--",
            label="threads that sleep",
        )
        if g.processes_cpu:
            interval_errorbar(
                ax,
                [p.workers for p in g.processes_cpu],
                [p.ratio for p in g.processes_cpu],
                "processes",
                "processes, pure Python",
                marker="D",
            )
        interval_errorbar(
            ax,
            [p.workers for p in g.threads_cpu],
            [p.ratio for p in g.threads_cpu],
            "threads",
            "threads, pure Python",
        )
        if g.ceiling is not None:
            ax.plot(
                [g.ceiling.k],
                [g.ceiling.ratio],
                marker="_",
                markersize=22,
                markeredgewidth=2,
                linestyle="none",
                color=COLORS["cpus"],
                label="this machine's ceiling (measured)",
            )
        cpus_line(ax, g.cpus, counts)
        ax.set_xticks(counts)
        ax.set_xlabel("tasks run side by side (k)")
        ax.set_ylabel("speed-up over one after another (×)")
        ax.set_ylim(0, max([*counts, *(p.speedup for p in g.threads_wait)]) * 1.1)
        # below the axes: inside, the lines and the CPU marker ran through it
        fig.legend(loc="outside lower center", ncols=2)
        takeaway(fig, gil_title(g))
    return fig


def plot_numpy_trick(n: NumpyTrick) -> Figure:
    """Speed-up of NumPy sorts and of pure-Python loops in k threads, each
    point the median of paired rounds with its 90 % interval. Both are
    threads: blue circles, the pure-Python loops a darker shade, dashed."""
    fig = new_figure(1, width=6.4, height=4.2)
    (ax,) = fig.axes
    counts = list(n.counts)
    with house_style():
        ideal_line(ax, counts, n.cpus)
        interval_errorbar(
            ax,
            [p.workers for p in n.numpy_threads],
            [p.ratio for p in n.numpy_threads],
            "threads",
            "NumPy sorts in threads",
        )
        interval_errorbar(
            ax,
            [p.workers for p in n.python_threads],
            [p.ratio for p in n.python_threads],
            SERIES[2],
            "pure-Python loops in threads",
        )
        ax.containers[-1].lines[0].set_linestyle("--")
        cpus_line(ax, n.cpus, counts)
        ax.set_xticks(counts)
        ax.set_xlabel("threads (one task each)")
        ax.set_ylabel("speed-up over one after another (×)")
        highs = [p.ratio.high for p in (*n.numpy_threads, *n.python_threads)]
        ax.set_ylim(0, max([*highs, min(max(counts), n.cpus), 2]) * 1.1)
        fig.legend(loc="outside lower center", ncols=2)
        takeaway(fig, numpy_trick_title(n))
    return fig


def plot_cpu_samples(c: CpuSampling) -> Figure:
    """Which CPU each busy thread was on, over time (on a machine with many
    CPUs, only the rows of the CPUs the threads used)."""
    fig = new_figure(1, width=7.2, height=2.6)
    (ax,) = fig.axes
    # every series is a thread: shades of the threads' blue, each its own
    # marker (no square, diamond or triangle: those mean something else)
    shades = (SERIES[1], SERIES[0], SERIES[2], *SERIES[3:])
    markers = ("o", "v", "P", "X", "*", "h")
    cpus = sorted(set(c.cpus_available) | set(c.cpus_used))
    if len(cpus) > 8 and c.cpus_used:
        cpus = list(c.cpus_used)
    row = {cpu: i for i, cpu in enumerate(cpus)}
    with house_style():
        for i, t in enumerate(c.threads):
            offset = (i - (len(c.threads) - 1) / 2) * 0.16
            ax.scatter(
                [x * 1e3 for x in t.times],
                [row[y] + offset for y in t.cpus],
                s=14,
                marker=markers[i % len(markers)],
                color=shades[i % len(shades)],
                linewidths=0,
                label=t.name,
            )
        ax.set_yticks(range(len(cpus)))
        ax.set_yticklabels([f"CPU {x}" for x in cpus])
        ax.set_ylim(-0.5, len(cpus) - 0.5)
        ax.set_xlabel("time since the threads started (ms)")
        ax.grid(axis="y", visible=False)
        if c.threads:
            ax.legend(
                loc="lower center",
                bbox_to_anchor=(0.5, 1.0),
                ncol=min(len(c.threads), 4),
                frameon=False,
                markerscale=1.6,
            )
        takeaway(fig, cpu_sampling_title(c))
    return fig
