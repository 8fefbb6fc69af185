"""Which of the book's key figures make their point in this copy (a front door).

The instructor notes tell a teacher which figure to show when. A copy built
on one CPU, or on a disturbed machine, may show no gain where the notes
promise one. These checks read this build's recorded results and say, per
figure, whether it shows its point and what was measured; the Sphinx
extension writes the table into the notes when the build finishes (the notes
run before the chapters, which record the results).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .core.text import cpus_phrase, interval, percent, plural, times

#: The element the instructor notes leave for the table, and the notes' page.
PLACEHOLDER_ID = "instructor-figure-check"
NOTES_PAGE = "book/appendix/instructor-notes"
#: A speed-up counts as shown when its interval's low end is at least this.
SHOWN = 1.2
#: The tool comparison's tools that run the pure-Python loop in processes,
#: and those that compile it (names as ``ToolComparison.tools`` gives them).
PROCESS_TOOLS = (
    "multiprocessing Pool",
    "joblib",
    "dask (LocalCluster)",
    "MPI (mpi4py)",
)
COMPILED_TOOLS = ("numba @njit", "numba parallel=True")
#: The name of the fixes experiment's run without any limit.
NO_LIMIT = "no limit"


@dataclass(frozen=True)
class Check:
    """One figure: the experiment behind it, where it is, and its point."""

    experiment: str
    figure: str  # the figure's name, e.g. "fig-part1-gil"
    page: str  # e.g. "book/part1/gil"
    point: str
    test: Callable[[Any], tuple[bool, str]]
    instead: str  # what to do where the figure does not show its point


def _speedup(ratio, what: str) -> tuple[bool, str]:
    """Shown when the interval's low end clears :data:`SHOWN`."""
    seen = f"{what}: {interval(ratio.median, ratio.low, ratio.high)}"
    return ratio.low >= SHOWN, seen


def _race(r) -> tuple[bool, str]:
    lost = sum(1 for x in r.lost_unsafe if x > 0)
    clean = all(x == 0 for x in r.lost_locked)
    seen = (
        f"updates lost in {lost} of {plural(len(r.lost_unsafe), 'trial')} "
        f"without a lock; {'none' if clean else 'some'} with it"
    )
    return 2 * lost > len(r.lost_unsafe) and clean, seen


def _cpu_sampling(r) -> tuple[bool, str]:
    """Shown when the threads kept 1.5 CPUs or more busy and moved."""
    if not r.threads:
        return False, "this system could not say which CPU a thread ran on"
    busy = r.busy_cpus
    moves = r.total_moves
    used = len(r.cpus_used)
    spread = busy >= 1.5 if busy > 0 else used >= 2
    busy_text = f"{busy:.1f} CPUs busy on average, " if busy > 0 else ""
    seen = (
        f"{busy_text}{plural(used, 'CPU')} used, {plural(moves, 'move')} between "
        f"CPUs, with {cpus_phrase(len(r.cpus_available))} available"
    )
    return spread and moves > 0, seen


def _fixes(r) -> tuple[bool, str]:
    """Shown when unlimited workers asked for more threads than CPUs and a
    fix made the batch clearly faster."""
    asked = r.processes * r.default_threads
    unlimited = (
        f"{plural(r.processes, 'worker')} × {plural(r.default_threads, 'BLAS thread')}"
        f" unlimited, on {cpus_phrase(r.cpus)}"
    )
    if asked <= r.cpus:
        return False, f"{unlimited}: nothing to fix"
    fixes = [f.name for f in r.fixes if f.name != NO_LIMIT]
    if not fixes:
        return False, f"{unlimited}; no fix was run"
    best = max(fixes, key=r.speedup)
    gain = r.speedup(best)
    return gain >= SHOWN, f"{unlimited}; best fix, {best}: {times(gain)} as fast"


def _tools(t) -> tuple[bool, str]:
    """Shown when, with several CPUs, the best process-based tool clears
    :data:`SHOWN` and compiled code (where it ran) did better still."""
    processes = [x for x in t.tools if x in PROCESS_TOOLS]
    if not processes:
        return False, "no process-based tool ran"
    best = max(processes, key=t.speedup)
    gain = t.speedup(best)
    workers = plural(t.run(best).workers, "worker")
    seen = f"best process-based tool, {best} ({workers}): {times(gain)}"
    if t.cpus < 2:  # a "gain" on one CPU is noise, not the point
        return False, f"this copy had {cpus_phrase(t.cpus)}; {seen}"
    compiled = [x for x in t.tools if x in COMPILED_TOOLS]
    if not compiled:
        return gain >= SHOWN, seen
    fast = max(compiled, key=t.speedup)
    seen += f"; {fast}: {times(t.speedup(fast))}"
    return gain >= SHOWN and t.speedup(fast) > gain, seen


def _gil(g) -> tuple[bool, str]:
    k = g.workers_at_cpus
    if k < 2 or not g.processes_cpu:
        return False, f"this copy had {cpus_phrase(g.cpus)} for the tasks"
    return _speedup(g.processes_cpu_at(k).ratio, f"{k} processes")


def _numpy_trick(n) -> tuple[bool, str]:
    k = n.workers_at_cpus
    if k < 2:
        return False, f"this copy had {cpus_phrase(n.cpus)}"
    return _speedup(n.numpy_at(k).ratio, f"NumPy sorts in {k} threads")


def _blas(s) -> tuple[bool, str]:
    t = s.threads_at_cpus
    if t < 2:
        return False, f"this copy had {cpus_phrase(s.cpus)}"
    n = max(s.sizes)
    return _speedup(s.ratio(n, t), f"{t} BLAS threads, n = {n}")


def _integration(s) -> tuple[bool, str]:
    p = s.processes_at_cpus
    if p < 2:
        return False, f"this copy had {cpus_phrase(s.cpus)}"
    return _speedup(s.ratio(p), f"{p} processes")


def _grid(g) -> tuple[bool, str]:
    worst, best = g.worst, g.best
    slow = g.speedup(worst.processes, worst.threads)
    fast = g.speedup(best.processes, best.threads)
    gap = fast / slow if slow > 0 else float("inf")
    seen = (
        f"slowest oversubscribed cell {worst.processes} × {worst.threads} took "
        f"{times(gap)} the time of the best"
    )
    return gap >= 2, seen


def _fork_memory(m) -> tuple[bool, str]:
    if not m.available:
        return False, f"not measured: {m.reason}"
    lst, arr = m.get("list"), m.get("array")
    seen = (
        f"the list reader copied {percent(lst.copied_fraction)} of it, the "
        f"array reader {percent(arr.copied_fraction)}"
    )
    return lst.copied_fraction >= 0.5 and arr.copied_fraction < 0.1, seen


CHECKS = (
    Check(
        "race",
        "fig-part1-race",
        "book/part1/race",
        "updates are lost without a lock (in most trials), never with one",
        _race,
        "run the live-coding script a few times; the loss depends on the run",
    ),
    Check(
        "gil",
        "fig-part1-gil",
        "book/part1/gil",
        "processes speed up pure Python, threads do not",
        _gil,
        "show a copy built on several CPUs, or run `parallel-python run gil` "
        "on a laptop",
    ),
    Check(
        "numpy-trick",
        "fig-part1-numpy-trick",
        "book/part1/numpy-trick",
        "NumPy work in threads speeds up",
        _numpy_trick,
        "run `parallel-python run numpy-trick` on a laptop with several CPUs",
    ),
    Check(
        "cpu-sampling",
        "fig-part1-cpus",
        "book/part1/processes",
        "threads in NumPy run on several CPUs at once and move between them",
        _cpu_sampling,
        "show a copy built on several CPUs, or run `parallel-python run "
        "cpu-sampling` on a laptop",
    ),
    Check(
        "numpy-blas-sweep",
        "fig-numpy-sweep",
        "book/handson/a-numpy-threads",
        "more BLAS threads multiply faster, up to the CPUs",
        _blas,
        "learners' own sweeps (`parallel-python run numpy-blas-sweep`) show it",
    ),
    Check(
        "mp-integration-sweep",
        "fig-mp-sweep",
        "book/handson/b-multiprocessing",
        "a process pool speeds up pure-Python work",
        _integration,
        "learners' own sweeps (`parallel-python run mp-integration-sweep`)",
    ),
    Check(
        "mp-fork-memory",
        "fig-mp-fork-memory",
        "book/handson/b-workers",
        "a forked child that reads a list of Python objects copies most of "
        "it; one that reads a NumPy array copies almost nothing",
        _fork_memory,
        "explain it from the reference counts; it needs Linux and `fork` "
        "(`parallel-python run mp-fork-memory`)",
    ),
    Check(
        "blend-grid",
        "fig-blend-grid",
        "book/handson/c-blending",
        "oversubscribed cells are far slower than the best",
        _grid,
        "a machine with more CPUs shows the cliff more clearly",
    ),
    Check(
        "blend-fixes",
        "fig-blend-fixes",
        "book/handson/c-blending",
        "limiting each worker's BLAS threads fixes oversubscription",
        _fixes,
        "explain the fixes from the code; on a laptop, `parallel-python run "
        "blend-fixes` shows them",
    ),
    Check(
        "tool-comparison",
        "fig-further-tools",
        "book/further/which-tool",
        "processes speed up pure Python, compiled code more",
        _tools,
        "run `parallel-python run tool-comparison` on a laptop with several CPUs",
    ),
)


def _code(text: str) -> str:
    """Escape ``text`` and turn its `backtick` spans into code elements."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def checks_html(results: Mapping[str, Any], from_page: str = NOTES_PAGE) -> str:
    """A table: figure, its point, whether this copy shows it, what was seen."""
    depth = from_page.count("/")
    up = "../" * depth
    rows = []
    for check in CHECKS:
        # the figure, named by its experiment (what `parallel-python run` takes)
        link = (
            f'<a href="{up}{check.page}.html#{check.figure}">'
            f"<code>{html.escape(check.experiment)}</code></a>"
        )
        result = results.get(check.experiment)
        if result is None:
            shown, seen = f"not run: {_code(check.instead)}", "no result in this build"
        else:
            ok, seen = check.test(result)
            shown = "yes" if ok else f"no: {_code(check.instead)}"
        rows.append(
            f"<tr><td>{link}</td><td>{html.escape(check.point)}</td>"
            f"<td>{html.escape(seen)}</td><td>{shown}</td></tr>"
        )
    return (
        f'<div id="{PLACEHOLDER_ID}"><div class="pst-scrollable-table-container">'
        '<table class="table"><thead><tr>'
        "<th>Figure (experiment)</th><th>Its point</th>"
        "<th>What this build measured</th><th>Shown here? If not, instead</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></div>"
    )
