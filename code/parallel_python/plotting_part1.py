"""Figures for Part 1 (processes, threads and the GIL), in the house style.

Like :mod:`parallel_python.plotting`, these functions draw result objects
(or, for the kitchen, nothing measured at all) and never run an experiment.
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .gil import GilScaling
from .memory_ladder import MemoryLadder
from .narrate_part1 import duration
from .numpy_trick import NumpyTrick
from .plotting import COLORS, house_style, ideal_line, label_bar, mark_cpus, new_figure
from .processes import CpuSampling
from .race import Race
from .salad import WAIT, Salad, Step, check_recipe

#: Soft fills for the kitchen diagram (drawn, not measured).
_FILL = {
    "customer": "#F0E442",
    "pantry": "#E69F00",
    "countertop": "#56B4E9",
    "station": "#009E73",
    "servant": "#CC79A7",
}


def _box(ax, x, y, w, h, title, lines, colour) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.15",
            facecolor=colour,
            edgecolor="#333333",
            alpha=0.35,
            linewidth=1.2,
        )
    )
    ax.text(
        x + w / 2,
        y + h - 0.22,
        title,
        ha="center",
        va="top",
        fontsize=10,
        fontweight="bold",
    )
    for i, line in enumerate(lines):
        ax.text(
            x + w / 2,
            y + h - 0.62 - 0.34 * i,
            line,
            ha="center",
            va="top",
            fontsize=8.5,
        )


def _arrow(ax, start, end, label, colour=_FILL["servant"], rad=0.0) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="<|-|>",
            mutation_scale=12,
            linewidth=1.6,
            color=colour,
            connectionstyle=f"arc3,rad={rad}",
        )
    )
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    ax.text(
        mx,
        my + 0.12,
        label,
        ha="center",
        va="bottom",
        fontsize=8,
        color="#7a2a5c",
        style="italic",
    )


def plot_kitchen() -> Figure:
    """The kitchen of the analogy: customer, pantry, countertop, workstations,
    transport servants. Only kitchen words: which is which is the exercise."""
    fig = new_figure(1, width=8.8, height=4.6)
    (ax,) = fig.axes
    with house_style():
        ax.set_xlim(0, 12)
        ax.set_ylim(0, 6.2)
        ax.set_axis_off()
        _box(
            ax,
            0.2,
            4.3,
            2.4,
            1.6,
            "Customer",
            ["gives orders,", "waits for dishes"],
            _FILL["customer"],
        )
        _box(
            ax,
            9.2,
            0.3,
            2.6,
            2.6,
            "Large pantry",
            ["across the street:", "holds everything,", "slow to reach"],
            _FILL["pantry"],
        )
        _box(
            ax,
            3.4,
            0.3,
            4.6,
            1.9,
            "Big countertop",
            ["holds what today's dishes need,", "for now; cleared at closing"],
            _FILL["countertop"],
        )
        for i, x in enumerate((3.4, 5.9)):
            _box(
                ax,
                x,
                3.6,
                2.1,
                2.3,
                f"Workstation {i + 1}",
                ["a cook", "a tiny countertop", "knives, grater"],
                _FILL["station"],
            )
        ax.plot(
            [8.6, 8.6], [0.1, 6.0], color="#888888", linestyle=(0, (6, 4)), linewidth=1
        )
        ax.text(8.65, 5.95, "the street", fontsize=8, color="#666666", va="top")
        _arrow(ax, (2.6, 5.1), (3.4, 5.1), "orders")
        _arrow(ax, (4.45, 3.6), (4.9, 2.2), "servants")
        _arrow(ax, (6.95, 3.6), (6.5, 2.2), "servants")
        _arrow(ax, (8.0, 1.25), (9.2, 1.25), "servants", rad=0.0)
        ax.text(8.6, 0.95, "a long walk", ha="center", fontsize=8, color="#666666")
    return fig


def plot_memory_ladder(m: MemoryLadder) -> Figure:
    """Nanoseconds per random read on each rung, on a logarithmic axis."""
    fig = new_figure(1, width=7.2, height=2.9)
    (ax,) = fig.axes
    names = [r.name for r in m.rungs]
    ns = [r.ns_per_access for r in m.rungs]
    colours = [_FILL["station"], _FILL["countertop"], _FILL["pantry"], "#999999"]
    with house_style():
        ax.barh(names, ns, color=colours[: len(ns)], edgecolor="#333333")
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("time per random 8-byte read (ns, log scale, best of runs)")
        ax.grid(axis="y", visible=False)
        ax.set_xlim(min(ns) / 2, max(ns) * 8)
        for y, value in enumerate(ns):
            label_bar(ax, value, y, duration(value * 1e-9))
    return fig


def plot_salad(s: Salad) -> Figure:
    """Gantt charts of the salad: one step after another, and with threads."""
    fig = new_figure(1, width=8.4, height=5.0)
    fig.clear()
    with house_style():
        axes = fig.subplots(2, 1, sharex=True)
        names = [step.name for step in s.recipe]
        end = max(s.sequential.total, s.threaded.total) * 1e3
        for ax, run, colour, title in (
            (axes[0], s.sequential, COLORS["serial"], "one step after another"),
            (axes[1], s.threaded, COLORS["threads"], "one thread per step"),
        ):
            for y, name in enumerate(names):
                r = run.get(name)
                waiting = r.kind == WAIT
                ax.barh(
                    y,
                    r.seconds * 1e3,
                    left=r.start * 1e3,
                    height=0.6,
                    color="white" if waiting else colour,
                    edgecolor=colour,
                    hatch="///" if waiting else None,
                    linewidth=1.2,
                )
            ax.set_yticks(range(len(names)))
            ax.set_yticklabels(names)
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
            ax.axvline(run.total * 1e3, color=colour, linestyle=":", linewidth=1.5)
            ax.set_title(f"{title}: {duration(run.total)}", loc="left", color=colour)
            ax.set_xlim(0, end * 1.04)
        axes[1].axvline(
            s.critical_path * 1e3, color=COLORS["ideal"], linestyle="--", linewidth=1.5
        )
        axes[1].annotate(
            "longest chain of steps",
            xy=(s.critical_path * 1e3, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -10),
            textcoords="offset points",
            ha="left",
            fontsize=8,
            color="#666666",
        )
        axes[1].set_xlabel("time since the start (ms)")
        from matplotlib.patches import Patch

        axes[1].legend(
            handles=[
                Patch(
                    facecolor="white",
                    edgecolor="#333333",
                    hatch="///",
                    label="waiting (sleep, like I/O)",
                ),
                Patch(
                    facecolor="#666666", edgecolor="#333333", label="work (pure Python)"
                ),
            ],
            loc="upper right",
            fontsize=8,
        )
        fig.set_layout_engine("constrained")
    return fig


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
                        fontsize=8,
                        color=colour,
                    )
        ax.set_xticks(range(r.trials))
        ax.set_xticklabels([str(i + 1) for i in range(r.trials)])
        ax.set_xlabel("trial")
        ax.set_ylabel(f"updates lost (% of {r.expected:,})")
        ax.set_ylim(0, 100)
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper right", fontsize=8)
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
            ax.plot(
                counts,
                [p.speedup for p in g.processes_cpu],
                marker="^",
                color=COLORS["processes"],
                label="processes, pure Python",
            )
        ax.plot(
            counts,
            [p.speedup for p in g.threads_cpu],
            marker="o",
            color=COLORS["threads"],
            label="threads, pure Python",
        )
        mark_cpus(ax, g.cpus)
        ax.set_xticks(counts)
        ax.set_xlabel("tasks run side by side (k)")
        ax.set_ylabel("speed-up over one after another (×)")
        ax.set_ylim(0, max([*counts, *(p.speedup for p in g.threads_wait)]) * 1.1)
        ax.legend(loc="upper left", fontsize=8)
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
        mark_cpus(ax, n.cpus)
        ax.set_xticks(counts)
        ax.set_xlabel("threads (one task each)")
        ax.set_ylabel("speed-up over one after another (×)")
        speedups = [p.speedup for p in (*n.numpy_threads, *n.python_threads)]
        ax.set_ylim(0, max([*speedups, min(max(counts), n.cpus), 2]) * 1.3)
        ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_cpu_samples(c: CpuSampling) -> Figure:
    """Which CPU each busy thread was on, over time."""
    fig = new_figure(1, width=7.2, height=2.6)
    (ax,) = fig.axes
    colours = [
        COLORS["threads"],
        COLORS["processes"],
        COLORS["accent"],
        COLORS["serial"],
    ]
    cpus = list(c.cpus_available)
    with house_style():
        for i, t in enumerate(c.threads):
            offset = (i - (len(c.threads) - 1) / 2) * 0.12
            ax.scatter(
                [x * 1e3 for x in t.times],
                [y + offset for y in t.cpus],
                s=6,
                color=colours[i % len(colours)],
                label=t.name,
            )
        ax.set_yticks(cpus)
        ax.set_yticklabels([f"CPU {x}" for x in cpus])
        ax.set_ylim(min(cpus) - 0.5, max(cpus) + 0.5)
        ax.set_xlabel("time since the threads started (ms)")
        ax.grid(axis="y", visible=False)
        if c.threads:
            ax.legend(loc="upper right", fontsize=8, markerscale=2)
    return fig


def plot_recipe(steps: tuple[Step, ...]) -> Figure:
    """A recipe as a task graph: one column per depth, arrows to the steps
    that need each step. Waiting steps hatched, work steps solid."""
    recipe = check_recipe(steps)
    depth: dict[str, int] = {}
    for step in recipe:
        depth[step.name] = max((depth[a] + 1 for a in step.after), default=0)
    columns = max(depth.values()) + 1
    rows: dict[int, list[str]] = {}
    for step in recipe:
        rows.setdefault(depth[step.name], []).append(step.name)
    tallest = max(len(v) for v in rows.values())
    del rows
    fig = new_figure(1, width=min(9.0, 1.4 * columns + 0.4), height=0.8 * tallest + 0.8)
    (ax,) = fig.axes
    w, h = 1.7, 0.55
    # sources one above the other; every other step at the mean height of
    # the steps it needs, nudged apart where two would meet
    where: dict[str, tuple[float, float]] = {}
    sources = [st.name for st in recipe if not st.after]
    for i, name in enumerate(sources):
        where[name] = (0.0, float(len(sources) - 1 - i))
    for step in recipe:
        if step.after:
            col = depth[step.name]
            y = sum(where[a][1] for a in step.after) / len(step.after)
            taken = {v[1] for k, v in where.items() if depth[k] == col}
            while y in taken:
                y -= 1.0
            where[step.name] = (col * 2.1, y)
    low = min(v[1] for v in where.values())
    high = max(v[1] for v in where.values())
    kinds = {s.name: s.kind for s in recipe}
    with house_style():
        ax.set_axis_off()
        for step in recipe:
            x, y = where[step.name]
            waiting = kinds[step.name] == WAIT
            ax.add_patch(
                FancyBboxPatch(
                    (x - w / 2, y - h / 2),
                    w,
                    h,
                    boxstyle="round,pad=0.02,rounding_size=0.1",
                    facecolor="white" if waiting else "#d9eaf5",
                    edgecolor=COLORS["threads"],
                    hatch="///" if waiting else None,
                    linewidth=1.2,
                )
            )
            ax.text(
                x,
                y,
                textwrap.fill(step.name, 13),
                ha="center",
                va="center",
                fontsize=8.5,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5}
                if waiting
                else None,
            )
            for before in step.after:
                bx, by = where[before]
                ax.add_patch(
                    FancyArrowPatch(
                        (bx + w / 2, by),
                        (x - w / 2, y),
                        arrowstyle="-|>",
                        mutation_scale=12,
                        linewidth=1.2,
                        color="#555555",
                    )
                )
        ax.set_xlim(-w / 2 - 0.2, (columns - 1) * 2.1 + w / 2 + 0.2)
        ax.set_ylim(low - h - 0.3, high + h + 0.3)
    return fig
