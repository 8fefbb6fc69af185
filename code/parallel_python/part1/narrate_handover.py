"""Sentences and the figure's title for the GIL hand-over timeline.

Computed from a :class:`~parallel_python.part1.handover.Handover`, so they
are true with the GIL on or off, on one CPU or many.
"""

from __future__ import annotations

from ..core.text import cpus_phrase, duration, percent, plural, setting, times
from .handover import Handover

#: Below this share of the run, threads that ran at once are said to have
#: taken turns all the same (the timeline's resolution blurs the edges).
AT_ONCE = 0.10


def _against_interval(turn: float, interval: float) -> str:
    """``about the switch interval (5 ms)`` or ``2.1× the switch interval (5 ms)``."""
    ratio = turn / interval
    if 0.9 <= ratio <= 1.1:
        return f"about the switch interval ({setting(interval)})"
    return f"{times(ratio)} the switch interval ({setting(interval)})"


def ran_at_once(h: Handover) -> bool:
    """Did two or more threads make progress at once for a real share of the run?"""
    return not h.gil_enabled and h.overlap_share >= AT_ONCE


def handover_title(h: Handover) -> str:
    """The timeline's one-line takeaway."""
    k = plural(h.threads, "thread")
    if h.threads == 1:
        return f"1 thread, nobody to hand over to: it ran for {duration(h.span)}"
    if ran_at_once(h):
        return (
            f"GIL off: {k} made progress at once, "
            f"{percent(h.overlap_share)} of the time"
        )
    if not h.turns:
        return f"{k}: no hand-over in {duration(h.span)}"
    held = duration(h.typical_turn)
    if h.gil_enabled:
        return f"{k} took turns with the GIL, a median {held} per turn"
    return f"GIL off, {cpus_phrase(h.cpus)}: {k} still took turns, {held} per turn"


def handover_summary(h: Handover) -> str:
    """How long each thread typically kept going before another took over,
    against the switch interval (or, with the GIL off, how much overlapped)."""
    k = plural(h.threads, "thread")
    total = duration(h.span)
    res = duration(h.chunk_seconds) if h.chunk_seconds > 0 else "one chunk"
    if h.threads == 1:
        return (
            f"One thread has nobody to hand the GIL to: it counted for {total} "
            "without a pause longer than the merging gap."
        )
    if ran_at_once(h):
        return (
            f"With the GIL off, the {k} made progress at the same time for "
            f"{percent(h.overlap_share)} of the {total} run: there was no GIL to "
            f"hand over."
        )
    if not h.turns:
        return (
            f"In {total} no thread handed over to another before its "
            f"counting was done; a longer run (`seconds`) shows the turns."
        )
    turns = plural(len(h.handovers), "hand-over")
    held = duration(h.typical_turn)
    against = _against_interval(h.typical_turn, h.switch_interval)
    if h.gil_enabled:
        apart = (
            "never made progress at the same time"
            if h.together == 0
            else "took turns with the GIL"
        )
        return (
            f"The {k} {apart}: each kept the GIL "
            f"for a median of {held} before another thread took over, "
            f"{against}. In {total} there were {turns}; from one thread's last "
            f"stamp to the next thread's first took a median of "
            f"{duration(h.typical_handover)} (one chunk of counting between two "
            f"stamps took {res})."
        )
    return (
        f"With the GIL off, the {k} made progress at the same time for "
        f"only {percent(h.overlap_share)} of the {total} run, with "
        f"{cpus_phrase(h.cpus)} for them: each kept going for a median of "
        f"{held} before another thread did; there was no GIL, so the switch "
        f"interval ({setting(h.switch_interval)}) did not set these turns."
    )
