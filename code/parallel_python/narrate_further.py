"""Sentences for "Going further", computed from results.

Each function takes a result and returns Markdown text, so the pages (and
the CLI) say what was measured on the machine at hand. Tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

from .compare_tools import ToolComparison
from .dask_demo import DaskChunks, DaskCluster
from .freethreading import FreeThreading
from .joblib_demo import JoblibRun
from .mpi_demo import MpiRuns
from .narrate import SAME, cpus_phrase, times
from .narrate_part1 import duration, size
from .numba_demo import NumbaRun
from .waiting import Waiting


def _gain(speedup: float, than: str) -> str:
    """``speedup`` in words, against ``than``: '1.93× as fast as serial'."""
    if speedup >= 1 + SAME:
        return f"{times(speedup)} as fast as {than}"
    if speedup <= 1 - SAME:
        return f"slower than {than} ({times(speedup)} its speed)"
    return f"about as fast as {than} ({times(speedup)})"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# --- threads and asyncio -----------------------------------------------------


def waiting_summary(w: Waiting) -> str:
    """Threads against asyncio tasks for many waiting fetches."""
    k = w.most
    first = min(w.workers)
    t1 = w.case("threads", first).timing.best
    tk = w.case("threads", k).timing.best
    ak = w.case("asyncio", k).timing.best
    near = t1 <= 1.5 * w.waiting_seconds
    text = (
        f"One at a time, the {w.requests} requests took {duration(t1)}, "
        + ("close to " if near else "more than ")
        + f"the {duration(w.waiting_seconds)} the server spent waiting"
        + (
            ""
            if near
            else " (each request also costs the client and the server some work)"
        )
        + f". With {k} "
        f"threads they took {duration(tk)} ({times(w.speedup('threads', k))}), "
        f"and with {k} asyncio tasks {duration(ak)} "
        f"({times(w.speedup('asyncio', k))}). "
    )
    best = max(w.speedup("threads", k), w.speedup("asyncio", k))
    if best > w.cpus:
        text += (
            f"That is more than {cpus_phrase(w.cpus)} could give computing work: "
            "waiting takes no CPU, so many waits overlap however few cores "
            "there are. "
        )
    else:
        text += (
            f"That is no more than {cpus_phrase(w.cpus)} could give, so here the "
            "clients' own work (or a busy machine) limited the overlap, not the "
            "waiting. "
        )
    if ak < tk * (1 - SAME):
        text += (
            f"asyncio was the faster of the two with {k} at a time: its tasks are "
            "cheap to start, while each thread costs an operating-system thread."
        )
    elif tk < ak * (1 - SAME):
        text += f"Threads were the faster of the two with {k} at a time."
    else:
        text += f"With {k} at a time the two were about as fast."
    if not w.all_correct:
        text += " **Some answers were wrong: the run needs a look.**"
    return text


# --- joblib ------------------------------------------------------------------


def joblib_summary(j: JoblibRun) -> str:
    text = (
        f"The first `Parallel` call took {duration(j.cold)}, most of it starting "
        f"{j.jobs} worker processes; later calls reused them and took "
        f"{duration(j.warm.best)} against {duration(j.serial.best)} in one process "
        f"({_gain(j.speedup, 'one process')}"
    )
    if j.cpus == 1:
        text += ", with one CPU nothing could run side by side"
    text += "). "
    text += (
        "The answer was the serial one to the last bit. "
        if j.values_equal
        else "The answer differed from the serial one in the last digits. "
    )
    text += (
        f"A {size(j.array_bytes)} array reached the workers as type "
        f"`{j.memmapped_type}` with joblib's automatic memory-mapping and as type "
        f"`{j.pickled_type}` without it; the calls took {duration(j.memmapped.best)} "
        f"and {duration(j.pickled.best)}. "
        f"The cached function took {duration(j.cache_first)} the first time and "
        f"{duration(j.cache_again)} the second, read back from disk. "
    )
    text += (
        f"Before the shutdown, {_plural(j.workers_before_shutdown, 'reusable worker')}"
        f" waited for more work; after it, {j.workers_after_shutdown}."
    )
    return text


# --- dask --------------------------------------------------------------------


def dask_chunks_summary(d: DaskChunks) -> str:
    text = (
        f"One array of all {d.n:,} midpoints would take {size(d.array_bytes)}, "
        f"and the formula needs several such arrays at once. In "
        f"{d.chunks} chunks of {d.chunk:,} the process grew by only "
        f"{size(max(d.peak_bytes, 0))} while dask computed "
        f"(best of {d.timing.repeats}: {duration(d.timing.best)} on "
        f"{d.threads} thread{'s' if d.threads > 1 else ''}), "
    )
    text += (
        f"well inside the {size(d.budget_bytes)} budget. "
        if d.within_budget
        else f"more than the {size(d.budget_bytes)} budget: the chunks were too "
        "big, or too many ran at once. "
    )
    text += (
        f"NumPy, holding whole arrays, grew by {d.numpy_bytes_per_point:.0f} bytes "
        f"per point for {d.numpy_n:,} points; at that rate {d.n:,} points would "
        f"need {size(int(d.numpy_bytes_per_point * d.n))}."
    )
    return text


def chunks_held(d: DaskChunks) -> str:
    """How many chunks' worth of numbers the measured memory growth is."""
    chunk_bytes = 8 * d.chunk
    held = max(d.peak_bytes, 0) / chunk_bytes
    text = (
        f"The growth equals {held:.0f} chunks' worth of numbers (one chunk of "
        f"{d.chunk:,} numbers is {size(chunk_bytes)}) out of {d.chunks}: "
    )
    if held < d.chunks / 2:
        text += (
            "only the chunks being worked on, and their temporaries, were in memory."
        )
    else:
        text += (
            "most of the array was in memory at some point; smaller chunks, or "
            "fewer threads, would lower the peak."
        )
    return text


def dask_cluster_summary(c: DaskCluster) -> str:
    text = (
        f"Starting the cluster ({c.workers} worker process"
        f"{'es' if c.workers > 1 else ''}, one thread each) took "
        f"{duration(c.start_seconds)} and closing it {duration(c.close_seconds)}. "
        f"The array sum of {c.array_n:,} points took {duration(c.array_timing.best)} "
        f"on the cluster. Part B's pure-Python integration, its chunks sent as "
        f"`dask.delayed` tasks, took {duration(c.delayed_timing.best)} against "
        f"{duration(c.serial.best)} in one process: "
        f"{_gain(c.speedup, 'one process')}. "
    )
    if c.workers == 1 or c.speedup < 1 + SAME:
        text += (
            "For work this small, sending tasks through a scheduler to other "
            "processes costs "
            + ("more than" if c.speedup <= 1 - SAME else "about as much as")
            + " it saves; dask pays off when tasks take seconds, not milliseconds. "
        )
    text += (
        "The workers stopped with the cluster. "
        if c.workers_left == 0
        else f"**{c.workers_left} worker process(es) outlived the cluster.** "
    )
    return text


# --- numba -------------------------------------------------------------------


def numba_summary(r: NumbaRun) -> str:
    serial = r.speedup("@njit")
    par = r.speedup("@njit(parallel=True)", "@njit")
    nogil = r.speedup("@njit(nogil=True), threads", "@njit")
    held = r.speedup("@njit (GIL held), threads", "@njit")
    text = (
        f"Compiled with `@njit`, the loop ran {serial:.0f} times as fast per point "
        f"as pure Python, and {r.speedup('@njit', 'NumPy'):.1f} times as fast as "
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
        f"{_gain(par, 'the serial compiled loop')}, and the `nogil=True` loop in "
        f"{r.threads} Python threads {_gain(nogil, 'the serial compiled loop')}. "
    )
    if min(par, nogil) <= 1 - SAME:
        text += (
            "A parallel loop is only as fast as its slowest thread: when another "
            "program holds one of the CPUs for a few milliseconds, a loop this "
            "short waits for it, and the threads cost more than they save. "
        )
    if held < nogil * (1 - SAME):
        text += (
            f"The same compiled loop holding the GIL reached only {times(held)}: "
            "the threads took turns."
        )
    else:
        text += (
            f"Holding the GIL, the threads reached {times(held)}, no worse this "
            "time: with chunks this short, the hand-over of the GIL hardly "
            "mattered (or the machine was busy)."
        )
    return text


# --- MPI ---------------------------------------------------------------------


def mpi_summary(m: MpiRuns) -> str:
    k = m.most
    r = m.run(k)
    first = m.runs[0]
    text = (
        f"With {k} rank{'s' if k > 1 else ''}, `mpiexec` ran the integration of "
        f"{m.n:,} points in {duration(r.compute.best)} (the slowest rank, best of "
        f"{r.compute.repeats}), against {duration(first.compute.best)} with "
        f"{first.ranks}: {_gain(m.speedup(k), _plural(first.ranks, 'rank'))}. "
        f"The whole launch, starting "
        f"{k} Python processes and MPI, took {duration(r.wall_seconds)}. "
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


# --- free threading ----------------------------------------------------------


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
        text += (
            f"With {cpus_phrase(f.cpus)}, {k} thread is all there is to compare, "
            "so this build shows nothing about threads side by side. "
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
                else ": even without the GIL they did not run faster here, so "
                "something else (a busy machine, a shared object) held them back."
            )
        else:
            text += ", because the GIL let one of them run at a time."
        text += " "
    if f.interpreters is not None:
        p = f.interpreters
        text += (
            f"In {p.workers} subinterpreters, each with its own GIL, the same "
            f"tasks ran at {times(p.speedup)}. "
        )
    else:
        text += (
            "This Python has no `concurrent.interpreters` (that module arrived in "
            "3.14), so subinterpreters were not measured here."
        )
    return text


# --- which tool --------------------------------------------------------------


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
        lines.append(
            f"| {r.tool} | {r.workers} | {_nbsp(duration(r.timing.best))} | "
            f"{times(t.speedup(r.tool))} | {start} | {r.lines} | {r.needs} |"
        )
    return "\n".join(lines)


def tools_summary(t: ToolComparison) -> str:
    fastest = t.fastest
    by_process = [
        r.tool
        for r in t.runs
        if r.tool in ("multiprocessing Pool", "joblib", "MPI (mpi4py)")
    ]
    text = (
        f"On {cpus_phrase(t.cpus)}, the fastest way to this integral was "
        f"{fastest}, at {times(t.speedup(fastest))} the speed of pure Python. "
    )
    if by_process:
        best = max(by_process, key=t.speedup)
        s = t.speedup(best)
        ideal = min(t.workers, t.cpus)
        text += (
            f"Of the tools that run Python code in several processes, {best} did "
            f"best, with {times(s)} on {_plural(t.workers, 'worker')}"
        )
        if ideal == 1:
            text += (
                ": with one CPU (or one worker) there is nothing to run side by "
                "side, so processes can only add their costs. "
            )
        elif s >= 0.8 * ideal:
            text += ", near the ideal. "
        else:
            text += (
                ", short of the ideal: with work this small, sending tasks and "
                "collecting answers weigh, and any other program busy on the "
                "machine takes CPUs from the workers. "
            )
    if "threads" in t.tools:
        text += (
            f"Threads gave {times(t.speedup('threads'))}: pure Python in threads "
            "takes turns under the GIL. "
        )
    if {"numba @njit", "numba parallel=True"} <= set(t.tools):
        ratio = t.speedup("numba parallel=True") / t.speedup("numba @njit")
        if ratio <= 1 - SAME:
            text += (
                "numba's `parallel=True` was slower than its serial loop here: "
                "the compiled loop takes well under a millisecond, too little "
                "to share out among threads. "
            )
    text += (
        "Compiling the loop (numba) or replacing it with whole-array operations "
        "(NumPy) did more than any number of workers: make the serial code fast "
        "first, then parallelise."
    )
    return text
