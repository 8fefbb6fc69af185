"""Part 1's schematic drawings: every label drawn, readable, in the house colours."""

from matplotlib.colors import to_hex
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from parallel_python.core.style import COLORS, small_texts
from parallel_python.part1.diagrams import plot_processes_and_threads
from tests.drawing import assert_draws


def test_processes_and_threads_draws_its_labels():
    fig = plot_processes_and_threads()
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    for label in ("process 1", "process 2", "thread 1", "thread 2", "process"):
        assert label in texts
    # each of the two processes has its own memory and GIL; the threads one
    assert texts.count("its memory") == 2 and texts.count("its own GIL") == 2
    assert texts.count("one memory, shared") == 1
    assert texts.count("one GIL for both") == 1
    assert texts.count("its thread") == 2
    assert "their own memory" in fig.get_suptitle()


def test_processes_and_threads_uses_the_house_colours():
    fig = plot_processes_and_threads()
    (ax,) = fig.axes
    edges = {
        to_hex(p.get_edgecolor())
        for p in ax.patches
        if isinstance(p, FancyBboxPatch) and p.get_linewidth() > 1.5
    }
    assert edges == {COLORS["processes"].lower()}
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 4  # one thread in each process, two in the last
    assert {to_hex(a.get_edgecolor()) for a in arrows} == {COLORS["threads"].lower()}


def test_processes_and_threads_is_readable_in_the_column():
    fig = plot_processes_and_threads()
    assert_draws(fig)
    assert small_texts(fig) == []
    assert fig.get_figwidth() <= 6.8
