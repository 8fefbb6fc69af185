"""The disturbance meter: how busy other work kept this machine's CPUs.

:class:`Meter` measures, around an experiment, how much CPU time went to
work other than our own process tree, and the CPUs' steal time; it returns
a frozen :class:`Disturbance` that stores in result files, and its
arithmetic is a pure function (:func:`disturbance_from`). The machine's
parallel ceiling is measured in :mod:`.ceiling`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

from .ceiling import _affinity
from .validate import positive_float

#: Per-CPU time fields that are not work (guest time is already in user/nice).
_NOT_BUSY = ("idle", "iowait", "steal", "guest", "guest_nice")


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
