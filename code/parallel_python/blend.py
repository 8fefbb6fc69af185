"""Part C: blending processes and threads, and the oversubscription cliff.

Experiments:

* :func:`run_grid` - one batch of independent matrix products, run by ``P``
  worker processes that each let BLAS use ``T`` threads, for every ``P`` and
  ``T`` from 1 to one past the CPUs available (fewer values on a large
  machine). For each cell: the wall time of the batch, the CPU time its
  workers used and their context switches, and the BLAS thread count each
  worker really had (checked from inside the worker).
* :func:`run_fixes` - the same batch with ``P`` = the CPUs, first with no
  limit, then with each way of limiting the threads in the workers:
  threadpoolctl in a pool initializer or around the task, an environment
  variable for ``spawn``-started workers (and the same variable, too late,
  for ``fork``-started ones), and joblib's ``inner_max_num_threads``.

Every pool is started from :func:`parallel_python.config.mp_context`, except
where the lesson is the start method itself (``spawn`` and ``fork`` in
:func:`run_fixes`); every pool is closed and joined before a function
returns, and joblib's reusable workers are shut down. The functions the
workers run are top-level here, so ``spawn`` and ``forkserver`` can import
them.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from .config import mp_context, start_method
from .machine import available_cpus
from .numpy_threads import THREAD_COUNT_VARIABLES
from .timing import Timing
from .validate import positive_float, positive_int, positive_ints

#: The grid has at most this many values of P (and of T) unless asked otherwise.
MAX_GRID_VALUES = 5
#: The variable the environment-variable fix shows (all of
#: :data:`~parallel_python.numpy_threads.THREAD_COUNT_VARIABLES` are set).
SHOWN_VARIABLE = "OMP_NUM_THREADS"
#: Each way of running the batch is warmed up for at least this many seconds.
#: BLAS threads started in a fresh worker keep spinning for a moment before
#: they sleep (OpenBLAS about 0.1 s, OpenMP runtimes 0.2 s), even when the
#: worker then runs its products on one thread; their CPU time must not be
#: counted in the timed batches.
WARMUP_SECONDS = 0.3


def _seconds(name: str, value: float) -> float:
    """``value`` as seconds >= 0, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")
    return float(value)


# --- inside a worker ---------------------------------------------------------

_controller: ThreadpoolController | None = None
_operands: dict[int, tuple[np.ndarray, np.ndarray]] = {}
_worker_limit: Any = None


def _blas() -> ThreadpoolController:
    """This process's BLAS thread pools (found once; asking them is cheap).

    A forked worker inherits the parent's controller, which stays valid: the
    child has the very same libraries loaded.
    """
    global _controller
    if _controller is None:
        _controller = ThreadpoolController().select(user_api="blas")
    return _controller


def blas_threads_in_worker() -> int:
    """BLAS threads this process is set to use now (1 if it has no BLAS)."""
    info = _blas().info()
    return int(info[0]["num_threads"]) if info else 1


def _usage_now() -> tuple[float, int, str]:
    """CPU seconds used so far by every thread of this process, involuntary
    context switches so far (-1 if unknown), and where the numbers came from."""
    try:
        import resource
    except ImportError:  # Windows
        pass
    else:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime, r.ru_nivcsw, "resource.getrusage"
    try:
        import psutil
    except ImportError:  # psutil is a dependency, but the experiment survives
        return time.process_time(), -1, "time.process_time"
    p = psutil.Process()
    cpu = p.cpu_times()
    return cpu.user + cpu.system, p.num_ctx_switches().involuntary, "psutil"


def limit_blas_threads(threads: int) -> None:
    """Pool initializer: limit BLAS to ``threads`` threads for this worker's life."""
    global _worker_limit
    _worker_limit = _blas().limit(limits=threads, user_api="blas")


def matmul_task(n: int, limit: int = 0) -> tuple[int, int, float, int, str, str]:
    """One task of the batch: the product of two n x n matrices.

    Run in a worker. With ``limit`` > 0 the product runs inside a BLAS
    thread limit (threadpoolctl around the task). Returns the worker's pid,
    the BLAS threads in effect during the product, the CPU seconds and
    involuntary context switches the worker used for it, where those came
    from, and the value of ``OMP_NUM_THREADS`` the worker sees ("" if unset).
    """
    if n not in _operands:
        rng = np.random.default_rng(n)
        _operands[n] = (rng.random((n, n)), rng.random((n, n)))
    a, b = _operands[n]
    if limit > 0:
        with _blas().limit(limits=limit, user_api="blas"):
            threads = blas_threads_in_worker()
            cpu0, switches0, source = _usage_now()
            a @ b
            cpu1, switches1, _ = _usage_now()
    else:
        threads = blas_threads_in_worker()
        cpu0, switches0, source = _usage_now()
        a @ b
        cpu1, switches1, _ = _usage_now()
    switches = switches1 - switches0 if switches0 >= 0 else -1
    seen = os.environ.get(SHOWN_VARIABLE, "")
    return os.getpid(), threads, cpu1 - cpu0, switches, source, seen


# --- a batch, timed ------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """One way of running the batch, timed, with what its workers reported.

    ``timing``: wall seconds per batch, measured by the parent around each
    timed batch. ``cpu_seconds`` and ``switches``: the CPU time (of every
    thread of every worker) and the involuntary context switches of all
    workers during the products, per batch: the mean over the same timed
    batches as ``timing`` (``switches`` is -1 where the platform does not
    count them). ``threads_in_effect``: every
    BLAS thread count the workers reported from inside. ``worker_pids``:
    the worker processes that did the work.
    """

    processes: int
    threads: int
    timing: Timing
    cpu_seconds: float
    switches: float
    threads_in_effect: tuple[int, ...]
    variable_seen: tuple[str, ...]
    worker_pids: tuple[int, ...]
    usage_source: str

    @property
    def asked(self) -> int:
        """Threads asked for in all: processes x threads."""
        return self.processes * self.threads

    @property
    def busy_cpus(self) -> float:
        """CPU seconds per wall second, over the same timed batches: how many
        CPUs the workers kept busy on average."""
        return self.cpu_seconds / statistics.mean(self.timing.times)


def _timed_batch(
    run: Callable[[], list[tuple[int, int, float, int, str, str]]],
    processes: int,
    threads: int,
    repeats: int,
    warmup: int,
    budget: float | None = None,
    warmup_seconds: float = WARMUP_SECONDS,
) -> Batch:
    """Warm up, then time ``repeats`` batches, or fewer if the timed batches
    would take more than ``budget`` seconds (judged from the last warm-up).

    The warm-up runs at least ``warmup`` batches and goes on until
    ``warmup_seconds`` have passed. The wall time of each timed batch and the
    CPU time its workers reported come from the very same batch; nothing of
    the warm-up enters either.
    """
    warm_reports: list[list[tuple[int, int, float, int, str, str]]] = []
    started = time.perf_counter()
    last = 0.0
    while len(warm_reports) < warmup or time.perf_counter() - started < warmup_seconds:
        t0 = time.perf_counter()
        warm_reports.append(run())
        last = time.perf_counter() - t0
    if budget is not None:
        repeats = max(1, min(repeats, int(budget / max(last, 1e-9))))
    walls: list[float] = []
    timed: list[list[tuple[int, int, float, int, str, str]]] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        report = run()
        walls.append(time.perf_counter() - t0)
        timed.append(report)
    timing = Timing(times=tuple(walls), warmup=len(warm_reports))
    every = [r for batch in warm_reports + timed for r in batch]
    cpu = [sum(r[2] for r in batch) for batch in timed]
    switch_counts = [sum(r[3] for r in batch) for batch in timed]
    unknown = any(r[3] < 0 for batch in timed for r in batch)
    return Batch(
        processes=processes,
        threads=threads,
        timing=timing,
        cpu_seconds=sum(cpu) / len(cpu),
        switches=-1.0 if unknown else sum(switch_counts) / len(switch_counts),
        threads_in_effect=tuple(sorted({r[1] for r in every})),
        variable_seen=tuple(sorted({r[5] for r in every})),
        worker_pids=tuple(sorted({r[0] for r in every})),
        usage_source=every[0][4],
    )


@contextmanager
def _pool(
    processes: int,
    context: BaseContext,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    environment: dict[str, str] | None = None,
) -> Iterator[multiprocessing.pool.Pool]:
    """A pool closed (or terminated) and joined on the way out.

    ``environment``: variables set only while the workers start (so a
    ``spawn``-started worker sees them from its first line); the parent's
    environment is restored at once.
    """
    saved = {k: os.environ.get(k) for k in environment or {}}
    try:
        os.environ.update(environment or {})
        pool = context.Pool(processes, initializer=initializer, initargs=initargs)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def _pool_batch(
    pool: multiprocessing.pool.Pool, n: int, tasks: int, limit: int = 0
) -> Callable[[], list[tuple[int, int, float, int, str, str]]]:
    args = [(n, limit)] * tasks
    return lambda: pool.starmap(matmul_task, args, chunksize=1)


# --- the grid ----------------------------------------------------------------


def grid_counts(cpus: int, *, max_values: int = MAX_GRID_VALUES) -> tuple[int, ...]:
    """Values of P (or T): 1, 2, ... up to one past ``cpus``.

    On a machine with more CPUs than ``max_values`` allows, keep 1, ``cpus``
    and ``cpus + 1`` and as many powers of two in between as fit.
    """
    cpus = positive_int("cpus", cpus)
    max_values = positive_int("max_values", max_values)
    if max_values < 3:
        raise ValueError(f"max_values must be at least 3, got {max_values}")
    top = cpus + 1
    if top <= max_values:
        return tuple(range(1, top + 1))
    keep = {1, cpus, top}
    values = set(keep)
    power = 2
    while power < cpus:
        values.add(power)
        power *= 2
    ordered = sorted(values)
    while len(ordered) > max_values:
        droppable = [v for v in ordered if v not in keep]
        ordered.remove(droppable[len(droppable) // 2])
    return tuple(ordered)


def default_tasks(processes: tuple[int, ...], *, at_least: int = 6) -> int:
    """A batch size every process count divides, so no worker idles at the end
    (when that stays small); else four tasks per worker of the largest pool."""
    counts = positive_ints("processes", processes)
    lcm = math.lcm(*counts)
    if lcm <= 2 * at_least:
        return lcm * math.ceil(at_least / lcm)
    return max(at_least, 4 * max(counts))


@dataclass(frozen=True)
class Grid:
    """The batch run with every combination of P processes and T BLAS threads."""

    size: int
    tasks: int
    cpus: int
    start_method: str
    processes: tuple[int, ...]
    threads: tuple[int, ...]
    cells: tuple[Batch, ...]

    def cell(self, processes: int, threads: int) -> Batch:
        for c in self.cells:
            if c.processes == processes and c.threads == threads:
                return c
        raise KeyError(f"no cell with {processes} processes and {threads} threads")

    @property
    def baseline(self) -> Batch:
        """One process with one thread."""
        return self.cell(min(self.processes), min(self.threads))

    def speedup(self, processes: int, threads: int) -> float:
        """Best time of 1 x 1 over best time of ``processes`` x ``threads``."""
        return self.baseline.timing.best / self.cell(processes, threads).timing.best

    def within(self, cell: Batch) -> bool:
        """Does the cell ask for no more threads than there are CPUs?"""
        return cell.asked <= self.cpus

    @property
    def best(self) -> Batch:
        """The fastest cell."""
        return min(self.cells, key=lambda c: c.timing.best)

    @property
    def best_within(self) -> Batch:
        """The fastest cell with P x T <= CPUs (1 x 1 at least)."""
        inside = [c for c in self.cells if self.within(c)] or [self.baseline]
        return min(inside, key=lambda c: c.timing.best)

    @property
    def oversubscribed(self) -> tuple[Batch, ...]:
        """Cells with P x T > CPUs."""
        return tuple(c for c in self.cells if not self.within(c))

    @property
    def worst(self) -> Batch:
        """The slowest cell."""
        return max(self.cells, key=lambda c: c.timing.best)

    @property
    def limit_held(self) -> bool:
        """Did every worker of every cell report exactly T BLAS threads?"""
        return all(c.threads_in_effect == (c.threads,) for c in self.cells)


def run_grid(
    size: int = 500,
    tasks: int | None = None,
    processes: tuple[int, ...] | list[int] | None = None,
    threads: tuple[int, ...] | list[int] | None = None,
    *,
    repeats: int = 3,
    warmup: int = 1,
    budget: float | None = 0.5,
    warmup_seconds: float = WARMUP_SECONDS,
) -> Grid:
    """Run ``tasks`` products of ``size`` x ``size`` matrices with every P x T.

    ``processes`` and ``threads`` default to :func:`grid_counts` of the CPUs
    available; ``tasks`` to :func:`default_tasks`. Each cell starts a pool of
    P workers whose initializer limits BLAS to T threads, runs the batch
    ``warmup`` times untimed (and for at least :data:`WARMUP_SECONDS`) and
    ``repeats`` times timed (fewer where they
    would take more than ``budget`` seconds, at least one), then closes and
    joins the pool. Cells are timed one after another rather than in
    interleaved rounds on purpose: that needs every cell's pool alive at
    once, and the BLAS threads of a pool that just finished keep spinning
    for a moment, on the CPUs the next cell is being timed on.
    """
    size = positive_int("size", size)
    cpus = available_cpus()
    processes = positive_ints(
        "processes", grid_counts(cpus) if processes is None else processes
    )
    threads = positive_ints(
        "threads", grid_counts(cpus) if threads is None else threads
    )
    tasks = positive_int("tasks", default_tasks(processes) if tasks is None else tasks)
    repeats = positive_int("repeats", repeats)
    warmup = positive_int("warmup", warmup)
    if budget is not None:
        budget = positive_float("budget", budget)
    warmup_seconds = _seconds("warmup_seconds", warmup_seconds)
    ctx = mp_context()
    cells = []
    for p in processes:
        for t in threads:
            with _pool(p, ctx, limit_blas_threads, (t,)) as pool:
                cells.append(
                    _timed_batch(
                        _pool_batch(pool, size, tasks),
                        p,
                        t,
                        repeats,
                        warmup,
                        budget,
                        warmup_seconds,
                    )
                )
    return Grid(
        size=size,
        tasks=tasks,
        cpus=cpus,
        start_method=start_method(),
        processes=processes,
        threads=threads,
        cells=tuple(cells),
    )


# --- the fixes -----------------------------------------------------------------

NO_LIMIT = "no limit"
INITIALIZER = "threadpoolctl in the pool initializer"
AROUND_TASK = "threadpoolctl around the task"
ENV_SPAWN = "variable set before spawn"
ENV_FORK = "variable set before fork"
JOBLIB_DEFAULT = "joblib with its default"
JOBLIB_INNER = "joblib with inner_max_num_threads"


@dataclass(frozen=True)
class Fix:
    """One way of running the batch with P processes: how, and what happened."""

    name: str
    start_method: str
    limit: int
    """The BLAS thread count this way asks for (0: none asked)."""
    batch: Batch

    @property
    def held(self) -> bool:
        """Did every worker run with exactly the threads asked for?"""
        return self.limit > 0 and self.batch.threads_in_effect == (self.limit,)


@dataclass(frozen=True)
class Fixes:
    """The batch run by ``processes`` workers without and with each fix."""

    size: int
    tasks: int
    cpus: int
    processes: int
    limit: int
    default_threads: int
    """BLAS threads the parent (and an unlimited worker) would use."""
    variable: str
    fixes: tuple[Fix, ...]

    def get(self, name: str) -> Fix:
        for fix in self.fixes:
            if fix.name == name:
                return fix
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fixes)

    def speedup(self, name: str) -> float:
        """Best time with no limit over best time with this fix."""
        return self.get(NO_LIMIT).batch.timing.best / self.get(name).batch.timing.best


def _joblib_batch(
    n: int,
    tasks: int,
    processes: int,
    inner: int | None,
    repeats: int,
    warmup: int,
    budget: float | None,
    warmup_seconds: float = WARMUP_SECONDS,
) -> Batch:
    try:
        from joblib import Parallel, delayed, parallel_config
        from joblib.externals.loky import reusable_executor
    except ImportError:  # pragma: no cover - joblib is pinned in requirements
        raise RuntimeError("the joblib rows need joblib (pip install joblib)") from None

    def run() -> list[tuple[int, int, float, int, str, str]]:
        with parallel_config(backend="loky", inner_max_num_threads=inner):
            return Parallel(n_jobs=processes)(
                delayed(matmul_task)(n) for _ in range(tasks)
            )

    try:
        return _timed_batch(
            run,
            processes,
            inner or max(1, available_cpus() // processes),
            repeats,
            warmup,
            budget,
            warmup_seconds,
        )
    finally:
        # loky keeps its workers for the next call; end them now. (Asking
        # get_reusable_executor() for the executor would start a new one
        # whenever the arguments differ from the last call's.)
        executor = getattr(reusable_executor, "_executor", None)
        if executor is not None:
            executor.shutdown(wait=True)


def run_fixes(
    size: int = 500,
    tasks: int | None = None,
    processes: int | None = None,
    *,
    joblib: bool = True,
    repeats: int = 3,
    warmup: int = 1,
    budget: float | None = 0.5,
    warmup_seconds: float = WARMUP_SECONDS,
) -> Fixes:
    """Run the batch with ``processes`` workers (default: the CPUs) without a
    thread limit, then with each fix limiting BLAS to CPUs // processes
    threads per worker (at least 1).

    The ``fork`` row (variable set too late) appears only where ``fork``
    exists; the joblib rows only with ``joblib=True``. Each row is warmed up
    and timed ``repeats`` times (fewer where they would take more than
    ``budget`` seconds). The parent's thread pools and environment are left
    as they were.
    """
    size = positive_int("size", size)
    cpus = available_cpus()
    processes = positive_int("processes", cpus if processes is None else processes)
    tasks = positive_int(
        "tasks", default_tasks((processes,)) if tasks is None else tasks
    )
    repeats = positive_int("repeats", repeats)
    warmup = positive_int("warmup", warmup)
    if budget is not None:
        budget = positive_float("budget", budget)
    warmup_seconds = _seconds("warmup_seconds", warmup_seconds)
    limit = max(1, cpus // processes)
    default_threads = blas_threads_in_worker()
    env = {v: str(limit) for v in THREAD_COUNT_VARIABLES}
    ctx = mp_context()
    fixes = []

    def row(
        name,
        context,
        limit_asked,
        initializer=None,
        initargs=(),
        environ=None,
        per_task=0,
    ):
        with _pool(processes, context, initializer, initargs, environ) as pool:
            batch = _timed_batch(
                _pool_batch(pool, size, tasks, per_task),
                processes,
                limit_asked or default_threads,
                repeats,
                warmup,
                budget,
                warmup_seconds,
            )
        fixes.append(Fix(name, context.get_start_method(), limit_asked, batch))

    row(NO_LIMIT, ctx, 0)
    row(INITIALIZER, ctx, limit, limit_blas_threads, (limit,))
    row(AROUND_TASK, ctx, limit, per_task=limit)
    row(ENV_SPAWN, multiprocessing.get_context("spawn"), limit, environ=env)
    if "fork" in multiprocessing.get_all_start_methods():
        row(ENV_FORK, multiprocessing.get_context("fork"), limit, environ=env)
    if joblib:
        loky_default = max(1, cpus // processes)
        fixes.append(
            Fix(
                JOBLIB_DEFAULT,
                "loky",
                loky_default,
                _joblib_batch(
                    size,
                    tasks,
                    processes,
                    None,
                    repeats,
                    warmup,
                    budget,
                    warmup_seconds,
                ),
            )
        )
        fixes.append(
            Fix(
                JOBLIB_INNER,
                "loky",
                limit,
                _joblib_batch(
                    size,
                    tasks,
                    processes,
                    limit,
                    repeats,
                    warmup,
                    budget,
                    warmup_seconds,
                ),
            )
        )
    return Fixes(
        size=size,
        tasks=tasks,
        cpus=cpus,
        processes=processes,
        limit=limit,
        default_threads=default_threads,
        variable=SHOWN_VARIABLE,
        fixes=tuple(fixes),
    )
