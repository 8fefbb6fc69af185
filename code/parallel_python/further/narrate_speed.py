"""Sentences from the numba, MPI, free-threading and tool-comparison results."""

from __future__ import annotations

from ..core.text import (
    SAME,
    and_list,
    cpus_phrase,
    duration,
    gain,
    interval,
    measured,
    plural,
    times,
)
from .compare_tools import ToolComparison
from .freethreading import FreeThreading
from .mpi_demo import MpiRuns
from .numba_demo import NumbaRun


def short_times(x: float) -> str:
    """A factor for a figure title, as the text writes it: ``31.2×``,
    ``1.93×``, ``0.82×`` (one format in prose, tables and figures)."""
    return times(x)


def faster(x: float, again: str = "") -> str:
    """``x`` in a figure title: ``1.9× faster``, ``no faster``, ``slower (0.80×)``.

    Within :data:`SAME` of 1 counts as no change; ``again`` follows a real gain
    (``1.9× faster again``).
    """
    if x >= 1 + SAME:
        return f"{short_times(x)} faster" + (f" {again}" if again else "")
    if x <= 1 - SAME:
        return f"slower ({short_times(x)})"
    return "no faster"


def numba_title(r: NumbaRun) -> str:
    """The numba figure's takeaway: the compiler's gain, then the threads'."""
    serial = r.speedup("@njit")
    par = r.speedup("@njit(parallel=True)", "@njit")
    return (
        f"@njit: {faster(serial)} than Python; "
        f"parallel, {plural(r.threads, 'thread')}: {faster(par, 'again')}"
    )


def numba_figure_note(r: NumbaRun) -> str:
    """Below the numba figure: how many threads the parallel versions had."""
    cpus = cpus_phrase(r.cpus)
    if r.threads == 1:
        return (
            f"The three parallel versions ran on 1 thread ({cpus} available), like "
            "the others: every dot is black, and nothing ran side by side."
        )
    return (
        f"The three parallel versions (blue dots) ran on {plural(r.threads, 'thread')}"
        f" ({cpus} available), the others (black) on one; whether the threads ran "
        "side by side, their times say."
    )


def numba_summary(r: NumbaRun) -> str:
    serial = r.speedup("@njit")
    par = r.speedup("@njit(parallel=True)", "@njit")
    nogil = r.speedup("@njit(nogil=True), threads", "@njit")
    held = r.speedup("@njit (GIL held), threads", "@njit")
    text = (
        f"Compiled with `@njit`, the loop ran {measured(serial)} times as fast per "
        f"point as pure Python, and {measured(r.speedup('@njit', 'NumPy'))} times "
        f"as fast as "
        f"NumPy, which makes whole temporary arrays. Compiling took "
        f"{duration(r.total_compile)} for all four versions together, paid once "
        "per process. "
    )
    if r.threads == 1:
        text += (
            f"With {cpus_phrase(r.cpus)}, the parallel versions had one thread "
            f"each: `prange` gave {times(par)} and the `nogil` threads "
            f"{times(nogil)} of the serial loop's speed, nothing to gain here. "
        )
        return text
    text += (
        f"On {r.threads} threads, `parallel=True` ran "
        f"{gain(par, 'the serial compiled loop')}, and the `nogil=True` loop in "
        f"{r.threads} Python threads {gain(nogil, 'the serial compiled loop')}. "
    )
    if min(par, nogil) <= 1 - SAME:
        text += (
            "A parallel loop is only as fast as its slowest thread: a thread that "
            "has to wait for a CPU holds up the whole loop. "
        )
    if held < nogil * (1 - SAME):
        text += (
            f"The same compiled loop holding the GIL reached only {times(held)}: "
            "the threads took turns."
        )
    else:
        text += (
            f"Holding the GIL, the threads reached {times(held)}, no slower than "
            "the `nogil` threads in this run."
        )
    return text


def mpi_summary(m: MpiRuns) -> str:
    k = m.most
    r = m.run(k)
    first = m.runs[0]
    s_k = m.speedup(k)
    text = (
        f"With {plural(k, 'rank')}, `mpiexec` ran the integration of "
        f"{m.n:,} points in {duration(r.compute.median)} (the slowest rank, "
        f"median of {plural(r.compute.repeats, 'round')}), against "
        f"{duration(r.serial.median)} for the plain serial loop on rank 0 alone "
        f"in the same rounds: {gain(s_k, 'the serial loop')} (90 % interval "
        f"{times(m.ratio(k).low)}–{times(m.ratio(k).high)}). "
    )
    if k > 1:
        ideal = m.ideal
        if ideal <= 1:
            text += (
                f"With {cpus_phrase(m.cpus)} the ranks could only take turns, so "
                "no speed-up was possible. "
            )
        elif s_k >= 0.8 * ideal:
            text += (
                f"That is close to the ideal {times(ideal)} on {cpus_phrase(m.cpus)}. "
            )
        else:
            text += (
                f"The ideal on {cpus_phrase(m.cpus)} is {times(ideal)}; since this "
                "time leaves the launch out, the shortfall is not MPI's start-up. "
            )
    text += (
        f"The whole launch, starting {plural(k, 'Python process', 'Python processes')} "
        f"and MPI, took {duration(r.wall_seconds)}. "
    )
    equal = all(x.value == first.value for x in m.runs)
    text += (
        "Every run gave the same answer to the last bit (with these chunk "
        "sums, grouping them by rank happened not to change the rounding)."
        if equal
        else "The answers differed in the last digits: each rank adds its own "
        "chunks first, and floating-point addition depends on the grouping."
    )
    return text


def mpi_launch(m: MpiRuns) -> str:
    """The launch of the largest run against the computation inside it."""
    r = m.run(m.most)
    compute = sum(r.compute.times) + sum(r.serial.times)
    runs = r.compute.repeats
    text = (
        f"The launch with {plural(r.ranks, 'rank')}, from starting `mpiexec` to "
        f"its exit, took {duration(r.wall_seconds)}; the "
        f"{plural(runs, 'timed round')} inside it (rank 0 alone, then all "
        f"ranks) {duration(compute)}{' together' if runs > 1 else ''}. "
    )
    if compute < r.wall_seconds / 2:
        text += (
            "Most of the launch went to starting and ending the processes: for a "
            "job this short, the launch dominates, as starting any process pool "
            "does. MPI jobs are meant to run for minutes to days."
        )
    else:
        text += (
            "Most of the launch went to computing: at this size the start-up "
            "already weighs less than the work, and it weighs less still in the "
            "jobs of minutes to days that MPI is meant for."
        )
    return text


def free_threading_summary(f: FreeThreading) -> str:
    k = f.workers
    s = f.threads_speedup
    if f.free_threaded_build:
        kind = f"a free-threaded build of Python {f.python}"
        kind += (
            " with the GIL off"
            if not f.gil_enabled
            else ", but with the GIL switched back on (an extension module that "
            "is not yet safe without it, or `PYTHON_GIL=1`)"
        )
    else:
        kind = (
            f"Python {f.python}, a standard build: the GIL is always on, and "
            "there is no switch to turn it off"
        )
    text = f"The interpreter that built this page is {kind}. "
    if k == 1:
        text += "Only one task was measured, so there was nothing to run side by side. "
    elif f.cpus == 1:
        text += (
            f"Part 1's experiment ran {k} pure-Python tasks in "
            f"{plural(k, 'thread')} at {times(s)} the speed of one after another. "
            f"With one CPU, threads can only take turns, with or without the GIL: "
            "whether they run side by side needs two CPUs or more, so this build "
            "cannot show it. "
        )
    else:
        text += (
            f"Part 1's experiment ran {k} pure-Python tasks in {k} threads at "
            f"{times(s)} the speed of one after another"
        )
        if not f.gil_enabled:
            text += (
                ": without the GIL, the threads could use several CPUs."
                if s >= 1 + SAME
                else ": even without the GIL they did not run faster here."
            )
        else:
            text += ", because the GIL let one of them run at a time."
        text += " "
    if f.interpreters is not None:
        p = f.interpreters
        text += (
            f"In {plural(p.workers, 'subinterpreter')}, each with its own GIL, "
            f"the same tasks ran at {times(p.speedup)}. "
        )
    else:
        text += (
            "This Python has no `concurrent.interpreters` (that module arrived in "
            "3.14), so subinterpreters were not measured here."
        )
    return text


def tools_title(t: ToolComparison) -> str:
    """The tool figure's takeaway: the fastest tool, and the best in processes."""
    fastest = t.fastest
    text = f"Fastest: {fastest}, {short_times(t.speedup(fastest))}"
    by_process = [r for r in t.runs if r.tool in _PYTHON_IN_WORKERS[1:]]
    if by_process:
        best = max(by_process, key=lambda r: t.speedup(r.tool))
        if best.tool != fastest:
            text += (
                f"; process-based tools ({plural(best.workers, 'worker')}) at best: "
                f"{short_times(t.speedup(best.tool))}"
            )
    return text


def tools_figure_note(t: ToolComparison) -> str:
    """Below the tool figure: what ran with how many workers, on how many CPUs."""
    several = sorted({r.workers for r in t.runs if r.workers > 1})
    if not several:
        return (
            f"Every tool ran with one worker ({cpus_phrase(t.cpus)} available): "
            "nothing ran side by side, so every dot is black."
        )
    counts = " or ".join(plural(k, "worker") for k in several)
    single = [r.tool for r in t.runs if r.workers == 1 and r.tool != "pure Python"]
    text = (
        f"The tools that spread the work used {counts} each, with "
        f"{cpus_phrase(t.cpus)} available"
    )
    if single:
        text += f"; {and_list(single)} ran on one thread (black)"
    return text + "."


def _nbsp(text: str) -> str:
    """Keep a number and its unit on one line in a narrow table column."""
    return text.replace(" ", "\u00a0")


def tools_table(t: ToolComparison) -> str:
    lines = [
        "| Tool | Workers | Time | Speed-up | Start-up | Lines | Needs |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in t.runs:
        start = _nbsp(duration(r.startup)) if r.startup > 0 else "–"
        gain = times(t.speedup(r.tool))
        if r.ratio is not None:
            gain = _nbsp(interval(t.speedup(r.tool), r.ratio.low, r.ratio.high))
        lines.append(
            f"| {r.tool} | {r.workers} | {_nbsp(duration(r.timing.median))} | "
            f"{gain} | {start} | {r.lines} | {r.needs} |"
        )
    return "\n".join(lines)


def tools_summary(t: ToolComparison) -> str:
    fastest = t.fastest
    by_process = [r.tool for r in t.runs if r.tool in _PYTHON_IN_WORKERS[1:]]
    text = (
        f"On {cpus_phrase(t.cpus)}, the fastest way to this integral was "
        f"{fastest}, at {times(t.speedup(fastest))} the speed of pure Python. "
    )
    if by_process:
        best = max(by_process, key=t.speedup)
        s = t.speedup(best)
        ideal = min(t.workers, t.cpus)
        text += (
            f"Of the process-based tools, each with {plural(t.workers, 'worker')}, "
            f"{best} did best, with {times(s)}"
        )
        if t.workers == 1:
            text += (
                ": with one worker there is nothing to run side by side, so "
                "processes can only add their costs. "
            )
        elif ideal == 1:
            text += (
                ": with one CPU the workers can only take turns, so processes can "
                "only add their costs. "
            )
        elif s >= 0.8 * ideal:
            text += ", near the ideal. "
        else:
            text += (
                f", short of the ideal {times(ideal)}: starting the workers is left "
                "out of this time, but sending them the tasks and collecting the "
                "answers is in it. "
            )
    if "threads" in t.tools:
        text += threads_sentence(t)
    if {"numba @njit", "numba parallel=True"} <= set(t.tools):
        ratio = t.speedup("numba parallel=True") / t.speedup("numba @njit")
        if ratio <= 1 - SAME:
            serial = duration(t.run("numba @njit").timing.median)
            text += (
                "numba's `parallel=True` was slower than its serial loop here, "
                f"which took {serial}: sharing so short a loop out among "
                "threads cost more than it saved. "
            )
    text += serial_against_workers(t)
    return text


#: Tools that run the pure-Python loop in several threads or processes.
_PYTHON_IN_WORKERS = (
    "threads",
    "multiprocessing Pool",
    "joblib",
    "dask (LocalCluster)",
    "MPI (mpi4py)",
)


def threads_sentence(t: ToolComparison) -> str:
    """What the thread pool gave, and what it could give with its threads."""
    k = t.run("threads").workers
    s = t.speedup("threads")
    text = f"Threads gave {times(s)}"
    if k == 1:
        return text + (
            ": with one thread there is nothing to run side by side, only the "
            "pool's costs to add. "
        )
    if t.cpus == 1:
        return text + ": with one CPU, threads can only take turns, GIL or no GIL. "
    if s < 1 + SAME:
        return text + ": with the GIL, pure Python in threads takes turns. "
    return text + f" with {plural(k, 'thread')}. "


def serial_against_workers(t: ToolComparison) -> str:
    """A fast loop on one core against pure Python on the workers measured."""
    fast = [x for x in ("NumPy", "numba @njit") if x in t.tools]
    spread = [x for x in _PYTHON_IN_WORKERS if x in t.tools]
    rule = "make the serial code fast first, then parallelise it."
    if not fast or not spread:
        return "Whatever the machine: " + rule
    f = max(fast, key=t.speedup)
    w = max(spread, key=t.speedup)
    workers = plural(t.workers, "worker")
    multiply = (
        "Given a CPU each, workers multiply whatever speed the loop has, so " + rule
    )
    if min(t.workers, t.cpus) == 1:
        alone = "on one CPU" if t.cpus == 1 else "with one worker each"
        return (
            f"Making the loop itself fast did more than spreading it: {f} on one "
            f"core reached {times(t.speedup(f))}, while no tool that runs pure "
            f"Python in workers could gain {alone} (the best, {w}, "
            f"{times(t.speedup(w))}). {multiply}"
        )
    if t.speedup(f) > t.speedup(w):
        return (
            f"Making the loop itself fast did more than spreading it over "
            f"{workers}: {f} on one core reached {times(t.speedup(f))}, while the "
            f"best tool that spread pure Python over them, {w}, reached "
            f"{times(t.speedup(w))}. {multiply}"
        )
    return (
        f"Here pure Python on {workers} ({w}, {times(t.speedup(w))}) beat the "
        f"fastest one-core version ({f}, {times(t.speedup(f))}): with this many "
        "CPUs, workers can outrun a fast serial loop. A fast loop in every "
        f"worker would be faster still, so {rule}"
    )
