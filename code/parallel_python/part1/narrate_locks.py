"""Sentences for Part 1's locks page, computed from a :class:`Locks` result.

Each function returns Markdown text saying what happened in this run; they
are tested with made-up results for every outcome, also the ones that
should never happen (those ask to be reported rather than explained).
"""

from __future__ import annotations

from ..core.text import and_list, duration, plural, setting
from .locks import Cook, Locks, TwoLocks

_REPORT = "which should not happen: please report it"


def _longest(cook: Cook) -> tuple[str, float]:
    """The lock ``cook`` waited longest for, and how long (seconds)."""
    waits = [s for s in cook.spans if s.kind == "wait"]
    if not waits:
        return "", 0.0
    span = max(waits, key=lambda s: s.seconds)
    return span.lock, span.seconds


def _waited(cook: Cook) -> float:
    """How long ``cook`` waited for the lock it gave up on, seconds."""
    refused = [s.seconds for s in cook.spans if s.kind == "wait" and not s.granted]
    return max(refused, default=cook.longest_wait)


def _reads_as(waited: float, timeout: float) -> bool:
    """True when a wait reads, as the book writes it, as the timeout itself."""
    return duration(waited) == setting(timeout)


def _gave_up(cooks: list[Cook], timeout: float) -> str:
    """``cook 1 gave up on lock B and cook 2 gave up on lock A, each when its
    timeout of 200 ms ran out``; the waits themselves where they read
    otherwise than the timeout."""
    waits = [_waited(c) for c in cooks]
    if all(_reads_as(w, timeout) for w in waits):
        names = and_list([f"{c.name} gave up on lock {c.gave_up_on}" for c in cooks])
        each = "each " if len(cooks) > 1 else ""
        return f"{names}, {each}when its timeout of {setting(timeout)} ran out"
    names = and_list(
        [
            f"{c.name} gave up on lock {c.gave_up_on} after {duration(w)}"
            for c, w in zip(cooks, waits, strict=True)
        ]
    )
    return f"{names} (the timeout was {setting(timeout)})"


def deadlock_summary(r: Locks) -> str:
    """What the two threads taking two locks in opposite orders did."""
    run: TwoLocks = r.opposite
    first, other = run.cooks
    text = (
        f"{first.name.capitalize()} took lock {first.order[0]} and {other.name} "
        f"lock {other.order[0]}; then each asked for the other's. "
    )
    gave_up = run.gave_up
    if len(gave_up) == len(run.cooks):
        text += (
            f"Neither could have it: {_gave_up(list(gave_up), r.timeout)}. "
            "That is a deadlock, "
            f"detected: without the timeout both would be waiting still; with "
            f"it, each let go and the run ended after {duration(run.seconds)}."
        )
    elif gave_up:
        text += (
            f"Only {_gave_up(list(gave_up), r.timeout)}; the others got their locks, "
            f"{_REPORT}: the "
            f"demonstration makes every thread wait until all have asked."
        )
    else:
        text += f"Both got their second lock, {_REPORT}."
    return text


def fixed_order_summary(r: Locks) -> str:
    """What the same two threads did when both took A before B."""
    run = r.same
    order = " before ".join(run.cooks[0].order)
    if run.completed:
        waiter = max(run.cooks, key=lambda c: _longest(c)[1])
        lock, seconds = _longest(waiter)
        return (
            f"With one order for everyone, {order}, both cooks finished, in "
            f"{duration(run.seconds)} in all. The longest wait was "
            f"{waiter.name}'s, {duration(seconds)} for lock {lock}: a thread "
            f"waiting for the first lock holds nothing, so it keeps nobody "
            f"waiting, and nobody can hold the second lock without the first, "
            f"so whoever holds the first always gets the second."
        )
    return (
        f"With one order for everyone, {order}, "
        f"{_gave_up(list(run.gave_up), r.timeout)}. That was no deadlock, only "
        f"a wait longer than the timeout: a timeout cannot tell the two apart."
    )


def reentry_summary(r: Locks) -> str:
    """A thread asking again for a Lock, and for an RLock, that it holds."""
    lock, rlock = r.lock_again, r.rlock_again
    if not lock.granted:
        when = (
            f"when its timeout of {setting(r.timeout)} ran out"
            if _reads_as(lock.waited, r.timeout)
            else f"after {duration(lock.waited)} (its timeout was {setting(r.timeout)})"
        )
        text = (
            f"A thread holding a `threading.Lock` that asked for it again was "
            f"refused {when}: a `Lock` does not know which "
            f"thread holds it, so without a timeout the thread would have "
            f"waited for itself for ever. "
        )
    else:
        text = f"A `threading.Lock` let the thread that held it in again, {_REPORT}. "
    if rlock.granted:
        text += "A `threading.RLock` let its owner in again at once, without waiting; "
    else:
        text += (
            f"A `threading.RLock` refused its own owner after "
            f"{duration(rlock.waited)}, {_REPORT}; "
        )
    if r.rlock_other_release:
        text += (
            f"a thread that did not own it and tried to release it got a "
            f"`{r.rlock_other_release}`."
        )
    else:
        text += f"a thread that did not own it was able to release it, {_REPORT}."
    return text


def semaphore_summary(r: Locks) -> str:
    """How many threads were ever inside the semaphore, and what an extra
    release does to a plain and to a bounded one."""
    k = r.workstations
    text = (
        f"{plural(r.cooks, 'cook').capitalize()} shared "
        f"{plural(k, 'workstation')} guarded by a `BoundedSemaphore({k})`, "
        f"each working {duration(r.hold)} at one; all were done in "
        f"{duration(r.semaphore_seconds)}. "
    )
    if r.most_inside > k:
        text += f"At one moment {r.most_inside} were inside at once, {_REPORT}. "
    elif r.most_inside == k:
        text += (
            f"At most {r.most_inside} were ever inside at once, as many as the "
            "semaphore allows. "
        )
    else:
        text += (
            f"At most {r.most_inside} {'was' if r.most_inside == 1 else 'were'} "
            f"ever inside at once, fewer than the {k} allowed. "
        )
    admitted = r.plain_admits_after_extra_release
    text += (
        f"Released once more than it had been acquired, a plain "
        f"`Semaphore({k})` went on to grant {plural(admitted, 'acquire')} "
        f"with none released in between, "
    )
    text += (
        f"one more than its {k} places, without a word; "
        if admitted == k + 1
        else f"where {k + 1} were expected; "
    )
    if r.bounded_extra_release:
        text += (
            f"a `BoundedSemaphore({k})` refused the extra release with a "
            f"`{r.bounded_extra_release}`."
        )
    else:
        text += f"a `BoundedSemaphore({k})` accepted the extra release, {_REPORT}."
    return text


def locks_summary(r: Locks) -> str:
    """All four demonstrations, one paragraph each."""
    return "\n\n".join(
        (
            deadlock_summary(r),
            fixed_order_summary(r),
            reentry_summary(r),
            semaphore_summary(r),
        )
    )


def locks_headlines(r: Locks) -> dict[str, float]:
    """Headline figures for ``compare``."""
    return {
        "wait before the deadlock was detected (s)": max(
            (c.longest_wait for c in r.opposite.cooks), default=0.0
        ),
        "same order, both threads done (s)": r.same.seconds,
        "most threads inside the semaphore": float(r.most_inside),
    }
