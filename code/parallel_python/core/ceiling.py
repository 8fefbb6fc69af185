"""The machine's parallel ceiling: how much faster ``k`` CPUs are than one *right now*.

:func:`ceiling` starts ``k`` pure-Python counters, each pinned to its own
CPU, and counts in paired windows (one counter alone, all together); the
arithmetic is pure (:func:`ceiling_from_counts`, and
:func:`slowest_from_counts` for work cut into equal shares), and the result
(:class:`Ceiling`) stores in result files. :mod:`.ceiling_live` counts the
same way between an experiment's rounds.
"""

from __future__ import annotations

import os
import queue
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .config import mp_context
from .validate import non_negative_int, positive_float, positive_int

#: Seconds a counting process may take to start (spawn on a busy machine).
_START_TIMEOUT = 60.0
#: Loop steps between two looks at the clock in a counting process.
_BLOCK = 10_000


@dataclass(frozen=True)
class Ceiling:
    """``k`` counting processes against one, in paired windows.

    Each round has two windows of ``window`` seconds, in alternating order:
    process 0 counts alone, and all ``k`` count together. ``ratios`` holds
    each round's total steps together over the steps alone; ``ratio`` is
    their median, as for every speed-up in the book. ``single`` and ``many``
    are the steps counted alone and by each process together, over all
    rounds; ``cpus`` the CPUs the counters were pinned to (empty when
    unpinned). ``slowest`` holds each round's ``k`` times the slowest
    counter's steps together over the steps alone: work cut into one equal
    share per CPU ends with its slowest share, so
    :attr:`equal_shares` is its ceiling, below ``ratio`` when one CPU runs
    slower than the others.
    """

    k: int
    seconds: float
    single: int
    many: tuple[int, ...]
    ratio: float
    pinned: bool
    cpus: tuple[int, ...]
    note: str
    window: float = 0.0
    ratios: tuple[float, ...] = ()
    between_rounds: bool = False  # windows between an experiment's rounds
    slowest: tuple[float, ...] = ()

    @property
    def equal_shares(self) -> float | None:
        """The median over rounds of ``slowest``: the ceiling of work cut
        into one equal share per CPU (None for a result saved without it)."""
        return statistics.median(self.slowest) if self.slowest else None


def ceiling_from_counts(single: int, many: Sequence[int]) -> float:
    """How many times one process's steps ``k`` processes made together."""
    single = positive_int("single", single)
    if not many:
        raise ValueError("many must hold the step count of at least one process")
    return sum(non_negative_int("each of many", m) for m in many) / single


def slowest_from_counts(single: int, many: Sequence[int]) -> float:
    """``k`` times the slowest process's steps over one process's steps
    alone: how many times one process's work ``k`` equal shares get done
    in, when each waits for its own CPU."""
    ceiling_from_counts(single, many)  # the same checks
    return len(many) * min(many) / single


def _count_for(seconds: float) -> int:
    """Pure-Python loop steps counted in ``seconds``."""
    steps = 0
    now = time.perf_counter
    end = now() + seconds
    while now() < end:
        for _ in range(_BLOCK):
            pass
        steps += _BLOCK
    return steps


#: Seconds of one window of the ceiling probe: short enough that a round's
#: two windows see the machine alike, long enough to count a fair number of
#: steps (the clock is read every ``_BLOCK`` steps, about 0.1 ms).
_WINDOW = 0.05


def window_plan(rounds: int) -> list[bool]:
    """Which windows all processes count in (True) and which process 0
    counts in alone (False): two a round, alone first in even rounds."""
    rounds = positive_int("rounds", rounds)
    return [
        w
        for r in range(rounds)
        for w in ((False, True) if r % 2 == 0 else (True, False))
    ]


def _pin(cpu: int | None) -> bool:
    """Pin this process to ``cpu``; whether that worked (False where CPUs
    cannot be chosen, or none was given)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return False
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return False
    return True


def _counter(
    index: int,
    cpu: int | None,
    plan: Sequence[bool],
    window: float,
    barrier: Any,
    results: Any,
) -> None:
    """A counting process: pin to ``cpu``; then, for each window of ``plan``,
    wait for all, and count if the window is for all (or this is process 0)."""
    pinned = _pin(cpu)
    for w, together in enumerate(plan):
        barrier.wait(timeout=_START_TIMEOUT)
        if together or index == 0:
            results.put((index, w, _count_for(window), pinned))


def _run_windows(
    cpus: Sequence[int | None], plan: Sequence[bool], window: float
) -> tuple[dict[tuple[int, int], int], bool]:
    """One counter per entry of ``cpus``, started once, counting window by
    window as ``plan`` says: (process, window) -> steps, and all pinned?"""
    ctx = mp_context()
    barrier = ctx.Barrier(len(cpus) + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_counter,
            args=(i, cpu, list(plan), window, barrier, results),
            daemon=True,
        )
        for i, cpu in enumerate(cpus)
    ]
    expected = sum(len(cpus) if together else 1 for together in plan)
    got: dict[tuple[int, int], int] = {}
    pinned = True
    try:
        for proc in procs:
            proc.start()
        for _ in plan:
            barrier.wait(timeout=_START_TIMEOUT)
        for _ in range(expected):
            try:
                index, w, steps, was_pinned = results.get(
                    timeout=window + _START_TIMEOUT
                )
            except queue.Empty:
                raise RuntimeError("a counting process did not report") from None
            got[(index, w)] = steps
            pinned = pinned and was_pinned
        for proc in procs:
            proc.join(timeout=_START_TIMEOUT)
    finally:
        for proc in procs:
            if proc.pid is None:
                continue  # never started
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
            if proc.is_alive():  # pragma: no cover - terminate was ignored
                proc.kill()
                proc.join(timeout=5)
        results.close()
    return got, pinned


def _affinity() -> list[int] | None:
    """The CPUs this process may run on, or None where that cannot be asked."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return None


def ceiling(k: int, *, seconds: float = 1.5) -> Ceiling:
    """How much faster ``k`` CPUs are than one right now (about ``2 * seconds``).

    ``k`` processes are started once, each pinned to its own CPU of this
    process's affinity set (unpinned where the platform cannot pin; ``note``
    says so). Then paired rounds of two short windows each, in alternating
    order: process 0 counts loop steps alone, and all ``k`` count together;
    ``seconds`` of each kind in all. ``ratio`` is the median over rounds of
    the steps together over the steps alone: the best a ``k``-worker
    CPU-bound speed-up can be at this moment. Round by round, so that the
    machine's swings of speed (a CPU's pace moves by a third within a
    second on a shared machine) hit both sides of each ratio alike.
    """
    k = positive_int("k", k)
    seconds = positive_float("seconds", seconds)
    allowed = _affinity()
    count = len(allowed) if allowed is not None else (os.cpu_count() or 1)
    if k > count:
        raise ValueError(f"k ({k}) must be at most the {count} CPUs available")
    chosen: list[int | None] = list(allowed[:k]) if allowed else [None] * k
    window = min(_WINDOW, seconds)
    rounds = max(1, round(seconds / window))
    plan = window_plan(rounds)
    steps, pinned_all = _run_windows(chosen, plan, window)
    singles, togethers = [], []
    for w, together in enumerate(plan):
        if together:
            togethers.append([steps[(i, w)] for i in range(k)])
        else:
            singles.append(steps[(0, w)])
    ratios = tuple(
        ceiling_from_counts(one, many)
        for one, many in zip(singles, togethers, strict=True)
    )
    slowest = tuple(
        slowest_from_counts(one, many)
        for one, many in zip(singles, togethers, strict=True)
    )
    pinned = allowed is not None and pinned_all
    note = (
        f"pinned to CPUs {', '.join(str(c) for c in chosen)}"
        if pinned
        else "not pinned (the platform could not pin processes to CPUs)"
    )
    return Ceiling(
        k=k,
        seconds=seconds,
        single=sum(singles),
        many=tuple(sum(t[i] for t in togethers) for i in range(k)),
        ratio=statistics.median(ratios),
        pinned=pinned,
        cpus=tuple(c for c in chosen if c is not None) if pinned else (),
        note=note,
        window=window,
        ratios=ratios,
        slowest=slowest,
    )
