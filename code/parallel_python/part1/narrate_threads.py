"""Sentences for Part 1's memory ladder, salad and race, computed from results.

Each function takes a result object and returns Markdown text, so the pages
say what was measured on the machine that built them. They are tested with
made-up results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

from ..core.protocol import Ratio
from ..core.readings import unsteady_note
from ..core.text import (
    SAME,
    cpus_phrase,
    duration,
    gain_shown,
    interval,
    loss_shown,
    measured,
    percent,
    plural,
    setting,
    size,
)
from .memory_ladder import DROP_FADVISE, MemoryLadder
from .race import Race
from .salad import WAIT, WORK, Salad


def _verdict(ratio: Ratio) -> str:
    """'faster' or 'slower' when the rounds agree on it (:func:`gain_shown`,
    :func:`loss_shown`); else 'no speed-up', or 'no measurable speed-up'
    when the median is off 1 but its interval holds 1."""
    if gain_shown(ratio):
        return "faster"
    if loss_shown(ratio):
        return "slower"
    if abs(ratio.median - 1) < SAME:
        return "no speed-up"
    return "no measurable speed-up"


# --- the memory ladder -----------------------------------------------------


def ladder_summary(m: MemoryLadder) -> str:
    """How much further away each rung of the ladder was."""
    cache, ram = m.get("cache"), m.get("RAM")
    disk, warm = m.get("disk"), m.get("page cache")
    largest = m.largest_cache_bytes
    if largest is None:
        where = "larger than most CPUs' caches"
    elif ram.size_bytes > largest:
        where = f"larger than this machine's largest cache ({size(largest)})"
    else:
        where = (
            f"no larger than this machine's largest cache ({size(largest)}), so "
            "some of its reads may have come from that cache, not main memory"
        )
    text = (
        f"A random read from the {size(cache.size_bytes)} array took "
        f"{duration(cache.ns_per_access * 1e-9)}, and from the "
        f"{size(ram.size_bytes)} array, {where}, "
        f"{duration(ram.ns_per_access * 1e-9)}: "
        f"{measured(m.ratio('RAM', 'cache'))} times as long. "
    )
    text += (
        f"Reading 8 bytes from the file took {duration(disk.ns_per_access * 1e-9)} "
        f"the first time and {duration(warm.ns_per_access * 1e-9)} once the file "
        f"had been read; "
    )
    cold_over_warm = m.ratio("disk", "page cache")
    if m.drop_method != DROP_FADVISE:
        text += (
            "this system offers no way to ask the kernel to forget the file, so "
            "the first reads may have come from the page cache too, and the "
            "difference between them means little."
        )
    elif cold_over_warm >= 3:
        text += (
            f"the first reads, made after asking the kernel to drop the file from "
            f"its page cache, went past it to the disk (on a virtual machine the "
            f"host may still serve them from a cache of its own) and were "
            f"{measured(cold_over_warm)} times slower. Even a read from the page "
            f"cache, in main memory, took "
            f"{measured(m.ratio('page cache', 'RAM'))} times as long as a random read "
            f"from the {size(ram.size_bytes)} array. Each file read is a call "
            f"into the operating system made from a Python loop, a cost the "
            f"in-memory reads do not pay; this run does not measure how much of "
            f"the gap that call accounts for."
        )
    else:
        text += (
            f"the first reads, made after asking the kernel to drop the file from "
            f"its page cache, were only {measured(cold_over_warm)} times slower than "
            f"reads from the page cache, not the gap of a real disk read. The "
            f"kernel may ignore that request, and a virtual machine's host keeps a "
            f"cache of its own: some cache may still have served them, and this "
            f"run cannot tell which."
        )
    for rung in m.rungs:
        if rung.rough:
            text += (
                f" The {plural(rung.timing.repeats, 'run')} of the rung "
                f"“{rung.name}” differed by {percent(rung.timing.spread)}, "
                "slowest against fastest: the ladder uses the fastest, so take "
                "its ratios as rough."
            )
    return text


def _about(x: float) -> str:
    """A rough count: two figures below 10 (``7.5``), whole above (``23``)."""
    return f"{x:.2g}" if x < 10 else f"{x:,.0f}"


def ladder_kitchen_terms(m: MemoryLadder) -> str:
    """The cache-to-disk ratio in kitchen time: one second at the countertop."""
    far = m.ratio("disk", "cache")
    text = (
        f"In kitchen terms: if a read from the tiny countertop "
        f"({duration(m.get('cache').ns_per_access * 1e-9)}) took one second, a "
        f"first read from the pantry ({duration(m.get('disk').ns_per_access * 1e-9)})"
        f" would take {measured(far)} seconds"
    )
    if far >= 2 * 3600:
        text += f", about {_about(far / 3600)} hours"
    elif far >= 120:
        text += f", about {_about(far / 60)} minutes"
    return text + "."


def ladder_table(m: MemoryLadder) -> str:
    """The ladder as a Markdown table."""
    lines = [
        "| where the data was | size | reads per run | best per read | spread |",
        "|---|--:|--:|--:|--:|",
    ]
    for r in m.rungs:
        lines.append(
            f"| {r.name} | {size(r.size_bytes)} | {r.accesses:,} "
            f"| {duration(r.ns_per_access * 1e-9)} | {percent(r.timing.spread)} |"
        )
    repeats = m.rungs[0].timing.repeats if m.rungs else 0
    lines += [
        "",
        f"Best of {repeats} runs; spread = (slowest − fastest) / fastest. "
        f"The cold file runs were made cold with {m.drop_method}.",
    ]
    return "\n".join(lines)


# --- the salad -------------------------------------------------------------


def salad_summary(s: Salad, cpus: int | None = None) -> str:
    """What overlapped when the salad was made with threads, and what did not
    (``cpus`` defaults to the CPUs recorded in the result)."""
    cpus = s.cpus if cpus is None else cpus
    seq, thr = s.sequential_totals.best, s.threaded_totals.best
    waiting = s.seconds_of(WAIT)
    work_alone = s.seconds_of(WORK)
    work_threaded = s.seconds_of(WORK, s.threaded)
    text = (
        f"One step after another, the salad took {duration(seq)}; with one thread "
        f"per step, {duration(thr)} (fastest runs). Round by round, the threads "
        f"made it {interval(s.speedup, s.ratio.low, s.ratio.high)} as fast, the "
        f"median of {plural(s.ratio.rounds, 'paired round')} with its 90 % "
        f"interval (the figure to quote; the two fastest runs, from different "
        f"rounds, need not give the same ratio). "
    )
    text += unsteady_note("The threads'", s.ratio, stated=True)
    waits = [r for r in s.threaded.steps if r.kind == WAIT]
    overlapped = any(
        x.start < y.end and y.start < x.end
        for i, x in enumerate(waits)
        for y in waits[i + 1 :]
    )
    if overlapped:
        text += (
            f"In the threaded run, waiting steps overlapped (the sequential run "
            f"spent {duration(waiting)} waiting in all), and that is where the "
            f"time was saved. "
        )
    else:
        text += (
            f"No two waiting steps overlapped in the threaded run (the sequential "
            f"run spent {duration(waiting)} waiting in all). "
        )
    works = [r for r in s.threaded.steps if r.kind == WORK]
    met = any(
        x.start < y.end and y.start < x.end
        for i, x in enumerate(works)
        for y in works[i + 1 :]
    )
    if met and work_threaded > work_alone * (1 + SAME):
        text += (
            f"The work did not overlap: the work steps took {duration(work_alone)} "
            f"in all when each ran alone, but their bars in the threaded run add "
            f"up to {duration(work_threaded)}, because steps that ran at the same "
            f"time took turns. "
        )
    elif met and s.gil_enabled:
        text += (
            f"Work steps met, and their bars add up to about the time they took "
            f"alone ({duration(work_threaded)} against {duration(work_alone)}): "
            f"with the GIL they took turns while they met, and they met only "
            f"briefly, so the turns cost little. "
        )
    elif met:
        text += (
            f"Work steps met, and their bars add up to about the time they took "
            f"alone ({duration(work_threaded)} against {duration(work_alone)}): "
            f"with the GIL off they ran at the same time. "
        )
    else:
        text += (
            f"The work steps took about as long in the threaded run "
            f"({duration(work_threaded)}) as alone ({duration(work_alone)}): in "
            f"this run they happened not to meet. "
        )
    if cpus == 1:
        text += (
            "This build had one CPU, so the work could not have overlapped even "
            "without the GIL. "
        )
    text += (
        f"With enough CPUs and no GIL, only the order of the steps would have "
        f"limited the salad: its longest chain of steps took "
        f"{duration(s.critical_path)}."
    )
    return text


def salad_reading(s: Salad, cpus: int | None = None) -> str:
    """Why the threaded salad took longer than its longest chain of steps,
    for this build's CPUs and GIL (``cpus`` defaults to the result's)."""
    cpus = s.cpus if cpus is None else cpus
    thr, path = duration(s.threaded_totals.best), duration(s.critical_path)
    if s.threaded_totals.best <= s.critical_path * (1 + SAME):
        text = (
            f"The threaded salad took {thr}, close to the {path} its longest "
            f"chain of steps allows: in this run the work steps hardly had to "
            f"share. "
        )
        if cpus == 1:
            text += "With one CPU, work steps that meet can only take turns."
        return text
    text = f"The threaded salad took {thr}, not the {path} the recipe alone would allow"
    if cpus == 1:
        text += (
            ": this build had one CPU, so work steps that met could only take "
            "turns on it, GIL or no GIL. "
        )
        if s.gil_enabled:
            text += (
                "With more CPUs they would still take turns in this Python, "
                "because only the thread holding its GIL may run Python code."
            )
        else:
            text += (
                "This Python ran without the GIL, so with more CPUs the work "
                "steps could run side by side."
            )
        return text
    if s.gil_enabled:
        return text + (
            f". It was not for want of CPUs: this build could use "
            f"{cpus_phrase(cpus)}, yet only the thread holding the GIL may run "
            f"Python code, so the work steps took turns."
        )
    return text + (
        f". This Python ran without the GIL, so on the {cpus_phrase(cpus)} "
        f"this build could use the work steps could run side by side: what "
        f"remains is the cost of starting and coordinating the threads, and "
        f"the noise of the machine."
    )


# --- the race --------------------------------------------------------------


def race_summary(r: Race) -> str:
    """How many updates were lost without a lock, with one, and with ``+= 1``."""
    lost = sorted(r.lost_unsafe)
    text = (
        f"{plural(r.threads, 'thread')} each added one {r.increments:,} times, "
        f"so the counter should have reached {r.expected:,}. "
    )
    if lost[-1] == 0:
        text += (
            f"Without a lock, this time no update was lost in "
            f"{plural(r.trials, 'trial')}. That does not make the code correct: "
            f"the race is still "
            f"there, waiting for another machine or another Python. "
        )
    else:
        low, high = lost[0], lost[-1]
        span = f"{low:,}" if low == high else f"between {low:,} and {high:,}"
        where = "in the one trial" if r.trials == 1 else f"in each of {r.trials} trials"
        lost_verb = "update was" if low == high == 1 else "updates were"
        text += (
            f"Without a lock, {span} {lost_verb} lost {where} (up to "
            f"{percent(r.lost_fraction_max)} of them). "
        )
        clean = sum(1 for x in lost if x == 0)
        if clean:
            text += (
                f"In {plural(clean, 'trial')} none was lost: a race shows up "
                f"only sometimes, which is what makes it dangerous. "
            )
    if max(r.lost_locked) == 0:
        text += (
            f"With a `threading.Lock` around the read, the call and the write, "
            f"none was lost in {plural(r.trials, 'trial')}."
        )
    else:
        text += (
            f"With the lock, {max(r.lost_locked):,} "
            f"{'update was' if max(r.lost_locked) == 1 else 'updates were'} "
            f"still lost, which should be impossible: please report it."
        )
    return text


def naive_summary(r: Race) -> str:
    """What the naive ``counter.value += 1`` did, and why that proves nothing."""
    worst = max(r.lost_naive)
    if r.gil_enabled and worst == 0:
        return (
            f"The naive `counter.value += 1` lost no update in "
            f"{plural(r.trials, 'trial')} on this Python ({r.python}, GIL on), "
            f"even with the switch interval at {setting(r.switch_interval)}. "
            f"Since Python 3.10, CPython hands the GIL over only when a call "
            f"returns, where a loop jumps back and (since 3.11) where a function "
            f"starts, and there is no such point between the read and the write "
            f"of a `+=` on a plain attribute. That is a property of one "
            f"implementation, not a promise of the language."
        )
    if worst == 0:
        return (
            f"The naive `counter.value += 1` lost no update in "
            f"{plural(r.trials, 'trial')} on this Python ({r.python}, GIL off). "
            f"Without the GIL that is luck: the race is there."
        )
    return (
        f"The naive `counter.value += 1` lost up to "
        f"{worst:,} update{'' if worst == 1 else 's'} on this "
        f"Python ({r.python}, GIL {'on' if r.gil_enabled else 'off'}): "
        f"`+=` is not atomic."
    )


# --- the GIL ---------------------------------------------------------------


# --- NumPy's trick ---------------------------------------------------------


# --- processes ----------------------------------------------------------------
