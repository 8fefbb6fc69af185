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

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.machine import available_cpus, gil_enabled
from ..core.pinning import in_new_threads
from ..core.pools import baseline_on_one_cpu, end_loky_workers, process_pool
from ..core.protocol import Paired, Ratio, measure_paired, speedup_from
from ..core.results import find
from ..core.sizing import SHORTEST_CALL, sized_calls
from ..core.timing import Timing
from ..core.validate import positive_float, positive_int
from ..multiproc import four_over_one_plus_x2, integrate, integrate_parallel
from . import dask_demo, joblib_demo, mpi_demo, numba_demo
from .code_lines import code_lines


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
    ratio: Ratio | None = None
    """Pure Python's time over this tool's, round by round (median, interval);
    None for pure Python itself."""
    calls: int = 1
    """Integrals one timed call computed (calibrated to last at least
    ``call_seconds``); ``timing`` is per integral."""

    @property
    def error(self) -> float:
        return abs(self.value - math.pi)


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

    def run(self, tool: str) -> ToolRun:
        return find(self.runs, tool=tool)

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


#: The dask row's name: its rounds run apart from the other tools'.
DASK = "dask (LocalCluster)"
#: The MPI row's name: it runs last, in an ``mpiexec`` launch of its own.
MPI = "MPI (mpi4py)"
#: The rows timed apart from the shared rounds (and their ceiling).
APART = (DASK, MPI)
#: The tools that run the pure-Python loop in several threads or processes.
PYTHON_IN_WORKERS = ("threads", "multiprocessing Pool", "joblib", DASK, MPI)
#: Those that run it in worker processes.
PROCESS_BASED = PYTHON_IN_WORKERS[1:]


def _threads_integrate(n: int, workers: int) -> float:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return integrate_parallel(four_over_one_plus_x2, 0.0, 1.0, n, pool)


def _pool_integrate(pool: Any, n: int) -> float:
    return integrate_parallel(four_over_one_plus_x2, 0.0, 1.0, n, pool)


def run_tool_comparison(
    n: int = 1_200_000,
    workers: int | None = None,
    *,
    repeats: int = 5,
    budget: float = 3.5,
    mpi: bool = True,
    dask: bool = True,
    call_seconds: float = SHORTEST_CALL,
    probe_seconds: float | None = 0.4,
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
    after those rounds, in rounds of its own (:func:`_dask_run`); MPI last,
    in a launch of its own paired inside it, once more if it contradicts the
    CPUs (``mpi_demo.launch_checked``). Each adds up to half of ``budget``;
    only the shared rounds earn an extension. With ``probe_seconds``, the
    ceiling is counted between the shared rounds, pure Python on the CPU of
    its lone counter. Every pool, cluster and worker is shut down before
    returning.
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
    probe = live_ceiling_for(workers, probe_seconds, per_round=2, rest=0.05)
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
        paired, calls = _paired_with_python(
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
    if dask:
        # apart from the shared rounds: see _dask_run
        python = tools["pure Python"][0]
        runs.insert(
            compiled, _dask_run(n, workers, python, repeats, budget / 2, call_seconds)
        )
        compiled += 1
    mpi_aside = None
    if mpi:
        r, mpi_aside = mpi_demo.launch_checked(
            workers, n, available_cpus(), mpi_demo.TIMEOUT, repeats, budget / 2
        )
        runs.insert(
            compiled,
            ToolRun(
                MPI,
                workers,
                r.compute,
                r.wall_seconds - sum(r.compute.times) - sum(r.serial.times),
                r.value,
                code_lines(mpi_demo.integrate_ranks) + 2,  # + the comm and mpiexec
                "mpi4py and an MPI library",
                r.ratio,
            ),
        )
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
    )


def _paired_with_python(
    ways: dict[str, Callable[[], None]],
    repeats: int,
    budget: float,
    call_seconds: float,
    groups: list[list[str]] | None = None,
    between: Callable[[], object] | None = None,
) -> tuple[Paired, dict[str, int]]:
    """``ways`` in paired rounds against pure Python (first CPU, a new thread
    each call), each called once first (threads wake slowly); a way shorter
    than ``call_seconds`` (a compiled integral: about a millisecond)
    repeats the integral to fill a call. The rounds, the integrals per call."""
    for way in ways.values():
        way()
    sized, calls = sized_calls(ways, target_seconds=call_seconds)
    sized["pure Python"] = in_new_threads(sized["pure Python"])
    paired = measure_paired(
        sized,
        baseline="pure Python",
        min_rounds=repeats,
        budget_seconds=budget,
        warmup=0,
        calls=calls,
        groups=groups,
        context=baseline_on_one_cpu("pure Python"),
        between=between,
        extend_for=[
            way for way in ways if way in PYTHON_IN_WORKERS and way not in APART
        ],
    )
    return paired, calls


def _dask_run(
    n: int,
    workers: int,
    pure_python: Callable[[], None],
    repeats: int,
    budget: float,
    call_seconds: float,
) -> ToolRun:
    """dask's row: a cluster started for it alone, timed in paired rounds
    against ``pure_python`` (on the first CPU), and closed. An idle cluster's
    event loops (the scheduler in this process, each worker in its own) use
    about a tenth of a CPU, in bursts: it must not idle beside other rounds."""
    values: dict[str, float] = {}
    t0 = time.perf_counter()
    with dask_demo.local_client(workers) as client:
        dask_demo.integrate_delayed(client, n)  # ships the function once
        startup = time.perf_counter() - t0

        def call() -> None:
            values[DASK] = dask_demo.integrate_delayed(client, n)

        paired, calls = _paired_with_python(
            {"pure Python": pure_python, DASK: call}, repeats, budget, call_seconds
        )
    return ToolRun(
        DASK,
        workers,
        paired.times[DASK],
        startup,
        values[DASK],
        code_lines(dask_demo.integrate_delayed) + 1,  # + the client
        "dask[distributed]",
        paired.ratios.get(DASK),
        calls[DASK],
    )
