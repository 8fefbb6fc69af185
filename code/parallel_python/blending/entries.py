"""Part C's two catalogue entries: the P × T grid and the fixes."""

from __future__ import annotations

from ..core.experiment import Experiment, Option
from .fixes import Fixes, run_fixes
from .grid import Grid, run_grid
from .narrate import fixes_summary, grid_summary
from .plots import plot_fixes, plot_grid


def _blend_grid_headlines(g: Grid) -> dict[str, float]:
    best, inside = g.best, g.best_within
    out = {
        "best speed-up over 1 × 1 (×)": g.speedup(best.processes, best.threads),
        "best speed-up with P × T ≤ CPUs (×)": g.speedup(
            inside.processes, inside.threads
        ),
        "1 × 1 batch (s)": g.baseline.timing.best,
        "CPUs available": float(g.cpus),
    }
    if g.oversubscribed:
        worst = max(g.oversubscribed, key=lambda c: c.timing.best)
        costly = max(g.oversubscribed, key=lambda c: c.cpu_seconds)
        out["slowest oversubscribed cell / best within (×)"] = (
            worst.timing.best / inside.timing.best
        )
        out["CPU time, costliest oversubscribed cell / 1 × 1 (×)"] = (
            costly.cpu_seconds / g.baseline.cpu_seconds
        )
    return out


def _blend_fixes_headlines(f: Fixes) -> dict[str, float]:
    out = {"BLAS threads per worker, no limit": float(f.default_threads)}
    for fix in f.fixes[1:]:
        out[f"speed-up over no limit, {fix.name} (×)"] = f.speedup(fix.name)
    return out


def _blend_fixes_intervals(f: Fixes) -> dict:
    return {f"speed-up over no limit, {fix.name} (×)": fix.ratio for fix in f.fixes[1:]}


ENTRIES: tuple[Experiment, ...] = (
    Experiment(
        name="blend-grid",
        chapter="C. Blending processes and threads",
        page="book/handson/c-blending",
        run=run_grid,
        result_type=Grid,
        seconds=6,
        options=(
            Option("size", "int", 500, "matrix size n (n × n) of each product"),
            Option("tasks", "int", None, "products per batch (default: from P)"),
            Option("processes", "ints", None, "values of P (default: 1..CPUs+1)"),
            Option("threads", "ints", None, "values of T (default: 1..CPUs+1)"),
            Option("repeats", "int", 7, "timed batches per cell (after warm-up)"),
            Option("budget", "float", 0.3, "seconds of timed batches per cell"),
            Option(
                "probe_seconds",
                "float",
                0.3,
                "seconds of the ceiling probe between the cells, at least",
            ),
        ),
        plot=plot_grid,
        summary=grid_summary,
        headlines=_blend_grid_headlines,
    ),
    Experiment(
        name="blend-fixes",
        chapter="C. Blending processes and threads",
        page="book/handson/c-blending",
        run=run_fixes,
        result_type=Fixes,
        seconds=9.5,
        options=(
            Option("size", "int", 500, "matrix size n (n × n) of each product"),
            Option("tasks", "int", None, "products per batch (default: from P)"),
            Option("processes", "int", None, "worker processes (default: the CPUs)"),
            Option("repeats", "int", 5, "paired rounds at least (after warm-up)"),
            Option("budget", "float", 2.4, "seconds of rounds (joblib: a third each)"),
        ),
        plot=plot_fixes,
        summary=fixes_summary,
        headlines=_blend_fixes_headlines,
        intervals=_blend_fixes_intervals,
    ),
)
