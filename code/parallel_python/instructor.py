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

from .core.text import cpus_phrase, plural, times

#: The element the instructor notes leave for the table, and the notes' page.
PLACEHOLDER_ID = "instructor-figure-check"
NOTES_PAGE = "book/appendix/instructor-notes"
#: A speed-up counts as shown when its interval's low end is at least this.
SHOWN = 1.2


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
    seen = f"{what}: {times(ratio.median)} ({times(ratio.low)}–{times(ratio.high)})"
    return ratio.low >= SHOWN, seen


def _race(r) -> tuple[bool, str]:
    lost = sum(1 for x in r.lost_unsafe if x > 0)
    clean = all(x == 0 for x in r.lost_locked)
    seen = (
        f"updates lost in {lost} of {plural(len(r.lost_unsafe), 'trial')} "
        f"without a lock; {'none' if clean else 'some'} with it"
    )
    return lost == len(r.lost_unsafe) and clean, seen


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


CHECKS = (
    Check(
        "race",
        "fig-part1-race",
        "book/part1/race",
        "updates are lost without a lock, never with one",
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
        "blend-grid",
        "fig-blend-grid",
        "book/handson/c-blending",
        "oversubscribed cells are far slower than the best",
        _grid,
        "a machine with more CPUs shows the cliff more clearly",
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
        link = f'<a href="{up}{check.page}.html#{check.figure}">{check.figure}</a>'
        result = results.get(check.experiment)
        if result is None:
            shown, seen, advice = "not run", "no result in this build", check.instead
        else:
            ok, seen = check.test(result)
            shown, advice = ("yes", "") if ok else ("no", check.instead)
        rows.append(
            f"<tr><td>{link}</td><td>{html.escape(check.point)}</td>"
            f"<td>{shown}</td><td>{html.escape(seen)}</td>"
            f"<td>{_code(advice)}</td></tr>"
        )
    return (
        f'<div id="{PLACEHOLDER_ID}"><div class="pst-scrollable-table-container">'
        '<table class="table"><thead><tr>'
        "<th>Figure</th><th>Its point</th><th>Shown here?</th>"
        "<th>What this build measured</th><th>If not, instead</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></div>"
    )
