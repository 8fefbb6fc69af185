"""Part A: NumPy hands heavy linear algebra to a multithreaded BLAS.

Experiments:

* :func:`run_blas_sweep` - matrix multiply with 1, 2, 4, ... BLAS threads for
  a few sizes: time, GFLOP/s, speed-up and efficiency.
* :func:`run_operations` - which NumPy operations use the extra threads
  (matrix multiply) and which run in the calling thread only (element-wise
  ufuncs, reductions, sorting).
* :func:`run_thread_settings` - BLAS thread-count variables are read when the
  library loads (shown in fresh subprocesses); threadpoolctl works at run time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from ..core.ceiling_live import Ceiling, ceiling_for
from ..core.machine import available_cpus, require_blas_pool, worker_counts
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


def _resting_limit(threads: Sequence[int]) -> Callable[[int], threadpool_limits]:
    """A ``context`` for the rounds: rest (longer after a multi-threaded
    call), then limit BLAS to the case's thread count."""
    rest = rests(
        SETTLE_SECONDS,
        after=[t for t in threads if t > 1],
        longer=SETTLE_AFTER_THREADS,
    )

    def context(t: int) -> threadpool_limits:
        rest(t)
        return threadpool_limits(limits=t, user_api="blas")

    return context


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
    """How much faster the CPUs were together than one alone, just before."""

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
    ceiling for the threads is measured first.
    """
    elements = positive_int("elements", elements)
    matrix_size = positive_int("matrix_size", matrix_size)
    cpus = available_cpus()
    threads = positive_int("threads", cpus if threads is None else threads)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    budget = positive_float("budget", budget)
    require_blas_pool("timing operations with 1 and more BLAS threads")
    probed = ceiling_for(threads, probe_seconds)
    rng = np.random.default_rng(1)
    x = rng.random(elements)
    a, b = _matrices(matrix_size)
    work = [
        ("matrix multiply (a @ b)", True, lambda: a @ b),
        ("element-wise ufunc (np.exp)", False, lambda: np.exp(x)),
        ("reduction (x.sum())", False, lambda: x.sum()),
        ("sort (np.sort)", False, lambda: np.sort(x)),
    ]
    ops, stop = [], ""
    for name, uses_blas, fn in work:
        # a BLAS call rests after the threaded one, as the sweep does
        resting = _resting_limit([1, threads] if uses_blas else [1])
        paired = measure_paired(
            {"one": fn, "many": fn},
            baseline="one",
            min_rounds=repeats,
            budget_seconds=budget if uses_blas else MIN_ROUNDS_ONLY,
            warmup=warmup,
            context=lambda key, resting=resting: resting(
                threads if key == "many" else 1
            ),
        )
        if uses_blas:
            stop = paired.stop_reason
        ops.append(
            OperationTiming(name, uses_blas, paired.times["one"], paired.times["many"])
        )
    return Operations(threads, cpus, matrix_size, elements, tuple(ops), stop, probed)


# --- when are thread settings read? ---------------------------------------


@dataclass(frozen=True)
class ThreadSettings:
    """BLAS thread counts seen in fresh Python processes.

    ``default``: no variable set. ``from_variable``: ``variable=value`` set
    before NumPy loaded. ``set_after_import``: the variable set from Python
    after NumPy loaded (too late). ``threadpoolctl``: inside
    ``threadpool_limits(value)``; ``after_threadpoolctl``: after leaving it.
    """

    variable: str
    value: int
    default: int
    from_variable: int
    set_after_import: int
    threadpoolctl: int
    after_threadpoolctl: int


def _report_threads(variable: str, value: int) -> None:
    """Run inside a child process: print the BLAS thread counts as JSON."""
    report = {"at_start": blas_threads_now()}
    os.environ[variable] = str(value)  # too late: the library has loaded
    report["set_after_import"] = blas_threads_now()
    with threadpool_limits(limits=value, user_api="blas"):
        report["threadpoolctl"] = blas_threads_now()
    report["after_threadpoolctl"] = blas_threads_now()
    print(json.dumps(report))


def _child_report(env: dict[str, str], variable: str, value: int) -> dict[str, int]:
    code = (
        "from parallel_python.numpy_threads.blas import _report_threads; "
        f"_report_threads({variable!r}, {value!r})"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError("the child Python did not answer within 120 s") from None
    if done.returncode != 0:
        raise RuntimeError(
            f"the child Python failed (exit {done.returncode}): {done.stderr.strip()}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_thread_settings(
    variable: str = "OMP_NUM_THREADS", value: int = 1
) -> ThreadSettings:
    """Start fresh Pythons to show when BLAS reads its thread-count variable.

    The parent's own environment and thread pools are left untouched.
    """
    if variable not in THREAD_COUNT_VARIABLES:
        raise ValueError(
            f"variable must be one of {', '.join(THREAD_COUNT_VARIABLES)}, "
            f"got {variable!r}"
        )
    value = positive_int("value", value)
    require_blas_pool("reading and setting BLAS thread counts")
    clean = {k: v for k, v in os.environ.items() if k not in THREAD_COUNT_VARIABLES}
    plain = _child_report(clean, variable, value)
    preset = _child_report({**clean, variable: str(value)}, variable, value)
    return ThreadSettings(
        variable=variable,
        value=value,
        default=plain["at_start"],
        from_variable=preset["at_start"],
        set_after_import=plain["set_after_import"],
        threadpoolctl=plain["threadpoolctl"],
        after_threadpoolctl=plain["after_threadpoolctl"],
    )
