"""Part 1 figures speak the house colour language (core.style.MEANINGS):
black squares one thread, blue circles threads, orange diamonds processes,
grey dashed the ideal, pink the CPUs or the measured ceiling."""

import dataclasses

import pytest
from matplotlib.colors import to_hex

from parallel_python.core.ceiling import Ceiling
from parallel_python.core.style import COLORS, GUIDE, SERIES, small_texts
from parallel_python.part1 import plots, plots_kitchen, plots_locks
from tests.part1.test_locks import MADE_UP
from tests.part1.test_narrate import fake_gil, fake_ladder, fake_race, fake_trick
from tests.part1.test_titles import fake_sampling

BLUES = {to_hex(s) for s in SERIES}


def hexes(colour):
    return to_hex(colour)


def data_lines(ax):
    """Lines that carry data points (not error-bar caps or hollow rings)."""
    return [
        line
        for line in ax.get_lines()
        if line.get_label() and not line.get_label().startswith("_")
    ]


def by_label(ax, label):
    """The line drawn for ``label``: a plain line, or an error bar's data line."""
    found = [line for line in data_lines(ax) if line.get_label() == label]
    found += [c.lines[0] for c in ax.containers if c.get_label() == label]
    (line,) = found
    return line


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_gil_processes_are_orange_diamonds_and_the_ceiling_pink(cpus):
    probe = Ceiling(2, 1.0, 100, (90, 95), 1.85, True, (0, 1), "")
    g = dataclasses.replace(fake_gil(cpus, lambda k: k), ceiling=probe)
    (ax,) = plots.plot_gil(g).axes
    procs = by_label(ax, "processes, pure Python")
    assert procs.get_marker() == "D"
    assert hexes(procs.get_color()) == COLORS["processes"].lower()
    for label in ("threads, pure Python", "threads that sleep"):
        line = by_label(ax, label)
        assert line.get_marker() == "o"
        assert hexes(line.get_color()) in BLUES
    ceiling = by_label(ax, "this machine's ceiling (measured)")
    assert hexes(ceiling.get_color()) == COLORS["cpus"].lower()
    for label in ("ideal (one thread per CPU)", "ideal for waiting (k at once)"):
        line = by_label(ax, label)
        assert line.get_linestyle() == "--"
        assert hexes(line.get_color()) == COLORS["ideal"].lower()
    assert not [line for line in ax.get_lines() if line.get_marker() in ("^", "s")]


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_numpy_trick_draws_two_thread_series_with_intervals(cpus):
    fig = plots.plot_numpy_trick(fake_trick(cpus, lambda k: min(k, cpus)))
    (ax,) = fig.axes
    numpy = by_label(ax, "NumPy sorts in threads")
    python = by_label(ax, "pure-Python loops in threads")
    for line in (numpy, python):
        assert line.get_marker() == "o"
        assert hexes(line.get_color()) in BLUES
    assert hexes(numpy.get_color()) != hexes(python.get_color())
    assert numpy.get_linestyle() != python.get_linestyle()
    black = COLORS["serial"].lower()
    assert black not in {hexes(line.get_color()) for line in ax.get_lines()}
    # error bars on both series; one-round points are unsteady, so hollow
    assert len(ax.containers) == 2
    hollow = [line for line in ax.get_lines() if line.get_markerfacecolor() == "white"]
    assert len(hollow) == 2
    # the legend sits below the axes, off the ideal line
    assert ax.get_legend() is None and len(fig.legends) == 1
    assert small_texts(fig) == []


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_cpu_sampling_threads_are_blue_shades_with_their_own_markers(cpus):
    (ax,) = plots.plot_cpu_samples(fake_sampling(cpus, threads=4)).axes
    colours = [hexes(c.get_facecolor()[0]) for c in ax.collections]
    assert len(colours) == 4 and set(colours) <= BLUES
    assert len(set(colours)) == 4
    shapes = [tuple(map(tuple, c.get_paths()[0].vertices)) for c in ax.collections]
    assert len(set(shapes)) == 4


def test_race_draws_the_unsafe_ways_blue_and_the_lock_as_a_fix():
    fig = plots.plot_race(fake_race((300, 500), naive=(2, 0)))
    (ax,) = fig.axes
    lines = data_lines(ax)
    assert len(lines) == 3
    locked = by_label(ax, "the same inside a Lock")
    unsafe = [line for line in lines if line is not locked]
    assert {hexes(line.get_color()) for line in unsafe} <= BLUES
    assert len({hexes(line.get_color()) for line in unsafe}) == 2
    markers = [line.get_marker() for line in unsafe]
    assert len(set(markers)) == 2
    assert not set(markers) & {"s", "D", "^"}
    # the key's fix: its colour and marker
    assert hexes(locked.get_color()) == COLORS["accent"].lower()
    assert locked.get_marker() == "^"
    assert list(locked.get_ydata()) == [0, 0]  # always zero, still drawn
    assert small_texts(fig) == []


def test_memory_ladder_is_one_neutral_colour():
    (ax,) = plots_kitchen.plot_memory_ladder(fake_ladder(60_000)).axes
    assert ax.get_xscale() == "log" and not ax.patches  # dots, no bars on log
    (dots,) = ax.get_lines()
    assert dots.get_marker() == "s" and len(dots.get_xdata()) == 4
    assert hexes(dots.get_color()) == COLORS["serial"].lower()
    # the row guides: faint, dotted, neutral, and across the whole axis (a
    # guide to the label, not a length from an edge of a log axis)
    (guides,) = ax.collections
    assert {hexes(c) for c in guides.get_colors()} == {GUIDE.lower()}
    assert guides.get_linestyle()[0][1]  # dashed: a dash pattern
    for segment in guides.get_segments():
        assert tuple(segment[:, 0]) == ax.get_xlim()
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == 4 and all(names)


def test_locks_gave_up_cross_is_a_thread_shade_not_black():
    fig = plots_locks.plot_locks(MADE_UP)
    crosses = [
        line for ax in fig.axes for line in ax.get_lines() if line.get_marker() == "X"
    ]
    assert crosses
    assert {hexes(line.get_color()) for line in crosses} <= BLUES
