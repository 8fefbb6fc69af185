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

import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core.config import mp_context, start_method
from ..core.machine import available_cpus, gil_enabled
from ..core.results import find
from ..core.timing import Timing, measure
from ..core.validate import (
    non_negative_int,
    positive_float,
    positive_int,
    positive_ints,
)


def count(n: int) -> int:
    """Pure-Python CPU work: add up 0 .. n-1 in a loop (no I/O, no C helpers)."""
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


def in_threads(fn: Callable[..., object], tasks: Sequence[tuple]) -> None:
    """Run ``fn(*args)`` for each task, each in its own thread; wait for all."""
    workers = [threading.Thread(target=fn, args=args) for args in tasks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


@dataclass(frozen=True)
class ScalingPoint:
    """``workers`` equal tasks: in a row (``serial``) and side by side."""

    workers: int
    serial: Timing
    parallel: Timing

    @property
    def speedup(self) -> float:
        """Best time in a row over best time side by side (>1: faster)."""
        return self.serial.best / self.parallel.best


@dataclass(frozen=True)
class GilScaling:
    """CPU-bound and waiting tasks in 1..N threads, and CPU-bound in processes.

    ``work``: loop steps per CPU-bound task; ``task_seconds``: the best time
    of one such task alone; ``wait_seconds``: the sleep of one waiting task.
    ``switch_interval``: ``sys.getswitchinterval()`` during the runs, seconds.
    """

    counts: tuple[int, ...]
    work: int
    task_seconds: float
    wait_seconds: float
    cpus: int
    switch_interval: float
    gil_enabled: bool
    start_method: str
    threads_cpu: tuple[ScalingPoint, ...]
    processes_cpu: tuple[ScalingPoint, ...]
    threads_wait: tuple[ScalingPoint, ...]

    @staticmethod
    def _at(points: tuple[ScalingPoint, ...], workers: int) -> ScalingPoint:
        return find(points, workers=workers)

    def threads_cpu_at(self, workers: int) -> ScalingPoint:
        return self._at(self.threads_cpu, workers)

    def processes_cpu_at(self, workers: int) -> ScalingPoint:
        return self._at(self.processes_cpu, workers)

    def threads_wait_at(self, workers: int) -> ScalingPoint:
        return self._at(self.threads_wait, workers)

    @property
    def most(self) -> int:
        return max(self.counts)

    @property
    def workers_at_cpus(self) -> int:
        """The largest measured count that does not exceed the CPUs."""
        within = [c for c in self.counts if c <= self.cpus]
        return max(within) if within else min(self.counts)


def interleaved(
    ways: Sequence[Callable[[], object]], *, repeats: int, warmup: int
) -> tuple[Timing, ...]:
    """Time several ways of doing the same work round by round: each round
    times one call of every way (with :func:`timing.measure`), so a
    disturbance of the machine (another program waking up) hits all the ways
    alike instead of spoiling one of them."""
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    for _ in range(warmup):
        for way in ways:
            way()
    rounds = [
        [measure(way, repeats=1, warmup=0) for way in ways] for _ in range(repeats)
    ]
    return tuple(
        Timing(times=tuple(r[i].best for r in rounds), warmup=warmup)
        for i in range(len(ways))
    )


def _in_pool(pool, fn: Callable[..., object], tasks: Sequence[tuple]) -> None:
    pool.starmap(fn, tasks, chunksize=1)


def run_gil(
    counts: Sequence[int] = (1, 2, 4),
    work: int = 400_000,
    wait_seconds: float = 0.02,
    *,
    repeats: int = 3,
    warmup: int = 1,
    processes: bool = True,
) -> GilScaling:
    """Time ``k`` equal tasks in a row and side by side, for each ``k`` in ``counts``.

    CPU-bound tasks run ``count(work)``; waiting tasks ``pause(wait_seconds)``.
    With ``processes``, the CPU-bound tasks also run in a pool of worker
    processes (started once, before timing, from :func:`config.mp_context`;
    closed and joined before returning). The ways of running one ``k`` are
    timed round by round (:func:`interleaved`).
    """
    counts = positive_ints("counts", counts)
    work = positive_int("work", work)
    wait_seconds = positive_float("wait_seconds", wait_seconds)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    one = measure(lambda: count(work), repeats=repeats, warmup=warmup)
    pool = mp_context().Pool(max(counts)) if processes else None
    threads_cpu, threads_wait, processes_cpu = [], [], []
    try:
        for k in counts:
            tasks = [(work,)] * k
            ways = [
                lambda t=tasks: in_a_row(count, t),
                lambda t=tasks: in_threads(count, t),
            ]
            if pool is not None:
                ways.append(lambda t=tasks: _in_pool(pool, count, t))
            timings = interleaved(ways, repeats=repeats, warmup=warmup)
            threads_cpu.append(ScalingPoint(k, timings[0], timings[1]))
            if pool is not None:
                processes_cpu.append(ScalingPoint(k, timings[0], timings[2]))
            waits = [(wait_seconds,)] * k
            serial, side = interleaved(
                [
                    lambda t=waits: in_a_row(pause, t),
                    lambda t=waits: in_threads(pause, t),
                ],
                repeats=repeats,
                warmup=0,
            )
            threads_wait.append(ScalingPoint(k, serial, side))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return GilScaling(
        counts=counts,
        work=work,
        task_seconds=one.best,
        wait_seconds=wait_seconds,
        cpus=available_cpus(),
        switch_interval=sys.getswitchinterval(),
        gil_enabled=gil_enabled(),
        start_method=start_method(),
        threads_cpu=tuple(threads_cpu),
        processes_cpu=tuple(processes_cpu),
        threads_wait=tuple(threads_wait),
    )
