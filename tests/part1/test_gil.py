"""The GIL experiments: shape of the results, correct work, clear errors."""

import multiprocessing
import os
import sys
import threading

import pytest

from parallel_python.core.machine import available_cpus
from parallel_python.core.protocol import STOP_REASONS
from parallel_python.core.results import from_data, to_data
from parallel_python.part1 import counts, gil, numpy_trick, placement


def test_count_is_correct():
    assert gil.count(10) == 45
    assert gil.count(0) == 0


def test_gil_result_shape():
    before = threading.active_count()
    g = gil.run_gil(
        counts=(1, 2),
        # tasks of about 10 ms, in 5 rounds: long enough that each of two
        # workers takes one in some round, even with the test run's other
        # processes busy (a round where one worker ran both tasks tells
        # nothing of placement; under forkserver in CI, tasks of 2 ms in 3
        # rounds once left none)
        work=100_000,
        wait_seconds=0.001,
        repeats=5,
        reps=2,
        budget=0.05,
        probe_seconds=0.05,
    )
    assert g.counts == (1, 2)
    assert g.reps == 2 and len(g.stop_reasons) == 2
    assert set(g.stop_reasons) <= set(STOP_REASONS)
    assert g.disturbance is not None and g.disturbance.seconds > 0
    assert (g.ceiling is not None) == (g.cpus >= 2)
    for points in (g.threads_cpu, g.processes_cpu, g.threads_wait):
        assert [p.workers for p in points] == [1, 2]
        assert all(p.speedup > 0 for p in points)
    # one process against the notebook's own run (what a worker costs); two
    # against the same tasks in a row in one new worker process, timed in
    # the same rounds: like with like
    assert g.threads_cpu_at(1).serial is g.processes_cpu_at(1).serial
    alone = g.processes_cpu_at(2).serial
    assert alone is not g.threads_cpu_at(2).serial
    assert alone.repeats == g.processes_cpu_at(2).parallel.repeats
    assert g.switch_interval > 0
    assert g.workers_at_cpus in g.counts
    assert threading.active_count() == before
    assert multiprocessing.active_children() == []  # the pool was closed
    with pytest.raises(KeyError):
        g.threads_cpu_at(3)
    # where two tasks in two processes ran is checked from inside the workers
    # (on Linux, with at least two CPUs); one task has nothing to share
    assert g.crowded_at(1) is None
    if g.cpus >= 2 and sys.platform.startswith("linux"):
        assert 0.0 <= g.crowded_at(2) <= 1.0
    else:
        assert g.crowded == ()
    # each task's own seconds in a worker, over its share of the run in a row
    assert g.stretched_at(1) is None
    if g.cpus >= 2:
        longer = g.stretched_at(2)
        # rounds where one worker ran both tasks are left out
        assert 1 <= longer.rounds <= g.processes_cpu_at(2).parallel.repeats
        assert 0 < longer.low <= longer.median <= longer.high
        # and for what share of it they ran; how late the last one began
        assert 0 < g.running_at(2) <= 1.1 and g.late_at(2) >= 0
        assert g.running_at(1) is None and g.late_at(1) is None
    else:
        assert g.stretched == g.running == g.late == ()
    assert from_data(gil.GilScaling, to_data(g)) == g


def test_count_placed_notes_a_cpu_before_each_repetition_and_after():
    import time

    before = time.perf_counter()
    placed = gil.count_placed(100_000, 3)
    assert placed.pid == os.getpid() and len(placed.cpus) == 4
    assert before <= placed.start <= time.perf_counter() - placed.seconds
    # a busy loop: it used CPU time, at most as much as it took (a little
    # slack for the clocks' different ticks)
    assert 0 < placed.cpu_seconds <= placed.seconds + 0.01
    if sys.platform.startswith("linux"):
        assert set(placed.cpus) <= set(os.sched_getaffinity(0))


def _placed(pid, seconds, cpu_seconds=None, start=None):
    return placement.Placed(pid, (0,), seconds, cpu_seconds, start)


def test_running_is_the_tasks_cpu_time_over_their_own_time():
    rounds = [
        [_placed(1, 1.0, 1.0), _placed(2, 1.0, 0.5)],  # 1.5 of 2 s: 0.75
        [_placed(1, 2.0, 2.0), _placed(2, 2.0, 2.0)],  # all the time: 1
        [_placed(1, 1.0, 0.9), _placed(2, 1.0, 0.9)],  # 0.9
    ]
    assert placement.running(rounds) == pytest.approx(0.9)  # the median round
    # a round where one worker ran both tasks is left out
    same = [_placed(1, 1.0, 0.1), _placed(1, 1.0, 0.1)]
    assert placement.running([rounds[1], same]) == pytest.approx(1.0)
    assert placement.running([same]) is None
    # CPU time not known, or one task: nothing
    assert placement.running([[_placed(1, 1.0), _placed(2, 1.0, 1.0)]]) is None
    assert placement.running([[_placed(1, 1.0, 1.0)]]) is None


def test_late_start_is_how_long_after_the_first_task_the_last_began():
    rounds = [
        [_placed(1, 1.0, start=10.0), _placed(2, 1.0, start=10.002)],
        [_placed(1, 1.0, start=20.010), _placed(2, 1.0, start=20.0)],  # any order
        [_placed(1, 1.0, start=30.0), _placed(2, 1.0, start=30.0)],
    ]
    assert placement.late_start(rounds) == pytest.approx(0.002)
    same = [_placed(1, 1.0, start=40.0), _placed(1, 1.0, start=41.0)]
    assert placement.late_start([rounds[0], same]) == pytest.approx(0.002)
    assert placement.late_start([same]) is None
    assert placement.late_start([[_placed(1, 1.0), _placed(2, 1.0, start=1)]]) is None


@pytest.mark.parametrize(
    ("rounds", "share"),
    [
        ([[(0, 0, 0), (1, 1, 1)]], 0.0),  # always apart
        ([[(0, 0, 0), (0, 0, 0)]], 1.0),  # always together
        ([[(0, 1), (1, 1)], [(0, 0), (1, 1)]], 0.25),  # one check in four
        ([[(0, 1, 2), (1, 1, 2), (2, 2, 2)]], 2 / 3),  # three tasks
        ([[(0, -1), (1, 1)]], None),  # a CPU not known
        ([[(0, 1)]], None),  # one task: nothing to share
    ],
)
def test_crowding_is_the_share_of_checks_with_tasks_on_fewer_cpus(rounds, share):
    # each task from its own worker process
    placed = [[(pid, cpus) for pid, cpus in enumerate(r)] for r in rounds]
    expected = None if share is None else pytest.approx(share)
    assert placement.crowding(placed) == expected


def test_stretch_is_each_tasks_own_time_over_its_share_alone():
    # two tasks per round; in a row they took 2 s, so one task's share is 1 s
    rounds = [[(1, (0,), 1.0), (2, (1,), 1.0)], [(1, (0,), 1.5), (2, (1,), 1.5)]]
    assert placement.stretch([2.0, 2.0], rounds).median == pytest.approx(1.25)
    # three tasks of 1 s against 3 s in a row: as long as alone
    three = [[(1, (0,), 1.0), (2, (1,), 1.0), (3, (2,), 1.0)]]
    assert placement.stretch([3.0], three).median == pytest.approx(1.0)
    # a round where one worker ran both tasks is left out
    same = [(1, (0,), 1.0), (1, (0,), 1.0)]
    assert placement.stretch([2.0, 1.0], [rounds[0], same]).rounds == 1
    assert placement.stretch([1.0], [same]) is None
    # one task, or rounds that do not match the runs in a row: nothing
    assert placement.stretch([1.0], [[(1, (0,), 1.0)]]) is None
    assert placement.stretch([2.0], rounds) is None


def test_every_call_in_processes_gets_a_pool_of_its_own():
    paired, placed = gil._time_count(
        2,
        True,
        task=(2_000, 1),
        share=1e-9,
        repeats=3,
        warmup=1,
        between=None,
    )
    assert paired.rounds == 3 and len(placed) == 4  # the warm-up's call too
    # each call's workers are processes no other call saw: a fresh pool each
    # time (two workers, or one that took both tasks)
    workers = [{task.pid for task in call} for call in placed]
    assert all(1 <= len(w) <= 2 for w in workers)
    assert len(set().union(*workers)) == sum(len(w) for w in workers)
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPUs to choose")
def test_one_task_in_a_process_runs_on_the_cpu_of_the_tasks_in_a_row():
    before = os.sched_getaffinity(0)
    first = min(before)
    _, placed = gil._time_count(
        1, True, task=(2_000, 2), share=1e-9, repeats=2, warmup=0, between=None
    )
    assert [set(task.cpus) for call in placed for task in call] == [{first}] * 2
    assert os.sched_getaffinity(0) == before  # restored


def test_crowding_leaves_out_a_round_where_one_worker_ran_two_tasks():
    apart, same_worker = [(1, (0, 0)), (2, (1, 1))], [(1, (0, 0)), (1, (0, 0))]
    assert placement.crowding([apart, same_worker]) == 0.0
    assert placement.crowding([same_worker]) is None


def test_gil_without_processes():
    g = gil.run_gil(
        counts=(1,),
        work=100,
        wait_seconds=0.001,
        repeats=1,
        processes=False,
        budget=0.05,
        task_seconds=0.001,
    )
    assert g.processes_cpu == ()
    assert g.ceiling is None
    assert g.reps >= 1  # calibrated


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"counts": ()}, "counts"),
        ({"counts": (0, 1)}, "counts"),
        ({"work": 0}, "work"),
        ({"wait_seconds": -1.0}, "wait_seconds"),
        ({"repeats": 0}, "repeats"),
        ({"budget": 0.0}, "budget"),
        ({"reps": 0}, "reps"),
        ({"task_seconds": -1.0}, "task_seconds"),
        ({"probe_seconds": 0.0}, "probe_seconds"),
    ],
)
def test_gil_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        gil.run_gil(**kwargs)


def test_numpy_trick_shape():
    r = numpy_trick.run_numpy_trick(
        counts=(1, 2), elements=1_000, repeats=1, sorts=1, budget=0.01
    )
    assert [p.workers for p in r.numpy_threads] == [1, 2]
    assert [p.workers for p in r.python_threads] == [1, 2]
    assert r.work >= 1
    assert r.numpy_at(2).speedup > 0
    # the ceiling, counted between the rounds of the 2 sorting threads
    if available_cpus() >= 2:
        assert r.ceiling is not None and r.ceiling.between_rounds
        assert r.ceiling.k == 2 and r.ceiling.window == numpy_trick.PROBE_WINDOW
        assert len(r.ceiling.slowest) == len(r.ceiling.ratios) >= 1
    else:
        assert r.ceiling is None
    assert multiprocessing.active_children() == []
    unprobed = numpy_trick.run_numpy_trick(
        counts=(1, 2),
        elements=1_000,
        repeats=1,
        sorts=1,
        budget=0.01,
        probe_seconds=None,
    )
    assert unprobed.ceiling is None


def test_numpy_trick_times_only_counts_up_to_the_cpus(monkeypatch):
    monkeypatch.setattr(numpy_trick, "available_cpus", lambda: 2)
    r = numpy_trick.run_numpy_trick(
        counts=(1, 2, 4), elements=1_000, repeats=1, sorts=1, budget=0.01
    )
    assert r.counts == (1, 2)
    assert [p.workers for p in r.numpy_threads] == [1, 2]


def test_numpy_trick_pairs_rounds_and_keeps_its_calibration():
    r = numpy_trick.run_numpy_trick(
        counts=(1, 2), elements=1_000, repeats=2, sorts=3, budget=0.01
    )
    assert r.sorts == 3  # an explicit amount is used as given
    # each count: sorts, then loops; each stopped on its budget or earlier
    assert len(r.stop_reasons) == 4
    assert set(r.stop_reasons) <= set(STOP_REASONS)
    for point in r.numpy_threads + r.python_threads:
        assert point.serial.repeats == point.parallel.repeats >= 2
    one = r.numpy_at(1).serial.best
    assert r.sort_seconds == pytest.approx(one / 3)
    calibrated = numpy_trick.run_numpy_trick(
        counts=(1,), elements=1_000, repeats=1, task_seconds=0.002
    )
    assert calibrated.sorts > 1  # a 1,000-number sort lasts far less than 2 ms


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"elements": 0}, "elements"),
        ({"sorts": 0}, "sorts"),
        ({"budget": 0}, "budget"),
        ({"task_seconds": -1}, "task_seconds"),
        ({"counts": ()}, "counts"),
        ({"probe_seconds": 0.0}, "probe_seconds"),
    ],
)
def test_numpy_trick_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        numpy_trick.run_numpy_trick(**kwargs)


def test_interleaved_times_every_way_each_round():
    calls = []
    timings = gil.interleaved(
        [lambda: calls.append("a"), lambda: calls.append("b")], repeats=3, warmup=1
    )
    # one warm-up round, then three timed rounds, each starting one further on
    assert calls == ["a", "b"] + ["a", "b"] + ["b", "a"] + ["a", "b"]
    assert [t.repeats for t in timings] == [3, 3]
    assert all(t.warmup == 1 for t in timings)
    with pytest.raises(ValueError, match="repeats"):
        gil.interleaved([lambda: None], repeats=0, warmup=0)


def test_each_count_gets_its_share_of_the_budget():
    from parallel_python.core.protocol import MIN_ROUNDS_ONLY

    assert counts.per_count(2, 2, 4.0) == 4.0  # the lesson: the whole budget
    assert counts.per_count(1, 2, 4.0) == 2.0  # the one-worker check: half
    assert counts.per_count(4, 2, 4.0) == MIN_ROUNDS_ONLY  # beyond the CPUs
    assert counts.per_count(4, 8, 4.0) == 4.0  # within 8 CPUs
    assert counts.per_count(2, 1, 4.0) == 4.0  # 2 is always measured well


@pytest.mark.parametrize(
    ("cpus", "beyond", "timed"),
    [
        (1, False, (1, 2)),  # two are always timed, even on one CPU
        (2, False, (1, 2)),  # four pure-Python tasks on 2 CPUs only take turns
        (4, False, (1, 2, 4)),
        (2, True, (1, 2, 4)),
    ],
)
def test_pure_python_is_timed_up_to_the_cpus_unless_asked(cpus, beyond, timed):
    assert counts.cpu_counts((1, 2, 4), cpus, beyond) == timed


@pytest.mark.parametrize(
    ("asked", "timed"), [((4, 8), (4,)), ((1, 3), (1, 3)), ((1, 2, 3), (1, 2))]
)
def test_the_count_a_page_talks_about_is_always_timed(asked, timed):
    # on 2 CPUs: beyond them, the smallest count of two or more still runs
    assert counts.cpu_counts(asked, 2) == timed
    assert counts.shown_count(asked, 2) in timed


def _tiny_gil(counts, **options):
    """:func:`gil.run_gil` at test sizes (tasks of about 2 ms, one round)."""
    return gil.run_gil(
        counts=counts, work=20_000, wait_seconds=0.001, repeats=1, reps=2,
        budget=0.01, **options,
    )  # fmt: skip


def test_the_ceiling_is_probed_for_the_counts_timed_not_the_sleepers(monkeypatch):
    """On 3 CPUs with counts 1, 2 and 4, pure Python runs at 1 and 2: the
    processes are set beside 2 CPUs' ceiling, not 3's."""
    from parallel_python.core.ceiling_live import NoCeiling

    asked = []
    monkeypatch.setattr(gil, "available_cpus", lambda: 3)
    monkeypatch.setattr(
        gil, "live_ceiling_for", lambda k, seconds: asked.append(k) or NoCeiling()
    )
    g = _tiny_gil((1, 2, 4), probe_seconds=0.01)
    assert asked == [2] and g.cpu_counts == (1, 2)


def test_sleeping_threads_are_timed_at_every_count(monkeypatch):
    monkeypatch.setattr(gil, "available_cpus", lambda: 2)
    g = _tiny_gil((1, 2, 4), processes=False)
    assert g.counts == (1, 2, 4)
    assert [p.workers for p in g.threads_wait] == [1, 2, 4]
    assert g.cpu_counts == (1, 2)  # pure Python: up to the CPUs
    assert g.alone_counts == (2,)


def test_pinned_threads_run_each_task_on_a_cpu_of_its_own():
    import os
    import threading

    seen = {}

    def task(i):
        seen[i] = (os.sched_getaffinity(0), threading.get_ident())

    before = os.sched_getaffinity(0)
    numpy_trick.in_pinned_threads(task, [(i,) for i in range(3)])
    cpus = sorted(before)
    # round robin over the CPUs this thread may use, each in its own thread
    assert [seen[i][0] for i in range(3)] == [{cpus[i % len(cpus)]} for i in range(3)]
    # each in a thread of its own, not the caller's (idents can be reused)
    assert threading.get_ident() not in {seen[i][1] for i in range(3)}
    assert os.sched_getaffinity(0) == before  # the caller is not moved


def test_the_tasks_in_a_row_run_in_a_new_thread_each_round():
    seen = {"in a row": [], "threads": []}

    def way(name):
        return lambda: seen[name].append(threading.current_thread())

    paired = gil.against_in_a_row(
        {name: way(name) for name in seen},
        2,
        share=1e-9,
        repeats=3,
        warmup=1,
        between=None,
    )
    assert paired.rounds == 3
    main = threading.current_thread()
    assert main not in seen["in a row"]  # never in this thread
    assert len(set(seen["in a row"])) == 4  # a new one each call, warm-up too
    assert seen["threads"] == [main] * 4  # the other ways are called here


@pytest.mark.parametrize(
    ("cpus", "alone"),
    [(1, [2]), (2, [2]), (3, [2, 3]), (4, [2, 3, 4]), (64, [2, 3, 4])],
)
def test_processes_up_to_the_cpus_are_compared_with_one_process(cpus, alone):
    # one process against this process; beyond the CPUs (at least 2),
    # where only the minimum of rounds runs, against this process too
    assert [k for k in (1, 2, 3, 4) if counts.against_one_process(k, cpus)] == alone


def test_a_count_beyond_the_cpus_is_compared_with_this_process(monkeypatch):
    monkeypatch.setattr(gil, "available_cpus", lambda: 2)
    g = _tiny_gil((2, 3), probe_seconds=None, beyond=True)
    # 2 against one new worker process, 3 against the threads' own baseline
    assert g.processes_cpu_at(2).serial is not g.threads_cpu_at(2).serial
    assert g.processes_cpu_at(3).serial is g.threads_cpu_at(3).serial
    assert g.alone_counts == (2,)
    assert g.compared_with_one_process(2) and not g.compared_with_one_process(3)
