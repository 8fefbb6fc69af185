"""Sentences for Going further's pools of workers: joblib and dask.

Each function takes a result and returns Markdown text, so the pages (and
the CLI) say what was measured on the machine at hand. Tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

from ..core.readings import ceiling_phrase, unsteady_note
from ..core.text import SAME, cpus_phrase, duration, gain, percent, plural, size, times
from ..core.timing import Timing
from .dask_demo import DaskChunks, DaskCluster
from .joblib_demo import JoblibRun

# --- joblib ------------------------------------------------------------------

#: joblib 1.6's sleep between looks for the next result, with a little room
#: for the clock reads: a longer wait is more than that sleep explains.
ONE_SLEEP = 0.0105


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
        mostly = j.cold - j.warm.median > j.cold / 2
        text = (
            f"The first `Parallel` call took {duration(j.cold)}, "
            f"{'most of it' if mostly else 'which includes'} "
            f"starting {plural(j.jobs, 'worker process', 'worker processes')}"
        )
        if j.jobs > j.cpus:
            text += (
                f" (more than the {cpus_phrase(j.cpus)} this build could use: the "
                "experiment asks for at least two, so that there are workers to show)"
            )
        text += (
            f"; later calls reused them and took a median of "
            f"{duration(j.warm.median)}, against "
            f"{duration(j.serial.median)} in one process. Taken round by round "
            f"(the median of the paired rounds' own ratios, which need not equal "
            f"the ratio of the two medians), they ran "
            f"{gain(j.speedup, 'one process', j.ratio)}"
            f"{ceiling_phrase(j.ceiling)}. "
        )
        text += unsteady_note("The speed-up's", j.ratio, stated=True)
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


def joblib_late(j: JoblibRun) -> str:
    """How long after its last task a reused-worker call returned."""
    if j.in_process:
        return (
            "With `n_jobs=1` the tasks ran in this process, so no worker's "
            "result had to be collected."
        )
    if j.late_median is None:
        return (
            "How long a call took to return after its last task had finished "
            "was not measured in this run."
        )
    late = j.late
    spread = (
        f"{duration(min(late))} to {duration(max(late))} over "
        f"{plural(len(late), 'call')}"
        if len(late) > 1
        else "one call"
    )
    text = (
        f"Each task of those later calls also noted when it finished: a call "
        f"returned a median of {duration(j.late_median)} after its last task "
        f"had finished ({spread}), {percent(j.late_median / j.warm.median)} of "
        f"a call's median time. That time holds joblib's wait for the result "
        f"and the result's way back from the worker."
    )
    if max(late) > ONE_SLEEP:
        text += (
            " Some calls returned more than one of joblib's 10 ms sleeps after "
            "their last task; this run does not show why."
        )
    return text


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
        (
            joblib_start(j),
            joblib_late(j),
            joblib_memmap(j),
            joblib_cache(j),
            joblib_shutdown(j),
        )
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
        f"the median of the rounds' own ratios: "
        f"{gain(c.speedup, 'one process', c.ratio)}. "
    )
    text += unsteady_note("Its", c.ratio, stated=True)
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
