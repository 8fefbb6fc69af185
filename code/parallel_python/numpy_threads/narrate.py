"""Sentences computed from Part A's results, true on 1, 2 or 64 CPUs."""

from __future__ import annotations

from ..core.machine import Machine
from ..core.protocol import check_speedup
from ..core.text import SAME, cpus_phrase, gain, percent, plural, times
from .blas import BlasSweep, Operations, ThreadSettings


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
            f"take turns."
        )
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
            f"no real speed-up (its rounds ranged from {r.band_low:.2f}× to "
            f"{r.band_high:.2f}×)."
        )
    else:
        text += f"a parallel efficiency of {percent(e)}, {_efficiency_word(e)}."
    over = [x for x in sweep.threads if x > sweep.cpus]
    if over:
        o = max(over)
        ratio = sweep.point(n, o).timing.best / sweep.point(n, t).timing.best
        if ratio > 1 + SAME:
            text += (
                f" Asking for {o} threads, more than there are CPUs, made it "
                f"slower: {ratio:.2f} times the time of {t} threads."
            )
        elif ratio < 1 - SAME:
            text += (
                f" Asking for {o} threads, more than there are CPUs, was faster "
                f"still ({1 / ratio:.2f}×) in this run."
            )
        else:
            text += (
                f" Asking for {o} threads, more than there are CPUs, gained "
                f"nothing: the time stayed within {percent(SAME)}."
            )
    small = min(sweep.sizes)
    if small != n:
        s_small = sweep.speedup(small, t)
        one_ms = sweep.point(small, 1).timing.best * 1e3
        if s_small < 1 - SAME:
            text += (
                f" The smallest product, {small} × {small}, even ran "
                f"{1 / s_small:.1f} times slower with {plural(t, 'thread')}: on one "
                f"thread it takes {one_ms:.2f} ms, so any wait for the other "
                f"threads to get a CPU and meet costs more than the work they share."
            )
        elif s_small < s - SAME:
            text += (
                f" The smallest product, {small} × {small}, gained less "
                f"({times(s_small)}): on one thread it takes {one_ms:.2f} ms, so "
                f"starting and synchronising threads weighs more."
            )
    return text + above_the_ideal(sweep)


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
                    f"(interval {r.low:.2f}–{r.high:.2f}×): above the ideal of "
                    f"{t}×, an efficiency of {percent(r.median / t)}. That is "
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
            f"{one:.0f} GFLOP/s."
        )
    return (
        f"In numbers: one thread multiplied the {n} × {n} matrices at {one:.0f} "
        f"GFLOP/s, and {t} threads at {sweep.point(n, t).gflops:.0f} GFLOP/s."
    )


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
                f"{times(op.speedup)} as fast as with one."
            )
        elif op.speedup <= 1 - SAME:
            parts.append(
                f"With {ops.threads} BLAS threads the {op.name} ran slower "
                f"({times(op.speedup)}) than with one: at this size, or on a busy "
                f"machine, waiting for the extra threads cost more than they gave."
            )
        else:
            parts.append(
                f"With {ops.threads} BLAS threads the {op.name} did not run "
                f"faster ({times(op.speedup)}): at this size, or on a busy "
                f"machine, the extra threads did not pay."
            )
    steady = [op for op in other if abs(op.speedup - 1) < SAME]
    noisy = [op for op in other if op not in steady]
    if steady:
        worst = max(abs(op.speedup - 1) for op in steady)
        names = ", ".join(op.name for op in steady)
        parts.append(
            f"The {names} kept their one-thread speed to within {percent(worst)}: "
            f"NumPy runs them in the calling thread, whatever the BLAS setting."
        )
    if noisy:
        names = ", ".join(f"{op.name} ({times(op.speedup)})" for op in noisy)
        parts.append(
            f"The {names} changed by more than {percent(SAME)}, yet never calls "
            f"BLAS: that difference is noise from the machine, not threads."
        )
    return " ".join(parts)


def operations_takeaway(ops: Operations) -> str:
    """The operations figure's title (two lines): only the BLAS operation can gain."""
    others = [op.speedup for op in ops.operations if not op.uses_blas]
    spread = ""
    if others:
        low, high = min(others), max(others)
        span = times(low) if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f}×"
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
            text += ", so there are no hyper-threads"
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
            "only take turns on it, so they cannot add speed."
        )
    else:
        text += (
            "Without hyper-threads, the curve can climb up to the CPUs "
            "available and no further: beyond them, threads take turns."
        )
    return text


def sweep_table(sweep: BlasSweep) -> str:
    """Every point of the sweep as a Markdown table, with the spread.

    A column for the threads in effect appears only where BLAS did not grant
    the count asked for.
    """
    granted = any(p.threads_in_effect != p.threads for p in sweep.points)
    head = ["n", "threads", *(["in effect"] if granted else [])]
    head += ["best ms", "median ms", "spread", "speed-up", "efficiency", "GFLOP/s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "--:|" * len(head)]
    for p in sweep.points:
        cells = [str(p.size), str(p.threads)]
        cells += [str(p.threads_in_effect)] if granted else []
        cells += [
            f"{p.timing.best * 1e3:.2f}",
            f"{p.timing.median * 1e3:.2f}",
            percent(p.timing.spread),
            times(sweep.speedup(p.size, p.threads)),
            percent(sweep.efficiency(p.size, p.threads)),
            f"{p.gflops:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    repeats = sweep.points[0].timing.repeats if sweep.points else 0
    lines.append("")
    lines.append(
        f"Best and median of {plural(repeats, 'timed run')} after warm-up; spread = "
        f"(slowest − fastest) / fastest."
    )
    return "\n".join(lines)
