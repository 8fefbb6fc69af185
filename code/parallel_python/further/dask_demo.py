"""Going further: dask arrays computed in chunks, and a real dask cluster.

* :func:`midpoint_array` - the integral of 4/(1+x^2) over [0, 1] as a
  ``dask.array`` expression: ``n`` midpoints in chunks, never all in memory.
* :func:`run_dask_chunks` - compute it with dask's threads, on an array far
  larger than a memory budget, while a sampler watches the process's
  resident memory; the same with NumPy on a smaller array for comparison.
* :func:`run_dask_cluster` - start a ``dask.distributed.LocalCluster``
  (worker processes, each with a memory limit), compute the same array
  expression and Part B's pure-Python integration (``dask.delayed`` chunks)
  on it, write a self-contained performance report, and close everything.

Nothing here writes to stderr: dask's loggers are set to ``ERROR`` for the
run and restored afterwards; the cluster and client are closed even when a
computation fails.
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.machine import available_cpus
from ..core.pinning import in_new_threads
from ..core.pools import baseline_on_one_cpu
from ..core.protocol import Ratio, measure_paired, speedup_from
from ..core.timing import Timing, measure
from ..core.validate import positive_float, positive_int
from ..multiproc import four_over_one_plus_x2, integrate, integration_tasks, partial_sum
from .dask_report import offline_report, workers_left
from .memory_watch import peak_memory, watch_memory
from .memory_watch import rss as _rss

_LOGGERS = ("distributed", "bokeh", "tornado", "dask")


def require_dask() -> None:
    """A clear error when dask or distributed is missing."""
    try:
        import dask.array  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(
            "this experiment needs dask: pip install 'dask[distributed,diagnostics]'"
        ) from exc


@contextmanager
def quiet_dask() -> Iterator[None]:
    """Dask's loggers at ``ERROR`` inside the block, and afterwards the
    loggers and the environment as they were: a local cluster's nanny sets
    ``OMP_NUM_THREADS=1`` (and more) in this process's environment before it
    starts its workers, and leaves it there, so every process started later
    (a spawned pool's workers) would load BLAS with one thread."""
    saved = {name: logging.getLogger(name).level for name in _LOGGERS}
    environ = dict(os.environ)
    try:
        for name in _LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
        for key in set(os.environ) - set(environ):
            del os.environ[key]
        for key, value in environ.items():
            if os.environ.get(key) != value:
                os.environ[key] = value


@contextmanager
def local_client(
    workers: int, *, dashboard: bool = False, memory_limit: int | None = None
) -> Iterator[Any]:
    """A client of a local cluster of ``workers`` one-thread processes; the
    cluster is closed on leaving the block. ``dashboard``: serve dask's
    dashboard on a free port of 127.0.0.1 (a performance report needs it);
    ``memory_limit``: bytes per worker (default: dask's, a share of RAM)."""
    require_dask()
    from dask.distributed import Client, LocalCluster

    with quiet_dask():
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0" if dashboard else None,
            memory_limit="auto" if memory_limit is None else memory_limit,
            # CRITICAL: a worker's heartbeat racing the close logs an ERROR
            silence_logs=logging.CRITICAL,
        )
        try:
            with Client(cluster) as client:
                client.wait_for_workers(workers)
                yield client
        finally:
            cluster.close()


def midpoint_array(n: int, chunk: int) -> Any:
    """The midpoint-rule integral of 4/(1+x^2) on [0, 1] as a lazy dask scalar."""
    import dask.array as da

    n = positive_int("n", n)
    chunk = positive_int("chunk", chunk)
    h = 1.0 / n
    x = (da.arange(n, chunks=chunk, dtype="f8") + 0.5) * h
    return (4.0 / (1.0 + x * x)).sum() * h


def midpoint_numpy(n: int) -> float:
    """The same integral with NumPy: every array of ``n`` numbers in memory."""
    import numpy as np

    h = 1.0 / n
    x = (np.arange(n, dtype="f8") + 0.5) * h
    return float((4.0 / (1.0 + x * x)).sum() * h)


@dataclass(frozen=True)
class DaskChunks:
    """A dask array far larger than a memory budget, computed in chunks."""

    n: int
    chunk: int
    chunks: int
    array_bytes: int  # one array of n float64 numbers
    budget_bytes: int
    threads: int
    value: float
    exact: float
    timing: Timing
    peak_bytes: int  # growth of resident memory during the dask compute
    numpy_n: int
    numpy_value: float
    numpy_timing: Timing
    numpy_peak_bytes: int
    samples: tuple[tuple[float, int], ...] = ()
    """Memory growth while dask computed: (seconds, bytes) pairs."""

    @property
    def within_budget(self) -> bool:
        return self.peak_bytes <= self.budget_bytes

    @property
    def numpy_bytes_per_point(self) -> float:
        return self.numpy_peak_bytes / self.numpy_n

    @property
    def dask_bytes_per_point(self) -> float:
        return self.peak_bytes / self.n


def run_dask_chunks(
    n: int = 40_000_000,
    chunk: int = 1_000_000,
    *,
    budget_bytes: int = 256 * 2**20,
    numpy_n: int = 5_000_000,
    repeats: int = 2,
) -> DaskChunks:
    """Integrate with ``n`` midpoints as a dask array in chunks of ``chunk``.

    The array of ``n`` numbers is far larger than ``budget_bytes``; the
    memory the computes actually take is sampled while they run (``repeats``
    times). NumPy does the same with ``numpy_n`` points, for the memory per
    point it needs.
    """
    require_dask()
    import dask

    n = positive_int("n", n)
    chunk = positive_int("chunk", chunk)
    budget_bytes = positive_int("budget_bytes", budget_bytes)
    numpy_n = positive_int("numpy_n", numpy_n)
    repeats = positive_int("repeats", repeats)
    threads = available_cpus()
    expression = midpoint_array(n, chunk)
    values: list[float] = []
    numpy_values: list[float] = []

    def timed(fn: Callable[[], float], into: list[float]) -> Timing:
        return measure(lambda: into.append(fn()), repeats=repeats, warmup=0)

    with dask.config.set(scheduler="threads", num_workers=threads):
        timing, peak, samples = watch_memory(lambda: timed(expression.compute, values))
    numpy_timing, numpy_peak = peak_memory(
        lambda: timed(lambda: midpoint_numpy(numpy_n), numpy_values)
    )
    value, numpy_value = float(values[0]), numpy_values[0]
    return DaskChunks(
        n=n,
        chunk=chunk,
        chunks=math.ceil(n / chunk),
        array_bytes=8 * n,
        budget_bytes=budget_bytes,
        threads=threads,
        value=value,
        exact=math.pi,
        timing=timing,
        peak_bytes=peak,
        numpy_n=numpy_n,
        numpy_value=numpy_value,
        numpy_timing=numpy_timing,
        numpy_peak_bytes=numpy_peak,
        samples=samples,
    )


# --- a real cluster -----------------------------------------------------------


def integrate_delayed(client: Any, n: int, chunks: int = 24) -> float:
    """Part B's pure-Python integration, its chunks as ``dask.delayed`` tasks."""
    from dask import delayed

    h, tasks = integration_tasks(four_over_one_plus_x2, 0.0, 1.0, n, chunks)
    parts = [delayed(partial_sum)(*t) for t in tasks]
    return math.fsum(client.compute(parts, sync=True)) * h


@dataclass(frozen=True)
class DaskCluster:
    """The same work on a ``LocalCluster`` of worker processes."""

    workers: int
    threads_per_worker: int
    memory_limit_bytes: int
    start_seconds: float
    close_seconds: float
    array_n: int
    array_chunk: int
    array_value: float
    array_timing: Timing
    n: int
    value: float
    serial_value: float
    serial: Timing
    delayed_timing: Timing
    worker_memory: tuple[int, ...]  # resident bytes of each worker after the work
    report: str  # file name of the performance report ("" if none)
    report_bytes: int
    report_offline: bool  # no script or stylesheet loaded from the network
    workers_left: int  # worker processes still running after close
    ratio: Ratio | None = None
    """Serial over the cluster, round by round (median and 90 % interval)."""
    stop_reason: str = ""
    """Why the paired rounds stopped (see core.protocol.measure_paired)."""

    @property
    def speedup(self) -> float:
        """Pure-Python integration: serial over the cluster, the median of
        per-round ratios (best over best for a record without rounds)."""
        return speedup_from(self.ratio, self.serial, self.delayed_timing)


def run_dask_cluster(
    workers: int | None = None,
    *,
    n: int = 600_000,
    array_n: int = 4_000_000,
    array_chunk: int = 1_000_000,
    memory_limit_bytes: int = 512 * 2**20,
    report: str | os.PathLike[str] | None = None,
    repeats: int = 2,
    rounds: int = 5,
    budget: float = 1.5,
) -> DaskCluster:
    """Start a local dask cluster, compute on it, and close it.

    ``workers`` worker processes (default: the CPUs available), one thread
    each. With ``report``, the array compute is recorded in a self-contained
    performance report (HTML, plots included) written to that path. The
    array is timed ``repeats`` times; the pure-Python integration runs as
    delayed tasks and as a serial loop in paired rounds (at least ``rounds``,
    more until the ratio's interval is within ±5 % or ``budget`` seconds).
    """
    require_dask()
    from dask.distributed import performance_report

    workers = positive_int("workers", available_cpus() if workers is None else workers)
    n = positive_int("n", n)
    array_n = positive_int("array_n", array_n)
    array_chunk = positive_int("array_chunk", array_chunk)
    memory_limit_bytes = positive_int("memory_limit_bytes", memory_limit_bytes)
    repeats = positive_int("repeats", repeats)
    rounds = positive_int("rounds", rounds)
    budget = positive_float("budget", budget)
    f = four_over_one_plus_x2
    serial_value = integrate(f, 0.0, 1.0, n)
    report_path = Path(report) if report is not None else None
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
    expression = midpoint_array(array_n, array_chunk)
    values: list[float] = []
    with quiet_dask():
        t0 = time.perf_counter()
        with local_client(
            workers, dashboard=True, memory_limit=memory_limit_bytes
        ) as client:
            try:
                start = time.perf_counter() - t0
                if report_path is not None:
                    with performance_report(filename=str(report_path), mode="inline"):
                        array_value = float(client.compute(expression, sync=True))
                else:
                    array_value = float(client.compute(expression, sync=True))
                array_timing = measure(
                    lambda: client.compute(expression, sync=True),
                    repeats=repeats,
                    warmup=0,
                )
                # the serial loop and the cluster in paired rounds (the first
                # delayed call, a warm-up, ships the function to the workers)
                paired = measure_paired(
                    {
                        "serial": in_new_threads(lambda: integrate(f, 0.0, 1.0, n)),
                        "delayed": lambda: values.append(integrate_delayed(client, n)),
                    },
                    baseline="serial",
                    min_rounds=rounds,
                    budget_seconds=budget,
                    warmup=1,
                    context=baseline_on_one_cpu("serial"),
                )
                serial = paired.times["serial"]
                delayed_timing = paired.times["delayed"]
                memory = client.run(_rss)
            finally:
                t1 = time.perf_counter()  # leaving the block closes both
        close = time.perf_counter() - t1
    report_bytes, offline = 0, True
    if report_path is not None:
        offline_report(report_path)
        text = report_path.read_text(encoding="utf-8")
        report_bytes = len(text.encode("utf-8"))
        offline = not re.search(r'<(script|link)[^>]+(src|href)="https?://', text)
    value = values[0] if all(v == values[0] for v in values) else math.nan
    return DaskCluster(
        workers=workers,
        threads_per_worker=1,
        memory_limit_bytes=memory_limit_bytes,
        start_seconds=start,
        close_seconds=close,
        array_n=array_n,
        array_chunk=array_chunk,
        array_value=array_value,
        array_timing=array_timing,
        n=n,
        value=value,
        serial_value=serial_value,
        serial=serial,
        delayed_timing=delayed_timing,
        worker_memory=tuple(int(v) for v in memory.values()),
        report=report_path.name if report_path is not None else "",
        report_bytes=report_bytes,
        report_offline=offline,
        workers_left=len(workers_left()),
        ratio=paired.ratios["delayed"],
        stop_reason=paired.stop_reason,
    )
