"""The fixes for oversubscription, each timed on the same batch of matrix products."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass

from ..core.config import mp_context
from ..core.machine import available_cpus, require_blas_pool
from ..core.pools import process_pool
from ..core.results import find
from ..core.validate import positive_float, positive_int
from ..numpy_threads import THREAD_COUNT_VARIABLES
from .batches import (
    SHOWN_VARIABLE,
    WARMUP_SECONDS,
    Batch,
    _pool_batch,
    _seconds,
    _timed_batch,
    blas_threads_in_worker,
    limit_blas_threads,
    matmul_task,
)
from .grid import default_tasks

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
        return find(self.fixes, name=name)

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
    require_blas_pool("the oversubscription fixes")
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
        with process_pool(
            processes,
            context=context,
            initializer=initializer,
            initargs=initargs,
            environment=environ,
        ) as pool:
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
