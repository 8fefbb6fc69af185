"""Timed batches of matrix products in P processes with T BLAS threads each."""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from ..core.timing import Timing

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


# --- inside a worker: state kept between tasks ----------------------------------

_controller: ThreadpoolController | None = None
_operands: dict[int, tuple[np.ndarray, np.ndarray]] = {}
_worker_limit: Any = None


def _seconds(name: str, value: float) -> float:
    """``value`` as seconds >= 0, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a number of seconds >= 0, got {value!r}")
    return float(value)


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


#: What the workers of one batch report: one tuple per task (see matmul_task).
Reports = list[tuple[int, int, float, int, str, str]]

#: Seconds of rest before each timed batch of the fixes' paired rounds (not
#: timed), and after a batch whose workers ran several BLAS threads:
#: OpenBLAS's idle threads keep spinning for up to about 0.1 s after their
#: work, and would take CPUs from the next batch.
SETTLE_SECONDS = 0.01
SETTLE_AFTER_THREADS = 0.12


def warm_up(
    run: Callable[[], Reports], warmup: int, warmup_seconds: float
) -> tuple[list[Reports], float]:
    """Run at least ``warmup`` batches, and on until ``warmup_seconds`` have
    passed; their reports, and how long the last one took."""
    reports: list[Reports] = []
    started = time.perf_counter()
    last = 0.0
    while len(reports) < warmup or time.perf_counter() - started < warmup_seconds:
        t0 = time.perf_counter()
        reports.append(run())
        last = time.perf_counter() - t0
    return reports, last


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
    warm_reports, last = warm_up(run, warmup, warmup_seconds)
    if budget is not None:
        repeats = max(1, min(repeats, int(budget / max(last, 1e-9))))
    walls: list[float] = []
    timed: list[list[tuple[int, int, float, int, str, str]]] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        report = run()
        walls.append(time.perf_counter() - t0)
        timed.append(report)
    return batch_from(processes, threads, walls, warm_reports, timed)


def batch_from(
    processes: int,
    threads: int,
    walls: Sequence[float],
    warm_reports: Sequence[Reports],
    timed: Sequence[Reports],
) -> Batch:
    """A :class:`Batch` from the wall times of timed batches and what the
    workers reported in them (``timed``, one list per batch, same order) and
    in the warm-up batches (``warm_reports``: for the thread counts only)."""
    if len(walls) != len(timed) or not walls:
        raise ValueError("every timed batch needs its wall time and its reports")
    timing = Timing(times=tuple(walls), warmup=len(warm_reports))
    every = [r for batch in [*warm_reports, *timed] for r in batch]
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


def _pool_batch(
    pool: multiprocessing.pool.Pool, n: int, tasks: int, limit: int = 0
) -> Callable[[], list[tuple[int, int, float, int, str, str]]]:
    args = [(n, limit)] * tasks
    return lambda: pool.starmap(matmul_task, args, chunksize=1)
