"""One-line takeaways for Part 1's measured figures, computed from the results.

A figure's title says what this build measured, so it is true on one CPU and
on sixty-four; the plots in :mod:`.plots`, :mod:`.plots_kitchen` and
:mod:`.plots_salad` use them.
"""

from __future__ import annotations

from ..core.protocol import Ratio
from ..core.text import (
    SAME,
    count,
    gain_shown,
    loss_shown,
    measured,
    percent,
    plural,
    times,
)
from .counts import shown_count as pick
from .gil_results import GilScaling
from .memory_ladder import DROP_FADVISE, MemoryLadder
from .numpy_trick import NumpyTrick
from .processes import CpuSampling
from .race import Race
from .salad import WAIT, WORK, Salad, SaladRun


def speed(speedup: float | Ratio) -> str:
    """A speed-up in a few words: ``1.85× as fast``, ``no faster``,
    ``slower (0.50×)``; the figure as ``core.text.times`` writes it,
    so a title reads the same number as the page's text. Given paired
    rounds' :class:`Ratio`, a gain or loss only when its interval agrees
    (:func:`~parallel_python.core.text.gain_shown`)."""
    if isinstance(speedup, Ratio):
        gained, lost, value = gain_shown(speedup), loss_shown(speedup), speedup.median
    else:
        gained, lost, value = speedup >= 1 + SAME, speedup <= 1 - SAME, speedup
    if gained:
        return f"{times(value)} as fast"
    if lost:
        return f"slower ({times(value)})"
    return "no faster"


def ladder_title(m: MemoryLadder) -> str:
    """How many times as long a read took on each rung, against the cache."""
    ram, disk, warm = (m.ratio(p, "cache") for p in ("RAM", "disk", "page cache"))
    first = "disk" if m.drop_method == DROP_FADVISE else "disk (maybe cached)"
    return (
        f"Against a cache read: RAM {times(ram)}, {first} {times(disk)}, "
        f"page cache {times(warm)}"
    )


def _overlap(run: SaladRun, kind: str) -> bool:
    steps = [r for r in run.steps if r.kind == kind]
    return any(
        x.start < y.end and y.start < x.end
        for i, x in enumerate(steps)
        for y in steps[i + 1 :]
    )


def salad_title(s: Salad) -> str:
    """What one thread per step gained, and what overlapped."""
    waits = _overlap(s.threaded, WAIT)
    works = _overlap(s.threaded, WORK)
    stretched = s.seconds_of(WORK, s.threaded) > s.seconds_of(WORK) * (1 + SAME)
    if works and stretched:
        what = "waits overlapped, work took turns" if waits else "work took turns"
    elif works:
        what = "waits and work overlapped" if waits else "work overlapped"
    else:
        what = "waits overlapped" if waits else "nothing overlapped"
    return f"One thread per step: {speed(s.speedup)}; {what}"


def race_title(r: Race) -> str:
    """Updates lost without a lock, and with one."""
    worst = max(r.lost_unsafe)
    if worst:
        share = r.lost_fraction_max
        pct = percent(share) if share >= 0.01 else "under 1 %"
        without = f"No lock: up to {pct} of updates lost"
    else:
        without = f"No lock: none lost in {plural(r.trials, 'trial')} (luck)"
    locked = max(r.lost_locked)
    with_lock = "none" if locked == 0 else f"{count(locked)} (please report)"
    return f"{without}; with a lock: {with_lock}"


def gil_title(g: GilScaling) -> str:
    """Pure Python in threads and in processes, at the count the text uses."""
    k = pick(g.counts, g.cpus)
    text = "Pure Python: "
    if g.processes_cpu:
        text += (
            f"{plural(k, 'process', 'processes')} "
            f"{speed(g.processes_cpu_at(k).ratio)}, "
        )
    return text + f"{plural(k, 'thread')} {speed(g.threads_cpu_at(k).ratio)}"


def numpy_trick_title(n: NumpyTrick) -> str:
    """NumPy sorts and pure-Python loops in threads, at the count the text uses."""
    k = pick(n.counts, n.cpus)
    return (
        f"{plural(k, 'thread')}: NumPy sorts {speed(n.numpy_at(k).ratio)}, "
        f"pure Python {speed(n.python_at(k).ratio)}"
    )


def cpu_sampling_title(c: CpuSampling) -> str:
    """How many CPUs the busy threads kept busy, and how often they moved."""
    n = len(c.threads)
    if c.method == "unavailable" or not c.samples:
        return "This system cannot say which CPU a thread is on"
    busy = f"{measured(c.busy_cpus)} CPUs busy on average" if c.busy_cpus > 0 else ""
    if len(c.cpus_available) == 1:
        shared = f"{plural(n, 'busy thread')}, one CPU allowed"
        return f"{shared}: {busy}" if busy else shared
    moves = plural(c.total_moves, "move")
    text = f"{plural(n, 'busy thread')}: " + (f"{busy}, " if busy else "")
    return text + f"{moves} between CPUs"
