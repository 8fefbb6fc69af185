"""Going further: free-threaded CPython and subinterpreters, on this interpreter.

:func:`run_free_threading` says what the running interpreter is (a
free-threaded build or not, the GIL on or off, whether
``concurrent.interpreters`` exists) and runs Part 1's GIL experiment
(:func:`parallel_python.gil.run_gil`) on it. Where the interpreter has
``concurrent.futures.InterpreterPoolExecutor`` (Python 3.14 and later), the
same pure-Python tasks also run in subinterpreters, each with its own GIL
(PEP 684, PEP 734); where it has not, nothing is measured and the result
says so (``interpreters`` is ``None``).

The facts, for the pages: PEP 703 made the GIL optional in a separate build
(``python3.13t``), experimental in 3.13; PEP 779 made that build officially
supported, still optional, in 3.14 (``python3.14t``).
``sys._is_gil_enabled()`` (3.13+) tells whether the GIL is on right now: a
free-threaded build turns it back on when it imports an extension module
that has not declared itself safe without it, unless ``PYTHON_GIL=0`` or
``-X gil=0`` is given.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.ceiling import Ceiling
from ..core.machine import available_cpus, free_threaded_build, gil_enabled
from ..core.timing import measure_rounds
from ..core.validate import positive_int, positive_ints
from ..part1 import (
    GilScaling,
    ScalingPoint,
    count,
    in_a_row,
    run_gil,
)
from ..part1 import shown_count as compared_count  # the count a page talks about


def has_interpreter_pool() -> bool:
    """Does this Python have ``concurrent.futures.InterpreterPoolExecutor`` (3.14+)?"""
    import concurrent.futures

    return hasattr(concurrent.futures, "InterpreterPoolExecutor")


def has_interpreters_module() -> bool:
    """Is ``concurrent.interpreters`` (PEP 734, 3.14+) importable?"""
    try:
        return importlib.util.find_spec("concurrent.interpreters") is not None
    except (ImportError, ValueError):
        return False


def interpreters_point(work: int, k: int, repeats: int) -> ScalingPoint:
    """``k`` pure-Python tasks in a row, and in ``k`` subinterpreters at once.

    Needs Python 3.14 or later (``InterpreterPoolExecutor``).
    """
    from concurrent.futures import InterpreterPoolExecutor  # type: ignore[attr-defined]

    work, k = positive_int("work", work), positive_int("k", k)
    tasks = [(work,)] * k
    with InterpreterPoolExecutor(max_workers=k) as pool:
        list(pool.map(count, [work] * k))  # start the interpreters, warm up
        # round by round, as ScalingPoint's paired speed-up expects
        timed = measure_rounds(
            {
                "in a row": lambda: in_a_row(count, tasks),
                "side by side": lambda: list(pool.map(count, [work] * k)),
            },
            repeats=repeats,
            warmup=0,
        )
    return ScalingPoint(k, timed["in a row"], timed["side by side"])


@dataclass(frozen=True)
class FreeThreading:
    """This interpreter's kind, and the GIL experiment run on it."""

    python: str
    implementation: str
    free_threaded_build: bool
    gil_enabled: bool
    is_gil_enabled_exists: bool  # sys._is_gil_enabled (3.13+)
    python_gil_variable: str  # PYTHON_GIL as set for this process, or ""
    interpreters_module: bool  # concurrent.interpreters (3.14+)
    interpreter_pool: bool  # concurrent.futures.InterpreterPoolExecutor (3.14+)
    cpus: int
    gil: GilScaling
    interpreters: ScalingPoint | None  # measured only where available

    @property
    def workers(self) -> int:
        """The task count compared: the largest measured one within the CPUs,
        but at least two if two were measured (one task overlaps nothing)."""
        return compared_count(self.gil.counts, self.cpus)

    @property
    def ceiling(self) -> Ceiling | None:
        """The machine's ceiling probed with the GIL experiment it reports."""
        return self.gil.ceiling

    @property
    def threads_speedup(self) -> float:
        return self.gil.threads_cpu_at(self.workers).speedup


def run_free_threading(
    counts: Sequence[int] = (1, 2),
    work: int = 300_000,
    *,
    repeats: int = 3,
    processes: bool = True,
    reps: int | None = None,
    budget: float = 3.0,
    gil: GilScaling | None = None,
) -> FreeThreading:
    """Describe this interpreter and run the GIL experiment on it.

    ``counts``, ``work``, ``repeats``, ``reps`` and ``budget`` go to
    :func:`~parallel_python.part1.run_gil` (waiting tasks sleep 0.02 s),
    unless ``gil`` gives that experiment's result for this interpreter already
    (the book passes Part 1's, so both pages show one value); subinterpreters,
    where available, run the largest count
    within the CPUs.
    """
    counts = positive_ints("counts", counts)
    work = positive_int("work", work)
    repeats = positive_int("repeats", repeats)
    scaling = gil
    if scaling is None:
        scaling = run_gil(
            counts,
            work,
            0.02,
            repeats=repeats,
            processes=processes,
            reps=reps,
            budget=budget,
            probe_seconds=None,
        )
    counts = scaling.counts
    pool = has_interpreter_pool()
    k = compared_count(counts, scaling.cpus)
    point = interpreters_point(work, k, repeats) if pool else None
    return FreeThreading(
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        free_threaded_build=free_threaded_build(),
        gil_enabled=gil_enabled(),
        is_gil_enabled_exists=hasattr(sys, "_is_gil_enabled"),
        python_gil_variable=os.environ.get("PYTHON_GIL", ""),
        interpreters_module=has_interpreters_module(),
        interpreter_pool=pool,
        cpus=available_cpus(),
        gil=scaling,
        interpreters=point,
    )
