"""Going further: every tool of the book on one workload.

:func:`run_tool_comparison` integrates 4/(1+x^2) over [0, 1] with ``n``
midpoints (Part B's workload) with each tool the book shows, and times it:
pure Python, threads, a ``multiprocessing`` pool, joblib, a dask cluster,
MPI, NumPy, and numba (serial and ``parallel=True``). Start-up costs
(starting the pool, the cluster, ``mpiexec``; compiling) are kept apart
from the computing time, which is what the speed-ups compare.

"Lines" counts the lines of the package function that does the integration
with that tool (its docstring and blank lines not counted): a rough measure
of how much code the tool asks of you.
"""

from __future__ import annotations

import ast
import inspect
import math
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..core.machine import available_cpus
from ..core.pools import process_pool
from ..core.results import find
from ..core.timing import Timing, measure
from ..core.validate import positive_int
from ..multiproc import four_over_one_plus_x2, integrate, integrate_parallel
from . import dask_demo, joblib_demo, mpi_demo, numba_demo


def code_lines(fn: Callable[..., Any]) -> int:
    """Lines of ``fn``'s body, without its docstring, blank and comment lines."""
    source = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(source)
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef)
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    ):
        body = body[1:]
    lines = source.splitlines()
    count = 0
    for number in range(body[0].lineno, node.end_lineno + 1):
        text = lines[number - 1].strip()
        if text and not text.startswith("#"):
            count += 1
    return count


@dataclass(frozen=True)
class ToolRun:
    """The integration with one tool."""

    tool: str
    workers: int
    timing: Timing  # computing only, seconds
    startup: float  # seconds to start workers / compile, before timing (0: none)
    value: float
    lines: int
    needs: str  # what must be installed besides Python

    @property
    def error(self) -> float:
        return abs(self.value - math.pi)


@dataclass(frozen=True)
class ToolComparison:
    n: int
    workers: int
    cpus: int
    runs: tuple[ToolRun, ...]

    def run(self, tool: str) -> ToolRun:
        return find(self.runs, tool=tool)

    def speedup(self, tool: str) -> float:
        """Pure Python's best time over ``tool``'s best time."""
        return self.run("pure Python").timing.best / self.run(tool).timing.best

    @property
    def tools(self) -> tuple[str, ...]:
        return tuple(r.tool for r in self.runs)

    @property
    def fastest(self) -> str:
        return min(self.runs, key=lambda r: r.timing.best).tool


def _threads_integrate(n: int, workers: int) -> float:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return integrate_parallel(four_over_one_plus_x2, 0.0, 1.0, n, pool)


def _pool_integrate(pool: Any, n: int) -> float:
    return integrate_parallel(four_over_one_plus_x2, 0.0, 1.0, n, pool)


def run_tool_comparison(
    n: int = 600_000,
    workers: int | None = None,
    *,
    repeats: int = 3,
    mpi: bool = True,
    dask: bool = True,
) -> ToolComparison:
    """Integrate with ``n`` midpoints with every tool; ``workers`` (default:
    the CPUs available) threads, processes, ranks or numba threads each.
    ``mpi=False`` or ``dask=False`` leaves those tools out."""
    n = positive_int("n", n)
    workers = positive_int("workers", available_cpus() if workers is None else workers)
    repeats = positive_int("repeats", repeats)
    f = four_over_one_plus_x2
    runs: list[ToolRun] = []

    def add(
        tool: str,
        fn: Callable[[], float],
        *,
        workers: int,
        startup: float,
        lines: int,
        needs: str,
        warmup: int = 0,
    ) -> None:
        values: list[float] = []
        timing = measure(lambda: values.append(fn()), repeats=repeats, warmup=warmup)
        runs.append(ToolRun(tool, workers, timing, startup, values[-1], lines, needs))

    add(
        "pure Python",
        lambda: integrate(f, 0.0, 1.0, n),
        workers=1,
        startup=0.0,
        lines=code_lines(integrate),
        needs="Python",
    )
    add(
        "threads",
        lambda: _threads_integrate(n, workers),
        workers=workers,
        startup=0.0,
        lines=code_lines(_threads_integrate),
        needs="Python",
    )
    t0 = time.perf_counter()
    with process_pool(workers) as pool:
        pool.map(abs, range(workers), chunksize=1)
        startup = time.perf_counter() - t0
        add(
            "multiprocessing Pool",
            lambda: _pool_integrate(pool, n),
            workers=workers,
            startup=startup,
            lines=code_lines(_pool_integrate) + 1,  # + the with-statement
            needs="Python",
        )
    try:
        joblib_demo.shutdown_workers()
        t0 = time.perf_counter()
        joblib_demo.integrate_joblib(n, workers)
        startup = time.perf_counter() - t0
        add(
            "joblib",
            lambda: joblib_demo.integrate_joblib(n, workers),
            workers=workers,
            startup=startup,
            lines=code_lines(joblib_demo.integrate_joblib),
            needs="joblib",
        )
    finally:
        joblib_demo.shutdown_workers()
    if dask:
        runs.append(_dask_run(n, workers, repeats))
    if mpi:
        r = mpi_demo.launch(workers, n, repeats=repeats)
        runs.append(
            ToolRun(
                "MPI (mpi4py)",
                workers,
                r.compute,
                r.wall_seconds - sum(r.compute.times),
                r.value,
                code_lines(mpi_demo.integrate_ranks) + 2,  # + the comm and mpiexec
                "mpi4py, an MPI library",
            )
        )
    add(
        "NumPy",
        lambda: numba_demo.integrate_numpy(n),
        workers=1,
        startup=0.0,
        lines=code_lines(numba_demo.integrate_numpy),
        needs="NumPy",
    )
    k = numba_demo.kernels()
    t0 = time.perf_counter()
    numba_demo.integrate_numba(1)
    startup = time.perf_counter() - t0
    add(
        "numba @njit",
        lambda: numba_demo.integrate_numba(n),
        workers=1,
        startup=startup,
        lines=code_lines(numba_demo.midpoint_loop) + 1,  # + the decorator
        needs="numba",
    )
    before = k.numba.get_num_threads()
    threads = min(workers, k.numba.config.NUMBA_NUM_THREADS)
    try:
        t0 = time.perf_counter()
        numba_demo.integrate_numba_parallel(1, threads)
        startup = time.perf_counter() - t0
        add(
            "numba parallel=True",
            lambda: numba_demo.integrate_numba_parallel(n, threads),
            workers=threads,
            startup=startup,
            lines=code_lines(numba_demo.midpoint_prange) + 1,
            needs="numba",
        )
    finally:
        k.numba.set_num_threads(before)
    return ToolComparison(n=n, workers=workers, cpus=available_cpus(), runs=tuple(runs))


def _dask_run(n: int, workers: int, repeats: int) -> ToolRun:
    from dask.distributed import Client, LocalCluster

    values: list[float] = []
    with dask_demo.quiet_dask():
        t0 = time.perf_counter()
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        )
        try:
            with Client(cluster) as client:
                client.wait_for_workers(workers)
                startup = time.perf_counter() - t0
                timing = measure(
                    lambda: values.append(dask_demo.integrate_delayed(client, n)),
                    repeats=repeats,
                    warmup=1,  # the first call ships the function to the workers
                )
        finally:
            cluster.close()
    return ToolRun(
        "dask (LocalCluster)",
        workers,
        timing,
        startup,
        values[-1],
        code_lines(dask_demo.integrate_delayed) + 1,  # + starting the client
        "dask[distributed]",
    )
