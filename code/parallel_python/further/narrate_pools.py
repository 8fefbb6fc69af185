"""Sentences for Going further's pools of workers: waiting work, joblib and dask.

Each function takes a result and returns Markdown text, so the pages (and
the CLI) say what was measured on the machine at hand. Tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

import math

from ..core.text import (
    SAME,
    cpus_phrase,
    duration,
    gain,
    intervals_overlap,
    measured,
    percent,
    plural,
    ratio_text,
    size,
    times,
    unsteady_note,
)
from ..core.timing import Timing
from .dask_demo import DaskChunks, DaskCluster
from .joblib_demo import JoblibRun
from .narrate_speed import faster
from .waiting import Waiting

# --- threads and asyncio -----------------------------------------------------


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
        text += unsteady_note("The threads'", w.ratio("threads", k), stated=True)
        text += unsteady_note("The asyncio tasks'", w.ratio("asyncio", k), stated=True)
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
            "the server); this run timed only the totals, not how the time left "
            "over splits. "
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


# --- joblib ------------------------------------------------------------------


def joblib_start(j: JoblibRun) -> str:
    """Start-up, speed and answer of the integration with joblib."""
    if j.in_process:
        text = (
            f"With `n_jobs=1` joblib ran every task in this process: the first "
            f"`Parallel` call took {duration(j.cold)}, with no workers to start, "
            f"and later calls a median of {duration(j.warm.median)} against "
            f"{duration(j.serial.median)} for the plain loop "
            f"({gain(j.speedup, 'the plain loop')}). "
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
            f"; later calls reused them and took a median of "
            f"{duration(j.warm.median)} against "
            f"{duration(j.serial.median)} in one process; the median of the "
            f"paired rounds' own ratios, which need not equal the ratio of the "
            f"two medians: {gain(j.speedup, 'one process', j.ratio)}. "
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
        f"shutting down loky's reusable executor (`shutdown(wait=True)`), "
        f"{j.workers_after_shutdown}."
    )
    if j.in_process:
        text += " With `n_jobs=1` joblib had started none."
    return text


def joblib_title(j: JoblibRun) -> str:
    """The joblib figure's takeaway: what starting workers cost, and what
    reusing them gained (true for any number of CPUs)."""
    if j.in_process:
        return (
            f"With n_jobs=1 there were no workers to start: the loop ran "
            f"{gain(j.speedup, 'the plain loop')}"
        )
    return (
        f"Starting {plural(j.jobs, 'worker')} took {duration(j.cold)}; "
        f"reused, they ran the loop {gain(j.speedup, 'one process')}"
    )


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
        f"on the cluster. Part B's pure-Python integration ({c.n:,} points), its "
        f"chunks sent as `dask.delayed` tasks, took "
        f"{duration(c.delayed_timing.median)} against "
        f"{duration(c.serial.median)} in one process (medians of paired rounds); "
        f"the median of the rounds' own ratios: {gain(c.speedup, 'one process')}. "
    )
    if c.workers == 1:
        text += (
            "With one worker there was nothing to run side by side, so nothing "
            "to save: the scheduler could only add its costs"
            + (
                " (a gain with one worker is more than one worker can give: "
                "treat it as suspect and repeat the run)"
                if c.speedup >= 1 + SAME
                else ""
            )
            + ". Given several CPUs and a worker on each, dask pays off when "
            "tasks take seconds, not milliseconds. "
        )
    elif c.speedup < 1 + SAME:
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
