"""Part C: blending processes and threads, and the oversubscription cliff.

Experiments:

* :func:`run_grid` - one batch of independent matrix products, run by ``P``
  worker processes that each let BLAS use ``T`` threads, for every ``P`` and
  ``T`` from 1 to one past the CPUs available (fewer values on a large
  machine). For each cell: the wall time of the batch, the CPU time its
  workers used and their context switches, and the BLAS thread count each
  worker really had (checked from inside the worker).
* :func:`run_fixes` - the same batch with ``P`` = the CPUs, first with no
  limit, then with each way of limiting the threads in the workers:
  threadpoolctl in a pool initializer or around the task, an environment
  variable for ``spawn``-started workers (and the same variable, too late,
  for ``fork``-started ones), and joblib's ``inner_max_num_threads``.

Every pool is started from :func:`parallel_python.config.mp_context`, except
where the lesson is the start method itself (``spawn`` and ``fork`` in
:func:`run_fixes`); every pool is closed and joined before a function
returns, and joblib's reusable workers are shut down. The functions the
workers run are top-level here, so ``spawn`` and ``forkserver`` can import
them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core.ceiling import Ceiling
from ..core.ceiling_live import live_ceiling_for
from ..core.config import mp_context, start_method
from ..core.machine import available_cpus, require_blas_pool
from ..core.pools import process_pool
from ..core.results import find
from ..core.validate import positive_float, positive_int, positive_ints
from .batches import (
    MAX_GRID_VALUES,
    WARMUP_SECONDS,
    Batch,
    _pool_batch,
    _seconds,
    _timed_batch,
    limit_blas_threads,
)

# --- the grid ----------------------------------------------------------------


def grid_counts(cpus: int, *, max_values: int = MAX_GRID_VALUES) -> tuple[int, ...]:
    """Values of P (or T): 1, 2, ... up to one past ``cpus``.

    On a machine with more CPUs than ``max_values`` allows, keep 1, ``cpus``
    and ``cpus + 1`` and as many powers of two in between as fit.
    """
    cpus = positive_int("cpus", cpus)
    max_values = positive_int("max_values", max_values)
    if max_values < 3:
        raise ValueError(f"max_values must be at least 3, got {max_values}")
    top = cpus + 1
    if top <= max_values:
        return tuple(range(1, top + 1))
    keep = {1, cpus, top}
    values = set(keep)
    power = 2
    while power < cpus:
        values.add(power)
        power *= 2
    ordered = sorted(values)
    while len(ordered) > max_values:
        droppable = [v for v in ordered if v not in keep]
        ordered.remove(droppable[len(droppable) // 2])
    return tuple(ordered)


def default_tasks(processes: tuple[int, ...], *, at_least: int = 6) -> int:
    """A batch size every process count divides, so no worker idles at the end
    (when that stays small); else four tasks per worker of the largest pool."""
    counts = positive_ints("processes", processes)
    lcm = math.lcm(*counts)
    if lcm <= 2 * at_least:
        return lcm * math.ceil(at_least / lcm)
    return max(at_least, 4 * max(counts))


@dataclass(frozen=True)
class Grid:
    """The batch run with every combination of P processes and T BLAS threads."""

    size: int
    tasks: int
    cpus: int
    start_method: str
    processes: tuple[int, ...]
    threads: tuple[int, ...]
    cells: tuple[Batch, ...]
    ceiling: Ceiling | None = None
    """How much faster the CPUs were than one, counted between the cells
    (None on one CPU, or when not asked for)."""

    def cell(self, processes: int, threads: int) -> Batch:
        return find(self.cells, processes=processes, threads=threads)

    @property
    def baseline(self) -> Batch:
        """One process with one thread."""
        return self.cell(min(self.processes), min(self.threads))

    def speedup(self, processes: int, threads: int) -> float:
        """Best time of 1 x 1 over best time of ``processes`` x ``threads``."""
        return self.baseline.timing.best / self.cell(processes, threads).timing.best

    def within(self, cell: Batch) -> bool:
        """Does the cell ask for no more threads than there are CPUs?"""
        return cell.asked <= self.cpus

    @property
    def best(self) -> Batch:
        """The fastest cell."""
        return min(self.cells, key=lambda c: c.timing.best)

    @property
    def best_within(self) -> Batch:
        """The fastest cell with P x T <= CPUs (1 x 1 at least)."""
        inside = [c for c in self.cells if self.within(c)] or [self.baseline]
        return min(inside, key=lambda c: c.timing.best)

    @property
    def oversubscribed(self) -> tuple[Batch, ...]:
        """Cells with P x T > CPUs."""
        return tuple(c for c in self.cells if not self.within(c))

    @property
    def worst(self) -> Batch:
        """The slowest cell."""
        return max(self.cells, key=lambda c: c.timing.best)

    @property
    def limit_held(self) -> bool:
        """Did every worker of every cell report exactly T BLAS threads?"""
        return all(c.threads_in_effect == (c.threads,) for c in self.cells)


def run_grid(
    size: int = 500,
    tasks: int | None = None,
    processes: tuple[int, ...] | list[int] | None = None,
    threads: tuple[int, ...] | list[int] | None = None,
    *,
    repeats: int = 7,
    warmup: int = 1,
    budget: float | None = 0.3,
    warmup_seconds: float = WARMUP_SECONDS,
    probe_seconds: float | None = 0.3,
) -> Grid:
    """Run ``tasks`` products of ``size`` x ``size`` matrices with every P x T.

    ``processes`` and ``threads`` default to :func:`grid_counts` of the CPUs
    available; ``tasks`` to :func:`default_tasks`. Each cell starts a pool of
    P workers whose initializer limits BLAS to T threads, runs the batch
    ``warmup`` times untimed (and for at least :data:`WARMUP_SECONDS`) and
    ``repeats`` times timed (fewer where they
    would take more than ``budget`` seconds, at least one), then closes and
    joins the pool. Cells are timed one after another rather than in
    interleaved rounds on purpose: that needs every cell's pool alive at
    once, and the BLAS threads of a pool that just finished keep spinning
    for a moment, on the CPUs the next cell is being timed on. With
    ``probe_seconds``, the machine's ceiling is counted after each cell,
    once its pool has ended (``core.ceiling_live``; at least that many
    seconds of each kind of window).

    The cells within the CPUs run in one of two paces from batch to batch
    (on the 2-CPU build machine, 1 x 2 and 2 x 1 took about 15.6 ms or
    19 ms): with 3 batches a cell, the best missed the faster pace in some
    builds, and the best speed-up read 1.81 in one build and 2.02 in the
    next. The budget gives those short cells 7 batches and the slow
    oversubscribed ones fewer.
    """
    size = positive_int("size", size)
    cpus = available_cpus()
    processes = positive_ints(
        "processes", grid_counts(cpus) if processes is None else processes
    )
    threads = positive_ints(
        "threads", grid_counts(cpus) if threads is None else threads
    )
    tasks = positive_int("tasks", default_tasks(processes) if tasks is None else tasks)
    repeats = positive_int("repeats", repeats)
    warmup = positive_int("warmup", warmup)
    if budget is not None:
        budget = positive_float("budget", budget)
    warmup_seconds = _seconds("warmup_seconds", warmup_seconds)
    require_blas_pool("the P × T grid")
    ctx = mp_context()
    cells = []
    # the counters start before any pool, and count after each cell, when its
    # pool (and so its BLAS threads) has ended
    probe = live_ceiling_for(max(processes) * max(threads), probe_seconds)
    with probe:
        for p in processes:
            for t in threads:
                with process_pool(
                    p, context=ctx, initializer=limit_blas_threads, initargs=(t,)
                ) as pool:
                    cells.append(
                        _timed_batch(
                            _pool_batch(pool, size, tasks),
                            p,
                            t,
                            repeats,
                            warmup,
                            budget,
                            warmup_seconds,
                        )
                    )
                probe.between()
        probed = probe.result()
    return Grid(
        size=size,
        tasks=tasks,
        cpus=cpus,
        start_method=start_method(),
        processes=processes,
        threads=threads,
        cells=tuple(cells),
        ceiling=probed,
    )
