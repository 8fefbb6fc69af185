"""Part 1 sentences, from made-up results for 1, 2 and 64 CPUs."""

import dataclasses
import re

import pytest

from parallel_python.core.text import duration, size, times
from parallel_python.core.timing import Timing
from parallel_python.part1.gil_results import GilScaling, ScalingPoint
from parallel_python.part1.memory_ladder import (
    DROP_FADVISE,
    DROP_NONE,
    MemoryLadder,
    Rung,
)
from parallel_python.part1.narrate_gil import (
    gil_summary,
    gil_threads_reading,
    numpy_trick_summary,
    scaling_table,
)
from parallel_python.part1.narrate_processes import (
    cpu_sampling_summary,
    isolation_summary,
    process_thread_table,
    start_cost_summary,
)
from parallel_python.part1.narrate_threads import (
    ladder_summary,
    ladder_table,
    naive_summary,
    race_summary,
    salad_reading,
    salad_summary,
)
from parallel_python.part1.numpy_trick import NumpyTrick
from parallel_python.part1.processes import (
    CpuSampling,
    Isolation,
    StartCosts,
    ThreadSamples,
)
from parallel_python.part1.race import Race, RaceTrial
from parallel_python.part1.salad import SHOPSKA, Salad, SaladRun, StepRun, check_recipe


def T(*seconds):
    return Timing(times=tuple(seconds), warmup=0)


def point(k, serial, parallel):
    return ScalingPoint(k, T(serial), T(parallel))


def fake_gil(cpus, proc_speedup, thread_speedup=1.0, counts=(1, 2, 4)):
    return GilScaling(
        counts=counts,
        work=1000,
        task_seconds=0.01,
        wait_seconds=0.02,
        cpus=cpus,
        switch_interval=0.005,
        gil_enabled=True,
        start_method="fork",
        threads_cpu=tuple(
            point(k, 0.01 * k, 0.01 * k / thread_speedup) for k in counts
        ),
        processes_cpu=tuple(
            point(k, 0.01 * k, 0.01 * k / proc_speedup(k)) for k in counts
        ),
        threads_wait=tuple(point(k, 0.02 * k, 0.02) for k in counts),
    )


def test_duration_and_size():
    assert duration(3.2e-9) == "3.20 ns"
    assert duration(41e-6) == "41.0 µs"
    assert duration(0.0123) == "12.3 ms"
    assert duration(1.5) == "1.50 s"
    assert size(16 * 1024) == "16 KiB"
    assert size(64 * 2**20) == "64 MiB"
    with pytest.raises(ValueError, match="seconds"):
        duration(-1)


def test_gil_one_cpu_says_processes_do_not_help():
    g = fake_gil(1, lambda k: 1.0)
    text = gil_summary(g)
    assert "2 pure-Python tasks in 2 threads: 1.00×" in text
    assert "no speed-up" in text
    assert "one CPU" in text and "processes gave no speed-up either" in text
    assert "works even with one CPU" in text
    # one CPU cannot tell the GIL from the CPU limit, and says so
    assert "could only take turns, GIL or no GIL" in text
    assert "cannot show the GIL's own effect" in text
    assert "The GIL let one thread" not in text
    # a gain on one CPU is not parallel work, whatever the GIL
    text = gil_summary(fake_gil(1, lambda k: 1.0, thread_speedup=1.3))
    assert "With one CPU the threads could only take turns" in text
    assert "not parallel work: the middle 80 % of its 1 round ranged from" in text
    text = gil_summary(fake_gil_off(cpus=1, proc_speedup=lambda k: 1.0))
    assert "GIL or no GIL" in text


def test_gil_two_cpus():
    g = fake_gil(2, lambda k: min(k, 2) * 0.98)
    text = gil_summary(g)
    assert "2 pure-Python tasks in 2 threads" in text
    assert "The GIL let one thread at a time run Python bytecode" in text
    assert "GIL or no GIL" not in text
    assert "2 worker processes" in text and "1.96×" in text
    assert "4 threads that each slept 20 ms finished 4.00× (4.00–4.00)" in text


def test_gil_64_cpus_uses_largest_count_within_cpus():
    g = fake_gil(64, lambda k: k * 0.95)
    text = gil_summary(g)
    assert "4 pure-Python tasks in 4 threads" in text
    assert "4 worker processes" in text and "3.80×" in text
    assert "64 CPUs" in text
    assert "The GIL let one thread at a time run Python bytecode" in text
    assert "GIL or no GIL" not in text
    # with the GIL off, no gain on many CPUs is reported as measured, not the GIL
    text = gil_summary(fake_gil_off(cpus=64, proc_speedup=lambda k: k))
    assert "GIL off, yet the threads did not speed up on the 64 CPUs" in text
    assert "The GIL let" not in text


def fake_gil_off(**kwargs):
    import dataclasses

    return dataclasses.replace(fake_gil(**kwargs), gil_enabled=False)


def test_gil_busy_machine_and_no_gil():
    import dataclasses

    from parallel_python.core.ceiling import Ceiling
    from parallel_python.core.meter import Disturbance

    flat = fake_gil(2, lambda k: 1.0)
    text = gil_summary(flat)
    assert "probably" not in text and "its 1 round ranged from" in text
    busy = Disturbance(seconds=3.0, other_cpus=0.6, steal_cpus=0.0, note="")
    quiet = dataclasses.replace(busy, other_cpus=0.05)
    text = gil_summary(dataclasses.replace(flat, disturbance=busy))
    assert "other programs used 0.6 CPUs while this ran" in text
    text = gil_summary(dataclasses.replace(flat, disturbance=quiet))
    assert "while the meter saw no other program busy on these CPUs" in text
    probe = Ceiling(2, 1.0, 100, (90, 95), 1.85, True, (0, 1), "")
    text = gil_summary(dataclasses.replace(fake_gil(2, lambda k: k), ceiling=probe))
    assert "2 CPUs together counted 1.85× as fast as one, measured just before" in text
    assert "more than 2×" not in text
    live = dataclasses.replace(probe, between_rounds=True)
    text = gil_summary(dataclasses.replace(fake_gil(2, lambda k: k), ceiling=live))
    assert "as fast as one, measured between the rounds" in text
    above = dataclasses.replace(probe, ratio=2.04)
    text = gil_summary(dataclasses.replace(fake_gil(2, lambda k: k), ceiling=above))
    assert "counted 2.04× as fast as one" in text
    assert "(more than 2×: the lone counter, on the first CPU, counted more" in text
    shown_as_two = dataclasses.replace(probe, ratio=2.004)
    text = gil_summary(
        dataclasses.replace(fake_gil(2, lambda k: k), ceiling=shown_as_two)
    )
    assert "counted 2.00× as fast as one" in text and "more than 2×" not in text
    # one task per process: a slow CPU would hold back a share pinned to it,
    # and the sentence says how far (only when it counts at least 5 % more
    # slowly than one CPU alone, and the limit reads 5 % below the total)
    assert "slowest CPU" not in text
    uneven = dataclasses.replace(probe, ratio=1.70, slowest=(1.50, 1.52, 1.55))
    text = gil_summary(dataclasses.replace(fake_gil(2, lambda k: k), ceiling=uneven))
    assert (
        "its slowest CPU counted at 76 % of one CPU's pace alone: 2 equal shares "
        "of work, pinned one to a CPU, could reach at most 1.52×, but the system "
        "was free to move these workers between CPUs"
    ) in text
    even = dataclasses.replace(probe, slowest=(1.80, 1.82, 1.84))
    text = gil_summary(dataclasses.replace(fake_gil(2, lambda k: k), ceiling=even))
    assert "slowest CPU" not in text
    # a lone counter slower than the CPUs together (a total above 2) is no
    # slow CPU: the slowest counted as fast as one alone, nothing to say
    slow_lone = dataclasses.replace(probe, ratio=2.13, slowest=(1.99, 2.01, 2.03))
    text = gil_summary(dataclasses.replace(fake_gil(2, lambda k: k), ceiling=slow_lone))
    assert "more than 2×" in text and "slowest CPU" not in text
    # with the GIL on, an apparent gain of threads is noise, and says so
    text = gil_summary(fake_gil(2, lambda k: 2.0, thread_speedup=1.2))
    assert "not parallel work" in text and "without" not in text
    text = gil_summary(
        fake_gil_off(cpus=2, proc_speedup=lambda k: 2.0, thread_speedup=1.9)
    )
    assert "GIL off" in text


def fake_trick(cpus, numpy_speedup, python_speedup=1.0, gil=True):
    counts = (1, 2, 4)
    return NumpyTrick(
        counts=counts,
        elements=1000,
        work=10,
        cpus=cpus,
        gil_enabled=gil,
        numpy_threads=tuple(
            point(k, 0.01 * k, 0.01 * k / numpy_speedup(k)) for k in counts
        ),
        python_threads=tuple(
            point(k, 0.01 * k, 0.01 * k / python_speedup) for k in counts
        ),
    )


@pytest.mark.parametrize(
    "cpus, expected",
    [
        (1, "had one CPU"),
        (2, "releases the GIL, so the threads really ran at the same time"),
        (64, "releases the GIL, so the threads really ran at the same time"),
    ],
)
def test_numpy_trick(cpus, expected):
    speed = (lambda k: 1.0) if cpus == 1 else (lambda k: min(k, cpus) * 0.97)
    text = numpy_trick_summary(fake_trick(cpus, speed))
    assert expected in text
    k = 4 if cpus == 64 else 2  # the count the summary talks about
    a = f"{speed(k):.2f}"
    assert f"in {k} threads ran {a}× ({a}–{a}) as fast as one after" in text
    assert ("4 NumPy sorting tasks" in text) == (cpus == 64)
    assert ("2 NumPy sorting tasks" in text) == (cpus in (1, 2))


def test_numpy_trick_one_cpu_flags_a_gain():
    text = numpy_trick_summary(fake_trick(1, lambda k: 1.3))
    assert "beyond what one CPU can give and is suspect" in text
    assert "neither sped up" not in text
    text = numpy_trick_summary(fake_trick(1, lambda k: 1.0))
    assert "neither sped up" in text and "suspect" not in text


def test_numpy_trick_busy():
    text = numpy_trick_summary(fake_trick(2, lambda k: 1.0))
    assert "did not speed up" in text
    text = numpy_trick_summary(fake_trick(2, lambda k: 2.0, python_speedup=1.2))
    assert "is not parallel work: the middle 80 % of its 1 round ranged from" in text
    text = numpy_trick_summary(
        fake_trick(2, lambda k: 2.0, python_speedup=1.9, gil=False)
    )
    assert "GIL off" in text


def fake_salad(overlap_work=True):
    recipe = check_recipe(SHOPSKA)
    seq, t = [], 0.0
    for s in recipe:
        d = 0.03 * s.units if s.kind == "wait" else 0.02 * s.units
        seq.append(StepRun(s.name, s.kind, "main", t, t + d))
        t += d
    g = 0.04 if overlap_work else 0.02  # grate stretched when it meets chopping
    thr = (
        StepRun("fetch vegetables", "wait", "cook-1", 0.0, 0.03),
        StepRun("fetch cheese", "wait", "cook-2", 0.0, 0.03),
        StepRun("wash vegetables", "work", "cook-3", 0.03, 0.04),
        StepRun("grate cheese", "work", "cook-4", 0.03, 0.03 + g),
        StepRun("chop vegetables", "work", "cook-5", 0.04, 0.08),
        StepRun("combine", "work", "cook-6", 0.08, 0.09),
        StepRun("put salad in pantry", "wait", "cook-7", 0.09, 0.105),
    )
    if not overlap_work:
        thr = tuple(
            StepRun(r.name, r.kind, r.thread, r.start, r.end)
            if r.name != "grate cheese"
            else StepRun(r.name, r.kind, r.thread, 0.029, 0.03)
            for r in thr
        )
    return Salad(
        recipe=recipe,
        wait_seconds=0.03,
        work=100,
        sequential=SaladRun("sequential", tuple(seq), t),
        threaded=SaladRun("threads", thr, 0.105),
        sequential_totals=T(t),
        threaded_totals=T(0.105),
        critical_path=0.085,
        cpus=2,
        gil_enabled=True,
    )


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_salad(cpus):
    text = salad_summary(fake_salad(), cpus)
    assert "waiting steps overlapped" in text
    assert "took turns" in text
    assert "85.0 ms" in text
    assert ("could not have overlapped even without the GIL" in text) == (cpus == 1)


def test_salad_work_did_not_meet():
    text = salad_summary(fake_salad(overlap_work=False), 2)
    assert "happened not to meet" in text


def fake_race(unsafe, locked=(0, 0), naive=(0, 0), gil=True):
    trials = len(unsafe)
    expected = 1000

    def trials_of(lost):
        return tuple(RaceTrial(expected - x, x, 0.01) for x in lost)

    return Race(
        threads=4,
        increments=250,
        trials=trials,
        expected=expected,
        switch_interval=1e-6,
        restored_interval=0.005,
        unsafe=trials_of(unsafe),
        locked=trials_of(locked),
        naive=trials_of(naive),
        python="3.11.7",
        gil_enabled=gil,
    )


def test_race_summaries():
    text = race_summary(fake_race((300, 500)))
    assert "between 300 and 500 updates were lost" in text
    assert "50 %" in text
    assert "none was lost in 2 trials" in text
    assert "sometimes" in race_summary(fake_race((0, 500)))
    assert "still there" in race_summary(fake_race((0, 0)))
    assert "please report" in race_summary(fake_race((10, 10), locked=(0, 3)))
    assert "not a promise" in naive_summary(fake_race((1, 1)))
    assert "no such point between the read and the write" in naive_summary(
        fake_race((1, 1))
    )
    assert "luck" in naive_summary(fake_race((1, 1), gil=False))
    assert "not atomic" in naive_summary(fake_race((1, 1), naive=(0, 7)))


def fake_ladder(disk_ns, method=DROP_FADVISE):
    def rung(place, ns, n=1000):
        return Rung(place, place, 1 << 20, n, T(ns * n * 1e-9))

    return MemoryLadder(
        rungs=(
            rung("cache", 2.0),
            rung("RAM", 12.0),
            rung("disk", disk_ns),
            rung("page cache", 500.0),
        ),
        drop_method=method,
    )


def test_ladder():
    text = ladder_summary(fake_ladder(60_000))
    assert "6.00 times as long" in text and "went past it to the disk" in text
    assert "120 times slower" in text
    assert "because" not in text and "does not measure how much" in text
    assert "some cache may still have served them" in ladder_summary(fake_ladder(600))
    no_drop = ladder_summary(fake_ladder(60_000, DROP_NONE))
    assert "no way to ask" in no_drop and "likely" not in no_drop
    table = ladder_table(fake_ladder(60_000))
    assert table.count("\n|") == 5
    assert "take its ratios as rough" not in text
    assert "array, larger than most CPUs' caches, " in text  # no cache size known
    small = dataclasses.replace(fake_ladder(60_000), largest_cache_bytes=2**19)
    assert "array, larger than this machine's largest cache (512 KiB), " in (
        ladder_summary(small)
    )
    big = dataclasses.replace(fake_ladder(60_000), largest_cache_bytes=2**30)
    assert "no larger than this machine's largest cache (1 GiB), so some" in (
        ladder_summary(big)
    )


def test_ladder_calls_a_rung_whose_runs_differed_more_than_twofold_rough():
    import dataclasses

    from parallel_python.core.timing import Timing

    m = fake_ladder(60_000)
    cache = dataclasses.replace(
        m.rungs[0], timing=Timing(times=(2.8e-6, 1.5e-6, 1.35e-6), warmup=1)
    )
    rough = dataclasses.replace(m, rungs=(cache, *m.rungs[1:]))
    assert [r.rough for r in rough.rungs] == [True, False, False, False]
    text = ladder_summary(rough)
    assert (
        "The 3 runs of the rung “cache” differed by 107 %, slowest against "
        "fastest: the ladder uses the fastest, so take its ratios as rough." in text
    )
    # the figure says it beside that rung's figure, and only there
    from parallel_python.part1.plots_kitchen import plot_memory_ladder

    (ax,) = plot_memory_ladder(rough).axes
    labels = [t.get_text() for t in ax.texts]
    assert labels[0] == "1.35 ns (rough)"
    assert not any("rough" in t for t in labels[1:])
    # the slowest rung's label, longer when rough, stays inside the axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    disk = dataclasses.replace(
        m.rungs[2], timing=Timing(times=(1.5e-4, 6e-5), warmup=1)
    )
    fig = plot_memory_ladder(
        dataclasses.replace(m, rungs=(*m.rungs[:2], disk, m.rungs[3]))
    )
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    label = next(t for t in ax.texts if t.get_text().endswith("(rough)"))
    assert label.get_window_extent(renderer).x1 <= ax.get_window_extent(renderer).x1
    # just under twofold is not rough
    steady = dataclasses.replace(
        cache, timing=Timing(times=(2.6e-6, 1.35e-6), warmup=1)
    )
    assert not steady.rough


def fake_isolation(leak=False):
    return Isolation(
        start_method="spawn",
        parent_pid=10,
        child_pid=11,
        main_thread_id=10,
        worker_thread_id=12,
        worker_thread_pid=10,
        before=(1, 2, 3),
        child_sees=(999, 2, 3),
        parent_after_child=(999, 2, 3) if leak else (1, 2, 3),
        parent_after_thread=(999, 2, 3),
        shared_before=0,
        shared_written=42,
        shared_after=42,
    )


def test_isolation_and_table():
    text = isolation_summary(fake_isolation())
    assert "still had `[1, 2, 3]`" in text and "byte 42 did reach" in text
    assert "please report" in isolation_summary(fake_isolation(leak=True))
    s = StartCosts("spawn", T(40e-6), T(0.05))
    assert "1,250 times as long" in start_cost_summary(s)
    table = process_thread_table(s, fake_isolation())
    assert "50.0 ms" in table and "40.0 µs" in table


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_cpu_sampling(cpus):
    allowed = tuple(range(cpus))
    cpu_seq = (0, 0, 0) if cpus == 1 else (0, 1, 1)
    c = CpuSampling(
        method="sched_getcpu (ctypes)",
        seconds=0.5,
        every=0.002,
        cpus_available=allowed,
        threads=(ThreadSamples("busy-1", (0.0, 0.1, 0.2), cpu_seq),),
    )
    text = cpu_sampling_summary(c)
    if cpus == 1:
        assert "only CPU 0" in text and "nowhere to move" in text
    else:
        assert f"of the {cpus} this build could use" in text
        assert "once between samples" in text


def test_cpu_sampling_unavailable():
    c = CpuSampling("unavailable", 0.5, 0.002, (0, 1), ())
    assert "could not sample" in cpu_sampling_summary(c)


@pytest.mark.parametrize("cpus", [1, 2, 64])
@pytest.mark.parametrize("gil", [True, False])
def test_salad_reading_depends_on_the_cpus(cpus, gil):
    import dataclasses

    d = dataclasses.replace(fake_salad(), cpus=cpus, gil_enabled=gil)
    text = salad_reading(d)
    assert "took 105 ms, not the 85.0 ms the recipe alone would allow" in text
    if cpus == 1:
        assert "had one CPU" in text and "GIL or no GIL" in text
        assert "not for want of CPUs" not in text
    elif gil:
        assert f"not for want of CPUs: this build could use {cpus} CPUs" in text
        assert "took turns" in text
    else:
        assert "without the GIL" in text and "took turns" not in text
    assert ("one CPU" in text) == (cpus == 1)


def test_salad_reading_when_the_work_did_not_meet():
    import dataclasses

    d = dataclasses.replace(
        fake_salad(), threaded_totals=T(0.086), critical_path=0.085, cpus=1
    )
    text = salad_reading(d)
    assert "close to the 85.0 ms" in text and "one CPU" in text


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_gil_threads_reading(cpus):
    text = gil_threads_reading(fake_gil(cpus, lambda k: 1.0))
    # the speed-up with its interval, as every speed-up in the book
    assert re.search(r"gave [\d.]+× \([\d.]+–[\d.]+\) the speed", text), text
    if cpus == 1:
        assert "had one CPU" in text and "free to run them" not in text
        assert "would still take turns" in text
    else:
        assert f"with {cpus} CPUs the operating system was free to run them" in text
        assert "they took turns holding the GIL, so each ran Python code" in text
        assert ("about half of" if cpus == 2 else "about a quarter of") in text
    off = gil_threads_reading(fake_gil_off(cpus=cpus, proc_speedup=lambda k: 1.0))
    assert "without the GIL" in off
    assert ("different CPUs at once" in off) == (cpus > 1)


def test_counts_of_one_are_singular():
    g = fake_gil(2, lambda k: 1.0, counts=(1,))
    text = gil_summary(g)
    assert "1 pure-Python task in 1 thread:" in text
    assert "1 worker process" in text or "1 process" in text
    assert "1 thread that slept" in text and "that each" not in text
    assert "nothing to take turns with" in text
    assert "1 threads" not in text and "1 processes" not in text
    assert "For pure-Python work, 1 thread gave" in gil_threads_reading(g)
    trick = fake_trick(2, lambda k: 1.0)
    trick = type(trick)(**{**trick.__dict__, "counts": (1,)})
    text = numpy_trick_summary(trick)
    assert "1 NumPy sorting task (each sorting 1,000 numbers) in 1 thread" in text
    assert "1 pure-Python task of" in text
    import dataclasses

    one = dataclasses.replace(fake_race((1,)), threads=1)
    text = race_summary(one)
    assert text.startswith("1 thread each added one")
    assert "1 update was lost in the one trial" in text
    assert "none was lost in 1 trial." in text
    assert "no update was lost in 1 trial" in race_summary(fake_race((0,)))
    assert "lost up to 1 update on" in naive_summary(fake_race((1,), naive=(1,)))


def test_ladder_names_the_array_it_compares_with():
    text = ladder_summary(fake_ladder(60_000))
    assert "Even a read from the page cache, in main memory, took 41.7 times" in text
    assert "as long as a random read from the 1 MiB array" in text


def test_cpu_sampling_one_thread_is_it():
    c = CpuSampling(
        method="sched_getcpu (ctypes)",
        seconds=0.5,
        every=0.002,
        cpus_available=(0, 1),
        threads=(ThreadSamples("busy-1", (0.0, 0.1, 0.2), (0, 0, 0)),),
    )
    text = cpu_sampling_summary(c)
    assert "1 busy thread was sampled 3 times" in text
    assert "It ran on CPU 0 of the 2" in text
    both = dataclasses.replace(
        c,
        threads=(ThreadSamples("busy-1", (0.0, 0.1, 0.2), (0, 1, 1)),),
    )
    assert "It ran on CPUs 0 and 1, both of the 2 this build" in (
        cpu_sampling_summary(both)
    )


def test_scaling_table_has_five_short_columns_and_a_legend():
    g = fake_gil(2, lambda k: 1.8)
    rows = [("pure Python, threads", g.threads_cpu)]
    rows.append(("sleeping, threads", g.threads_wait))
    text = scaling_table(rows, label="threads")
    lines = text.splitlines()
    assert lines[0] == (
        "| work | threads | in a row | side by side | speed-up (interval) |"
    )
    assert len(lines[2:]) >= len(g.counts) * 2
    assert "| sleeping, threads | 4 | 80.0 ms | 20.0 ms | 4.00×" in text
    assert "Median times of the threads run in a row" in text
    assert text.rstrip().endswith("per row.")
    noted = scaling_table(rows, label="threads", note="In a row: elsewhere.")
    assert noted.rstrip().endswith("per row. In a row: elsewhere.")


def test_one_task_in_one_worker_far_from_one_is_reported():
    import dataclasses

    def rounds(seconds):
        return T(*(seconds * (1 + 0.002 * i) for i in range(9)))

    g = fake_gil(2, lambda k: k)
    slow = ScalingPoint(1, rounds(0.01), rounds(0.0125))  # 0.8x, steady
    fine = ScalingPoint(1, rounds(0.01), rounds(0.01))
    bad = dataclasses.replace(
        g,
        processes_cpu=(slow, *g.processes_cpu[1:]),
        threads_cpu=(fine, *g.threads_cpu[1:]),
    )
    text = gil_summary(bad)
    assert "One task in one worker process should run at about 1×; it ran at 0.80×" in (
        text
    )
    assert "One task in one thread" not in text
    assert "should run at about 1×" not in gil_summary(g)  # one round: no verdict


def test_numpy_trick_says_when_one_task_in_one_thread_was_not_1x():
    fine = numpy_trick_summary(fake_trick(2, lambda k: min(k, 2) * 0.97))
    assert "should run at about 1×" not in fine
    off = fake_trick(2, lambda k: 1.6 if k == 1 else min(k, 2) * 0.97)
    text = numpy_trick_summary(off)
    assert (
        "One sorting task in one thread should run at about 1×; it ran at 1.60×" in text
    )
    assert "pure-Python task in one thread should" not in text


def test_gil_summary_gives_each_speed_up_with_its_interval():
    from parallel_python.core.text import ratio_text

    serial = T(*[0.02] * 9)
    spread = T(*(0.02 / s for s in (1.8, 1.85, 1.9, 1.92, 1.95, 1.97, 2.0, 2.02, 1.9)))
    turns = T(*(0.02 / s for s in (0.95, 0.97, 0.99, 1.0, 1.0, 1.01, 1.02, 0.98, 1.0)))
    g = dataclasses.replace(
        fake_gil(2, lambda k: 1.9, counts=(1, 2)),
        threads_cpu=(ScalingPoint(1, serial, serial), ScalingPoint(2, serial, turns)),
        processes_cpu=(
            ScalingPoint(1, serial, serial),
            ScalingPoint(2, serial, spread),
        ),
    )
    text = gil_summary(g)
    processes = ratio_text(g.processes_cpu_at(2).ratio)
    threads = ratio_text(g.threads_cpu_at(2).ratio)
    assert "(" in processes and "(" in threads  # nine rounds give an interval
    assert (
        f"they ran {processes} as fast as one worker process running them in a "
        "row, on the 2 CPUs" in text
    )
    assert f"2 pure-Python tasks in 2 threads: {threads} the speed" in text
    one_cpu = gil_summary(dataclasses.replace(g, cpus=1))
    assert "as fast as one worker process running them in a row: with one CPU" in (
        one_cpu
    )


@pytest.mark.parametrize("cpus", [2, 64])
def test_processes_short_of_the_ideal_say_where_their_tasks_ran(cpus):
    import dataclasses

    from parallel_python.part1.narrate_placement import placement_note

    short = fake_gil(cpus, lambda k: 1.1)
    k = 2 if cpus == 2 else 4  # the count the summary talks about
    where, how = (
        ("on one CPU", "ran them on the same CPU")
        if k == 2
        else ("on fewer than 4 CPUs", "made some of them share a CPU")
    )
    crowded = dataclasses.replace(short, crowded=((k, 0.6),))
    text = gil_summary(crowded)
    assert (
        f"Checked inside the workers as they ran, the {k} tasks were {where} at "
        f"60 % of the checks: for much of the time the operating system {how}." in text
    )
    apart = placement_note(dataclasses.replace(short, crowded=((k, 0.0),)), k)
    assert apart.startswith(f"Checked inside the workers as they ran, the {k} tasks")
    assert f"on {k} different CPUs at every check" in apart
    rarely = placement_note(dataclasses.replace(short, crowded=((k, 0.05),)), k)
    assert f"on fewer than {k} CPUs at only 5 % of the checks. " in rarely
    # near the ideal, or nothing checked: no word about it
    fast = dataclasses.replace(
        fake_gil(cpus, lambda k: 1.9 * k / 2), crowded=((k, 0.6),)
    )
    assert placement_note(fast, k) == ""
    assert placement_note(short, k) == ""


@pytest.mark.parametrize("cpus", [2, 64])
def test_processes_short_of_the_ideal_say_how_long_each_task_took(cpus):
    import dataclasses

    from parallel_python.core.protocol import ratio_from
    from parallel_python.part1.narrate_placement import placement_note

    short = fake_gil(cpus, lambda k: 1.1)
    k = 2 if cpus == 2 else 4
    lead = "Timed inside the workers, each task took "

    def note(values):
        return placement_note(
            dataclasses.replace(short, stretched=((k, ratio_from(values)),)), k
        )

    longer = note([1.3, 1.25, 1.35, 1.3, 1.28])
    assert longer.startswith(lead + "1.30× (")
    assert f"with {k} CPUs busy at once, each did less work per second" in longer
    assert f"together they did about {times(k / 1.3)} the work of one. " in longer
    assert "one at a time" not in longer  # one worker alone ran at 1.1x
    # one worker alone was as slow: not a cost of running side by side
    slow_alone = fake_gil(cpus, lambda k: 0.62 if k == 1 else 1.1)
    both = placement_note(
        dataclasses.replace(
            slow_alone, stretched=((k, ratio_from([1.77, 1.7, 1.8, 1.75, 1.9])),)
        ),
        k,
    )
    assert (
        "as the same task alone in the same rounds, and one task alone in one "
        "worker process, on the CPU where the tasks in a row ran, went at only "
        "0.62× (0.62–0.62) their speed: the worker processes ran this work more "
        "slowly than this process did, even one at a time, not only side by side. "
        f"Together they did about {times(k / 1.77)} the work of one. "
    ) in both
    assert "busy at once" not in both
    same = note([1.0, 1.01, 0.99, 1.02, 1.0])
    assert same.startswith(lead + "1.00× (")
    assert "the time went outside the tasks' own work" in same
    unclear = note([1.0, 1.2, 1.1, 1.02, 1.15])
    assert unclear.endswith("as the same task alone in the same rounds. ")
    assert "busy" not in unclear and "outside" not in unclear
    # near the ideal: no word about it
    fast = dataclasses.replace(
        fake_gil(cpus, lambda k: 1.9 * k / 2),
        stretched=((k, ratio_from([1.3] * 5)),),
    )
    assert placement_note(fast, k) == ""


@pytest.mark.parametrize("cpus", [2, 64])
def test_longer_tasks_say_whether_they_ran_or_waited_and_when_they_began(cpus):
    import dataclasses

    from parallel_python.core.protocol import ratio_from
    from parallel_python.part1.narrate_placement import placement_note

    k = 2 if cpus == 2 else 4
    longer = dataclasses.replace(
        fake_gil(cpus, lambda k: 1.1), stretched=((k, ratio_from([1.3] * 5)),)
    )

    def note(**fields):
        return placement_note(dataclasses.replace(longer, **fields), k)

    ran = note(running=((k, 0.99),))
    assert (
        "The operating system had them running on a CPU for 99 % of their own "
        "time: they ran more slowly, they did not wait for a CPU. "
    ) in ran
    waited = note(running=((k, 0.6),))
    assert "running on a CPU for only 60 % of their own time: for the rest, " in waited
    assert "they ran more slowly" not in waited
    # not measured: nothing said
    assert "running on a CPU" not in note()
    # a task as long as alone: its running share says nothing worth a word
    same = dataclasses.replace(
        longer, stretched=((k, ratio_from([1.0] * 5)),), running=((k, 0.6),)
    )
    assert "running on a CPU" not in placement_note(same, k)
    # one task in a row took 10 ms: 2 ms late is worth a word, 0.1 ms is not
    late = note(late=((k, 0.002),))
    assert late.endswith(
        f"The last of the {k} tasks began 2.00 ms after the first (20 % of one "
        "task's time), so they did not all run side by side for the whole round. "
    )
    assert "began" not in note(late=((k, 0.0001),))


def test_a_gain_whose_interval_holds_one_is_not_called_a_gain():
    import dataclasses

    from parallel_python.core.timing import Timing
    from parallel_python.part1.narrate_titles import gil_title, speed

    # five rounds: threads 1.11x in the middle, one round below 1
    serial = Timing((0.02, 0.02, 0.02, 0.02, 0.02), 0)
    side = Timing((0.018, 0.0175, 0.0212, 0.0162, 0.0178), 0)
    unclear = ScalingPoint(2, serial, side)
    assert unclear.ratio.low < 1 and unclear.ratio.median >= 1.1
    g = fake_gil(2, lambda k: 1.9)
    g = dataclasses.replace(
        g, threads_cpu=tuple(unclear if p.workers == 2 else p for p in g.threads_cpu)
    )
    text = gil_summary(g)
    assert "the speed of running them one after another, no measurable speed-up." in (
        text
    )
    assert "faster" not in text.split(".")[0] and "this gain" not in text
    assert "The GIL let one thread at a time run Python bytecode" in text
    assert speed(unclear.ratio) == "no faster" and "2 threads no faster" in gil_title(g)
    # the same median with every round above 1 is a gain
    sure = ScalingPoint(2, serial, Timing((0.018,) * 5, 0))
    assert speed(sure.ratio).endswith("as fast")


def test_a_table_whose_rows_ran_at_different_paces_says_so():
    from parallel_python.part1.narrate_gil import scaling_table

    steady = fake_gil(2, lambda k: 1.9)
    text = scaling_table([("pure Python, threads", steady.threads_cpu)])
    assert "different pace" not in text
    # the two-task row ran each task at half the pace of the one-task row
    slow = (
        steady.threads_cpu[0],
        point(2, 0.04, 0.04),
        *steady.threads_cpu[2:],
    )
    text = scaling_table([("pure Python, threads", slow)])
    assert (
        "In the rows of pure Python, threads, one task in a row took from "
        "10.0 ms to 20.0 ms: the same work ran at a different pace" in text
    )


def test_numpy_trick_calls_a_wide_interval_of_the_sorts_rough():
    import dataclasses

    from parallel_python.core.timing import Timing

    steady = fake_trick(2, lambda k: min(k, 2) * 0.9)
    assert "take that figure as rough" not in numpy_trick_summary(steady)
    two = steady.numpy_at(2)
    serial = Timing(times=(1.0,) * 5, warmup=1)
    unsteady = dataclasses.replace(
        two, serial=serial, parallel=Timing((0.5, 0.6, 0.58, 0.62, 0.75), 1)
    )
    trick = dataclasses.replace(
        steady,
        numpy_threads=tuple(
            unsteady if p.workers == 2 else p for p in steady.numpy_threads
        ),
    )
    text = numpy_trick_summary(trick)
    assert "The sorts' 90 % interval is wider than ±15 %: take that figure" in text


def test_numpy_trick_gives_the_ceiling_between_the_sorting_rounds():
    from parallel_python.core.ceiling import Ceiling

    plain = fake_trick(2, lambda k: min(k, 2) * 0.75)
    assert "Between the sorting rounds" not in numpy_trick_summary(plain)
    probed = Ceiling(
        2,
        0.3,
        100,
        (95, 70),
        1.65,
        True,
        (0, 1),
        "",
        0.025,
        between_rounds=True,
        slowest=(1.38, 1.40, 1.45),
    )
    text = numpy_trick_summary(dataclasses.replace(plain, ceiling=probed))
    assert (
        "Between the sorting rounds, this machine's 2 CPUs together counted 1.65×"
        in text
    )
    # each thread sorts its own array: the slowest CPU sets their pace
    assert "70 % of one CPU's pace alone" in text
    # the sorting threads are pinned one to a CPU: the limit held them too
    assert "pinned one to a CPU as these were, could reach at most 1.40×." in text
    assert "free to move" not in text
    one = dataclasses.replace(fake_trick(1, lambda k: 1.0), ceiling=probed)
    assert "Between the sorting rounds" not in numpy_trick_summary(one)


def test_the_gil_table_says_what_in_a_row_is_for_each_count_of_processes():
    from parallel_python.part1.narrate_gil import processes_in_a_row

    g = dataclasses.replace(fake_gil(2, lambda k: min(k, 2) * 0.95), alone_counts=(2,))
    note = processes_in_a_row(g)
    assert note.startswith("For 2 processes, “in a row” is one worker process")
    # the run of whichever page asked for the result first, not this page's
    assert "for 4, beyond the CPUs, it is the experiment's own run" in note
    assert processes_in_a_row(dataclasses.replace(g, processes_cpu=())) == ""
    # a result saved before the counts were recorded: every count above 1
    saved = dataclasses.replace(g, alone_counts=None)
    assert processes_in_a_row(saved).startswith("For 2 and 4 processes")
    assert "beyond the CPUs" not in processes_in_a_row(saved)


def test_the_gil_summary_names_one_process_only_where_it_was_the_baseline():
    from parallel_python.part1.narrate_gil import gil_summary

    # counts 1 and 4 on 2 CPUs: 4 was compared with this process's own run
    g = dataclasses.replace(
        fake_gil(2, lambda k: min(k, 2) * 0.95, counts=(1, 4)), alone_counts=()
    )
    assert "one worker process running them in a row" not in gil_summary(g)
    two = dataclasses.replace(
        fake_gil(2, lambda k: min(k, 2) * 0.95), alone_counts=(2,)
    )
    assert "as fast as one worker process running them in a row" in gil_summary(two)
