"""Sentences for Going further's waiting work: threads against asyncio tasks.

Each function takes a result and returns Markdown text, so the page (and
the CLI) says what was measured on the machine at hand. Tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

import math

from ..core.protocol import MAX_HALF_WIDTH, Ratio, median_ci_ranks
from ..core.readings import unsteady_note, what_was_seen
from ..core.text import (
    SAME,
    cpus_phrase,
    duration,
    intervals_overlap,
    measured,
    percent,
    plural,
    ratio_text,
)
from .narrate_speed import faster
from .waiting import Waiting


def _their(ratio: Ratio) -> str:
    return f"their {plural(ratio.rounds, 'round')}"


def _unsteady_pair(threads: Ratio | None, tasks: Ratio | None) -> str:
    """One note for the threads' and the asyncio tasks' speed-ups when their
    90 % intervals are too wide: one sentence for both, not two in a row."""
    if not (threads and threads.too_wide and tasks and tasks.too_wide):
        return unsteady_note("The threads'", threads, stated=True) + unsteady_note(
            "The asyncio tasks'", tasks, stated=True
        )
    rough = (
        f"Both 90 % intervals are wider than ±{percent(MAX_HALF_WIDTH)}: take "
        "those figures as rough; "
    )
    n = threads.rounds
    if tasks.rounds == n > 1 and median_ci_ranks(n)[0] == 1:  # all rounds, both
        return rough + (
            f"with {plural(n, 'round')} each only, each interval is the whole "
            "range of its rounds. "
        )
    return rough + (
        "for the threads, "
        f"{what_was_seen(None, threads, rounds=_their(threads))}, and for the "
        f"asyncio tasks, {what_was_seen(None, tasks, rounds=_their(tasks))}. "
    )


def waiting_summary(w: Waiting) -> str:
    """Threads against asyncio tasks for many waiting fetches."""
    k = w.most
    first = min(w.workers)
    t1 = w.case("threads", first).timing.median
    tk = w.case("threads", k).timing.median
    ak = w.case("asyncio", k).timing.median
    near = t1 <= (1 + SAME) * w.waiting_seconds
    extra = (t1 - w.waiting_seconds) / w.requests
    text = (
        f"One at a time, the {w.requests:,} requests took a median of "
        f"{duration(t1)}, "
        + (
            f"close to the {duration(w.waiting_seconds)} the server spent waiting"
            if near
            else f"the {duration(w.waiting_seconds)} the server spent waiting and "
            f"about {duration(extra)} more per request (the work each request "
            "also costs the client and the server)"
        )
        + f". With {plural(k, 'thread')} they took {duration(tk)}, "
        f"{_speedup(w, 'threads', k)} as fast, "
        f"and with {plural(k, 'asyncio task')} {duration(ak)}, "
        f"{_speedup(w, 'asyncio', k)} as fast (each speed-up is the median of "
        "the paired rounds' own ratios, with its 90 % interval). "
    )
    if k > first:
        text += _unsteady_pair(w.ratio("threads", k), w.ratio("asyncio", k))
    best = max(w.speedup("threads", k), w.speedup("asyncio", k))
    if best > w.cpus:
        text += (
            f"That is more than {cpus_phrase(w.cpus)} could give computing work: "
            "waiting takes no CPU, so many waits overlap however few cores "
            "there are. "
        )
    else:
        text += (
            f"That is no more than {cpus_phrase(w.cpus)} could give computing work, "
            "so this run does not show the waits overlapping beyond the CPUs. "
        )
    if k > first and best >= (1 - SAME) * k:
        text += (
            f"That is close to the {k}-fold cut that {k} perfectly overlapped "
            "waits would give. "
        )
    elif k > first:
        text += (
            f"It is not the {k}-fold cut that {k} perfectly overlapped waits would "
            "give. Overlapping the waits cannot shorten the rest of each "
            "request's work (connecting, sending, reading, in the client and in "
            "the server)" + _left_over(w, k)
        )
    apart = (
        k == first
        or intervals_overlap(w.ratio("threads", k), w.ratio("asyncio", k)) == "no"
    )
    if apart and ak < tk * (1 - SAME):
        text += f"asyncio was the faster of the two with {k} at a time."
    elif apart and tk < ak * (1 - SAME):
        text += f"Threads were the faster of the two with {k} at a time."
    elif apart:
        text += f"With {k} at a time the two were about as fast."
    else:
        text += (
            f"With {k} at a time their speed-ups' intervals overlap, so this run "
            "cannot tell which of the two was faster."
        )
    text += " " + _placement(w)
    repeated = [c for c in w.cases if c.calls > 1]
    if repeated:
        text += (
            " The quickest ways fetched all the URLs more than once in each "
            f"timed call (up to {max(c.calls for c in repeated)} times), so that a "
            "call lasted long enough to time; their times are per fetch of them "
            "all."
        )
    if not w.all_correct:
        text += " **Some answers were wrong: the run needs a look.**"
    return text


def _placement(w: Waiting) -> str:
    """Where the server and the clients ran."""
    if w.server_on is not None:
        others = len(w.clients_on)
        return (
            "The server stood in for a machine across the network, so it had a "
            "CPU to itself and the clients ran on "
            + ("the other." if others == 1 else f"the other {others}.")
        )
    if w.cpus == 1:
        return (
            "With one CPU, the server and the clients took turns on it, so the "
            "server's work came on top of the clients' work."
        )
    return "The server and the clients shared the CPUs."


def _left_over(w: Waiting, k: int) -> str:
    """What the client's and the server's processes used of CPU time while
    ``k`` at a time fetched them all, where it was measured; else that only
    the totals were timed. Ends the sentence."""
    parts = []
    for tool, what in (("threads", "thread"), ("asyncio", "asyncio task")):
        case = w.case(tool, k)
        if case.client_cpu is None:
            continue
        wall = case.timing.median
        text = (
            f"with {plural(k, what)} each fetch of them all took {duration(wall)} "
            f"and used {duration(case.client_cpu)} of the client's CPU time"
        )
        if case.server_cpu is not None:
            text += f" and {duration(case.server_cpu)} of the server's"
        parts.append(text)
    if not parts:
        return "; this run timed only the totals, not how the time left over splits. "
    return ": " + "; ".join(parts) + " (medians of the timed calls). "


def waiting_title(w: Waiting) -> str:
    """The waiting figure's takeaway: the most in flight against one at a time."""
    k, first = w.most, min(w.workers)
    if k == first:
        return (
            f"{plural(w.requests, 'request')}, {first} at a time: "
            f"{duration(w.case('threads', k).timing.best)}"
        )
    return (
        f"{k} in flight against {first}: threads "
        f"{faster(w.speedup('threads', k))}, asyncio "
        f"{faster(w.speedup('asyncio', k))}"
    )


def _speedup(w: Waiting, tool: str, k: int) -> str:
    """``12.0× (10.4–13.1)``: a way's speed-up over one at a time, with its interval."""
    first = k == min(w.workers)  # against itself: no interval to give
    return ratio_text(None if first else w.ratio(tool, k), w.speedup(tool, k))


def waiting_floor(w: Waiting) -> str:
    """The shortest time the most threads could take, against the measured one
    (the median, as in the summary above it)."""
    k = w.most
    t = w.case("threads", k).timing.median
    waves = math.ceil(w.requests / k)
    floor = waves * w.delay
    text = (
        f"With {w.requests:,} request{'' if w.requests == 1 else 's'}, an answer after "
        f"{duration(w.delay)} and {plural(k, 'thread')}, "
    )
    text += (
        "every request can wait at the same time"
        if waves == 1
        else f"the requests wait in {waves} waves, {k} at a time"
    )
    text += (
        f", so the fetch cannot finish faster than about {duration(floor)}. "
        f"On this build the {plural(k, 'thread')} took {duration(t)} (median): "
    )
    ratio = t / floor
    if ratio >= 1 + 5 * SAME:
        text += f"{measured(ratio)} times that floor."
    elif ratio >= 1 - SAME:
        text += "close to that floor, so little but the waiting was left."
    else:
        text += (
            "less than that floor, which should not happen: check the delay "
            "the server was given."
        )
    return text
