"""Part B: numerical integration split into chunks over processes.

* :func:`integrate` - the midpoint rule, ``n`` points, serial.
* :func:`chunk_bounds` - split ``range(n)`` into contiguous pieces, each
  index in exactly one piece.
* :func:`integrate_parallel` - the same sum, its chunks computed by a pool.
* :func:`run_integration_error` - the error against the exact integral.
* :func:`run_integration_sweep` - speed-up and efficiency with 1 to twice
  the CPUs processes, a pool started afresh (untimed) for every timed map,
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
from contextlib import AbstractContextManager
from dataclasses import dataclass
from multiprocessing.pool import Pool
from numbers import Real

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.config import start_method
from ..core.machine import available_cpus, worker_counts
from ..core.meter import Disturbance, Meter
from ..core.pinning import in_new_threads
from ..core.pools import FreshPools, baseline_on_one_cpu, process_pool
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


def _ready() -> None:
    """An initializer: a new worker imports this module as it starts."""


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
    """Process counts from 1 to twice ``cpus``: powers of two plus ``cpus``
    (see :func:`~parallel_python.core.machine.worker_counts`; on 2 CPUs 1, 2
    and 4, since a third count beyond the CPUs would only take turns too)."""
    return worker_counts(cpus, max_points=max_points)


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
    against_one_process: bool = False
    """Were two or more processes compared with the pool of one process (all
    started afresh for every map)? False: with the serial loop (no pool of
    one process, or a result saved before)."""

    @property
    def processes(self) -> tuple[int, ...]:
        return tuple(p.processes for p in self.points)

    def point(self, processes: int) -> SweepPoint:
        return find(self.points, processes=processes)

    def compared_with_one_process(self, processes: int) -> bool:
        """Is ``processes``'s speed-up over the pool of one process?"""
        return self.against_one_process and processes > 1 and 1 in self.processes

    def ratio(self, processes: int) -> Ratio:
        """The baseline's time over the map's time with ``processes``, round
        by round: the serial loop's, or for two or more processes the pool
        of one process's (:meth:`compared_with_one_process`)."""
        if self.compared_with_one_process(processes):
            base = self.point(1).timing
        else:
            base = self.serial
        return paired_ratio(base, self.point(processes).timing)

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
    budget: float = 6.0,
    probe_seconds: float | None = 0.8,
) -> IntegrationSweep:
    """Integrate 4/(1+x^2) over [0, 1] with ``n`` points, serially and with pools.

    ``processes`` defaults to :func:`process_counts` of the CPUs available.
    First a pool of each size is started and closed, its start-up timed
    until it answers. Then paired rounds (``core.protocol.measure_paired``)
    each time the serial loop once and the map of every pool size once, in
    turn first, each map on a pool started afresh for it, untimed
    (``core.pools.FreshPools``): at least ``repeats`` rounds, more until
    every speed-up's interval is within ±5 % or ``budget`` seconds are
    spent. One process is compared with the serial loop (what a worker
    costs); two or more with one process, in the same round (a new process
    runs Python at a pace of its own: like with like). With
    ``probe_seconds``, the machine's ceiling for the CPUs used is measured
    between the rounds (:mod:`~parallel_python.core.ceiling_live`, at least
    that many seconds of each kind of window); a meter records other work
    while the maps are timed. The serial loop, and the one-process pool's
    worker, run on the CPU the ceiling's lone counter used
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
    probe = live_ceiling_for(max(counts), probe_seconds)
    values: dict[int, list[float]] = {p: [] for p in counts}
    meter = Meter()
    startups = {}
    for p in counts:
        t0 = time.perf_counter()
        with process_pool(p) as pool:
            # up when it answers a task that needs this package (as run_pool_startup)
            pool.map(identity, range(p), chunksize=1)
            startups[p] = time.perf_counter() - t0
    # like with like: a new process runs at a pace of its own, so every map
    # gets new workers, and two or more processes are compared with one
    fresh = {str(p): FreshPools(p, _ready, on_first_cpu=p == 1) for p in counts}
    on_first = baseline_on_one_cpu("serial")

    def context(name: str) -> AbstractContextManager[object]:
        return fresh[name]() if name in fresh else on_first(name)

    against = {str(p): "1" for p in counts if p > 1} if 1 in counts else {}
    cases = {
        # in a new thread at each call: see core.pinning.in_new_threads
        "serial": in_new_threads(lambda: integrate(f, 0.0, 1.0, n, chunks=chunks))
    }
    for p in counts:
        cases[str(p)] = lambda p=p: values[p].append(
            integrate_parallel(f, 0.0, 1.0, n, fresh[str(p)].pool, chunks=chunks)
        )
    with probe:
        with meter:
            paired = measure_paired(
                cases,
                baseline="serial",
                min_rounds=repeats,
                budget_seconds=budget,
                # the serial loop on the ceiling probe's lone CPU
                context=context,
                between=probe.between,
                extend_for=[str(p) for p in counts if 2 <= p <= cpus],
                against=against,
            )
        probed = probe.result()
    points = []
    for p in counts:
        vs = values[p]
        value = vs[0] if all(v == vs[0] for v in vs) else math.nan
        points.append(SweepPoint(p, startups[p], paired.times[str(p)], value))
    # Amdahl from the paired speed-ups (each count's time as its reference's
    # median over its median ratio), so that its serial fraction agrees with
    # the speed-up and its interval (serial_fraction_range) on the page
    serial = paired.times["serial"]
    one = paired.times["1"].median if against else None  # T(1), if the reference

    def modelled(p: int) -> float:
        if one is None:
            return serial.median / paired.ratios[str(p)].median
        return one if p == 1 else one / paired.ratios[str(p)].median

    fit = fit_serial_fraction(
        [(p, modelled(p)) for p in counts if paired.ratios[str(p)].median > 0],
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
        against_one_process=bool(against),
    )
