"""Part B: numerical integration split into chunks over processes.

* :func:`integrate` - the midpoint rule, ``n`` points, serial.
* :func:`chunk_bounds` - split ``range(n)`` into contiguous pieces, each
  index in exactly one piece.
* :func:`integrate_parallel` - the same sum, its chunks computed by a pool.
* :func:`run_integration_error` - the error against the exact integral.
* :func:`run_integration_sweep` - speed-up and efficiency with 1 to twice
  the CPUs processes, each pool started (and timed) before the map is timed,
  plus Amdahl's serial fraction fitted to the points with p <= CPUs.

The serial and the parallel version add the same chunk sums in the same
order, so their answers are equal to the last bit, for any number of
processes: floating-point addition is not associative, so a different split
would change the last digits.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing.pool import Pool
from numbers import Real

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.config import start_method
from ..core.machine import available_cpus, worker_counts
from ..core.meter import Disturbance, Meter
from ..core.pinning import in_new_threads
from ..core.pools import baseline_on_one_cpu, pin_to_first_cpu, process_pool
from ..core.protocol import Ratio, measure_paired, paired_ratio
from ..core.results import find
from ..core.timing import Timing
from ..core.validate import positive_float, positive_int, positive_ints
from .amdahl import AmdahlFit, fit_serial_fraction
from .tasks import identity

#: Chunks the book's integration is split into, whatever the process count
#: (divisible by 1, 2, 3, 4, 6 and 8, so those counts get equal shares).
DEFAULT_CHUNKS = 24


def four_over_one_plus_x2(x: float) -> float:
    """The integrand 4 / (1 + x^2): its integral from 0 to 1 is pi."""
    return 4.0 / (1.0 + x * x)


#: Exact integral of :func:`four_over_one_plus_x2` over [0, 1].
EXACT = math.pi


def _check_interval(a: object, b: object) -> tuple[float, float]:
    for name, value in (("a", a), ("b", b)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(f"{name} must be a number, got {value!r}")
        if not math.isfinite(float(value)):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if a > b:  # type: ignore[operator]
        raise ValueError(
            f"a must not exceed b (the interval is [a, b]), got a={a}, b={b}"
        )
    return float(a), float(b)  # type: ignore[arg-type]


def chunk_bounds(n: int, chunks: int) -> tuple[tuple[int, int], ...]:
    """Split ``range(n)`` into ``min(chunks, n)`` contiguous ``(start, stop)`` pieces.

    Sizes differ by at most one; together they cover ``0 .. n-1`` exactly once.
    """
    n = positive_int("n", n)
    chunks = min(positive_int("chunks", chunks), n)
    size, extra = divmod(n, chunks)
    bounds = []
    start = 0
    for i in range(chunks):
        stop = start + size + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return tuple(bounds)


def partial_sum(
    f: Callable[[float], float],
    a: float,
    h: float,
    start: int,
    stop: int,
) -> float:
    """The worker's task: the sum of f(a + (i + 1/2) h)
    for start <= i < stop, in a plain Python loop."""
    total = 0.0
    for i in range(start, stop):
        total += f(a + (i + 0.5) * h)
    return total


def _star_partial(
    args: tuple[Callable[[float], float], float, float, int, int],
) -> float:
    return partial_sum(*args)


def integration_tasks(
    f: Callable[[float], float], a: object, b: object, n: int, chunks: int
) -> tuple[float, list[tuple[Callable[[float], float], float, float, int, int]]]:
    a, b = _check_interval(a, b)
    n = positive_int("n", n)
    h = (b - a) / n
    return h, [(f, a, h, lo, hi) for lo, hi in chunk_bounds(n, chunks)]


def integrate(
    f: Callable[[float], float],
    a: float,
    b: float,
    n: int,
    *,
    chunks: int = DEFAULT_CHUNKS,
) -> float:
    """Midpoint rule for the integral of ``f`` over ``[a, b]``, ``n`` points, serial.

    The sum is built chunk by chunk (see :func:`chunk_bounds`), in the same
    order as :func:`integrate_parallel` adds its chunks.
    """
    h, tasks = integration_tasks(f, a, b, n, chunks)
    return math.fsum(_star_partial(t) for t in tasks) * h


def integrate_parallel(
    f: Callable[[float], float],
    a: float,
    b: float,
    n: int,
    pool: Pool,
    *,
    chunks: int = DEFAULT_CHUNKS,
) -> float:
    """The same as :func:`integrate`, the chunks computed by
    ``pool.map``, one chunk per message (``chunksize=1``).

    ``f`` must be a top-level function of an importable module:
    it is pickled by name and looked up by every worker.
    """
    h, tasks = integration_tasks(f, a, b, n, chunks)
    # one chunk per message: a free worker takes the next
    return math.fsum(pool.map(_star_partial, tasks, chunksize=1)) * h


# --- the error against the exact answer ---------------------------------------


@dataclass(frozen=True)
class IntegrationError:
    """Midpoint-rule estimates of pi = integral of 4/(1+x^2) on [0, 1]."""

    points: tuple[int, ...]
    estimates: tuple[float, ...]
    exact: float

    @property
    def errors(self) -> tuple[float, ...]:
        return tuple(abs(e - self.exact) for e in self.estimates)


def run_integration_error(
    points: tuple[int, ...] | list[int] = (10, 100, 1000, 10_000),
) -> IntegrationError:
    """The absolute error of the midpoint rule for growing ``n`` (serial; quick)."""
    points = positive_ints("points", points)
    estimates = tuple(integrate(four_over_one_plus_x2, 0.0, 1.0, n) for n in points)
    return IntegrationError(points, estimates, EXACT)


# --- the speed-up sweep --------------------------------------------------------


def process_counts(cpus: int, *, max_points: int = 6) -> tuple[int, ...]:
    """Process counts from 1 to twice ``cpus``: every count when that is short,
    else powers of two plus ``cpus`` (see
    :func:`~parallel_python.core.machine.worker_counts`)."""
    return worker_counts(cpus, max_points=max_points, dense=True)


@dataclass(frozen=True)
class SweepPoint:
    """``processes`` workers: the pool's start-up and the timed maps."""

    processes: int
    startup: float
    timing: Timing
    value: float


@dataclass(frozen=True)
class IntegrationSweep:
    """Integration timed serially and with pools of several sizes."""

    n: int
    chunks: int
    cpus: int
    start_method: str
    serial: Timing
    serial_value: float
    exact: float
    points: tuple[SweepPoint, ...]
    fit: AmdahlFit
    stop_reason: str = ""
    """Why the paired rounds stopped (converged, budget, max_rounds)."""
    ceiling: Ceiling | None = None
    """How much faster the CPUs were together than one alone, between the
    rounds (None: not probed)."""
    disturbance: Disturbance | None = None
    """Other work on this process's CPUs while the maps were timed."""

    @property
    def processes(self) -> tuple[int, ...]:
        return tuple(p.processes for p in self.points)

    def point(self, processes: int) -> SweepPoint:
        return find(self.points, processes=processes)

    def ratio(self, processes: int) -> Ratio:
        """Serial time over the map's time with ``processes``, round by round."""
        return paired_ratio(self.serial, self.point(processes).timing)

    def speedup(self, processes: int) -> float:
        """The median per-round speed-up of the map with ``processes``."""
        return self.ratio(processes).median

    def serial_fraction_range(self) -> tuple[float, float] | None:
        """The serial fractions that the speed-up's 90 % interval at the CPUs
        allows: Amdahl's ``s = (p/S - 1)/(p - 1)`` at both ends, within [0, 1];
        None with fewer than two processes to compare."""
        p = self.processes_at_cpus
        if p < 2:
            return None
        r = self.ratio(p)
        ends = [(p / s - 1) / (p - 1) for s in (r.high, r.low)]
        low, high = (min(max(e, 0.0), 1.0) for e in ends)
        return low, high

    def efficiency(self, processes: int) -> float:
        return self.speedup(processes) / processes

    @property
    def processes_at_cpus(self) -> int:
        """The largest measured process count that does not exceed the CPUs."""
        within = [p for p in self.processes if p <= self.cpus]
        return max(within) if within else min(self.processes)

    @property
    def all_equal(self) -> bool:
        """Did every pool give exactly the serial answer?"""
        return all(p.value == self.serial_value for p in self.points)

    @property
    def error(self) -> float:
        return abs(self.serial_value - self.exact)


def run_integration_sweep(
    n: int = 2_000_000,
    processes: tuple[int, ...] | list[int] | None = None,
    *,
    chunks: int | None = None,
    repeats: int = 7,
    budget: float = 7.0,
    probe_seconds: float | None = 0.8,
) -> IntegrationSweep:
    """Integrate 4/(1+x^2) over [0, 1] with ``n`` points, serially and with pools.

    ``processes`` defaults to :func:`process_counts` of the CPUs available.
    First every pool is started, each start-up timed on its own until the
    pool answers. Then paired rounds (``core.protocol.measure_paired``)
    each time the serial loop once and the map of every pool once, in turn
    first: at least ``repeats`` rounds, more until every speed-up's interval
    is within ±5 % or ``budget`` seconds are spent. With ``probe_seconds``,
    the machine's ceiling for the CPUs used is measured between the rounds
    (:mod:`~parallel_python.core.ceiling_live`, at least that many seconds of
    each kind of window); a meter records
    other work while the maps are timed. The serial loop, and the one-process
    pool's worker, run on the CPU the ceiling's lone counter used
    (``core.pools.baseline_on_one_cpu``).
    ``chunks`` defaults to :data:`DEFAULT_CHUNKS` (or the largest process
    count, if more).
    """
    n = positive_int("n", n)
    cpus = available_cpus()
    counts = positive_ints(
        "processes", process_counts(cpus) if processes is None else processes
    )
    chunks = positive_int(
        "chunks", max(DEFAULT_CHUNKS, max(counts)) if chunks is None else chunks
    )
    repeats = positive_int("repeats", repeats)
    budget = positive_float("budget", budget)
    f = four_over_one_plus_x2
    serial_value = integrate(f, 0.0, 1.0, n, chunks=chunks)
    # counters that probe the ceiling between the rounds (started first)
    probe = live_ceiling_for(max(counts), probe_seconds, per_round=2)
    values: dict[int, list[float]] = {p: [] for p in counts}
    meter = Meter()
    with ExitStack() as stack:
        stack.enter_context(probe)
        pools, startups = {}, {}
        for p in counts:
            t0 = time.perf_counter()
            pools[p] = stack.enter_context(process_pool(p))
            # up when it answers a task that needs this package (as run_pool_startup)
            pools[p].map(identity, range(p), chunksize=1)
            startups[p] = time.perf_counter() - t0
            if p == 1:  # the one-worker check: on the serial loop's CPU
                pin_to_first_cpu(w.pid for w in getattr(pools[p], "_pool", ()))
        cases = {
            # in a new thread at each call: see core.pinning.in_new_threads
            "serial": in_new_threads(lambda: integrate(f, 0.0, 1.0, n, chunks=chunks))
        }
        for p in counts:
            cases[str(p)] = lambda p=p: values[p].append(
                integrate_parallel(f, 0.0, 1.0, n, pools[p], chunks=chunks)
            )
        with meter:
            paired = measure_paired(
                cases,
                baseline="serial",
                min_rounds=repeats,
                budget_seconds=budget,
                # on the ceiling probe's lone CPU, as the speed-ups' ceiling
                context=baseline_on_one_cpu("serial"),
                between=probe.between,
                extend_for=[str(p) for p in counts if 2 <= p <= cpus],
            )
        probed = probe.result()
    points = []
    for p in counts:
        vs = values[p]
        value = vs[0] if all(v == vs[0] for v in vs) else math.nan
        points.append(SweepPoint(p, startups[p], paired.times[str(p)], value))
    # Amdahl from the paired speed-ups (each count's time as the serial
    # median over its median ratio), so that its serial fraction agrees with
    # the speed-up and its interval (serial_fraction_range) on the page
    serial = paired.times["serial"]
    fit = fit_serial_fraction(
        [
            (p, serial.median / paired.ratios[str(p)].median)
            for p in counts
            if paired.ratios[str(p)].median > 0
        ],
        cpus=cpus,
    )
    return IntegrationSweep(
        n=n,
        chunks=chunks,
        cpus=cpus,
        start_method=start_method(),
        serial=serial,
        serial_value=serial_value,
        exact=EXACT,
        points=tuple(points),
        fit=fit,
        stop_reason=paired.stop_reason,
        ceiling=probed,
        disturbance=meter.result,
    )
