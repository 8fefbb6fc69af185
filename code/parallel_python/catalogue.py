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
    n, t = s.largest, s.threads_at_cpus
    return {
        f"speed-up, n={n}, {t} threads (×)": s.speedup(n, t),
        f"efficiency, n={n}, {t} threads": s.efficiency(n, t),
        f"GFLOP/s, n={n}, 1 thread": s.point(n, 1).gflops,
        f"GFLOP/s, n={n}, {t} threads": s.point(n, t).gflops,
        "CPUs available": float(s.cpus),
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
)


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
