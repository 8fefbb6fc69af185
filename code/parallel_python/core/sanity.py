"""Sanity checks of a measured speed-up: is it believable as it stands?

:func:`check_speedup` gives a :class:`Verdict` for a ratio of
:func:`.protocol.measure_paired`: too few rounds, too wide, one worker not
about 1, or more than the workers or the CPUs allow. The pages and the
drift report act on it; it never guesses a cause.
"""

from __future__ import annotations

from dataclasses import dataclass

from .protocol import MAX_HALF_WIDTH, Ratio
from .validate import positive_int

#: The reasons a :class:`Verdict` can give.
REASONS = (
    "ok",
    "too few rounds",
    "too wide",
    "one worker not 1",
    "above the limit",
    "above the ideal",
)
#: Kinds of speed-up :func:`check_speedup` knows.
KINDS = ("cpu", "waiting", "compiled")
#: A one-worker ratio whose interval leaves this band entirely is "not 1".
ONE_WORKER_BAND = (0.9, 1.1)


def misses_one(ratio: Ratio) -> bool:
    """True when a one-worker ratio's interval misses :data:`ONE_WORKER_BAND`
    entirely (work compared with itself should come out at about 1)."""
    low, high = ONE_WORKER_BAND
    return ratio.high < low or ratio.low > high


@dataclass(frozen=True)
class Verdict:
    """Whether a measured ratio is believable: ``reason`` is one of :data:`REASONS`."""

    ok: bool
    reason: str
    detail: str

    @property
    def beyond(self) -> bool:
        """More than the workers or the CPUs allow (above the ideal or the limit)."""
        return self.reason in ("above the ideal", "above the limit")


def beyond_bound(ratio: Ratio, *, workers: int, cpus: int, kind: str) -> str | None:
    """Whether a speed-up's whole interval lies above what its work allows:
    "above the ideal" for CPU-bound work above ``workers`` (an efficiency
    above 1), "above the limit" for CPU-bound work above ``min(workers,
    cpus)`` or waiting work above ``workers`` (the number in flight), else
    None. One worker is the one-worker check's (:func:`misses_one`), and
    compiled or vectorised gains have no bound."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if kind == "compiled" or workers == 1:
        return None
    if ratio.low > workers:
        return "above the ideal" if kind == "cpu" else "above the limit"
    if kind == "cpu" and ratio.low > min(workers, cpus):
        return "above the limit"
    return None


def check_speedup(ratio: Ratio, *, workers: int, cpus: int, kind: str) -> Verdict:
    """Sanity checks of a speed-up ``ratio`` with ``workers`` on ``cpus`` CPUs.

    In order: a full-range interval is "too few rounds"; CPU-bound work with
    several workers whose interval lies wholly above ``workers`` is "above the
    ideal", however wide; a relative half-width above 0.15 "too wide" (take
    more rounds, then mark the point). ``kind``
    "compiled" (compiling or vectorising gains) is then exempt. One worker
    must be about 1: "one worker not 1" when the interval misses 0.9–1.1
    entirely. Otherwise, with the interval wholly above the bound: "cpu" work
    above ``workers`` (an efficiency above 1) is "above the ideal", above
    ``min(workers, cpus)`` "above the limit"; "waiting" work above ``workers``
    (the number in flight) is "above the limit".
    """
    workers = positive_int("workers", workers)
    cpus = positive_int("cpus", cpus)
    bound = beyond_bound(ratio, workers=workers, cpus=cpus, kind=kind)
    span = f"{ratio.low:.2f}–{ratio.high:.2f}×"
    if ratio.too_few_rounds:
        return Verdict(False, "too few rounds", f"{ratio.rounds} rounds: full range")
    # wholly above what the workers allow: flagged so even when wide as well
    if bound == "above the ideal":
        return Verdict(False, bound, f"{span}: efficiency above 1 with {workers}")
    if ratio.half_width > MAX_HALF_WIDTH:
        return Verdict(False, "too wide", f"±{ratio.half_width:.0%} ({span})")
    if kind == "compiled":
        return Verdict(True, "ok", "compiled or vectorised: no limit applies")
    if workers == 1:
        if misses_one(ratio):
            low, high = ONE_WORKER_BAND
            return Verdict(False, "one worker not 1", f"{span} misses {low}–{high}")
        return Verdict(True, "ok", f"one worker: {span}")
    if bound == "above the limit" and kind == "waiting":
        return Verdict(False, bound, f"{span} above {workers} in flight")
    if bound == "above the limit":
        return Verdict(False, bound, f"{span} above {min(workers, cpus)} CPUs")
    return Verdict(True, "ok", span)
