"""Sentences from the noise probe, true on 1, 2 or 64 CPUs (never a guessed cause)."""

from __future__ import annotations

from ..core.meter import Disturbance
from ..core.protocol import MAX_HALF_WIDTH, Ratio
from ..core.readings import what_was_seen
from ..core.sanity import check_speedup
from ..core.text import SAME, cpus_phrase, duration, measured, percent, plural, times
from .noise import PAIR, Noise

#: Other work below this many CPUs counts as "none of note" (as in core.text).
QUIET = 0.2


def millions(rate: float) -> str:
    """Loop steps per second in millions: ``23.5``, ``4.27``, ``112``."""
    return measured(rate / 1e6)


def seconds_asked(x: float) -> str:
    """A length the reader chose, as given: ``0.1 s``, ``3 s``."""
    return f"{x:g} s"


def _meter(d: Disturbance, cpus: int, swing: float) -> str:
    """What the disturbance meter read over the run, as one sentence."""
    if d.other_cpus is None:
        return f"The disturbance meter had no reading in this build ({d.note})."
    text = (
        f"Over the whole run ({duration(d.seconds)}), the disturbance meter saw "
        f"other programs use {d.other_cpus:.2f} CPUs on average, of the "
        f"{cpus_phrase(cpus)} this build could use"
    )
    if d.steal_cpus is not None:
        text += f", and steal time of {d.steal_cpus:.2f} CPUs"
    if d.other_cpus < QUIET and swing >= SAME:
        text += ": the swing does not show up as other work the meter can see"
    return text + "."


def probe_summary(n: Noise) -> str:
    """What the single-core probe saw: the range, the swing, the meter."""
    p = n.probe
    text = (
        f"One CPU's speed on a pure-Python loop ranged from {millions(p.low)} to "
        f"{millions(p.high)} million steps per second over "
        f"{plural(len(p.rates), 'window')} of {seconds_asked(p.window)} (a swing of "
        f"{percent(p.swing)} of the median, {millions(p.median)} million). "
    )
    if p.swing >= SAME:
        text += (
            "The code did not change from one window to the next, only the "
            "moment: a timing as short as one window depends on when it ran. "
        )
    else:
        text += "In this build one CPU's speed was steady over these windows. "
    return text + _meter(n.disturbance, n.cpus, p.swing)


def _interval(r: Ratio) -> str:
    if r.too_few_rounds:
        return (
            f"{measured(r.low)}–{measured(r.high)}, the range over "
            f"{plural(r.rounds, 'round')}, too few for a 90 % interval"
        )
    return f"{measured(r.low)}–{measured(r.high)}, its 90 % interval"


def _where(mom: float, r: Ratio) -> str:
    """Where the minimum over the minimum fell, against the median's interval."""
    off = percent(abs(mom / r.median - 1))
    if r.low <= mom <= r.high:
        return (
            f"Here the minimum over the minimum fell inside that interval ({off} "
            f"from the median): in this build the paired rounds cannot tell the "
            f"two estimates apart. "
        )
    side, more = ("below", "less") if mom < r.low else ("above", "more")
    return (
        f"Here the minimum over the minimum fell {side} that interval ({off} from "
        f"the median): it says two processes gained {more} than the paired rounds "
        f"show. "
    )


def _luck(alone: float, pair: float) -> str:
    """How far each minimum stood below its median, and which way that pulls."""
    text = (
        f"The fastest run alone took {percent(alone)} less time than the median "
        f"run alone; the fastest pair {percent(pair)} less than the median pair. "
    )
    if abs(alone - pair) < 0.005:
        lead = "The two margins were about equal, so they nearly cancel"
    else:
        who, way = ("run alone", "down") if alone > pair else ("pair", "up")
        lead = (
            f"The larger margin of the {who} pulls the minimum over the minimum "
            f"{way}, compared with the ratio of the median times"
        )
    return text + (
        f"{lead}: it divides the luckiest run alone by the luckiest pair, "
        f"whichever rounds they came from, while each paired ratio compares runs "
        f"taken back to back. "
    )


def _sanity(r: Ratio, cpus: int) -> str:
    verdict = check_speedup(r, workers=PAIR, cpus=cpus, kind="cpu")
    if verdict.beyond:
        return (
            f" The median's interval lies wholly above {times(PAIR)}: an "
            f"efficiency above 1, more than two processes should manage on "
            f"pure-Python work, reported here as measured and worth measuring "
            f"again."
        )
    if verdict.reason == "too wide":
        return (
            f" The median's interval reaches {r.half_width * 100:.1f} % from it, wider "
            f"than ±{percent(MAX_HALF_WIDTH)}: the book's chapters would keep "
            f"adding rounds."
        )
    return ""


def pairs_summary(n: Noise) -> str:
    """The two estimates of two processes against one, compared honestly."""
    c = n.comparison
    if c is None:
        if n.cpus < PAIR:
            return (
                f"The second measurement, two processes against one, needs two "
                f"CPUs; this build could use {cpus_phrase(n.cpus)}, so it was "
                f"skipped: on one CPU two processes can only take turns."
            )
        return "The second measurement, two processes against one, was not made."
    r = c.ratio
    text = (
        f"Then a task of {duration(c.task_seconds)} ran alone in this process and "
        f"as two copies in two worker processes, back to back in "
        f"{plural(c.rounds, 'round')} (which went first alternated). Two "
        f"estimates of how much more work two processes did than one (at most "
        f"{times(PAIR)}):\n\n"
        f"- the minimum over the minimum (2 × the fastest run alone ÷ the fastest "
        f"pair): **{times(c.min_over_min)}**;\n"
        f"- the median of the per-round ratios: **{times(r.median)}** "
        f"({_interval(r)}).\n\n"
    )
    text += _where(c.min_over_min, r)
    text += _luck(c.alone_luck, c.pair_luck)
    # the meter's reading is in the probe's paragraph
    seen = what_was_seen(None, r, rounds="the per-round ratios")
    text += f"{seen[0].upper()}{seen[1:]}."
    return text + _sanity(r, n.cpus)


def short_task_text(n: Noise) -> str:
    """The short task's length as it ran (the time asked for, where the
    two-process comparison was skipped)."""
    if n.comparison is None:
        return seconds_asked(n.short_task)
    return duration(n.comparison.task_seconds)


def noise_summary(n: Noise) -> str:
    """The probe's paragraph, then the comparison's (Markdown)."""
    return probe_summary(n) + "\n\n" + pairs_summary(n)
