"""Part 1's kitchen figures: the kitchen, the memory ladder, the salad, the recipe."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..core.style import COLORS, house_style, label_bar, new_figure, takeaway
from ..core.text import duration
from .memory_ladder import MemoryLadder
from .narrate_titles import ladder_title, salad_title
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
            fontsize=10,
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
        fontsize=10,
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
        ax.text(8.65, 5.95, "the street", fontsize=10, color="#666666", va="top")
        _arrow(ax, (2.6, 5.1), (3.4, 5.1), "orders")
        _arrow(ax, (4.45, 3.6), (4.9, 2.2), "servants")
        _arrow(ax, (6.95, 3.6), (6.5, 2.2), "servants")
        _arrow(ax, (8.0, 1.25), (9.2, 1.25), "servants", rad=0.0)
        ax.text(8.6, 0.95, "a long walk", ha="center", fontsize=10, color="#666666")
    return fig


def plot_memory_ladder(m: MemoryLadder) -> Figure:
    """Nanoseconds per random read on each rung, on a logarithmic axis."""
    fig = new_figure(1, width=7.2, height=2.9)
    (ax,) = fig.axes
    names = [r.name for r in m.rungs]
    ns = [r.ns_per_access for r in m.rungs]
    with house_style():
        # levels of memory, not workers: one neutral ink, each level named
        # on the axis (one thread read them all, hence the serial black)
        ax.barh(names, ns, color=COLORS["serial"], height=0.6)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("time per random 8-byte read (ns, log scale, best of runs)")
        ax.grid(axis="y", visible=False)
        ax.set_xlim(min(ns) / 2, max(ns) * 8)
        for y, value in enumerate(ns):
            label_bar(ax, value, y, duration(value * 1e-9))
        takeaway(fig, ladder_title(m))
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
            fontsize=10,
            color="#666666",
        )
        axes[1].set_xlabel("time since the start (ms)")
        from matplotlib.patches import Patch

        fig.legend(
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
            loc="outside lower center",
            ncol=2,
            fontsize=10,
        )
        takeaway(fig, salad_title(s))
        fig.set_layout_engine("constrained")
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
                fontsize=10,
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
