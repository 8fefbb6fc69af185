"""Sentences for Part 1 (processes, threads and the GIL), computed from results.

Each function takes a result object and returns Markdown text, so the pages
say what was measured on the machine that built them. They are tested with
made-up results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

from .gil import GilScaling, ScalingPoint
from .memory_ladder import DROP_FADVISE, MemoryLadder
from .narrate import SAME, cpus_phrase, percent, plural, times
from .numpy_trick import NumpyTrick
from .processes import CpuSampling, Isolation, Segfault, StartCosts
from .race import Race
from .salad import WAIT, WORK, Salad


def duration(seconds: float) -> str:
    """A time with a unit that suits it: ``3.2 ns``, ``41 µs``, ``12 ms``, ``1.5 s``."""
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def size(n_bytes: int) -> str:
    """A size in KiB, MiB or GiB: ``16 KiB``, ``64 MiB``."""
    for scale, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n_bytes >= scale:
            value = n_bytes / scale
            return (
                f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
            )
    return f"{n_bytes} bytes"


def _verdict(speedup: float) -> str:
    """'no speed-up', 'slower' or 'faster', for a speed-up factor."""
    if speedup >= 1 + SAME:
        return "faster"
    if speedup <= 1 - SAME:
        return "slower"
    return "no speed-up"


# --- the memory ladder -----------------------------------------------------


def ladder_summary(m: MemoryLadder) -> str:
    """How much further away each rung of the ladder was."""
    cache, ram = m.get("cache"), m.get("RAM")
    disk, warm = m.get("disk"), m.get("page cache")
    text = (
        f"A random read from the {size(cache.size_bytes)} array took "
        f"{duration(cache.ns_per_access * 1e-9)}, and from the "
        f"{size(ram.size_bytes)} array, far larger than the caches, "
        f"{duration(ram.ns_per_access * 1e-9)}: "
        f"{m.ratio('RAM', 'cache'):.0f} times as long. "
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
            "the first reads most likely came from the page cache too, and the "
            "difference between them means little."
        )
    elif cold_over_warm >= 3:
        text += (
            f"the first reads, made after asking the kernel to drop the file from "
            f"its page cache, went to the disk and were {cold_over_warm:.0f} "
            f"times slower. Even a read from the page cache, in main memory, took "
            f"{m.ratio('page cache', 'RAM'):.0f} times as long as a random read "
            f"from the {size(ram.size_bytes)} array, because each one is a call "
            f"into the operating system."
        )
    else:
        text += (
            f"the first reads, made after asking the kernel to drop the file from "
            f"its page cache, were only {cold_over_warm:.1f} times slower, so they "
            f"were probably still served from a cache (the kernel may ignore the "
            f"request, and a virtual machine's host keeps its own cache)."
        )
    return text


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
        f"per step, {duration(thr)} ({times(s.speedup)} as fast, best of "
        f"{plural(s.sequential_totals.repeats, 'run')} each). "
    )
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
    elif met:
        text += (
            f"Work steps ran at the same time, yet their bars add up to about "
            f"the time they took alone ({duration(work_threaded)} against "
            f"{duration(work_alone)}): the timings of this run were probably "
            f"disturbed by other work on the machine. "
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
            f"even with the switch interval at {duration(r.switch_interval)}: "
            f"this CPython does not hand the GIL to another thread between the "
            f"read and the write of a `+=` on an attribute. That is a property of "
            f"one implementation, not a promise of the language."
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


def _pick(counts: tuple[int, ...], cpus: int) -> int:
    """The count to talk about: the most workers that fit the CPUs, but at
    least two if two were measured (one worker has nothing to overlap)."""
    within = [c for c in counts if c <= cpus and c >= 2]
    if within:
        return max(within)
    two_or_more = [c for c in counts if c >= 2]
    return min(two_or_more) if two_or_more else max(counts)


def gil_summary(g: GilScaling) -> str:
    """Threads vs processes on pure-Python work, and threads that wait."""
    k = _pick(g.counts, g.cpus)
    t = g.threads_cpu_at(k)
    text = (
        f"{plural(k, 'pure-Python task')} in {plural(k, 'thread')}: "
        f"{times(t.speedup)} the speed of running them one after another, "
        f"{_verdict(t.speedup)}. "
    )
    if t.speedup < 1 + SAME:
        text += (
            "The GIL let one thread at a time run Python bytecode, so the "
            "threads took turns. "
        )
    elif g.gil_enabled:
        text += (
            "The GIL still let only one thread at a time run Python bytecode, so "
            "this gain is not parallel work: other programs on the machine "
            "slowed some of the runs one after another (the table below shows "
            "the spread). "
        )
    else:
        text += (
            "This Python ran with the GIL off, so the threads really ran at the "
            "same time. "
        )
    if g.processes_cpu:
        p = g.processes_cpu_at(k)
        if g.cpus == 1:
            text += (
                f"The same tasks in {plural(k, 'process', 'processes')} ran at "
                f"{times(p.speedup)}: with "
                f"one CPU this build had nothing to run them on side by side, so "
                f"processes gave {_verdict(p.speedup)} either. "
            )
        elif p.speedup >= 1 + SAME:
            text += (
                f"In {plural(k, 'worker process', 'worker processes')}, each with "
                f"its own interpreter and its "
                f"own GIL, they ran {times(p.speedup)} as fast, on the "
                f"{cpus_phrase(g.cpus)} this build could use. "
            )
        else:
            text += (
                f"Even in {plural(k, 'worker process', 'worker processes')} they "
                f"ran only {times(p.speedup)} "
                f"as fast, though this build had {cpus_phrase(g.cpus)}: other "
                f"work was probably keeping the CPUs busy. "
            )
    most = g.most
    w = g.threads_wait_at(most)
    text += (
        f"Waiting is another matter: {plural(most, 'thread')} that each slept "
        f"{duration(g.wait_seconds)} finished {times(w.speedup)} as fast as "
        f"sleeping in turn"
    )
    if w.speedup >= 1 + SAME:
        text += ": a sleeping thread releases the GIL"
        text += (
            ", and sleeping needs no CPU, so this works even with one CPU."
            if g.cpus == 1
            else "."
        )
    else:
        text += ", which is surprising: a sleeping thread releases the GIL."
    return text


def gil_threads_reading(g: GilScaling) -> str:
    """Why the pure-Python threads did not speed up, for this build's CPUs."""
    k = _pick(g.counts, g.cpus)
    t = g.threads_cpu_at(k)
    text = (
        f"For pure-Python work, {plural(k, 'thread')} gave {times(t.speedup)} the "
        f"speed of one after another. "
    )
    if not g.gil_enabled:
        if g.cpus == 1:
            return text + (
                "This Python ran without the GIL, but this build had one CPU, so "
                "the threads could only take turns on it."
            )
        return text + (
            f"This Python ran without the GIL, so the operating system could run "
            f"the threads on different CPUs at once ({cpus_phrase(g.cpus)} here)."
        )
    if g.cpus == 1:
        return text + (
            "The threads were real operating system threads, but this build had "
            "one CPU, so they could only take turns, GIL or no GIL. On a machine "
            "with more CPUs they would still take turns: each would spend most "
            "of its time waiting for the GIL."
        )
    if k == 1:
        return text + (
            "With one thread there is nothing to take turns with; run more "
            "threads to see the GIL at work."
        )
    return text + (
        f"The threads were real operating system threads, and with "
        f"{cpus_phrase(g.cpus)} the operating system was free to run them on "
        f"different CPUs; each simply spent most of its time waiting for the GIL."
    )


def scaling_table(
    rows: list[tuple[str, tuple[ScalingPoint, ...]]], *, label: str = "tasks"
) -> str:
    """Best times in a row and side by side, for each kind and count."""
    lines = [
        f"| work | {label} | in a row (best) | side by side (best) | speed-up "
        f"| spread |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    repeats = 0
    for name, points in rows:
        for p in points:
            repeats = p.parallel.repeats
            lines.append(
                f"| {name} | {p.workers} | {duration(p.serial.best)} "
                f"| {duration(p.parallel.best)} | {times(p.speedup)} "
                f"| {percent(p.parallel.spread)} |"
            )
    lines += [
        "",
        f"Best of {repeats} timed runs after a warm-up; spread (of the side-by-side "
        f"runs) = (slowest − fastest) / fastest.",
    ]
    return "\n".join(lines)


# --- NumPy's trick ---------------------------------------------------------


def numpy_trick_summary(n: NumpyTrick) -> str:
    """NumPy work in threads speeds up; pure Python of the same length does not."""
    k = _pick(n.counts, n.cpus)
    a, b = n.numpy_at(k), n.python_at(k)
    text = (
        f"{plural(k, 'NumPy sort')} of {n.elements:,} numbers in "
        f"{plural(k, 'thread')} ran {times(a.speedup)} as fast as one after "
        f"another; {plural(k, 'pure-Python task')} of about the same length, "
        f"{times(b.speedup)}. "
    )
    if n.cpus == 1 and n.gil_enabled:
        text += (
            "This build had one CPU, so even code that releases the GIL had no "
            "second CPU to run on: neither sped up. On a machine with two or more "
            "CPUs the sorts would."
        )
    elif a.speedup >= 1 + SAME and b.speedup < 1 + SAME:
        text += (
            "The sort runs in compiled code that releases the GIL, so the threads "
            "really ran at the same time; the pure-Python loops took turns."
        )
    elif a.speedup < 1 + SAME:
        text += (
            f"This time even the sorts did not speed up on the "
            f"{cpus_phrase(n.cpus)} this build had; other work was probably "
            f"keeping the CPUs busy."
        )
    elif n.gil_enabled:
        text += (
            "The sorts release the GIL, so their threads really ran at the same "
            "time. The pure-Python loops cannot, with the GIL on: their apparent "
            "gain is the noise of a busy machine."
        )
    else:
        text += (
            "This Python ran with the GIL off, so the pure-Python loops ran at "
            "the same time too."
        )
    return text


# --- processes ----------------------------------------------------------------


def isolation_summary(i: Isolation) -> str:
    """What the parent saw after a child process, a thread and shared memory."""
    text = (
        f"The child process (id {i.child_pid}) set the first element to 999 and "
        f"saw `{list(i.child_sees)}`. "
    )
    if i.child_change_visible:
        text += (
            f"The parent then saw `{list(i.parent_after_child)}`, which should "
            f"not happen: please report it. "
        )
    else:
        text += (
            f"The parent (id {i.parent_pid}) still had "
            f"`{list(i.parent_after_child)}`: the child changed its own copy. "
        )
    if i.thread_change_visible:
        text += (
            f"A thread (thread id {i.worker_thread_id}, in the same process "
            f"{i.worker_thread_pid}) made the same change, and the main thread "
            f"saw `{list(i.parent_after_thread)}`: threads share their process's "
            f"memory. "
        )
    else:
        text += (
            "A thread made the same change, and yet the main thread did not see it. "
        )
    if i.shared_change_visible:
        text += (
            f"Through a block of shared memory, the child's byte {i.shared_written} "
            f"did reach the parent."
        )
    else:
        text += (
            f"Through shared memory the parent read {i.shared_after}, not the "
            f"{i.shared_written} the child wrote."
        )
    return text


def segfault_summary(s: Segfault) -> str:
    """How the child that touched an unmapped address ended."""
    if s.signal_name == "SIGSEGV":
        return (
            f"The child Python ran `{s.code}` and was ended by the operating "
            f"system with the signal SIGSEGV (exit status {s.returncode}): a "
            f"segmentation fault. The parent, which started it, carried on."
        )
    if s.returncode == 0:
        return (
            f"The child Python ran `{s.code}` and ended normally: on this "
            f"system that address happened to be mapped, so nothing was wrong."
        )
    what = f"the signal {s.signal_name}" if s.signal_name else "an error"
    return (
        f"The child Python ran `{s.code}` and ended with {what} (exit status "
        f"{s.returncode}); on Windows an access violation shows up this way. "
        f"The parent, which started it, carried on."
    )


def start_cost_summary(s: StartCosts) -> str:
    """What a thread and a process cost to start."""
    return (
        f"Starting a thread that does nothing, and waiting for it to end, took "
        f"{duration(s.thread.best)} (best of {s.thread.repeats}); a process "
        f"({s.start_method} start method) took {duration(s.process.best)} (best "
        f"of {s.process.repeats}), {s.ratio:.0f} times as long."
    )


def process_thread_table(s: StartCosts, i: Isolation) -> str:
    """Process and thread side by side, with the measured start costs."""
    rows = [
        (
            "What it is",
            "a running program: an instance of it",
            "one sequence of instructions inside a process",
        ),
        (
            "Memory",
            "its own private address space",
            "shares its process's memory with the other threads",
        ),
        (
            "Made by",
            "the operating system, asked by a parent (`fork`, `spawn`)",
            "the operating system, asked by its process",
        ),
        (
            "Scheduled on CPUs by",
            "the operating system (through its threads)",
            "the operating system",
        ),
        (
            "Ids in this build",
            f"parent {i.parent_pid}, child {i.child_pid}",
            f"{i.main_thread_id} and {i.worker_thread_id}, both in process "
            f"{i.worker_thread_pid}",
        ),
        (
            "Cost to start and join (measured)",
            duration(s.process.best),
            duration(s.thread.best),
        ),
        (
            "Python's GIL",
            "one per process (per interpreter)",
            "shared with the process's other threads",
        ),
    ]
    lines = ["| | process | thread |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def cpu_sampling_summary(c: CpuSampling) -> str:
    """Where the operating system ran the busy threads."""
    if c.method == "unavailable" or not c.samples:
        return (
            "This system offers no way to ask which CPU a thread is on, so the "
            "experiment could not sample it."
        )
    n = len(c.threads)
    used = ", ".join(str(x) for x in c.cpus_used)
    text = (
        f"Over {duration(c.seconds)}, {n} busy "
        f"{'thread was' if n == 1 else 'threads were'} sampled {c.samples:,} "
        f"time{'' if c.samples == 1 else 's'} (with {c.method}). "
    )
    if len(c.cpus_available) == 1:
        return text + (
            f"This build could use only CPU {c.cpus_available[0]}, so every "
            f"sample found {'it' if n == 1 else 'them'} there: the operating "
            f"system had nowhere to move {'it' if n == 1 else 'them'}."
        )
    text += (
        f"{'It' if n == 1 else 'They'} ran on "
        f"CPU{'s' if len(c.cpus_used) > 1 else ''} {used} of the "
        f"{len(c.cpus_available)} this build could use, "
    )
    if c.total_moves:
        text += (
            f"and the operating system moved a thread from one CPU to another "
            f"{'once' if c.total_moves == 1 else f'{c.total_moves} times'} "
            f"between samples."
        )
    else:
        text += (
            "and this time no thread was moved between samples; the operating "
            "system may move them whenever it sees fit."
        )
    return text
