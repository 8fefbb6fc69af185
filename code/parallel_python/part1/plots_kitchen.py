"""Part 1's kitchen figures: the kitchen, the memory ladder, the salad, the recipe."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, Rectangle

from ..core.style import COLORS, MIN_FONT_PT, house_style, new_figure, takeaway
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

#: The recipe graph's work steps (solid) and waiting steps (hatched).
_WORK_FILL = "#d9eaf5"
_WAIT_HATCH = "///"


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
        y + h - 0.2,
        title,
        ha="center",
        va="top",
        fontsize=10,
        fontweight="bold",
    )
    for i, line in enumerate(lines):
        ax.text(
            x + w / 2,
            y + h - 0.6 - 0.34 * i,
            line,
            ha="center",
            va="top",
            fontsize=10,
        )


def _arrow(ax, start, end, label, at, ha="center", va="bottom") -> None:
    """A two-headed arrow from ``start`` to ``end``, its ``label`` written
    at ``at`` (clear of the arrow: the caller places it beside the line)."""
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="<|-|>",
            mutation_scale=12,
            linewidth=1.6,
            color=_FILL["servant"],
        )
    )
    ax.text(
        *at,
        label,
        ha=ha,
        va=va,
        fontsize=10,
        color="#7a2a5c",
        style="italic",
    )


def plot_kitchen() -> Figure:
    """The kitchen of the analogy: customer, pantry, countertop, workstations,
    transport servants. Only kitchen words: which is which is the exercise."""
    # laid out for the column's width (new_figure caps it at 6.8 in): an
    # x unit is about 0.56 in, a y unit about 0.73 in
    fig = new_figure(1, width=6.8, height=4.6)
    (ax,) = fig.axes
    with house_style():
        ax.set_xlim(0, 12)
        ax.set_ylim(0, 6.2)
        ax.set_axis_off()
        _box(
            ax,
            0.1,
            4.3,
            2.2,
            1.6,
            "Customer",
            ["gives orders,", "waits for dishes"],
            _FILL["customer"],
        )
        for i, x in enumerate((3.35, 6.15)):
            _box(
                ax,
                x,
                4.1,
                2.6,
                1.8,
                f"Workstation {i + 1}",
                ["a cook", "a tiny countertop", "knives, grater"],
                _FILL["station"],
            )
        _box(
            ax,
            3.35,
            0.3,
            3.6,
            1.9,
            "Big countertop",
            ["holds what today's", "dishes need, for now;", "cleared at closing"],
            _FILL["countertop"],
        )
        _box(
            ax,
            9.3,
            0.3,
            2.6,
            2.0,
            "Large pantry",
            ["across the street:", "holds everything,", "slow to reach"],
            _FILL["pantry"],
        )
        street = 9.0
        ax.plot(
            [street, street],
            [0.1, 6.0],
            color="#888888",
            linestyle=(0, (6, 4)),
            linewidth=1,
        )
        ax.text(street + 0.1, 6.0, "the street", fontsize=10, color="#666666", va="top")
        _arrow(ax, (2.35, 5.1), (3.3, 5.1), "orders", at=(2.83, 5.2))
        _arrow(
            ax,
            (4.65, 4.05),
            (4.65, 2.25),
            "servants",
            at=(4.5, 3.15),
            ha="right",
            va="center",
        )
        _arrow(
            ax,
            (7.45, 4.05),
            (6.6, 2.25),
            "servants",
            at=(7.2, 3.15),
            ha="left",
            va="center",
        )
        # both labels between the big countertop and the street
        _arrow(ax, (7.0, 1.3), (9.25, 1.3), "servants", at=(8.0, 1.4))
        ax.text(
            8.0,
            1.2,
            "a long walk",
            ha="center",
            va="top",
            fontsize=10,
            color="#666666",
        )
    return fig


def plot_memory_ladder(m: MemoryLadder) -> Figure:
    """Nanoseconds per random read on each rung, on a logarithmic axis: a
    dot per rung (bars on a log axis would exaggerate), a thin guide line
    from the left edge so that the eye finds each rung's name."""
    fig = new_figure(1, width=6.8, height=2.9)
    (ax,) = fig.axes
    names = [r.name for r in m.rungs]
    ns = [r.ns_per_access for r in m.rungs]
    rows = range(len(names))
    left, right = min(ns) / 2, max(ns) * 8
    with house_style():
        # levels of memory, not workers: one neutral ink, each level named
        # on the axis (one thread read them all, hence the serial black and
        # its square marker)
        ax.hlines(rows, left, ns, color=COLORS["serial"], linewidth=0.8, alpha=0.5)
        ax.plot(
            ns, rows, linestyle="none", marker="s", markersize=7, color=COLORS["serial"]
        )
        ax.set_yticks(rows, names)
        ax.set_ylim(len(names) - 0.4, -0.6)  # first rung on top, dots clear
        ax.set_xscale("log")
        ax.set_xlabel("time per random 8-byte read (ns, log scale, best of runs)")
        ax.grid(axis="y", visible=False)
        ax.set_xlim(left, right)
        for y, value in enumerate(ns):
            ax.annotate(
                duration(value * 1e-9),
                xy=(value, y),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=MIN_FONT_PT,
            )
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
    that need each step. Waiting steps have a hatched strip at their left
    edge (the label stays on white), work steps are solid; a key says so."""
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
    fig = new_figure(1, width=1.4 * columns + 0.4, height=0.75 * tallest + 1.0)
    (ax,) = fig.axes
    # w fits "vegetables" beside the hatched strip at 10 pt when five
    # columns share the column's 6.8 in (a unit is then about 0.6 in)
    w, h, strip, step_x = 1.85, 0.58, 0.3, 2.2
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
            where[step.name] = (col * step_x, y)
    low = min(v[1] for v in where.values())
    high = max(v[1] for v in where.values())
    kinds = {s.name: s.kind for s in recipe}
    edge = COLORS["threads"]
    with house_style():
        ax.set_axis_off()
        for step in recipe:
            x, y = where[step.name]
            waiting = kinds[step.name] == WAIT
            outline = {
                "xy": (x - w / 2, y - h / 2),
                "width": w,
                "height": h,
                "boxstyle": "round,pad=0.02,rounding_size=0.1",
                "edgecolor": edge,
                "linewidth": 1.2,
            }
            box = FancyBboxPatch(
                **outline,
                facecolor="white" if waiting else _WORK_FILL,
                zorder=2,
            )
            ax.add_patch(box)
            centre = x
            if waiting:
                # hatch only a strip at the box's left edge, clipped to its
                # rounded outline, so the label sits on clean white; the
                # outline is drawn again on top of the strip
                hatched = Rectangle(
                    (x - w / 2 - 0.05, y - h / 2 - 0.05),
                    strip + 0.05,
                    h + 0.1,
                    facecolor="white",
                    edgecolor=edge,
                    hatch=_WAIT_HATCH,
                    linewidth=0,
                    zorder=2.1,
                )
                ax.add_patch(hatched)
                hatched.set_clip_path(box)
                ax.plot(
                    [x - w / 2 + strip] * 2,
                    [y - h / 2 - 0.02, y + h / 2 + 0.02],
                    color=edge,
                    linewidth=1.0,
                    zorder=2.2,
                )
                ax.add_patch(FancyBboxPatch(**outline, facecolor="none", zorder=2.3))
                centre = x + strip / 2
            ax.text(
                centre,
                y,
                # narrower beside the strip: "fetch cheese" would touch it
                textwrap.fill(step.name, 10 if waiting else 13),
                ha="center",
                va="center",
                fontsize=10,
                zorder=3,
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
        ax.set_xlim(-w / 2 - 0.1, (columns - 1) * step_x + w / 2 + 0.1)
        ax.set_ylim(low - h / 2 - 0.15, high + h / 2 + 0.15)
        fig.legend(
            handles=[
                Patch(
                    facecolor="white",
                    edgecolor=edge,
                    hatch=_WAIT_HATCH,
                    label="waiting (a trip to the pantry)",
                ),
                Patch(facecolor=_WORK_FILL, edgecolor=edge, label="work"),
            ],
            loc="outside lower center",
            ncol=2,
            fontsize=10,
        )
    return fig
