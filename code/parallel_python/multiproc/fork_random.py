"""Part B′: what random numbers a forked worker draws.

``fork`` copies the parent, random number generators included. NumPy's
legacy global generator (``np.random.random`` and friends) is copied as it
is, so every forked worker draws the same numbers. Python's ``random``
module reseeds itself in a forked child (CPython registers
``random._inst.seed`` with ``os.register_at_fork(after_in_child=...)``), so
its numbers differ. A worker started with ``spawn`` imports NumPy afresh, and
the new global generator seeds itself from the operating system's entropy.
The cure for all: give each worker its own stream from
``SeedSequence(seed).spawn(n)``, which is also the same on every run.

:func:`run_fork_random` starts a few workers with ``fork`` (where it exists)
and with ``spawn``, each drawing once from each of the three.
"""

from __future__ import annotations

import multiprocessing
import random
from dataclasses import dataclass
from multiprocessing.connection import Connection

import numpy as np

from ..core.config import start_method
from ..core.validate import non_negative_int, positive_int


def draw_once(seed: np.random.SeedSequence, conn: Connection) -> None:
    """A worker's target: one number from NumPy's global generator, one from
    Python's ``random`` and one from its own stream ``seed``, sent back."""
    conn.send(
        (
            float(np.random.random()),  # the legacy global generator
            random.random(),
            float(np.random.default_rng(seed).random()),
        )
    )
    conn.close()


@dataclass(frozen=True)
class Draws:
    """One worker's three numbers."""

    legacy: float
    """From ``np.random.random()`` (NumPy's legacy global generator)."""
    python: float
    """From ``random.random()``."""
    spawned: float
    """From ``np.random.default_rng(SeedSequence(seed).spawn(n)[i])``."""


@dataclass(frozen=True)
class DrawRun:
    """The workers of one start method."""

    method: str
    workers: tuple[Draws, ...]

    @staticmethod
    def _all_same(values: list[float]) -> bool:
        return len(set(values)) == 1

    @property
    def legacy_same(self) -> bool:
        return self._all_same([w.legacy for w in self.workers])

    @property
    def python_same(self) -> bool:
        return self._all_same([w.python for w in self.workers])

    @property
    def spawned_distinct(self) -> bool:
        values = [w.spawned for w in self.workers]
        return len(set(values)) == len(values)


@dataclass(frozen=True)
class ForkRandom:
    """Workers' draws with ``fork`` (if this platform has it) and ``spawn``."""

    workers: int
    seed: int
    project_method: str
    fork_available: bool
    runs: tuple[DrawRun, ...]
    expected_spawned: tuple[float, ...]
    """Each stream's first number, drawn in this process: the workers' must match."""

    def get(self, method: str) -> DrawRun | None:
        return next((r for r in self.runs if r.method == method), None)

    @property
    def spawned_reproducible(self) -> bool:
        return all(
            tuple(w.spawned for w in r.workers) == self.expected_spawned
            for r in self.runs
        )


def _draw_in_workers(
    method: str, seeds: list[np.random.SeedSequence]
) -> tuple[Draws, ...]:
    ctx = multiprocessing.get_context(method)
    started = []
    try:
        for s in seeds:
            receive, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=draw_once, args=(s, send))
            p.start()
            send.close()
            started.append((p, receive))
        return tuple(Draws(*receive.recv()) for _, receive in started)
    finally:
        for p, receive in started:
            p.join(timeout=30)
            if p.is_alive():  # pragma: no cover - a worker that hangs
                p.kill()
                p.join()
            receive.close()


def run_fork_random(workers: int = 3, seed: int = 2025) -> ForkRandom:
    """Start ``workers`` processes with ``fork`` (where it exists) and with
    ``spawn``; each draws one number from each generator. This process's own
    generators are not touched."""
    workers = positive_int("workers", workers)
    seed = non_negative_int("seed", seed)
    if workers < 2:
        raise ValueError(f"workers must be at least 2 to compare, got {workers}")
    seeds = np.random.SeedSequence(seed).spawn(workers)
    expected = tuple(float(np.random.default_rng(s).random()) for s in seeds)
    available = multiprocessing.get_all_start_methods()
    methods = [m for m in ("fork", "spawn") if m in available]
    runs = tuple(DrawRun(m, _draw_in_workers(m, seeds)) for m in methods)
    return ForkRandom(
        workers, seed, start_method(), "fork" in available, runs, expected
    )
