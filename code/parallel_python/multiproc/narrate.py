"""Sentences computed from the results of Part B (the multiprocessing package).

Each function takes a result and returns Markdown text, so the page and the
CLI say what was measured on the machine at hand. Tested with made-up
results for 1, 2 and 64 CPUs.
"""

from __future__ import annotations

from ..core.readings import (
    ceiling_phrase,
    one_worker_note,
    unsteady_note,
    what_was_seen,
)
from ..core.sanity import check_speedup
from ..core.text import (
    SAME,
    and_list,
    cpus_phrase,
    gain,
    measured,
    percent,
    plural,
    processes_phrase,
    ratio_text,
    table,
    times,
)
from .amdahl import AmdahlFit
from .integration import IntegrationError, IntegrationSweep
from .montecarlo import MonteCarloPi

# --- integration ------------------------------------------------------------------


def integration_error_summary(e: IntegrationError) -> str:
    """How the midpoint rule's error falls with n."""
    first, last = e.points[0], e.points[-1]
    err0, err1 = e.errors[0], e.errors[-1]
    factor = (last / first) ** 2
    cut, predicted = measured(err0 / err1), f"{factor:,.0f}"
    if cut == predicted:
        match = "as"
    elif abs(err0 / err1 / factor - 1) < 0.1:
        match = f"close to the {predicted} that"
    else:
        match = f"against the {predicted} that"
    return (
        f"With {first:,} points the estimate of π is off by {measured(err0)}; "
        f"with {last:,} points, by {measured(err1)}. {last // first:,} times the "
        f"points cut the error {cut}-fold, {match} "
        f"an error shrinking like 1/n² predicts."
    )


def amdahl_sentence(fit: AmdahlFit, allowed: tuple[float, float] | None = None) -> str:
    """What the Amdahl estimate is, and how much to trust it.

    ``allowed``: the serial fractions the speed-up's interval allows
    (:meth:`IntegrationSweep.serial_fraction_range`); when they span more than
    five points, the sentence gives that range instead of one figure.
    """
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
    if allowed is not None and allowed[1] - allowed[0] > 0.05:
        value = (
            f"The speed-up's 90 % interval allows any serial fraction from "
            f"{allowed[0] * 100:.0f} % to {allowed[1] * 100:.0f} %: too wide to "
            f"name one figure."
        )
    elif s >= 0.5:
        value = (
            f"The serial fraction comes out at {s * 100:.0f} %: by this measurement "
            f"more processes barely helped, or even hurt."
        )
    elif allowed is not None and allowed[0] <= 0:
        value = (
            f"The speed-up's 90 % interval allows any serial fraction from 0 to "
            f"{allowed[1] * 100:.1f} %: zero within the noise, so no serial part "
            f"is measurable at this size."
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


def compared_with(sweep: IntegrationSweep, processes: int) -> str:
    """What ``processes``'s speed-up divides: the serial loop or one process."""
    if sweep.compared_with_one_process(processes):
        return "one process"
    return "the serial loop"


#: Why two or more processes are compared with one (the table's note).
AGAINST_ONE_PROCESS = (
    "Two or more processes are compared with one process doing all the "
    "chunks, in the same round, each pool started afresh for every run: a new "
    "process runs Python at a pace of its own, so like is compared with like. "
    "One process is compared with the serial loop: that shows what a worker costs."
)


def sweep_summary(sweep: IntegrationSweep) -> str:
    """Speed-up and efficiency of the integration at the CPUs and beyond."""
    if sweep.cpus == 1:
        most = max(sweep.processes)
        return (
            f"This build could use only one CPU, so the processes had to take turns: "
            f"with {processes_phrase(most)} the integration ran at "
            f"{times(sweep.speedup(most))} the speed of "
            f"{compared_with(sweep, most)}."
        )
    p = sweep.processes_at_cpus
    s, e = sweep.speedup(p), sweep.efficiency(p)
    text = (
        f"With {processes_phrase(p)} on the {cpus_phrase(sweep.cpus)} this run could "
        f"use, the integration ran {ratio_text(sweep.ratio(p))} as fast as "
        f"{compared_with(sweep, p)}"
        + (
            " (a new one for every run, like theirs)"
            if sweep.compared_with_one_process(p)
            else ""
        )
        + f": a parallel efficiency of {percent(e)}"
    )
    r = sweep.ratio(p)
    verdict = check_speedup(r, workers=p, cpus=sweep.cpus, kind="cpu")
    if verdict.reason == "above the ideal":
        text += (
            f", above the ideal: even the low end of its 90 % interval, "
            f"{times(r.low)}, is more than {p} processes can give"
            f"{ceiling_phrase(sweep.ceiling)}."
        )
    elif e >= 0.9:
        text += f", close to perfect{ceiling_phrase(sweep.ceiling)}."
        note = unsteady_note("Its", r, sweep.disturbance, stated=True)
        text += f" {note.rstrip()}" if note else ""
    elif r.high >= p:
        seen = what_was_seen(sweep.disturbance, r)
        text += (
            f"; its 90 % interval reaches the ideal {times(p)}, so this run "
            f"cannot say it fell short: {seen}{ceiling_phrase(sweep.ceiling)}."
        )
    else:
        seen = what_was_seen(sweep.disturbance, r)
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
    if 1 in sweep.processes and p != 1:
        one = one_worker_note(
            "The pool of one process", sweep.ratio(1), sweep.disturbance
        )
        text += f" {one}".rstrip()
    return text


def sweep_takeaway(sweep: IntegrationSweep) -> str:
    """The sweep figure's title: what the processes bought, true on any machine."""
    if sweep.cpus == 1:
        most = max(sweep.processes)
        return (
            f"One CPU: {plural(most, 'process', 'processes')} "
            f"{gain(sweep.speedup(most), compared_with(sweep, most))}"
        )
    p = sweep.processes_at_cpus
    head = f"{plural(p, 'process', 'processes')}"
    if p == sweep.cpus:
        head += " (one per CPU)"
    return (
        f"{head}: {gain(sweep.speedup(p), compared_with(sweep, p))}, "
        f"efficiency {percent(sweep.efficiency(p))}"
    )


def sweep_equal_sentence(sweep: IntegrationSweep) -> str:
    """Did every pool give the serial answer, and how close is it to pi?

    The sweep integrates 4/(1+x²) over [0, 1]. The midpoint rule with strips
    of width h = 1/n overestimates that integral by about
    h²/24·(f'(0) − f'(1)) = h²/12 (f'(0) = 0, f'(1) = −2); whatever the
    measured difference adds or takes away is floating-point rounding.
    """
    if sweep.all_equal:
        head = f"Every pool size gave exactly the serial answer, {sweep.serial_value!r}"
    else:
        head = "**Some pool sizes gave a different answer from the serial loop: a bug**"
    h = 1.0 / sweep.n
    expected = h * h / 12  # the midpoint rule's own error for this integrand
    difference = sweep.serial_value - sweep.exact
    rest = difference - expected
    text = (
        f"{head}; it differs from π by {measured(abs(difference))}. With "
        f"n = {sweep.n:,} "
        f"strips of width h = 1/n, the midpoint rule's own error for this "
        f"integrand is about h²/12 = {measured(expected)}"
    )
    if expected < 0.1 * abs(difference):
        return text + ", so nearly all of the difference is floating-point rounding."
    if abs(rest) <= 0.1 * abs(difference):
        return text + ": that is the difference, to within floating-point rounding."
    if rest > 0:
        return text + f"; the remaining {measured(rest)} is floating-point rounding."
    return text + f"; floating-point rounding took {measured(-rest)} off that."


def _ms(seconds: float) -> str:
    """A time for a column in milliseconds, to three significant figures."""
    return measured(seconds * 1e3)


def sweep_table(sweep: IntegrationSweep) -> str:
    """Every point of the sweep as a Markdown table of five columns: the
    time, the speed-up with its interval, the efficiency and the start-up."""

    def when(t) -> str:
        return f"{_ms(t.median)} ({_ms(t.best)})"

    rows = [["serial", when(sweep.serial), "1×", "–", "–"]]
    for pt in sweep.points:
        r = sweep.ratio(pt.processes)
        rows.append(
            [
                str(pt.processes),
                when(pt.timing),
                ratio_text(r),
                percent(sweep.efficiency(pt.processes)),
                _ms(pt.startup),
            ]
        )
    head = [
        "processes",
        "time, ms: median (best)",
        "speed-up (90 % interval)",
        "efficiency",
        "pool start-up, ms",
    ]
    spread = max([sweep.serial.spread] + [pt.timing.spread for pt in sweep.points])
    return (
        table(head, rows)
        + "\n\n"
        + f"{plural(sweep.serial.repeats, 'timed run')} of each, in paired rounds "
        "after one warm-up; a speed-up is the median of the rounds' ratios. The "
        f"slowest run of a row took at most {percent(spread)} longer than its "
        "fastest. Starting a pool is not part of the timed runs."
        + (f" {AGAINST_ONE_PROCESS}" if sweep.against_one_process else "")
    )


def prediction_check(sweep: IntegrationSweep, processes: int) -> str:
    """Compare the ideal prediction min(p, CPUs) with the measured speed-up."""
    ideal = min(processes, sweep.cpus)
    got = sweep.speedup(processes)
    return (
        f"With {processes_phrase(processes)} on {cpus_phrase(sweep.cpus)} the ideal "
        f"prediction is {times(float(ideal))}; this run measured {times(got)} "
        f"against {compared_with(sweep, processes)} "
        f"({percent(got / ideal)} of the prediction)."
    )


def monte_carlo_summary(mc: MonteCarloPi) -> str:
    """Is the estimate the same for every process count, and how good is it?"""
    counts = and_list(list(mc.by_processes))
    counts += " process" if list(mc.by_processes) == ["1"] else " processes"
    if mc.all_equal:
        text = (
            f"Serially and with {counts} the estimate was the same to the "
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
        f" It is off from π by {measured(mc.error)}, which is {measured(ratio)} "
        f"standard errors ({measured(mc.standard_error)} for {mc.throws:,} "
        f"throws): "
    )
    text += (
        "as good as chance allows." if ratio <= 2 else "unusually far, but possible."
    )
    return text
