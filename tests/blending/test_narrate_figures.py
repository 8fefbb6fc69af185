"""The takeaway titles of Part C's figures, for 1, 2 and 64 CPUs."""

import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from parallel_python.blending import plots as plotting_blend
from parallel_python.blending.narrate import fixes_summary, grid_summary
from parallel_python.blending.narrate_figures import (
    fixes_takeaway,
    grid_takeaway,
    oversubscription_takeaway,
)
from parallel_python.core.style import small_texts
from parallel_python.core.text import measured, times
from tests.blending.test_narrate import fake_fixes, fake_grid, with_cell


def fits(fig) -> bool:
    """Every drawn text lies inside the figure, and none is too small."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    drawn = fig.get_tightbbox(renderer)
    inside = drawn.x0 >= -0.01 and drawn.x1 <= fig.get_figwidth() + 0.01
    return inside and drawn.y1 <= fig.get_figheight() + 0.01 and not small_texts(fig)


def test_grid_takeaway_one_cpu():
    title = grid_takeaway(fake_grid(1))
    assert title.startswith("Fastest cell: 1 × 1 itself\n")
    assert "beyond the line P × T = 1: a median 2.50× the time of 1 × 1" in title


def test_grid_takeaway_two_and_sixty_four_cpus():
    two = grid_takeaway(fake_grid(2))
    assert two.startswith("Fastest cell 1 × 2: 2.00× as fast as 1 × 1") or (
        two.startswith("Fastest cell 2 × 1: 2.00× as fast as 1 × 1")
    )
    assert "beyond the line P × T = 2: a median 2.50× the time of" in two
    many = grid_takeaway(fake_grid(64))
    assert "64.0× as fast as 1 × 1" in many and "P × T = 64:" in many


def test_grid_takeaway_without_oversubscribed_cells():
    grid = fake_grid(2)
    import dataclasses

    inside = tuple(c for c in grid.cells if c.processes * c.threads <= 2)
    small = dataclasses.replace(grid, cells=inside, processes=(1, 2), threads=(1,))
    small = dataclasses.replace(small, cells=tuple(c for c in inside if c.threads == 1))
    assert grid_takeaway(small).endswith("no cell asked for more than 2 CPUs")


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_oversubscription_takeaway(cpus):
    title = oversubscription_takeaway(fake_grid(cpus))
    assert "used 3.00× the CPU time of 1 × 1" in title
    assert title.startswith("Same work: ")


def test_oversubscription_takeaway_when_cpu_time_stays():
    grid = fake_grid(2)
    import dataclasses

    cells = tuple(dataclasses.replace(c, cpu_seconds=1.0) for c in grid.cells)
    title = oversubscription_takeaway(dataclasses.replace(grid, cells=cells))
    assert title == "Same work, about the same CPU time in every cell (up to 1.00×)"


@pytest.mark.parametrize("cpus", [2, 64])
def test_fixes_takeaway_many_cpus(cpus):
    title = fixes_takeaway(fake_fixes(cpus))
    assert title == (
        f"No limit: {cpus} processes with {cpus} BLAS threads each on {cpus} CPUs\n"
        f"the 5 fixes that held: 2.50–3.00× as fast"
    )


def test_fixes_takeaway_one_cpu():
    assert fixes_takeaway(fake_fixes(1)) == (
        "No limit: 1 process with 1 BLAS thread on one CPU, so nothing to fix"
    )


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_figures_carry_their_takeaway_and_fit(cpus):
    grid = fake_grid(cpus)
    fixes = fake_fixes(cpus)
    for fig, title in (
        (plotting_blend.plot_grid(grid), grid_takeaway(grid)),
        (plotting_blend.plot_oversubscription(grid), oversubscription_takeaway(grid)),
        (plotting_blend.plot_fixes(fixes), fixes_takeaway(fixes)),
    ):
        assert fig.get_suptitle() == title
        assert fig.get_figwidth() <= 6.8
        assert fits(fig), title


def test_grid_takeaway_when_one_slow_cell_is_fastest_beyond_the_line():
    grid = with_cell(fake_grid(2), 2, 2, 0.1)
    assert grid_takeaway(grid).startswith("Fastest cell 2 × 2: ")


def test_fixes_takeaway_when_no_fix_held():
    import dataclasses

    f = fake_fixes(2)
    rows = tuple(
        dataclasses.replace(
            x, batch=dataclasses.replace(x.batch, threads_in_effect=(2,))
        )
        for x in f.fixes
    )
    title = fixes_takeaway(dataclasses.replace(f, fixes=rows))
    assert title == (
        "No limit: 2 processes with 2 BLAS threads each on 2 CPUs; no fix held"
    )


#: A figure as a title writes it: ``2.50×``, ``64.0×``, or a span's first
#: end, ``2.50–``.
FIGURE = re.compile(r"([0-9][0-9,.]*)(×|–)")


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_title_figures_are_written_as_times_writes_them(cpus):
    """Every figure in a title has the book's three significant figures, as
    ``times()`` (or ``measured()``, before a span's dash) writes it."""
    grid, fixes = fake_grid(cpus), fake_fixes(cpus)
    for title in (
        grid_takeaway(grid),
        oversubscription_takeaway(grid),
        fixes_takeaway(fixes),
    ):
        for digits, mark in FIGURE.findall(title):
            value = float(digits.replace(",", ""))
            assert digits == measured(value), title
            assert digits + "×" == times(value) or mark == "–", title


@pytest.mark.parametrize("cpus", [2, 64])
def test_fixes_title_and_text_give_the_same_figures(cpus):
    """The fixes title's span is ``times()`` of the least and greatest gain,
    the figures the page's text gives."""
    f = fake_fixes(cpus)
    gains = [f.speedup(x.name) for x in f.fixes if x.held]
    low, high = times(min(gains)), times(max(gains))
    assert fixes_takeaway(f).endswith(f"{low[:-1]}–{high} as fast")
    assert f"{low} to {high} as fast" in fixes_summary(f)


def test_grid_title_and_text_give_the_same_speed_up():
    grid = fake_grid(2)
    best = grid.best
    figure = times(grid.speedup(best.processes, best.threads))
    assert f": {figure} as fast as 1 × 1" in grid_takeaway(grid)
    assert figure in grid_summary(grid)
