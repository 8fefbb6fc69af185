"""Going further: sentences and figures from made-up results for 1, 2 and 64
CPUs, and every result survives a round trip through JSON."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import replace

import pytest

from parallel_python.core import results
from parallel_python.core.text import percent, plural, times
from parallel_python.further import plots as pf
from parallel_python.further.compare_tools import ToolComparison, ToolRun
from parallel_python.further.dask_demo import DaskChunks, DaskCluster
from parallel_python.further.freethreading import FreeThreading
from parallel_python.further.joblib_demo import JoblibRun
from parallel_python.further.mpi_demo import MpiRun, MpiRuns
from parallel_python.further.narrate_pools import (
    chunks_held,
    dask_chunks_summary,
    dask_cluster_summary,
    joblib_cache,
    joblib_late,
    joblib_memmap,
    joblib_shutdown,
    joblib_start,
    joblib_summary,
)
from parallel_python.further.narrate_speed import (
    compiled_apart,
    faster,
    free_threading_summary,
    mpi_launch,
    mpi_summary,
    numba_figure_note,
    numba_summary,
    numba_title,
    short_times,
)
from parallel_python.further.narrate_tools import (
    tools_figure_note,
    tools_summary,
    tools_table,
    tools_title,
)
from parallel_python.further.narrate_waiting import (
    waiting_floor,
    waiting_summary,
    waiting_title,
)
from parallel_python.further.numba_demo import NumbaRun
from parallel_python.further.waiting import Waiting
from tests.further.fakes import (
    CPUS,
    PI,
    T,
    counted,
    fake_chunks,
    fake_cluster,
    fake_ft,
    fake_joblib,
    fake_mpi,
    fake_numba,
    fake_tools,
    fake_waiting,
)


@pytest.mark.parametrize("cpus", CPUS)
def test_waiting_summary(cpus):
    text = waiting_summary(fake_waiting(cpus))
    assert "100 threads" in text and "100 asyncio tasks" in text
    if cpus < 12:  # 12× on fewer CPUs: more than computing could give
        assert "waiting takes no CPU" in text
    else:
        assert "no more than 64 CPUs" in text
    assert "asyncio was the faster" in text
    assert "It is not the 100-fold cut that 100 perfectly overlapped waits" in text
    # a run without CPU readings says what it timed
    assert "this run timed only the totals" in text and "went to" not in text
    assert "wrong" not in text
    assert "more than once in each timed call" not in text
    # 100 requests one at a time: 630 ms (median) against 500 ms of waiting
    assert (
        "took a median of 630 ms, the 500 ms the server spent waiting and about "
        "1.30 ms more per request" in text
    )


@pytest.mark.parametrize(
    ("cpus", "server_on", "clients_on", "expected"),
    [
        (2, 1, (0,), "had a CPU to itself and the clients ran on the other."),
        (64, 63, tuple(range(63)), "the clients ran on the other 63."),
        (1, None, (), "With one CPU, the server and the clients took turns on it"),
        (4, None, (), "The server and the clients shared the CPUs."),
    ],
)
def test_waiting_summary_says_where_server_and_clients_ran(
    cpus, server_on, clients_on, expected
):
    w = dataclasses.replace(
        fake_waiting(cpus), server_on=server_on, clients_on=clients_on
    )
    text = waiting_summary(w)
    assert expected in text
    assert ("machine across the network" in text) == (server_on is not None)


def test_two_rough_waiting_speedups_share_one_note():
    from parallel_python.core.protocol import ratio_from
    from parallel_python.further.narrate_waiting import _unsteady_pair

    wide5 = ratio_from([9.2, 11.4, 12.1, 10.0, 11.9])  # 5 rounds: all of them
    other5 = ratio_from([9.3, 20.8, 21.4, 15.0, 20.0])
    both = _unsteady_pair(wide5, other5)
    assert both.startswith("Both 90 % intervals are wider than ±15 %: take ")
    assert both.endswith(
        "with 5 rounds each only, each interval is the whole range of its rounds. "
    )
    assert both.count("whole range") == 1
    # more rounds: each one's middle 80 %, said for each
    many = ratio_from([6 + 0.5 * i for i in range(20)])  # 8.5-13.0: too wide
    apart = _unsteady_pair(many, other5)
    assert "for the threads, the middle 80 % of their 20 rounds ranged" in apart
    assert "and for the asyncio tasks, with their 5 rounds only" in apart


def test_waiting_summary_gives_the_cpu_time_of_the_time_left_over():
    import dataclasses

    w = fake_waiting(2)
    cases = tuple(
        dataclasses.replace(
            c, timing=T(c.timing.best, c.timing.best), client_cpu=0.04, server_cpu=0.012
        )
        if c.workers == 100
        else c
        for c in w.cases
    )
    text = waiting_summary(dataclasses.replace(w, cases=cases))
    assert (
        "in the client and in the server): with 100 threads each fetch of them "
        "all took 50.0 ms and used 40.0 ms of the client's CPU time and 12.0 ms of "
        "the server's; with 100 asyncio tasks each fetch of them all took 20.0 ms "
        "and used 40.0 ms of the client's CPU time and 12.0 ms of the server's "
        "(medians of the timed calls)."
    ) in text
    assert "timed only the totals" not in text


def test_waiting_summary_says_when_fast_ways_repeated_per_call():
    w = fake_waiting(2)
    cases = tuple(
        dataclasses.replace(c, calls=3) if c.workers == 100 else c for c in w.cases
    )
    text = waiting_summary(dataclasses.replace(w, cases=cases))
    assert "more than once in each timed call (up to 3 times)" in text


def test_waiting_summary_near_the_number_in_flight():
    w = fake_waiting(2)
    cases = tuple(
        type(c)(c.tool, c.workers, T(0.6 / c.workers, 0.7 / c.workers), True)
        for c in w.cases
    )
    text = waiting_summary(Waiting(**{**w.__dict__, "cases": cases}))
    assert "close to the 100-fold cut" in text and "It is not" not in text
    one = Waiting(**{**w.__dict__, "workers": (1,), "cases": (w.cases[0], w.cases[3])})
    assert "-fold" not in waiting_summary(one)


@pytest.mark.parametrize("cpus", CPUS)
def test_waiting_floor(cpus):
    w = fake_waiting(cpus)
    text = waiting_floor(w)
    assert text.startswith("With 100 requests, an answer after 5.00 ms and 100 threads")
    assert "cannot finish faster than about 5.00 ms" in text
    assert "took 52.5 ms (median): 10.5 times that floor." in text
    few = Waiting(
        **{**w.__dict__, "workers": (1, 10), "cases": w.cases[:2] + w.cases[3:5]}
    )
    assert "10 waves, 10 at a time" in waiting_floor(few)
    assert "about 50.0 ms" in waiting_floor(few)
    assert "close to that floor" in waiting_floor(few)


def test_waiting_numbers_have_separators():
    w = fake_waiting(2)
    big = Waiting(**{**w.__dict__, "requests": 1_000})
    assert "the 1,000 requests" in waiting_summary(big)
    assert "With 1,000 requests" in waiting_floor(big)


@pytest.mark.parametrize("cpus", CPUS)
def test_joblib_summary(cpus):
    j = fake_joblib(cpus)
    start = joblib_start(j)
    assert f"starting {max(2, cpus)} worker processes" in start
    assert "took 1.20 s, most of it starting" in start
    quick = joblib_start(dataclasses.replace(j, cold=j.warm.median * 1.5))
    assert ", which includes starting" in quick and "most of it" not in quick
    assert ("more than the one CPU" in start) == (cpus == 1)
    assert ("nothing could run side by side" in start) == (cpus == 1)
    assert "last bit" in start
    memmap = joblib_memmap(j)
    assert "`memmap`" in memmap and "`ndarray`" in memmap and "shared memory" in memmap
    assert "Sending it to 8 tasks" in memmap and "best of 3 each" in memmap
    assert "the memory map was 10.0× as fast" in memmap
    shutdown = joblib_shutdown(j)
    assert f"{max(2, cpus)} reusable workers were waiting" in shutdown
    assert shutdown.endswith("executor (`shutdown(wait=True)`), 0.")
    assert "read back from disk" in joblib_cache(j)
    text = joblib_summary(j)
    assert start in text and memmap in text and shutdown in text
    slower = joblib_memmap(fake_joblib(cpus, memmap=0.2))
    assert "pickling was faster here (2.00× as fast)" in slower
    same = joblib_memmap(fake_joblib(cpus, memmap=0.1))
    assert "about the same here" in same


@pytest.mark.parametrize("cpus", CPUS)
def test_joblib_late(cpus):
    from parallel_python import catalogue

    j = dataclasses.replace(fake_joblib(cpus), late=(0.004, 0.006, 0.009))
    text = joblib_late(j)
    assert "a median of 6.00 ms after its last task" in text
    assert "(4.00 ms to 9.00 ms over 3 calls)" in text
    assert f"{percent(0.006 / j.warm.median)} of a call's median time." in text
    assert text.endswith("the result's way back from the worker.")
    assert text in joblib_summary(j)
    headline = "call returned after its last task, median (s)"
    assert catalogue.get("joblib").headlines(j)[headline] == 0.006
    # longer than one of joblib's sleeps: said, and not explained
    slow = joblib_late(dataclasses.replace(j, late=(0.004, 0.006, 0.012)))
    assert slow.endswith("after their last task; this run does not show why.")
    assert "(6.00 ms, one call)" not in joblib_late(j)
    one = joblib_late(dataclasses.replace(j, late=(0.005,)))
    assert "a median of 5.00 ms after its last task had finished (one call)" in one
    # a record without the waits (or with clocks that disagreed) says so
    assert "was not measured" in joblib_late(fake_joblib(cpus))
    assert headline not in catalogue.get("joblib").headlines(fake_joblib(cpus))
    alone = dataclasses.replace(fake_joblib(cpus, jobs=1), late=(0.0,))
    assert "no worker's result" in joblib_late(alone)
    assert headline not in catalogue.get("joblib").headlines(alone)


@pytest.mark.parametrize("cpus", CPUS)
def test_joblib_in_process(cpus):
    j = fake_joblib(cpus, jobs=1)
    assert "ran every task in this process" in joblib_start(j)
    assert "worker process" not in joblib_start(j)
    memmap = joblib_memmap(j)
    assert "nothing was copied or mapped" in memmap and "shared memory" not in memmap
    shutdown = joblib_shutdown(j)
    assert "0 reusable workers were" in shutdown and "had started none" in shutdown
    one = joblib_shutdown(
        JoblibRun(**{**fake_joblib(cpus).__dict__, "workers_before_shutdown": 1})
    )
    assert "1 reusable worker was waiting" in one


@pytest.mark.parametrize("cpus", CPUS)
def test_dask_sentences(cpus):
    chunks = dask_chunks_summary(fake_chunks(cpus))
    assert "well inside the 256 MiB budget" in chunks
    assert (f"on {cpus} thread" in chunks) and ("1 threads" not in chunks)
    assert "one run: 300 ms" in chunks and "best of" not in chunks
    three = DaskChunks(**{**fake_chunks(cpus).__dict__, "timing": T(0.3, 0.33, 0.36)})
    assert "best of 3: 300 ms, spread 20 %" in dask_chunks_summary(three)
    assert "8 chunks' worth" in chunks_held(fake_chunks(cpus))
    assert "1 chunk's worth" in chunks_held(fake_chunks(cpus, peak=8_000_000))
    assert "only the chunks being worked on" in chunks_held(fake_chunks(cpus))
    over = dask_chunks_summary(fake_chunks(cpus, peak=300 * 2**20))
    assert "most of the array" in chunks_held(fake_chunks(cpus, peak=300 * 2**20))
    assert "more than the 256 MiB budget" in over
    slow = dask_cluster_summary(fake_cluster(cpus, delayed=2.0))
    fast = dask_cluster_summary(fake_cluster(cpus, delayed=0.1))
    if cpus == 1:
        for text in (slow, fast):
            assert "With one worker there was nothing to run side by side" in text
            assert "Given several CPUs and a worker on each, dask pays off" in text
            assert "costs more than" not in text
        assert "suspect" in fast and "suspect" not in slow
    else:
        assert "costs more than it saves" in slow
        assert "as fast as one process" in fast and "dask pays off" not in fast
        assert "one worker" not in slow + fast
    if cpus == 1:
        assert "(1 worker process, with one thread)" in fast
    else:
        assert f"({cpus} worker processes, one thread each)" in fast
    assert "The workers stopped" in fast


@pytest.mark.parametrize("cpus", CPUS)
def test_numba_summary(cpus):
    text = numba_summary(fake_numba(cpus))
    assert "60.0 times as fast per point as pure Python" in text
    if cpus == 1:
        assert "with one thread, nothing runs side by side" in text
    else:
        assert f"On {cpus} threads" in text
        assert "the threads took turns" in text
    no_worse = numba_summary(fake_numba(cpus, held=2.0))
    if cpus > 1:
        assert "no slower than the `nogil` threads in this run" in no_worse
        assert "busy" not in no_worse
        assert "as fast as one" not in text  # no ceiling probed
        live = counted(1.02, (52, 50), between=True)
        probed = numba_summary(dataclasses.replace(fake_numba(cpus), ceiling=live))
        assert (
            "; this machine's 2 CPUs together counted 1.02× as fast as one, "
            "measured between the rounds. "
        ) in probed
        # a slow CPU: the `nogil` threads were pinned, numba's own were not
        uneven = dataclasses.replace(live, ratio=1.70, slowest=(1.50, 1.52, 1.55))
        text = numba_summary(dataclasses.replace(fake_numba(cpus), ceiling=uneven))
        assert (
            "2 equal shares of work, pinned one to a CPU as the `nogil` threads "
            "were, could reach at most 1.52×; the system was free to move the "
            "others between CPUs. "
        ) in text


@pytest.mark.parametrize("cpus", CPUS)
def test_mpi_summary(cpus):
    text = mpi_summary(fake_mpi(cpus))
    assert "With 2 ranks" in text and "last bit" in text
    # the launch's own length is the next paragraph's (mpi_launch), not repeated
    assert "The whole launch" not in text
    if cpus == 1:
        assert "about as fast as the serial loop" in text
        assert "could only take turns" in text and "busy" not in text
    else:
        assert "as fast as the serial loop" in text and "about" not in text
        assert "close to the ideal 2.00×" in text
        busy = mpi_summary(fake_mpi(cpus, busy=0.94))
        assert "about as fast as the serial loop, at 0.94× (0.94–0.94). " in busy
        assert "The ideal on" in busy and "not MPI's start-up." in busy
        assert "probably" not in busy
        noisy = mpi_summary(fake_mpi(cpus, noisy=True))
        assert "varied too much to compare this with the ideal 2.00×" in noisy
        assert "close to the ideal" not in noisy
        # the ceiling counted just before, beside the gain; the ranks were
        # pinned one to a CPU, so a slow CPU held them
        before = counted(1.9)
        text = mpi_summary(dataclasses.replace(fake_mpi(cpus), ceiling=before))
        assert (
            "2.00× (2.00–2.00) as fast as the serial loop; this machine's 2 CPUs "
            "together counted 1.90× as fast as one, measured just before. "
        ) in text
        uneven = dataclasses.replace(before, ratio=1.70, slowest=(1.50, 1.52, 1.55))
        text = mpi_summary(dataclasses.replace(fake_mpi(cpus), ceiling=uneven))
        assert "2 equal shares of work, pinned one to a CPU as these were, " in text


def test_mpi_one_rank_only():
    m = fake_mpi(2)
    one = MpiRuns(n=m.n, exact=m.exact, cpus=2, runs=m.runs[:1])
    text = mpi_summary(one)
    assert "With 1 rank," in text
    assert "ideal" not in text


@pytest.mark.parametrize("cpus", CPUS)
def test_free_threading_summary_is_honest(cpus):
    standard = free_threading_summary(fake_ft(cpus, free=False, gil=True))
    assert "a standard build" in standard
    assert "were not measured here" in standard
    free = free_threading_summary(fake_ft(cpus, free=True, gil=False, interp=True))
    assert "free-threaded build" in free and "GIL off" in free
    assert "subinterpreters" in free and "not measured" not in free
    back_on = free_threading_summary(fake_ft(cpus, free=True, gil=True))
    assert "switched back on" in back_on
    if cpus == 1:
        assert "2 pure-Python tasks in 2 threads at 0.95×" in standard
        assert "cannot show it" in standard and "1 thread" not in standard
        assert "In 2 subinterpreters" in free
    else:
        assert "let only one of them run at a time" in standard
        assert "could use several CPUs" in free


@pytest.mark.parametrize("cpus", CPUS)
def test_tools_table_and_summary(cpus):
    t = fake_tools(cpus)
    table = tools_table(t)
    assert table.split("\n\n")[0].count("\n") == 1 + len(t.runs)
    assert (
        "Besides Python, some tools need: `joblib`; `dask[distributed]` for " in table
    )
    assert "; mpi4py and an MPI library for MPI (mpi4py); `NumPy`; " in table
    assert "; `numba` for numba @njit and numba parallel=True." in table
    assert "median of the per-round ratios" in table
    # the rows timed in rounds of their own say so, and how to read them
    assert (
        "Rounds apart: dask's after the shared rounds and MPI's in a launch of "
        "their own, each against a pure-Python loop of their own (rank 0's, for "
        "MPI), at whatever pace the CPUs had then: compare their speed-ups, not "
        "their times, with the other rows." in table
    )
    no_mpi = dataclasses.replace(
        t, runs=tuple(r for r in t.runs if r.tool != "MPI (mpi4py)")
    )
    assert (
        "Rounds apart: dask's after the shared rounds, each against a pure-Python "
        "loop of their own, at whatever pace the CPUs had then: compare its "
        "speed-up, not its time, with the other rows." in tools_table(no_mpi)
    )
    assert "| pure Python | 1 |" in table and "1.00×" in table
    text = tools_summary(t)
    assert f"On {'one CPU' if cpus == 1 else f'{cpus} CPUs'}" in text
    assert "numba" in text and "make the serial code fast" in text
    assert "any number of workers" not in text
    assert (
        f"Of the process-based tools, each with {plural(t.workers, 'worker')}, " in text
    )
    assert "with the GIL" not in text or cpus > 1
    if cpus == 1:
        assert "each with 1 worker, multiprocessing Pool did best" in text
        assert "with one worker there is nothing to run side by side" in text
        assert "Threads gave 0.97×: with one thread there is nothing" in text
        assert "Making the loop itself fast did more than spreading it: " in text
        assert "no tool that runs pure Python in workers could gain on one CPU" in text
        assert "(the best, threads, 0.97×)" in text
        assert "1 worker measured" not in text and "over 1 worker" not in text
    else:
        assert "near the ideal" in text
        assert "Threads gave 0.97×: with the GIL, pure Python" in text
        assert f"more than spreading it over {t.workers} workers: " in text
        assert (
            "the tools that spread pure Python over the workers reached at most "
            in text
        )
    assert "Given a CPU each, workers multiply" in text


@pytest.mark.parametrize("cpus", CPUS)
def test_tools_summary_with_one_worker_or_one_cpu(cpus):
    """One worker on many CPUs, several workers on one CPU, fast threads."""
    t = fake_tools(cpus)

    def with_workers(k, thread_speed=1.0):
        runs = tuple(
            ToolRun(x.tool, k, T(0.15 / thread_speed), x.startup, PI, x.lines, x.needs)
            if x.tool == "threads"
            else replace(x, workers=k)
            if x.workers == t.workers and x.tool != "NumPy"
            else x
            for x in t.runs
        )
        return tools_summary(ToolComparison(t.n, k, cpus, runs))

    one = with_workers(1)
    assert "with one worker there is nothing to run side by side" in one
    assert "with one thread there is nothing to run side by side" in one
    alone = "on one CPU" if cpus == 1 else "with one worker each"
    assert f"no tool that runs pure Python in workers could gain {alone}" in one
    two = with_workers(2)
    if cpus == 1:
        assert "with one CPU the workers can only take turns" in two
        assert "with one CPU, threads can only take turns, GIL or no GIL" in two
        assert "could gain on one CPU" in two
    else:
        assert "with the GIL, pure Python in threads takes turns" in two
        assert "more than spreading it over 2 workers" in two
        fast = with_workers(2, thread_speed=1.9)
        assert "Threads gave 1.90× with 2 threads. " in fast
        assert "GIL" not in fast
        # a free-threaded Python: no gain is not blamed on a GIL it lacks
        from parallel_python.further.narrate_tools import threads_sentence

        free = threads_sentence(
            dataclasses.replace(fake_tools(cpus), workers=2, gil_enabled=False)
        )
        assert "no faster, though this Python runs without the GIL" in free


def test_workers_can_beat_a_fast_serial_loop():
    t = fake_tools(64)
    runs = tuple(
        ToolRun(x.tool, x.workers, T(0.0005), x.startup, PI, x.lines, x.needs)
        if x.tool == "multiprocessing Pool"
        else x
        for x in t.runs
    )
    text = tools_summary(ToolComparison(t.n, t.workers, t.cpus, runs))
    assert "Here pure Python on 64 workers (multiprocessing Pool, 300×)" in text
    assert "make the serial code fast first" in text


@pytest.mark.parametrize("cpus", CPUS)
def test_figures_draw(cpus):
    for fig in (
        pf.plot_waiting(fake_waiting(cpus)),
        pf.plot_numba(fake_numba(cpus)),
        pf.plot_tools(fake_tools(cpus)),
        pf.plot_mpi(fake_mpi(cpus)),
    ):
        assert fig.axes and fig.axes[0].get_xlabel()


@pytest.mark.parametrize(
    ("cls", "value"),
    [
        (Waiting, fake_waiting(2)),
        (JoblibRun, fake_joblib(2)),
        (DaskChunks, fake_chunks(2)),
        (DaskCluster, fake_cluster(2)),
        (NumbaRun, fake_numba(2)),
        (MpiRuns, fake_mpi(2)),
        (FreeThreading, fake_ft(2, free=False, gil=True)),
        (FreeThreading, fake_ft(2, free=True, gil=False, interp=True)),
        (ToolComparison, fake_tools(2)),
    ],
)
def test_results_round_trip(cls, value):
    data = json.loads(json.dumps(results.to_data(value)))
    assert results.from_data(cls, data) == value


def _numba_with(r: NumbaRun, name: str, ratio) -> NumbaRun:
    """``r`` with the case ``name``'s paired ratio replaced by ``ratio``."""
    cases = tuple(
        dataclasses.replace(c, ratio=ratio) if c.name == name else c for c in r.cases
    )
    return dataclasses.replace(r, cases=cases)


def test_a_parallel_loop_above_what_its_threads_allow_is_flagged():
    from parallel_python.core.protocol import ratio_from

    r = fake_numba(2)
    above = ratio_from([2.3, 2.4, 2.35, 2.5, 2.32, 2.38, 2.41])
    text = numba_summary(_numba_with(r, "@njit(parallel=True)", above))
    assert "`parallel=True` ran 2.38× (2.30–2.50) as fast as itself on one" in text
    assert (
        "The `parallel=True` loop came out above the ideal of 2.00× for 2 threads: "
        "even the low end of its 90 % interval is above it. " in text
    )
    # within what 2 threads allow: no such note
    within = ratio_from([1.9, 1.95, 2.05, 1.98, 2.01, 1.97, 1.99])
    within_run = _numba_with(r, "@njit(parallel=True)", within)
    assert "came out above" not in numba_summary(within_run)


def test_parallel_true_on_one_thread_is_told_apart_from_the_threads():
    from parallel_python.core.protocol import ratio_from
    from parallel_python.further.numba_demo import ONE_THREAD

    r = fake_numba(2)

    def with_one(ratio):
        return numba_summary(_numba_with(r, ONE_THREAD, ratio))

    # on one thread already faster than @njit, all rounds agreeing: said, and
    # why the threads' gain is taken over itself on one thread
    text = with_one(ratio_from([1.04, 1.05, 1.047, 1.045, 1.05, 1.046, 1.048]))
    assert (
        "On one thread, `parallel=True` ran 1.05× (1.04–1.05) as fast as `@njit`, "
        "a difference its whole 90 % interval shows." in text
    )
    assert "about as fast" not in text
    assert "that difference is not the threads'" in text
    assert "over `@njit`, from the median times, it was 2.00× on 2 threads" in text
    # an interval that holds 1: no difference to explain
    text = with_one(ratio_from([0.98, 1.02, 1.0, 0.99, 1.01, 1.03, 0.97]))
    assert "On one thread, `parallel=True` ran about as fast as `@njit`" in text
    assert "not the threads'" not in text
    # no rounds on one thread (a fake without ratios): nothing said
    assert "On one thread" not in numba_summary(r)
    # with one thread in all there is no one-thread case to tell apart; the
    # parallel case is itself on one thread, and its steady difference from
    # @njit is said to be the compiler's
    one = fake_numba(1)
    assert compiled_apart(one) == ""
    assert "the compiler's" not in numba_summary(one)  # no rounds: not said
    steady = ratio_from([1.04, 1.05, 1.047, 1.045, 1.05, 1.046, 1.048])
    text = numba_summary(_numba_with(one, "@njit(parallel=True)", steady))
    assert "`prange`'s 1.05× (1.04–1.05), a difference its whole 90 % interval" in (
        text
    )
    assert "is the compiler's" in text
    noisy = ratio_from([0.98, 1.02, 1.0, 0.99, 1.01, 1.03, 0.97])
    noisy_run = _numba_with(one, "@njit(parallel=True)", noisy)
    assert "the compiler's" not in numba_summary(noisy_run)


def test_a_numba_record_without_its_one_thread_run_is_refused():
    """An older version paired parallel=True on several threads with @njit:
    its record must not read as a run on one thread."""
    from parallel_python.further.numba_demo import ONE_THREAD

    r = fake_numba(2)
    older = tuple(c for c in r.cases if c.name != ONE_THREAD)
    with pytest.raises(ValueError, match="run the experiment again"):
        dataclasses.replace(r, cases=older)
    saved = results.to_data(r)
    saved["cases"] = [c for c in saved["cases"] if c["name"] != ONE_THREAD]
    with pytest.raises(ValueError, match="run the experiment again"):
        results.from_data(NumbaRun, saved)
    assert fake_numba(1).one_thread == "@njit(parallel=True)"


def test_slow_parallel_loops_are_explained():
    r = fake_numba(2)
    slow = dataclasses.replace(
        r.case("@njit(parallel=True)"), timing=T(3.0 * r.n / 1e9)
    )
    cases = tuple(slow if c.name == slow.name else c for c in r.cases)
    text = numba_summary(
        NumbaRun(**{**r.__dict__, "cases": cases})  # type: ignore[arg-type]
    )
    assert "slowest thread" in text
    t = fake_tools(2)
    runs = tuple(
        ToolRun(x.tool, x.workers, T(0.01), x.startup, PI, x.lines, x.needs)
        if x.tool == "numba parallel=True"
        else x
        for x in t.runs
    )
    text = tools_summary(ToolComparison(t.n, t.workers, t.cpus, runs))
    assert "slower than its serial loop" in text


# --- figure takeaways and the sentences below the figures --------------------


def test_faster_in_words():
    assert faster(1.93) == "1.93× faster"
    assert faster(1.93, "again") == "1.93× faster again"
    assert faster(31.4) == "31.4× faster"
    assert faster(1.05, "again") == "no faster"
    assert faster(0.8) == "slower (0.80×)"
    assert short_times(0.5) == "0.50×" and short_times(150.2) == "150×"
    assert short_times(12.34) == times(12.34) == "12.3×"


@pytest.mark.parametrize("cpus", CPUS)
def test_waiting_title(cpus):
    w = fake_waiting(cpus)
    assert waiting_title(w) == (
        "100 in flight against 1: threads 12.0× faster, asyncio 31.0× faster"
    )
    one = Waiting(**{**w.__dict__, "workers": (1,), "cases": (w.cases[0], w.cases[3])})
    assert waiting_title(one) == "100 requests, 1 at a time: 600 ms"


@pytest.mark.parametrize("cpus", CPUS)
def test_numba_title_and_note(cpus):
    r = fake_numba(cpus)
    title = numba_title(r)
    note = numba_figure_note(r)
    assert title.startswith("@njit: 60.0× faster than Python; ")
    if cpus == 1:
        assert title.endswith("parallel, 1 thread: no faster")
        assert "ran on 1 thread (one CPU available), like the others" in note
        assert "blue" not in note
    else:
        # the threads' gain: parallel=True over itself on one thread
        assert title.endswith(
            f"parallel=True: 2.00× faster on {cpus} threads than on 1"
        )
        assert f"three versions in blue ran on {cpus} threads ({cpus} CPUs" in note
        assert "`parallel=True` once among them" in note
    par = r.case("@njit(parallel=True)")
    slow = dataclasses.replace(par, timing=T(3.0 * r.n / 1e9))
    cases = tuple(slow if c.name == slow.name else c for c in r.cases)
    slower = NumbaRun(**{**r.__dict__, "cases": cases})  # type: ignore[arg-type]
    if cpus == 1:
        assert numba_title(slower).endswith("parallel, 1 thread: slower (0.67×)")
    else:
        assert numba_title(slower).endswith(
            f"parallel=True: slower (0.67×) on {cpus} threads than on 1"
        )


@pytest.mark.parametrize("cpus", CPUS)
def test_mpi_launch(cpus):
    m = fake_mpi(cpus)
    text = mpi_launch(m)
    assert text.startswith("The launch with 2 ranks, from starting `mpiexec`")
    assert (
        "the 6 timed rounds inside it (rank 0 alone and all ranks, taking turns "
        "to go first)" in text
    )
    assert "together" in text
    assert "the launch dominates" in text
    long = MpiRun(
        **{
            **m.runs[1].__dict__,
            "compute": T(2.5, 2.5),
            "serial": T(2.5, 2.5),
            "wall_seconds": 11,
        }
    )
    text = mpi_launch(MpiRuns(m.n, m.exact, cpus, (m.runs[0], long)))
    assert (
        "the 2 timed rounds inside it (rank 0 alone and all ranks, taking turns "
        "to go first) 10.0 s" in text
    )
    assert (
        "Most of the launch went to computing, but only because it ran 2 rounds" in text
    )
    # 1 s of start-up beside integrals of 2.5 s on all ranks
    assert "the rest, 1.00 s, was less than one integral on all ranks (2.50 s)" in text


@pytest.mark.parametrize("cpus", CPUS)
def test_tools_title_and_note(cpus):
    t = fake_tools(cpus)
    title = tools_title(t)
    note = tools_figure_note(t)
    if cpus == 1:
        assert title == (
            "Fastest: numba @njit, 150×; process-based tools (1 worker) at best: 0.90×"
        )
        assert note.startswith("Every tool ran with one worker (one CPU available)")
    else:
        assert title.startswith("Fastest: numba parallel=True, ")
        assert f"; process-based tools ({t.workers} workers) at best: " in title
        assert f"used {t.workers} workers each, with {cpus} CPUs available" in note
        assert "NumPy and numba @njit ran on one thread" in note
    only_python = ToolComparison(t.n, t.workers, t.cpus, t.runs[:2])
    assert "at best" not in tools_title(only_python)


@pytest.mark.parametrize("cpus", CPUS)
def test_figures_state_their_takeaway(cpus):
    w, r, t = fake_waiting(cpus), fake_numba(cpus), fake_tools(cpus)
    for fig, title in (
        (pf.plot_waiting(w), waiting_title(w)),
        (pf.plot_numba(r), numba_title(r)),
        (pf.plot_tools(t), tools_title(t)),
    ):
        assert fig.get_suptitle().replace("\n", " ") == title
        assert fig.get_figwidth() <= 6.8


def test_tools_short_of_the_ideal_says_what_the_time_holds():
    t = fake_tools(2)
    processes = ("multiprocessing Pool", "joblib", "MPI (mpi4py)")
    runs = tuple(
        ToolRun(x.tool, x.workers, T(0.15 / 1.2), x.startup, PI, x.lines, x.needs)
        if x.tool in processes
        else x
        for x in t.runs
    )
    text = tools_summary(ToolComparison(t.n, t.workers, t.cpus, runs))
    assert "short of the ideal 2.00× (the time leaves out starting the" in text
    assert "busy" not in text and "probably" not in text
    assert "counted" not in text  # no ceiling probed, none quoted
    probed = counted(1.78, (88, 90), between=True)
    text = tools_summary(ToolComparison(t.n, t.workers, t.cpus, runs, ceiling=probed))
    # the ceiling stands beside the tools of the shared rounds, not MPI's
    assert (
        "collecting the answers is in it). Between the shared rounds (those of "
        "multiprocessing Pool and joblib), this machine's 2 CPUs together "
        "counted 1.78× as fast as one. "
    ) in text


@pytest.mark.parametrize("cpus", CPUS)
def test_mpi_figure_title_is_the_median_ratio(cpus):
    m = fake_mpi(cpus)
    title = pf.mpi_title(m)
    assert title.startswith("2 ranks, round by round: ")
    assert f"{pf.measured(m.ratio(2).median)}×" in title


@pytest.mark.parametrize("cpus", CPUS)
def test_joblib_figure_title_and_rows(cpus):
    from parallel_python.core.style import small_texts
    from parallel_python.further.narrate_pools import joblib_title

    j = fake_joblib(cpus)
    title = joblib_title(j)
    assert title.startswith(f"Starting {plural(j.jobs, 'worker')} took 1.20 s")
    assert "1 workers" not in title
    assert ("as fast as one process" in title) == (j.speedup >= 1.05)
    rows = pf.joblib_rows(j)
    assert [kind for _, _, kind in rows] == ["serial"] + ["processes"] * 4 + [
        "accent"
    ] * 2
    assert rows[1][1] == j.cold and rows[-1][1] == j.cache_again
    alone = fake_joblib(cpus, jobs=1)
    assert joblib_title(alone).startswith("With n_jobs=1 there were no workers")
    assert {kind for _, _, kind in pf.joblib_rows(alone)} == {"serial", "accent"}
    fig = pf.plot_joblib(j)
    assert small_texts(fig) == []
    assert fig.get_suptitle().replace("\n", " ") == title


@pytest.mark.parametrize("cpus", CPUS)
@pytest.mark.parametrize(
    ("free", "gil", "interp"),
    [(False, True, False), (True, False, True), (True, True, False)],
)
def test_free_threading_figure(cpus, free, gil, interp):
    from parallel_python.core.style import small_texts
    from parallel_python.further.narrate_speed import free_threading_title

    f = fake_ft(cpus, free=free, gil=gil, interp=interp)
    title = free_threading_title(f)
    assert title.startswith("GIL on" if gil else "GIL off")
    assert f"ran at {times(f.threads_speedup)}" in title
    assert ("one CPU" in title) == (cpus == 1)
    assert "in processes" not in title  # the fake measured no processes
    rows = pf.free_threading_rows(f)
    assert [kind for _, _, kind in rows] == ["threads"] + (["accent"] if interp else [])
    fig = pf.plot_free_threading(f)
    assert small_texts(fig) == []
    assert fig.get_suptitle().replace("\n", " ") == title


def test_tools_too_close_to_call_are_named_together():
    from parallel_python.core.protocol import ratio_from

    t = fake_tools(2)
    fastest = t.fastest
    assert t.leaders == (fastest,)  # recorded without rounds: no interval

    def with_rounds(tool, ratios):
        run = t.run(tool)
        return dataclasses.replace(run, ratio=ratio_from(ratios))

    top = [t.speedup(fastest) * k for k in (0.9, 0.95, 1.0, 1.05, 1.1)]
    close = dataclasses.replace(
        t,
        runs=tuple(
            with_rounds(r.tool, top)
            if r.tool == fastest
            else with_rounds(r.tool, [x * 0.97 for x in top])
            if r.tool == "numba @njit"
            else r
            for r in t.runs
        ),
    )
    assert close.leaders[:2] == (fastest, "numba @njit")
    assert tools_title(close).startswith("Fastest, too close to call: ")
    text = tools_summary(close)
    assert "the fastest ways to this integral were " in text
    assert "this run cannot tell them apart" in text
    apart = dataclasses.replace(
        close,
        runs=tuple(
            with_rounds(r.tool, [x / 3 for x in top]) if r.tool == "numba @njit" else r
            for r in close.runs
        ),
    )
    assert apart.leaders == (fastest,)
    assert tools_title(apart).startswith(f"Fastest: {fastest}, ")


def test_tools_table_says_which_tools_repeated_the_integral_per_call():
    t = fake_tools(2)
    assert "more than once in each" not in tools_table(t)
    runs = tuple(
        dataclasses.replace(r, calls=40) if r.tool == "numba @njit" else r
        for r in t.runs
    )
    table = tools_table(dataclasses.replace(t, runs=runs))
    assert "timed call (numba @njit 40 times)" in table


def test_waiting_summary_gives_intervals_and_no_winner_when_they_overlap():
    w = fake_waiting(2)
    text = waiting_summary(w)
    assert ", 12.0× (12.0–12.0) as fast, " in text  # threads: median and interval
    assert "(12.0× (" not in text  # no brackets inside brackets
    # asyncio's 100 tasks faster by the medians, but its rounds range from
    # 11x to 40x, over the threads' 12x: the intervals overlap
    same = tuple(
        dataclasses.replace(c, timing=T(0.62 / 11, 0.682 / 40))
        if (c.tool, c.workers) == ("asyncio", 100)
        else c
        for c in w.cases
    )
    tied = waiting_summary(dataclasses.replace(w, cases=same))
    assert "faster of the two" not in tied
    assert "cannot tell which of the two was faster" in tied


def test_joblib_reuse_gain_comes_with_its_interval():
    from parallel_python.core.protocol import ratio_from
    from parallel_python.core.text import ratio_text

    j = fake_joblib(2)
    r = ratio_from([1.4, 1.5, 1.45, 1.6, 1.5, 1.55, 1.42])
    j = dataclasses.replace(j, ratio=r)
    assert f"{ratio_text(r)} as fast as one process" in joblib_start(j)


def test_process_tools_whose_intervals_overlap_the_best_are_not_ranked():
    from parallel_python.core.protocol import ratio_from

    t = fake_tools(2)
    ratios = {
        "multiprocessing Pool": ratio_from([1.3, 1.9, 1.5, 2.2, 1.4, 1.7, 1.6]),
        "joblib": ratio_from([1.5, 2.3, 1.7, 2.4, 1.6, 1.8, 1.75]),
        "dask (LocalCluster)": ratio_from([0.9, 1.0, 0.95, 1.05, 0.97, 1.0, 0.99]),
        "MPI (mpi4py)": ratio_from([1.0, 1.1, 1.05, 1.08, 1.02, 1.04, 1.06]),
    }
    runs = tuple(
        dataclasses.replace(r, ratio=ratios[r.tool]) if r.tool in ratios else r
        for r in t.runs
    )
    text = tools_summary(dataclasses.replace(t, runs=runs))
    # tied with another: the highest median, not "did best"
    assert "joblib had the highest median, 1.75× (" in text
    assert "did best" not in text
    assert "The 90 % interval of multiprocessing Pool overlaps that of joblib" in text
    assert "dask (LocalCluster) overlap" not in text
    assert "MPI (mpi4py) overlap" not in text


def test_threads_sentence_gives_the_interval_of_paired_rounds():
    from parallel_python.core.protocol import ratio_from
    from parallel_python.further.narrate_tools import threads_sentence

    t = fake_tools(2)
    measured_runs = tuple(
        replace(r, ratio=ratio_from([0.95, 0.97, 0.99, 1.0, 0.96]))
        if r.tool == "threads"
        else r
        for r in t.runs
    )
    text = threads_sentence(replace(t, runs=measured_runs))
    assert text.startswith("Threads gave 0.97× (0.95–1.00): with the GIL")


def test_waiting_summary_gives_one_note_when_both_intervals_are_wide():
    w = fake_waiting(2)
    # eight rounds that scatter widely at 100 in flight, for both ways
    scattered = (0.05, 0.02, 0.08, 0.03, 0.07, 0.02, 0.09, 0.04)

    def scatter(c, tools):
        if c.workers == 100 and c.tool in tools:
            return dataclasses.replace(c, timing=T(*scattered))
        return dataclasses.replace(c, timing=T(*(c.timing.times * 4)))

    both = dataclasses.replace(
        w, cases=tuple(scatter(c, {"threads", "asyncio"}) for c in w.cases)
    )
    text = waiting_summary(both)
    assert text.count("take those figures as rough") == 1
    assert "take that figure as rough" not in text
    assert "for the threads, the middle 80 % of their 8 rounds ranged" in text
    assert "and for the asyncio tasks, the middle 80 % of their 8 rounds" in text
    one = dataclasses.replace(w, cases=tuple(scatter(c, {"threads"}) for c in w.cases))
    text = waiting_summary(one)
    assert "The threads' 90 % interval is wider" in text
    assert "The asyncio tasks'" not in text and "Both" not in text


def test_joblib_and_dask_say_when_their_interval_is_too_wide():
    from parallel_python.core.protocol import ratio_from

    wide = ratio_from([1.2, 1.4, 1.6, 1.7, 2.2, 2.4, 1.3, 1.9])
    steady = ratio_from([1.70, 1.72, 1.74, 1.71, 1.73, 1.72, 1.70, 1.74])
    # joblib names the speed-up: its sentence ends with the machine's ceiling
    for summary, result, whose in (
        (joblib_start, fake_joblib(2), "The speed-up's"),
        (dask_cluster_summary, fake_cluster(2), "Its"),
    ):
        rough = summary(dataclasses.replace(result, ratio=wide))
        assert f"{whose} 90 % interval is wider than ±15 %: take that figure as " in (
            rough
        )
        assert "the middle 80 % of its 8 rounds ranged from " in rough
        calm = summary(dataclasses.replace(result, ratio=steady))
        assert "rough" not in calm and "(1.70–1.74)" in calm


def test_tools_table_names_the_rows_too_scattered_to_lean_on():
    from parallel_python.core.protocol import ratio_from

    t = fake_tools(2)
    wide = ratio_from([1.2, 1.4, 1.6, 1.7, 2.2, 2.4, 1.3, 1.9])
    steady = ratio_from([1.70, 1.72, 1.74, 1.71, 1.73, 1.72, 1.70, 1.74])

    def with_ratios(rough):
        return dataclasses.replace(
            t,
            runs=tuple(
                r
                if r.tool == "pure Python"
                else dataclasses.replace(r, ratio=wide if r.tool in rough else steady)
                for r in t.runs
            ),
        )

    one = tools_table(with_ratios({"joblib"}))
    assert "The 90 % interval of joblib is wider than ±15 % (hollow in the " in one
    assert "take that speed-up as rough." in one
    two = tools_table(with_ratios({"joblib", "threads"}))
    assert "The 90 % intervals of threads and joblib are wider than" in two
    assert "take those speed-ups as rough." in two
    rows = [r.tool for r in t.runs if r.tool != "pure Python"]
    most = tools_table(with_ratios(set(rows) - {"NumPy"}))
    assert "The 90 % intervals of every row but NumPy are wider than ±15 %" in most
    every = tools_table(with_ratios(set(rows)))
    assert "The 90 % intervals of every row are wider than ±15 %" in every
    assert "rough." not in tools_table(with_ratios(set()))
    assert "too few rounds" not in tools_table(with_ratios(set()))
    few = dataclasses.replace(
        t,
        runs=tuple(
            dataclasses.replace(r, ratio=ratio_from([1.5, 1.7, 1.6]))
            if r.tool == "joblib"
            else r
            for r in t.runs
        ),
    )
    assert (
        "joblib had too few rounds for a 90 % interval (hollow in the figure; "
        "its brackets give the full range of the rounds)." in tools_table(few)
    )


def test_mpi_summary_reports_a_launch_set_aside():
    m = fake_mpi(2)
    slow = fake_mpi(2, busy=0.67).run(2)
    text = mpi_summary(
        MpiRuns(m.n, m.exact, m.cpus, m.runs, m.ceiling, set_aside=(slow,))
    )
    assert "A first launch with 2 ranks had been slower than the serial loop, " in text
    assert "at 0.67× (0.67–0.67), although 2 CPUs were there" in text
    assert "the figures above are the second launch's" in text
    assert "close to the ideal 2.00×" in text  # the second launch's reading
    assert "first launch" not in mpi_summary(m)


def test_a_launch_faster_than_the_cpus_is_set_aside_for_that_reason():
    import dataclasses

    m = fake_mpi(2)
    quick = fake_mpi(2, busy=4.4).run(2)  # 4.4x with 2 ranks on 2 CPUs
    text = mpi_summary(
        MpiRuns(m.n, m.exact, m.cpus, m.runs, m.ceiling, set_aside=(quick,))
    )
    assert "more than 2 ranks on 2 CPUs can give: a reading" in text
    assert "although" not in text.split("A first launch")[1].split(".")[0]
    table = tools_table(dataclasses.replace(fake_tools(2), mpi_set_aside=quick))
    assert "more than 2 ranks on 2 CPUs can give; its row is a second" in table


def test_tools_table_reports_an_mpi_launch_set_aside():
    import dataclasses

    t = fake_tools(2)
    assert "first MPI launch" not in tools_table(t)
    slow = fake_mpi(2, busy=0.67).run(2)
    text = tools_table(dataclasses.replace(t, mpi_set_aside=slow))
    assert (
        "A first MPI launch had been slower than the serial loop, at 0.67× "
        "(0.67–0.67), although 2 CPUs were there for its ranks; its row is a "
        "second launch's, as on the MPI page." in text
    )
    # the MPI page's launch, reused: the table says whose it is
    page = dataclasses.replace(t, mpi_set_aside=slow, mpi_from_page=True)
    text = tools_table(page)
    assert "its row is a second launch's, the one the MPI page shows." in text
    assert "dask's after the shared rounds and MPI's in the MPI page's launch, " in (
        text
    )
    assert "in a launch of their own" not in text


def test_the_rows_timed_apart_report_their_own_ceilings():
    import dataclasses

    from parallel_python.core.ceiling import Ceiling
    from parallel_python.further.narrate_tools import ceiling_sentence
    from tests.further.fakes import fake_tools

    def counted(ratio, ratios=(), between=True):
        return Ceiling(
            2, 0.4, 100, (90, 90), ratio, True, (0, 1), "", 0.05,
            ratios=ratios, between_rounds=between,
        )  # fmt: skip

    table = dataclasses.replace(
        fake_tools(2),
        ceiling=counted(1.94),
        apart_ceilings=(
            ("dask (LocalCluster)", counted(1.5, (1.2, 1.3, 1.5, 1.9, 2.0, 1.5))),
            ("MPI (mpi4py)", counted(1.9, between=False)),
        ),
    )
    text = ceiling_sentence(table)
    assert (
        "Between the shared rounds (those of multiprocessing Pool and joblib)" in text
    )
    assert (
        "The rows timed apart got counts of their own: dask (LocalCluster) 1.50× "
        "between its rounds (the middle 80 % of its 6 readings ranged from" in text
    )
    assert "; MPI (mpi4py) 1.90× just before its launch." in text
    # none counted: nothing said
    plain = dataclasses.replace(table, apart_ceilings=())
    assert "timed apart" not in ceiling_sentence(plain)
    assert ceiling_sentence(dataclasses.replace(plain, ceiling=None)) == ""
