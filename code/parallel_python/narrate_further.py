"""Sentences for "Going further", computed from results.

Each function takes a result and returns Markdown text, so the pages (and
the CLI) say what was measured on the machine at hand. Tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

import math

from .compare_tools import ToolComparison
from .dask_demo import DaskChunks, DaskCluster
from .freethreading import FreeThreading
from .joblib_demo import JoblibRun
from .mpi_demo import MpiRuns
from .narrate import SAME, cpus_phrase, percent, plural, times
from .narrate_part1 import duration, size
from .numba_demo import NumbaRun
from .timing import Timing
from .waiting import Waiting


def _gain(speedup: float, than: str) -> str:
    """``speedup`` in words, against ``than``: '1.93× as fast as serial'."""
    if speedup >= 1 + SAME:
        return f"{times(speedup)} as fast as {than}"
    if speedup <= 1 - SAME:
        return f"slower than {than} ({times(speedup)} its speed)"
    return f"about as fast as {than} ({times(speedup)})"


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
        f"One at a time, the {w.requests:,} requests took {duration(t1)}, "
        + ("close to " if near else "more than ")
        + f"the {duration(w.waiting_seconds)} the server spent waiting"
        + (
            ""
            if near
            else " (each request also costs the client and the server some work)"
        )
        + f". With {plural(k, 'thread')} they took {duration(tk)} "
        f"({times(w.speedup('threads', k))}), "
        f"and with {plural(k, 'asyncio task')} {duration(ak)} "
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


def waiting_floor(w: Waiting) -> str:
    """The shortest time the most threads could take, against the measured one."""
    k = w.most
    t = w.case("threads", k).timing.best
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
        f"On this build the {plural(k, 'thread')} took {duration(t)}: "
    )
    ratio = t / floor
    if ratio >= 1 + 5 * SAME:
        text += f"{ratio:.1f} times that floor."
    elif ratio >= 1 - SAME:
        text += "close to that floor, so little but the waiting was left."
    else:
        text += (
            "less than that floor, which should not happen: check the delay "
            "the server was given."
        )
    return text


# --- joblib ------------------------------------------------------------------


def joblib_start(j: JoblibRun) -> str:
    """Start-up, speed and answer of the integration with joblib."""
    if j.in_process:
        text = (
            f"With `n_jobs=1` joblib ran every task in this process: the first "
            f"`Parallel` call took {duration(j.cold)}, with no workers to start, "
            f"and later calls {duration(j.warm.best)} against "
            f"{duration(j.serial.best)} for the plain loop "
            f"({_gain(j.speedup, 'the plain loop')}). "
        )
    else:
        text = (
            f"The first `Parallel` call took {duration(j.cold)}, most of it "
            f"starting {plural(j.jobs, 'worker process', 'worker processes')}"
        )
        if j.jobs > j.cpus:
            text += (
                f" (more than the {cpus_phrase(j.cpus)} this build could use: the "
                "experiment asks for at least two, so that there are workers to show)"
            )
        text += (
            f"; later calls reused them and took {duration(j.warm.best)} against "
            f"{duration(j.serial.best)} in one process: "
            f"{_gain(j.speedup, 'one process')}. "
        )
        if j.cpus == 1:
            text += "With one CPU, nothing could run side by side. "
    text += (
        "The answer was the serial one to the last bit."
        if j.values_equal
        else "The answer differed from the serial one in the last digits."
    )
    return text


def joblib_memmap(j: JoblibRun) -> str:
    """How the big array reached the tasks, and which way was faster."""
    array = size(j.array_bytes)
    tasks = plural(j.tasks, "task")
    if j.in_process:
        return (
            f"With `n_jobs=1` the {tasks} ran in this process and received the "
            f"{array} array itself (type `{j.memmapped_type}`): nothing was "
            "copied or mapped, so there was nothing to save."
        )
    text = (
        f"With the defaults, the parent's {array} array reached the workers as "
        f"type `{j.memmapped_type}`"
    )
    if j.memmapped_type == "memmap":
        text += (
            " (a NumPy array backed by a file in shared memory, written once "
            "and mapped by every worker)"
        )
    text += (
        f"; with `max_nbytes=None`, as type `{j.pickled_type}`, a pickled copy "
        f"for every task. Sending it to {tasks} took {duration(j.memmapped.best)} "
        f"with the memory map and {duration(j.pickled.best)} pickled (best of "
        f"{j.memmapped.repeats} each): "
    )
    gain = j.memmap_gain
    if gain >= 1 + SAME:
        text += (
            f"the memory map was {times(gain)} as fast, because the array was "
            "written once instead of pickled and pushed through a pipe for "
            "every task."
        )
    elif gain <= 1 - SAME:
        text += (
            f"pickling was faster here ({times(1 / gain)} as fast): at this size, "
            "hashing and writing the array for the map cost more than copying "
            "it. The map's advantage grows with the array and the number of "
            "tasks, and it always saves each worker a copy in memory."
        )
    else:
        text += (
            "about the same here. The map's advantage grows with the array and "
            "the number of tasks, and it always saves each worker a copy in "
            "memory."
        )
    return text


def joblib_cache(j: JoblibRun) -> str:
    return (
        f"On this build, the cached function (it sleeps {duration(j.cache_delay)}) "
        f"took {duration(j.cache_first)} the first time and "
        f"{duration(j.cache_again)} the second, read back from disk."
    )


def joblib_shutdown(j: JoblibRun) -> str:
    before = j.workers_before_shutdown
    text = (
        f"Before the explicit shutdown, {plural(before, 'reusable worker')} "
        f"{'was' if before == 1 else 'were'} waiting for more work; after "
        f"`get_reusable_executor().shutdown(wait=True)`, "
        f"{j.workers_after_shutdown}."
    )
    if j.in_process:
        text += " With `n_jobs=1` joblib had started none."
    return text


def joblib_summary(j: JoblibRun) -> str:
    """Everything the joblib run showed, for the command line."""
    return " ".join(
        (joblib_start(j), joblib_memmap(j), joblib_cache(j), joblib_shutdown(j))
    )


# --- dask --------------------------------------------------------------------


def dask_chunks_summary(d: DaskChunks) -> str:
    text = (
        f"One array of all {d.n:,} midpoints would take {size(d.array_bytes)}, "
        f"and the formula needs several such arrays at once. In "
        f"{plural(d.chunks, 'chunk')} of {d.chunk:,} the process grew by only "
        f"{size(max(d.peak_bytes, 0))} while dask computed "
        f"(on {plural(d.threads, 'thread')}; {_runs(d.timing)}), "
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


def _runs(t: Timing) -> str:
    """``best of 3: 234 ms, spread 4 %`` or ``one run: 234 ms``."""
    if t.repeats == 1:
        return f"one run: {duration(t.best)}"
    return f"best of {t.repeats}: {duration(t.best)}, spread {percent(t.spread)}"


def chunks_held(d: DaskChunks) -> str:
    """How many chunks' worth of numbers the measured memory growth is."""
    chunk_bytes = 8 * d.chunk
    held = max(d.peak_bytes, 0) / chunk_bytes
    count = f"{held:.0f}"
    worth = "chunk's" if count == "1" else "chunks'"
    text = (
        f"The growth equals {count} {worth} worth of numbers (one chunk of "
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
        f"Starting the cluster "
        f"({plural(c.workers, 'worker process', 'worker processes')}, "
        f"{'one thread each' if c.workers > 1 else 'with one thread'}) took "
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
        else f"**{plural(c.workers_left, 'worker process', 'worker processes')} "
        "outlived the cluster.** "
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
    s_k = m.speedup(k)
    text = (
        f"With {plural(k, 'rank')}, `mpiexec` ran the integration of "
        f"{m.n:,} points in {duration(r.compute.best)} (the slowest rank, best of "
        f"{r.compute.repeats}), against {duration(first.compute.best)} with "
        f"{first.ranks}: {_gain(s_k, plural(first.ranks, 'rank'))}. "
    )
    if k > first.ranks:
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
                "time leaves the launch out, the shortfall is not MPI's start-up: "
                "the machine was probably busy with other work while the ranks "
                "computed. "
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
                else ": even without the GIL they did not run faster here, so "
                "something else (a busy machine, a shared object) held them back."
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
            f"best, with {times(s)} on {plural(t.workers, 'worker')}"
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
    if t.speedup(f) > t.speedup(w):
        return (
            f"Making the loop itself fast did more than the {workers} measured "
            f"here: {f} on one core reached {times(t.speedup(f))}, while the "
            f"best tool that spread pure Python over {workers}, {w}, reached "
            f"{times(t.speedup(w))}. Workers multiply whatever speed the loop "
            f"has, so {rule}"
        )
    return (
        f"Here pure Python on {workers} ({w}, {times(t.speedup(w))}) beat the "
        f"fastest one-core version ({f}, {times(t.speedup(f))}): with this many "
        "CPUs, workers can outrun a fast serial loop. A fast loop in every "
        f"worker would be faster still, so {rule}"
    )
