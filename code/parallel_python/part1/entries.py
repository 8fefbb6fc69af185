"""The catalogue entries of Part 1 (processes, threads and the GIL), in page order."""

from __future__ import annotations

from ..core.experiment import Experiment, Option
from .counts import shown_count
from .gil import run_gil
from .gil_results import GilScaling
from .handover import Handover, run_handover
from .locks import Locks, run_locks
from .memory_ladder import MemoryLadder, run_memory_ladder
from .narrate_gil import gil_summary, numpy_trick_summary
from .narrate_handover import handover_summary
from .narrate_locks import locks_headlines, locks_summary
from .narrate_processes import (
    cpu_sampling_summary,
    isolation_summary,
    segfault_summary,
    start_cost_summary,
)
from .narrate_threads import ladder_summary, race_summary, salad_summary
from .numpy_trick import NumpyTrick, run_numpy_trick
from .plots import plot_cpu_samples, plot_gil, plot_numpy_trick, plot_race
from .plots_handover import plot_handover
from .plots_kitchen import plot_memory_ladder
from .plots_locks import plot_locks
from .plots_salad import plot_salad
from .processes import (
    CpuSampling,
    Isolation,
    Segfault,
    StartCosts,
    run_cpu_sampling,
    run_isolation,
    run_segfault,
    run_start_costs,
)
from .race import Race, run_race
from .salad import Salad, run_salad


def _ladder_headlines(m: MemoryLadder) -> dict[str, float]:
    return {f"ns per read, {r.place}": r.ns_per_access for r in m.rungs}


def _salad_headlines(s: Salad) -> dict[str, float]:
    return {
        "one step after another (s)": s.sequential_totals.best,
        "one thread per step (s)": s.threaded_totals.best,
        "speed-up (×)": s.speedup,
        "longest chain of steps (s)": s.critical_path,
    }


def _race_headlines(r: Race) -> dict[str, float]:
    return {
        "updates lost without a lock (most)": float(max(r.lost_unsafe)),
        "updates lost with a lock (most)": float(max(r.lost_locked)),
        "updates lost with += 1 (most)": float(max(r.lost_naive)),
    }


def _gil_intervals(g: GilScaling) -> dict:
    k = shown_count(g.counts, g.cpus)
    out = {f"speed-up, {k} threads, pure Python (×)": g.threads_cpu_at(k).ratio}
    if g.processes_cpu:
        out[f"speed-up, {k} processes, pure Python (×)"] = g.processes_cpu_at(k).ratio
    out[_sleeping(g)] = g.threads_wait_at(g.most).ratio
    return out


def _sleeping(g: GilScaling) -> str:
    """The headline of the most sleeping threads: waiting work."""
    return f"speed-up, {g.most} sleeping threads (×)"


def _gil_controls(g: GilScaling) -> tuple[str, ...]:
    """With the GIL on, pure Python in threads shows no parallel gain."""
    k = shown_count(g.counts, g.cpus)
    return (f"speed-up, {k} threads, pure Python (×)",) if g.gil_enabled else ()


def _trick_controls(n: NumpyTrick) -> tuple[str, ...]:
    """With the GIL on, the pure-Python loops are the sorts' control."""
    k = shown_count(n.counts, n.cpus)
    return (f"speed-up, {k} threads, pure Python (×)",) if n.gil_enabled else ()


def _gil_headlines(g: GilScaling) -> dict[str, float]:
    """The speed-ups' medians, and how often the processes' tasks shared a
    CPU (where that was checked)."""
    out = {k: r.median for k, r in _gil_intervals(g).items()}
    k = shown_count(g.counts, g.cpus)
    shared = g.crowded_at(k)
    if shared is not None:
        out[f"{k} processes' tasks found sharing a CPU (share of placement checks)"] = (
            shared
        )
    return out


def _gil_one_worker(g: GilScaling) -> dict:
    if 1 not in g.counts:
        return {}
    out = {"1 thread": g.threads_cpu_at(1).ratio}
    if g.processes_cpu:
        out["1 process"] = g.processes_cpu_at(1).ratio
    return out


def _trick_one_worker(t: NumpyTrick) -> dict:
    if 1 not in t.counts:
        return {}
    return {
        "1 sorting thread": t.numpy_at(1).ratio,
        "1 pure-Python thread": t.python_at(1).ratio,
    }


def _handover_headlines(h: Handover) -> dict[str, float]:
    return {
        "median turn, one thread (s)": h.typical_turn,
        "median hand-over (s)": h.typical_handover,
    }


def _trick_intervals(n: NumpyTrick) -> dict:
    k = shown_count(n.counts, n.cpus)
    return {
        f"speed-up, {k} threads, NumPy sort (×)": n.numpy_at(k).ratio,
        f"speed-up, {k} threads, pure Python (×)": n.python_at(k).ratio,
    }


def _medians(intervals):
    """Headlines from paired-round ratios: each ratio's median."""
    return lambda result: {k: r.median for k, r in intervals(result).items()}


def _start_headlines(s: StartCosts) -> dict[str, float]:
    return {
        "start and join a thread (s)": s.thread.best,
        "start and join a process (s)": s.process.best,
    }


def _sampling_headlines(c: CpuSampling) -> dict[str, float]:
    return {
        "CPUs used": float(len(c.cpus_used)),
        "moves": float(c.total_moves),
        "CPUs busy on average": c.busy_cpus,
    }


ENTRIES: tuple[Experiment, ...] = (
    Experiment(
        name="memory-ladder",
        chapter="Processes, threads and the GIL",
        page="book/part1/kitchen",
        run=run_memory_ladder,
        result_type=MemoryLadder,
        seconds=0.35,
        options=(
            Option("cache_bytes", "int", 16 * 1024, "bytes of the in-cache array"),
            Option("ram_bytes", "int", 64 * 2**20, "bytes of the in-memory array"),
            Option("file_bytes", "int", 16 * 2**20, "bytes of the file"),
            Option("repeats", "int", 3, "timed runs per rung"),
        ),
        plot=plot_memory_ladder,
        summary=ladder_summary,
        headlines=_ladder_headlines,
    ),
    Experiment(
        name="salad",
        chapter="Processes, threads and the GIL",
        page="book/part1/salad",
        run=run_salad,
        result_type=Salad,
        seconds=2.1,
        options=(
            Option("wait_seconds", "float", 0.03, "seconds per unit of waiting"),
            Option("work", "int", 600_000, "loop steps per unit of work"),
            Option("repeats", "int", 8, "paired rounds at least"),
            Option("budget", "float", 1.8, "seconds of rounds at most"),
        ),
        plot=plot_salad,
        summary=salad_summary,
        headlines=_salad_headlines,
        intervals=lambda s: {"speed-up (×)": s.ratio},
    ),
    Experiment(
        name="race",
        chapter="Processes, threads and the GIL",
        page="book/part1/race",
        run=run_race,
        result_type=Race,
        seconds=2.25,
        options=(
            Option("threads", "int", 4, "threads sharing the counter"),
            Option("increments", "int", 50_000, "additions per thread"),
            Option("trials", "int", 3, "runs of each kind"),
            Option("switch_interval", "float", 1e-6, "switch interval, seconds"),
        ),
        plot=plot_race,
        summary=race_summary,
        headlines=_race_headlines,
    ),
    Experiment(
        name="locks",
        chapter="Processes, threads and the GIL",
        page="book/part1/locks",
        run=run_locks,
        result_type=Locks,
        seconds=0.5,
        options=(
            Option("timeout", "float", 0.2, "seconds a thread waits for a lock"),
            Option("hold", "float", 0.01, "seconds of work holding a lock"),
            Option("workstations", "int", 2, "places the semaphore guards"),
            Option("cooks", "int", 5, "threads sharing those places"),
        ),
        plot=plot_locks,
        summary=locks_summary,
        headlines=locks_headlines,
    ),
    Experiment(
        name="gil",
        chapter="Processes, threads and the GIL",
        page="book/part1/gil",
        run=run_gil,
        result_type=GilScaling,
        seconds=10.25,
        options=(
            Option("counts", "ints", (1, 2, 4), "tasks side by side"),
            Option("work", "int", 400_000, "loop steps per count"),
            Option("wait_seconds", "float", 0.02, "sleep per waiting task, seconds"),
            Option("repeats", "int", 5, "paired rounds at least, per count"),
            Option("reps", "int", None, "counts per task (default: calibrated)"),
            Option("task_seconds", "float", 0.1, "calibrate a task to this, seconds"),
            Option("budget", "float", 4.0, "seconds of rounds at most, per count"),
            Option(
                "probe_seconds", "float", 0.5, "seconds of the ceiling probe, at least"
            ),
            Option("beyond", "bool", False, "time pure Python beyond the CPUs too"),
        ),
        plot=plot_gil,
        summary=gil_summary,
        headlines=_gil_headlines,
        intervals=_gil_intervals,
        controls=_gil_controls,
        waiting=lambda g: (_sleeping(g),),
        one_worker=_gil_one_worker,
    ),
    Experiment(
        name="gil-handover",
        chapter="Processes, threads and the GIL",
        page="book/part1/gil",
        run=run_handover,
        result_type=Handover,
        seconds=0.1,
        options=(
            Option("threads", "int", 2, "threads counting side by side"),
            Option("seconds", "float", 0.06, "how long they count, seconds"),
            Option("chunk", "int", 200, "loop steps between two time stamps"),
            Option("gap", "float", 0.0005, "longest pause inside a stretch, s"),
        ),
        plot=plot_handover,
        summary=handover_summary,
        headlines=_handover_headlines,
    ),
    Experiment(
        name="numpy-trick",
        chapter="Processes, threads and the GIL",
        page="book/part1/numpy-trick",
        run=run_numpy_trick,
        result_type=NumpyTrick,
        seconds=3.25,
        options=(
            Option("counts", "ints", (1, 2, 4), "threads (one sort each)"),
            Option("elements", "int", 250_000, "numbers per sort"),
            Option("repeats", "int", 5, "paired rounds at least, per point"),
            Option("sorts", "int", None, "sorts per task (default: calibrated)"),
            Option("work", "int", None, "loop steps of the control (default: as long)"),
            Option("budget", "float", 0.75, "seconds of rounds at most, per point"),
            Option(
                "probe_seconds",
                "float",
                0.25,
                "seconds of the ceiling probe between the sorting rounds, at least",
            ),
            Option("beyond", "bool", False, "time counts beyond the CPUs too"),
        ),
        plot=plot_numpy_trick,
        summary=numpy_trick_summary,
        headlines=_medians(_trick_intervals),
        intervals=_trick_intervals,
        controls=_trick_controls,
        one_worker=_trick_one_worker,
    ),
    Experiment(
        name="process-isolation",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=run_isolation,
        result_type=Isolation,
        seconds=0.05,
        options=(Option("shared_value", "int", 42, "byte sent through shared memory"),),
        summary=isolation_summary,
    ),
    Experiment(
        name="segfault",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=run_segfault,
        result_type=Segfault,
        seconds=0.05,
        summary=segfault_summary,
    ),
    Experiment(
        name="process-start",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=run_start_costs,
        result_type=StartCosts,
        seconds=0.1,
        options=(
            Option("repeats", "int", 5, "processes started (timed)"),
            Option("thread_repeats", "int", 200, "threads started (timed)"),
        ),
        summary=start_cost_summary,
        headlines=_start_headlines,
    ),
    Experiment(
        name="cpu-sampling",
        chapter="Processes, threads and the GIL",
        page="book/part1/processes",
        run=run_cpu_sampling,
        result_type=CpuSampling,
        seconds=0.45,
        options=(
            Option("threads", "int", 3, "busy NumPy threads (they release the GIL)"),
            Option("seconds", "float", 0.4, "how long to sample"),
            Option("every", "float", 0.002, "seconds between samples"),
        ),
        plot=plot_cpu_samples,
        summary=cpu_sampling_summary,
        headlines=_sampling_headlines,
    ),
)
