"""Part 1's salad figures: the run of the steps, and the recipe as a task graph."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, Rectangle

from ..core.style import COLORS, WAIT_HATCH, house_style, new_figure, span_bar, takeaway
from ..core.text import duration
from .narrate_titles import salad_title
from .salad import WAIT, Salad, Step, check_recipe

#: Work steps are filled; waiting steps (trips to the pantry) get WAIT_HATCH.
_WORK_FILL = "#d9eaf5"


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
                span_bar(
                    ax,
                    y,
                    r.start * 1e3,
                    r.seconds * 1e3,
                    colour,
                    waiting=r.kind == WAIT,
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
                    hatch=WAIT_HATCH,
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
                    hatch=WAIT_HATCH,
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
                    hatch=WAIT_HATCH,
                    label="waiting (a trip to the pantry)",
                ),
                Patch(facecolor=_WORK_FILL, edgecolor=edge, label="work"),
            ],
            loc="outside lower center",
            ncol=2,
            fontsize=10,
        )
    return fig
