"""Going further: joblib's ``Parallel``, memory-mapping and caching.

* :func:`integrate_joblib` - Part B's integration, its chunks computed by
  ``Parallel(n_jobs)(delayed(partial_sum)(...) ...)`` with the loky backend.
* :func:`run_joblib` - that integration timed cold (the first call starts
  the workers) and warm (loky keeps them for reuse); a large NumPy argument
  passed with and without joblib's automatic memory-mapping; a slow function
  cached on disk with :class:`joblib.Memory`; and the reusable workers shut
  down at the end, counted before and after. Each task of the reused
  workers' calls notes when it finished, so the run also knows how long
  after its last task a call returned.

Every run ends with the reusable executor shut down and the cache folder
removed, also when something fails.
"""

from __future__ import annotations

import math
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.machine import available_cpus
from ..core.pinning import in_new_threads
from ..core.pools import baseline_on_one_cpu, end_loky_workers, leftover_children
from ..core.protocol import Ratio, measure_paired, speedup_from
from ..core.timing import Timing, measure
from ..core.validate import positive_float, positive_int
from ..multiproc import four_over_one_plus_x2, integrate, integration_tasks, partial_sum

#: Children that belong to loky itself, not to a pool (it keeps one tracker).
_LOKY_HELPERS = ("loky.backend.resource_tracker",)


def integrate_joblib(n: int, jobs: int, chunks: int = 24) -> float:
    """Integrate 4/(1+x^2) over [0, 1] with ``n`` points, the chunks
    added up in joblib workers."""
    from joblib import Parallel, delayed

    f = four_over_one_plus_x2
    h, tasks = integration_tasks(f, 0.0, 1.0, n, chunks)
    sums = Parallel(n_jobs=jobs, backend="loky")(
        delayed(partial_sum)(*t) for t in tasks
    )
    return math.fsum(sums) * h


def stamped_partial_sum(*task: float) -> tuple[float, float]:
    """:func:`~parallel_python.multiproc.partial_sum`, and when it finished
    (``time.perf_counter()``, a system-wide clock on Linux, macOS and
    Windows)."""
    return partial_sum(*task), time.perf_counter()


def integrate_joblib_stamped(
    n: int, jobs: int, ends: list[float], chunks: int = 24
) -> float:
    """:func:`integrate_joblib`, appending to ``ends`` how many seconds
    after its last task finished the ``Parallel`` call returned."""
    from joblib import Parallel, delayed

    h, tasks = integration_tasks(four_over_one_plus_x2, 0.0, 1.0, n, chunks)
    done = Parallel(n_jobs=jobs, backend="loky")(
        delayed(stamped_partial_sum)(*t) for t in tasks
    )
    ends.append(time.perf_counter() - max(end for _, end in done))
    return math.fsum(s for s, _ in done) * h


def waits_after_last_task(late: list[float]) -> tuple[float, ...]:
    """The measured waits, or none if any is negative: then the workers'
    clock and this process's were not one, and none of them can be trusted."""
    return tuple(late) if late and min(late) >= 0 else ()


def describe_argument(a: np.ndarray) -> tuple[str, float]:
    """A worker's task: the type of array it received, and its sum."""
    return type(a).__name__, float(a.sum())


def slow_square(x: float, seconds: float) -> float:
    """A slow function worth caching: sleeps ``seconds``, then squares ``x``."""
    time.sleep(seconds)
    return x * x


def loky_workers() -> tuple[int, ...]:
    """Process ids of this process's children that are loky workers (or any
    other worker), not counting loky's resource tracker."""
    import psutil

    left = []
    for pid in leftover_children():
        try:
            cmdline = " ".join(psutil.Process(pid).cmdline())
        except psutil.Error:
            continue
        if not any(helper in cmdline for helper in _LOKY_HELPERS):
            left.append(pid)
    return tuple(left)


def default_jobs() -> int:
    """The CPUs available, but at least 2, so that there are workers."""
    return max(2, available_cpus())


@dataclass(frozen=True)
class JoblibRun:
    """What :func:`run_joblib` measured."""

    n: int
    jobs: int
    cpus: int
    serial: Timing
    cold: float  # seconds: first Parallel call, workers started
    warm: Timing  # later calls, workers reused
    value: float
    serial_value: float
    exact: float
    array_bytes: int
    tasks: int  # tasks that each received the big array
    memmapped_type: str  # what a worker received with auto memory-mapping
    pickled_type: str  # ... and with memory-mapping switched off
    memmapped: Timing
    pickled: Timing
    sums_equal: bool
    cache_first: float  # seconds, computing and storing
    cache_again: float  # seconds, read back from the disk cache
    cache_delay: float
    workers_before_shutdown: int
    workers_after_shutdown: int
    ratio: Ratio | None = None
    """The serial loop over the reused workers, round by round."""
    stop_reason: str = ""
    """Why the paired rounds stopped (see core.protocol.measure_paired)."""
    late: tuple[float, ...] = ()
    """Seconds from the last task's end to the return of each reused-worker
    call (empty for a record without them, or where the workers' clock and
    this process's disagreed)."""
    ceiling: Ceiling | None = None
    """How much faster the CPUs were together than one alone, counted
    between the paired rounds (None: not probed, or one CPU)."""

    @property
    def late_median(self) -> float | None:
        """The median of :attr:`late` (None without it)."""
        return statistics.median(self.late) if self.late else None

    @property
    def speedup(self) -> float:
        """Serial over reused workers: the median of per-round ratios (best
        over best for a record without rounds)."""
        return speedup_from(self.ratio, self.serial, self.warm)

    @property
    def values_equal(self) -> bool:
        return self.value == self.serial_value

    @property
    def in_process(self) -> bool:
        """``n_jobs=1``: joblib ran every task in the calling process."""
        return self.jobs == 1

    @property
    def memmap_gain(self) -> float:
        """Pickled time over memory-mapped time (best of each): > 1 if the
        memory map was faster."""
        return self.pickled.best / self.memmapped.best


def run_joblib(
    n: int = 1_500_000,
    jobs: int | None = None,
    *,
    array_elements: int = 1_000_000,
    tasks: int = 8,
    cache_delay: float = 0.2,
    repeats: int = 3,
    rounds: int = 8,
    budget: float = 1.5,
    probe_seconds: float | None = 0.4,
) -> JoblibRun:
    """Measure joblib on this machine (see the module docstring).

    ``jobs`` defaults to the CPUs available, but at least 2: with
    ``n_jobs=1`` joblib runs the tasks in the calling process, with no
    workers to start, reuse or shut down and no memory map. The big-argument
    test sends one array of ``array_elements`` float64 numbers to ``tasks``
    tasks, with and without memory-mapping, after one untimed call each
    (``repeats`` timed calls). The serial loop (on the first CPU, as
    :func:`~parallel_python.core.pools.baseline_on_one_cpu` puts it) and the
    reused workers run in paired rounds: at least ``rounds``, more until the
    ratio's interval is within ±5 % or ``budget`` seconds are spent. With
    ``probe_seconds``, the machine's ceiling for the workers is counted
    after each round (:mod:`~parallel_python.core.ceiling_live`), at least
    that many seconds of each kind of window.
    """
    try:
        import joblib
        from joblib import Memory, Parallel, delayed
    except ImportError as exc:  # pragma: no cover - joblib is pinned
        raise RuntimeError("run_joblib needs joblib: pip install joblib") from exc
    del joblib
    n = positive_int("n", n)
    jobs = positive_int("jobs", default_jobs() if jobs is None else jobs)
    array_elements = positive_int("array_elements", array_elements)
    tasks = positive_int("tasks", tasks)
    cache_delay = positive_float("cache_delay", cache_delay)
    repeats = positive_int("repeats", repeats)
    rounds = positive_int("rounds", rounds)
    budget = positive_float("budget", budget)
    if probe_seconds is not None:
        probe_seconds = positive_float("probe_seconds", probe_seconds)

    f = four_over_one_plus_x2
    serial_value = integrate(f, 0.0, 1.0, n)
    cache_dir = tempfile.mkdtemp(prefix="parallel-python-joblib-")
    try:
        end_loky_workers()  # a cold start, even if an earlier cell left workers
        t0 = time.perf_counter()
        value = integrate_joblib(n, jobs)
        cold = time.perf_counter() - t0
        # the serial loop and the reused workers in paired rounds; each
        # task notes when it finished (one clock read: microseconds)
        late: list[float] = []
        # the ceiling's counters wait in a pipe while the workers run
        with live_ceiling_for(jobs, probe_seconds) as probe:
            paired = measure_paired(
                {
                    "serial": in_new_threads(lambda: integrate(f, 0.0, 1.0, n)),
                    "warm": lambda: integrate_joblib_stamped(n, jobs, late),
                },
                baseline="serial",
                min_rounds=rounds,
                budget_seconds=budget,
                warmup=0,
                context=baseline_on_one_cpu("serial"),
                between=probe.between,
            )
            probed = probe.result()  # inside the block, while counters live
        serial, warm = paired.times["serial"], paired.times["warm"]

        a = np.arange(array_elements, dtype=np.float64)
        seen: dict[str, list[tuple[str, float]]] = {}

        def send(label: str, max_nbytes: str | None) -> None:
            seen[label] = Parallel(n_jobs=jobs, max_nbytes=max_nbytes)(
                delayed(describe_argument)(a) for _ in range(tasks)
            )

        # One untimed call each: changing max_nbytes makes joblib restart the
        # reusable workers, which is start-up, not sending. For the same
        # reason the two are not timed in alternating rounds.
        memmapped = measure(lambda: send("memmap", "1M"), repeats=repeats, warmup=1)
        pickled = measure(lambda: send("pickle", None), repeats=repeats, warmup=1)
        expected = float(a.sum())
        sums_equal = all(s == expected for label in seen for _, s in seen[label])

        memory = Memory(location=cache_dir, verbose=0)
        cached = memory.cache(slow_square)
        t0 = time.perf_counter()
        first = cached(3.0, cache_delay)
        cache_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = cached(3.0, cache_delay)
        cache_again = time.perf_counter() - t0
        if first != again:  # pragma: no cover - a broken cache
            raise RuntimeError("the cached answer differs from the computed one")
        before = len(loky_workers())
    finally:
        end_loky_workers()
        shutil.rmtree(cache_dir, ignore_errors=True)
    after = len(loky_workers())
    return JoblibRun(
        n=n,
        jobs=jobs,
        cpus=available_cpus(),
        serial=serial,
        cold=cold,
        warm=warm,
        value=value,
        serial_value=serial_value,
        exact=math.pi,
        array_bytes=int(a.nbytes),
        tasks=tasks,
        memmapped_type=seen["memmap"][0][0],
        pickled_type=seen["pickle"][0][0],
        memmapped=memmapped,
        pickled=pickled,
        sums_equal=sums_equal,
        cache_first=cache_first,
        cache_again=cache_again,
        cache_delay=cache_delay,
        workers_before_shutdown=before,
        workers_after_shutdown=after,
        ratio=paired.ratios["warm"],
        stop_reason=paired.stop_reason,
        late=waits_after_last_task(late),
        ceiling=probed,
    )
