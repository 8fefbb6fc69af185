"""The GIL hand-over timeline: who made progress when, its sentences and figure."""

import threading

import pytest

from parallel_python.core.machine import gil_enabled
from parallel_python.core.style import small_texts
from parallel_python.core.text import duration, setting
from parallel_python.part1 import handover
from parallel_python.part1.handover import Handover, Stretch
from parallel_python.part1.narrate_handover import handover_summary, handover_title
from parallel_python.part1.plots_handover import plot_handover
from tests.drawing import assert_draws


def _overlapping(stretches):
    return [
        (a, b)
        for i, a in enumerate(stretches)
        for b in stretches[i + 1 :]
        if a.thread != b.thread and a.start < b.end and b.start < a.end
    ]


@pytest.mark.parametrize("threads", [2, 3])
def test_every_thread_progresses_and_the_gil_makes_them_take_turns(threads):
    before = threading.active_count()
    h = handover.run_handover(threads=threads, seconds=0.05)
    assert threading.active_count() == before
    assert h.threads == threads and len(h.chunks) == threads
    # the GIL promises no fairness: in 50 ms a third thread may never get it
    # (about 1 run in 15 here), but at least two threads take turns
    assert sum(n > 0 for n in h.chunks) >= 2
    for i in range(threads):
        if h.chunks[i] == 0:
            continue
        lane = h.lane(i)
        assert lane and all(s.thread == i for s in lane)
        assert sum(s.chunks for s in lane) == h.chunks[i]
        assert all(0 <= s.start <= s.end <= h.span for s in lane)
    assert [s.start for s in h.stretches] == sorted(s.start for s in h.stretches)
    assert h.switch_interval > 0 and h.chunk_seconds > 0
    assert h.gil_enabled == gil_enabled()
    if h.gil_enabled:
        assert _overlapping(h.stretches) == []
        assert h.together == 0
        # 50 ms is ten switch intervals: the GIL changed hands
        assert h.turns and h.handovers
        assert all(g >= 0 for g in h.handovers)


def test_stamps_merge_into_stretches_at_pauses_longer_than_the_gap():
    stamps = [0.0, 0.1, 0.2, 1.0, 1.1, 3.0]
    found = handover.stretches_of(4, stamps, gap=0.5)
    assert found == [
        Stretch(4, 0.0, 0.2, 2),
        Stretch(4, 1.0, 1.1, 2),
        Stretch(4, 3.0, 3.0, 1),
    ]


def test_turns_handovers_and_time_together():
    # thread 0 twice in a row (a pause of its own) is one turn; the last
    # turn of each thread, cut by the end of the run, is not counted
    taking_turns = [
        Stretch(0, 0.0, 1.0, 9),
        Stretch(0, 1.2, 2.0, 9),
        Stretch(1, 2.5, 4.0, 9),
        Stretch(0, 4.1, 5.0, 9),
        Stretch(1, 5.5, 6.0, 9),
    ]
    turns, gaps = handover.turns_and_handovers(taking_turns)
    assert turns == pytest.approx([2.0, 1.5])
    assert gaps == pytest.approx([0.5, 0.1, 0.5])
    assert handover.time_together(taking_turns) == 0
    at_once = [Stretch(0, 0.0, 4.0, 9), Stretch(1, 1.0, 5.0, 9)]
    assert handover.time_together(at_once) == pytest.approx(3.0)
    assert handover.turns_and_handovers(at_once) == ([], [])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"threads": 0},
        {"threads": 1.5},
        {"seconds": -0.01},
        {"chunk": 0},
        {"gap": 0},
        {"seconds": 0.01, "gap": 0.02},
    ],
)
def test_bad_sizes_are_clear_errors(kwargs):
    with pytest.raises(ValueError):
        handover.run_handover(**kwargs)


def test_a_lane_that_does_not_exist_is_a_clear_error():
    h = fake(True, 2, _turns(2))
    with pytest.raises(ValueError, match="thread must be 0 .. 1"):
        h.lane(2)


# --- made-up results: the GIL on or off, 1, 2 or 64 CPUs -----------------------


def _turns(threads, turn=0.005, handover=0.00005, rounds=4):
    found, t = [], 0.0
    for _round in range(rounds):
        for i in range(threads):
            found.append(Stretch(i, t, t + turn, 900))
            t += turn + handover
    return found


def _at_once(threads, seconds=0.06):
    return [Stretch(i, 0.0001 * i, seconds, 9000) for i in range(threads)]


def fake(gil: bool, cpus: int, stretches, threads=None) -> Handover:
    threads = threads or len({s.thread for s in stretches})
    turns, gaps = handover.turns_and_handovers(stretches)
    return Handover(
        threads=threads,
        seconds=0.06,
        chunk=200,
        gap=0.0005,
        switch_interval=0.005,
        gil_enabled=gil,
        cpus=cpus,
        span=max(s.end for s in stretches),
        chunk_seconds=5e-6,
        chunks=tuple(
            sum(s.chunks for s in stretches if s.thread == i) for i in range(threads)
        ),
        stretches=tuple(sorted(stretches, key=lambda s: s.start)),
        turns=tuple(turns),
        handovers=tuple(gaps),
        together=handover.time_together(stretches),
    )


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_with_the_gil_the_sentence_compares_turns_with_the_switch_interval(cpus):
    h = fake(True, cpus, _turns(2))
    text = handover_summary(h)
    assert text.startswith("The 2 threads never made progress at the same time")
    assert f"median of {duration(0.005)}" in text
    assert f"about the switch interval ({setting(0.005)})" in text
    assert "5 hand-overs" not in text and "7 hand-overs" in text
    assert (
        handover_title(h)
        == f"2 threads took turns with the GIL, a median {duration(0.005)} per turn"
    )
    longer = handover_summary(fake(True, cpus, _turns(2, turn=0.0105)))
    assert f"2.10× the switch interval ({setting(0.005)})" in longer


@pytest.mark.parametrize("cpus", [2, 64])
def test_without_the_gil_threads_that_ran_at_once_are_said_to(cpus):
    h = fake(False, cpus, _at_once(2))
    text = handover_summary(h)
    assert "made progress at the same time for 100 %" in text
    assert "no GIL to hand over" in text
    assert "switch interval" not in text
    assert handover_title(h).startswith("GIL off: 2 threads made progress at once")


def test_without_the_gil_on_one_cpu_the_threads_still_take_turns():
    h = fake(False, 1, _turns(2, turn=0.003))
    text = handover_summary(h)
    assert "for only 0 %" in text and "one CPU" in text
    assert "did not set these turns" in text
    assert handover_title(h) == (
        f"GIL off, one CPU: 2 threads still took turns, {duration(0.003)} per turn"
    )


def test_one_thread_and_no_handover_are_said_plainly():
    alone = fake(True, 2, [Stretch(0, 0.0, 0.06, 9000)])
    assert "nobody to hand the GIL to" in handover_summary(alone)
    assert handover_title(alone).startswith("1 thread, nobody")
    kept = fake(True, 2, [Stretch(0, 0.0, 0.004, 900), Stretch(1, 0.0041, 0.0042, 0)])
    assert "no thread handed over" in handover_summary(kept)
    assert "no hand-over" in handover_title(kept)


@pytest.mark.parametrize(
    "h",
    [
        fake(True, 1, _turns(2)),
        fake(True, 64, _turns(4)),
        fake(False, 64, _at_once(3)),
        fake(False, 1, _turns(2, turn=0.003)),
        fake(True, 2, [Stretch(0, 0.0, 0.06, 9000)]),
    ],
)
def test_the_timeline_has_a_lane_per_thread_and_readable_text(h):
    fig = plot_handover(h)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"thread {i + 1}" for i in range(h.threads)
    ]
    assert len(ax.collections) == h.threads
    assert fig.get_suptitle() == handover_title(h)
    assert any(f"switch interval ({setting(0.005)})" in t.get_text() for t in ax.texts)
    assert_draws(fig)
    assert small_texts(fig) == []
    assert fig.get_figwidth() <= 6.8


def test_with_the_gil_overlapping_stretches_are_never_called_gil_off():
    """A merging gap longer than a turn can blur stretches into each other;
    the sentence then still speaks of turns, not of running at once."""
    h = fake(True, 2, _at_once(2))
    assert not handover_title(h).startswith("GIL off")
    assert "never made progress at the same time" not in handover_summary(h)


def test_the_first_handover_is_marked_only_with_the_gil_on():
    import dataclasses

    from parallel_python.core.style import small_texts
    from parallel_python.part1.handover import Handover, Stretch
    from parallel_python.part1.plots_handover import plot_handover

    stretches = (
        Stretch(1, 0.0, 0.005, 10),
        Stretch(0, 0.0051, 0.010, 10),
        Stretch(1, 0.0101, 0.015, 10),
    )
    h = Handover(
        threads=2,
        seconds=0.015,
        chunk=200,
        gap=0.0005,
        switch_interval=0.005,
        gil_enabled=True,
        cpus=2,
        span=0.015,
        chunk_seconds=0.0001,
        chunks=(10, 20),
        stretches=stretches,
        turns=(0.005, 0.005),
        handovers=(0.0001, 0.0001),
        together=0.0,
    )

    def notes(fig):
        return [t.get_text() for t in fig.axes[0].texts if "let go" in t.get_text()]

    fig = plot_handover(h)
    assert notes(fig) == [
        "thread 1 waited a switch interval, then asked; thread 2 let go"
    ]
    assert small_texts(fig) == []
    assert notes(plot_handover(dataclasses.replace(h, gil_enabled=False))) == []
