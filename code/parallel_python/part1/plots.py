"""Part 1's figures of measured results: race, GIL, NumPy's trick, CPU samples.

They draw result objects in the house style (:mod:`parallel_python.core.style`)
and never run an experiment.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from ..core.style import (
    COLORS,
    house_style,
    ideal_line,
    interval_errorbar,
    mark_cpus,
    new_figure,
    takeaway,
)
from .gil import GilScaling
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
    """Updates lost in each trial: no lock, with a lock, and naive ``+= 1``."""
    fig = new_figure(1, width=7.2, height=3.2)
    (ax,) = fig.axes
    series = (
        ("read, call, write: no lock", r.lost_unsafe, COLORS["threads"]),
        ("the same inside a Lock", r.lost_locked, COLORS["accent"]),
        ("counter.value += 1", r.lost_naive, COLORS["serial"]),
    )
    width = 0.26
    with house_style():
        for j, (label, lost, colour) in enumerate(series):
            xs = [i + (j - 1) * width for i in range(r.trials)]
            pct = [100 * x / r.expected for x in lost]
            ax.bar(xs, pct, width=width, color=colour, label=label)
            for x, n in zip(xs, lost, strict=True):
                if n == 0:
                    ax.annotate(
                        "0",
                        xy=(x, 0),
                        xytext=(0, 2),
                        textcoords="offset points",
                        ha="center",
                        fontsize=10,
                        color=colour,
                    )
        ax.set_xticks(range(r.trials))
        ax.set_xticklabels([str(i + 1) for i in range(r.trials)])
        ax.set_xlabel("trial")
        ax.set_ylabel(f"updates lost (% of {r.expected:,})")
        ax.set_ylim(0, 100)
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper right")
        takeaway(fig, race_title(r))
    return fig


def plot_gil(g: GilScaling) -> Figure:
    """Speed-up of k tasks side by side over in a row: threads and processes
    on pure-Python work, threads that wait."""
    fig = new_figure(1, width=6.8, height=3.8)
    (ax,) = fig.axes
    counts = list(g.counts)
    with house_style():
        ideal_line(ax, counts, g.cpus)
        ax.plot(
            counts,
            counts,
            color=COLORS["ideal"],
            linestyle=":",
            linewidth=1,
            label="ideal for waiting (k at once)",
        )
        ax.plot(
            counts,
            [p.speedup for p in g.threads_wait],
            marker="s",
            color=COLORS["threads"],
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
                marker="^",
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
                color=COLORS["ideal"],
                label="this machine's ceiling (measured)",
            )
        cpus_line(ax, g.cpus, counts)
        ax.set_xticks(counts)
        ax.set_xlabel("tasks run side by side (k)")
        ax.set_ylabel("speed-up over one after another (×)")
        ax.set_ylim(0, max([*counts, *(p.speedup for p in g.threads_wait)]) * 1.1)
        ax.legend(loc="upper left")
        takeaway(fig, gil_title(g))
    return fig


def plot_numpy_trick(n: NumpyTrick) -> Figure:
    """Speed-up of NumPy sorts and of pure-Python loops in k threads."""
    fig = new_figure(1, width=6.4, height=3.5)
    (ax,) = fig.axes
    counts = list(n.counts)
    with house_style():
        ideal_line(ax, counts, n.cpus)
        ax.plot(
            counts,
            [p.speedup for p in n.numpy_threads],
            marker="o",
            color=COLORS["threads"],
            label="NumPy sorts in threads",
        )
        ax.plot(
            counts,
            [p.speedup for p in n.python_threads],
            marker="o",
            color=COLORS["serial"],
            label="pure-Python loops in threads",
        )
        cpus_line(ax, n.cpus, counts)
        ax.set_xticks(counts)
        ax.set_xlabel("threads (one task each)")
        ax.set_ylabel("speed-up over one after another (×)")
        speedups = [p.speedup for p in (*n.numpy_threads, *n.python_threads)]
        ax.set_ylim(0, max([*speedups, min(max(counts), n.cpus), 2]) * 1.3)
        ax.legend(loc="upper left")
        takeaway(fig, numpy_trick_title(n))
    return fig


def plot_cpu_samples(c: CpuSampling) -> Figure:
    """Which CPU each busy thread was on, over time (on a machine with many
    CPUs, only the rows of the CPUs the threads used)."""
    fig = new_figure(1, width=7.2, height=2.6)
    (ax,) = fig.axes
    colours = [
        COLORS["threads"],
        COLORS["processes"],
        COLORS["accent"],
        COLORS["serial"],
    ]
    cpus = sorted(set(c.cpus_available) | set(c.cpus_used))
    if len(cpus) > 8 and c.cpus_used:
        cpus = list(c.cpus_used)
    row = {cpu: i for i, cpu in enumerate(cpus)}
    with house_style():
        for i, t in enumerate(c.threads):
            offset = (i - (len(c.threads) - 1) / 2) * 0.12
            ax.scatter(
                [x * 1e3 for x in t.times],
                [row[y] + offset for y in t.cpus],
                s=6,
                color=colours[i % len(colours)],
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
                markerscale=2,
            )
        takeaway(fig, cpu_sampling_title(c))
    return fig
