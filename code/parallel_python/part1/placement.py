"""Checks made inside worker processes while they ran side by side.

Each task of the GIL experiment's worker processes
(:func:`~parallel_python.part1.gil.count_placed`) reports its process, the
CPU it was on at fixed points of its work, and its own seconds. From those:

* :func:`crowding` - how often the tasks shared a CPU;
* :func:`stretch` - how many times as long each took as alone.

Both are measurements, not guesses: a page may say what they saw.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.protocol import Ratio, ratio_from


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
        values.append(sum(seconds for *_, seconds in tasks) / serial)
    return ratio_from(values) if values else None
