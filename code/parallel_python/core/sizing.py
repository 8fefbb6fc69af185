"""Work sized by time: how many repetitions make a call long enough to time.

:func:`calibrate` sizes a call to a target duration on the machine at hand
(with a cap, so slow machines stay in budget); :func:`probe_spread` reads how
steady one core is right now, between rounds, never beside timed work.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .timing import Timing
from .validate import positive_float, positive_int


def calibrate(
    fn: Callable[[int], object],
    *,
    target_seconds: float = 0.1,
    start: int = 1,
    cap: int = 10**9,
    clock: Callable[[], float] = time.perf_counter,
) -> int:
    """Repetitions ``reps`` such that ``fn(reps)`` lasts about ``target_seconds``.

    Doubles ``reps`` from ``start`` until one call lasts at least a quarter of
    the target, then scales linearly to the target; never above ``cap`` (and
    at least 1, which may be below ``start`` when ``fn(start)`` is too long).
    Warm ``fn`` up first if its first call is slow (imports, compilation).
    """
    if not callable(fn):
        raise ValueError(f"fn must be a function of the repetitions, got {fn!r}")
    target_seconds = positive_float("target_seconds", target_seconds)
    start = positive_int("start", start)
    cap = positive_int("cap", cap)
    if cap < start:
        raise ValueError(f"cap ({cap}) must be >= start ({start})")
    reps = start
    while True:
        began = clock()
        fn(reps)
        seconds = clock() - began
        if seconds > 0 and seconds >= target_seconds / 4:
            return max(1, min(cap, round(reps * target_seconds / seconds)))
        if reps >= cap:
            return cap
        reps = min(cap, reps * 2)


def spin(reps: int) -> int:
    """Pure-Python work, a worker function too: add up 0 .. reps-1 in a loop."""
    total = 0
    for i in range(reps):
        total += i
    return total


def probe_spread(
    samples: int = 5,
    seconds: float = 0.02,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """How steady one core is right now: (slowest - fastest) / fastest.

    Times ``samples`` runs of a pure-Python loop sized to last about
    ``seconds`` each. Run it between rounds, never beside timed work: it
    occupies one CPU for about ``samples * seconds`` (plus its sizing).
    """
    samples = positive_int("samples", samples)
    seconds = positive_float("seconds", seconds)
    reps = calibrate(spin, target_seconds=seconds, cap=10**8, clock=clock)
    taken = []
    for _ in range(samples):
        began = clock()
        spin(reps)
        taken.append(clock() - began)
    return Timing(times=tuple(taken), warmup=0).spread
