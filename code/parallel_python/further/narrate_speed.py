"""Sentences from the numba, MPI, free-threading and tool-comparison results."""

from __future__ import annotations

from ..core.protocol import MAX_HALF_WIDTH
from ..core.readings import ceiling_phrase, unsteady_note, what_was_seen
from ..core.sanity import check_speedup
from ..core.style import unsteady
from ..core.text import (
    SAME,
    cpus_phrase,
    duration,
    gain,
    gain_shown,
    measured,
    percent,
    plural,
    ratio_text,
    times,
)
from .freethreading import FreeThreading
from .mpi_demo import MpiRun, MpiRuns, faster_than_the_cpus
from .numba_demo import BASELINE, ONE_THREAD, PARALLEL, NumbaRun

#: The `nogil` version's Python threads are pinned one to a CPU
#: (:func:`~parallel_python.core.pinning.pinned_thread_pool`); numba's own
#: ``parallel=True`` threads are not.
NOGIL_PINNED = "the `nogil` threads"


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
    """The numba figure's takeaway: the compiler's gain, then the threads'
    (``parallel=True`` on its threads over itself on one)."""
    serial = r.speedup(BASELINE)
    if r.one_thread == PARALLEL:
        one = r.speedup(PARALLEL, BASELINE)
        return f"@njit: {faster(serial)} than Python; parallel, 1 thread: {faster(one)}"
    return (
        f"@njit: {faster(serial)} than Python; parallel=True: "
        f"{faster(r.speedup(PARALLEL, ONE_THREAD))} on "
        f"{plural(r.threads, 'thread')} than on 1"
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
        f"The three versions in blue ran on {plural(r.threads, 'thread')}"
        f" ({cpus} available), those in black on one, `parallel=True` once "
        "among them; whether the threads ran side by side, their times say."
    )


def numba_summary(r: NumbaRun) -> str:
    serial = r.speedup(BASELINE)
    nogil = r.speedup("@njit(nogil=True), threads", BASELINE)
    held = r.speedup("@njit (GIL held), threads", BASELINE)
    text = (
        f"Compiled with `@njit`, the loop ran {measured(serial)} times as fast per "
        f"point as pure Python, and {measured(r.speedup(BASELINE, 'NumPy'))} times "
        f"as fast as "
        f"NumPy, which makes whole temporary arrays. Compiling took "
        f"{duration(r.total_compile)} for all four versions together, paid once "
        "per process. "
    )
    if r.one_thread == PARALLEL:
        par = r.speedup(PARALLEL, BASELINE)
        text += (
            f"With {cpus_phrase(r.cpus)}, the parallel versions had one thread "
            f"each: `prange` gave {times(par)} and the `nogil` threads "
            f"{times(nogil)} of the serial loop's speed: with one thread, "
            "nothing runs side by side. "
        )
        ratio = r.case(PARALLEL).ratio
        if ratio is not None and not ratio.low <= 1 <= ratio.high:
            text += (
                f"`prange`'s {ratio_text(ratio)}, a difference its whole 90 % "
                "interval shows, is the compiler's: `parallel=True` compiles the "
                "loop to other machine code than `@njit`. "
            )
        return text
    par = r.speedup(PARALLEL, ONE_THREAD)
    par_ratio = r.threads_gain
    nogil_ratio = r.case("@njit(nogil=True), threads").ratio
    text += (
        f"On {r.threads} threads, `parallel=True` ran "
        f"{gain(par, 'itself on one thread', par_ratio)}, and the `nogil=True` "
        f"loop in {r.threads} Python threads "
        f"{gain(nogil, 'the serial compiled loop', nogil_ratio)}"
        f"{ceiling_phrase(r.ceiling, equal_shares=True, pinned=NOGIL_PINNED)}. "
    )
    text += compiled_apart(r)
    for what, ratio in (
        ("The `parallel=True` loop", par_ratio),
        ("The `nogil` threads", nogil_ratio),
    ):
        if (
            ratio is not None
            and check_speedup(ratio, workers=r.threads, cpus=r.cpus, kind="cpu").beyond
        ):
            text += (
                f"{what} came out above the ideal of "
                f"{times(min(r.threads, r.cpus))} for {plural(r.threads, 'thread')}: "
                "even the low end of its 90 % interval is above it. "
            )
    text += unsteady_note("The `parallel=True` loop's", par_ratio, stated=True)
    text += unsteady_note("The `nogil` threads'", nogil_ratio, stated=True)
    if min(par, nogil) <= 1 - SAME:
        text += (
            "A parallel loop ends only when its slowest thread does, so one "
            "slow thread holds up the whole loop; this run does not show which "
            "thread was slow, or why. "
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


def compiled_apart(r: NumbaRun) -> str:
    """Why ``parallel=True`` is measured against itself on one thread: on
    one thread it is already not ``@njit``'s speed, when the rounds say so
    (its interval excludes 1); with its overall gain over ``@njit``."""
    if r.one_thread == PARALLEL:
        return ""
    ratio = r.case(ONE_THREAD).ratio
    if ratio is None:
        return ""
    if ratio.low <= 1 <= ratio.high:
        shown = gain(ratio.median, "`@njit`", ratio)
        return f"On one thread, `parallel=True` ran {shown}. "
    overall = r.speedup(PARALLEL, BASELINE)
    return (
        f"On one thread, `parallel=True` ran {ratio_text(ratio)} as fast as "
        "`@njit`, a difference its whole 90 % interval shows. The two are "
        "differently compiled functions, and on one thread nothing runs side "
        "by side: that difference is not the threads'. So this page takes "
        "`parallel=True`'s gain from threads over itself on one thread; over "
        f"`@njit`, from the median times, it was {times(overall)} on "
        f"{plural(r.threads, 'thread')}. "
    )


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
        "in the same rounds: by the median of the rounds' ratios (with its "
        f"90 % interval), {gain(s_k, 'the serial loop', m.ratio(k))}"
    )
    if k > 1 and m.ceiling is not None:
        # each rank pinned to a CPU of its own where the counters were
        # (mpi_ranks.pin_rank), and one equal share of the chunks each
        text += ceiling_phrase(m.ceiling, equal_shares=True, pinned=m.ceiling.pinned)
    text += ". "
    if k > 1:
        ideal = m.ideal
        if ideal <= 1:
            text += (
                f"With {cpus_phrase(m.cpus)} the ranks could only take turns, so "
                "no speed-up was possible. "
            )
        elif unsteady(m.ratio(k)):
            text += (
                f"The interval is wider than ±{percent(MAX_HALF_WIDTH)}: the "
                f"rounds varied too much to compare this with the ideal "
                f"{times(ideal)} on {cpus_phrase(m.cpus)}; "
                f"{what_was_seen(None, m.ratio(k))}. "
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
    for aside in m.set_aside:
        text += (
            f"A first launch with {plural(aside.ranks, 'rank')} had been "
            f"{gain(aside.ratio.median, 'the serial loop', aside.ratio)}, "
            f"{set_aside_because(aside, m.cpus)}: a "
            "reading that says more about that moment than about MPI, so "
            "the book launched it once more, and the figures above are the "
            "second launch's. "
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
        f"{plural(runs, 'timed round')} inside it (rank 0 alone and all "
        f"ranks, taking turns to go first) {duration(compute)}"
        f"{' together' if runs > 1 else ''}. "
    )
    if compute < r.wall_seconds / 2:
        text += (
            "Most of the launch went to starting and ending the processes: for a "
            "job this short, the launch dominates, as starting any process pool "
            "does. MPI jobs are meant to run for minutes to days."
        )
    else:
        rest = r.wall_seconds - compute
        one = r.compute.median
        text += (
            f"Most of the launch went to computing, but only because it ran "
            f"{plural(runs, 'round')}: the rest, {duration(rest)}, "
            + (
                f"was about {times(rest / one)} one integral on all ranks "
                f"({duration(one)}). "
                if rest > one
                else f"was less than one integral on all ranks ({duration(one)}). "
            )
            + "Start-up weighs little only in the jobs of minutes to days that "
            "MPI is meant for."
        )
    return text


def free_threading_title(f: FreeThreading) -> str:
    """The free-threading figure's takeaway: what the GIL let threads do on
    this interpreter, beside processes (true on 1 CPU and on 64)."""
    k = f.workers
    state = "GIL on" if f.gil_enabled else "GIL off"
    threads = f.gil.threads_cpu_at(k).speedup
    text = f"{state}: {k} pure-Python tasks in threads ran at {times(threads)}"
    if f.gil.processes_cpu:
        text += f", in processes at {times(f.gil.processes_cpu_at(k).speedup)}"
    if f.cpus == 1:
        text += " (one CPU: only turns)"
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
        r = f.gil.threads_cpu_at(k).ratio
        text += (
            f"Part 1's experiment ran {k} pure-Python tasks in {k} threads at "
            f"{ratio_text(r)} the speed of one after another"
        )
        if not f.gil_enabled:
            text += (
                ": without the GIL, the threads could use several CPUs."
                if gain_shown(r)
                else ": even without the GIL they did not run faster here."
            )
        elif gain_shown(r):
            text += (
                ", a gain that is not parallel work: the GIL let only one of "
                "them run at a time."
            )
        else:
            text += ": no gain, because the GIL let only one of them run at a time."
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


def set_aside_because(run: MpiRun, cpus: int) -> str:
    """Why a launch was set aside (``mpi_demo.launch_checked``): its ranks
    beat the CPUs, or lost to rank 0 alone with CPUs to spare."""
    if faster_than_the_cpus(run, cpus):
        return f"more than {plural(run.ranks, 'rank')} on {cpus_phrase(cpus)} can give"
    return f"although {cpus_phrase(cpus)} were there for its ranks"
