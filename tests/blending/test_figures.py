"""Part C figures speak the book's colour language (core.style), and the
fixes figure draws the numbers its title and the page's table give."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.colors import to_hex

from parallel_python.blending import plots as plotting_blend
from parallel_python.blending.fixes import NO_LIMIT
from parallel_python.blending.narrate_figures import fixes_takeaway
from parallel_python.core.protocol import Ratio
from parallel_python.core.style import COLORS, CPU_HATCH, WAIT_HATCH
from tests.blending.test_narrate import fake_fixes, fake_grid
from tests.blending.test_narrate_figures import fits

#: Colours that mean a kind of worker, a fix or the CPUs, never a kind of time.
MEANINGFUL = {to_hex(COLORS[k]) for k in ("threads", "processes", "accent", "cpus")}


def _with_ratios(cpus: int):
    """Fixes whose paired rounds' medians differ from best over best, as
    measured ones do; one of them unsteady (an interval wider than ±15 %)."""
    f = fake_fixes(cpus)
    medians = [None, 2.2, 2.9, 2.6, 1.05, 2.4, 2.0]
    rows = []
    for x, m in zip(f.fixes, medians, strict=True):
        ratio = (
            None
            if m is None
            else Ratio(m, m * 0.9, m * 1.1, m * 0.8, m * 1.2, 12, 0.96)
        )
        if x.name == f.fixes[2].name:  # unsteady
            ratio = Ratio(m, m * 0.6, m * 1.5, m * 0.5, m * 1.6, 12, 0.96)
        rows.append(dataclasses.replace(x, ratio=ratio))
    return dataclasses.replace(f, fixes=tuple(rows))


def errorbar_points(ax) -> dict[int, tuple[float, str, str]]:
    """Row -> (x, marker, colour) of each median drawn with an error bar."""
    found = {}
    for container in ax.containers:
        line = container.lines[0]
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
            found[int(y)] = (float(x), line.get_marker(), to_hex(line.get_color()))
    return found


@pytest.mark.parametrize("cpus", [2, 64])
def test_fixes_figure_draws_the_medians_of_paired_rounds(cpus):
    f = _with_ratios(cpus)
    fig = plotting_blend.plot_fixes(f)
    (ax,) = fig.axes
    points = errorbar_points(ax)
    assert sorted(points) == list(range(len(f.fixes)))
    for y, x in enumerate(f.fixes):
        assert points[y][0] == pytest.approx(f.speedup(x.name))
    held = [f.speedup(x.name) for x in f.fixes if x.held]
    title = fixes_takeaway(f)
    assert f"{min(held):.2f}–{max(held):.2f}× as fast" in title
    assert fig.get_suptitle() == title
    # the error bars span each fix's 90 % interval
    spans = set()
    for container in ax.containers:
        for segment in container.lines[2][0].get_segments():
            (x0, y0), (x1, _) = segment
            spans.add((round(y0), round(x0, 9), round(x1, 9)))
    for y, x in enumerate(f.fixes):
        if x.ratio is not None:
            assert (y, round(x.ratio.low, 9), round(x.ratio.high, 9)) in spans


def test_fixes_figure_marks_an_unsteady_fix_hollow_and_no_orange():
    f = _with_ratios(2)
    (ax,) = plotting_blend.plot_fixes(f).axes
    hollow = [
        line
        for line in ax.lines
        if line.get_markerfacecolor() == "white" and len(line.get_xdata())
    ]
    assert [list(line.get_ydata()) for line in hollow] == [[2]]
    colours = {c for _, _, c in errorbar_points(ax).values()}
    assert to_hex(COLORS["processes"]) not in colours
    points = errorbar_points(ax)
    within, beyond = points[1], points[0]  # a fix that held; no limit
    assert within[1:] == ("^", to_hex(COLORS["accent"]))
    assert beyond[2] not in MEANINGFUL and beyond[1] != within[1]
    assert f.get(NO_LIMIT).ratio is None and errorbar_points(ax)[0][0] == 1.0


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_oversubscription_figure_uses_no_worker_colours(cpus):
    grid = fake_grid(cpus)
    fig = plotting_blend.plot_oversubscription(grid)
    time_ax, switch_ax = fig.axes
    for ax in (time_ax, switch_ax):
        faces = {to_hex(bar.get_facecolor()) for bar in ax.patches}
        assert not faces & MEANINGFUL
    wall, cpu = (h for h in time_ax.get_legend_handles_labels()[0])
    assert not wall.patches[0].get_hatch() and cpu.patches[0].get_hatch()


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_oversubscription_figure_hatches_cpu_time_only_and_labels_the_line(cpus):
    """Hatching means CPU time and nothing else: the switches are one style,
    the cells beyond the CPUs lie right of the pink line, which is labelled
    on each panel; each panel's legend sits with it, none below the figure."""
    grid = fake_grid(cpus)
    fig = plotting_blend.plot_oversubscription(grid)
    time_ax, switch_ax = fig.axes
    cells = sorted(grid.cells, key=lambda c: (c.asked, c.processes))
    hatched = [bool(bar.get_hatch()) for bar in time_ax.patches]
    assert hatched == [False] * len(cells) + [True] * len(cells)  # wall, CPU
    assert not any(bar.get_hatch() for bar in switch_ax.patches)
    assert len({to_hex(bar.get_facecolor()) for bar in switch_ax.patches}) == 1
    # each legend with the panel it explains, and no figure-wide one
    assert not fig.legends
    shown = [t.get_text() for t in time_ax.get_legend().get_texts()]
    assert shown == ["wall time (best)", "CPU time, all workers"]
    assert switch_ax.get_legend() is None
    inside = sum(1 for c in cells if grid.within(c))
    label = f"P × T > {cpus} CPU{'s' if cpus > 1 else ''} →"
    pink = to_hex(COLORS["cpus"])
    for ax in (time_ax, switch_ax):
        (line,) = [x for x in ax.lines if to_hex(x.get_color()) == pink]
        assert list(line.get_xdata()) == [inside - 0.5] * 2
        (text,) = [t for t in ax.texts if t.get_text() == label]
        assert to_hex(text.get_color()) == pink
        assert text.xy[0] == inside - 0.5
    assert fits(fig)


def test_grid_heat_maps_use_no_house_hues():
    fig = plotting_blend.plot_grid(fake_grid(2))
    time_ax, speed_ax = fig.axes[:2]
    (wall,) = time_ax.images
    (speed,) = speed_ax.images
    assert wall.get_cmap().name == "Greys"
    assert speed.get_cmap() is plotting_blend.SPEED_MAP
    assert "purple faster, brown slower" in speed_ax.get_title()


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_oversubscription_cpu_time_hatch_is_not_the_waiting_hatch(cpus):
    """One meaning per hatch: "///" is waiting on the timelines, CPU time
    its own (dots); and the panel title does not repeat the figure's start."""
    grid = fake_grid(cpus)
    fig = plotting_blend.plot_oversubscription(grid)
    time_ax, _ = fig.axes
    assert CPU_HATCH != WAIT_HATCH
    hatches = {bar.get_hatch() for bar in time_ax.patches if bar.get_hatch()}
    assert hatches == {CPU_HATCH}
    (_, cpu), _ = time_ax.get_legend_handles_labels()
    assert cpu.patches[0].get_hatch() == CPU_HATCH
    title = time_ax.get_title()
    assert "wall time" in title.lower() and "CPU time" in title
    assert not title.startswith("Same work")
    first = fig.get_suptitle().split(":")[0].split(",")[0]
    assert not title.startswith(first)
