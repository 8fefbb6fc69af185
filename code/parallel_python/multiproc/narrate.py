"""Sentences computed from the results of Part B (the multiprocessing package).

Each function takes a result and returns Markdown text, so the page and the
CLI say what was measured on the machine at hand. Tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

from ..core.text import (
    SAME,
    ceiling_phrase,
    cpus_phrase,
    percent,
    plural,
    seconds,
    times,
    what_was_seen,
)
from .amdahl import AmdahlFit
from .api import ApiTour, WorkerErrors
from .costs import BigArgument, PoolStartup, TaskOverhead
from .integration import IntegrationError, IntegrationSweep
from .main_guard import Demos
from .montecarlo import MonteCarloPi


def _processes(p: int) -> str:
    return "one process" if p == 1 else f"{p} processes"


# --- the API tour and errors ------------------------------------------------------


def api_tour_summary(tour: ApiTour) -> str:
    """Did every API give the serial answer, in which order, in how many processes?"""
    wrong = [r.name for r in tour.runs if not r.equals_serial]
    if wrong:
        return f"These gave a different answer from the loop: {', '.join(wrong)}."
    text = f"All {len(tour.runs)} ways gave the same {tour.tasks} squares."
    unordered = [r.name for r in tour.runs if not r.in_order]
    if unordered:
        text += (
            f" {', '.join(f'`{n}`' for n in unordered)} handed them back in the order "
            f"they were finished, not the order of the inputs; the others kept the "
            f"input order."
        )
    else:
        text += (
            " This time even `Pool.imap_unordered` happened to return them in input "
            "order; it promises nothing about order, so it may not next time."
        )
    pooled = [r for r in tour.runs if r.processes_used]
    if pooled:
        used = sorted({r.processes_used for r in pooled})
        spread = " or ".join(str(u) for u in used)
        text += (
            f" The pools, asked for {_processes(tour.processes)}, spread the tasks "
            f"over {spread} worker process{'es' if used != [1] else ''}; the loop "
            f"and `map` ran every task in the calling process."
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


# --- start-up, per-task cost, big arguments ----------------------------------------


def startup_summary(s: PoolStartup) -> str:
    """How long each start method took to bring up a pool."""
    ordered = sorted(s.methods, key=lambda m: m.start.best)
    parts = [f"`{m.method}` {seconds(m.start.best)}" for m in ordered]
    text = (
        f"Starting a pool of {_processes(s.processes)} until it answered took "
        f"{', '.join(parts)} (best of {ordered[0].start.repeats})."
    )
    if len(ordered) > 1:
        fast, slow = ordered[0], ordered[-1]
        ratio = slow.start.best / fast.start.best
        text += (
            f" `{slow.method}` took {ratio:.0f} times as long as `{fast.method}`"
            if ratio >= 1.5
            else " The methods cost about the same here"
        )
        text += "."
    text += (
        f" This build's start method, `{s.start_method}`, is the one the other "
        f"experiments use."
    )
    return text


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
        f"{_processes(o.processes)} one task at a time "
        f"(`chunksize=1`), each task cost {seconds(pool1)}: "
        f"{pool1 / o.serial_per_task:,.0f} times as much. With its own choice, "
        f"chunks of {pool_auto.chunksize}, `Pool.map` got that down to "
        f"{seconds(pool_auto.per_task(n))} per task. `ProcessPoolExecutor.map` "
        f"sends one task per message unless told otherwise: "
        f"{seconds(exe1)} per task with its default `chunksize=1`, "
        f"{seconds(exe_big)} with `chunksize={pool_auto.chunksize}`."
    )


def big_argument_summary(b: BigArgument) -> str:
    """Pickling a big array for every task against making or sharing it."""
    per = 1 / b.tasks
    text = (
        f"For {b.tasks} tasks that each sum the same {b.megabytes:.3g} MB array, "
        f"summing in the calling process took {seconds(b.serial.best)}. Sending the "
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


# --- integration ------------------------------------------------------------------


def integration_error_summary(e: IntegrationError) -> str:
    """How the midpoint rule's error falls with n."""
    first, last = e.points[0], e.points[-1]
    err0, err1 = e.errors[0], e.errors[-1]
    factor = (last / first) ** 2
    return (
        f"With {first:,} points the estimate of π is off by {err0:.1e}; with "
        f"{last:,} points, by {err1:.1e}. {last // first:,} times the points "
        f"cut the error {err0 / err1:,.0f}-fold, close to the {factor:,.0f} that "
        f"an error shrinking like 1/n² predicts."
    )


def amdahl_sentence(fit: AmdahlFit) -> str:
    """What the Amdahl estimate is, and how much to trust it."""
    if fit.kind == "none" or fit.serial_fraction is None:
        return (
            f"With {cpus_phrase(fit.cpus)} there is only one process count up to the "
            f"CPUs, so there is nothing to fit: Amdahl's serial fraction cannot be "
            f"estimated on this machine."
        )
    s = fit.serial_fraction
    if fit.kind == "exact":
        how = (
            f"With {cpus_phrase(fit.cpus)} there are exactly two process counts "
            f"up to the CPUs ({fit.processes_used[0]} and {fit.processes_used[1]}), "
            f"and two points determine the two unknowns exactly: this is a solve, "
            f"not a fit, and it cannot tell noise from a real serial part."
        )
    else:
        how = (
            f"A least-squares fit over the {len(fit.processes_used)} process counts "
            f"up to the {cpus_phrase(fit.cpus)} gives it."
        )
    if s >= 0.5:
        value = (
            f"The serial fraction comes out at {s * 100:.0f} %: by this measurement "
            f"more processes barely helped, or even hurt. For a computation made "
            f"of independent chunks, that points at the machine (other programs "
            f"busy on its CPUs) rather than at the program."
        )
    elif s <= 0:
        value = (
            f"The serial fraction comes out at {s * 100:.1f} %, that is zero "
            f"within the noise: no serial part is measurable at this size."
        )
    else:
        value = (
            f"The serial fraction comes out at {s * 100:.1f} %, which would cap the "
            f"speed-up at {1 / s:,.0f}× however many CPUs there were."
        )
    return f"{value} {how}"


def sweep_summary(sweep: IntegrationSweep) -> str:
    """Speed-up and efficiency of the integration at the CPUs and beyond."""
    if sweep.cpus == 1:
        most = max(sweep.processes)
        return (
            f"This build could use only one CPU, so the processes had to take turns: "
            f"with {_processes(most)} the integration ran at "
            f"{times(sweep.speedup(most))} the serial speed."
        )
    p = sweep.processes_at_cpus
    s, e = sweep.speedup(p), sweep.efficiency(p)
    text = (
        f"With {_processes(p)} on the {cpus_phrase(sweep.cpus)} this run could "
        f"use, the integration ran {times(s)} as fast as the serial loop: a "
        f"parallel efficiency of {percent(e)}"
    )
    if e >= 0.9:
        text += f", close to perfect{ceiling_phrase(sweep.ceiling)}."
    else:
        seen = what_was_seen(sweep.disturbance, sweep.ratio(p))
        text += f", short of the ideal: {seen}{ceiling_phrase(sweep.ceiling)}."
    over = [q for q in sweep.processes if q > sweep.cpus]
    if over:
        q = max(over)
        sq = sweep.speedup(q)
        if sq > s * (1 + SAME):
            seen = what_was_seen(sweep.disturbance, sweep.ratio(q))
            text += (
                f" With {q} processes, more than there are CPUs, it reached "
                f"{times(sq)}, above the {p}-process figure: {seen}."
            )
        else:
            text += (
                f" With {q} processes, more than there are CPUs, it reached "
                f"{times(sq)}: extra processes only take turns."
            )
    return text


def sweep_equal_sentence(sweep: IntegrationSweep) -> str:
    """Did every pool give the serial answer, and how close is it to pi?"""
    if sweep.all_equal:
        head = f"Every pool size gave exactly the serial answer, {sweep.serial_value!r}"
    else:
        head = "**Some pool sizes gave a different answer from the serial loop: a bug**"
    return (
        f"{head}; it differs from π by {sweep.error:.1e}, the midpoint rule's "
        f"error with {sweep.n:,} strips."
    )


def sweep_table(sweep: IntegrationSweep) -> str:
    """Every point of the sweep as a Markdown table, with the spread."""
    lines = [
        "| processes | pool start-up (ms) | best (ms) | median (ms) | spread "
        "| speed-up | efficiency |",
        "|--:|--:|--:|--:|--:|--:|--:|",
        f"| serial | – | {sweep.serial.best * 1e3:.1f} | "
        f"{sweep.serial.median * 1e3:.1f} | {percent(sweep.serial.spread)} "
        f"| 1.00× | – |",
    ]
    for pt in sweep.points:
        lines.append(
            f"| {pt.processes} | {pt.startup * 1e3:.1f} | {pt.timing.best * 1e3:.1f} "
            f"| {pt.timing.median * 1e3:.1f} | {percent(pt.timing.spread)} "
            f"| {times(sweep.speedup(pt.processes))} "
            f"| {percent(sweep.efficiency(pt.processes))} |"
        )
    lines.append("")
    lines.append(
        f"Best and median of {sweep.serial.repeats} timed runs, in interleaved "
        f"rounds after one warm-up; "
        f"spread = (slowest − fastest) / fastest. The start-up column is not part "
        f"of the timed runs."
    )
    return "\n".join(lines)


def prediction_check(sweep: IntegrationSweep, processes: int) -> str:
    """Compare the ideal prediction min(p, CPUs) with the measured speed-up."""
    ideal = min(processes, sweep.cpus)
    got = sweep.speedup(processes)
    return (
        f"With {_processes(processes)} on {cpus_phrase(sweep.cpus)} the ideal "
        f"prediction is {times(float(ideal))}; this run measured {times(got)} "
        f"({percent(got / ideal)} of the prediction)."
    )


# --- the pitfalls -------------------------------------------------------------------


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


def monte_carlo_summary(mc: MonteCarloPi) -> str:
    """Is the estimate the same for every process count, and how good is it?"""
    counts = ", ".join(mc.by_processes)
    if mc.all_equal:
        text = (
            f"Serially and with {counts} processes the estimate was the same to the "
            f"last digit, {mc.serial:.6f}: {mc.chunks} chunks of "
            f"{mc.throws_per_chunk:,} throws, each from its own stream."
        )
    else:
        text = (
            "The estimates differed between process counts ("
            + ", ".join(f"{p}: {v:.6f}" for p, v in mc.by_processes.items())
            + "): **a bug**, since every chunk has its own stream."
        )
    ratio = mc.error / mc.standard_error
    text += (
        f" It is off from π by {mc.error:.1e}, which is {ratio:.1f} standard "
        f"errors ({mc.standard_error:.1e} for {mc.throws:,} throws): "
    )
    text += (
        "as good as chance allows." if ratio <= 2 else "unusually far, but possible."
    )
    return text
