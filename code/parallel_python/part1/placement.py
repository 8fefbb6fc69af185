"""Checks made inside worker processes while they ran side by side.

Each task of the GIL experiment's worker processes
(:func:`~parallel_python.part1.gil.count_placed`) reports a :class:`Placed`:
its process, the CPU it was on at fixed points of its work, its own
seconds, the CPU time it used and when it began. From those:

* :func:`crowding` - how often the tasks shared a CPU;
* :func:`stretch` - how many times as long each took as alone;
* :func:`running` - for what share of their own seconds they ran on a CPU;
* :func:`late_start` - how long after the first task the last one began.

All four are measurements, not guesses: a page may say what they saw.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import NamedTuple

from ..core.protocol import Ratio, ratio_from


class Placed(NamedTuple):
    """What one task in a worker process reports about itself."""

    pid: int
    cpus: tuple[int, ...]
    """The CPU it was on before each repetition and after the last (-1: not
    known there)."""
    seconds: float
    """From its start to its end, on the worker's clock."""
    cpu_seconds: float | None = None
    """The CPU time the worker process used meanwhile."""
    start: float | None = None
    """When it began, on ``time.perf_counter`` (one clock for every process
    of the machine on Linux, macOS and Windows)."""


def _apart(tasks: Sequence[tuple]) -> bool:
    """True unless one worker ran two of a round's tasks (one after the
    other, so not side by side): each task names its process first."""
    return len({pid for pid, *_ in tasks}) == len(tasks)


def crowding(
    rounds: Sequence[Sequence[tuple[int, Sequence[int]]]],
) -> float | None:
    """The share of checks at which tasks meant to run side by side were on
    fewer CPUs than there were tasks: ``rounds`` holds, per round, each
    task's (process id, CPUs, ...) from
    :func:`~parallel_python.part1.gil.count_placed`, checked at the same
    points of their work. A round in which one worker ran two of the tasks
    (one after the other, not side by side) is left out. None when a CPU was
    not known, there was one task, or no round is left."""
    checks = crowded = 0
    for tasks in rounds:
        if len(tasks) < 2 or any(c < 0 for _, cpus, *_ in tasks for c in cpus):
            return None
        if not _apart(tasks):
            continue
        for at in zip(*(cpus for _, cpus, *_ in tasks), strict=False):
            checks += 1
            crowded += len(set(at)) < len(at)
    return crowded / checks if checks else None


def stretch(
    in_a_row: Sequence[float],
    rounds: Sequence[Sequence[tuple[int, Sequence[int], float]]],
) -> Ratio | None:
    """How many times as long each task took side by side in worker
    processes as alone: per round, the mean of the tasks' own seconds (timed
    inside the workers, :func:`~parallel_python.part1.gil.count_placed`) over
    one task's share of the same round's run in a row (``in_a_row[i]``
    divided by the tasks). Above 1: with the CPUs busy together, each did
    less work per second than one alone. A round in which one worker ran two
    of the tasks is left out, as in :func:`crowding`. None when the rounds
    do not match the runs in a row, there was one task, or no round is
    left."""
    if len(in_a_row) != len(rounds):
        return None
    values = []
    for serial, tasks in zip(in_a_row, rounds, strict=True):
        if len(tasks) < 2:
            return None
        if not _apart(tasks) or not serial > 0:
            continue
        # the mean task's seconds over one task's share of the run in a row
        values.append(sum(task[2] for task in tasks) / serial)
    return ratio_from(values) if values else None


def _median_per_round(
    rounds: Sequence[Sequence[Placed]],
    known: Callable[[Placed], bool],
    value: Callable[[Sequence[Placed]], float | None],
) -> float | None:
    """The median over rounds of ``value(tasks)``, leaving out rounds in
    which one worker ran two tasks (and values of None). None when a task
    lacks the reading (``known``), there was one task, or no round is left."""
    values = []
    for tasks in rounds:
        if len(tasks) < 2 or not all(known(t) for t in tasks):
            return None
        if _apart(tasks) and (v := value(tasks)) is not None:
            values.append(v)
    return statistics.median(values) if values else None


def running(rounds: Sequence[Sequence[Placed]]) -> float | None:
    """For what share of their own seconds the tasks side by side were
    running on a CPU (their CPU time over their seconds, all tasks of a
    round together; the median over rounds): near 1, a task that took long
    ran slowly; well below 1, it waited for a CPU. Rounds in which one
    worker ran two tasks are left out. None when the CPU time is not known,
    there was one task, or no round is left."""

    def share(tasks: Sequence[Placed]) -> float | None:
        wall = sum(t.seconds for t in tasks)
        return sum(t.cpu_seconds for t in tasks) / wall if wall > 0 else None

    return _median_per_round(rounds, lambda t: t.cpu_seconds is not None, share)


def late_start(rounds: Sequence[Sequence[Placed]]) -> float | None:
    """How many seconds after the first of the tasks side by side the last
    one began (the median over rounds): work handed out or picked up late.
    Rounds in which one worker ran two tasks are left out. None when the
    starts are not known, there was one task, or no round is left."""
    return _median_per_round(
        rounds,
        lambda t: t.start is not None,
        lambda tasks: max(t.start for t in tasks) - min(t.start for t in tasks),
    )
