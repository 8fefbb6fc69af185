"""Part C's tables: every cell of the grid, and every way of limiting the
threads, as Markdown tables with what the workers counted in a dropdown."""

from __future__ import annotations

from ..core.text import (
    count,
    cpus_phrase,
    dropdown,
    duration,
    measured,
    plural,
    ratio_text,
    table,
    times,
    unbroken,
)
from .batches import WARMUP_SECONDS
from .fixes import Fixes
from .grid import Grid
from .narrate import shape


def grid_table(grid: Grid) -> str:
    """Every cell of the grid as a Markdown table of five columns, with what
    the workers counted in a second table in a dropdown."""
    rows, counted = [], []
    for c in grid.cells:
        mark = " †" if not grid.within(c) else ""
        cell = f"{shape(c)}{mark}"
        rows.append(
            [
                cell,
                duration(c.timing.best),
                duration(c.timing.median),
                str(c.timing.repeats),
                times(grid.speedup(c.processes, c.threads)),
            ]
        )
        counted.append(
            [
                cell,
                duration(c.cpu_seconds),
                measured(c.busy_cpus),
                count(round(c.switches)) if c.switches >= 0 else "n/a",
                ", ".join(map(str, c.threads_in_effect)),
            ]
        )
    main = table(["P × T", "best", "median", "runs", "speed-up"], rows)
    legend = (
        f"P × T: processes × BLAS threads per process; † P × T exceeds the "
        f"{cpus_phrase(grid.cpus)} available. Best and median wall time of the "
        f"whole batch, measured by the parent, after at least "
        f"{WARMUP_SECONDS:.1f} s of warm-up batches; runs: how many batches were "
        f"timed; speed-up: over 1 × 1."
    )
    details = table(["P × T", "CPU time", "busy CPUs", "switches", "BLAS"], counted)
    details += (
        "\n\nCPU time (of every thread of every worker) and involuntary "
        "context switches per batch were counted inside each worker around "
        "each product and summed, over the same timed batches as the wall "
        "times; handing out the tasks and collecting the results count in the "
        "wall time only. Busy CPUs: CPU time over wall time; BLAS: the thread "
        "counts the workers reported from inside."
    )
    return "\n\n".join(
        [main, legend, dropdown("What the workers counted, cell by cell", details)]
    )


def fixes_table(f: Fixes) -> str:
    """Every way of running the batch as a Markdown table of five columns,
    with the median, runs and CPU time in a dropdown."""
    rows, more = [], []
    for x in f.fixes:
        b = x.batch
        seen = ", ".join(map(str, b.threads_in_effect))
        rows.append(
            [
                x.name,
                x.start_method,
                f"{x.limit if x.limit else '–'} → {seen}",
                unbroken(duration(b.timing.best)),
                unbroken(ratio_text(x.ratio, f.speedup(x.name))),
            ]
        )
        more.append(
            [
                x.name,
                duration(b.timing.median),
                str(b.timing.repeats),
                duration(b.cpu_seconds),
            ]
        )
    main = table(["how", "start", "threads", "best", "speed-up"], rows, "llrrr")
    legend = (
        f"{plural(f.processes, 'process', 'processes')}, "
        f"{plural(f.tasks, 'product')} of {f.size} × {f.size} per batch. "
        f"Threads: the BLAS threads per worker the row asks for (– for none) "
        f"→ what the workers reported from inside; best: the fastest wall time "
        f"of a batch, of the runs timed after a warm-up; speed-up: over the "
        f"row without a limit, the median of paired rounds with its 90 % "
        f"interval."
    )
    details = table(["how", "median", "runs", "CPU time"], more)
    details += "\n\nCPU time: CPU seconds of all workers per batch."
    return "\n\n".join(
        [main, legend, dropdown("Median, runs and CPU time of every row", details)]
    )
