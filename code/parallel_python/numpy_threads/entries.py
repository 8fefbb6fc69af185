"""Part A's catalogue entries: the BLAS sweep, the operations, the thread settings."""

from __future__ import annotations

from ..core.experiment import Experiment, Option
from ..core.protocol import paired_ratio
from .blas import BlasSweep, Operations, run_blas_sweep, run_operations
from .narrate import blas_sweep_summary, operations_summary, thread_settings_summary
from .plots import plot_blas_sweep, plot_operations
from .settings import ThreadSettings, run_thread_settings


def _sweep_headlines(s: BlasSweep) -> dict[str, float]:
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


def _sweep_intervals(s: BlasSweep) -> dict:
    n, t = s.largest, s.threads_at_cpus
    return {"speed-up, threads = CPUs, largest n (×)": s.ratio(n, t)}


def _ops_headlines(o: Operations) -> dict[str, float]:
    out = {f"speed-up of {op.name} (×)": op.speedup for op in o.operations}
    out["BLAS threads used"] = float(o.threads)
    return out


def _ops_controls(o: Operations) -> tuple[str, ...]:
    """The operations that do not call BLAS run in one thread whatever the
    BLAS threads: they show no parallel gain."""
    return tuple(
        f"speed-up of {op.name} (×)" for op in o.operations if not op.uses_blas
    )


def _ops_intervals(o: Operations) -> dict:
    return {
        f"speed-up of {op.name} (×)": paired_ratio(op.one_thread, op.many_threads)
        for op in o.operations
    }


def _settings_headlines(s: ThreadSettings) -> dict[str, float]:
    return {
        "BLAS threads by default": float(s.default),
        f"BLAS threads with {s.variable}={s.value}": float(s.from_variable),
    }


ENTRIES: tuple[Experiment, ...] = (
    Experiment(
        name="numpy-blas-sweep",
        chapter="A. Multithreading with NumPy",
        page="book/handson/a-numpy-threads",
        run=run_blas_sweep,
        result_type=BlasSweep,
        seconds=8.5,
        options=(
            Option("sizes", "ints", (200, 800, 1600), "matrix sizes n (n × n)"),
            Option("threads", "ints", None, "BLAS thread counts (default: 1..2×CPUs)"),
            Option("repeats", "int", 5, "paired rounds per size, at least"),
            Option("budget", "float", 5.5, "seconds of rounds at most, all sizes"),
        ),
        plot=plot_blas_sweep,
        summary=blas_sweep_summary,
        headlines=_sweep_headlines,
        intervals=_sweep_intervals,
    ),
    Experiment(
        name="numpy-operations",
        chapter="A. Multithreading with NumPy",
        page="book/handson/a-numpy-threads",
        run=run_operations,
        result_type=Operations,
        seconds=3.75,
        options=(
            Option("elements", "int", 2_000_000, "array length for exp, sum, sort"),
            Option("matrix_size", "int", 1000, "matrix size n for a @ b"),
            Option("threads", "int", None, "BLAS threads (default: the CPUs)"),
            Option("repeats", "int", 5, "paired rounds per operation, at least"),
            Option("budget", "float", 1.0, "seconds of a @ b's rounds at most"),
            Option("probe_seconds", "float", 0.125, "seconds of the ceiling probe"),
        ),
        plot=plot_operations,
        summary=operations_summary,
        headlines=_ops_headlines,
        workers=lambda o: {
            f"speed-up of {op.name} (×)": o.threads for op in o.operations
        },
        intervals=_ops_intervals,
        controls=_ops_controls,
    ),
    Experiment(
        name="numpy-thread-settings",
        chapter="A. Multithreading with NumPy",
        page="book/handson/a-numpy-threads",
        run=run_thread_settings,
        result_type=ThreadSettings,
        seconds=0.3,
        options=(
            Option("variable", "str", "OMP_NUM_THREADS", "the variable to set"),
            Option("value", "int", 1, "the thread count to ask for"),
        ),
        summary=thread_settings_summary,
        headlines=_settings_headlines,
    ),
)
