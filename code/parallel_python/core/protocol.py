"""The one measurement protocol behind every reported speed-up.

On a noisy machine, ``min(serial runs) / min(parallel runs)`` is biased: the
serial minimum catches one fast moment, the parallel minimum needs every core
fast at once. So :func:`measure_paired` times the baseline and each variant
back to back in rounds (rotating who goes first), takes the *median of the
per-round ratios* ``baseline time / variant time`` and its 90 % confidence
interval from order statistics, and keeps going until every interval is
within ``±target`` of its median, the time budget is spent, or ``max_rounds``
is reached. :func:`.sanity.check_speedup` then says whether a ratio is believable.

Size each timed call with :func:`.sizing.calibrate` (about 0.1 s is a good length).
The machine probes (the ceiling, the disturbance meter) live in :mod:`.meter`.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from .timing import Timing, timed_call
from .validate import non_negative_int, positive_float, positive_int

#: The confidence of every interval of a median ratio.
CONFIDENCE = 0.90
#: Why :func:`measure_paired` stopped ("min_rounds": it was asked for its
#: minimum of rounds only, with :data:`MIN_ROUNDS_ONLY`; "extended budget":
#: the budget and its extension, :data:`EXTENSION`, were spent).
STOP_REASONS = ("converged", "budget", "extended budget", "max_rounds", "min_rounds")
#: When the budget is spent while an interval is still wider than
#: :data:`MAX_HALF_WIDTH`, the rounds go on for this share of the budget more:
#: a spell of a few seconds in which the machine ran slow then weighs on
#: fewer of the rounds.
EXTENSION = 0.3
#: A budget for :func:`measure_paired` that stops after the minimum of rounds.
MIN_ROUNDS_ONLY = 1e-9
#: A relative half-width above this makes a ratio "too wide" to report as is.
MAX_HALF_WIDTH = 0.15
#: The relative half-width at which :func:`measure_paired` stops by default.
TARGET = 0.05


def median_ci_ranks(n: int, confidence: float = CONFIDENCE) -> tuple[int, int, float]:
    """Ranks ``(j, k)`` (1-based, sorted order) of a confidence interval of a median.

    Distribution-free: the interval ``[x_(j), x_(k)]`` holds the true median
    with probability ``P(j <= B < k)``, ``B ~ Binomial(n, 1/2)``; ``j`` is the
    largest (narrowest symmetric interval) with that probability >=
    ``confidence``. Returns the ranks and that probability (the coverage). With
    too few values for ``confidence``, ``(1, n)`` and a coverage below it.
    """
    n = positive_int("n", n)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    total = 2**n
    best = 1
    tail = 0  # sum of C(n, i) for i < j, exact integers
    for j in range(1, n // 2 + 1):
        tail += math.comb(n, j - 1)
        if 1 - 2 * tail / total >= confidence:
            best = j
        else:
            break
    tail = sum(math.comb(n, i) for i in range(best))
    return best, n + 1 - best, max(0.0, 1 - 2 * tail / total)


def _percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of sorted values, linear between neighbours."""
    pos = q * (len(ordered) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class Ratio:
    """The median of per-round ratios (baseline time / variant time, >1 = faster).

    ``low``–``high`` is its confidence interval (``coverage`` is that
    interval's probability: below :data:`CONFIDENCE` when there were too few
    rounds and it is just the full range); ``band_low``–``band_high`` is the
    10th–90th percentile band of the ratios themselves (their spread).
    """

    median: float
    low: float
    high: float
    band_low: float
    band_high: float
    rounds: int
    coverage: float

    @property
    def too_few_rounds(self) -> bool:
        """True when the interval is the full range, short of 90 % confidence."""
        return self.coverage < CONFIDENCE

    @property
    def half_width(self) -> float:
        """The interval's larger side relative to the median: 0.05 means ±5 %."""
        return max(self.median - self.low, self.high - self.median) / self.median

    def within(self, target: float) -> bool:
        """True when a real 90 % interval lies within ``±target`` of the median."""
        return not self.too_few_rounds and self.half_width <= target

    @property
    def too_wide(self) -> bool:
        """True when a real 90 % interval is wider than the protocol allows
        (±:data:`MAX_HALF_WIDTH`); False with too few rounds for one."""
        return not self.too_few_rounds and self.half_width > MAX_HALF_WIDTH


def ratio_from(values: Sequence[float]) -> Ratio:
    """A :class:`Ratio` summarising per-round ratios (each > 0)."""
    if not values:
        raise ValueError("a ratio needs at least one per-round value")
    if any(not v > 0 or math.isinf(v) for v in values):
        raise ValueError(f"per-round ratios must be finite and > 0, got {values!r}")
    ordered = sorted(float(v) for v in values)
    j, k, coverage = median_ci_ranks(len(ordered))
    return Ratio(
        median=statistics.median(ordered),
        low=ordered[j - 1],
        high=ordered[k - 1],
        band_low=_percentile(ordered, 0.1),
        band_high=_percentile(ordered, 0.9),
        rounds=len(ordered),
        coverage=coverage,
    )


@dataclass(frozen=True)
class Paired:
    """Paired rounds of a baseline and its variants (times in seconds).

    ``times`` holds every case's timed calls, one per round (the baseline's:
    one per group per round, with ``groups``; warm-up calls are not in it);
    ``ratios`` the baseline-over-variant ratio of each variant;
    ``elapsed`` the seconds the measurement took, warm-up included (what
    ``between`` took left out).
    """

    times: dict[str, Timing]
    baseline: str
    rounds: int
    stop_reason: str
    ratios: dict[str, Ratio]
    target: float
    budget_seconds: float
    elapsed: float

    @property
    def converged(self) -> bool:
        """True when every variant's interval reached ``±target``."""
        return self.stop_reason == "converged"


def measure_paired(
    cases: Mapping[str, Callable[[], object]],
    *,
    baseline: str,
    min_rounds: int = 5,
    max_rounds: int = 200,
    budget_seconds: float,
    target: float = TARGET,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
    context: Callable[[str], AbstractContextManager[object]] | None = None,
    calls: Mapping[str, int] | None = None,
    groups: Sequence[Sequence[str]] | None = None,
    between: Callable[[], object] | None = None,
    extension: float = EXTENSION,
    extend_for: Sequence[str] | None = None,
    against: Mapping[str, str] | None = None,
) -> Paired:
    """Time ``baseline`` against every other case in paired rounds.

    First ``warmup`` untimed calls of each case; then rounds. Round ``r``
    (from 0) times every case once (the baseline once per group, see
    ``groups``), starting at case ``r mod len(cases)`` and wrapping round,
    each call inside ``context(name)`` if given (entering it is not timed).
    From round ``min_rounds`` on, it stops when every variant's median ratio
    has a real 90 % interval within ``±target`` ("converged"; so never
    before 5 rounds), else when ``max_rounds``
    rounds are done ("max_rounds"), else when ``budget_seconds`` (read on
    ``clock``, warm-up included) are spent ("budget"; the last round may run
    past it, and ``min_rounds`` are always run; "min_rounds" when the budget
    is :data:`MIN_ROUNDS_ONLY`). Once the budget is spent, a variant of
    ``extend_for`` (default: every variant) whose interval is wider than
    ±:data:`MAX_HALF_WIDTH` earns ``extension`` times the budget more
    ("extended budget" if that too is spent; 0: no extension). ``calls`` says how many
    times a case's function does its work in one timed call (default 1, see
    :func:`.sizing.calibrate`): its times, and so its ratios, are per piece of work.

    ``groups`` pairs variants with a baseline call of their own: each round
    then times every group in turn (rotating which group goes first), each as
    the baseline and the group's variants back to back (rotating within the
    group too), and a variant's ratio divides by its own group's baseline
    call. Variants in no group form one group more. So when a round is long
    (many cases) and the machine's pace moves within it, a variant's ratio
    still compares moments a fraction of a second apart; the baseline's
    times then hold every baseline call, several per round. None: one group
    of every case, one baseline call per round. ``between`` runs after each
    round, untimed and outside the budget (the live ceiling, :mod:`.ceiling_live`).
    ``against`` names, for some variants, another variant that stands in for
    the baseline: that variant's ratio divides the other's call of the same
    round (like with like: work in a row in a new process against workers
    in new processes), for the stopping rule and in ``ratios``; not with
    ``groups``.
    """
    names = list(cases)
    if baseline not in cases:
        raise ValueError(f"baseline {baseline!r} is not one of the cases {names!r}")
    variants = [name for name in names if name != baseline]
    if not variants:
        raise ValueError("cases must hold at least one variant besides the baseline")
    for name in names:
        if not callable(cases[name]):
            raise ValueError(f"case {name!r} is not a function")
    min_rounds = positive_int("min_rounds", min_rounds)
    max_rounds = positive_int("max_rounds", max_rounds)
    if max_rounds < min_rounds:
        raise ValueError(
            f"max_rounds ({max_rounds}) must be >= min_rounds ({min_rounds})"
        )
    budget_seconds = positive_float("budget_seconds", budget_seconds)
    if extension != 0 or isinstance(extension, bool):  # 0: no extension
        extension = positive_float("extension", extension)
    target = positive_float("target", target)
    warmup = non_negative_int("warmup", warmup)
    per_call = {name: 1 for name in names}
    for name, count in (calls or {}).items():
        if name not in cases:
            raise ValueError(f"calls names {name!r}, not one of the cases {names!r}")
        per_call[name] = positive_int(f"calls[{name!r}]", count)

    if groups is None:
        units = [names]  # the cases in the caller's order, the baseline among them
    else:
        units = []
        for group in groups:
            for name in group:
                if name not in variants:
                    raise ValueError(
                        f"groups name {name!r}, not one of the variants {variants!r}"
                    )
            units.append([baseline, *group])
        if any(len(group) == 0 for group in groups):
            raise ValueError(f"every group needs a variant: {groups!r}")
        grouped = [name for group in groups for name in group]
        if len(grouped) != len(set(grouped)):
            raise ValueError(f"a variant is in two groups: {groups!r}")
        rest = [name for name in variants if name not in grouped]
        if rest:
            units.append([baseline, *rest])
    references = dict(against or {})
    if references and groups is not None:
        raise ValueError("against cannot be combined with groups")
    for name, reference in references.items():
        if name not in variants or reference not in variants or reference == name:
            raise ValueError(
                f"against maps {name!r} to {reference!r}: both must be "
                f"variants {variants!r}, and different"
            )
    unit_of = {name: u for u, unit in enumerate(units) for name in unit}
    watched = variants if extend_for is None else list(extend_for)
    for name in watched:
        if name not in variants:
            raise ValueError(
                f"extend_for names {name!r}, not one of the variants {variants!r}"
            )

    def run(name: str) -> float:
        with context(name) if context is not None else nullcontext():
            return timed_call(cases[name], clock)

    began = clock()
    for name in names:
        for _ in range(warmup):
            run(name)
    recorded: dict[str, list[float]] = {name: [] for name in names}
    # the baseline's calls of each group (unit), round by round
    bases: list[list[float]] = [[] for _ in units]
    rounds = 0
    while True:
        first = rounds % len(units)
        for u in [*range(first, len(units)), *range(first)]:
            unit = units[u]
            offset = rounds % len(unit)
            for name in unit[offset:] + unit[:offset]:
                seconds = run(name) / per_call[name]
                if not seconds > 0:
                    raise ValueError(
                        f"case {name!r} took {seconds} s: too short for the "
                        f"clock; make each call longer (see calibrate)"
                    )
                recorded[name].append(seconds)
                if name == baseline:
                    bases[u].append(seconds)
        rounds += 1
        if between is not None:
            paused = clock()
            between()
            began += clock() - paused  # the budget is the rounds' own time
        if rounds < min_rounds:
            continue
        ratios = {
            v: ratio_from(
                [
                    b / t
                    for b, t in zip(
                        recorded[references[v]]
                        if v in references
                        else bases[unit_of[v]],
                        recorded[v],
                        strict=True,
                    )
                ]
            )
            for v in variants
        }
        if all(r.within(target) for r in ratios.values()):
            reason = "converged"
        elif rounds >= max_rounds:
            reason = "max_rounds"
        elif budget_seconds <= MIN_ROUNDS_ONLY:
            reason = "min_rounds"
        elif (spent := clock() - began) >= budget_seconds:
            if not any(ratios[v].too_wide for v in watched):
                reason = "budget"
            elif spent >= budget_seconds * (1 + extension):
                reason = "extended budget" if extension else "budget"
            else:
                continue
        else:
            continue
        return Paired(
            times={
                n: Timing(times=tuple(t), warmup=warmup) for n, t in recorded.items()
            },
            baseline=baseline,
            rounds=rounds,
            stop_reason=reason,
            ratios=ratios,
            target=target,
            budget_seconds=budget_seconds,
            elapsed=clock() - began,
        )


def paired_ratio(baseline: Timing, variant: Timing) -> Ratio:
    """The median of round-by-round ``baseline / variant`` times, with its interval.

    Both timings must come from the same rounds (call ``i`` of each in round
    ``i``), as :func:`measure_paired` and ``measure_rounds`` record them.
    """
    if baseline.repeats != variant.repeats:
        raise ValueError(
            f"paired timings need as many rounds each, got {baseline.repeats} "
            f"and {variant.repeats}"
        )
    pairs = zip(baseline.times, variant.times, strict=True)
    return ratio_from([b / v for b, v in pairs])


def speedup_from(ratio: Ratio | None, baseline: Timing, variant: Timing) -> float:
    """How many times as fast ``variant`` is as ``baseline``: the median of
    the paired rounds' ratios when there were rounds, else best over best
    (a result recorded without rounds, such as a test's made-up one)."""
    if ratio is not None:
        return ratio.median
    return baseline.best / variant.best
