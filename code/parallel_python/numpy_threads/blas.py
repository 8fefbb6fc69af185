"""Part A: NumPy hands heavy linear algebra to a multithreaded BLAS.

Experiments:

* :func:`run_blas_sweep` - matrix multiply with 1, 2, 4, ... BLAS threads for
  a few sizes: time, GFLOP/s, speed-up and efficiency.
* :func:`run_operations` - which NumPy operations use the extra threads
  (matrix multiply) and which run in the calling thread only (element-wise
  ufuncs, reductions, sorting).

:func:`~.settings.run_thread_settings` shows when the thread-count variables
are read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from ..core.ceiling_live import Ceiling, live_ceiling_for
from ..core.machine import available_cpus, require_blas_pool, worker_counts
from ..core.pools import on_one_cpu
from ..core.protocol import MIN_ROUNDS_ONLY, Ratio, measure_paired, paired_ratio
from ..core.rests import rests
from ..core.results import find
from ..core.timing import Timing, measure_rounds
from ..core.validate import (
    non_negative_int,
    positive_float,
    positive_int,
    positive_ints,
)

#: Variables that set a BLAS or OpenMP thread count when the library loads.
THREAD_COUNT_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "GOTO_NUM_THREADS",
    "BLIS_NUM_THREADS",
)


def thread_counts(cpus: int, *, max_points: int = 6) -> tuple[int, ...]:
    """BLAS thread counts for a sweep: powers of two up to twice ``cpus``, plus
    ``cpus`` (see :func:`~parallel_python.core.machine.worker_counts`)."""
    return worker_counts(cpus, max_points=max_points)


def blas_threads_now() -> int:
    """Threads the first BLAS library is set to use right now (1 if none)."""
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            return int(lib["num_threads"])
    return 1


def _matrices(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, n)), rng.random((n, n))


@dataclass(frozen=True)
class SweepPoint:
    """One matrix size at one requested BLAS thread count."""

    size: int
    threads: int
    threads_in_effect: int
    timing: Timing

    @property
    def gflops(self) -> float:
        """Billions of floating-point operations per second (2 n^3 per product)."""
        return 2 * self.size**3 / self.timing.best / 1e9


@dataclass(frozen=True)
class BlasSweep:
    """Matrix multiply timed over sizes and BLAS thread counts."""

    sizes: tuple[int, ...]
    threads: tuple[int, ...]
    points: tuple[SweepPoint, ...]
    cpus: int
    blas: str
    stop_reasons: tuple[str, ...] = ()
    """Why each size's paired rounds stopped (converged, budget, ...)."""

    def point(self, size: int, threads: int) -> SweepPoint:
        return find(self.points, size=size, threads=threads)

    def ratio(self, size: int, threads: int) -> Ratio:
        """Time with the fewest threads over time with ``threads``, round by round."""
        base = self.point(size, min(self.threads)).timing
        return paired_ratio(base, self.point(size, threads).timing)

    def speedup(self, size: int, threads: int) -> float:
        """The median per-round speed-up with ``threads`` (paired rounds)."""
        return self.ratio(size, threads).median

    def efficiency(self, size: int, threads: int) -> float:
        """Speed-up per thread: 1.0 means every thread did a full share."""
        return self.speedup(size, threads) / threads

    @property
    def largest(self) -> int:
        return max(self.sizes)

    @property
    def threads_at_cpus(self) -> int:
        """The largest measured thread count that does not exceed the CPUs."""
        within = [t for t in self.threads if t <= self.cpus]
        return max(within) if within else min(self.threads)


def run_blas_sweep(
    sizes: tuple[int, ...] | list[int] = (200, 800, 1600),
    threads: tuple[int, ...] | list[int] | None = None,
    *,
    repeats: int = 5,
    warmup: int = 1,
    budget: float = 6.5,
) -> BlasSweep:
    """Time ``a @ b`` for n x n matrices of each size with each BLAS thread count.

    ``threads`` defaults to :func:`thread_counts` of the CPUs this process may
    use. Each size is timed in paired rounds, every thread count once a
    round after a warm-up (the first call after a change of thread count is
    slower): at least ``repeats`` rounds, more until every speed-up's interval
    is within ±5 % or the size's share of ``budget`` seconds is spent. The
    shares follow the work of a product (n³): the largest size, the one the
    page's lesson rests on, gets nearly all the extra rounds (an extension
    only for counts up to the CPUs).
    """
    sizes = positive_ints("sizes", sizes)
    cpus = available_cpus()
    threads = positive_ints(
        "threads", thread_counts(cpus) if threads is None else threads
    )
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    budget = positive_float("budget", budget)
    require_blas_pool("the BLAS thread sweep")
    in_effect = {}
    for t in threads:
        with threadpool_limits(limits=t, user_api="blas"):
            in_effect[t] = blas_threads_now()
    points, stops = [], []
    resting = _resting_limit(threads)
    work = sum(n**3 for n in sizes)
    for n in sizes:
        a, b = _matrices(n)
        if len(threads) == 1:  # nothing to pair with
            timings = measure_rounds(
                {t: (lambda a=a, b=b: a @ b) for t in threads},
                repeats=repeats,
                warmup=warmup,
                context=resting,
            )
            stops.append("one thread count")
        else:
            paired = measure_paired(
                {str(t): (lambda a=a, b=b: a @ b) for t in threads},
                baseline=str(min(threads)),
                min_rounds=repeats,
                budget_seconds=budget * n**3 / work,
                warmup=warmup,
                context=lambda key: resting(int(key)),
                extend_for=[str(t) for t in threads if 1 < t <= cpus],
            )
            timings = {t: paired.times[str(t)] for t in threads}
            stops.append(paired.stop_reason)
        points += [SweepPoint(n, t, in_effect[t], timings[t]) for t in threads]
    return BlasSweep(sizes, threads, tuple(points), cpus, _blas_name(), tuple(stops))


#: Seconds of rest before each timed call (not timed), and after a call with
#: several BLAS threads (OpenBLAS's idle threads spin for a while after their
#: work). Measured on the 2-CPU build machine: without the rest, the one-thread
#: 800 x 800 product took a median 36-40 ms instead of 18 ms, so that two
#: threads seemed 3.3-3.9x as fast on 2 CPUs; with it, 1.93-1.99x.
SETTLE_SECONDS = 0.005
SETTLE_AFTER_THREADS = 0.12
#: Seconds of each window of the ceiling counted between the matrix
#: multiply's rounds (a pair after each round; the rounds are short).
PROBE_WINDOW = 0.025


def _rest(threads: Sequence[int]) -> Callable[[int], object]:
    """Rests before each timed call: longer after a call with several BLAS
    threads (see :data:`SETTLE_AFTER_THREADS`)."""
    return rests(
        SETTLE_SECONDS,
        after=[t for t in threads if t > 1],
        longer=SETTLE_AFTER_THREADS,
    )


def _limited(rest: Callable[[int], object], t: int) -> threadpool_limits:
    """Rest, then limit BLAS to ``t`` threads (the ``with`` block's)."""
    rest(t)
    return threadpool_limits(limits=t, user_api="blas")


@contextlib.contextmanager
def _one_then_limited(
    pinned: bool, rest: Callable[[int], object], t: int
) -> Iterator[None]:
    """Rest, limit BLAS to ``t`` threads and, if ``pinned``, run the calling
    thread on the first CPU (:func:`~parallel_python.core.pools.on_one_cpu`).

    The CPU set is restored before the thread count. The other way round
    (measured on the 2-CPU build machine, 1000 x 1000), the two-thread
    product that followed took 25-26 ms instead of 20 ms, so that the
    median speed-up read 1.44-1.57 instead of 1.91-1.93.
    """
    with _limited(rest, t), on_one_cpu() if pinned else contextlib.nullcontext():
        yield


def _resting_limit(threads: Sequence[int]) -> Callable[[int], threadpool_limits]:
    """A ``context`` for the rounds: rest (longer after a multi-threaded
    call), then limit BLAS to the case's thread count."""
    rest = _rest(threads)
    return lambda t: _limited(rest, t)


def _blas_name() -> str:
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            return f"{lib.get('internal_api')} {lib.get('version')}"
    return "no BLAS found"


# --- which operations use the threads -------------------------------------


@dataclass(frozen=True)
class OperationTiming:
    """One NumPy operation timed with one BLAS thread and with many."""

    name: str
    uses_blas: bool
    one_thread: Timing
    many_threads: Timing

    @property
    def ratio(self) -> Ratio:
        """Many threads' speed-up over one, round by round, with its interval."""
        return paired_ratio(self.one_thread, self.many_threads)

    @property
    def speedup(self) -> float:
        """The median per-round speed-up of many threads over one."""
        return self.ratio.median


@dataclass(frozen=True)
class Operations:
    """Several NumPy operations, each with 1 and ``threads`` BLAS threads."""

    threads: int
    cpus: int
    matrix_size: int
    elements: int
    operations: tuple[OperationTiming, ...]
    stop_reason: str = ""
    """Why the matrix multiply's paired rounds stopped (converged, budget, ...)."""
    ceiling: Ceiling | None = None
    """How much faster the CPUs were together than one alone, counted
    between the matrix multiply's rounds."""

    def get(self, name: str) -> OperationTiming:
        return find(self.operations, name=name)


def run_operations(
    elements: int = 2_000_000,
    matrix_size: int = 1000,
    threads: int | None = None,
    *,
    repeats: int = 5,
    warmup: int = 1,
    budget: float = 1.0,
    probe_seconds: float | None = None,
) -> Operations:
    """Time matrix multiply, an element-wise ufunc, a reduction and a sort
    with 1 BLAS thread and with ``threads`` (default: the CPUs available).

    Only the matrix multiply goes to BLAS; the others run in the calling
    thread whatever the BLAS setting, which is the point of the comparison.
    Each operation gets ``repeats`` paired rounds; the matrix multiply, the
    one that can gain, gets more until its interval is within ±5 % or
    ``budget`` seconds are spent. With ``probe_seconds``, the machine's own
    ceiling for the threads is counted between the matrix multiply's rounds
    (:mod:`~parallel_python.core.ceiling_live`; at least that many seconds
    of each kind of window).
    """
    elements = positive_int("elements", elements)
    matrix_size = positive_int("matrix_size", matrix_size)
    cpus = available_cpus()
    threads = positive_int("threads", cpus if threads is None else threads)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    budget = positive_float("budget", budget)
    require_blas_pool("timing operations with 1 and more BLAS threads")
    rng = np.random.default_rng(1)
    x = rng.random(elements)
    a, b = _matrices(matrix_size)
    work = [
        ("matrix multiply (a @ b)", True, lambda: a @ b),
        ("element-wise ufunc (np.exp)", False, lambda: np.exp(x)),
        ("reduction (x.sum())", False, lambda: x.sum()),
        ("sort (np.sort)", False, lambda: np.sort(x)),
    ]
    ops, stop, probed = [], "", None
    # in one build 2 BLAS threads ran at one thread's pace for 4 rounds in a
    # row, after a ceiling counted just before had read 2.00: it is counted
    # between the rounds instead, each pair in short windows
    probe = live_ceiling_for(threads, probe_seconds, window=PROBE_WINDOW)
    with probe:
        for name, uses_blas, fn in work:
            rest = _rest([1, threads] if uses_blas else [1])
            paired = measure_paired(
                {"one": fn, "many": fn},
                baseline="one",
                min_rounds=repeats,
                budget_seconds=budget if uses_blas else MIN_ROUNDS_ONLY,
                warmup=warmup,
                # the matrix multiply's one thread on the first CPU, where
                # the ceiling's lone counter runs (as every baseline measured
                # beside a ceiling); the others, one thread either way, as
                # they come (pinning one side only would compare two CPUs)
                context=lambda key, rest=rest, blas=uses_blas: _one_then_limited(
                    blas and key == "one", rest, 1 if key == "one" else threads
                ),
                # OpenBLAS's threads spin after their call: rest before a pair too
                between=(
                    (lambda rest=rest: (rest(0), probe.pair())) if uses_blas else None
                ),
            )
            if uses_blas:
                stop = paired.stop_reason
                probed = probe.result()
            ops.append(
                OperationTiming(
                    name, uses_blas, paired.times["one"], paired.times["many"]
                )
            )
    return Operations(threads, cpus, matrix_size, elements, tuple(ops), stop, probed)
