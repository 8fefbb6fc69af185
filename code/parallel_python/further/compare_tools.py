"""Going further: every tool of the book on one workload.

:func:`run_tool_comparison` integrates 4/(1+x^2) over [0, 1] with ``n``
midpoints (Part B's workload) with each tool the book shows, and times it:
pure Python, threads, a ``multiprocessing`` pool, joblib, a dask cluster,
MPI, NumPy, and numba (serial and ``parallel=True``). Start-up costs
(starting the pool, the cluster, ``mpiexec``; compiling) are kept apart
from the computing time, which is what the speed-ups compare.

"Lines" counts the lines (no docstring, no blank lines) of the package
function that integrates with each tool: roughly, the code it asks of you.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.machine import available_cpus, gil_enabled
from ..core.pools import end_loky_workers, process_pool
from ..core.protocol import Ratio, speedup_from
from ..core.results import find
from ..core.sizing import SHORTEST_CALL
from ..core.validate import positive_float, positive_int
from ..multiproc import four_over_one_plus_x2, integrate, integrate_parallel
from . import dask_demo, joblib_demo, mpi_demo, numba_demo
from .code_lines import code_lines
from .tool_rows import (
    APART,
    DASK,
    MPI,
    PROCESS_BASED,
    PYTHON_IN_WORKERS,
    ToolRun,
    dask_row,
    mpi_row,
    paired_with_python,
)

__all__ = [
    "APART",
    "DASK",
    "MPI",
    "PROCESS_BASED",
    "PYTHON_IN_WORKERS",
    "ToolComparison",
    "ToolRun",
    "run_tool_comparison",
]


@dataclass(frozen=True)
class ToolComparison:
    n: int
    workers: int
    cpus: int
    runs: tuple[ToolRun, ...]
    rounds: int = 0  # shared rounds (dask and MPI pair apart)
    stop_reason: str = ""
    gil_enabled: bool = True  # in the Python that ran the table
    ceiling: Ceiling | None = None
    """The ceiling for the workers' CPUs, between the shared rounds, or None."""
    mpi_set_aside: mpi_demo.MpiRun | None = None  # see mpi_demo.launch_checked
    apart_ceilings: tuple[tuple[str, Ceiling], ...] = ()
    """(tool, its own ceiling) for the rows timed apart from the shared
    rounds: dask's counted between its rounds, MPI's just before its launch
    (:mod:`.tool_rows`); none where not counted."""
    mpi_from_page: bool = False
    """Whether MPI's row is the MPI page's launch (:func:`.tool_rows.mpi_row`),
    rather than a launch of the table's own."""

    def run(self, tool: str) -> ToolRun:
        return find(self.runs, tool=tool)

    def ceiling_of(self, tool: str) -> Ceiling | None:
        """The ceiling counted beside ``tool``'s rounds: its own for a row
        timed apart (or None), else the shared rounds'."""
        if tool in APART:
            return dict(self.apart_ceilings).get(tool)
        return self.ceiling

    def ratio(self, tool: str) -> Ratio | None:
        """Pure Python over ``tool``, median of paired rounds (None: pure Python)."""
        return self.run(tool).ratio

    def speedup(self, tool: str) -> float:
        """How many times as fast as pure Python: the median of per-round ratios
        (best over best for a result recorded without rounds)."""
        run = self.run(tool)
        return speedup_from(run.ratio, self.run("pure Python").timing, run.timing)

    @property
    def tools(self) -> tuple[str, ...]:
        return tuple(r.tool for r in self.runs)

    @property
    def fastest(self) -> str:
        """The tool with the largest speed-up over pure Python."""
        return max(self.runs, key=lambda r: self.speedup(r.tool)).tool

    @property
    def leaders(self) -> tuple[str, ...]:
        """The fastest tool, then every other whose 90 % interval reaches its
        (this run cannot tell them apart), faster first."""
        best = self.fastest
        return (best, *self.tied_with(best))

    def tied_with(
        self, best: str, among: Sequence[str] | None = None
    ) -> tuple[str, ...]:
        """The tools (of ``among``, default all) other than ``best`` whose 90 %
        interval reaches ``best``'s: this run cannot rank them against it.
        Faster first; none when ``best`` has no interval."""
        top = self.ratio(best)
        if top is None:
            return ()
        tied = [
            r.tool
            for r in self.runs
            if r.tool != best
            and (among is None or r.tool in among)
            and r.ratio is not None
            and r.ratio.high >= top.low
        ]
        return tuple(sorted(tied, key=lambda tool: -self.speedup(tool)))


def _threads_integrate(n: int, workers: int) -> float:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return integrate_parallel(four_over_one_plus_x2, 0.0, 1.0, n, pool)


def _pool_integrate(pool: Any, n: int) -> float:
    return integrate_parallel(four_over_one_plus_x2, 0.0, 1.0, n, pool)


def run_tool_comparison(
    n: int = 1_200_000,
    workers: int | None = None,
    *,
    repeats: int = 8,
    budget: float = 3.0,
    mpi: bool = True,
    dask: bool = True,
    call_seconds: float = SHORTEST_CALL,
    probe_seconds: float | None = 0.4,
    mpi_runs: mpi_demo.MpiRuns | None = None,
) -> ToolComparison:
    """Integrate with ``n`` midpoints with every tool; ``workers`` (default:
    the CPUs available) threads, processes, ranks or numba threads each.
    ``mpi=False`` or ``dask=False`` leaves those tools out. A timed call
    lasts at least ``call_seconds`` (a fast tool repeats the integral that
    many times; tests make it short).

    Every tool's workers are started (and numba compiled) first, but for
    dask's cluster; then pure Python and every tool are timed in paired
    rounds (``core.protocol.measure_paired``: at least ``repeats``, more
    until each interval is within ±5 % or ``budget`` seconds are spent);
    each process-based tool beside a pure-Python run of its own. dask runs
    after those rounds, in rounds of its own (:func:`.tool_rows.dask_row`);
    MPI last: the launch with ``workers`` ranks of ``mpi_runs`` (the MPI
    experiment's result; the book passes this build's, so both pages show
    one value) where it has one for ``n``, else a launch of its own paired
    inside it, once more if it contradicts the CPUs
    (:func:`.tool_rows.mpi_row`). Each adds up to half of ``budget``; only
    the shared rounds earn an extension. With
    ``probe_seconds``, the ceiling is counted between the shared rounds
    (pure Python on the CPU of its lone counter), between dask's rounds and
    just before MPI's launch. Every pool, cluster and worker is shut down
    before returning.
    """
    n = positive_int("n", n)
    workers = positive_int("workers", available_cpus() if workers is None else workers)
    repeats = positive_int("repeats", repeats)
    budget = positive_float("budget", budget)
    call_seconds = positive_float("call_seconds", call_seconds)
    if dask:
        dask_demo.require_dask()  # before the other tools' rounds, not after
    f = four_over_one_plus_x2
    values: dict[str, float] = {}

    def case(tool: str, fn: Callable[[], float]) -> Callable[[], None]:
        def call() -> None:
            values[tool] = fn()

        return call

    # tool -> (the call, workers, startup seconds, lines, what it needs)
    tools: dict[str, tuple[Callable[[], None], int, float, int, str]] = {}
    tools["pure Python"] = (
        case("pure Python", lambda: integrate(f, 0.0, 1.0, n)),
        1,
        0.0,
        code_lines(integrate),
        "Python",
    )
    tools["threads"] = (
        case("threads", lambda: _threads_integrate(n, workers)),
        workers,
        0.0,
        code_lines(_threads_integrate),
        "Python",
    )
    k = numba_demo.kernels()
    before = k.numba.get_num_threads()
    threads = min(workers, k.numba.config.NUMBA_NUM_THREADS)
    # the ceiling's counters, started first; a rest before each pair (numba)
    probe = live_ceiling_for(workers, probe_seconds, rest=0.05)
    with ExitStack() as stack:
        stack.enter_context(probe)
        t0 = time.perf_counter()
        pool = stack.enter_context(process_pool(workers))
        pool.map(abs, range(workers), chunksize=1)
        tools["multiprocessing Pool"] = (
            case("multiprocessing Pool", lambda: _pool_integrate(pool, n)),
            workers,
            time.perf_counter() - t0,
            code_lines(_pool_integrate) + 1,  # + the with-statement
            "Python",
        )
        end_loky_workers()
        stack.callback(end_loky_workers)
        t0 = time.perf_counter()
        joblib_demo.integrate_joblib(n, workers)
        tools["joblib"] = (
            case("joblib", lambda: joblib_demo.integrate_joblib(n, workers)),
            workers,
            time.perf_counter() - t0,
            code_lines(joblib_demo.integrate_joblib),
            "joblib",
        )
        tools["NumPy"] = (
            case("NumPy", lambda: numba_demo.integrate_numpy(n)),
            1,
            0.0,
            code_lines(numba_demo.integrate_numpy),
            "NumPy",
        )
        t0 = time.perf_counter()
        numba_demo.integrate_numba(1)
        tools["numba @njit"] = (
            case("numba @njit", lambda: numba_demo.integrate_numba(n)),
            1,
            time.perf_counter() - t0,
            code_lines(numba_demo.midpoint_loop) + 1,  # + the decorator
            "numba",
        )
        stack.callback(k.numba.set_num_threads, before)
        t0 = time.perf_counter()
        numba_demo.integrate_numba_parallel(1, threads)
        tools["numba parallel=True"] = (
            case(
                "numba parallel=True",
                lambda: numba_demo.integrate_numba_parallel(n, threads),
            ),
            threads,
            time.perf_counter() - t0,
            code_lines(numba_demo.midpoint_prange) + 1,
            "numba",
        )
        paired, calls = paired_with_python(
            {tool: spec[0] for tool, spec in tools.items()},
            repeats,
            budget,
            call_seconds,
            # a round lasts about a second, and the pace moves within it: each
            # process-based tool gets a pure-Python run beside it; threads and
            # the compiled tools (gaining far more than the pace moves) share one
            groups=[
                [t for t in tools if t != "pure Python" and t not in PROCESS_BASED],
                *([t] for t in tools if t in PROCESS_BASED),
            ],
            between=probe.between,
        )
        ceiling = probe.result()
    runs = [
        ToolRun(
            tool,
            spec[1],
            paired.times[tool],
            spec[2],
            values[tool],
            spec[3],
            spec[4],
            paired.ratios.get(tool),
            calls[tool],
        )
        for tool, spec in tools.items()
    ]
    # the tools timed apart go before the compiled ones, dask before MPI
    compiled = [r.tool for r in runs].index("NumPy")
    mpi_aside, apart = None, []
    if dask:  # its own cluster, rounds and ceiling: see tool_rows.dask_row
        python = tools["pure Python"][0]
        run, probed = dask_row(
            n, workers, python, repeats, budget / 2, call_seconds, probe_seconds
        )
        runs.insert(compiled, run)
        apart += [(DASK, probed)] if probed else []
        compiled += 1
    from_page = False
    if mpi:  # the MPI page's launch or its own, ceiling just before: mpi_row
        run, mpi_aside, probed, from_page = mpi_row(
            n, workers, repeats, budget / 2, probe_seconds, mpi_runs
        )
        runs.insert(compiled, run)
        apart += [(MPI, probed)] if probed else []
    return ToolComparison(
        n=n,
        workers=workers,
        cpus=available_cpus(),
        runs=tuple(runs),
        rounds=paired.rounds,
        stop_reason=paired.stop_reason,
        gil_enabled=gil_enabled(),
        ceiling=ceiling,
        mpi_set_aside=mpi_aside,
        apart_ceilings=tuple(apart),
        mpi_from_page=from_page,
    )
