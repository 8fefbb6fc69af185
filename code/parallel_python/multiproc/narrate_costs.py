"""Sentences for Part B's tour of the package: the API, errors, costs, pitfalls.

Each function takes a result and returns Markdown text, tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

from ..core.text import and_list, measured, plural, processes_phrase, seconds, size
from .api import ApiTour, WorkerErrors
from .costs import BigArgument, PoolStartup, TaskOverhead
from .main_guard import Demos


def api_tour_summary(tour: ApiTour) -> str:
    """Did every API give the serial answer, in which order, in how many processes?"""
    wrong = [r.name for r in tour.runs if not r.equals_serial]
    if wrong:
        return f"These gave a different answer from the loop: {', '.join(wrong)}."
    text = f"All {len(tour.runs)} ways gave the same {tour.tasks} squares."
    unordered = [r.name for r in tour.runs if not r.in_order]
    pooled = [r for r in tour.runs if r.processes_used]
    used = sorted({r.processes_used for r in pooled})
    if unordered:
        text += (
            f" {', '.join(f'`{n}`' for n in unordered)} handed them back in the order "
            f"they were finished, not the order of the inputs; the others kept the "
            f"input order."
        )
    elif used == [1]:
        text += (
            " With one worker, tasks finish in the order they are sent, so "
            "`Pool.imap_unordered` returned them in input order; with several it "
            "promises nothing about order."
        )
    else:
        text += (
            " This time even `Pool.imap_unordered` happened to return them in input "
            "order; it promises nothing about order, so it may not next time."
        )
    if used == [1]:
        text += (
            f" The pools, asked for {processes_phrase(tour.processes)}, ran every "
            f"task in their one worker process; the loop and `map` ran every task "
            f"in the calling process."
        )
    elif used:
        spread = " or ".join(str(u) for u in used)
        text += (
            f" The pools, asked for {processes_phrase(tour.processes)}, spread the "
            f"tasks over {spread} worker processes; the loop and `map` ran every "
            f"task in the calling process."
        )
    return text


def api_tour_table(tour: ApiTour) -> str:
    """Each API with its answer check, order and worker processes, as Markdown."""
    lines = [
        "| way | same answer as the loop | in input order | worker processes used |",
        "|---|:-:|:-:|--:|",
    ]
    for r in tour.runs:
        lines.append(
            f"| `{r.name}` | {'yes' if r.equals_serial else '**no**'} "
            f"| {'yes' if r.in_order else 'no'} "
            f"| {r.processes_used or 'none: all in this process'} |"
        )
    return "\n".join(lines)


def worker_error_summary(errors: WorkerErrors) -> str:
    """What the caller saw when a task raised."""
    parts = [
        f"`{e.api}` raised the worker's `{e.error_type}: {e.message}`"
        for e in errors.errors
    ]
    text = "; ".join(parts) + "."
    if all(e.remote_traceback for e in errors.errors):
        text += (
            " Each time, the worker's traceback came along as the exception's cause."
        )
    left = max(e.children_left for e in errors.errors)
    if left == 0:
        text += " Afterwards no worker process was left running."
    else:
        still = plural(left, "worker process", "worker processes")
        verb = "was" if left == 1 else "were"
        text += f" Afterwards {still} {verb} still running: a bug."
    return text


def startup_summary(s: PoolStartup) -> str:
    """How long each start method took to bring up a pool, with and without a
    ``forkserver`` preload."""
    ordered = sorted(s.methods, key=lambda m: m.start.best)
    bests = and_list([f"`{m.method}` {seconds(m.start.best)}" for m in ordered])
    medians = and_list([seconds(m.start.median) for m in ordered])
    tries = ordered[0].start.repeats
    text = (
        f"Starting a pool of {processes_phrase(s.processes)} until it answered took "
        f"{bests} at best in {plural(tries, 'try', 'tries')}"
        + (
            f" (median{'s' if len(ordered) > 1 else ''} {medians})."
            if tries > 1
            else "."
        )
    )
    if len(ordered) > 1:
        fast, slow = ordered[0], ordered[-1]
        ratio = slow.start.best / fast.start.best
        text += (
            f" `{slow.method}` took {_factor(ratio)} times as long as `{fast.method}`"
            if ratio >= 1.5
            else " The methods cost about the same here"
        )
        text += "."
    text += _preload_sentence(s)
    text += (
        f" This build's start method, `{s.start_method}`, is the one the other "
        f"experiments use."
    )
    return text


def startup_takeaway(s: PoolStartup) -> str:
    """The start-up figure's title: which start method was fastest, by how much."""
    ordered = sorted(s.methods, key=lambda m: m.start.best)
    pool = f"A pool of {plural(s.processes, 'process', 'processes')}"
    fast = ordered[0]
    text = f"{pool}: {fast.method} starts in {seconds(fast.start.best)}"
    if len(ordered) > 1:
        slow = ordered[-1]
        ratio = slow.start.best / fast.start.best
        if ratio >= 1.5:
            text += f", {slow.method} takes {_factor(ratio)}× as long"
        else:
            text += ", the others about as fast"
    return text


def _factor(ratio: float) -> str:
    """``24.3``, ``2.44``: the book's one format (:func:`.core.text.measured`)."""
    return measured(ratio)


def _preload_sentence(s: PoolStartup) -> str:
    """What ``set_forkserver_preload`` did (or why it could not be tried)."""
    pre = s.preloaded
    if pre is None:
        return ""
    if not pre.available or pre.timing is None:
        return (
            " This platform has no `forkserver`, so `set_forkserver_preload`, "
            "which only `forkserver` uses, could not be tried."
        )
    p = pre.timing.start
    names = and_list([f"`{m}`" for m in pre.modules]) or "nothing"
    text = (
        f" In a fresh Python whose forkserver imported {names} once, as it "
        f"started (`set_forkserver_preload`), a `forkserver` pool took "
        f"{seconds(p.best)} (median {seconds(p.median)})"
    )
    compared = []
    for method, what in (("forkserver", "without the preload"), ("fork", "`fork`")):
        other = next((m for m in s.methods if m.method == method), None)
        if other is not None:
            compared.append(_compare(p.best, other.start.best, what))
    if compared:
        text += ": " + " and ".join(compared)
    text += "."
    if pre.server_start is not None:
        text += (
            f" The first pool of that Python, which also started the server and "
            f"waited for its imports, took {seconds(pre.server_start)}; a program "
            f"pays that once."
        )
    return text


def _compare(mine: float, other: float, what: str) -> str:
    """``13 times as fast as X``, ``2.4 times as long as X``, ``about as long as X``."""
    if other / mine >= 1.5:
        return f"{_factor(other / mine)} times as fast as {what}"
    if mine / other >= 1.5:
        return f"{_factor(mine / other)} times as long as {what}"
    return f"about as long as {what}"


def task_overhead_summary(o: TaskOverhead) -> str:
    """The cost per tiny task with chunk size 1 and with the defaults."""
    n = o.tasks
    pool1 = o.get("Pool.map", 1).per_task(n)
    pool_auto = o.default("Pool.map")
    exe1 = o.default("ProcessPoolExecutor.map").per_task(n)
    exe_big = o.get("ProcessPoolExecutor.map", pool_auto.chunksize).per_task(n)
    return (
        f"Calling the trivial function in a plain loop cost "
        f"{seconds(o.serial_per_task)} per task. Sent to a pool of "
        f"{processes_phrase(o.processes)} one task at a time "
        f"(`chunksize=1`), each task cost {seconds(pool1)}: "
        f"{pool1 / o.serial_per_task:,.0f} times as much. With its own choice, "
        f"chunks of {pool_auto.chunksize}, `Pool.map` got that down to "
        f"{seconds(pool_auto.per_task(n))} per task. `ProcessPoolExecutor.map` "
        f"sends one task per message unless told otherwise: "
        f"{seconds(exe1)} per task with its default `chunksize=1`, "
        f"{seconds(exe_big)} with `chunksize={pool_auto.chunksize}`."
    )


def task_overhead_takeaway(o: TaskOverhead) -> str:
    """The chunk-size figure's title: what one task per message costs."""
    n = o.tasks
    one = o.get("Pool.map", 1).per_task(n)
    auto = o.default("Pool.map")
    return (
        f"chunksize=1: {seconds(one)} per task; "
        f"Pool.map's chunks of {auto.chunksize}: {seconds(auto.per_task(n))}"
    )


def big_argument_takeaway(b: BigArgument) -> str:
    """The big-argument figure's title: sending the array against not sending it."""
    best = min(b.made_in_worker.best, b.shared.best)
    if b.pickled.best >= 1.5 * best:
        verdict = f"{_factor(b.pickled.best / best)}× the time of not sending it"
    elif best >= 1.5 * b.pickled.best:
        verdict = f"{_factor(best / b.pickled.best)}× faster than not sending it"
    else:
        verdict = "about the time of not sending it"
    return f"Sending the array with each task: {verdict}"


def big_argument_summary(b: BigArgument) -> str:
    """Pickling a big array for every task against making or sharing it."""
    per = 1 / b.tasks
    text = (
        f"For {b.tasks} tasks that each sum the same {size(b.elements * 8)} array, "
        f"summing it {plural(b.tasks, 'time')} in the calling process took "
        f"{seconds(b.serial.best)} in all. Sending the "
        f"array with every task took {seconds(b.pickled.best)} "
        f"({seconds(b.pickled.best * per)} per task), most of it spent pickling "
        f"{b.elements * 8:,} bytes, piping them to a worker and unpickling them. "
    )
    ranked = sorted(
        (
            ("making the array in the worker", b.made_in_worker.best),
            ("reading it from shared memory", b.shared.best),
        ),
        key=lambda x: x[1],
    )
    text += (
        f"{ranked[0][0].capitalize()} took {seconds(ranked[0][1])}, and "
        f"{ranked[1][0]} {seconds(ranked[1][1])}; filling the shared array and "
        f"starting its pool cost {seconds(b.shared_setup.best)} once."
    )
    if not b.answers_agree:
        text += " **The answers disagreed: a bug.**"
    return text


def missing_guard_summary(d: Demos) -> str:
    """What each run of the unguarded script did."""
    parts = []
    for demo in d.demos:
        head = f"With `{demo.method}` and `{demo.api}`"
        if demo.succeeded:
            parts.append(
                f"{head}, the script ran to the end in {seconds(demo.seconds)} and "
                f"printed `{demo.stdout.splitlines()[-1]}`: no worker re-ran it."
            )
        elif not demo.finished:
            parts.append(
                f"{head}, it never finished: in the {d.timeout:.0f} s we allowed, "
                f"{plural(demo.workers_failed, 'worker')} started, re-ran the script, "
                f"failed "
                f"with `RuntimeError` while importing it, and were replaced by new "
                f"ones; we killed the whole process group at the time limit."
            )
        else:
            failed = demo.workers_failed
            who = plural(failed, "worker")
            parts.append(
                f"{head}, {who} failed with `RuntimeError` while re-running the "
                f"script, and the script ended after {seconds(demo.seconds)} with "
                f"`{demo.error.rstrip('.')}`."
            )
    return " ".join(parts)


def interactive_summary(d: Demos) -> str:
    """What happened to a function typed into an interactive session."""
    parts = []
    for demo in d.demos:
        if demo.succeeded:
            parts.append(
                f"With `{demo.method}`, the workers are copies of the interactive "
                f"session, `double` included: it printed `{demo.stdout}`."
            )
        elif demo.missing_function:
            parts.append(
                f"With `{demo.method}`, each fresh worker looked for `double` in its "
                f"own `__main__` and failed with `{demo.worker_error}`; the caller "
                f"got `{demo.error.split(':')[0].split('.')[-1]}`."
            )
        else:
            parts.append(
                f"With `{demo.method}`, the session ended with "
                f"`{demo.error or demo.worker_error or 'no output'}`."
            )
    return " ".join(parts)
