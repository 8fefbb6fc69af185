"""Work sized by time: how many repetitions make a call long enough to time.

:func:`calibrate` sizes a call to a target duration on the machine at hand
(with a cap, so slow machines stay in budget); :func:`sized_calls` does it
for every case of a comparison at once; :func:`probe_spread` reads how steady
one core is right now, between rounds, never beside timed work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from .timing import Timing
from .validate import positive_float, positive_int

#: Seconds a timed call of a comparison lasts at least (:func:`sized_calls`):
#: long enough that starting threads or waking a CPU weighs little.
SHORTEST_CALL = 0.05


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


def sized_calls(
    cases: Mapping[str, Callable[[], object]],
    *,
    target_seconds: float = SHORTEST_CALL,
    cap: int = 1000,
) -> tuple[dict[str, Callable[[], object]], dict[str, int]]:
    """Each case sized to last at least ``target_seconds`` per timed call.

    Returns the cases to time (a case faster than the target runs its
    function as many times as :func:`calibrate` finds, in one call) and
    those counts, for ``measure_paired(..., calls=...)``, which then records
    times per single run of the function.
    """
    calls = {
        name: calibrate(
            lambda r, fn=fn: [fn() for _ in range(r)],
            target_seconds=target_seconds,
            cap=cap,
        )
        for name, fn in cases.items()
    }
    sized = {
        name: (
            fn
            if calls[name] == 1
            else lambda fn=fn, r=calls[name]: [fn() for _ in range(r)]
        )
        for name, fn in cases.items()
    }
    return sized, calls


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
