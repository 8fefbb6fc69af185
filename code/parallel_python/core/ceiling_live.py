"""The machine's ceiling measured between an experiment's rounds.

:func:`~.meter.ceiling` probes how much faster ``k`` CPUs are than one just
before an experiment. On a shared machine that is not enough: the build
machine's two CPUs once counted 1.99x as fast as one just before the numba
rounds, and then, for the next seven rounds, every parallel version ran no
faster than the serial loop, with no other program busy and no steal time
reported. :class:`LiveCeiling` keeps the probe's counting processes
(pinned, one per CPU) waiting while the experiment runs, and
:func:`~.protocol.measure_paired` calls :meth:`LiveCeiling.between` after
each round: a pair of windows (or a few), one with the first counter alone
and one with all ``k`` together, so the ceiling stored with the result
(``between_rounds=True``) is the machine's while the rounds ran. The
counters use no CPU between windows; they are stopped when the ``with``
block ends.
"""

from __future__ import annotations

import os
import queue
import statistics
import time
from types import TracebackType
from typing import Any

from .config import mp_context
from .meter import (
    _START_TIMEOUT,
    _WINDOW,
    Ceiling,
    _affinity,
    _counter,
    ceiling_from_counts,
    window_plan,
)
from .validate import positive_float, positive_int

#: Most window pairs one probe can run (the counters are given their plan
#: when they start); later calls of :meth:`LiveCeiling.pair` do nothing.
MAX_PAIRS = 1000
#: Seconds a waiting counter gives the experiment between two windows before
#: it gives up (a round of the book lasts seconds at most).
WAIT_TIMEOUT = 3600.0


class LiveCeiling:
    """``k`` pinned counters, started on entering, counting when asked.

    ``least_seconds``: when the block ends after fewer pairs than that many
    seconds of windows of each kind, :meth:`result` first runs more pairs.
    ``per_round``: pairs each call of :meth:`between` runs, after ``rest``
    seconds of rest (threads that spin after their work, as OpenMP's do,
    would otherwise take a CPU from the counters).
    Use it with ``measure_paired(..., between=probe.between)``; read
    :meth:`result` inside the block.
    """

    def __init__(
        self,
        k: int,
        *,
        window: float = _WINDOW,
        least_seconds: float = 0.0,
        per_round: int = 1,
        rest: float = 0.0,
    ) -> None:
        self.k = positive_int("k", k)
        self.per_round = positive_int("per_round", per_round)
        self.rest = positive_float("rest", rest) if rest else 0.0
        self.window = positive_float("window", window)
        self.least_seconds = (
            positive_float("least_seconds", least_seconds) if least_seconds else 0.0
        )
        allowed = _affinity()
        count = len(allowed) if allowed is not None else (os.cpu_count() or 1)
        if self.k > count:
            raise ValueError(f"k ({self.k}) must be at most the {count} CPUs available")
        self._cpus: list[int | None] = (
            list(allowed[: self.k]) if allowed else [None] * self.k
        )
        self._can_pin = allowed is not None
        self._plan = window_plan(MAX_PAIRS)
        self._next = 0  # the next window of the plan
        self._steps: dict[tuple[int, int], int] = {}
        self._pinned = True
        self._procs: list[Any] = []

    def __enter__(self) -> LiveCeiling:
        ctx = mp_context()
        self._barrier = ctx.Barrier(self.k + 1)
        self._results = ctx.Queue()
        self._procs = [
            ctx.Process(
                target=_counter,
                args=(i, cpu, self._plan, self.window, self._barrier, self._results),
                kwargs={"timeout": WAIT_TIMEOUT},
                daemon=True,
            )
            for i, cpu in enumerate(self._cpus)
        ]
        try:
            for proc in self._procs:
                proc.start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        """Stop every counter (they wait at the barrier, using no CPU)."""
        for proc in self._procs:
            if proc.pid is None:
                continue  # never started
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
            if proc.is_alive():  # pragma: no cover - terminate was ignored
                proc.kill()
                proc.join(timeout=5)
        if self._procs:
            self._results.close()
        self._procs = []

    def pair(self) -> None:
        """One window with the first counter alone and one with all counting
        (in the plan's alternating order); returns when both have ended."""
        if not self._procs:
            raise RuntimeError("LiveCeiling.pair() needs the with block")
        if self._next + 2 > len(self._plan):
            return  # the plan is spent: the pairs so far stand
        for w in (self._next, self._next + 1):
            self._barrier.wait(timeout=_START_TIMEOUT)
            for _ in range(self.k if self._plan[w] else 1):
                try:
                    index, window, steps, pinned = self._results.get(
                        timeout=self.window + _START_TIMEOUT
                    )
                except queue.Empty:
                    raise RuntimeError("a counting process did not report") from None
                self._steps[(index, window)] = steps
                self._pinned = self._pinned and pinned
        self._next += 2

    def between(self) -> None:
        """``per_round`` pairs: what ``measure_paired(between=...)`` calls."""
        if self.rest:
            time.sleep(self.rest)
        for _ in range(self.per_round):
            self.pair()

    @property
    def pairs(self) -> int:
        """Window pairs run so far."""
        return self._next // 2

    def result(self) -> Ceiling:
        """The ceiling over every pair so far (with more pairs first, up to
        ``least_seconds`` of each kind of window, and at least one)."""
        while self.pairs < max(1, round(self.least_seconds / self.window)):
            before = self._next
            self.pair()
            if self._next == before:
                break  # the plan is spent
        singles, togethers = [], []
        for w in range(self._next):
            if self._plan[w]:
                togethers.append([self._steps[(i, w)] for i in range(self.k)])
            else:
                singles.append(self._steps[(0, w)])
        ratios = tuple(
            ceiling_from_counts(one, many)
            for one, many in zip(singles, togethers, strict=True)
        )
        pinned = self._can_pin and self._pinned
        chosen = [c for c in self._cpus if c is not None]
        return Ceiling(
            k=self.k,
            seconds=self.pairs * self.window,
            single=sum(singles),
            many=tuple(sum(t[i] for t in togethers) for i in range(self.k)),
            ratio=statistics.median(ratios),
            pinned=pinned,
            cpus=tuple(chosen) if pinned else (),
            note=(
                f"pinned to CPUs {', '.join(str(c) for c in chosen)}, "
                "between the rounds"
                if pinned
                else "not pinned (the platform could not pin processes to "
                "CPUs), between the rounds"
            ),
            window=self.window,
            ratios=ratios,
            between_rounds=True,
        )


def live_ceiling_for(
    workers: int, seconds: float | None, *, per_round: int = 1, rest: float = 0.0
) -> LiveCeiling | None:
    """A :class:`LiveCeiling` for ``workers`` parallel workers on this
    process's CPUs (at most as many as it may use), with at least
    ``seconds`` of windows of each kind; None when no probe is asked for
    (``seconds`` None) or when there is nothing to compare (one worker, or
    one CPU)."""
    workers = positive_int("workers", workers)
    if seconds is None:
        return None
    seconds = positive_float("probe_seconds", seconds)
    allowed = _affinity()
    cpus = len(allowed) if allowed is not None else (os.cpu_count() or 1)
    if cpus < 2 or workers < 2:
        return None
    return LiveCeiling(
        min(workers, cpus), least_seconds=seconds, per_round=per_round, rest=rest
    )
