"""Part B's experiments as the CLI offers them, with the page's sizes as defaults."""

from __future__ import annotations

from ..core.experiment import Experiment, Option
from ..core.text import plural
from .api import ApiTour, WorkerErrors, run_api_tour, run_worker_error
from .costs import (
    BigArgument,
    PoolStartup,
    TaskOverhead,
    run_big_argument,
    run_pool_startup,
    run_task_overhead,
)
from .fork_memory import ForkMemory, run_fork_memory
from .fork_random import ForkRandom, run_fork_random
from .integration import (
    IntegrationError,
    IntegrationSweep,
    run_integration_error,
    run_integration_sweep,
)
from .main_guard import Demos, run_interactive_main, run_missing_guard
from .montecarlo import MonteCarloPi, run_monte_carlo_pi
from .narrate import (
    integration_error_summary,
    monte_carlo_summary,
    sweep_summary,
)
from .narrate_costs import (
    api_tour_summary,
    big_argument_summary,
    interactive_summary,
    missing_guard_summary,
    startup_summary,
    task_overhead_summary,
    worker_error_summary,
)
from .narrate_workers import (
    fork_memory_summary,
    fork_random_summary,
    pickling_summary,
)
from .pickling import PickledTasks, run_pickled_tasks
from .plots import (
    plot_big_argument,
    plot_fork_memory,
    plot_integration_sweep,
    plot_pool_startup,
    plot_task_overhead,
)


def _mp_startup_headlines(s: PoolStartup) -> dict[str, float]:
    out = {f"pool start-up, {m.method} (s)": m.start.best for m in s.methods}
    if s.preloaded is not None and s.preloaded.timing is not None:
        out["pool start-up, forkserver + preload (s)"] = s.preloaded.timing.start.best
    return out


def _mp_sweep_intervals(s: IntegrationSweep) -> dict:
    p = s.processes_at_cpus
    return {f"speed-up, {plural(p, 'process', 'processes')} (×)": s.ratio(p)}


def _mp_sweep_headlines(s: IntegrationSweep) -> dict[str, float]:
    p = s.processes_at_cpus
    procs = plural(p, "process", "processes")
    out = {
        f"speed-up, {procs} (×)": s.speedup(p),
        f"efficiency, {procs}": s.efficiency(p),
        "serial time (s)": s.serial.best,
        f"pool start-up, {procs} (s)": s.point(p).startup,
        "CPUs available": float(s.cpus),
    }
    return out


def _mp_overhead_headlines(o: TaskOverhead) -> dict[str, float]:
    n = o.tasks
    return {
        "serial, per task (s)": o.serial_per_task,
        "Pool.map chunksize 1, per task (s)": o.get("Pool.map", 1).per_task(n),
        "Pool.map default, per task (s)": o.default("Pool.map").per_task(n),
        "ProcessPoolExecutor.map default, per task (s)": o.default(
            "ProcessPoolExecutor.map"
        ).per_task(n),
    }


def _mp_big_headlines(b: BigArgument) -> dict[str, float]:
    return {
        "array sent with each task (s)": b.pickled.best,
        "array made in the worker (s)": b.made_in_worker.best,
        "array in shared memory (s)": b.shared.best,
    }


def _mp_pi_headlines(m: MonteCarloPi) -> dict[str, float]:
    return {"estimate of pi": m.serial, "error": m.error}


def _mp_fork_memory_headlines(m: ForkMemory) -> dict[str, float]:
    if not m.available:
        return {}
    return {
        "copied reading a list of ints (bytes)": float(m.get("list").copied),
        "copied reading a NumPy array (bytes)": float(m.get("array").copied),
    }


#: The companion page: what travels to a worker.
_WORKERS_CHAPTER = "B′. What travels to a worker"
_WORKERS_PAGE = "book/handson/b-workers"


ENTRIES: tuple[Experiment, ...] = (
    Experiment(
        name="mp-api-tour",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=run_api_tour,
        result_type=ApiTour,
        seconds=0.1,
        options=(
            Option("tasks", "int", 8, "numbers to square"),
            Option("processes", "int", None, "worker processes (default: the CPUs)"),
        ),
        summary=api_tour_summary,
    ),
    Experiment(
        name="mp-worker-error",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=run_worker_error,
        result_type=WorkerErrors,
        seconds=0.15,
        options=(Option("tasks", "int", 6, "tasks (task 3 raises)"),),
        summary=worker_error_summary,
    ),
    Experiment(
        name="mp-pool-startup",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=run_pool_startup,
        result_type=PoolStartup,
        seconds=2,
        options=(
            Option("processes", "int", None, "workers per pool (default: the CPUs)"),
            Option("repeats", "int", 3, "timed pool starts per method"),
        ),
        plot=plot_pool_startup,
        summary=startup_summary,
        headlines=_mp_startup_headlines,
    ),
    Experiment(
        name="mp-integration-error",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=run_integration_error,
        result_type=IntegrationError,
        seconds=0.05,
        options=(Option("points", "ints", (10, 100, 1000, 10_000), "strips n"),),
        summary=integration_error_summary,
    ),
    Experiment(
        name="mp-integration-sweep",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=run_integration_sweep,
        result_type=IntegrationSweep,
        seconds=8.0,
        options=(
            Option("n", "int", 2_000_000, "strips of the midpoint rule"),
            Option(
                "processes",
                "ints",
                None,
                "pool sizes (default: powers of two and the CPUs, to 2×CPUs)",
            ),
            Option("repeats", "int", 7, "paired rounds at least"),
            Option("budget", "float", 6.0, "seconds of rounds at most"),
            Option(
                "probe_seconds", "float", 0.8, "seconds of the ceiling probe, at least"
            ),
        ),
        plot=plot_integration_sweep,
        summary=sweep_summary,
        headlines=_mp_sweep_headlines,
        intervals=_mp_sweep_intervals,
        one_worker=lambda s: {"1 process": s.ratio(1)} if 1 in s.processes else {},
    ),
    Experiment(
        name="mp-task-overhead",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=run_task_overhead,
        result_type=TaskOverhead,
        seconds=0.9,
        options=(
            Option("tasks", "int", 1000, "trivial tasks per map"),
            Option("chunksizes", "ints", (1, 10, 100), "chunk sizes for Pool.map"),
            Option("repeats", "int", 5, "timed runs per point"),
        ),
        plot=plot_task_overhead,
        summary=task_overhead_summary,
        headlines=_mp_overhead_headlines,
    ),
    Experiment(
        name="mp-big-argument",
        chapter="B. The multiprocessing package",
        page="book/handson/b-multiprocessing",
        run=run_big_argument,
        result_type=BigArgument,
        seconds=0.9,
        options=(
            Option("elements", "int", 2_000_000, "floats in the array"),
            Option("repeats", "int", 3, "timed runs per way"),
        ),
        plot=plot_big_argument,
        summary=big_argument_summary,
        headlines=_mp_big_headlines,
    ),
    Experiment(
        name="mp-interactive-main",
        chapter=_WORKERS_CHAPTER,
        page=_WORKERS_PAGE,
        run=run_interactive_main,
        result_type=Demos,
        seconds=0.2,
        options=(Option("timeout", "float", 20.0, "seconds before a demo is killed"),),
        summary=interactive_summary,
    ),
    Experiment(
        name="mp-missing-guard",
        chapter=_WORKERS_CHAPTER,
        page=_WORKERS_PAGE,
        run=run_missing_guard,
        result_type=Demos,
        seconds=2,
        options=(Option("timeout", "float", 2.0, "seconds before a demo is killed"),),
        summary=missing_guard_summary,
    ),
    Experiment(
        name="mp-monte-carlo-pi",
        chapter=_WORKERS_CHAPTER,
        page=_WORKERS_PAGE,
        run=run_monte_carlo_pi,
        result_type=MonteCarloPi,
        seconds=0.35,
        options=(
            Option("throws_per_chunk", "int", 250_000, "random points per chunk"),
            Option("processes", "ints", (1, 2, 4), "pool sizes to compare"),
        ),
        summary=monte_carlo_summary,
        headlines=_mp_pi_headlines,
    ),
    Experiment(
        name="mp-pickled-tasks",
        chapter=_WORKERS_CHAPTER,
        page=_WORKERS_PAGE,
        run=run_pickled_tasks,
        result_type=PickledTasks,
        seconds=1.75,
        options=(
            Option("tasks", "int", 3, "inputs each map computes"),
            Option("jobs", "int", 2, "joblib workers (0: skip joblib)"),
        ),
        summary=pickling_summary,
    ),
    Experiment(
        name="mp-fork-random",
        chapter=_WORKERS_CHAPTER,
        page=_WORKERS_PAGE,
        run=run_fork_random,
        result_type=ForkRandom,
        seconds=0.35,
        options=(
            Option("workers", "int", 3, "worker processes per start method"),
            Option("seed", "int", 2025, "root seed of the workers' own streams"),
        ),
        summary=fork_random_summary,
    ),
    Experiment(
        name="mp-fork-memory",
        chapter=_WORKERS_CHAPTER,
        page=_WORKERS_PAGE,
        run=run_fork_memory,
        result_type=ForkMemory,
        seconds=0.3,
        options=(Option("elements", "int", 1_000_000, "Python ints in the list"),),
        summary=fork_memory_summary,
        plot=plot_fork_memory,
        headlines=_mp_fork_memory_headlines,
    ),
)
