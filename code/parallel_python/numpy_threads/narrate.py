"""Sentences computed from Part A's results, true on 1, 2 or 64 CPUs."""

from __future__ import annotations

from ..core.machine import Machine
from ..core.readings import unsteady_note
from ..core.sanity import check_speedup
from ..core.text import (
    SAME,
    cpus_phrase,
    dropdown,
    duration,
    gain,
    intervals_overlap,
    loss_shown,
    measured,
    percent,
    plural,
    ratio_text,
    table,
    times,
)
from .blas import BlasSweep
from .narrate_ops import (
    first_lesson,
    operations_summary,
    operations_takeaway,
    thread_settings_summary,
)

__all__ = [
    "above_the_ideal",
    "best_threads",
    "beyond_the_cpus",
    "blas_sweep_summary",
    "cpus_phrase",
    "first_lesson",
    "operations_summary",
    "operations_takeaway",
    "sweep_rates",
    "sweep_table",
    "sweep_takeaway",
    "thread_curve_reading",
    "thread_settings_summary",
]


def _efficiency_word(eff: float) -> str:
    if eff >= 0.9:
        return "close to perfect"
    if eff >= 0.7:
        return "good, though short of perfect"
    if eff >= 0.5:
        return "mediocre"
    return "poor"


def blas_sweep_summary(sweep: BlasSweep) -> str:
    """What the matrix-multiply sweep showed, for the largest size."""
    n = sweep.largest
    if sweep.cpus == 1:
        most = max(sweep.threads)
        s = sweep.speedup(n, most)
        return (
            f"This build could use only one CPU, so extra BLAS threads had no "
            f"core of their own: with {most} threads the {n} × {n} multiply ran "
            f"at {times(s)} the one-thread speed. With one CPU, threads can only "
            f"take turns; they cannot run side by side."
        ) + beyond_the_cpus(sweep)
    t = sweep.threads_at_cpus
    s = sweep.speedup(n, t)
    e = sweep.efficiency(n, t)
    text = (
        f"With {t} BLAS threads on the {cpus_phrase(sweep.cpus)} this build could "
        f"use, the {n} × {n} multiply ran {times(s)} as fast as with one thread: "
    )
    if s < 1 + SAME:
        r = sweep.ratio(n, t)
        text += (
            "no real speed-up (the middle 80 % of its rounds ranged from "
            f"{times(r.band_low)} to {times(r.band_high)})."
        )
    else:
        text += f"a parallel efficiency of {percent(e)}, {_efficiency_word(e)}."
    note = unsteady_note("Its", sweep.ratio(n, t))
    if note:
        text += " " + note.rstrip()
    over = [x for x in sweep.threads if x > sweep.cpus]
    if over:
        o = max(over)
        ro, rt = sweep.ratio(n, o), sweep.ratio(n, t)
        shown = ratio_text(ro)
        # a gain or loss needs intervals apart and medians SAME apart
        apart = intervals_overlap(ro, rt) == "no" and not (
            abs(ro.median / rt.median - 1) < SAME
        )
        if apart and ro.median < rt.median:
            text += (
                f" Asking for {o} threads, more than there are CPUs, made it "
                f"slower: {shown} as fast as one thread, against {times(s)} "
                f"with {t}."
            )
        elif apart:
            text += (
                f" Asking for {o} threads, more than there are CPUs, was faster "
                f"still in this run: {shown} as fast as one thread."
            )
        else:
            text += (
                f" Asking for {o} threads, more than there are CPUs, did no "
                f"better than {t} as far as this run can tell: {shown} as fast "
                f"as one thread, against {ratio_text(rt)} with {t} (the two "
                "intervals overlap)."
            )
    small = min(sweep.sizes)
    if small != n:
        s_small = sweep.speedup(small, t)
        one = duration(sweep.point(small, 1).timing.best)
        if s_small < 1 - SAME:
            text += (
                f" The smallest product, {small} × {small}, even ran "
                f"{measured(1 / s_small)} times slower with "
                f"{plural(t, 'thread')}: on one thread it takes {one}, so any wait "
                f"for the other threads to get a CPU and meet costs more than the "
                f"work they share."
            )
        elif s_small < s - SAME:
            text += (
                f" The smallest product, {small} × {small}, gained less "
                f"({times(s_small)}): on one thread it takes {one}, so "
                f"starting and synchronising threads weighs more."
            )
        if over and loss_shown(sweep.ratio(small, max(over))):
            o = max(over)
            text += (
                f" With {o} threads, more than there are CPUs, the {small} × "
                f"{small} product ran {measured(1 / sweep.speedup(small, o))} "
                "times slower than on one thread: the oversubscription that "
                "Part C measures, at its worst on the shortest work."
            )
    return text + above_the_ideal(sweep) + beyond_the_cpus(sweep)


def _beyond(sweep: BlasSweep) -> list[tuple[int, int]]:
    """(size, threads) points whose interval lies wholly above min(threads, CPUs)."""
    return [
        (n, t)
        for n in sweep.sizes
        for t in sweep.threads
        if t > 1
        and check_speedup(
            sweep.ratio(n, t), workers=t, cpus=sweep.cpus, kind="cpu"
        ).reason
        == "above the limit"
    ]


def beyond_the_cpus(sweep: BlasSweep) -> str:
    """Flag points faster than the CPUs can make them (the min(threads, CPUs) rule)."""
    text = ""
    base = min(sweep.threads)
    for n, t in _beyond(sweep):
        r = sweep.ratio(n, t)
        text += (
            f" At {n} × {n}, {plural(t, 'thread')} measured {times(r.median)} "
            f"({measured(r.low)}–{measured(r.high)}), wholly above the "
            f"{min(t, sweep.cpus)}× that {cpus_phrase(sweep.cpus)} can give: that "
            f"point is flagged as suspect, not as threads gaining."
        )
        rates = [sweep.point(m, base).gflops for m in sweep.sizes if m != n]
        if rates:
            low, high = min(rates), max(rates)
            span = (
                measured(low)
                if measured(low) == measured(high)
                else f"{measured(low)}–{measured(high)}"
            )
            text += (
                f" Its {'one' if base == 1 else base}-thread run reached "
                f"{measured(sweep.point(n, base).gflops)} GFLOP/s, against "
                f"{span} GFLOP/s at the other sizes; repeat the point before "
                f"trusting it."
            )
    return text


def above_the_ideal(sweep: BlasSweep) -> str:
    """Points whose speed-up interval lies wholly above the thread count."""
    text = ""
    for n in sweep.sizes:
        for t in sweep.threads:
            if t < 2:
                continue
            r = sweep.ratio(n, t)
            verdict = check_speedup(r, workers=t, cpus=sweep.cpus, kind="cpu")
            if verdict.reason == "above the ideal":
                text += (
                    f" At {n} × {n}, {plural(t, 'thread')} measured {times(r.median)} "
                    f"({measured(r.low)}–{measured(r.high)}): above the "
                    f"ideal of {t}×, an efficiency of {percent(r.median / t)}. That is "
                    f"reported as measured: each thread's share of that product "
                    f"ran faster than the whole product did on one thread."
                )
    return text


def sweep_takeaway(sweep: BlasSweep) -> str:
    """The sweep figure's title: what more BLAS threads did for the largest size."""
    n = sweep.largest
    if sweep.cpus == 1:
        most = max(sweep.threads)
        return (
            f"One CPU: at n = {n}, {plural(most, 'BLAS thread')} "
            f"{gain(sweep.speedup(n, most), 'one')}"
        )
    t = sweep.threads_at_cpus
    if t == 1:
        return f"n = {n}: only 1 BLAS thread was measured within the CPUs"
    return (
        f"n = {n}: {plural(t, 'BLAS thread')} (one per CPU) "
        f"{gain(sweep.speedup(n, t), 'one')}"
    )


def sweep_rates(sweep: BlasSweep) -> str:
    """The arithmetic rates behind the largest product's speed-up."""
    n, t = sweep.largest, sweep.threads_at_cpus
    one = sweep.point(n, 1).gflops
    if t == 1:
        return (
            f"In numbers: one thread multiplied the {n} × {n} matrices at "
            f"{measured(one)} GFLOP/s."
        )
    return (
        f"In numbers: one thread multiplied the {n} × {n} matrices at "
        f"{measured(one)} GFLOP/s, and {t} threads at "
        f"{measured(sweep.point(n, t).gflops)} GFLOP/s."
    )


def best_threads(sweep: BlasSweep, size: int) -> int:
    """The thread count with the fastest time at ``size``."""
    return min(sweep.threads, key=lambda t: sweep.point(size, t).timing.best)


def thread_curve_reading(sweep: BlasSweep, machine: Machine) -> str:
    """What the sweep says about this machine's cores and hyper-threads."""
    n = sweep.largest
    logical, physical = machine.logical_cpus, machine.physical_cores
    text = f"This machine reports {plural(logical, 'logical CPU')}"
    if physical:
        text += f" and {plural(physical, 'physical core')}"
        if logical > physical:
            text += (
                f", so each core runs {logical // physical} hardware threads "
                f"(hyper-threads)"
            )
        else:
            text += (
                ", so it shows no hyper-threads (a virtual machine hides how "
                "the host lays out its CPUs)"
            )
    text += f"; this build could use {cpus_phrase(machine.available_cpus)}. "
    best = best_threads(sweep, n)
    text += (
        f"For the {n} × {n} multiply the fastest time came with "
        f"{plural(best, 'thread')} ({times(sweep.speedup(n, best))} the "
        f"one-thread speed). "
    )
    if physical and logical > physical and machine.available_cpus > physical:
        text += (
            "Hyper-threads share one core's arithmetic units, so a BLAS kernel "
            "that already keeps a core busy gains little from the second "
            "hardware thread: expect the curve to flatten at the physical cores."
        )
    elif machine.available_cpus == 1:
        text += (
            "With one CPU, extra threads have no core of their own: they can "
            "only take turns on it; they cannot run side by side."
        )
        flagged = _beyond(sweep)
        if flagged:
            points = ", ".join(
                f"n = {n}: {times(sweep.speedup(n, t))}" for n, t in flagged
            )
            text += (
                f" Any figure above 1× here ({points}) is beyond what one CPU can "
                f"give and is flagged as suspect."
            )
    else:
        text += (
            "Without hyper-threads, the curve can climb up to the CPUs "
            "available and no further: beyond them, threads take turns."
        )
    return text


def sweep_table(sweep: BlasSweep) -> str:
    """Every point of the sweep as a Markdown table of five columns, with the
    median, spread and efficiency in a dropdown.

    Where BLAS did not grant the count asked for, the threads column shows
    both: ``4 (2 in effect)``.
    """
    rows, more = [], []
    for p in sweep.points:
        threads = str(p.threads)
        if p.threads_in_effect != p.threads:
            threads += f" ({p.threads_in_effect} in effect)"
        rows.append(
            [
                str(p.size),
                threads,
                duration(p.timing.best),
                times(sweep.speedup(p.size, p.threads)),
                measured(p.gflops),
            ]
        )
        more.append(
            [
                str(p.size),
                threads,
                duration(p.timing.median),
                percent(p.timing.spread),
                percent(sweep.efficiency(p.size, p.threads)),
            ]
        )
    rounds = sorted({p.timing.repeats for p in sweep.points}) or [0]
    runs = (
        plural(rounds[0], "timed run")
        if len(rounds) == 1
        else f"{rounds[0]}–{rounds[-1]} timed runs (rounds per size)"
    )
    main = table(["n", "threads", "best", "speed-up", "GFLOP/s"], rows, "rrrrr")
    legend = (
        f"n × n matrices; best of {runs} after warm-up; "
        f"speed-up over one thread at the same n: the median of the rounds' "
        f"ratios (each round timed every thread count back to back), so it "
        f"need not equal the ratio of two times in the table."
    )
    details = table(["n", "threads", "median", "spread", "efficiency"], more)
    details += (
        "\n\nSpread = (slowest − fastest) / fastest; efficiency = speed-up / threads."
    )
    if any(p.timing.spread > 1 for p in sweep.points):
        details += (
            " A spread above 100 % means at least one run took more than twice "
            "the fastest; the speed-ups, medians of the rounds' ratios, move "
            "little for one slow run."
        )
    return "\n\n".join(
        [main, legend, dropdown("Median, spread and efficiency", details)]
    )
