"""How the book says what a measurement's readings were, never a guessed
cause: what the meter saw beside a figure, an interval too wide to trust, a
one-worker check that missed 1, the machine's ceiling."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from .text import measured, percent, plural, ratio_text, times

if TYPE_CHECKING:
    from .ceiling import Ceiling
    from .meter import Disturbance
    from .protocol import Ratio


def what_was_seen(
    disturbance: Disturbance | None, ratio: Ratio, *, rounds: str | None = None
) -> str:
    """What was measured beside a figure, never a guessed cause: the meter's
    reading when it saw other work ("other programs used 0.6 CPUs while this
    ran"); else how much the rounds varied, and that the meter saw no other
    work (nothing about it, where the meter had no reading)."""
    from .protocol import median_ci_ranks

    rounds = rounds or f"its {plural(ratio.rounds, 'round')}"
    band = f"from {times(ratio.band_low)} to {times(ratio.band_high)}"
    seen = f"the middle 80 % of {rounds} ranged {band}"
    if ratio.rounds > 1 and median_ci_ranks(ratio.rounds)[0] == 1:  # all rounds
        seen = f"with {rounds} only, that interval is their whole range"
    other = None if disturbance is None else disturbance.other_cpus
    if other is not None and other >= 0.2:
        return f"other programs used {other:.1f} CPUs while this ran"
    quiet = ", while the meter saw no other program busy on these CPUs"
    return seen + ("" if other is None else quiet)


def unsteady_note(
    what: str, ratio: Ratio | None, disturbance=None, *, stated: bool = False
) -> str:
    """A sentence for a speed-up whose 90 % interval is wider than the
    protocol allows (±15 %), saying what was measured; "" when it is not (or
    there is no interval). ``what`` names the figure: "The `nogil` threads'".
    ``stated``: the sentence before gave the interval already (as
    :func:`ratio_text` writes it), so it is not repeated."""
    from .protocol import MAX_HALF_WIDTH

    if ratio is None or not ratio.too_wide:
        return ""
    numbers = "" if stated else f" ({measured(ratio.low)}–{measured(ratio.high)})"
    return (
        f"{what} 90 % interval{numbers} is wider than ±{percent(MAX_HALF_WIDTH)}: "
        f"take that figure as rough; {what_was_seen(disturbance, ratio)}. "
    )


def one_worker_note(what: str, ratio: Ratio | None, disturbance=None) -> str:
    """A sentence when a one-worker "speed-up" (work compared with itself)
    did not come out at about 1×: its interval misses 0.9–1.1
    (:data:`.sanity.ONE_WORKER_BAND`) entirely, however wide it is; else
    "". ``what``: "One task in one thread"."""
    from .sanity import misses_one

    if ratio is None or not misses_one(ratio):
        return ""
    return (
        f"{what} should run at about 1×; it ran at {ratio_text(ratio)}, "
        "with its 90 % interval: "
        f"{what_was_seen(disturbance, ratio)}. "
    )


#: How much more slowly than one CPU alone the slowest CPU must count, and
#: how far below the ceiling the equal shares' limit must read (relative),
#: before a sentence mentions the slowest CPU.
SLOWER_CPU = 0.05


def ceiling_phrase(
    ceiling: Ceiling | None,
    *,
    equal_shares: bool = False,
    pinned: bool | str = False,
) -> str:
    """``; this machine's 2 CPUs together counted 1.85× as fast as one, …``.
    ``equal_shares``: the work was cut into one equal share per worker;
    ``pinned``: which workers were pinned (see :func:`ceiling_clause`)."""
    if ceiling is None:
        return ""
    when = "between the rounds" if ceiling.between_rounds else "just before"
    return "; " + ceiling_clause(
        ceiling, f", measured {when}", equal_shares=equal_shares, pinned=pinned
    )


def ceiling_clause(
    ceiling: Ceiling,
    when: str = "",
    *,
    equal_shares: bool = False,
    pinned: bool | str = False,
) -> str:
    """``this machine's 2 CPUs together counted 1.85× as fast as one``, then
    ``when``, then why a ratio above ``k`` can be. With ``equal_shares``
    (work cut into one equal share per worker), also the slowest CPU's pace
    and the most equal shares pinned one to a CPU could reach at it, where
    that CPU counted at least :data:`SLOWER_CPU` more slowly than one CPU
    alone and that limit reads at least as far below the ceiling. That is no
    bound on the book's workers, which the system may move between CPUs:
    in one build two sorting threads ran at 1.57x where shares held to the
    slowest CPU's pace could reach 1.29x, and the total read 1.64x.
    ``pinned``: the workers were pinned one to a CPU, so that limit held
    them too; or the name of those that were (``"the `nogil` threads"``),
    when the system was free to move the others."""
    text = (
        f"this machine's {plural(ceiling.k, 'CPU')} together counted "
        f"{times(ceiling.ratio)} as fast as one{when}"
    )
    text += ceiling_band(ceiling, ", so the CPUs' pace moved while this ran")
    if round(ceiling.ratio, 2) > ceiling.k:  # as shown: 2.004 reads "2.00×"
        text += (
            f" (more than {ceiling.k}×: the lone counter, on the first CPU, "
            "counted more slowly than the CPUs did on average together)"
        )
    slowest = ceiling.equal_shares
    if (
        equal_shares
        and slowest is not None
        # a CPU slower than one alone, not a lone counter slower than the
        # CPUs together (a total above k), and a limit below the total
        and slowest < (1 - SLOWER_CPU) * ceiling.k
        and slowest < (1 - SLOWER_CPU) * ceiling.ratio
    ):
        text += (
            f", and its slowest CPU counted at {percent(slowest / ceiling.k)} "
            f"of one CPU's pace alone: {ceiling.k} equal shares of work, "
            + _shares_limit(times(slowest), pinned)
        )
    return text


#: A ceiling whose readings' middle 80 % spans more than this share of their
#: median is reported with that band: ±15 %, as an interval the protocol
#: calls too wide.
UNSTEADY_SPAN = 0.3


def ceiling_band(ceiling: Ceiling, then: str = "") -> str:
    """ " (the middle 80 % of its 10 readings ranged from 1.28x to 2.42x``
    ``then``)" where :func:`unsteady_ceiling` finds the readings spread;
    else the empty string."""
    band = unsteady_ceiling(ceiling)
    if band is None:
        return ""
    return (
        f" (the middle 80 % of its {len(ceiling.ratios)} readings ranged "
        f"from {times(band[0])} to {times(band[1])}{then})"
    )


def unsteady_ceiling(ceiling: Ceiling) -> tuple[float, float] | None:
    """The middle 80 % of the ceiling's readings (at least five), where it
    spans more than :data:`UNSTEADY_SPAN` of their median; else None. In one
    build the GIL page's readings between the rounds went from 1.26x to
    2.91x while its two processes' rounds read 1.48x to 2.21x: the median,
    1.99x, alone hid that."""
    ratios = ceiling.ratios
    if len(ratios) < 5 or ceiling.ratio <= 0:
        return None
    deciles = statistics.quantiles(ratios, n=10, method="inclusive")
    low, high = deciles[0], deciles[-1]
    return (low, high) if (high - low) / ceiling.ratio > UNSTEADY_SPAN else None


def _shares_limit(limit: str, pinned: bool | str) -> str:
    """What equal shares could reach at the slowest CPU's pace, and whether
    that held the workers (see :func:`ceiling_clause`)."""
    if pinned is True:
        return f"pinned one to a CPU as these were, could reach at most {limit}"
    if pinned:
        return (
            f"pinned one to a CPU as {pinned} were, could reach at most {limit}; "
            "the system was free to move the others between CPUs"
        )
    return (
        f"pinned one to a CPU, could reach at most {limit}, "
        "but the system was free to move these workers between CPUs"
    )
