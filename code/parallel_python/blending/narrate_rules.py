"""Part C's advice computed from the grid and the fixes: a rule of thumb, two
shapes compared, and what the fork row shows; true on 1, 2 or 64 CPUs."""

from __future__ import annotations

from ..core.text import SAME, cpus_phrase, measured, plural, same_unit, times
from .fixes import ENV_FORK, Fixes
from .grid import Grid
from .narrate import shape, shared_machine, span


def rule_of_thumb(grid: Grid) -> str:
    """A rule of thumb for the build machine, from the grid."""
    if grid.cpus == 1:
        others = [
            grid.speedup(c.processes, c.threads)
            for c in grid.cells
            if (c.processes, c.threads) != (1, 1)
        ]
        text = (
            "**Rule of thumb for this machine (one CPU):** one process with one "
            "BLAS thread. Every extra process or thread can only take turns"
        )
        if not others:
            return text + "."
        return text + (
            f": here the other cells ran at {span(others)} the speed of 1 × 1."
        )
    line = [c for c in grid.cells if c.asked == grid.cpus]
    text = (
        f"**Rule of thumb for this machine ({cpus_phrase(grid.cpus)}):** choose "
        f"P × T ≤ {grid.cpus}, and for many independent tasks like these start "
        f"with P = {grid.cpus} processes of T = 1 thread each. "
    )
    if line:
        fastest = min(line, key=lambda c: c.timing.best)
        gain = grid.speedup(fastest.processes, fastest.threads)
        text += (
            f"On the line P × T = {grid.cpus}, the fastest measured here was "
            f"{shape(fastest)} ({times(gain)} the speed of 1 × 1)"
        )
        if gain < 1 - SAME and shared_machine(grid):
            text += (
                ": slower than one process with one thread, because other "
                "programs kept the CPUs busy during this run. On a shared "
                "machine, count only the CPUs that are really free. "
            )
        elif gain < 1 - SAME:
            text += (
                ": slower than one process with one thread, so at this size the "
                "extra workers or threads did not pay at all. "
            )
        else:
            text += ". "
        suggested = next(
            (c for c in line if (c.processes, c.threads) == (grid.cpus, 1)), None
        )
        if suggested is not None and suggested is not fastest:
            close = suggested.timing.best <= fastest.timing.best * (1 + SAME)
            runs = min(suggested.timing.repeats, fastest.timing.repeats)
            text += (
                f"The suggested {shape(suggested)} reached "
                f"{times(grid.speedup(suggested.processes, suggested.threads))}"
                + (
                    f", within {round(SAME * 100)} % of it: from the best of "
                    f"{plural(runs, 'run')}"
                    " each, this run cannot tell the two apart. "
                    if close
                    else ": with BLAS threads that share the work well, fewer "
                    "processes with more threads can win on this machine. "
                )
            )
    best, ref = grid.best, grid.best_within
    if not grid.within(best) and best.timing.best < ref.timing.best * (1 - SAME):
        text += f"The fastest cell of all, {shape(best)}, was beyond the line"
        if best.threads == 1:
            text += (
                ", with one thread per process: processes that never wait for each "
                "other lose little by taking turns. "
            )
        else:
            text += (
                f": the cells are timed one after another, best of "
                f"{plural(best.timing.repeats, 'run')} each, so a single fast "
                f"moment can decide between close cells; measure again. "
            )
        threaded = [c for c in grid.oversubscribed if c.threads > 1]
        if threaded and all(
            c.timing.best > ref.timing.best * (1 + SAME) for c in threaded
        ):
            text += (
                "Every cell beyond the line with more than one BLAS thread per "
                "process was slower than the best within it. "
            )
    text += (
        "Give BLAS more threads per process only when there are fewer tasks than "
        "CPUs, or each task is a large matrix product that shares out well."
    )
    return text


def shapes_compared(grid: Grid) -> str:
    """1 process × CPUs threads against CPUs processes × 1 thread, measured."""
    c = grid.cpus
    if c == 1 or c not in grid.processes or c not in grid.threads:
        p, t = (1, 2) if 2 in grid.threads and 2 in grid.processes else (1, 1)
        if (p, t) == (1, 1):
            return "This grid has no pair of shapes to compare."
        threads, procs = grid.cell(1, 2), grid.cell(2, 1)
    else:
        threads, procs = grid.cell(1, c), grid.cell(c, 1)
    t_threads, t_procs = same_unit(threads.timing.best, procs.timing.best)
    if threads.asked > c and procs.asked > c:
        return (
            f"On this build, which had {cpus_phrase(c)}, both cells asked for more "
            f"threads than there are CPUs ({shape(threads)} took {t_threads}, "
            f"{shape(procs)} took {t_procs}), so they show oversubscription rather "
            f"than this trade-off. On two CPUs, each fits: then the reasons below "
            f"decide which one wins."
        )
    faster = procs if procs.timing.best < threads.timing.best else threads
    slower = threads if faster is procs else procs
    ratio = slower.timing.best / faster.timing.best
    text = (
        f"On this build, {shape(threads)} took {t_threads} and {shape(procs)} "
        f"took {t_procs}. "
    )
    if ratio < 1 + SAME:
        return text + "The two were within the noise of each other."
    return text + f"{shape(faster)} was {measured(ratio)} times as fast."


def fork_row_note(f: Fixes) -> str:
    """Where the fixes table shows a variable set before ``fork`` coming too late."""
    row = f'the "{ENV_FORK}" row above'
    if not f.has(ENV_FORK):
        return "(this build did not measure a variable set before `fork`)"
    if f.default_threads <= f.limit:
        return (
            f"({row} shows it on a machine with more CPUs; on this build an "
            f"unlimited worker already used {plural(f.default_threads, 'BLAS thread')}"
            f", so every count in it was {f.limit})"
        )
    fork = f.get(ENV_FORK)
    seen = ", ".join(map(str, fork.batch.threads_in_effect))
    if fork.held:
        return f"(on this build, though, {row} held: its workers saw {seen})"
    return f"(this is {row}: asked {f.limit}, seen {seen})"
