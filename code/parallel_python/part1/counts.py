"""Which counts of tasks the GIL experiment (and NumPy's trick) times, and
how: the count a page talks about, the rounds each count gets, what two or
more processes are compared with, and which counts the pure-Python tasks
run at."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.protocol import MIN_ROUNDS_ONLY


def _within(k: int, cpus: int) -> bool:
    """Up to the CPUs, but at least 2: the counts that get the whole rounds
    (two are always measured well, even on one CPU)."""
    return k <= max(2, cpus)


def shown_count(counts: Sequence[int], cpus: int) -> int:
    """The count a page talks about: the most workers that fit the CPUs, but
    at least two if two or more were measured (one has nothing to overlap)."""
    within = [c for c in counts if 2 <= c <= cpus]
    if within:
        return max(within)
    two_or_more = [c for c in counts if c >= 2]
    return min(two_or_more) if two_or_more else max(counts)


def per_count(k: int, cpus: int, budget: float) -> float:
    """The seconds of paired rounds for ``k`` tasks side by side: the whole
    ``budget`` up to the CPUs (at least 2), half of it for one task (the
    one-worker check), and only the minimum of rounds beyond the CPUs."""
    if not _within(k, cpus):
        return MIN_ROUNDS_ONLY
    return budget / 2 if k == 1 else budget


def against_one_process(k: int, cpus: int) -> bool:
    """Are ``k`` processes compared with one worker process running their
    tasks in a row? From 2 up to the CPUs (at least 2); one process, and the
    counts beyond (only the minimum of rounds), with this process."""
    return k > 1 and _within(k, cpus)


def cpu_counts(
    counts: Sequence[int], cpus: int, beyond: bool = False
) -> tuple[int, ...]:
    """The counts at which CPU-bound tasks are timed: those up to the CPUs
    (at least 2) and the count a page talks about (:func:`shown_count`),
    all of them with ``beyond``. Beyond the CPUs, CPU-bound tasks only show
    that more workers gain nothing more, which Part B's sweep shows as well;
    sleeping threads are timed at every count."""
    if beyond:
        return tuple(counts)
    keep = {k for k in counts if _within(k, cpus)} | {shown_count(counts, cpus)}
    return tuple(k for k in counts if k in keep)
