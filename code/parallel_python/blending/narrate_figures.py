"""The takeaway titles of Part C's figures, computed from the results.

One line each (two where a figure compares two things), true on one CPU, two
or sixty-four: they say what was measured, never what was expected.
"""

from __future__ import annotations

import statistics

from ..core.text import SAME, cpus_phrase, measured, plural, times
from .fixes import NO_LIMIT, Fixes
from .grid import Grid


def _shape(processes: int, threads: int) -> str:
    return f"{processes} × {threads}"


def grid_takeaway(grid: Grid) -> str:
    """The grid figure's title: the fastest cell, and the cost past the line."""
    base, best = grid.baseline, grid.best
    if best is base:
        head = "Fastest cell: 1 × 1 itself"
    else:
        speed = times(grid.speedup(best.processes, best.threads))
        shape = _shape(best.processes, best.threads)
        head = f"Fastest cell {shape}: {speed} as fast as 1 × 1"
    over = grid.oversubscribed
    if not over:
        return f"{head}; no cell asked for more than {cpus_phrase(grid.cpus)}"
    ref = grid.best_within
    ratios = [c.timing.best / ref.timing.best for c in over]
    median = statistics.median(ratios)
    return (
        f"{head}\nbeyond the line P × T = {grid.cpus}: a median {times(median)} "
        f"the time of {_shape(ref.processes, ref.threads)}"
    )


def oversubscription_takeaway(grid: Grid) -> str:
    """The oversubscription figure's title: the CPU time the same work took."""
    over = grid.oversubscribed
    if not over:
        return f"No cell beyond {cpus_phrase(grid.cpus)}: no oversubscription here"
    base = grid.baseline
    worst = max(over, key=lambda c: c.cpu_seconds)
    shape = _shape(worst.processes, worst.threads)
    ratio = worst.cpu_seconds / base.cpu_seconds if base.cpu_seconds > 0 else 0.0
    if ratio > 1 + SAME:
        return f"Same work: {shape} used {times(ratio)} the CPU time of 1 × 1"
    return f"Same work, about the same CPU time in every cell (up to {times(ratio)})"


def fixes_takeaway(f: Fixes) -> str:
    """The fixes figure's title: what the limits bought over no limit."""
    none = f.get(NO_LIMIT).batch.threads_in_effect
    t = max(none)
    asked = (
        f"{plural(f.processes, 'process', 'processes')} with "
        f"{plural(t, 'BLAS thread')}{' each' if f.processes > 1 else ''} on "
        f"{cpus_phrase(f.cpus)}"
    )
    if f.default_threads <= f.limit:
        return f"No limit: {asked}, so nothing to fix"
    gains = [f.speedup(x.name) for x in f.fixes if x.held]
    if not gains:
        return f"No limit: {asked}; no fix held"
    low, high = times(min(gains)), times(max(gains))
    span = low if low == high else f"{measured(min(gains))}–{high}"
    fixes = plural(len(gains), "fix that held", "fixes that held")
    return f"No limit: {asked}\nthe {fixes}: {span} as fast"
