"""Probes of the machine itself: its parallel ceiling and how busy others keep it.

:func:`ceiling` measures how much faster ``k`` CPUs are than one *right now*
(pinned pure-Python counters); :class:`Meter` measures, around an experiment,
how much CPU time went to work other than our own process tree. Both return
frozen dataclasses that store in result files. The arithmetic of each is a
pure function (:func:`ceiling_from_counts`, :func:`disturbance_from`).
"""

from __future__ import annotations

import os
import queue
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from .config import mp_context
from .validate import non_negative_int, positive_float, positive_int

#: Seconds a counting process may take to start (spawn on a busy machine).
_START_TIMEOUT = 60.0
#: Loop steps between two looks at the clock in a counting process.
_BLOCK = 10_000
#: Per-CPU time fields that are not work (guest time is already in user/nice).
_NOT_BUSY = ("idle", "iowait", "steal", "guest", "guest_nice")


# -- the ceiling ---------------------------------------------------------------


@dataclass(frozen=True)
class Ceiling:
    """``k`` counting processes against one, in paired windows.

    Each round has two windows of ``window`` seconds, in alternating order:
    process 0 counts alone, and all ``k`` count together. ``ratios`` holds
    each round's total steps together over the steps alone; ``ratio`` is
    their median, as for every speed-up in the book. ``single`` and ``many``
    are the steps counted alone and by each process together, over all
    rounds; ``cpus`` the CPUs the counters were pinned to (empty when
    unpinned).
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


def ceiling_from_counts(single: int, many: Sequence[int]) -> float:
    """How many times one process's steps ``k`` processes made together."""
    single = positive_int("single", single)
    if not many:
        raise ValueError("many must hold the step count of at least one process")
    return sum(non_negative_int("each of many", m) for m in many) / single


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
    pinned = False
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {cpu})
            pinned = True
        except OSError:
            pinned = False
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
    )


# -- the disturbance meter -----------------------------------------------------


@dataclass(frozen=True)
class Disturbance:
    """CPU time others took during a window, in CPUs (1.0 = one CPU all along).

    ``other_cpus``: busy time of our CPUs not spent by our own process tree;
    ``steal_cpus``: time the hypervisor gave to other machines. None: the
    reading was not available (``note`` says why).
    """

    seconds: float
    other_cpus: float | None
    steal_cpus: float | None
    note: str


def _busy(times: Mapping[str, float]) -> float:
    """Seconds a CPU worked (all fields but idle, iowait, steal and guest)."""
    return sum(v for k, v in times.items() if k not in _NOT_BUSY)


#: Seconds a metered window must last for a reading: per-CPU times tick in
#: hundredths of a second (a 61 ms run once read "0.33 CPUs" of other work).
SHORTEST_WINDOW = 0.5


def disturbance_from(
    before: Sequence[Mapping[str, float]] | None,
    after: Sequence[Mapping[str, float]] | None,
    own_before: float | None,
    own_after: float | None,
    seconds: float,
    cpus: Sequence[int] | None,
) -> Disturbance:
    """The :class:`Disturbance` of a window from two sets of readings.

    ``before``/``after``: per-CPU times in seconds (``psutil.cpu_times(
    percpu=True)`` as dicts), None if unavailable; ``own_*``: CPU seconds of
    our process tree; ``cpus``: indices of our CPUs (None: all). A window
    under :data:`SHORTEST_WINDOW` gets no reading. When the CPU
    ids do not fit the readings (a container whose /proc/stat numbers CPUs its
    own way), all readings are used if there are exactly as many, else None.
    """
    seconds = positive_float("seconds", seconds)
    if seconds < SHORTEST_WINDOW:
        note = f"too short: per-CPU times need {SHORTEST_WINDOW} s or more"
        return Disturbance(seconds, None, None, note)
    if before is None or after is None:
        return Disturbance(seconds, None, None, "per-CPU times not available")
    if len(before) != len(after) or not before:
        return Disturbance(seconds, None, None, "the number of CPUs changed")
    n = len(before)
    note = "all CPUs"
    if cpus is None:
        chosen = list(range(n))
    elif all(0 <= c < n for c in cpus):
        chosen = list(cpus)
        note = f"CPUs {', '.join(str(c) for c in chosen)}"
    elif len(cpus) == n:
        chosen = list(range(n))
        note = "all CPUs (numbered differently from the affinity set)"
    else:
        return Disturbance(
            seconds, None, None, "the affinity set cannot be matched to per-CPU times"
        )
    steal = None
    if all("steal" in before[c] and "steal" in after[c] for c in chosen):
        steal = sum(after[c]["steal"] - before[c]["steal"] for c in chosen) / seconds
        steal = max(0.0, steal)
    if own_before is None or own_after is None:
        return Disturbance(seconds, None, steal, note + "; own CPU time not available")
    busy = sum(_busy(after[c]) - _busy(before[c]) for c in chosen)
    other = max(0.0, (busy - (own_after - own_before)) / seconds)
    return Disturbance(seconds, other, steal, note)


def _cpu_readings() -> list[dict[str, float]] | None:
    import psutil

    try:
        return [t._asdict() for t in psutil.cpu_times(percpu=True)]
    except (OSError, psutil.Error, NotImplementedError):
        return None


def _own_tree_seconds() -> float | None:
    """CPU seconds of this process, its reaped children and its live descendants.

    Per pid, so no process counts twice. A child that exits and is reaped
    (waited for) moves into ``children_user``/``children_system``; one whose
    parent never reaps it, or that outlives its parent, is lost.
    """
    import psutil

    try:
        me = psutil.Process()
        per_pid = {me.pid: me.cpu_times()}
        for child in me.children(recursive=True):
            try:
                per_pid[child.pid] = child.cpu_times()
            except (psutil.NoSuchProcess, psutil.ZombieProcess):
                continue  # gone: its time shows once reaped
    except psutil.AccessDenied:
        return None
    return sum(
        t.user
        + t.system
        + getattr(t, "children_user", 0.0)
        + getattr(t, "children_system", 0.0)
        for t in per_pid.values()
    )


class Meter:
    """Measures the disturbance around a window: ``with Meter() as m: ...``.

    ``m.result`` (a :class:`Disturbance`) after the block. Limits: per-CPU
    times tick in 1/100 s, so windows under a second are coarse; descendants
    that daemonise, or exit unreaped by their parent, are counted as "other";
    a CPU quota (cgroup ``cpu.max``) is not seen, only the affinity set.
    """

    def __init__(self, *, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._result: Disturbance | None = None

    def __enter__(self) -> Meter:
        self._cpus = _affinity()
        self._before = _cpu_readings()
        self._own = _own_tree_seconds()
        self._start = self._clock()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        seconds = max(self._clock() - self._start, 1e-9)
        own = _own_tree_seconds()
        after = _cpu_readings()
        self._result = disturbance_from(
            self._before, after, self._own, own, seconds, self._cpus
        )

    @property
    def result(self) -> Disturbance:
        """The disturbance measured; an error before the ``with`` block ends."""
        if self._result is None:
            raise RuntimeError("the meter has no result until its with-block ends")
        return self._result
