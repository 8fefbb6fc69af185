"""What ``parallel-python drift`` prints: the two builds side by side
(:mod:`.drift`), then each build's own checks: every one-worker ratio (which
must read about 1), every parallel speed-up's interval against what its
work allows (no efficiency above 1, nothing above the CPUs or the number in
flight, outside its interval), and the experiments' time against their
declared budget.
"""

from __future__ import annotations

import re
from pathlib import Path

from .core.sanity import ONE_WORKER_BAND, beyond_bound
from .core.text import percent
from .drift import Move, moves, report, result_of, saved_runs


def one_worker_ratios(folder: Path) -> list[tuple[str, str, float, float, float]]:
    """Every one-worker ratio recorded in ``folder``: (experiment, which,
    median, low, high), from each catalogue entry's ``one_worker`` checks.
    Each compares work with itself; it must read about 1."""
    return [
        (experiment.name, which, q.median, q.low, q.high)
        for experiment, saved in saved_runs(folder)
        for which, q in experiment.one_worker(result_of(experiment, saved)).items()
    ]


def one_worker_report(folders: list[Path]) -> str:
    """The one-worker ratios of each build, each against the protocol's
    :data:`~.core.sanity.ONE_WORKER_BAND` (work compared with itself)."""
    low, high = ONE_WORKER_BAND
    lines = [f"one-worker ratios (within {low}–{high}):"]
    for folder in folders:
        for name, which, median, a, b in one_worker_ratios(folder):
            ok = "ok" if low <= median <= high else "OUTSIDE"
            lines.append(
                f"  {folder.name}: {name}, {which}: {median:.2f} ({a:.2f}–{b:.2f}) {ok}"
            )
    return "\n".join(lines)


#: An experiment over its declared seconds by more than this share is listed.
OVER_BUDGET = 0.2


def budget_report(folders: list[Path]) -> str:
    """How long each build's experiments took against the seconds their
    catalogue entries declare (which add up to the build's budget): the total,
    and every experiment over its declaration by more than :data:`OVER_BUDGET`."""
    from . import catalogue

    declared = {e.name: e.seconds for e in catalogue.EXPERIMENTS}
    lines = [f"experiments' time against their declared {sum(declared.values()):g} s:"]
    for folder in folders:
        took = {
            experiment.name: saved["elapsed_seconds"]
            for experiment, saved in saved_runs(folder)
            if saved.get("elapsed_seconds") is not None
        }
        over = [
            f"{name} {took[name]:.1f} s (declared {declared[name]:g})"
            for name in declared
            if name in took and took[name] > declared[name] * (1 + OVER_BUDGET)
        ]
        lines.append(
            f"  {folder.name}: {sum(took.values()):.1f} s; over by more than "
            f"{percent(OVER_BUDGET)}: {', '.join(over) or 'none'}"
        )
    return "\n".join(lines)


#: A count of workers in a headline: "2 processes", "4 sleeping threads",
#: "100 asyncio tasks", "2 ranks", "parallel=True, 2 threads over 1".
_WORKERS = re.compile(r"\b(\d+) (?:\w+ )?(?:process|thread|rank|worker|task)")


def workers_of(label: str, cpus: int, declared: dict[str, int] | None = None) -> int:
    """The workers behind a speed-up headline: as its experiment declares
    them (``Experiment.workers``), else the count its label names (the
    first), else ``cpus``: the book's workers default to the CPUs available."""
    if declared and label in declared:
        return declared[label]
    found = _WORKERS.search(label)
    return int(found.group(1)) if found else cpus


def beyond_bounds(folder: Path) -> list[tuple[str, str, float, float, int, str]]:
    """Every parallel speed-up in ``folder`` whose whole 90 % interval lies
    above what its work allows (:func:`~.core.sanity.beyond_bound`):
    (experiment, headline, low, high, workers, "above the ideal" or "above
    the limit"). CPU-bound work is held to its workers and to the CPUs;
    waiting work, as its experiment declares it (``Experiment.waiting``), to
    the number in flight. Compile and vectorise ratios, controls and the
    machine's own readings are not parallel speed-ups (:class:`.drift.Move`);
    one worker is held to about 1 by the one-worker check instead."""
    found = []
    for experiment, saved in saved_runs(folder):
        result = result_of(experiment, saved)
        cpus = int(saved["machine"]["available_cpus"])
        controls = experiment.controls(result)
        declared = experiment.workers(result)
        waiting = experiment.waiting(result)
        for label, ratio in experiment.intervals(result).items():
            move = Move(
                experiment.name, label, 1.0, 1.0, declared_control=label in controls
            )
            if ratio is None or not move.parallel_speedup:
                continue
            workers = workers_of(label, cpus, declared)
            kind = "waiting" if label in waiting else "cpu"
            bound = beyond_bound(ratio, workers=workers, cpus=cpus, kind=kind)
            if bound is not None:
                found.append(
                    (experiment.name, label, ratio.low, ratio.high, workers, bound)
                )
    return found


def beyond_bounds_report(folders: list[Path]) -> str:
    """Each build's parallel speed-ups beyond their bounds (:func:`beyond_bounds`)."""
    lines = [
        "speed-ups above the ideal or the limit outside their interval "
        "(efficiency above 1; above the CPUs; waiting: above the number in flight):"
    ]
    for folder in folders:
        found = beyond_bounds(folder)
        lines.append(f"  {folder.name}: {len(found) or 'none'}")
        lines += [
            f"    {name}: {label}  {low:.2f}–{high:.2f} with {workers} ({bound})"
            for name, label, low, high, workers, bound in found
        ]
    return "\n".join(lines)


def full_report(first: Path, second: Path, top: int = 5) -> str:
    """What ``parallel-python drift`` prints: the moves, then each build's
    one-worker ratios, speed-ups beyond their bounds and time against its
    budget."""
    moved = report(moves(first, second), top=top)
    both = [first, second]
    return "\n\n".join(
        [
            moved,
            one_worker_report(both),
            beyond_bounds_report(both),
            budget_report(both),
        ]
    )
