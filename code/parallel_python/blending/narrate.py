"""Sentences for Part C (blending processes and threads), computed from results.

Each function takes a :class:`~parallel_python.blending.Grid` or
:class:`~parallel_python.blending.Fixes` and returns Markdown, so the page says
what was measured on the machine that built it: one CPU (only the 1 × 1
cell is within the CPUs), two, or sixty-four. They are tested with made-up
grids for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

import statistics

from ..core.protocol import MAX_HALF_WIDTH
from ..core.readings import ceiling_clause
from ..core.text import (
    SAME,
    and_list,
    count,
    cpus_phrase,
    duration,
    measured,
    percent,
    plural,
    ratio_text,
    same_unit,
    times,
)
from .batches import Batch
from .fixes import ENV_FORK, NO_LIMIT, Fixes
from .grid import Grid


def span(values: list[float], *, each: bool = False) -> str:
    """A range of speed-ups as the text prints them: "2.10× to 3.00×", or
    one figure when both ends print the same ("each 3.00×" with ``each``)."""
    lo, hi = times(min(values)), times(max(values))
    if lo != hi:
        return f"{lo} to {hi}"
    return f"each {lo}" if each else lo


def shape(cell: Batch) -> str:
    """``2 × 1`` (processes × threads)."""
    return f"{cell.processes} × {cell.threads}"


def _threads_each(counts: tuple[int, ...]) -> str:
    """``1 BLAS thread each``, ``2 BLAS threads each``, ``1, 2 BLAS threads each``."""
    many = len(counts) > 1 or max(counts) != 1
    return f"{', '.join(map(str, counts))} BLAS thread{'s' if many else ''} each"


def _slowdown(cell: Batch, against: Batch) -> float:
    return cell.timing.best / against.timing.best


# --- the grid --------------------------------------------------------------


def grid_summary(grid: Grid) -> str:
    """The fastest cell, and what happened beyond the line P × T = CPUs."""
    base, best = grid.baseline, grid.best
    over = grid.oversubscribed
    text = (
        f"The batch of {plural(grid.tasks, 'product')} of {grid.size} × {grid.size} "
        f"matrices "
        f"took {duration(base.timing.best)} with one process and one thread. "
    )
    if grid.cpus == 1:
        text += (
            "This build could use only one CPU, so the 1 × 1 cell is the only one "
            "within the CPUs: every other cell asked for more threads than there "
            "are CPUs, and they can only take turns. "
        )
    if best is base:
        text += "No other cell was faster. "
    else:
        where = (
            "within the CPUs"
            if grid.within(best)
            else "even though P × T exceeded the CPUs"
        )
        text += (
            f"The fastest cell was {shape(best)} "
            f"({plural(best.processes, 'process', 'processes')} "
            f"with {plural(best.threads, 'thread')}"
            f"{' each' if best.processes > 1 else ''}, {where}): "
            f"{times(grid.speedup(best.processes, best.threads))} the speed of 1 × 1. "
        )
    if grid.ceiling is not None:
        text += f"Between the cells, {ceiling_clause(grid.ceiling)}. "
    if not over:
        return text + "No cell asked for more threads than there are CPUs."
    ref = grid.best_within
    ratios = [_slowdown(c, ref) for c in over]
    worst = max(over, key=lambda c: c.timing.best)
    text += (
        f"Beyond the line P × T = {grid.cpus}, the {plural(len(over), 'cell')} "
        f"took a median {measured(statistics.median(ratios))} times as long as "
        f"the best cell within the CPUs ({shape(ref)}), and the slowest, "
        f"{shape(worst)}, {measured(_slowdown(worst, ref))} times as long."
    )
    fast = [c for c, r in zip(over, ratios, strict=True) if r < 1 - SAME]
    if fast:
        text += (
            f" Some oversubscribed cells ({and_list([shape(c) for c in fast])}) were "
        )
        text += f"still faster than {shape(ref)}: "
        if all(c.threads == 1 for c in fast):
            text += (
                "processes with one thread each never wait for a partner, so when "
                "they outnumber the CPUs they only take turns, at little cost."
            )
        else:
            text += "the cliff is not equally steep everywhere."
    slow_inside = [
        c
        for c in grid.cells
        if grid.within(c) and c is not base and _slowdown(c, base) > 1 + SAME
    ]
    if slow_inside:
        names = and_list([shape(c) for c in slow_inside])
        text += f" Even {names}, within the CPUs, ran slower than 1 × 1: "
        if shared_machine(grid):
            text += (
                f"the 1 × 1 worker itself ran only {percent(base.busy_cpus)} of the "
                f"wall time in this run, so the CPUs were not all this "
                f"experiment's, and those threads had to take turns too."
            )
        else:
            text += (
                "at this size a product is too small to share out well, so the "
                "extra threads cost more than they bring."
            )
    return text


#: Below this share of a CPU, the 1 × 1 worker was kept waiting by other programs.
BUSY_MACHINE = 0.8


def shared_machine(grid: Grid) -> bool:
    """Did other programs take CPU time from the workers? (The lone 1 × 1
    worker, which never waits for anything, ran less than
    :data:`BUSY_MACHINE` of the wall time.)"""
    return grid.baseline.busy_cpus < BUSY_MACHINE


def oversubscription_summary(grid: Grid) -> str:
    """CPU time against wall time, and context switches, inside and beyond the line."""
    over = grid.oversubscribed
    if not over:
        return (
            "No cell asked for more threads than there are CPUs, so this grid "
            "shows no oversubscription."
        )
    base = grid.baseline
    worst = max(over, key=lambda c: c.cpu_seconds)
    ratio = worst.cpu_seconds / base.cpu_seconds if base.cpu_seconds > 0 else 0.0
    text = (
        f"The work was the same in every cell, {plural(grid.tasks, 'product')}. "
        f"In the "
        f"1 × 1 cell the worker used {duration(base.cpu_seconds)} of CPU time for "
        f"them; in the {shape(worst)} cell "
        f"{'the worker' if worst.processes == 1 else 'the workers together'} used "
        f"{duration(worst.cpu_seconds)}"
    )
    if ratio > 1 + SAME:
        text += (
            f", {measured(ratio)} times as much, for the same result. That extra CPU "
            f"time is what threads spinning while they wait for a partner who is "
            f"not running, and the operating system switching them in and out, "
            f"would cost; the page measures the CPU time and the switches, not "
            f"the spinning itself. "
        )
    else:
        text += (
            ", about as much: whatever oversubscription cost here shows in the "
            "wall time, not in extra CPU time. "
        )
    text += (
        f"CPU time divided by wall time, the number of CPUs the workers kept "
        f"busy on average, came to {measured(worst.busy_cpus)} in the {shape(worst)} "
        f"batches, against {measured(base.busy_cpus)} in 1 × 1 (this build could use "
        f"{cpus_phrase(grid.cpus)})."
    )
    if base.switches >= 0 and worst.switches >= 0:
        text += (
            f" The operating system took the CPU away from a running thread "
            f"(an involuntary context switch) "
            f"{worst.switches:.0f} times per batch in {shape(worst)}, against "
            f"{base.switches:.0f} in 1 × 1."
        )
    return text


# --- the fixes -------------------------------------------------------------


def fixes_summary(f: Fixes) -> str:
    """Which ways of limiting the threads held, and what they bought."""
    none = f.get(NO_LIMIT)
    threads = none.batch.threads_in_effect
    each = "the worker" if f.processes == 1 else "each worker"
    counts = ", ".join(map(str, threads))
    text = (
        f"With {plural(f.processes, 'process', 'processes')} and no limit, {each} "
        f"ran its BLAS with {counts} thread{'s' if max(threads) != 1 else ''}: "
        f"{plural(f.processes * max(threads), 'thread')} in all on "
        f"{cpus_phrase(f.cpus)}. "
    )
    if f.default_threads <= f.limit:
        return text + (
            f"That is no more than the limit the fixes ask for ({f.limit}), so "
            f"there was nothing to fix here: every row ran "
            f"{plural(f.limit, 'thread')} per worker. On a machine with more CPUs "
            f"the unlimited workers would each start one thread per CPU."
        )
    held = [x for x in f.fixes if x.held]
    names = and_list([x.name for x in held])
    text += (
        f"Asking for {plural(f.limit, 'thread')} per worker held, checked from "
        f"inside every worker, for: {names}. "
    )
    gains = [f.speedup(x.name) for x in held]
    if len(gains) == 1:
        text += (
            f"That run was {times(gains[0])} as fast as the unlimited one (the "
            "median of paired rounds; the table gives its 90 % interval). "
        )
    elif gains:
        unclear = [x for x in held if x.ratio is not None and x.ratio.low <= 1]
        clear = [x for x in held if x not in unclear]
        shown = [f.speedup(x.name) for x in clear]
        if unclear and clear:
            several = len(shown) > 1
            text += (
                f"Of those, {and_list([x.name for x in clear])} ran "
                f"{span(shown, each=several)} as fast "
                f"as the unlimited one ({'medians' if several else 'the median'} "
                f"of paired rounds; the table gives each one's 90 % interval). "
            )
        else:
            head = "The medians of those runs were" if unclear else "Those runs were"
            text += (
                f"{head} {span(gains, each=True)} as fast "
                f"as the unlimited one (medians of paired rounds; the table gives "
                f"each one's 90 % interval). "
            )
        if unclear:
            one = len(unclear) == 1
            text += (
                f"The 90 % {'interval' if one else 'intervals'} of "
                f"{and_list([x.name for x in unclear])} "
                f"{'reaches' if one else 'reach'} down to 1× or below, so this "
                f"run cannot tell whether {'that fix' if one else 'those fixes'} "
                "gained anything. "
            )
        wide = [x for x in held if x.ratio is not None and x.ratio.too_wide]
        if wide:
            widest = max(wide, key=lambda x: x.ratio.half_width)
            one = len(wide) == 1
            if one:
                whose = f"The 90 % interval of {widest.name} is"
            elif len(wide) == len(held) == 2:
                whose = "Both of those 90 % intervals are"
            elif len(wide) == len(held):
                whose = f"All {count(len(wide))} of those 90 % intervals are"
            else:
                whose = f"The 90 % intervals of {and_list([x.name for x in wide])} are"
            spread = (
                "the middle 80 % of its rounds ranged from "
                if one
                else f"the widest, {widest.name}, had the middle 80 % of its "
                "rounds between "
            )
            text += (
                f"{whose} wider than ±{percent(MAX_HALF_WIDTH)} (see the table): "
                f"take {'that figure' if one else 'those figures'} as rough; "
                f"{spread}{times(widest.ratio.band_low)} "
                f"{'to' if one else 'and'} {times(widest.ratio.band_high)}. "
            )
    if f.has(ENV_FORK):
        fork = f.get(ENV_FORK)
        seen = [v for v in fork.batch.variable_seen if v]
        if not fork.held:
            saw = (
                f"saw `{f.variable}={seen[0]}` in their environment, yet "
                if seen
                else ""
            )
            text += (
                f"The same variables set before `fork` came too late: the forked "
                f"workers {saw}ran {_threads_each(fork.batch.threads_in_effect)}, "
                f"because they inherited the parent's BLAS, loaded and set up "
                f"before the variable existed."
            )
            if fork.ratio is not None and fork.ratio.low > 1:  # a gain all the same
                lo, hi = same_unit(fork.batch.timing.best, max(fork.batch.timing.times))
                text += (
                    f" Yet in this build they ran {ratio_text(fork.ratio)} as fast as "
                    f"no limit, its batches taking from {lo} to {hi}: with the same "
                    f"threads, how much the oversubscription cost varied from batch "
                    f"to batch."
                )
        else:
            text += (
                "Unusually, the variable set before `fork` held too, although the "
                "workers were forked from a parent whose BLAS had already loaded."
            )
    return text
