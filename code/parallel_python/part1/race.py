"""Part 1: a race condition, measured, and its cure (a lock).

Several threads add one to a shared counter many times. Each update is a
read-modify-write: read the value, compute the new one, write it back. If
another thread writes between one thread's read and its write, that thread
writes back a stale value and an update is lost.

* :func:`run_race` - the same updates done three ways: read, call, write
  with no lock (updates are lost), the same under a :class:`threading.Lock`
  (none are lost), and the naive ``counter.value += 1`` (which current
  CPython with the GIL happens not to interrupt, so it usually loses none:
  not a guarantee, and not true of free-threaded builds).

To make the race show up on every run, the experiment shortens the
interpreter's switch interval (``sys.setswitchinterval``) and puts a Python
function call between the read and the write; the interval is restored
afterwards, even if a thread fails.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass

from ..core.machine import gil_enabled
from ..core.validate import positive_float, positive_int


class Counter:
    """A shared counter: one attribute that threads update."""

    def __init__(self) -> None:
        self.value = 0


def add_one(value: int) -> int:
    """The "modify" step, as a Python call (a point where threads may switch)."""
    return value + 1


def increment_unsafe(counter: Counter, times: int) -> None:
    """Read, modify, write with nothing to stop another thread in
    between."""
    for _ in range(times):
        current = counter.value  # read
        # modify (a call: the thread may switch here)
        current = add_one(current)
        # write: overwrites what others wrote meanwhile
        counter.value = current


def increment_locked(
    counter: Counter,
    times: int,
    lock: threading.Lock,
) -> None:
    """The same read, modify, write, holding a lock around the three
    steps."""
    for _ in range(times):
        with lock:
            current = counter.value
            current = add_one(current)
            counter.value = current


def increment_naive(counter: Counter, times: int) -> None:
    """``counter.value += 1``: several bytecode steps, not guaranteed atomic."""
    for _ in range(times):
        counter.value += 1


@dataclass(frozen=True)
class RaceTrial:
    """One run of ``threads`` threads, each adding one ``increments`` times."""

    final: int
    lost: int
    seconds: float


@dataclass(frozen=True)
class Race:
    """Lost updates without a lock, with a lock, and with a naive ``+= 1``.

    ``expected`` is ``threads * increments``; each trial's ``lost`` is
    ``expected - final``. ``switch_interval`` is the interval used during the
    runs (seconds); ``restored_interval`` the one in force afterwards.
    """

    threads: int
    increments: int
    trials: int
    expected: int
    switch_interval: float
    restored_interval: float
    unsafe: tuple[RaceTrial, ...]
    locked: tuple[RaceTrial, ...]
    naive: tuple[RaceTrial, ...]
    python: str
    gil_enabled: bool

    @property
    def lost_unsafe(self) -> tuple[int, ...]:
        return tuple(t.lost for t in self.unsafe)

    @property
    def lost_locked(self) -> tuple[int, ...]:
        return tuple(t.lost for t in self.locked)

    @property
    def lost_naive(self) -> tuple[int, ...]:
        return tuple(t.lost for t in self.naive)

    @property
    def lost_fraction_max(self) -> float:
        """The largest share of updates lost without a lock (0 to 1)."""
        return max(self.lost_unsafe) / self.expected

    @property
    def lost_fraction_min(self) -> float:
        """The smallest share of updates lost without a lock (0 to 1)."""
        return min(self.lost_unsafe) / self.expected


def after_barrier(barrier: threading.Barrier, target, *args) -> None:
    """Wait until every thread is ready, then run ``target(*args)``: the
    threads start their loops together, even on a busy machine."""
    barrier.wait()
    target(*args)


def _run_threads(target, args: tuple, threads: int, expected: int) -> RaceTrial:
    counter = Counter()
    barrier = threading.Barrier(threads)
    workers = [
        threading.Thread(
            target=after_barrier,
            args=(barrier, target, counter, *args),
            name=f"adder-{i}",
        )
        for i in range(threads)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - start
    return RaceTrial(
        final=counter.value, lost=expected - counter.value, seconds=seconds
    )


def run_race(
    threads: int = 4,
    increments: int = 50_000,
    *,
    trials: int = 3,
    switch_interval: float = 1e-6,
) -> Race:
    """Count lost updates: ``threads`` threads each add one ``increments`` times.

    Each of the three ways (no lock, lock, naive ``+= 1``) runs ``trials``
    times with the switch interval set to ``switch_interval`` seconds; the
    previous interval is restored before returning.
    """
    threads = positive_int("threads", threads)
    increments = positive_int("increments", increments)
    trials = positive_int("trials", trials)
    switch_interval = positive_float("switch_interval", switch_interval)
    expected = threads * increments
    previous = sys.getswitchinterval()
    sys.setswitchinterval(switch_interval)
    try:
        in_force = sys.getswitchinterval()
        unsafe = tuple(
            _run_threads(increment_unsafe, (increments,), threads, expected)
            for _ in range(trials)
        )
        locked = tuple(
            _run_threads(
                increment_locked, (increments, threading.Lock()), threads, expected
            )
            for _ in range(trials)
        )
        naive = tuple(
            _run_threads(increment_naive, (increments,), threads, expected)
            for _ in range(trials)
        )
    finally:
        sys.setswitchinterval(previous)
    return Race(
        threads=threads,
        increments=increments,
        trials=trials,
        expected=expected,
        switch_interval=in_force,
        restored_interval=sys.getswitchinterval(),
        unsafe=unsafe,
        locked=locked,
        naive=naive,
        python=sys.version.split()[0],
        gil_enabled=gil_enabled(),
    )
