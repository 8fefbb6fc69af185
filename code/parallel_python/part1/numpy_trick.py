"""Part 1: NumPy's trick, compiled loops that release the GIL.

* :func:`run_numpy_trick` - ``k`` NumPy sorts, one after another and in
  ``k`` Python threads. ``np.sort`` works on raw numbers in compiled code and
  releases the GIL while it does, so the threads really run at the same time
  (up to the CPUs available). For comparison the same is done with a
  pure-Python task of about the same length, which does not speed up.

BLAS is not involved (a sort does not call it), so its own threads do not
blur the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core.machine import available_cpus, gil_enabled
from ..core.results import find
from ..core.timing import measure
from ..core.validate import non_negative_int, positive_int, positive_ints
from .gil import ScalingPoint, count, in_a_row, in_threads, interleaved


def sort_copy(values: np.ndarray) -> int:
    """Sort a copy of ``values`` (compiled, GIL released); return its length."""
    return int(np.sort(values).size)


@dataclass(frozen=True)
class NumpyTrick:
    """``k`` NumPy sorts and ``k`` pure-Python tasks, in a row and in ``k`` threads.

    ``elements``: numbers per sort; ``work``: loop steps of the pure-Python
    task, chosen so one task takes about as long as one sort.
    """

    counts: tuple[int, ...]
    elements: int
    work: int
    cpus: int
    gil_enabled: bool
    numpy_threads: tuple[ScalingPoint, ...]
    python_threads: tuple[ScalingPoint, ...]

    def numpy_at(self, workers: int) -> ScalingPoint:
        return _at(self.numpy_threads, workers)

    def python_at(self, workers: int) -> ScalingPoint:
        return _at(self.python_threads, workers)

    @property
    def workers_at_cpus(self) -> int:
        within = [c for c in self.counts if c <= self.cpus]
        return max(within) if within else min(self.counts)


def _at(points: tuple[ScalingPoint, ...], workers: int) -> ScalingPoint:
    return find(points, workers=workers)


def run_numpy_trick(
    counts: Sequence[int] = (1, 2, 4),
    elements: int = 1_000_000,
    *,
    repeats: int = 3,
    warmup: int = 1,
) -> NumpyTrick:
    """Time ``k`` sorts of ``elements`` random numbers in a row and in ``k`` threads.

    Each thread sorts its own array. A pure-Python task calibrated to the
    length of one sort runs the same way, as the control.
    """
    counts = positive_ints("counts", counts)
    elements = positive_int("elements", elements)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    rng = np.random.default_rng(2)
    arrays = [rng.random(elements) for _ in range(max(counts))]
    one_sort = measure(lambda: sort_copy(arrays[0]), repeats=repeats, warmup=warmup)
    probe = 100_000
    one_count = measure(lambda: count(probe), repeats=repeats, warmup=warmup)
    work = max(1, round(probe * one_sort.best / one_count.best))
    numpy_points, python_points = [], []
    for k in counts:
        sorts = [(a,) for a in arrays[:k]]
        loops = [(work,)] * k
        sort_row, sort_side, loop_row, loop_side = interleaved(
            [
                lambda t=sorts: in_a_row(sort_copy, t),
                lambda t=sorts: in_threads(sort_copy, t),
                lambda t=loops: in_a_row(count, t),
                lambda t=loops: in_threads(count, t),
            ],
            repeats=repeats,
            warmup=warmup,
        )
        numpy_points.append(ScalingPoint(k, sort_row, sort_side))
        python_points.append(ScalingPoint(k, loop_row, loop_side))
    return NumpyTrick(
        counts=counts,
        elements=elements,
        work=work,
        cpus=available_cpus(),
        gil_enabled=gil_enabled(),
        numpy_threads=tuple(numpy_points),
        python_threads=tuple(python_points),
    )
