"""Sentences from the GIL and NumPy's trick results, true on 1, 2 or 64 CPUs."""

from __future__ import annotations

from ..core.readings import (
    ceiling_clause,
    ceiling_phrase,
    one_worker_note,
    unsteady_note,
    what_was_seen,
)
from ..core.text import (
    SAME,
    and_list,
    cpus_phrase,
    duration,
    gain_shown,
    interval,
    plural,
    ratio_text,
    setting,
    table,
    times,
)
from .counts import shown_count
from .gil_results import GilScaling, ScalingPoint
from .narrate_placement import placement_note
from .narrate_threads import _verdict
from .numpy_trick import NumpyTrick


def processes_in_a_row(g: GilScaling) -> str:
    """The GIL table's note: what "in a row" is for two or more processes
    (one worker process up to the CPUs, this process beyond them)."""
    counts = [p.workers for p in g.processes_cpu if p.workers > 1]
    alone = [str(k) for k in counts if g.compared_with_one_process(k)]
    beyond = [str(k) for k in counts if not g.compared_with_one_process(k)]
    if not alone:
        return ""
    text = (
        f"For {and_list(alone)} processes, “in a row” is one worker process "
        "running the tasks one after another, a new one for every round, like "
        "the workers"
    )
    if beyond:
        text += (
            f"; for {and_list(beyond)}, beyond the CPUs, it is the experiment's "
            "own run, as for threads (those rounds are there to show whether "
            "more processes gain anything)"
        )
    return text + "."


def gil_summary(g: GilScaling) -> str:
    """Threads vs processes on pure-Python work, and threads that wait."""
    k = shown_count(g.counts, g.cpus)
    t = g.threads_cpu_at(k)
    text = (
        f"{plural(k, 'pure-Python task')} in {plural(k, 'thread')}: "
        f"{ratio_text(t.ratio)} the speed of running them one after another, "
        f"{_verdict(t.ratio)}. "
    )
    if k == 1:
        text += "With one thread there is nothing to take turns with. "
    elif g.cpus == 1 and not gain_shown(t.ratio):
        text += (
            "With one CPU the threads could only take turns, GIL or no GIL; "
            "this build cannot show the GIL's own effect. "
        )
    elif g.cpus == 1:
        text += (
            "With one CPU the threads could only take turns, so this gain is not "
            f"parallel work: {what_was_seen(g.disturbance, t.ratio)}. "
        )
    elif not gain_shown(t.ratio) and g.gil_enabled:
        text += (
            "The GIL let one thread at a time run Python bytecode, so the "
            "threads took turns. "
        )
    elif not gain_shown(t.ratio):
        text += (
            "This Python ran with the GIL off, yet the threads did not speed up "
            f"on the {cpus_phrase(g.cpus)} this build could use: "
            f"{what_was_seen(g.disturbance, t.ratio)}. "
        )
    elif g.gil_enabled:
        text += (
            "The GIL still let only one thread at a time run Python bytecode, so "
            f"this gain is not parallel work: {what_was_seen(g.disturbance, t.ratio)}. "
        )
    else:
        text += (
            "This Python ran with the GIL off, so the threads really ran at the "
            "same time. "
        )
    if g.processes_cpu:
        p = g.processes_cpu_at(k)
        # from two on, compared with one worker process running them in a row
        than = (
            " as one worker process running them in a row"
            if g.compared_with_one_process(k)
            else ""
        )
        if g.cpus == 1:
            text += (
                f"The same tasks in {plural(k, 'process', 'processes')} ran "
                f"{ratio_text(p.ratio)} as fast{than}: with "
                f"one CPU this build had nothing to run them on side by side, so "
                f"processes gave {_verdict(p.ratio)} either. "
            )
        elif gain_shown(p.ratio):
            text += (
                f"In {plural(k, 'worker process', 'worker processes')}, each with "
                f"its own interpreter and its "
                f"own GIL, they ran {ratio_text(p.ratio)} as fast{than}, on the "
                f"{cpus_phrase(g.cpus)} this build could use"
                f"{ceiling_phrase(g.ceiling, equal_shares=True)}. "
            )
            text += unsteady_note("The processes'", p.ratio, g.disturbance, stated=True)
        else:
            text += (
                f"Even in {plural(k, 'worker process', 'worker processes')} they "
                f"ran only {ratio_text(p.ratio)} "
                f"as fast{than}, though this build had {cpus_phrase(g.cpus)}: "
                f"{what_was_seen(g.disturbance, p.ratio)}"
                f"{ceiling_phrase(g.ceiling, equal_shares=True)}. "
            )
        text += placement_note(g, k)
    text += _one_worker_check(g)
    most = g.most
    w = g.threads_wait_at(most)
    each = "each " if most > 1 else ""
    text += (
        f"Waiting is another matter: {plural(most, 'thread')} that {each}slept "
        f"{setting(g.wait_seconds)} finished {ratio_text(w.ratio)} as fast as "
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
    k = shown_count(g.counts, g.cpus)
    t = g.threads_cpu_at(k)
    text = (
        f"For pure-Python work, {plural(k, 'thread')} gave {ratio_text(t.ratio)} the "
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
            "one CPU, so they had nothing to run on side by side. On a machine "
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
        f"different CPUs; but they took turns holding the GIL, so each ran "
        f"Python code for only about {_share(k)} of the time."
    )


def _share(k: int) -> str:
    """One of ``k`` turns, in words: 'half', 'a third', 'a quarter', '1/8'."""
    return {2: "half", 3: "a third", 4: "a quarter"}.get(k, f"1/{k}")


def scaling_table(
    rows: list[tuple[str, tuple[ScalingPoint, ...]]],
    *,
    label: str = "tasks",
    note: str = "",
) -> str:
    """Median times in a row and side by side, and the median paired speed-up
    with its 90 % interval, for each kind and count: five short columns;
    ``note`` ends the legend (what "in a row" means for a row, say)."""
    cells, rounds = [], []
    for name, points in rows:
        for p in points:
            r = p.ratio
            rounds.append(r.rounds)
            speedup = (
                times(r.median)
                if r.too_few_rounds
                else interval(r.median, r.low, r.high)
            )
            cells.append(
                [
                    name,
                    str(p.workers),
                    duration(p.serial.median),
                    duration(p.parallel.median),
                    speedup,
                ]
            )
    spread = (
        plural(min(rounds), "round")
        if min(rounds, default=0) == max(rounds, default=0)
        else f"{min(rounds)} to {max(rounds)} rounds"
    )
    legend = (
        f"Median times of the {label} run in a row (one after another) and side "
        f"by side. Each round ran every way once, back to back; "
        f"a speed-up is the median of the rounds' ratios (so it need not "
        f"equal the ratio of the two median times beside it), with "
        f"the 90 % confidence interval of that median in brackets (none where "
        f"there were too few rounds for one); {spread} per row."
        + (f" {note}" if note else "")
    )
    head = ["work", label, "in a row", "side by side", "speed-up (interval)"]
    return table(head, cells, "lrrrr") + "\n\n" + legend + _pace_note(rows)


def _pace_note(rows: list[tuple[str, tuple[ScalingPoint, ...]]]) -> str:
    """A sentence when one task in a row took much longer in one row than
    in another of the same work: "" when they agree within 20 %."""
    widest, most = None, 1.2
    for name, points in rows:
        each = [p.serial.median / p.workers for p in points]
        if each and max(each) / min(each) > most:
            widest, most = (min(each), max(each), name), max(each) / min(each)
    if widest is None:
        return ""
    fast, slow, name = widest
    return (
        f" In the rows of {name}, one task in a row took from {duration(fast)} "
        f"to {duration(slow)}: the same work ran at a different pace at "
        "different moments, which is why each speed-up compares the rounds of "
        "its own row only."
    )


def numpy_trick_summary(n: NumpyTrick) -> str:
    """NumPy work in threads speeds up; pure Python of the same length does not."""
    k = shown_count(n.counts, n.cpus)
    a, b = n.numpy_at(k), n.python_at(k)
    text = (
        f"{plural(k, 'NumPy sorting task')} (each sorting {n.elements:,} numbers"
        f"{'' if n.sorts == 1 else f' {n.sorts} times'}) in "
        f"{plural(k, 'thread')} ran {ratio_text(a.ratio)} as fast as one after "
        f"another; {plural(k, 'pure-Python task')} of roughly the same length, "
        f"{ratio_text(b.ratio)}. Each figure is the median of paired rounds, "
        "with its 90 % interval. "
    )
    if n.cpus == 1 and max(a.speedup, b.speedup) >= 1 + SAME:
        text += (
            "This build had one CPU, so threads had no second CPU to run on: a "
            "figure above 1× here is beyond what one CPU can give and is suspect "
            f"({what_was_seen(None, (a if a.speedup >= b.speedup else b).ratio)}). "
            "On a machine with two or more CPUs the sorts could speed up."
        )
    elif n.cpus == 1:
        text += (
            "This build had one CPU, so even code that releases the GIL had no "
            "second CPU to run on: neither sped up. On a machine with two or more "
            "CPUs the sorts could."
        )
    elif gain_shown(a.ratio) and not gain_shown(b.ratio):
        text += (
            "The sort runs in compiled code that releases the GIL, so the threads "
            "really ran at the same time; the pure-Python loops took turns."
        )
    elif not gain_shown(a.ratio):
        text += (
            f"This time even the sorts did not speed up on the "
            f"{cpus_phrase(n.cpus)} this build had; "
            f"{what_was_seen(None, a.ratio)}."
        )
    elif n.gil_enabled:
        text += (
            "The sorts release the GIL, so their threads really ran at the same "
            "time. The pure-Python loops cannot, with the GIL on, so their figure "
            f"is not parallel work: {what_was_seen(None, b.ratio)}."
        )
    else:
        text += (
            "This Python ran with the GIL off, so the pure-Python loops ran at "
            "the same time too."
        )
    if n.cpus > 1 and gain_shown(a.ratio):
        rough = unsteady_note("The sorts'", a.ratio, stated=True)
        text += f" {rough.rstrip()}" if rough else ""
    if n.cpus > 1 and n.ceiling is not None:
        # each thread sorts its own array on a CPU of its own: one equal
        # share per thread, pinned
        clause = ceiling_clause(n.ceiling, equal_shares=True, pinned=True)
        text += f" Between the sorting rounds, {clause}."
    if 1 in n.counts:
        text += " " + "".join(
            one_worker_note(f"One {what} in one thread", point.ratio)
            for what, point in (
                ("sorting task", n.numpy_at(1)),
                ("pure-Python task", n.python_at(1)),
            )
        )
    return text.rstrip()


def _one_worker_check(g: GilScaling) -> str:
    """A sentence when one task in one thread or one process did not come out
    at about 1× (the check every one-worker figure must pass), else ""."""
    if 1 not in g.counts:
        return ""
    ways = [("one thread", g.threads_cpu_at(1))]
    if g.processes_cpu:
        ways.append(("one worker process", g.processes_cpu_at(1)))
    return "".join(
        one_worker_note(f"One task in {name}", point.ratio, g.disturbance)
        for name, point in ways
    )
