"""Part 1 figure titles and sentences, from made-up results for 1, 2 and 64 CPUs."""

import dataclasses
import re

import pytest

from parallel_python.core.style import small_texts
from parallel_python.core.text import measured, times
from parallel_python.part1 import plots, plots_kitchen, plots_salad
from parallel_python.part1.memory_ladder import DROP_NONE
from parallel_python.part1.narrate_gil import gil_summary, numpy_trick_summary
from parallel_python.part1.narrate_titles import (
    cpu_sampling_title,
    gil_title,
    ladder_title,
    numpy_trick_title,
    race_title,
    salad_title,
    speed,
)
from parallel_python.part1.processes import CpuSampling, ThreadSamples
from tests.drawing import assert_draws
from tests.part1.test_narrate import (
    fake_gil,
    fake_ladder,
    fake_race,
    fake_salad,
    fake_trick,
)

#: A title longer than this no longer fits the column on one line at 12 pt.
LONGEST = 72


def fake_sampling(cpus, threads=3, busy=None):
    allowed = tuple(range(cpus))
    busy = min(threads, cpus) if busy is None else busy
    wall = 0.4
    samples = tuple(
        ThreadSamples(
            f"busy-{i + 1}",
            (0.0, 0.1, 0.2),
            (0, 0, 0) if cpus == 1 else (i % cpus, i % cpus, (i + 1) % cpus),
            busy * wall / threads,
        )
        for i in range(threads)
    )
    return CpuSampling("sched_getcpu (ctypes)", wall, 0.002, allowed, samples, wall)


def test_speed_words():
    assert speed(1.84) == "1.84× as fast"
    assert speed(1.02) == "no faster"
    assert speed(0.5) == "slower (0.50×)"
    assert speed(161.4) == "161× as fast"


#: A figure as a title writes it: ``1.85×``, ``0.50×``, ``161×``.
FIGURE = re.compile(r"[0-9][0-9,.]*×")


@pytest.mark.parametrize("x", [1.849, 1.85, 1.96, 3.456, 12.34, 161.4, 0.5, 0.853])
def test_speed_writes_the_figure_as_times_does(x):
    """A title's figure is the page text's figure: ``times()``, nothing else
    (the GIL figure once said 1.9× where its text said 1.85×)."""
    assert FIGURE.findall(speed(x)) == [times(x)]


@pytest.mark.parametrize("cpus", [2, 64])
def test_titles_and_text_give_the_same_figures(cpus):
    """Every figure in the GIL and NumPy titles is ``times()`` of a speed-up,
    and the page's text gives the same figure."""
    gil = fake_gil(cpus, lambda k: min(k, cpus) * 0.925, thread_speedup=1.849)
    title = gil_title(gil)
    k = 2 if cpus < 4 else 4
    expected = [
        times(gil.processes_cpu_at(k).speedup),
        times(gil.threads_cpu_at(k).speedup),
    ]
    assert FIGURE.findall(title) == expected
    assert "1.85× as fast" in title and "1.8×" not in title
    text = gil_summary(gil)
    assert all(figure in text for figure in expected)
    trick = fake_trick(cpus, lambda k: min(k, cpus) * 0.963, python_speedup=0.853)
    title = numpy_trick_title(trick)
    expected = [
        times(trick.numpy_at(k).speedup),
        times(trick.python_at(k).speedup),
    ]
    assert FIGURE.findall(title) == expected
    text = numpy_trick_summary(trick)
    assert all(figure in text for figure in expected)


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_gil_title(cpus):
    flat = fake_gil(cpus, lambda k: 1.0)
    scaled = fake_gil(cpus, lambda k: min(k, cpus) * 0.95)
    k = 2 if cpus < 4 else 4
    title = gil_title(scaled)
    assert title.startswith(f"Pure Python: {k} processes ")
    assert title.endswith(f"{k} threads no faster")
    if cpus == 1:
        assert "processes no faster" in title and "as fast" not in title
    else:
        assert f"{k} processes {times(min(k, cpus) * 0.95)} as fast" in title
    assert "as fast" not in gil_title(flat)
    assert len(title) <= LONGEST
    no_pool = dataclasses.replace(flat, processes_cpu=())
    assert gil_title(no_pool) == f"Pure Python: {k} threads no faster"
    one = fake_gil(cpus, lambda k: 1.0, counts=(1,))
    assert gil_title(one) == "Pure Python: 1 process no faster, 1 thread no faster"


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_numpy_trick_title(cpus):
    speedup = (lambda k: 1.0) if cpus == 1 else (lambda k: min(k, cpus) * 0.97)
    title = numpy_trick_title(fake_trick(cpus, speedup))
    k = 2 if cpus < 4 else 4
    if cpus == 1:
        assert title == "2 threads: NumPy sorts no faster, pure Python no faster"
    else:
        expected = f"NumPy sorts {times(min(k, cpus) * 0.97)} as fast"
        assert title == f"{k} threads: {expected}, pure Python no faster"
    assert len(title) <= LONGEST


def test_race_title():
    assert race_title(fake_race((300, 500))) == (
        "No lock: up to 50 % of updates lost; with a lock: none"
    )
    assert race_title(fake_race((0, 0))) == (
        "No lock: none lost in 2 trials (luck); with a lock: none"
    )
    assert "1 trial (luck)" in race_title(fake_race((0,)))
    assert "under 1 %" in race_title(fake_race((1, 2)))
    assert "with a lock: 3 (please report)" in race_title(fake_race((9,), (3,)))


def test_ladder_title():
    title = ladder_title(fake_ladder(60_000))
    assert title == "Against a cache read: RAM 6.00×, disk 30,000×, page cache 250×"
    assert "disk (maybe cached)" in ladder_title(fake_ladder(60_000, DROP_NONE))
    assert len(title) <= LONGEST


@pytest.mark.parametrize("gil", [True, False])
def test_salad_title(gil):
    s = dataclasses.replace(fake_salad(), gil_enabled=gil)
    title = salad_title(s)
    assert title.startswith("One thread per step: ")
    assert title.endswith("waits overlapped, work took turns")
    apart = salad_title(fake_salad(overlap_work=False))
    assert apart.endswith("; waits overlapped")


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_cpu_sampling_title(cpus):
    title = cpu_sampling_title(fake_sampling(cpus))
    if cpus == 1:
        assert title == ("3 busy threads, one CPU allowed: 1.00 CPUs busy on average")
    else:
        busy = min(3, cpus)
        shown = measured(busy)
        assert title.startswith(f"3 busy threads: {shown} CPUs busy on average")
        assert title.endswith("between CPUs")
    one = cpu_sampling_title(fake_sampling(cpus, threads=1))
    assert one.startswith("1 busy thread")
    unknown = CpuSampling("unavailable", 0.5, 0.002, (0, 1), ())
    assert "cannot say" in cpu_sampling_title(unknown)
    assert len(title) <= LONGEST


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_figures_carry_their_titles(cpus):
    """Each measured figure shows its computed title, in readable text."""
    figures = [
        (plots.plot_gil(fake_gil(cpus, lambda k: 1.0)), "Pure Python"),
        (plots.plot_numpy_trick(fake_trick(cpus, lambda k: 1.0)), "NumPy sorts"),
        (plots.plot_race(fake_race((3, 5))), "No lock"),
        (plots.plot_cpu_samples(fake_sampling(cpus)), "busy thread"),
        (plots_kitchen.plot_memory_ladder(fake_ladder(60_000)), "cache read"),
        (plots_salad.plot_salad(fake_salad()), "One thread per step"),
    ]
    for figure, words in figures:
        assert words in figure.get_suptitle()
        assert_draws(figure)
        assert small_texts(figure) == []
        assert figure.get_figwidth() <= 6.8


def test_ladder_in_kitchen_terms():
    from parallel_python.part1.narrate_threads import ladder_kitchen_terms

    text = ladder_kitchen_terms(fake_ladder(60_000))
    assert "would take 30,000 seconds, about 8.3 hours." in text
    assert "(2.00 ns) took one second" in text
    assert ladder_kitchen_terms(fake_ladder(600)).endswith(
        "would take 300 seconds, about 5 minutes."
    )
    assert ladder_kitchen_terms(fake_ladder(100)).endswith("would take 50.0 seconds.")
