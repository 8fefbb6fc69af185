"""Part 1: NumPy's trick, compiled loops that release the GIL.

* :func:`run_numpy_trick` - ``k`` sorting tasks, one after another and in
  ``k`` Python threads. ``np.sort`` works on raw numbers in compiled code and
  releases the GIL while it does, so the threads really run at the same time
  (up to the CPUs available). For comparison the same is done with a
  pure-Python task of about the same length, which does not speed up.
  Both are timed in paired rounds (:mod:`..core.protocol`), and the
  machine's ceiling is counted between the sorting rounds.

BLAS is not involved (a sort does not call it), so its own threads do not
blur the picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.machine import available_cpus, gil_enabled
from ..core.pinning import choosable_cpus, pin_this_thread
from ..core.results import find
from ..core.sizing import calibrate
from ..core.timing import measure
from ..core.validate import (
    non_negative_int,
    positive_float,
    positive_int,
    positive_ints,
)
from .counts import cpu_counts, per_count
from .gil import against_in_a_row, count, in_a_row, in_threads
from .gil_results import ScalingPoint


def sort_copy(values: np.ndarray) -> int:
    """Sort a copy of ``values`` (compiled, GIL released); return its
    length."""
    return int(np.sort(values).size)


def sort_repeated(values: np.ndarray, sorts: int) -> int:
    """One task: ``sort_copy(values)``, ``sorts`` times."""
    return sum(sort_copy(values) for _ in range(sorts))


@dataclass(frozen=True)
class NumpyTrick:
    """``k`` sorting tasks and ``k`` pure-Python tasks, in a row and in ``k`` threads.

    ``elements``: numbers per sort; ``sorts``: sorts per task (calibrated so
    a task lasts long enough to time); ``work``: loop steps of the
    pure-Python task, chosen so it takes about as long as a sorting task.
    ``stop_reasons``: why each count's paired rounds stopped, sorts then
    loops (see :func:`~parallel_python.core.protocol.measure_paired`).
    ``ceiling``: the machine's, counted between the rounds of the sorts in
    2 up to the CPUs' threads (None on one CPU, or when not asked for).
    """

    counts: tuple[int, ...]
    elements: int
    work: int
    cpus: int
    gil_enabled: bool
    numpy_threads: tuple[ScalingPoint, ...]
    python_threads: tuple[ScalingPoint, ...]
    sorts: int = 1
    stop_reasons: tuple[str, ...] = ()
    ceiling: Ceiling | None = None

    @property
    def sort_seconds(self) -> float:
        """The best time of one sort alone, seconds."""
        fewest = min(self.counts)
        return self.numpy_at(fewest).serial.best / fewest / self.sorts

    def numpy_at(self, workers: int) -> ScalingPoint:
        return _at(self.numpy_threads, workers)

    def python_at(self, workers: int) -> ScalingPoint:
        return _at(self.python_threads, workers)

    @property
    def workers_at_cpus(self) -> int:
        within = [c for c in self.counts if c <= self.cpus]
        return max(within) if within else min(self.counts)


def _at(points: tuple[ScalingPoint, ...], workers: int) -> ScalingPoint:
    return find(points, workers=workers)


def run_numpy_trick(
    counts: Sequence[int] = (1, 2, 4),
    elements: int = 250_000,
    *,
    repeats: int = 5,
    warmup: int = 1,
    sorts: int | None = None,
    task_seconds: float = 0.02,
    budget: float = 0.75,
    work: int | None = None,
    probe_seconds: float | None = 0.25,
    beyond: bool = False,
) -> NumpyTrick:
    """Time ``k`` sorting tasks in a row and in ``k`` threads, for each ``k``.

    Each thread sorts its own array of ``elements`` random numbers ``sorts``
    times; without ``sorts``, as many times as make a task last about
    ``task_seconds`` here (the amount is stored). A pure-Python task of
    ``work`` loop steps (default: calibrated to a sorting task's length) runs
    the same way, as the control. Each
    count is timed in paired rounds, sorts and loops apart: at least
    ``repeats`` rounds, more until the intervals are within ±5 % or
    ``budget`` seconds are spent (:func:`.counts.per_count`: half of it for one
    task, only the ``repeats`` rounds for counts above the CPUs and above 2).
    With ``probe_seconds``, the ceiling is counted between the rounds of
    the sorts in 2 up to the CPUs' threads (two pairs of
    :data:`PROBE_WINDOW`-second windows after each round, and more after
    the rounds if fewer than ``probe_seconds`` of each kind were counted),
    outside the budget. Only the counts up to the CPUs (at least 2) are
    timed, unless ``beyond`` (:func:`.counts.cpu_counts`).
    """
    counts = cpu_counts(positive_ints("counts", counts), available_cpus(), beyond)
    elements = positive_int("elements", elements)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    task_seconds = positive_float("task_seconds", task_seconds)
    budget = positive_float("budget", budget)
    if probe_seconds is not None:
        probe_seconds = positive_float("probe_seconds", probe_seconds)
    rng = np.random.default_rng(2)
    arrays = [rng.random(elements) for _ in range(max(counts))]
    if sorts is None:
        sort_copy(arrays[0])  # the first sort is slower (the copy's pages are new)
        sorts = calibrate(
            lambda r: sort_repeated(arrays[0], r), target_seconds=task_seconds, cap=100
        )
    sorts = positive_int("sorts", sorts)
    if work is None:
        one_sort = measure(lambda: sort_repeated(arrays[0], sorts), repeats=3, warmup=1)
        steps = 100_000
        one_count = measure(lambda: count(steps), repeats=3, warmup=1)
        work = max(1, round(steps * one_sort.best / one_count.best))
    work = positive_int("work", work)
    cpus = available_cpus()
    numpy_points, python_points, stops = [], [], []
    # two pairs after each round: enough windows between the rounds that none
    # need be counted after them, when the machine may have changed (in one
    # build the pairs between the rounds read 1.24-1.42, those after, 1.9-2.3)
    probe = live_ceiling_for(
        max(counts), probe_seconds, per_round=2, window=PROBE_WINDOW
    )
    with probe:
        for k in counts:
            share = per_count(k, cpus, budget)
            # k sorting tasks, then k loops (the control); the ceiling is
            # counted between the sorting rounds of 2 up to the CPUs' threads
            for tasks, fn, into, between in (
                (
                    [(a, sorts) for a in arrays[:k]],
                    sort_repeated,
                    numpy_points,
                    probe.between if 1 < k <= cpus else None,
                ),
                ([(work,)] * k, count, python_points, None),
            ):
                point, stop = _time_tasks(fn, tasks, share, repeats, warmup, between)
                into.append(point)
                stops.append(stop)
        probed = probe.result()
    return NumpyTrick(
        counts=counts,
        elements=elements,
        work=work,
        cpus=cpus,
        gil_enabled=gil_enabled(),
        numpy_threads=tuple(numpy_points),
        python_threads=tuple(python_points),
        sorts=sorts,
        stop_reasons=tuple(stops),
        ceiling=probed,
    )


def in_pinned_threads(
    fn: Callable[..., object],
    tasks: Sequence[tuple],
) -> None:
    """Run ``fn(*args)`` for each task in its own thread, as
    ``gil.in_threads`` does, but each thread first moves to a
    CPU of its own (round robin over the CPUs this thread may
    use; where CPUs cannot be chosen, nowhere); wait for all.

    A new thread starts on its parent's CPU, and the system
    moves one of two to another CPU only after a few
    milliseconds: while this book was written, that made some
    rounds of two sorting threads markedly slower than the
    rest. The ceiling's counters are pinned the same way.
    """
    cpus = choosable_cpus()

    def run(i: int, args: tuple) -> None:
        pin_this_thread(cpus, i)
        fn(*args)

    in_threads(run, list(enumerate(tasks)))  # each task as (i, args)


#: Seconds of each window of the ceiling probe: the sorting rounds are short.
PROBE_WINDOW = 0.025


def _time_tasks(
    fn: Callable[..., object],
    tasks: list[tuple[Any, ...]],
    share: float,
    repeats: int,
    warmup: int,
    between: Callable[[], object] | None,
) -> tuple[ScalingPoint, str]:
    """``fn(*task)`` for each of the ``tasks``, in a row and in threads, in
    paired rounds of ``share`` seconds (``between`` after each round): the
    point for ``len(tasks)`` and why its rounds stopped."""
    k = len(tasks)
    paired = against_in_a_row(
        {
            "in a row": lambda: in_a_row(fn, tasks),
            "threads": lambda: in_pinned_threads(fn, tasks),
        },
        k,
        share=share,
        repeats=repeats,
        warmup=warmup,
        between=between,
    )
    point = ScalingPoint(k, paired.times["in a row"], paired.times["threads"])
    return point, paired.stop_reason
