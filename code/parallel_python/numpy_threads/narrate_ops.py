"""Sentences from Part A's operations and thread-settings results, true on 1,
2 or 64 CPUs."""

from __future__ import annotations

from ..core.readings import ceiling_clause, unsteady_note
from ..core.text import (
    SAME,
    and_list,
    cpus_phrase,
    gain,
    measured,
    percent,
    plural,
    ratio_text,
    times,
)
from .blas import Operations
from .settings import ThreadSettings


def operations_summary(ops: Operations) -> str:
    """Which NumPy operations ran faster with more BLAS threads, and why."""
    if ops.threads == 1:
        return (
            f"With {cpus_phrase(ops.cpus)} the comparison used one BLAS thread "
            f"both times, so no operation could run faster. On a machine with "
            f"more CPUs only the matrix multiply would, since only it calls BLAS."
        )
    blas = [op for op in ops.operations if op.uses_blas]
    other = [op for op in ops.operations if not op.uses_blas]
    parts = []
    for op in blas:
        if op.speedup >= 1 + SAME:
            parts.append(
                f"With {ops.threads} BLAS threads the {op.name} ran "
                f"{ratio_text(op.ratio)} as fast as with one (the median of paired "
                "rounds, with its 90 % interval)."
                + (" " + _after_the_figure(op) if op.ratio.too_wide else "")
            )
        elif op.speedup <= 1 - SAME:
            parts.append(
                f"With {ops.threads} BLAS threads the {op.name} ran slower "
                f"than with one, at {ratio_text(op.ratio)} its speed. "
                + _after_the_figure(op)
            )
        else:
            parts.append(
                f"With {ops.threads} BLAS threads the {op.name} did not run "
                f"faster: {ratio_text(op.ratio)} the one-thread speed. "
                + _after_the_figure(op)
            )
    if blas and ops.ceiling is not None:
        # BLAS cuts a product into one block per thread: equal shares
        clause = ceiling_clause(ops.ceiling, equal_shares=True)
        parts.append(f"Between the matrix multiply's rounds, {clause}.")
    steady = [op for op in other if abs(op.speedup - 1) < SAME]
    noisy = [op for op in other if op not in steady]
    if steady:
        worst = max(abs(op.speedup - 1) for op in steady)
        names = and_list([op.name for op in steady])
        parts.append(
            f"The {names} kept their one-thread speed to within {percent(worst)}: "
            f"NumPy runs them in the calling thread, whatever the BLAS setting."
        )
    if noisy:
        names = and_list([op.name for op in noisy])
        figures = and_list([ratio_text(op.ratio) for op in noisy])
        each = " respectively" if len(noisy) > 1 else ""
        verb = "call" if len(noisy) > 1 else "calls"
        parts.append(
            f"The {names} changed by more than {percent(SAME)}, to {figures}"
            f"{each}, yet never {verb} BLAS: that difference is noise from the "
            f"machine, not threads."
        )
    return " ".join(parts)


def _after_the_figure(op) -> str:
    """What follows a BLAS operation's figure: when its rounds were too
    unsteady, the interval's note (whatever the figure); else, for one that
    did not gain, the advice to give the threads more work."""
    if op.ratio.too_wide:
        return unsteady_note("Its", op.ratio, stated=True).rstrip()
    return "Extra threads pay only when each gets enough work: try a larger array."


def first_lesson(ops: Operations) -> str:
    """The chapter's first lesson, said as shown, or as not shown by this copy."""
    lesson = (
        '"NumPy is multithreaded" is true of linear algebra, not of NumPy in general.'
    )
    if ops.threads == 1:
        return (
            f"The first lesson of this chapter, which this copy could not show with "
            f"{cpus_phrase(ops.cpus)}: {lesson}"
        )
    blas = [op for op in ops.operations if op.uses_blas]
    others = [op for op in ops.operations if not op.uses_blas]
    shown = all(op.speedup >= 1 + SAME for op in blas) and all(
        abs(op.speedup - 1) < SAME for op in others
    )
    if blas and shown:
        return f"That is the first lesson of this chapter: {lesson}"
    return (
        f"The first lesson of this chapter, which this run did not show cleanly "
        f"(see the figure): {lesson}"
    )


def operations_takeaway(ops: Operations) -> str:
    """The operations figure's title (two lines): only the BLAS operation can gain."""
    others = [op.speedup for op in ops.operations if not op.uses_blas]
    spread = ""
    if others:
        low, high = min(others), max(others)
        same = measured(low) == measured(high)
        span = times(low) if same else f"{measured(low)}–{measured(high)}×"
        spread = f"\nthe others (no BLAS): {span}"
    blas = [op for op in ops.operations if op.uses_blas]
    if ops.threads == 1:
        return (
            f"One BLAS thread both times ({cpus_phrase(ops.cpus)}):\n"
            "no operation could gain"
        )
    if not blas:
        return f"{plural(ops.threads, 'BLAS thread')}: no operation calls BLAS{spread}"
    head = blas[0]
    short = "a @ b" if "a @ b" in head.name else head.name
    if head.ratio.too_wide:  # no verdict from rounds this unsteady
        return (
            f"{plural(ops.threads, 'BLAS thread')}: {short} "
            f"{ratio_text(head.ratio)}, too unsteady to tell{spread}"
        )
    return (
        f"{plural(ops.threads, 'BLAS thread')}: {short} "
        f"{gain(head.speedup, 'with one')}{spread}"
    )


def thread_settings_summary(s: ThreadSettings) -> str:
    """When the BLAS library reads its thread-count variable."""
    text = (
        f"A fresh Python with no thread variable set started its BLAS with "
        f"{plural(s.default, 'thread')}. "
    )
    if s.default == s.value:
        counts = (s.from_variable, s.set_after_import, s.threadpoolctl)
        counts += (s.after_threadpoolctl,)
        steps = (
            f"`{s.variable}={s.value}` set before start, the variable set once NumPy "
            f"had loaded, `with threadpool_limits({s.value})` and after it"
        )
        if len(set(counts)) == 1 and counts[0] == s.value:
            seen = f"every later count was {s.value} too (with {steps})"
        else:
            seen = (
                f"the later counts were {s.from_variable}, {s.set_after_import}, "
                f"{s.threadpoolctl} and {s.after_threadpoolctl} (with {steps})"
            )
        return text + (
            f"That is already the count the experiment asks for, and {seen}, so "
            f"this copy cannot show the difference between them. On a machine "
            f"whose default is higher, the same experiment tells them apart."
        )
    if s.from_variable == s.value:
        text += (
            f"With `{s.variable}={s.value}` set before it started, it used "
            f"{s.from_variable}. "
        )
    else:
        text += (
            f"With `{s.variable}={s.value}` set before it started, it still used "
            f"{s.from_variable}: this BLAS does not read that variable. "
        )
    if s.set_after_import == s.default:
        text += (
            "Setting the same variable from Python after NumPy had loaded changed "
            "nothing: the library had already read its settings. "
        )
    else:
        text += (
            f"Setting the variable after NumPy had loaded changed the count to "
            f"{s.set_after_import}, which this BLAS does unusually. "
        )
    text += (
        f"threadpoolctl changed it at run time: {s.threadpoolctl} inside the "
        f"`with threadpool_limits({s.value})` block, {s.after_threadpoolctl} again "
        f"after it."
    )
    return text
