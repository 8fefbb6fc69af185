"""Rest between the timed calls of paired rounds (the rest is not timed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext

from .validate import positive_float

#: How a rest waits (the tests, which check results and not times, set it to
#: a function that returns at once).
sleep: Callable[[float], None] = time.sleep


def rests(
    seconds: float, *, after: Sequence[str] = (), longer: float = 0.0
) -> Callable[[str], AbstractContextManager[None]]:
    """A ``context`` for :func:`~.protocol.measure_paired` that rests before each timed
    call (the rest is not timed): ``seconds``, or ``longer`` right after a
    call of one of the cases in ``after``.

    Threads that spin after their work (OpenBLAS's for about 0.1 s, OpenMP's
    a moment) would otherwise take CPUs from the next case.
    """
    seconds = positive_float("seconds", seconds)
    if after:
        longer = positive_float("longer", longer)
    spinning = frozenset(after)
    last: list[str] = []

    def rest(name: str) -> AbstractContextManager[None]:
        sleep(longer if last and last[-1] in spinning else seconds)
        last[:] = [name]
        return nullcontext()

    return rest
