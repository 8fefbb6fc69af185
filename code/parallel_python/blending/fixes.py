"""The fixes for oversubscription, each timed on the same batch of matrix products."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from ..core.config import mp_context
from ..core.machine import available_cpus, require_blas_pool
from ..core.pools import end_loky_workers, process_pool
from ..core.protocol import Paired, Ratio, measure_paired, speedup_from
from ..core.rests import rests
from ..core.results import find
from ..core.validate import positive_float, positive_int
from ..numpy_threads import THREAD_COUNT_VARIABLES
from .batches import (
    SETTLE_AFTER_THREADS,
    SETTLE_SECONDS,
    SHOWN_VARIABLE,
    WARMUP_SECONDS,
    Batch,
    Reports,
    _pool_batch,
    _seconds,
    batch_from,
    blas_threads_in_worker,
    limit_blas_threads,
    matmul_task,
    warm_up,
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
    ratio: Ratio | None = None
    """No limit's time over this way's, round by round (None for no limit)."""

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
        """How many times as fast as with no limit: the median of per-round
        ratios (best over best for a result recorded without rounds)."""
        fix = self.get(name)
        return speedup_from(
            fix.ratio, self.get(NO_LIMIT).batch.timing, fix.batch.timing
        )

    rounds: int = 0
    """Paired rounds of the pool rows (each joblib row has its own)."""
    stop_reasons: tuple[str, ...] = ()
    """Why the paired rounds stopped: the pool rows', then each joblib row's."""


def _joblib_call(n: int, tasks: int, processes: int, inner: int | None):
    """One batch in joblib's loky workers, with ``inner_max_num_threads``."""
    try:
        from joblib import Parallel, delayed, parallel_config
    except ImportError:  # pragma: no cover - joblib is pinned in requirements
        raise RuntimeError("the joblib rows need joblib (pip install joblib)") from None

    def run() -> Reports:
        with parallel_config(backend="loky", inner_max_num_threads=inner):
            return Parallel(n_jobs=processes)(
                delayed(matmul_task)(n) for _ in range(tasks)
            )

    return run


def _paired_rows(
    runs: dict[str, Callable[[], Reports]],
    baseline: str,
    repeats: int,
    warmup: int,
    budget: float,
    warmup_seconds: float,
    threaded: set[str],
    warmed: frozenset[str] = frozenset(),
) -> tuple[dict[str, list[Reports]], dict[str, list[Reports]], Paired]:
    """Warm each way up (except those ``warmed`` already), then time them
    all in paired rounds; the reports of the warm-up batches and of the
    timed ones, per way, and the rounds. ``threaded``: the ways whose
    workers run several BLAS threads."""
    warm = {
        name: warm_up(run, warmup, warmup_seconds)[0]
        for name, run in runs.items()
        if name not in warmed
    }
    timed: dict[str, list[Reports]] = {name: [] for name in runs}

    def timed_call(name: str) -> Callable[[], None]:
        return lambda: timed[name].append(runs[name]())

    paired = measure_paired(
        {name: timed_call(name) for name in runs},
        baseline=baseline,
        min_rounds=repeats,
        budget_seconds=budget,
        warmup=0,
        context=rests(
            SETTLE_SECONDS, after=sorted(threaded), longer=SETTLE_AFTER_THREADS
        ),
        # no limit collapses in some calls and not in others, so its ratios
        # stay wide however many rounds run: they only need to stay large
        extension=0,
    )
    return warm, timed, paired


#: Products per batch at least, by default: twice the grid's, so that a
#: batch with a limit (about 35 ms on the 2-CPU build machine) is long next
#: to what a joblib call costs by itself (5-25 ms there), which would
#: otherwise decide the joblib rows' gain.
FIXES_TASKS = 12


def run_fixes(
    size: int = 500,
    tasks: int | None = None,
    processes: int | None = None,
    *,
    joblib: bool = True,
    repeats: int = 5,
    warmup: int = 1,
    budget: float = 3.0,
    warmup_seconds: float = WARMUP_SECONDS,
) -> Fixes:
    """Run the batch (``tasks`` products, default: :func:`.grid.default_tasks`
    of at least :data:`FIXES_TASKS`) with ``processes`` workers (default:
    the CPUs) without a thread limit, then with each fix limiting BLAS to
    CPUs // processes threads per worker (at least 1).

    The ``fork`` row (variable set too late) appears only where ``fork``
    exists; the joblib rows only with ``joblib=True``. Every pool is started
    and warmed up first; then no limit and each fix run in paired rounds
    (:func:`~parallel_python.core.protocol.measure_paired`, at least
    ``repeats`` rounds, at most ``budget`` seconds unless the intervals reach
    ±5 % first), so each fix's gain is the median of per-round ratios. Each
    joblib row (loky holds one configuration at a time) is paired with the
    no-limit pool in rounds of its own, on a third of ``budget``. The
    parent's thread pools and environment are left as they were, and every
    pool is closed.
    """
    size = positive_int("size", size)
    cpus = available_cpus()
    processes = positive_int("processes", cpus if processes is None else processes)
    tasks = positive_int(
        "tasks",
        default_tasks((processes,), at_least=FIXES_TASKS) if tasks is None else tasks,
    )
    repeats = positive_int("repeats", repeats)
    warmup = positive_int("warmup", warmup)
    budget = positive_float("budget", budget)
    warmup_seconds = _seconds("warmup_seconds", warmup_seconds)
    require_blas_pool("the oversubscription fixes")
    limit = max(1, cpus // processes)
    default_threads = blas_threads_in_worker()
    env = {v: str(limit) for v in THREAD_COUNT_VARIABLES}
    ctx = mp_context()
    # name -> (start context, threads asked, initializer, its args, env, per task)
    rows = {
        NO_LIMIT: (ctx, 0, None, (), None, 0),
        INITIALIZER: (ctx, limit, limit_blas_threads, (limit,), None, 0),
        AROUND_TASK: (ctx, limit, None, (), None, limit),
        ENV_SPAWN: (multiprocessing.get_context("spawn"), limit, None, (), env, 0),
    }
    if "fork" in multiprocessing.get_all_start_methods():
        rows[ENV_FORK] = (multiprocessing.get_context("fork"), limit, None, (), env, 0)
    fixes, stops = [], []
    with ExitStack() as stack:
        runs = {}
        for name, (context, _, init, initargs, environ, per_task) in rows.items():
            pool = stack.enter_context(
                process_pool(
                    processes,
                    context=context,
                    initializer=init,
                    initargs=initargs,
                    environment=environ,
                )
            )
            runs[name] = _pool_batch(pool, size, tasks, per_task)
        threaded = {
            name
            for name, (_, asked, *_rest) in rows.items()
            if (asked or default_threads) > 1 or name == ENV_FORK
        }
        warm, timed, paired = _paired_rows(
            runs, NO_LIMIT, repeats, warmup, budget, warmup_seconds, threaded
        )
        stops.append(paired.stop_reason)
        for name, (context, asked, *_rest) in rows.items():
            batch = batch_from(
                processes,
                asked or default_threads,
                paired.times[name].times,
                warm[name],
                timed[name],
            )
            fixes.append(
                Fix(
                    name,
                    context.get_start_method(),
                    asked,
                    batch,
                    paired.ratios.get(name),
                )
            )
        if joblib:
            stack.callback(end_loky_workers)
            for name, asked, inner in (
                (JOBLIB_DEFAULT, max(1, cpus // processes), None),
                (JOBLIB_INNER, limit, limit),
            ):
                end_loky_workers()
                pair = {
                    NO_LIMIT: runs[NO_LIMIT],
                    name: _joblib_call(size, tasks, processes, inner),
                }
                warm, timed, rounds = _paired_rows(
                    pair,
                    NO_LIMIT,
                    repeats,
                    warmup,
                    budget / 3,
                    warmup_seconds,
                    threaded | {name},
                    warmed=frozenset({NO_LIMIT}),  # warm since the pool rows
                )
                batch = batch_from(
                    processes,
                    inner or max(1, cpus // processes),
                    rounds.times[name].times,
                    warm[name],
                    timed[name],
                )
                fixes.append(Fix(name, "loky", asked, batch, rounds.ratios[name]))
                stops.append(rounds.stop_reason)
    return Fixes(
        size=size,
        tasks=tasks,
        cpus=cpus,
        processes=processes,
        limit=limit,
        default_threads=default_threads,
        variable=SHOWN_VARIABLE,
        fixes=tuple(fixes),
        rounds=paired.rounds,
        stop_reasons=tuple(stops),
    )
