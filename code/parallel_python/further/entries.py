"""Going further in the catalogue: one entry per tool page, in reading order."""

from __future__ import annotations

from ..core.experiment import Experiment, Option
from ..core.text import plural
from .compare_tools import APART, MPI, ToolComparison, run_tool_comparison
from .dask_demo import DaskChunks, DaskCluster, run_dask_chunks, run_dask_cluster
from .freethreading import FreeThreading, run_free_threading
from .joblib_demo import JoblibRun, run_joblib
from .mpi_demo import MpiRuns, run_mpi
from .narrate_pools import dask_chunks_summary, dask_cluster_summary, joblib_summary
from .narrate_speed import free_threading_summary, mpi_summary, numba_summary
from .narrate_tools import tools_summary
from .narrate_waiting import waiting_summary
from .numba_demo import ONE_THREAD, PARALLEL, NumbaRun, run_numba
from .plots import (
    plot_dask_memory,
    plot_free_threading,
    plot_joblib,
    plot_mpi,
    plot_numba,
    plot_tools,
    plot_waiting,
)
from .waiting import Waiting, run_waiting


def _waiting_headlines(w: Waiting) -> dict[str, float]:
    return {
        # medians, as the page and its figure give them
        "all requests, 1 at a time (s)": w.case(
            "threads", min(w.workers)
        ).timing.median,
        f"all requests, {plural(w.most, 'thread')} (s)": w.case(
            "threads", w.most
        ).timing.median,
        f"all requests, {plural(w.most, 'asyncio task')} (s)": w.case(
            "asyncio", w.most
        ).timing.median,
        f"speed-up, {plural(w.most, 'thread')} (×)": w.speedup("threads", w.most),
        f"speed-up, {plural(w.most, 'asyncio task')} (×)": w.speedup("asyncio", w.most),
        # what the time left over cost the client, where it was read
        **{
            f"client CPU, all requests, {plural(w.most, what)} (s)": used
            for tool, what in (("threads", "thread"), ("asyncio", "asyncio task"))
            if (used := w.case(tool, w.most).client_cpu) is not None
        },
    }


def _waiting_intervals(w: Waiting) -> dict:
    return {
        f"speed-up, {plural(w.most, 'thread')} (×)": w.ratio("threads", w.most),
        f"speed-up, {plural(w.most, 'asyncio task')} (×)": w.ratio("asyncio", w.most),
    }


def _waiting_limits(w: Waiting) -> dict[str, float]:
    """With the most in flight, the waits overlap and the client's own work
    sets the pace: one at a time's time over the client's CPU time per fetch
    is the fastest that work allows (where that CPU time was read)."""
    t1 = w.case("threads", min(w.workers)).timing.median
    return {
        f"speed-up, {plural(w.most, what)} (×)": t1 / used
        for tool, what in (("threads", "thread"), ("asyncio", "asyncio task"))
        if (used := w.case(tool, w.most).client_cpu)
    }


def _joblib_headlines(j: JoblibRun) -> dict[str, float]:
    return {
        "first Parallel call (s)": j.cold,
        "speed-up, workers reused (×)": j.speedup,
        "cached call / first call": j.cache_again / j.cache_first,
    } | (
        {"call returned after its last task, median (s)": j.late_median}
        if j.late_median is not None and not j.in_process
        else {}
    )


def _dask_chunks_headlines(d: DaskChunks) -> dict[str, float]:
    return {"compute (s)": d.timing.best, "memory growth (MiB)": d.peak_bytes / 2**20}


def _joblib_intervals(j: JoblibRun) -> dict:
    return {"speed-up, workers reused (×)": j.ratio}


def _dask_cluster_intervals(d: DaskCluster) -> dict:
    return {"speed-up of delayed integration (×)": d.ratio}


def _dask_cluster_headlines(c: DaskCluster) -> dict[str, float]:
    return {
        "cluster start (s)": c.start_seconds,
        "array compute on the cluster (s)": c.array_timing.best,
        "speed-up of delayed integration (×)": c.speedup,
    }


def _numba_headlines(r: NumbaRun) -> dict[str, float]:
    found = {
        "@njit over pure Python, per point (×)": r.speedup("@njit"),
        "parallel=True on 1 thread over @njit (×)": r.speedup(r.one_thread, "@njit"),
    }
    if r.one_thread != PARALLEL:
        found[f"parallel=True, {r.threads} threads over 1 (×)"] = r.speedup(
            PARALLEL, ONE_THREAD
        )
    return {
        **found,
        "nogil threads over @njit (×)": r.speedup(
            "@njit(nogil=True), threads", "@njit"
        ),
        "compile time, all versions (s)": r.total_compile,
    }


def _numba_intervals(r: NumbaRun) -> dict:
    found = {
        "parallel=True on 1 thread over @njit (×)": r.case(r.one_thread).ratio,
        "nogil threads over @njit (×)": r.case("@njit(nogil=True), threads").ratio,
    }
    if r.one_thread != PARALLEL:
        found[f"parallel=True, {r.threads} threads over 1 (×)"] = r.threads_gain
    return found


def _mpi_headlines(m: MpiRuns) -> dict[str, float]:
    return {
        f"compute, {plural(m.most, 'rank')} (s)": m.run(m.most).compute.median,
        f"speed-up, {plural(m.most, 'rank')} (×)": m.speedup(m.most),
        f"launch, {plural(m.most, 'rank')} (s)": m.run(m.most).wall_seconds,
    }


def _ft_headlines(f: FreeThreading) -> dict[str, float]:
    return {
        "GIL on (1) or off (0)": float(f.gil_enabled),
        "speed-up, pure Python in threads (×)": f.threads_speedup,
    }


def _ft_intervals(f: FreeThreading) -> dict:
    return {
        "speed-up, pure Python in threads (×)": f.gil.threads_cpu_at(f.workers).ratio
    }


def _tools_headlines(t: ToolComparison) -> dict[str, float]:
    return {
        f"speed-up, {tool} (×)": t.speedup(tool)
        for tool in t.tools
        if tool != "pure Python"
    }


def _tools_apart_ceilings(t: ToolComparison) -> dict[str, float]:
    """The rows timed apart, each with the ceiling counted beside it."""
    return {
        f"speed-up, {tool} (×)": c.ratio for tool in APART if (c := t.ceiling_of(tool))
    }


def _ft_controls(f: FreeThreading) -> tuple[str, ...]:
    """With the GIL on, pure Python in threads shows no parallel gain."""
    return ("speed-up, pure Python in threads (×)",) if f.gil_enabled else ()


def _tools_controls(t: ToolComparison) -> tuple[str, ...]:
    """With the GIL on, the threads' row shows no parallel gain."""
    return ("speed-up, threads (×)",) if t.gil_enabled else ()


def _tools_intervals(t: ToolComparison) -> dict:
    return {
        f"speed-up, {r.tool} (×)": r.ratio for r in t.runs if r.tool != "pure Python"
    }


def _mpi_intervals(m: MpiRuns) -> dict:
    return {f"speed-up, {plural(m.most, 'rank')} (×)": m.ratio(m.most)}


ENTRIES: tuple[Experiment, ...] = (
    Experiment(
        name="waiting",
        chapter="Going further",
        page="book/further/threads-asyncio",
        run=run_waiting,
        result_type=Waiting,
        seconds=6,
        options=(
            Option("requests", "int", 100, "requests to the local server"),
            Option("delay", "float", 0.002, "seconds the server waits per answer"),
            Option("workers", "ints", (1, 10, 100), "threads or tasks at once"),
            Option("repeats", "int", 5, "paired rounds, at least"),
            Option("budget", "float", 4.0, "seconds of rounds at most"),
        ),
        plot=plot_waiting,
        summary=waiting_summary,
        headlines=_waiting_headlines,
        intervals=_waiting_intervals,
        limits=_waiting_limits,
        waiting=lambda w: tuple(_waiting_intervals(w)),
    ),
    Experiment(
        name="joblib",
        chapter="Going further",
        page="book/further/joblib",
        run=run_joblib,
        result_type=JoblibRun,
        seconds=5.0,
        options=(
            Option("n", "int", 1_500_000, "midpoints of the integration"),
            Option("jobs", "int", None, "worker processes (default: the CPUs, ≥ 2)"),
            Option("array_elements", "int", 1_000_000, "float64s in the big array"),
            Option("tasks", "int", 8, "tasks that each receive the big array"),
            Option("repeats", "int", 3, "timed runs of the big-array calls"),
            Option("rounds", "int", 8, "paired rounds, serial and joblib, at least"),
            Option("budget", "float", 1.5, "seconds of those rounds at most"),
            Option(
                "probe_seconds",
                "float",
                0.4,
                "seconds of the ceiling probe between the rounds, at least",
            ),
        ),
        plot=plot_joblib,
        summary=joblib_summary,
        headlines=_joblib_headlines,
        workers=lambda j: {"speed-up, workers reused (×)": j.jobs},
        intervals=_joblib_intervals,
    ),
    Experiment(
        name="dask-chunks",
        chapter="Going further",
        page="book/further/dask",
        run=run_dask_chunks,
        result_type=DaskChunks,
        seconds=1.1,
        options=(
            Option("n", "int", 40_000_000, "midpoints (array length)"),
            Option("chunk", "int", 1_000_000, "elements per chunk"),
            Option("budget_bytes", "int", 256 * 2**20, "the memory budget, bytes"),
            Option("repeats", "int", 3, "timed runs"),
        ),
        plot=plot_dask_memory,
        summary=dask_chunks_summary,
        headlines=_dask_chunks_headlines,
    ),
    Experiment(
        name="dask-cluster",
        chapter="Going further",
        page="book/further/dask",
        run=run_dask_cluster,
        result_type=DaskCluster,
        seconds=3.5,
        options=(
            Option("workers", "int", None, "worker processes (default: the CPUs)"),
            Option("n", "int", 600_000, "midpoints of the pure-Python integration"),
            Option("array_n", "int", 4_000_000, "midpoints of the array expression"),
            Option("report", "str", None, "write a performance report (HTML) here"),
            Option("repeats", "int", 2, "timed runs of the array"),
            Option("rounds", "int", 5, "paired rounds, serial and delayed, at least"),
            Option("budget", "float", 1.5, "seconds of those rounds at most"),
        ),
        summary=dask_cluster_summary,
        headlines=_dask_cluster_headlines,
        intervals=_dask_cluster_intervals,
    ),
    Experiment(
        name="numba",
        chapter="Going further",
        page="book/further/numba",
        run=run_numba,
        result_type=NumbaRun,
        seconds=5.5,
        options=(
            Option("n", "int", 40_000_000, "midpoints for the compiled versions"),
            Option("python_n", "int", 600_000, "midpoints for pure Python"),
            Option("numpy_n", "int", None, "midpoints for NumPy (default ≤ 5 M)"),
            Option("threads", "int", None, "threads (default: the CPUs)"),
            Option("repeats", "int", 8, "paired rounds, at least"),
            Option("budget", "float", 2.4, "seconds of rounds at most"),
            Option(
                "probe_seconds", "float", 0.4, "seconds of the ceiling probe, at least"
            ),
        ),
        plot=plot_numba,
        summary=numba_summary,
        headlines=_numba_headlines,
        intervals=_numba_intervals,
        workers=lambda r: {"nogil threads over @njit (×)": r.threads},
        # prange cuts the loop into one equal piece per thread, as do the
        # nogil threads
    ),
    Experiment(
        name="mpi",
        chapter="Going further",
        page="book/further/mpi",
        run=run_mpi,
        result_type=MpiRuns,
        seconds=5.5,
        options=(
            Option("ranks", "ints", (1, 2), "numbers of MPI ranks"),
            Option("n", "int", 1_200_000, "midpoints"),
            Option("repeats", "int", 8, "paired rounds inside each run, at least"),
            Option("budget", "float", 3.0, "seconds of rounds, all runs together"),
            Option("probe_seconds", "float", 0.4, "seconds of the ceiling probe"),
        ),
        plot=plot_mpi,
        summary=mpi_summary,
        headlines=_mpi_headlines,
        # each rank adds every size-th chunk: one equal share per rank
        intervals=_mpi_intervals,
        one_worker=lambda m: (
            {"1 rank": m.ratio(1)} if any(r.ranks == 1 for r in m.runs) else {}
        ),
    ),
    Experiment(
        name="free-threading",
        chapter="Going further",
        page="book/further/free-threading",
        run=run_free_threading,
        result_type=FreeThreading,
        seconds=0.05,
        options=(
            Option("counts", "ints", (1, 2), "tasks side by side"),
            Option("work", "int", 300_000, "loop steps per pure-Python task"),
            Option("repeats", "int", 3, "timed runs per point"),
        ),
        plot=plot_free_threading,
        summary=free_threading_summary,
        headlines=_ft_headlines,
        workers=lambda f: {"speed-up, pure Python in threads (×)": f.workers},
        intervals=_ft_intervals,
        controls=_ft_controls,
    ),
    Experiment(
        name="tool-comparison",
        chapter="Going further",
        page="book/further/which-tool",
        run=run_tool_comparison,
        result_type=ToolComparison,
        seconds=15.0,
        options=(
            Option("n", "int", 1_200_000, "midpoints"),
            Option("workers", "int", None, "workers per tool (default: the CPUs)"),
            Option("repeats", "int", 8, "paired rounds, at least"),
            Option(
                "budget",
                "float",
                3.0,
                "seconds of the shared rounds at most (dask, MPI: half each more)",
            ),
            Option(
                "probe_seconds",
                "float",
                0.4,
                "seconds of the ceiling probe between the rounds, at least",
            ),
        ),
        plot=plot_tools,
        summary=tools_summary,
        headlines=_tools_headlines,
        workers=lambda t: {
            f"speed-up, {r.tool} (×)": r.workers for r in t.runs if r.ratio is not None
        },
        apart=APART,
        apart_ceilings=_tools_apart_ceilings,
        reused=lambda t: {f"speed-up, {MPI} (×)": "mpi"} if t.mpi_from_page else {},
        intervals=_tools_intervals,
        controls=_tools_controls,
    ),
)
