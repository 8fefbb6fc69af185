"""Part 1: the Global Interpreter Lock, measured.

The same ``k`` tasks are run one after another in the calling thread, then
at the same time in ``k`` threads (and, for contrast, in ``k`` worker
processes). The speed-up is the time in a row over the time side by side.

* :func:`run_gil` - pure-Python counting (CPU-bound: the GIL lets one thread
  at a time run it, so threads give no speed-up; processes can), and
  sleeping (waiting releases the GIL, so threads overlap).

The helpers :func:`in_a_row` and :func:`in_threads` are shared with the
NumPy experiment (:mod:`parallel_python.numpy_trick`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace

from ..core.ceiling_live import live_ceiling_for
from ..core.config import start_method
from ..core.machine import available_cpus, gil_enabled
from ..core.meter import Meter
from ..core.pinning import in_new_threads
from ..core.pools import FreshPools, baseline_on_one_cpu, on_one_cpu
from ..core.protocol import Paired, Ratio, measure_paired
from ..core.results import find
from ..core.sizing import calibrate
from ..core.timing import Timing, measure, measure_rounds
from ..core.validate import (
    non_negative_int,
    positive_float,
    positive_int,
    positive_ints,
)
from .counts import against_one_process, cpu_counts, per_count
from .cpu_now import current_cpu
from .gil_results import GilScaling, ScalingPoint
from .placement import Placed, crowding, late_start, running, stretch


def count(n: int) -> int:
    """Pure-Python CPU work: add up 0 .. n-1 in a loop (no I/O, no C
    helpers)."""
    total = 0
    for i in range(n):
        total += i
    return total


def pause(seconds: float) -> float:
    """Waiting work: sleep (the thread releases the GIL while it sleeps)."""
    time.sleep(seconds)
    return seconds


def in_a_row(fn: Callable[..., object], tasks: Sequence[tuple]) -> None:
    """Run ``fn(*args)`` for each task, one after another, in this thread."""
    for args in tasks:
        fn(*args)


def in_threads(
    fn: Callable[..., object],
    tasks: Sequence[tuple],
) -> None:
    """Run ``fn(*args)`` for each task, each in its own thread; wait for
    all."""
    workers = [threading.Thread(target=fn, args=args) for args in tasks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def interleaved(
    ways: Sequence[Callable[[], object]], *, repeats: int, warmup: int
) -> tuple[Timing, ...]:
    """Time several ways of doing the same work round by round, after
    ``warmup`` untimed calls of each: :func:`core.timing.measure_rounds`, so
    a disturbance of the machine (another program waking up) hits all the
    ways alike instead of spoiling one of them."""
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    for _ in range(warmup):
        for way in ways:
            way()
    timed = measure_rounds(dict(enumerate(ways)), repeats=repeats, warmup=0)
    return tuple(replace(timed[i], warmup=warmup) for i in range(len(ways)))


def count_placed(n: int, reps: int) -> Placed:
    """:func:`count_repeated`'s work in a worker process: this process's id,
    the CPU it is on before each repetition and after the last (-1: not
    known here), the seconds the repetitions took and the CPU time they
    used, both measured in the worker, and when they began."""
    cpus = []
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(reps):
        cpus.append(_cpu())
        count(n)
    cpus.append(_cpu())
    seconds = time.perf_counter() - start
    return Placed(os.getpid(), tuple(cpus), seconds, time.process_time() - cpu, start)


def _cpu() -> int:
    cpu, _ = current_cpu()
    return -1 if cpu is None else cpu


def count_repeated(n: int, reps: int) -> int:
    """``count(n)``, ``reps`` times: one task, sized to last long enough to time."""
    total = 0
    for _ in range(reps):
        total += count(n)
    return total


#: The way that times ``k`` tasks in a row in one new worker process: what
#: ``k`` processes are compared with (their ratio divides it, round by round).
IN_ONE_PROCESS = "in a row, one process"


def _ready() -> None:
    """A pool's initializer that does nothing: naming a function of this
    module makes a worker started by ``spawn`` or ``forkserver`` import the
    module (and this task's code) as it starts, not during a timed round."""


def _time_count(
    k: int,
    processes: bool,
    *,
    task: tuple[int, int],
    share: float,
    repeats: int,
    warmup: int,
    between: Callable[[], object] | None,
    alone: bool = False,
) -> tuple[Paired, list]:
    """``k`` copies of ``task`` (work, reps) in a row, in threads and, with
    ``processes``, in ``k`` worker processes (a fresh pool for each call,
    started and closed untimed), in paired rounds for ``share`` seconds:
    the rounds, and each process call's placements (:func:`count_placed`).
    With ``alone``, the processes are compared with the tasks in a row in
    one new worker process (:data:`IN_ONE_PROCESS`)."""
    tasks = [task] * k
    ways = {
        "in a row": lambda: in_a_row(count_repeated, tasks),
        "threads": lambda: in_threads(count_repeated, tasks),
    }
    placed: list = []
    around = {}
    against = {}
    if processes:
        pools = FreshPools(k, _ready, on_first_cpu=k == 1)
        ways["processes"] = lambda: placed.append(
            pools.pool.starmap(count_placed, tasks, chunksize=1)
        )
        around["processes"] = pools
        if alone:
            # like with like: the same tasks in a row in one new worker
            # process, on the first CPU (a process runs at its own pace)
            one = FreshPools(1, _ready, on_first_cpu=True)
            ways[IN_ONE_PROCESS] = lambda: one.pool.starmap(
                count_placed, tasks, chunksize=1
            )
            around[IN_ONE_PROCESS] = one
            against["processes"] = IN_ONE_PROCESS
    paired = against_in_a_row(
        ways,
        k,
        share=share,
        repeats=repeats,
        warmup=warmup,
        between=between,
        around=around,
        against=against,
    )
    return paired, placed


def against_in_a_row(
    ways: dict[str, Callable[[], object]],
    k: int,
    *,
    share: float,
    repeats: int,
    warmup: int,
    between: Callable[[], object] | None,
    around: Mapping[str, Callable[[], AbstractContextManager[object]]] | None = None,
    against: Mapping[str, str] | None = None,
) -> Paired:
    """``ways`` of running ``k`` tasks, among them ``"in a row"`` (the
    baseline: on the first CPU, in a new thread at each call, see
    :func:`~parallel_python.core.pinning.in_new_threads`), in paired rounds
    for ``share`` seconds; each call of a way named in ``around`` runs
    inside ``around[way]()``, entered and left untimed (a fresh pool, say).
    With one task every way runs on that CPU, the threads this thread starts
    too, so the check that one worker is 1x compares like with like (see
    :func:`~parallel_python.core.pools.on_one_cpu`)."""
    ways = {**ways, "in a row": in_new_threads(ways["in a row"])}
    around = dict(around or {})
    on_first = baseline_on_one_cpu("in a row")

    def context(name: str) -> AbstractContextManager[object]:
        return around[name]() if name in around else on_first(name)

    with on_one_cpu() if k == 1 else contextlib.nullcontext():
        return measure_paired(
            ways,
            baseline="in a row",
            min_rounds=repeats,
            budget_seconds=share,
            warmup=warmup,
            context=context,
            between=between,
            against=against,
        )


def _time_waiting(k: int, seconds: float, repeats: int) -> ScalingPoint:
    """``k`` sleeps of ``seconds`` in a row and in threads."""
    waits = [(seconds,)] * k
    serial, side = interleaved(
        [lambda: in_a_row(pause, waits), lambda: in_threads(pause, waits)],
        repeats=repeats,
        warmup=0,
    )
    return ScalingPoint(k, serial, side)


def run_gil(
    counts: Sequence[int] = (1, 2, 4),
    work: int = 400_000,
    wait_seconds: float = 0.02,
    *,
    repeats: int = 5,
    warmup: int = 1,
    processes: bool = True,
    reps: int | None = None,
    task_seconds: float = 0.1,
    budget: float = 4.0,
    probe_seconds: float | None = 0.5,
    beyond: bool = False,
) -> GilScaling:
    """Time ``k`` equal tasks in a row and side by side, for each ``k`` in ``counts``.

    A CPU-bound task runs ``count(work)`` ``reps`` times; without ``reps``,
    as many times as make one task last about ``task_seconds`` on this
    machine (the amount is stored). Waiting tasks ``pause(wait_seconds)``.
    With ``processes``, the CPU-bound tasks also run in ``k`` worker
    processes, a fresh pool for each timed call, started and closed untimed
    (:class:`~parallel_python.core.pools.FreshPools`): in one build all of a
    pool's workers ran pure Python at 0.62x the calling process's pace for
    the whole experiment; a fresh pool each round makes that a round the
    median leaves out. Two or more processes up to the CPUs are compared
    with the same tasks in a row in one worker process, also fresh for each
    call (:data:`IN_ONE_PROCESS`, :func:`against_one_process`): each new
    process runs at a pace of its own. For each ``k`` the ways are timed in
    paired rounds (:func:`~parallel_python.core.protocol.measure_paired`):
    at least ``repeats`` rounds, more until the speed-ups' intervals are
    within ±5 % or ``budget`` seconds are spent (per count, :func:`per_count`:
    half of it for one task, only the ``repeats`` rounds above the CPUs and
    above 2). With ``probe_seconds`` (and processes), the machine's own
    ceiling for the CPUs used is measured after each round of the counts up
    to the CPUs (:mod:`~parallel_python.core.ceiling_live`), at least that
    many seconds of each kind of window; a meter records other work on these
    CPUs throughout. The pure-Python tasks are timed only at the counts up to
    the CPUs (at least 2), unless ``beyond`` (:func:`cpu_counts`); sleeping
    threads at every count.
    """
    counts = positive_ints("counts", counts)
    work = positive_int("work", work)
    wait_seconds = positive_float("wait_seconds", wait_seconds)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    task_seconds = positive_float("task_seconds", task_seconds)
    budget = positive_float("budget", budget)
    cpus = available_cpus()
    timed_cpu = cpu_counts(counts, cpus, bool(beyond))
    if reps is None:
        reps = calibrate(
            lambda r: count_repeated(work, r), target_seconds=task_seconds, cap=1000
        )
    reps = positive_int("reps", reps)
    # counters that probe the ceiling between the rounds of the counts up to
    # the CPUs, started before any pool or thread
    probe = live_ceiling_for(max(timed_cpu), probe_seconds if processes else None)
    with probe:
        threads_cpu, threads_wait, processes_cpu, stops = [], [], [], []
        crowded: list[tuple[int, float]] = []
        stretched: list[tuple[int, Ratio]] = []
        ran: list[tuple[int, float]] = []
        late: list[tuple[int, float]] = []
        meter = Meter()
        with meter:
            for k in counts:
                threads_wait.append(_time_waiting(k, wait_seconds, repeats))
                if k not in timed_cpu:
                    continue
                # counts beyond the CPUs (at least 2), which only show that
                # they gain no more, get their minimum of rounds; one task (the
                # check that one worker is 1x) half the budget
                paired, placed = _time_count(
                    k,
                    processes,
                    task=(work, reps),
                    share=per_count(k, cpus, budget),
                    repeats=repeats,
                    # the code and the caches are warm after the first
                    # count's warm-up
                    warmup=warmup if k == timed_cpu[0] else 0,
                    between=probe.between if 2 <= k <= cpus else None,
                    alone=against_one_process(k, cpus),
                )
                stops.append(paired.stop_reason)
                serial = paired.times["in a row"]
                threads_cpu.append(ScalingPoint(k, serial, paired.times["threads"]))
                if processes:
                    side = paired.times["processes"]
                    # against the tasks in a row in one new process (up to the
                    # CPUs, see against_one_process), else this process's run
                    alone = paired.times.get(IN_ONE_PROCESS, serial)
                    processes_cpu.append(ScalingPoint(k, alone, side))
                    # the timed rounds' calls are the last ones (after warm-up)
                    timed = placed[-side.repeats :]
                    if 2 <= k <= cpus:
                        if (shared := crowding(timed)) is not None:
                            crowded.append((k, shared))
                        if (longer := stretch(alone.times, timed)) is not None:
                            stretched.append((k, longer))
                        if (share := running(timed)) is not None:
                            ran.append((k, share))
                        if (after := late_start(timed)) is not None:
                            late.append((k, after))
        probed = probe.result()
    # one task alone: the one-task point's calls in a row, where it was
    # measured (no need to time it again), else timed here
    one = (
        find(threads_cpu, workers=1).serial
        if 1 in counts
        else measure(lambda: count_repeated(work, reps), repeats=repeats, warmup=warmup)
    )
    return GilScaling(
        counts=counts,
        work=work,
        task_seconds=one.best,
        wait_seconds=wait_seconds,
        cpus=cpus,
        switch_interval=sys.getswitchinterval(),
        gil_enabled=gil_enabled(),
        start_method=start_method(),
        threads_cpu=tuple(threads_cpu),
        processes_cpu=tuple(processes_cpu),
        threads_wait=tuple(threads_wait),
        reps=reps,
        stop_reasons=tuple(stops),
        ceiling=probed,
        disturbance=meter.result,
        crowded=tuple(crowded),
        stretched=tuple(stretched),
        running=tuple(ran),
        late=tuple(late),
        alone_counts=tuple(k for k in timed_cpu if against_one_process(k, cpus)),
    )
