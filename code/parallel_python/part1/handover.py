"""Part 1: the GIL changing hands, measured on a timeline.

``threads`` threads count in pure Python, ``chunk`` loop steps at a time,
and each notes the time (``time.perf_counter()``) after every chunk, for
``seconds`` in all. A thread's stamps come close together while it makes
progress; with the GIL on, only the thread holding it can, so each thread's
stamps come in bursts (its turns with the GIL) and the stretches of
different threads never overlap. From one thread's last stamp to the next
thread's first is a hand-over (measured to within a chunk or two of
counting). With the GIL off, and CPUs for them, the stretches overlap.

* :func:`run_handover` - the experiment; :class:`Handover` its result.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from dataclasses import dataclass

from ..core.machine import available_cpus, gil_enabled
from ..core.validate import positive_float, positive_int
from .gil import count


def count_and_stamp(
    chunk: int,
    deadline: list[float],
    start: threading.Barrier,
    stamps: list[float],
) -> None:
    """Count ``chunk`` steps at a time, noting the time after each
    chunk, until ``deadline[0]`` (set when all threads have started)."""
    start.wait()
    stamps.append(time.perf_counter())
    while stamps[-1] < deadline[0]:
        count(chunk)
        stamps.append(time.perf_counter())


@dataclass(frozen=True)
class Stretch:
    """A stretch of progress of one thread, from its first stamp to its
    last, no pause longer than the merging gap between two stamps; seconds
    since the start. ``chunks``: the chunks finished in it."""

    thread: int
    start: float
    end: float
    chunks: int

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Handover:
    """Who made progress when: ``threads`` threads counting in chunks.

    ``stretches``: every thread's stretches of progress, in order of start;
    ``turns``: how long each thread kept going before another thread made
    progress (seconds; a thread's last turn, cut by the end of the run, is
    left out); ``handovers``: from one thread's last stamp to another's first
    where they did not overlap (seconds). ``chunk_seconds``: the median time
    of one chunk inside a stretch (the timeline's resolution);
    ``together``: seconds in which two or more threads made progress at once.
    """

    threads: int
    seconds: float
    chunk: int
    gap: float
    switch_interval: float
    gil_enabled: bool
    cpus: int
    span: float
    chunk_seconds: float
    chunks: tuple[int, ...]
    stretches: tuple[Stretch, ...]
    turns: tuple[float, ...]
    handovers: tuple[float, ...]
    together: float

    def lane(self, thread: int) -> tuple[Stretch, ...]:
        """The stretches of thread ``thread`` (0-based), in order."""
        if not 0 <= thread < self.threads:
            raise ValueError(f"thread must be 0 .. {self.threads - 1}, not {thread}")
        return tuple(s for s in self.stretches if s.thread == thread)

    @property
    def typical_turn(self) -> float:
        """The median turn, seconds (0 if no thread handed over)."""
        return statistics.median(self.turns) if self.turns else 0.0

    @property
    def typical_handover(self) -> float:
        """The median hand-over, seconds (0 if none)."""
        return statistics.median(self.handovers) if self.handovers else 0.0

    @property
    def overlap_share(self) -> float:
        """The share of the run in which two or more threads made progress."""
        return self.together / self.span if self.span > 0 else 0.0


def _runs_of(thread: int, merged: list[tuple[float, int]]) -> list[list[float]]:
    """``thread``'s stamps from all threads' stamps in time order, cut into
    runs wherever another thread's stamp comes in between."""
    runs: list[list[float]] = []
    previous = None
    for t, who in merged:
        if who == thread:
            if previous != thread:
                runs.append([])
            runs[-1].append(t)
        previous = who
    return runs


def stretches_of(
    thread: int, stamps: list[float], gap: float, first_finished: bool = False
) -> list[Stretch]:
    """Merge one thread's stamps (seconds) into stretches: a pause longer
    than ``gap`` between two stamps starts a new stretch."""
    found: list[Stretch] = []
    first = last = stamps[0]
    n = 1 if first_finished else 0  # the thread's very first stamp ends no chunk
    for t in stamps[1:]:
        if t - last > gap:
            found.append(Stretch(thread, first, last, n))
            first, n = t, 1  # the chunk this stamp finished
        else:
            n += 1
        last = t
    found.append(Stretch(thread, first, last, n))
    return found


def time_together(stretches: list[Stretch]) -> float:
    """Seconds in which two or more of ``stretches`` overlap."""
    edges = sorted(
        [(s.start, 1) for s in stretches] + [(s.end, -1) for s in stretches],
        key=lambda e: (e[0], e[1]),
    )
    running, since, total = 0, 0.0, 0.0
    for t, step in edges:
        if running >= 2:
            total += t - since
        running += step
        since = t
    return total


def turns_and_handovers(
    stretches: list[Stretch],
) -> tuple[list[float], list[float]]:
    """Turns (one thread's stretches until another thread's start, seconds)
    and the gaps where one thread stopped and another started after it."""
    ordered = sorted(stretches, key=lambda s: s.start)
    groups: list[list[Stretch]] = []
    for s in ordered:
        if groups and groups[-1][-1].thread == s.thread:
            groups[-1].append(s)
        else:
            groups.append([s])
    last_of = {g[-1].thread: i for i, g in enumerate(groups)}
    turns = [
        g[-1].end - g[0].start
        for i, g in enumerate(groups)
        if last_of[g[0].thread] != i
    ]
    handovers = [
        b[0].start - a[-1].end
        for a, b in zip(groups, groups[1:], strict=False)
        if b[0].start >= a[-1].end
    ]
    return turns, handovers


def run_handover(
    threads: int = 2,
    seconds: float = 0.06,
    chunk: int = 200,
    gap: float = 0.0005,
) -> Handover:
    """``threads`` threads count ``chunk`` steps at a time for ``seconds``.

    Stamps of one thread closer than ``gap`` seconds belong to one stretch
    of progress (``gap`` must stay well below the switch interval).
    """
    threads = positive_int("threads", threads)
    seconds = positive_float("seconds", seconds)
    chunk = positive_int("chunk", chunk)
    gap = positive_float("gap", gap)
    if gap >= seconds:
        raise ValueError(f"gap ({gap} s) must be shorter than seconds ({seconds} s)")
    deadline = [0.0]

    def set_deadline() -> None:
        deadline[0] = time.perf_counter() + seconds

    start = threading.Barrier(threads, action=set_deadline)
    stamps: list[list[float]] = [[] for _ in range(threads)]
    workers = [
        threading.Thread(
            target=count_and_stamp, args=(chunk, deadline, start, stamps[i])
        )
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    t0 = min(s[0] for s in stamps)
    stretches: list[Stretch] = []
    steps: list[float] = []
    # a stamp of another thread in between also ends a stretch: a turn
    # shorter than ``gap`` must not be hidden inside the other thread's stretch
    others = sorted((t - t0, i) for i, mine in enumerate(stamps) for t in mine)
    for i, mine in enumerate(stamps):
        shifted = [t - t0 for t in mine]
        for k, part in enumerate(_runs_of(i, others)):
            stretches += stretches_of(i, part, gap, first_finished=k > 0)
        steps += [
            b - a for a, b in zip(shifted, shifted[1:], strict=False) if b - a <= gap
        ]
    turns, handovers = turns_and_handovers(stretches)
    return Handover(
        threads=threads,
        seconds=seconds,
        chunk=chunk,
        gap=gap,
        switch_interval=sys.getswitchinterval(),
        gil_enabled=gil_enabled(),
        cpus=available_cpus(),
        span=max(s.end for s in stretches),
        chunk_seconds=statistics.median(steps) if steps else 0.0,
        chunks=tuple(len(s) - 1 for s in stamps),
        stretches=tuple(sorted(stretches, key=lambda s: (s.start, s.thread))),
        turns=tuple(turns),
        handovers=tuple(handovers),
        together=time_together(stretches),
    )
