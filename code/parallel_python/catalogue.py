"""The catalogue of named experiments: what the CLI can run and compare.

Each entry ties an experiment function to its chapter, its options (with the
book's own sizes as defaults), its figure and its summary sentence. The book
records each result under the same name (``book.record(NAME, result)``), so
``parallel-python compare`` can set a learner's run beside the build's.

To add an experiment, append an :class:`Experiment` to ``EXPERIMENTS`` below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import narrate, numpy_threads, plotting


@dataclass(frozen=True)
class Option:
    """A command-line option that becomes a keyword argument of the run function.

    ``kind`` is ``"int"``, ``"ints"`` (a comma-separated list), ``"float"`` or
    ``"str"``; ``default`` is the size the book uses.
    """

    name: str
    kind: str
    default: Any
    help: str


@dataclass(frozen=True)
class Experiment:
    name: str
    chapter: str
    page: str
    run: Callable[..., Any]
    result_type: type
    seconds: float
    """Rough run time at the default sizes on a 2-core laptop, seconds."""
    options: tuple[Option, ...] = ()
    plot: Callable[[Any], Any] | None = None
    summary: Callable[[Any], str] | None = None
    headlines: Callable[[Any], dict[str, float]] = field(default=lambda r: {})
    """Headline figures for ``compare``: label -> number (seconds, ×, GFLOP/s)."""


def _sweep_headlines(s: numpy_threads.BlasSweep) -> dict[str, float]:
    # Labels stay the same whatever the sizes and CPUs, so two runs line up.
    n, t = s.largest, s.threads_at_cpus
    return {
        "CPUs available": float(s.cpus),
        "largest matrix size n": float(n),
        "speed-up, threads = CPUs, largest n (×)": s.speedup(n, t),
        "efficiency, threads = CPUs, largest n": s.efficiency(n, t),
        "GFLOP/s, 1 thread, largest n": s.point(n, 1).gflops,
        "GFLOP/s, threads = CPUs, largest n": s.point(n, t).gflops,
    }


def _ops_headlines(o: numpy_threads.Operations) -> dict[str, float]:
    out = {f"speed-up of {op.name} (×)": op.speedup for op in o.operations}
    out["BLAS threads used"] = float(o.threads)
    return out


def _settings_headlines(s: numpy_threads.ThreadSettings) -> dict[str, float]:
    return {
        "BLAS threads by default": float(s.default),
        f"BLAS threads with {s.variable}={s.value}": float(s.from_variable),
    }


# Part 1 (processes, threads and the GIL): its modules, imported here so that
# the additions stay in one block.
from . import (  # noqa: E402
    gil,
    memory_ladder,
    narrate_part1,
    numpy_trick,
    plotting_part1,
    processes,
    race,
    salad,
)


def _ladder_headlines(m: memory_ladder.MemoryLadder) -> dict[str, float]:
    return {f"ns per read, {r.place}": r.ns_per_access for r in m.rungs}


def _salad_headlines(s: salad.Salad) -> dict[str, float]:
    return {
        "one step after another (s)": s.sequential_totals.best,
        "one thread per step (s)": s.threaded_totals.best,
        "speed-up (×)": s.speedup,
        "longest chain of steps (s)": s.critical_path,
    }


def _race_headlines(r: race.Race) -> dict[str, float]:
    return {
        "updates lost without a lock (most)": float(max(r.lost_unsafe)),
        "updates lost with a lock (most)": float(max(r.lost_locked)),
        "updates lost with += 1 (most)": float(max(r.lost_naive)),
    }


def _gil_headlines(g: gil.GilScaling) -> dict[str, float]:
    k = max(c for c in g.counts if c <= max(2, g.cpus))
    out = {f"speed-up, {k} threads, pure Python (×)": g.threads_cpu_at(k).speedup}
    if g.processes_cpu:
        out[f"speed-up, {k} processes, pure Python (×)"] = g.processes_cpu_at(k).speedup
    out[f"speed-up, {g.most} sleeping threads (×)"] = g.threads_wait_at(g.most).speedup
    return out


def _trick_headlines(n: numpy_trick.NumpyTrick) -> dict[str, float]:
    k = max(c for c in n.counts if c <= max(2, n.cpus))
    return {
        f"speed-up, {k} threads, NumPy sort (×)": n.numpy_at(k).speedup,
        f"speed-up, {k} threads, pure Python (×)": n.python_at(k).speedup,
    }


def _start_headlines(s: processes.StartCosts) -> dict[str, float]:
    return {
        "start and join a thread (s)": s.thread.best,
        "start and join a process (s)": s.process.best,
    }


def _sampling_headlines(c: processes.CpuSampling) -> dict[str, float]:
    return {"CPUs used": float(len(c.cpus_used)), "moves": float(c.total_moves)}


# Part B (the multiprocessing package): its modules, imported here so that
# the additions stay in one block.
from . import (  # noqa: E402
    integrate,
    main_guard,
    montecarlo,
    multiproc,
    narrate_multiproc,
    plotting_multiproc,
)


def _mp_sweep_headlines(s: integrate.IntegrationSweep) -> dict[str, float]:
    p = s.processes_at_cpus
    out = {
        f"speed-up, {p} processes (×)": s.speedup(p),
        f"efficiency, {p} processes": s.efficiency(p),
        "serial time (s)": s.serial.best,
        f"pool start-up, {p} processes (s)": s.point(p).startup,
        "CPUs available": float(s.cpus),
    }
    if s.fit.serial_fraction is not None:
        out["Amdahl serial fraction"] = s.fit.serial_fraction
    return out


def _mp_startup_headlines(s: multiproc.PoolStartup) -> dict[str, float]:
    return {f"pool start-up, {m.method} (s)": m.start.best for m in s.methods}


def _mp_overhead_headlines(o: multiproc.TaskOverhead) -> dict[str, float]:
    n = o.tasks
    return {
        "serial, per task (s)": o.serial_per_task,
        "Pool.map chunksize 1, per task (s)": o.get("Pool.map", 1).per_task(n),
        "Pool.map default, per task (s)": o.default("Pool.map").per_task(n),
        "ProcessPoolExecutor.map default, per task (s)": o.default(
            "ProcessPoolExecutor.map"
        ).per_task(n),
    }


def _mp_big_headlines(b: multiproc.BigArgument) -> dict[str, float]:
    return {
        "array sent with each task (s)": b.pickled.best,
        "array made in the worker (s)": b.made_in_worker.best,
        "array in shared memory (s)": b.shared.best,
    }


def _mp_pi_headlines(m: montecarlo.MonteCarloPi) -> dict[str, float]:
    return {"estimate of pi": m.serial, "error": m.error}


# Part C (blending processes and threads): its modules, imported here so that
# the additions stay in one block.
from . import blend, narrate_blend, plotting_blend  # noqa: E402


def _blend_grid_headlines(g: blend.Grid) -> dict[str, float]:
    best, inside = g.best, g.best_within
    out = {
        "best speed-up over 1 × 1 (×)": g.speedup(best.processes, best.threads),
        "best speed-up with P × T ≤ CPUs (×)": g.speedup(
            inside.processes, inside.threads
        ),
        "1 × 1 batch (s)": g.baseline.timing.best,
        "CPUs available": float(g.cpus),
    }
    if g.oversubscribed:
        worst = max(g.oversubscribed, key=lambda c: c.timing.best)
        costly = max(g.oversubscribed, key=lambda c: c.cpu_seconds)
        out["slowest oversubscribed cell / best within (×)"] = (
            worst.timing.best / inside.timing.best
        )
        out["CPU time, costliest oversubscribed cell / 1 × 1 (×)"] = (
            costly.cpu_seconds / g.baseline.cpu_seconds
        )
    return out


def _blend_fixes_headlines(f: blend.Fixes) -> dict[str, float]:
    out = {"BLAS threads per worker, no limit": float(f.default_threads)}
    for fix in f.fixes[1:]:
        out[f"speed-up over no limit, {fix.name} (×)"] = f.speedup(fix.name)
    return out


# Going further (book/further): its modules, imported here so that the
# additions stay in one block. dask, numba and mpi4py load only when run.
from . import (  # noqa: E402
    compare_tools,
    dask_demo,
    freethreading,
    joblib_demo,
    mpi_demo,
    narrate_further,
    numba_demo,
    plotting_further,
    waiting,
)


def _waiting_headlines(w: waiting.Waiting) -> dict[str, float]:
    return {
        "all requests, 1 at a time (s)": w.case("threads", min(w.workers)).timing.best,
        "all requests, most threads (s)": w.case("threads", w.most).timing.best,
        "all requests, most asyncio tasks (s)": w.case("asyncio", w.most).timing.best,
    }


def _joblib_headlines(j: joblib_demo.JoblibRun) -> dict[str, float]:
    return {
        "first Parallel call (s)": j.cold,
        "speed-up, workers reused (×)": j.speedup,
        "cached call / first call": j.cache_again / j.cache_first,
    }


def _dask_chunks_headlines(d: dask_demo.DaskChunks) -> dict[str, float]:
    return {"compute (s)": d.timing.best, "memory growth (MiB)": d.peak_bytes / 2**20}


def _dask_cluster_headlines(c: dask_demo.DaskCluster) -> dict[str, float]:
    return {
        "cluster start (s)": c.start_seconds,
        "array compute on the cluster (s)": c.array_timing.best,
        "speed-up of delayed integration (×)": c.speedup,
    }


def _numba_headlines(r: numba_demo.NumbaRun) -> dict[str, float]:
    return {
        "@njit over pure Python, per point (×)": r.speedup("@njit"),
        "parallel=True over @njit (×)": r.speedup("@njit(parallel=True)", "@njit"),
        "nogil threads over @njit (×)": r.speedup(
            "@njit(nogil=True), threads", "@njit"
        ),
        "compile time, all versions (s)": r.total_compile,
    }


def _mpi_headlines(m: mpi_demo.MpiRuns) -> dict[str, float]:
    return {
        "compute, most ranks (s)": m.run(m.most).compute.best,
        "speed-up, most ranks (×)": m.speedup(m.most),
        "launch, most ranks (s)": m.run(m.most).wall_seconds,
    }


def _ft_headlines(f: freethreading.FreeThreading) -> dict[str, float]:
    return {
        "GIL on (1) or off (0)": float(f.gil_enabled),
        "speed-up, pure Python in threads (×)": f.threads_speedup,
    }


def _tools_headlines(t: compare_tools.ToolComparison) -> dict[str, float]:
    return {f"speed-up, {tool} (×)": t.speedup(tool) for tool in t.tools}


_REPEATS = Option("repeats", "int", 5, "timed runs per point (after warm-up)")

EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        name="numpy-blas-sweep",
        chapter="A. Multithreading with NumPy",
        page="book/handson/a-numpy-threads",
        run=numpy_threads.run_blas_sweep,
        result_type=numpy_threads.BlasSweep,
        seconds=5,
        options=(
            Option("sizes", "ints", (200, 800, 2000), "matrix sizes n (n × n)"),
            Option("threads", "ints", None, "BLAS thread counts (default: 1..2×CPUs)"),
            _REPEATS,
        ),
        plot=plotting.plot_blas_sweep,
        summary=narrate.blas_sweep_summary,
        headlines=_sweep_headlines,
    ),
    Experiment(
        name="numpy-operations",
        chapter="A. Multithreading with NumPy",
        page="book/handson/a-numpy-threads",
        run=numpy_threads.run_operations,
        result_type=numpy_threads.Operations,
        seconds=4,
        options=(
            Option("elements", "int", 2_000_000, "array length for exp, sum, sort"),
            Option("matrix_size", "int", 1000, "matrix size n for a @ b"),
            Option("threads", "int", None, "BLAS threads (default: the CPUs)"),
            _REPEATS,
        ),
        plot=plotting.plot_operations,
        summary=narrate.operations_summary,
        headlines=_ops_headlines,
    ),
    Experiment(
        name="numpy-thread-settings",
        chapter="A. Multithreading with NumPy",
        page="book/handson/a-numpy-threads",
        run=numpy_threads.run_thread_settings,
        result_type=numpy_threads.ThreadSettings,
        seconds=1,
        options=(
            Option("variable", "str", "OMP_NUM_THREADS", "the variable to set"),
            Option("value", "int", 1, "the thread count to ask for"),
        ),
        summary=narrate.thread_settings_summary,
        headlines=_settings_headlines,
    ),
    Experiment(
        name="memory-ladder",
        chapter="Processes, threads and the GIL",
        page="book/part1/kitchen",
        run=memory_ladder.run_memory_ladder,
        result_type=memory_ladder.MemoryLadder,
        seconds=1,
        options=(
            Option("cache_bytes", "int", 16 * 1024, "bytes of the in-cache array"),
            Option("ram_bytes", "int", 64 * 2**20, "bytes of the in-memory array"),
            Option("file_bytes", "int", 16 * 2**20, "bytes of the file"),
            Option("repeats", "int", 3, "timed runs per rung"),
        ),
        plot=plotting_part1.plot_memory_ladder,
        summary=narrate_part1.ladder_summary,
        headlines=_ladder_headlines,
    ),
    Experiment(
        name="salad",
        chapter="Processes, threads and the GIL",
        page="book/part1/salad",
        run=salad.run_salad,
        result_type=salad.Salad,
        seconds=1,
        options=(
            Option("wait_seconds", "float", 0.03, "seconds per unit of waiting"),
            Option("work", "int", 600_000, "loop steps per unit of work"),
            Option("repeats", "int", 3, "salads made each way"),
        ),
        plot=plotting_part1.plot_salad,
        summary=narrate_part1.salad_summary,
        headlines=_salad_headlines,
    ),
    Experiment(
        name="race",
        chapter="Processes, threads and the GIL",
        page="book/part1/race",
        run=race.run_race,
        result_type=race.Race,
        seconds=2,
        options=(
            Option("threads", "int", 4, "threads sharing the counter"),
            Option("increments", "int", 50_000, "additions per thread"),
            Option("trials", "int", 4, "runs of each kind"),
            Option("switch_interval", "float", 1e-6, "switch interval, seconds"),
        ),
        plot=plotting_part1.plot_race,
        summary=narrate_part1.race_summary,
        headlines=_race_headlines,
    ),
    Experiment(
        name="gil",
        chapter="Processes, threads and the GIL",
        page="book/part1/gil",
        run=gil.run_gil,
        result_type=gil.GilScaling,
        seconds=4,
        options=(
            Option("counts", "ints", (1, 2, 4), "tasks side by side"),
            Option("work", "int", 400_000, "loop steps per pure-Python task"),
            Option("wait_seconds", "float", 0.02, "sleep per waiting task, seconds"),
            Option("repeats", "int", 3, "timed runs per point"),
        ),
        plot=plotting_part1.plot_gil,
        summary=narrate_part1.gil_summary,
        headlines=_gil_headlines,
    ),
    Experiment(
        name="numpy-trick",
        chapter="Processes, threads and the GIL",
        page="book/part1/numpy-trick",
        run=numpy_trick.run_numpy_trick,
        result_type=numpy_trick.NumpyTrick,
        seconds=2,
        options=(
            Option("counts", "ints", (1, 2, 4), "threads (one sort each)"),
            Option("elements", "int", 1_000_000, "numbers per sort"),
            Option("repeats", "int", 3, "timed runs per point"),
        ),
        plot=plotting_part1.plot_numpy_trick,
        summary=narrate_part1.numpy_trick_summary,
        headlines=_trick_headlines,
    ),
    Experiment(
        name="process-isolation",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=processes.run_isolation,
        result_type=processes.Isolation,
        seconds=1,
        options=(Option("shared_value", "int", 42, "byte sent through shared memory"),),
        summary=narrate_part1.isolation_summary,
    ),
    Experiment(
        name="segfault",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=processes.run_segfault,
        result_type=processes.Segfault,
        seconds=1,
        summary=narrate_part1.segfault_summary,
    ),
    Experiment(
        name="process-start",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=processes.run_start_costs,
        result_type=processes.StartCosts,
        seconds=1,
        options=(
            Option("repeats", "int", 5, "processes started (timed)"),
            Option("thread_repeats", "int", 200, "threads started (timed)"),
        ),
        summary=narrate_part1.start_cost_summary,
        headlines=_start_headlines,
    ),
    Experiment(
        name="cpu-sampling",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=processes.run_cpu_sampling,
        result_type=processes.CpuSampling,
        seconds=1,
        options=(
            Option("threads", "int", 2, "busy threads"),
            Option("seconds", "float", 0.4, "how long to sample"),
            Option("every", "float", 0.002, "seconds between samples"),
        ),
        plot=plotting_part1.plot_cpu_samples,
        summary=narrate_part1.cpu_sampling_summary,
        headlines=_sampling_headlines,
    ),
    Experiment(
        name="mp-api-tour",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=multiproc.run_api_tour,
        result_type=multiproc.ApiTour,
        seconds=1,
        options=(
            Option("tasks", "int", 8, "numbers to square"),
            Option("processes", "int", None, "worker processes (default: the CPUs)"),
        ),
        summary=narrate_multiproc.api_tour_summary,
    ),
    Experiment(
        name="mp-worker-error",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=multiproc.run_worker_error,
        result_type=multiproc.WorkerErrors,
        seconds=1,
        options=(Option("tasks", "int", 6, "tasks (task 3 raises)"),),
        summary=narrate_multiproc.worker_error_summary,
    ),
    Experiment(
        name="mp-pool-startup",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=multiproc.run_pool_startup,
        result_type=multiproc.PoolStartup,
        seconds=3,
        options=(
            Option("processes", "int", None, "workers per pool (default: the CPUs)"),
            Option("repeats", "int", 3, "timed pool starts per method"),
        ),
        plot=plotting_multiproc.plot_pool_startup,
        summary=narrate_multiproc.startup_summary,
        headlines=_mp_startup_headlines,
    ),
    Experiment(
        name="mp-integration-error",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=integrate.run_integration_error,
        result_type=integrate.IntegrationError,
        seconds=1,
        options=(Option("points", "ints", (10, 100, 1000, 10_000), "strips n"),),
        summary=narrate_multiproc.integration_error_summary,
    ),
    Experiment(
        name="mp-integration-sweep",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=integrate.run_integration_sweep,
        result_type=integrate.IntegrationSweep,
        seconds=7,
        options=(
            Option("n", "int", 2_000_000, "strips of the midpoint rule"),
            Option("processes", "ints", None, "pool sizes (default: 1..2×CPUs)"),
            Option("repeats", "int", 7, "timed runs per point (after warm-up)"),
        ),
        plot=plotting_multiproc.plot_integration_sweep,
        summary=narrate_multiproc.sweep_summary,
        headlines=_mp_sweep_headlines,
    ),
    Experiment(
        name="mp-task-overhead",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=multiproc.run_task_overhead,
        result_type=multiproc.TaskOverhead,
        seconds=2,
        options=(
            Option("tasks", "int", 1000, "trivial tasks per map"),
            Option("chunksizes", "ints", (1, 10, 100), "chunk sizes for Pool.map"),
            Option("repeats", "int", 5, "timed runs per point"),
        ),
        plot=plotting_multiproc.plot_task_overhead,
        summary=narrate_multiproc.task_overhead_summary,
        headlines=_mp_overhead_headlines,
    ),
    Experiment(
        name="mp-big-argument",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=multiproc.run_big_argument,
        result_type=multiproc.BigArgument,
        seconds=2,
        options=(
            Option("elements", "int", 2_000_000, "floats in the array"),
            Option("repeats", "int", 3, "timed runs per way"),
        ),
        plot=plotting_multiproc.plot_big_argument,
        summary=narrate_multiproc.big_argument_summary,
        headlines=_mp_big_headlines,
    ),
    Experiment(
        name="mp-interactive-main",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=main_guard.run_interactive_main,
        result_type=main_guard.Demos,
        seconds=2,
        options=(Option("timeout", "float", 20.0, "seconds before a demo is killed"),),
        summary=narrate_multiproc.interactive_summary,
    ),
    Experiment(
        name="mp-missing-guard",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=main_guard.run_missing_guard,
        result_type=main_guard.Demos,
        seconds=4,
        options=(Option("timeout", "float", 3.0, "seconds before a demo is killed"),),
        summary=narrate_multiproc.missing_guard_summary,
    ),
    Experiment(
        name="mp-monte-carlo-pi",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=montecarlo.run_monte_carlo_pi,
        result_type=montecarlo.MonteCarloPi,
        seconds=1,
        options=(
            Option("throws_per_chunk", "int", 250_000, "random points per chunk"),
            Option("processes", "ints", (1, 2, 4), "pool sizes to compare"),
        ),
        summary=narrate_multiproc.monte_carlo_summary,
        headlines=_mp_pi_headlines,
    ),
    Experiment(
        name="blend-grid",
        chapter="C. Blending processes and threads",
        page="book/handson/c-blending",
        run=blend.run_grid,
        result_type=blend.Grid,
        seconds=8,
        options=(
            Option("size", "int", 500, "matrix size n (n × n) of each product"),
            Option("tasks", "int", None, "products per batch (default: from P)"),
            Option("processes", "ints", None, "values of P (default: 1..CPUs+1)"),
            Option("threads", "ints", None, "values of T (default: 1..CPUs+1)"),
            Option("repeats", "int", 3, "timed batches per cell (after warm-up)"),
            Option("budget", "float", 0.5, "seconds of timed batches per cell"),
        ),
        plot=plotting_blend.plot_grid,
        summary=narrate_blend.grid_summary,
        headlines=_blend_grid_headlines,
    ),
    Experiment(
        name="blend-fixes",
        chapter="C. Blending processes and threads",
        page="book/handson/c-blending",
        run=blend.run_fixes,
        result_type=blend.Fixes,
        seconds=5,
        options=(
            Option("size", "int", 500, "matrix size n (n × n) of each product"),
            Option("tasks", "int", None, "products per batch (default: from P)"),
            Option("processes", "int", None, "worker processes (default: the CPUs)"),
            Option("repeats", "int", 3, "timed batches per row (after warm-up)"),
            Option("budget", "float", 0.5, "seconds of timed batches per row"),
        ),
        plot=plotting_blend.plot_fixes,
        summary=narrate_blend.fixes_summary,
        headlines=_blend_fixes_headlines,
    ),
    Experiment(
        name="waiting",
        chapter="Going further",
        page="book/further/threads-asyncio",
        run=waiting.run_waiting,
        result_type=waiting.Waiting,
        seconds=3,
        options=(
            Option("requests", "int", 100, "requests to the local server"),
            Option("delay", "float", 0.003, "seconds the server waits per answer"),
            Option("workers", "ints", (1, 10, 100), "threads or tasks at once"),
            Option("repeats", "int", 2, "timed rounds"),
        ),
        plot=plotting_further.plot_waiting,
        summary=narrate_further.waiting_summary,
        headlines=_waiting_headlines,
    ),
    Experiment(
        name="joblib",
        chapter="Going further",
        page="book/further/joblib",
        run=joblib_demo.run_joblib,
        result_type=joblib_demo.JoblibRun,
        seconds=4,
        options=(
            Option("n", "int", 600_000, "midpoints of the integration"),
            Option("jobs", "int", None, "worker processes (default: the CPUs, ≥ 2)"),
            Option("array_elements", "int", 2_000_000, "float64s in the big array"),
            Option("tasks", "int", 8, "tasks that each receive the big array"),
            Option("repeats", "int", 3, "timed runs"),
        ),
        summary=narrate_further.joblib_summary,
        headlines=_joblib_headlines,
    ),
    Experiment(
        name="dask-chunks",
        chapter="Going further",
        page="book/further/dask",
        run=dask_demo.run_dask_chunks,
        result_type=dask_demo.DaskChunks,
        seconds=3,
        options=(
            Option("n", "int", 40_000_000, "midpoints (array length)"),
            Option("chunk", "int", 1_000_000, "elements per chunk"),
            Option("budget_bytes", "int", 256 * 2**20, "the memory budget, bytes"),
            Option("repeats", "int", 2, "timed runs"),
        ),
        summary=narrate_further.dask_chunks_summary,
        headlines=_dask_chunks_headlines,
    ),
    Experiment(
        name="dask-cluster",
        chapter="Going further",
        page="book/further/dask",
        run=dask_demo.run_dask_cluster,
        result_type=dask_demo.DaskCluster,
        seconds=8,
        options=(
            Option("workers", "int", None, "worker processes (default: the CPUs)"),
            Option("n", "int", 600_000, "midpoints of the pure-Python integration"),
            Option("array_n", "int", 4_000_000, "midpoints of the array expression"),
            Option("report", "str", None, "write a performance report (HTML) here"),
            Option("repeats", "int", 2, "timed runs"),
        ),
        summary=narrate_further.dask_cluster_summary,
        headlines=_dask_cluster_headlines,
    ),
    Experiment(
        name="numba",
        chapter="Going further",
        page="book/further/numba",
        run=numba_demo.run_numba,
        result_type=numba_demo.NumbaRun,
        seconds=4,
        options=(
            Option("n", "int", 5_000_000, "midpoints for the compiled versions"),
            Option("python_n", "int", 600_000, "midpoints for pure Python"),
            Option("threads", "int", None, "threads (default: the CPUs)"),
            Option("repeats", "int", 5, "timed runs"),
        ),
        plot=plotting_further.plot_numba,
        summary=narrate_further.numba_summary,
        headlines=_numba_headlines,
    ),
    Experiment(
        name="mpi",
        chapter="Going further",
        page="book/further/mpi",
        run=mpi_demo.run_mpi,
        result_type=mpi_demo.MpiRuns,
        seconds=2,
        options=(
            Option("ranks", "ints", (1, 2), "numbers of MPI ranks"),
            Option("n", "int", 600_000, "midpoints"),
            Option("repeats", "int", 3, "timed computes inside each run"),
        ),
        summary=narrate_further.mpi_summary,
        headlines=_mpi_headlines,
    ),
    Experiment(
        name="free-threading",
        chapter="Going further",
        page="book/further/free-threading",
        run=freethreading.run_free_threading,
        result_type=freethreading.FreeThreading,
        seconds=3,
        options=(
            Option("counts", "ints", (1, 2), "tasks side by side"),
            Option("work", "int", 300_000, "loop steps per pure-Python task"),
            Option("repeats", "int", 3, "timed runs per point"),
        ),
        summary=narrate_further.free_threading_summary,
        headlines=_ft_headlines,
    ),
    Experiment(
        name="tool-comparison",
        chapter="Going further",
        page="book/further/which-tool",
        run=compare_tools.run_tool_comparison,
        result_type=compare_tools.ToolComparison,
        seconds=10,
        options=(
            Option("n", "int", 600_000, "midpoints"),
            Option("workers", "int", None, "workers per tool (default: the CPUs)"),
            Option("repeats", "int", 3, "timed runs per tool"),
        ),
        plot=plotting_further.plot_tools,
        summary=narrate_further.tools_summary,
        headlines=_tools_headlines,
    ),
)


#: The book's reading order, by page path prefix (the tuple above grew by chapter).
READING_ORDER = (
    "book/part1/",
    "book/handson/a-",
    "book/handson/b-",
    "book/handson/c-",
    "book/further/",
)


def in_reading_order() -> list[Experiment]:
    """The experiments in the order a reader meets them in the book."""

    def rank(e: Experiment) -> int:
        for i, prefix in enumerate(READING_ORDER):
            if e.page.startswith(prefix):
                return i
        return len(READING_ORDER)

    return sorted(EXPERIMENTS, key=rank)  # stable: page order kept within a part


def names() -> list[str]:
    return [e.name for e in EXPERIMENTS]


def get(name: str) -> Experiment:
    """The experiment called ``name``; a ValueError listing the names otherwise."""
    for experiment in EXPERIMENTS:
        if experiment.name == name:
            return experiment
    raise ValueError(
        f"unknown experiment {name!r}; choose one of: {', '.join(names())}"
    )
