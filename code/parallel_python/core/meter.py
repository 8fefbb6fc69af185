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
    """``k`` counting processes against one: ``ratio`` = total steps / single steps.

    ``single`` and ``many`` are loop steps counted in ``seconds`` each;
    ``cpus`` the CPUs the counters were pinned to (empty when unpinned).
    """

    k: int
    seconds: float
    single: int
    many: tuple[int, ...]
    ratio: float
    pinned: bool
    cpus: tuple[int, ...]
    note: str


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


def _counter(
    index: int, cpu: int | None, seconds: float, barrier: Any, results: Any
) -> None:
    """A counting process: pin to ``cpu``, wait for all, count, report."""
    pinned = False
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {cpu})
            pinned = True
        except OSError:
            pinned = False
    barrier.wait(timeout=_START_TIMEOUT)
    results.put((index, _count_for(seconds), pinned))


def _run_counters(cpus: Sequence[int | None], seconds: float) -> tuple[list[int], bool]:
    """Start one counter per entry of ``cpus`` at once; their steps, all pinned?"""
    ctx = mp_context()
    barrier = ctx.Barrier(len(cpus) + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_counter, args=(i, cpu, seconds, barrier, results), daemon=True
        )
        for i, cpu in enumerate(cpus)
    ]
    try:
        for proc in procs:
            proc.start()
        barrier.wait(timeout=_START_TIMEOUT)
        got: dict[int, tuple[int, bool]] = {}
        for _ in procs:
            try:
                index, steps, pinned = results.get(timeout=seconds + _START_TIMEOUT)
            except queue.Empty:
                raise RuntimeError("a counting process did not report") from None
            got[index] = (steps, pinned)
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
    steps = [got[i][0] for i in range(len(cpus))]
    return steps, all(got[i][1] for i in range(len(cpus)))


def _affinity() -> list[int] | None:
    """The CPUs this process may run on, or None where that cannot be asked."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return None


def ceiling(k: int, *, seconds: float = 1.5) -> Ceiling:
    """How much faster ``k`` CPUs are than one right now (about ``2 * seconds``).

    One process counts loop steps alone for half of ``seconds``, then ``k``
    processes count together for ``seconds``, each pinned to its own CPU of
    this process's affinity set (unpinned where the platform cannot pin;
    ``note`` says so), then one alone again for the other half. ``ratio`` is
    their total over the two single counts added: the best a ``k``-worker
    CPU-bound speed-up can be at this moment.
    """
    k = positive_int("k", k)
    seconds = positive_float("seconds", seconds)
    allowed = _affinity()
    count = len(allowed) if allowed is not None else (os.cpu_count() or 1)
    if k > count:
        raise ValueError(f"k ({k}) must be at most the {count} CPUs available")
    chosen: list[int | None] = list(allowed[:k]) if allowed else [None] * k
    # one process alone for half the time before the k and half after, so a
    # drift of the machine's speed during the probe hits both sides alike
    before, pinned_before = _run_counters(chosen[:1], seconds / 2)
    many, pinned_all = _run_counters(chosen, seconds)
    after, pinned_after = _run_counters(chosen[:1], seconds / 2)
    single = [before[0] + after[0]]
    pinned_one = pinned_before and pinned_after
    pinned = allowed is not None and pinned_one and pinned_all
    note = (
        f"pinned to CPUs {', '.join(str(c) for c in chosen)}"
        if pinned
        else "not pinned (the platform could not pin processes to CPUs)"
    )
    return Ceiling(
        k=k,
        seconds=seconds,
        single=single[0],
        many=tuple(many),
        ratio=ceiling_from_counts(single[0], many),
        pinned=pinned,
        cpus=tuple(c for c in chosen if c is not None) if pinned else (),
        note=note,
    )


def ceiling_for(workers: int, seconds: float | None) -> Ceiling | None:
    """The ceiling for ``workers`` parallel workers on this process's CPUs (at
    most as many CPUs as it may use), probed for ``seconds``; None when no
    probe is asked for (``seconds`` None) or only one CPU is available."""
    workers = positive_int("workers", workers)
    if seconds is None:
        return None
    seconds = positive_float("probe_seconds", seconds)
    allowed = _affinity()
    cpus = len(allowed) if allowed is not None else (os.cpu_count() or 1)
    if cpus < 2 or workers < 2:
        return None
    return ceiling(min(workers, cpus), seconds=seconds)


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
    our process tree; ``cpus``: indices of our CPUs (None: all). When the CPU
    ids do not fit the readings (a container whose /proc/stat numbers CPUs its
    own way), all readings are used if there are exactly as many, else None.
    """
    seconds = positive_float("seconds", seconds)
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
