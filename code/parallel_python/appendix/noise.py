"""Appendix: how steady is this machine, and why the minimum of short runs misleads.

:func:`run_noise` does three things, all inside one disturbance
:class:`~parallel_python.core.meter.Meter`:

1. a single-core probe: pure-Python loop steps counted in consecutive windows
   of ``window`` seconds, in this process, for ``seconds`` seconds
   (:class:`Probe`);
2. a short pure-Python task timed alone in this process and as two copies in a
   pool of two worker processes, round by round in rotating order
   (:class:`PairRounds`), so that two estimates of "how much faster are two
   processes than one" can be set side by side: the minimum over the minimum,
   and the median of the per-round ratios with its interval. Skipped (None)
   when fewer than two CPUs are available.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..core.config import start_method
from ..core.machine import available_cpus
from ..core.meter import Disturbance, Meter
from ..core.pools import process_pool
from ..core.protocol import Ratio, measure_paired, ratio_from
from ..core.sizing import calibrate, spin
from ..core.validate import positive_float, positive_int

#: Loop steps between two looks at the clock while counting.
BLOCK = 1_000
#: The most windows one probe may hold.
MAX_WINDOWS = 10_000
#: Processes (and copies of the task) in the comparison.
PAIR = 2


@dataclass(frozen=True)
class Probe:
    """One CPU's pure-Python speed, window by window.

    ``starts``: when each window began, seconds since the probe began;
    ``rates``: loop steps per second counted in that window; ``window``: the
    length asked for, seconds (each window ends at the first look at the clock
    past it, so it may last a few microseconds longer; its rate uses its real
    length).
    """

    window: float
    starts: tuple[float, ...]
    rates: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.rates or len(self.starts) != len(self.rates):
            raise ValueError(
                f"a probe needs one start per rate and at least one window, got "
                f"{len(self.starts)} starts and {len(self.rates)} rates"
            )

    @property
    def low(self) -> float:
        """The slowest window, loop steps per second."""
        return min(self.rates)

    @property
    def high(self) -> float:
        """The fastest window, loop steps per second."""
        return max(self.rates)

    @property
    def median(self) -> float:
        """The median window, loop steps per second."""
        return statistics.median(self.rates)

    @property
    def swing(self) -> float:
        """(fastest - slowest) / median: 0.3 means the windows varied by 30 %."""
        return (self.high - self.low) / self.median


@dataclass(frozen=True)
class PairRounds:
    """A task timed alone and as two copies in two processes, in paired rounds.

    ``alone[i]`` and ``pair[i]`` (seconds) come from round ``i``; ``reps``:
    the loop steps of one task; ``start_method``: how the workers started.
    """

    reps: int
    alone: tuple[float, ...]
    pair: tuple[float, ...]
    start_method: str

    def __post_init__(self) -> None:
        if not self.alone or len(self.alone) != len(self.pair):
            raise ValueError(
                f"paired rounds need as many times alone as in pairs (at least "
                f"one), got {len(self.alone)} and {len(self.pair)}"
            )

    @property
    def rounds(self) -> int:
        return len(self.alone)

    @property
    def task_seconds(self) -> float:
        """The median time of one task alone, seconds."""
        return statistics.median(self.alone)

    @property
    def ratios(self) -> tuple[float, ...]:
        """Each round's work rate of two processes over one: 2 × alone / pair."""
        return tuple(PAIR * a / p for a, p in zip(self.alone, self.pair, strict=True))

    @property
    def ratio(self) -> Ratio:
        """The median of the per-round ratios, with its 90 % interval."""
        return ratio_from(self.ratios)

    @property
    def min_over_min(self) -> float:
        """2 × fastest alone / fastest pair: the biased estimate."""
        return PAIR * min(self.alone) / min(self.pair)

    @property
    def median_over_median(self) -> float:
        """2 × median alone / median pair (the minimum over the minimum is this
        times ``(1 - alone_luck) / (1 - pair_luck)``)."""
        return PAIR * statistics.median(self.alone) / statistics.median(self.pair)

    @property
    def alone_luck(self) -> float:
        """How much faster the fastest run alone was than the median one (0.1: 10 %)."""
        return 1 - min(self.alone) / statistics.median(self.alone)

    @property
    def pair_luck(self) -> float:
        """How much faster the fastest pair was than the median pair (0.1: 10 %)."""
        return 1 - min(self.pair) / statistics.median(self.pair)


@dataclass(frozen=True)
class Noise:
    """What :func:`run_noise` saw (times in seconds).

    ``comparison`` is None when fewer than two CPUs were available;
    ``disturbance`` is the meter's reading over the whole run.
    """

    seconds: float
    window: float
    short_task: float
    cpus: int
    probe: Probe
    comparison: PairRounds | None
    disturbance: Disturbance


def probe_windows(
    seconds: float, window: float, *, clock: Callable[[], float] = time.perf_counter
) -> Probe:
    """Count loop steps in ``round(seconds / window)`` back-to-back windows."""
    count = max(1, round(seconds / window))
    starts, rates = [], []
    began = start = clock()
    for _ in range(count):
        end = start + window
        steps = 0
        while True:  # at least one block, so no window counts nothing
            for _ in range(BLOCK):
                pass
            steps += BLOCK
            now = clock()
            if now >= end:
                break
        starts.append(start - began)
        rates.append(steps / (now - start))
        start = now
    return Probe(window=window, starts=tuple(starts), rates=tuple(rates))


def _in_two(pool, reps: int) -> None:
    pool.map(spin, (reps,) * PAIR, chunksize=1)


def pair_rounds(
    short_task: float, rounds: int, *, clock: Callable[[], float] = time.perf_counter
) -> PairRounds:
    """Time a task of about ``short_task`` seconds alone and two at once.

    One untimed call of each first; then exactly ``rounds`` paired rounds
    (``core.protocol.measure_paired``), alone first in even rounds and second
    in odd ones. The
    pool of two workers is started before and joined after.
    """
    reps = calibrate(spin, target_seconds=short_task, clock=clock)
    with process_pool(PAIR) as pool:
        paired = measure_paired(
            {"alone": lambda: spin(reps), "pair": lambda: _in_two(pool, reps)},
            baseline="alone",
            min_rounds=rounds,
            max_rounds=rounds,  # exactly ``rounds``: this page shows every one
            budget_seconds=1e9,
            clock=clock,
        )
    alone, pair = paired.times["alone"].times, paired.times["pair"].times
    return PairRounds(reps=reps, alone=alone, pair=pair, start_method=start_method())


def run_noise(
    seconds: float = 2.0,
    window: float = 0.1,
    short_task: float = 0.02,
    pairs: int = 20,
) -> Noise:
    """Probe one CPU's speed for ``seconds`` in ``window``-second windows, then
    time a ``short_task``-second task in ``pairs`` paired rounds (alone, two in
    two processes; only with two CPUs or more), under a disturbance meter.

    About ``seconds + 2.5 * pairs * short_task`` seconds, plus starting two
    processes.
    """
    seconds = positive_float("seconds", seconds)
    window = positive_float("window", window)
    short_task = positive_float("short_task", short_task)
    pairs = positive_int("pairs", pairs)
    if window > seconds:
        raise ValueError(
            f"window ({window} s) must be at most seconds ({seconds} s): the probe "
            f"needs at least one whole window"
        )
    if seconds / window > MAX_WINDOWS:
        raise ValueError(
            f"seconds / window must give at most {MAX_WINDOWS} windows, got "
            f"{seconds / window:.0f}; use a longer window"
        )
    cpus = available_cpus()
    meter = Meter()
    with meter:
        probe = probe_windows(seconds, window)
        comparison = pair_rounds(short_task, pairs) if cpus >= PAIR else None
    return Noise(
        seconds=seconds,
        window=window,
        short_task=short_task,
        cpus=cpus,
        probe=probe,
        comparison=comparison,
        disturbance=meter.result,
    )
