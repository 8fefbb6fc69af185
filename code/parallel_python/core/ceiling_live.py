"""The machine's ceiling measured between an experiment's rounds.

:func:`~.ceiling.ceiling` probes how much faster ``k`` CPUs are than one just
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
counters wait for their next window in a pipe, using no CPU; they are
stopped when the ``with`` block ends, and stop by themselves if the process
that started them dies. :func:`probe_size` is the one rule for how many
CPUs either probe uses; :func:`ceiling_for` and :func:`live_ceiling_for`
start one.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import statistics
from types import TracebackType
from typing import Any

from . import rests
from .ceiling import (
    _START_TIMEOUT,
    _WINDOW,
    Ceiling,
    _affinity,
    _count_for,
    _pin,
    ceiling,
    ceiling_from_counts,
    slowest_from_counts,
)
from .config import mp_context
from .validate import positive_float, positive_int

#: Seconds to wait for the counters of a pair to report, once started (each
#: counts for ``window`` as soon as it is told to).
PAIR_TIMEOUT = 10.0
#: Seconds between a waiting counter's looks at whether its parent is alive.
_PARENT_CHECK = 1.0


def _live_counter(
    index: int, cpu: int | None, window: float, go: Any, results: Any
) -> None:
    """A counting process: pin to ``cpu``; then, each time ``go`` says
    (True: all count; False: only process 0), count for ``window`` and
    report. ``None``, a closed pipe or a dead parent ends it."""
    pinned = _pin(cpu)
    parent = multiprocessing.parent_process()
    while True:
        if not go.poll(_PARENT_CHECK):
            if parent is not None and not parent.is_alive():
                return
            continue
        try:
            together = go.recv()
        except EOFError:
            return
        if together is None:
            return
        if together or index == 0:
            results.put((index, _count_for(window), pinned))


class LiveCeiling:
    """``k`` pinned counters, started on entering, counting when asked.

    ``least_seconds``: when fewer pairs than that many seconds of windows of
    each kind have run, :meth:`result` first runs more (its note says how
    many came after the rounds). ``per_round``: pairs each call of
    :meth:`between` runs, after ``rest`` seconds of rest (threads that spin
    after their work, as OpenMP's do, would otherwise take a CPU from the
    counters). Use it with ``measure_paired(..., between=probe.between)``;
    read :meth:`result` inside the block.
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
        # each kept pair: (steps counted alone, steps of each counter together)
        self._pairs: list[tuple[int, list[int]]] = []
        self._run = 0  # pairs run, the start-up pair included
        self._pinned = True
        self._procs: list[Any] = []
        self._go: list[Any] = []
        self.broken = ""  # why the probe stopped early, if it did

    def __enter__(self) -> LiveCeiling:
        ctx = mp_context()
        self._results = ctx.Queue()
        pipes = [ctx.Pipe(duplex=False) for _ in self._cpus]
        self._go = [send for _, send in pipes]
        self._procs = [
            ctx.Process(
                target=_live_counter,
                args=(i, cpu, self.window, receive, self._results),
                daemon=True,
            )
            for i, (cpu, (receive, _)) in enumerate(zip(self._cpus, pipes, strict=True))
        ]
        try:
            for proc in self._procs:
                proc.start()
            for receive, _ in pipes:
                receive.close()  # the counters hold their own ends
            # a first pair, not kept: returns once every counter has started
            # (spawn: an interpreter each) and counted, before any timing
            self.pair()
            self._pairs.clear()
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
        """Tell every counter to stop, then make sure it has."""
        for go in self._go:
            try:
                go.send(None)
                go.close()
            except OSError:
                pass  # its counter is gone already
        for proc in self._procs:
            if proc.pid is None:
                continue  # never started
            proc.join(timeout=2)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
            if proc.is_alive():  # pragma: no cover - terminate was ignored
                proc.kill()
                proc.join(timeout=5)
        if self._procs:
            self._results.close()
        self._procs, self._go = [], []

    def pair(self) -> None:
        """One window with the first counter alone and one with all counting
        (alone first in every other pair); returns when both have ended. A
        counter that fails breaks the probe (:meth:`result` is then None);
        the experiment goes on."""
        if self.broken:
            return
        if not self._procs:
            raise RuntimeError("LiveCeiling.pair() needs the with block")
        try:
            self._pairs.append(self._pair())
        except (RuntimeError, OSError) as exc:
            self.broken = f"{type(exc).__name__}: {exc}"
            self._stop()

    def _pair(self) -> tuple[int, list[int]]:
        # the start-up pair waits for the counters to start (spawn: seconds)
        wait = _START_TIMEOUT if self._run == 0 else PAIR_TIMEOUT
        order = (False, True) if self._run % 2 == 0 else (True, False)
        alone, together = 0, [0] * self.k
        for all_count in order:
            for go in self._go:
                go.send(all_count)
            for _ in range(self.k if all_count else 1):
                try:
                    index, steps, pinned = self._results.get(timeout=self.window + wait)
                except queue.Empty:
                    raise RuntimeError("a counting process did not report") from None
                self._pinned = self._pinned and pinned
                if all_count:
                    together[index] = steps
                else:
                    alone = steps
        self._run += 1
        return alone, together

    def between(self) -> None:
        """``per_round`` pairs: what ``measure_paired(between=...)`` calls."""
        if self.rest:
            rests.sleep(self.rest)
        for _ in range(self.per_round):
            self.pair()

    @property
    def pairs(self) -> int:
        """Window pairs kept so far (the start-up pair is not)."""
        return len(self._pairs)

    def result(self) -> Ceiling | None:
        """The ceiling over every pair so far (with more pairs first, up to
        ``least_seconds`` of each kind of window, and at least one); call it
        inside the block. None when the probe broke, or when no pair had a
        lone count to divide by (the counter got no CPU in its window)."""
        between = self.pairs
        while not self.broken and self.pairs < max(
            1, round(self.least_seconds / self.window)
        ):
            self.pair()
        if self.broken:
            return None
        kept = [(one, many) for one, many in self._pairs if one > 0]
        if not kept:
            return None
        ratios = tuple(ceiling_from_counts(one, many) for one, many in kept)
        slowest = tuple(slowest_from_counts(one, many) for one, many in kept)
        after = self.pairs - between
        when = "between the rounds" + (
            f" ({after} of {self.pairs} pairs after them)" if after else ""
        )
        pinned = self._can_pin and self._pinned
        chosen = [c for c in self._cpus if c is not None]
        return Ceiling(
            k=self.k,
            seconds=len(ratios) * self.window,
            single=sum(one for one, _ in kept),
            many=tuple(sum(many[i] for _, many in kept) for i in range(self.k)),
            ratio=statistics.median(ratios),
            pinned=pinned,
            cpus=tuple(chosen) if pinned else (),
            note=(
                f"pinned to CPUs {', '.join(str(c) for c in chosen)}, {when}"
                if pinned
                else "not pinned (the platform could not pin processes to "
                f"CPUs), {when}"
            ),
            window=self.window,
            ratios=ratios,
            between_rounds=True,
            slowest=slowest,
        )


def probe_size(workers: int, seconds: float | None) -> int | None:
    """How many CPUs a ceiling probe for ``workers`` parallel workers uses,
    before the rounds or between them: at most this process's CPUs; None
    when no probe is asked for (``seconds`` None) or there is nothing to
    compare (one worker, or one CPU)."""
    workers = positive_int("workers", workers)
    if seconds is None:
        return None
    positive_float("probe_seconds", seconds)
    allowed = _affinity()
    cpus = len(allowed) if allowed is not None else (os.cpu_count() or 1)
    return None if cpus < 2 or workers < 2 else min(workers, cpus)


def ceiling_for(workers: int, seconds: float | None) -> Ceiling | None:
    """The ceiling for ``workers`` (:func:`probe_size`) just before the
    rounds (:func:`~.ceiling.ceiling`), counting for ``seconds``."""
    k = probe_size(workers, seconds)
    return None if k is None or seconds is None else ceiling(k, seconds=seconds)


class NoCeiling:
    """What :func:`live_ceiling_for` gives when there is no ceiling to count
    (none asked for, one worker or one CPU): its ``with`` block,
    :meth:`between` and :meth:`pair` do nothing, and :meth:`result` is None,
    so an experiment uses either kind the same way."""

    k = 0
    pairs = 0
    broken = ""

    def __enter__(self) -> NoCeiling:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def between(self) -> None:
        """Nothing to count."""

    def pair(self) -> None:
        """Nothing to count."""

    def result(self) -> None:
        return None


def live_ceiling_for(
    workers: int,
    seconds: float | None,
    *,
    per_round: int = 1,
    rest: float = 0.0,
    window: float = _WINDOW,
) -> LiveCeiling | NoCeiling:
    """A :class:`LiveCeiling` for ``workers`` (:func:`probe_size`), with at
    least ``seconds`` of windows of each kind, ``window`` seconds each; a
    :class:`NoCeiling` when :func:`probe_size` finds nothing to compare."""
    k = probe_size(workers, seconds)
    if k is None or seconds is None:
        return NoCeiling()
    return LiveCeiling(
        k, window=window, least_seconds=seconds, per_round=per_round, rest=rest
    )
