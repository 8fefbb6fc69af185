"""The one timing harness every experiment uses.

``measure(fn)`` calls ``fn`` a few times to warm up (caches, thread pools,
lazy imports), then times ``repeats`` calls with :func:`time.perf_counter`
and returns a :class:`Timing`: all the raw times (seconds) plus the minimum,
median and spread. The minimum is the best estimate of what the work costs;
the median and the spread say how noisy the machine was.

Every timed call runs with Python's cyclic garbage collector paused
(:func:`timed_call`), as :mod:`timeit` does: in a notebook kernel, whose
imports leave a large heap, one full collection took 39-49 ms on the build
machine, and it fell into one round of one way (100 asyncio tasks: 30 ms
instead of 17 ms a fetch of all the URLs). Paused, the collection runs
between the timed calls instead.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import TypeVar

from .validate import non_negative_int, positive_int


@dataclass(frozen=True)
class Timing:
    """Wall-clock times of repeated calls, in seconds."""

    times: tuple[float, ...]
    warmup: int

    def __post_init__(self) -> None:
        if not self.times:
            raise ValueError("a Timing needs at least one measured time")

    @property
    def repeats(self) -> int:
        """How many calls were timed (warm-up calls not counted)."""
        return len(self.times)

    @property
    def best(self) -> float:
        """The fastest call, seconds: the least disturbed estimate of the cost."""
        return min(self.times)

    @property
    def median(self) -> float:
        """The median call, seconds."""
        return statistics.median(self.times)

    @property
    def worst(self) -> float:
        """The slowest call, seconds."""
        return max(self.times)

    @property
    def spread(self) -> float:
        """(slowest - fastest) / fastest: 0.1 means the runs varied by 10 %."""
        return (self.worst - self.best) / self.best if self.best > 0 else 0.0

    def to_dict(self) -> dict[str, object]:
        return {"times": list(self.times), "warmup": self.warmup}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Timing:
        times = data["times"]
        if not isinstance(times, list):
            raise ValueError("a timing's 'times' must be a list of seconds")
        return cls(times=tuple(float(t) for t in times), warmup=int(data["warmup"]))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, in this whole process, and
    restore it as it was (left off if it was off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def timed_call(
    fn: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> float:
    """Seconds one call of ``fn()`` took, with the collector paused."""
    with gc_paused():
        start = clock()
        fn()
        return clock() - start


def measure(fn: Callable[[], object], *, repeats: int = 5, warmup: int = 1) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then ``repeats`` timed ones."""
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    for _ in range(warmup):
        fn()
    times = [timed_call(fn) for _ in range(repeats)]
    return Timing(times=tuple(times), warmup=warmup)


K = TypeVar("K", bound=Hashable)


def measure_rounds(
    cases: Mapping[K, Callable[[], object]],
    *,
    repeats: int = 5,
    warmup: int = 1,
    context: Callable[[K], AbstractContextManager[object]] | None = None,
) -> dict[K, Timing]:
    """Time several cases in rounds, so a busy spell hits them all alike.

    Each of the ``repeats`` rounds runs every case once, inside
    ``context(key)`` if given (e.g. a thread limit), after ``warmup`` untimed
    calls in that same context; round ``r`` starts with case ``r mod
    len(cases)`` and wraps round, so no case always goes first. Comparing
    cases measured this way is fairer than timing one case fully, then the
    next: a neighbour that wakes up for a second slows one round of every
    case instead of one whole case. (Rounds that adapt to the noise, with
    intervals: :func:`parallel_python.core.protocol.measure_paired`.)
    """
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    if not cases:
        raise ValueError("cases must name at least one function to time")
    times: dict[K, list[float]] = {key: [] for key in cases}
    keys = list(cases)
    for r in range(repeats):
        start = r % len(keys)
        for key in keys[start:] + keys[:start]:
            with context(key) if context is not None else nullcontext():
                times[key].extend(measure(cases[key], repeats=1, warmup=warmup).times)
    return {key: Timing(times=tuple(t), warmup=warmup) for key, t in times.items()}
