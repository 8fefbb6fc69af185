"""Going further: numba compiles the integration loop.

The workload is Part B's: the midpoint rule for 4/(1+x^2) on [0, 1]. Pure
Python runs it as Part B does; numba compiles the same loop to machine code
four ways:

* ``@njit`` - one thread;
* ``@njit(parallel=True)`` with ``prange`` - numba splits the loop over its
  own threads (``numba.set_num_threads``); timed on one thread too, since
  numba compiles it to other code than ``@njit``: its gain from threads is
  over itself on one thread, like with like;
* ``@njit(nogil=True)`` - the compiled loop releases the GIL, so chunks of it
  run side by side in ordinary Python threads;
* ``@njit`` without ``nogil`` in the same threads - for contrast: the GIL
  is held, so the threads take turns.

NumPy's whole-array version is timed too. Compile time (the first call) is
measured on its own, apart from the run times. numba is imported only when
an experiment runs, so the package imports quickly (and without numba).
"""

from __future__ import annotations

import functools
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.machine import available_cpus
from ..core.pinning import pinned_thread_pool
from ..core.protocol import Ratio, measure_paired
from ..core.rests import rests
from ..core.results import find
from ..core.timing import Timing
from ..core.validate import positive_float, positive_int
from ..multiproc import chunk_bounds, four_over_one_plus_x2, integrate


def midpoint_loop(h: float, start: int, stop: int) -> float:
    """Sum of 4/(1+x^2) at the midpoints ``(i + 1/2) h``, ``start <= i < stop``.

    Plain Python; numba compiles this very function.
    """
    total = 0.0
    for i in range(start, stop):
        x = (i + 0.5) * h
        total += 4.0 / (1.0 + x * x)
    return total


#: ``range`` in plain Python; :func:`kernels` sets it to ``numba.prange``
#: before compiling, so the compiled loop is shared out over numba's threads.
prange = range


def midpoint_prange(h: float, n: int) -> float:
    """The whole sum with ``prange``: numba shares the iterations out."""
    total = 0.0
    for i in prange(n):
        x = (i + 0.5) * h
        total += 4.0 / (1.0 + x * x)
    return total


@functools.cache
def kernels() -> SimpleNamespace:
    """The compiled functions (compiled lazily, at their first call)."""
    try:
        import numba
    except ImportError as exc:
        raise RuntimeError("this experiment needs numba: pip install numba") from exc
    global prange
    prange = numba.prange
    return SimpleNamespace(
        numba=numba,
        serial=numba.njit(cache=False)(midpoint_loop),
        nogil=numba.njit(nogil=True, cache=False)(midpoint_loop),
        gil=numba.njit(nogil=False, cache=False)(midpoint_loop),
        parallel=numba.njit(parallel=True, cache=False)(midpoint_prange),
    )


def _first_call(fn: Any, *args: Any) -> float:
    """Seconds for the first call: compilation (plus a trivial run)."""
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def in_threads(
    loop: Any, n: int, threads: int, pool: ThreadPoolExecutor | None = None
) -> float:
    """Integrate with ``loop`` over ``threads`` equal chunks in Python threads,
    those of ``pool`` if given (started once and reused, as a program would),
    else of a pool started for this call."""
    h = 1.0 / n
    bounds = chunk_bounds(n, threads)
    if pool is None:
        with ThreadPoolExecutor(max_workers=threads) as own:
            return in_threads(loop, n, threads, own)
    parts = list(pool.map(lambda b: loop(h, b[0], b[1]), bounds))
    return math.fsum(parts) * h


def integrate_numpy(n: int) -> float:
    """The whole-array NumPy version (all ``n`` points in memory at once)."""
    import numpy as np

    h = 1.0 / n
    x = (np.arange(n, dtype="f8") + 0.5) * h
    return float((4.0 / (1.0 + x * x)).sum() * h)


def integrate_numba(n: int) -> float:
    """Integrate with the serial ``@njit`` loop."""
    h = 1.0 / n
    return kernels().serial(h, 0, n) * h


def integrate_numba_parallel(n: int, threads: int | None = None) -> float:
    """Integrate with the ``prange`` loop on ``threads`` numba threads."""
    k = kernels()
    if threads is not None:
        k.numba.set_num_threads(threads)
    h = 1.0 / n
    return k.parallel(h, n) * h


#: What the other compiled versions are compared with, round by round.
BASELINE = "@njit"
#: The ``prange`` loop on all the threads, and on one. Measured on the 2-CPU
#: build machine: on one thread it ran 1.047x as fast as ``@njit`` (numba
#: compiles it to other machine code), so over ``@njit`` two threads read
#: above 2x in 10 of 32 builds; over itself on one thread, 1.98x.
PARALLEL = "@njit(parallel=True)"
ONE_THREAD = "@njit(parallel=True), 1 thread"
#: Seconds of rest before each timed call (not timed), and after the
#: ``parallel=True`` version, whose threading layer's threads keep a CPU busy
#: for a while after their work. Measured on the 2-CPU build machine: the
#: ``nogil`` threads took 5.1 ms (the serial loop's time) 5 ms after a
#: ``parallel=True`` call, 3.4 ms 50 ms after it, 3.2 ms with no such call;
#: again at the book's size (40 M points, 12 rounds, medians): 29.3 ms 5 ms
#: after it, 27.1 ms 20, 50 and 100 ms after it and with no such call.
SETTLE_SECONDS = 0.005
SETTLE_AFTER_PARALLEL = 0.05
#: Rounds at least: with 8, the 90 % interval of the median leaves out the
#: lowest and the highest round (with 7 it is their whole range).
ROUNDS = 8
#: Rounds of pure Python and NumPy, timed apart from the compiled ways.
REFERENCE_ROUNDS = 3


@dataclass(frozen=True)
class NumbaCase:
    """One way of running the integration: ``name``, ``workers`` threads."""

    name: str
    workers: int
    n: int
    timing: Timing
    value: float
    ratio: Ratio | None = None
    """``over``'s time over this case's, round by round, on the same points
    (None for pure Python, which integrates fewer points)."""
    over: str = BASELINE
    """What ``ratio`` compares with: ``@njit``, or for ``parallel=True`` on
    several threads, itself on one thread (:data:`ONE_THREAD`)."""

    @property
    def ns_per_point(self) -> float:
        return self.timing.median / self.n * 1e9


@dataclass(frozen=True)
class NumbaRun:
    """Pure Python, NumPy and four numba versions of the integration."""

    python_n: int
    n: int
    cpus: int
    threads: int
    compile_seconds: dict[str, float]
    threading_layer: str
    numba_version: str
    cases: tuple[NumbaCase, ...]
    exact: float
    ceiling: Ceiling | None = None
    """How much faster the CPUs were together than one alone, between the
    compiled rounds (None: not probed)."""
    stop_reason: str = ""

    def __post_init__(self) -> None:
        if self.threads > 1 and ONE_THREAD not in {c.name for c in self.cases}:
            raise ValueError(
                f"this numba result ran {self.threads} threads but not "
                "parallel=True on one thread (an older version recorded it): "
                "run the experiment again"
            )

    def case(self, name: str) -> NumbaCase:
        return find(self.cases, name=name)

    def speedup(self, name: str, over: str = "pure Python") -> float:
        """How many times faster per point ``name`` is than ``over``: over
        what it was paired with (:attr:`NumbaCase.over`), the median of
        per-round ratios; otherwise per point, from the median times."""
        case = self.case(name)
        if case.ratio is not None and case.over == over:
            return case.ratio.median
        return self.case(over).ns_per_point / case.ns_per_point

    @property
    def one_thread(self) -> str:
        """The case of ``parallel=True`` on one thread: its own, or with one
        thread in all, the parallel case itself."""
        return PARALLEL if self.threads == 1 else ONE_THREAD

    @property
    def threads_gain(self) -> Ratio | None:
        """``parallel=True`` on :attr:`threads` threads over itself on one,
        round by round (None with one thread)."""
        case = self.case(PARALLEL)
        return case.ratio if case.over == ONE_THREAD else None

    @property
    def total_compile(self) -> float:
        return sum(self.compile_seconds.values())

    @property
    def max_error(self) -> float:
        return max(abs(c.value - self.exact) for c in self.cases)


#: The most points the whole-array NumPy version gets by default: it holds
#: several arrays of that many float64s at once.
NUMPY_N = 5_000_000


def run_numba(
    n: int = 40_000_000,
    python_n: int = 600_000,
    threads: int | None = None,
    *,
    numpy_n: int | None = None,
    repeats: int = ROUNDS,
    budget: float = 2.4,
    probe_seconds: float | None = None,
) -> NumbaRun:
    """Time the integration with ``n`` points compiled (``python_n`` in pure
    Python, which is far slower, and ``numpy_n``, default the smaller of ``n``
    and :data:`NUMPY_N`, in NumPy, which holds whole arrays), using ``threads``
    threads (default: the CPUs available) for the parallel versions. The
    compiled calls last tens of milliseconds, so that waking a thread or an
    idle CPU (measured here at up to a few milliseconds) weighs little.
    The compiled versions run once per round, in paired rounds (at least
    ``repeats``, more until the ratios over ``@njit`` are within ±5 % or
    ``budget`` seconds are spent); pure Python and NumPy, compared per point
    from their median times, get :data:`REFERENCE_ROUNDS` rounds of their
    own afterwards, so that the compiled rounds are short and many. With
    ``probe_seconds``, the machine's own ceiling for the threads is measured
    after each compiled round (:mod:`~parallel_python.core.ceiling_live`;
    at least that many seconds of each kind of window).

    A round, with its rests, lasts about 0.3 s on the 2-CPU build machine
    (``parallel=True`` on one thread included). With a budget of 1.6 s, 5-7
    rounds ran (before that case was added); in one build both parallel
    versions ran at one thread's pace for 3 rounds in a row (the ceiling's
    pairs after them read 1.25-1.31), and the median took the spell in.
    The default budget allows about 8.
    """
    n = positive_int("n", n)
    python_n = positive_int("python_n", python_n)
    numpy_n = positive_int("numpy_n", min(n, NUMPY_N) if numpy_n is None else numpy_n)
    cpus = available_cpus()
    threads = positive_int("threads", cpus if threads is None else threads)
    repeats = positive_int("repeats", repeats)
    budget = positive_float("budget", budget)
    k = kernels()
    threads = min(threads, k.numba.config.NUMBA_NUM_THREADS)
    # counters waiting to probe the ceiling between the rounds: started
    # before numba or this function starts any thread
    probe = live_ceiling_for(threads, probe_seconds, rest=SETTLE_AFTER_PARALLEL)
    with probe:
        compile_seconds = {
            "@njit": _first_call(k.serial, 1.0, 0, 1),
            PARALLEL: _first_call(k.parallel, 1.0, 1),
            "@njit(nogil=True)": _first_call(k.nogil, 1.0, 0, 1),
            "@njit (GIL held)": _first_call(k.gil, 1.0, 0, 1),
        }
        layer = k.numba.threading_layer()
        values: dict[str, float] = {}
        # name -> (threads, points, the call)
        ways: dict[str, tuple[int, int, Any]] = {
            "pure Python": (
                1,
                python_n,
                lambda: integrate(four_over_one_plus_x2, 0.0, 1.0, python_n),
            ),
            "NumPy": (1, numpy_n, lambda: integrate_numpy(numpy_n)),
            BASELINE: (1, n, lambda: integrate_numba(n)),
            ONE_THREAD: (1, n, lambda: integrate_numba_parallel(n, 1)),
            PARALLEL: (threads, n, lambda: integrate_numba_parallel(n, threads)),
            "@njit(nogil=True), threads": (
                threads,
                n,
                lambda: in_threads(k.nogil, n, threads, pool),
            ),
            "@njit (GIL held), threads": (
                threads,
                n,
                lambda: in_threads(k.gil, n, threads, pool),
            ),
        }

        if threads == 1:  # the parallel case is the one-thread case
            del ways[ONE_THREAD]
        # like with like: the prange loop on all the threads against itself
        # on one, in the same round
        against = {PARALLEL: ONE_THREAD} if ONE_THREAD in ways else {}

        def call(name: str) -> Any:
            return lambda: values.__setitem__(name, ways[name][2]())

        before = k.numba.get_num_threads()
        # the Python threads are started once, as numba's own are: a pool started
        # for every call would add its start-up to each few-millisecond call;
        # each on a CPU of its own, as the ceiling's counters are
        pool = pinned_thread_pool(threads)
        compiled = [name for name in ways if name.startswith("@njit")]
        try:
            paired = measure_paired(
                {name: call(name) for name in compiled},
                baseline=BASELINE,
                min_rounds=repeats,
                budget_seconds=budget,
                warmup=1,
                context=rests(
                    SETTLE_SECONDS,
                    after=[PARALLEL],
                    longer=SETTLE_AFTER_PARALLEL,
                ),
                between=probe.between,
                against=against,
            )
        finally:
            pool.shutdown(wait=True)
            k.numba.set_num_threads(before)
        probed = probe.result()
    # pure Python and NumPy are compared per point, from their median times,
    # not as parallel speed-ups: a few rounds of their own, so that the
    # compiled ways' rounds are short and many
    others = [name for name in ways if name not in compiled]
    reference = measure_paired(
        {name: call(name) for name in others},
        baseline=others[0],
        min_rounds=REFERENCE_ROUNDS,
        max_rounds=REFERENCE_ROUNDS,
        budget_seconds=budget,
        warmup=1,
    )
    times = {**reference.times, **paired.times}
    cases = tuple(
        NumbaCase(
            name,
            workers,
            size,
            times[name],
            values[name],
            paired.ratios.get(name) if size == n else None,
            against.get(name, BASELINE),
        )
        for name, (workers, size, _) in ways.items()
    )
    return NumbaRun(
        python_n=python_n,
        n=n,
        cpus=cpus,
        threads=threads,
        compile_seconds=compile_seconds,
        threading_layer=str(layer),
        numba_version=k.numba.__version__,
        cases=cases,
        exact=math.pi,
        ceiling=probed,
        stop_reason=paired.stop_reason,
    )
