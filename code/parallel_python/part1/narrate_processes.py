"""Sentences from the process experiments: isolation, crashes, costs, CPUs."""

from __future__ import annotations

from ..core.text import and_list, duration, measured
from .processes import CpuSampling, Isolation, Segfault, StartCosts


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
        f"of {s.process.repeats}), {measured(s.ratio)} times as long."
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
    """Where the operating system ran the busy threads, and whether they ran
    at the same time (their CPU time against the wall time)."""
    if c.method == "unavailable" or not c.samples:
        return (
            "This system offers no way to ask which CPU a thread is on, so the "
            "experiment could not sample it."
        )
    n = len(c.threads)
    obj, subj = ("it", "It") if n == 1 else ("them", "They")
    used = and_list([str(x) for x in c.cpus_used])
    text = (
        f"Over {duration(c.seconds)}, {n} busy "
        f"{'thread was' if n == 1 else 'threads were'} sampled {c.samples:,} "
        f"time{'' if c.samples == 1 else 's'}, read with "
        f"{c.method.replace(' (ctypes)', ' through ctypes')}. "
    )
    if c.busy_cpus > 0:
        text += (
            f"{subj} kept {measured(c.busy_cpus)} CPUs busy on average (CPU time "
            f"over wall time)"
        )
        if n > 1 and c.busy_cpus >= 1.2:
            text += " with them, so the threads really did run at the same time"
        elif n > 1 and len(c.cpus_available) > 1:
            text += ", no more than one, so the threads took turns"
        text += ". "
    if len(c.cpus_available) == 1:
        return text + (
            f"This build could use only CPU {c.cpus_available[0]}, so every "
            f"sample found {obj} there: the operating system had nowhere to "
            f"move {obj}."
        )
    every = len(c.cpus_used) == len(c.cpus_available) > 1
    text += (
        f"{subj} ran on CPU{'s' if len(c.cpus_used) > 1 else ''} {used}"
        + (
            f", {'both' if len(c.cpus_used) == 2 else 'all'} of the "
            if every
            else " of the "
        )
        + f"{len(c.cpus_available)} this build could use"
    )
    if n > len(c.cpus_available):
        text += (
            f": {n} threads on {len(c.cpus_available)} CPUs, so the CPUs had to "
            "be shared out among them"
        )
    if c.total_moves:
        text += (
            f". The operating system moved a thread from one CPU to another "
            f"{'once' if c.total_moves == 1 else f'{c.total_moves} times'} "
            f"between samples."
        )
    else:
        text += (
            ". This time no thread was moved between samples; the operating "
            "system may move them whenever it sees fit."
        )
    return text
