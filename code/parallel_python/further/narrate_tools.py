"""Going further: the sentences, title and table of the tool comparison
(every tool of the book on one workload)."""

from __future__ import annotations

from ..core.protocol import MAX_HALF_WIDTH
from ..core.readings import ceiling_band, ceiling_clause
from ..core.text import (
    SAME,
    and_list,
    cpus_phrase,
    duration,
    gain,
    measured,
    percent,
    plural,
    ratio_text,
    times,
    unbroken,
)
from .compare_tools import (
    APART,
    DASK,
    MPI,
    PROCESS_BASED,
    PYTHON_IN_WORKERS,
    ToolComparison,
)
from .narrate_speed import set_aside_because, short_times


def tools_title(t: ToolComparison) -> str:
    """The tool figure's takeaway: the fastest tool, and the best in processes."""
    fastest, leaders = t.fastest, t.leaders
    text = (
        f"Fastest: {fastest}, {short_times(t.speedup(fastest))}"
        if len(leaders) == 1
        else "Fastest, too close to call: "
        + and_list([f"{tool} {short_times(t.speedup(tool))}" for tool in leaders])
    )
    by_process = [r for r in t.runs if r.tool in PROCESS_BASED]
    if by_process:
        best = max(by_process, key=lambda r: t.speedup(r.tool))
        if best.tool != fastest:
            text += (
                f"; process-based tools ({plural(best.workers, 'worker')}) at best: "
                f"{short_times(t.speedup(best.tool))}"
            )
    return text


def tools_figure_note(t: ToolComparison) -> str:
    """Below the tool figure: what ran with how many workers, on how many CPUs."""
    several = sorted({r.workers for r in t.runs if r.workers > 1})
    if not several:
        return (
            f"Every tool ran with one worker ({cpus_phrase(t.cpus)} available): "
            "nothing ran side by side, so every dot is black."
        )
    counts = " or ".join(plural(k, "worker") for k in several)
    single = [r.tool for r in t.runs if r.workers == 1 and r.tool != "pure Python"]
    text = (
        f"The tools that spread the work used {counts} each, with "
        f"{cpus_phrase(t.cpus)} available"
    )
    if single:
        text += f"; {and_list(single)} ran on one thread (black)"
    return text + "."


def tools_table(t: ToolComparison) -> str:
    """Every tool's time, speed-up with its interval, start-up and lines; what
    each needs besides Python follows the table, to keep it narrow."""
    lines = [
        "| Tool | Workers | Time | Speed-up | Start-up | Lines |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in t.runs:
        start = unbroken(duration(r.startup)) if r.startup > 0 else "–"
        speedup = times(t.speedup(r.tool))
        if r.ratio is not None:  # the interval may wrap below the median
            span = f"({measured(r.ratio.low)}–{measured(r.ratio.high)})"
            speedup += " " + unbroken(span)
        lines.append(
            f"| {r.tool} | {r.workers} | {unbroken(duration(r.timing.median))} | "
            f"{speedup} | {start} | {r.lines} |"
        )
    lines += [
        "",
        "Time: the median of the timed runs. Speed-up: the median of the "
        "per-round ratios (pure Python's time over the tool's, in the same "
        "round) with its 90 % interval, so it need not equal the ratio of two "
        "medians.",
    ]
    apart = [
        way
        for tool, way in (
            (DASK, "dask's after the shared rounds"),
            (
                MPI,
                "MPI's in the MPI page's launch"
                if t.mpi_from_page
                else "MPI's in a launch of their own",
            ),
        )
        if tool in t.tools
    ]
    if apart:
        rank0 = " (rank 0's, for MPI)" if MPI in t.tools else ""
        what = (
            "its speed-up, not its time"
            if len(apart) == 1
            else "their speed-ups, not their times"
        )
        lines[-1] += (
            f" Rounds apart: {and_list(apart)}, each against a pure-Python loop "
            f"of their own{rank0}, at whatever pace the CPUs had then: compare "
            f"{what}, with the other rows."
        )
    wide = [r.tool for r in t.runs if r.ratio is not None and r.ratio.too_wide]
    few = [r.tool for r in t.runs if r.ratio is not None and r.ratio.too_few_rounds]
    steady = [r.tool for r in t.runs if r.ratio is not None and r.tool not in wide]
    if wide:
        whose = (  # the shorter list: most rows too wide is said as the rest
            f"of {and_list(wide)} {'is' if len(wide) == 1 else 'are'}"
            if len(wide) <= 2 or len(steady) >= len(wide) / 2
            else f"of every row but {and_list(steady)} are"
            if steady
            else "of every row are"
        )
        lines[-1] += (
            f" The 90 % {'interval' if len(wide) == 1 else 'intervals'} {whose} "
            f"wider than ±{percent(MAX_HALF_WIDTH)} (hollow in the figure): take "
            f"{'that speed-up' if len(wide) == 1 else 'those speed-ups'} as rough."
        )
    if few:
        lines[-1] += (
            f" {and_list(few)} had too few rounds for a 90 % interval (hollow in "
            "the figure; its brackets give the full range of the rounds)."
        )
    aside = t.mpi_set_aside
    if aside is not None:
        first = gain(aside.ratio.median, "the serial loop", aside.ratio)
        lines[-1] += (
            f" A first MPI launch had been {first}, "
            f"{set_aside_because(aside, t.cpus)}; its row is a "
            "second launch's"
            + (
                ", the one the MPI page shows."
                if t.mpi_from_page
                else ", as on the MPI page."
            )
        )
    repeated = [f"{r.tool} {r.calls} times" for r in t.runs if r.calls > 1]
    if repeated:
        lines += [
            "",
            "The fastest tools computed the integral more than once in each "
            f"timed call ({and_list(repeated)}), so that a call lasted long "
            "enough to time; their times are per integral.",
        ]
    # package -> the tools that need it, in the table's order
    by_package: dict[str, list[str]] = {}
    for r in t.runs:
        if r.needs != "Python":
            by_package.setdefault(r.needs, []).append(r.tool)
    if by_package:
        needs = [
            _package(package)
            if tools == [package]
            else f"{_package(package)} for {and_list(tools)}"
            for package, tools in by_package.items()
        ]
        lines += ["", f"Besides Python, some tools need: {'; '.join(needs)}."]
    return "\n".join(lines)


def _package(needs: str) -> str:
    """A package name as code (``dask[distributed]``); a phrase such as
    "mpi4py and an MPI library" as it is."""
    return needs if " " in needs else f"`{needs}`"


def tools_summary(t: ToolComparison) -> str:
    fastest, leaders = t.fastest, t.leaders
    shown = {tool: ratio_text(t.ratio(tool), t.speedup(tool)) for tool in leaders}
    by_process = [r.tool for r in t.runs if r.tool in PROCESS_BASED]
    if len(leaders) == 1:
        text = (
            f"On {cpus_phrase(t.cpus)}, the fastest way to this integral was "
            f"{fastest}, at {shown[fastest]} the speed of pure "
            "Python (the median of paired rounds, with its 90 % interval). "
        )
    else:
        text = (
            f"On {cpus_phrase(t.cpus)}, the fastest ways to this integral were "
            + and_list(
                [
                    f"{tool} at {ratio_text(t.ratio(tool), t.speedup(tool))}"
                    for tool in leaders
                ]
            )
            + " the speed of pure Python; their 90 % intervals overlap, so "
            "this run cannot tell them apart. "
        )
    if by_process:
        best = max(by_process, key=t.speedup)
        s = t.speedup(best)
        ideal = min(t.workers, t.cpus)
        tied = t.tied_with(best, by_process)
        text += (
            f"Of the process-based tools, each with {plural(t.workers, 'worker')}, "
            + (
                f"{best} had the highest median, {ratio_text(t.ratio(best), s)}"
                if tied
                else f"{best} did best, with {ratio_text(t.ratio(best), s)}"
            )
        )
        if t.workers == 1:
            text += (
                ": with one worker there is nothing to run side by side, so "
                "processes can only add their costs. "
            )
        elif ideal == 1:
            text += (
                ": with one CPU the workers can only take turns, so processes can "
                "only add their costs. "
            )
        elif s >= 0.8 * ideal:
            text += ", near the ideal. "
        else:
            text += (
                f", short of the ideal {times(ideal)} (the time leaves out "
                "starting the workers, but sending them the tasks and collecting "
                "the answers is in it). "
            )
        text += ceiling_sentence(t)
        if tied:
            one = len(tied) == 1
            text += (
                f"The 90 % {'interval' if one else 'intervals'} of "
                f"{and_list(tied)} {'overlaps' if one else 'overlap'} that of "
                f"{best}, so this run cannot rank those tools. "
            )
    if "threads" in t.tools:
        text += threads_sentence(t)
    if {"numba @njit", "numba parallel=True"} <= set(t.tools):
        ratio = t.speedup("numba parallel=True") / t.speedup("numba @njit")
        if ratio <= 1 - SAME:
            serial = duration(t.run("numba @njit").timing.median)
            text += (
                "numba's `parallel=True` was slower than its serial loop here, "
                f"which took {serial}: sharing so short a loop out among "
                "threads cost more than it saved. "
            )
    text += serial_against_workers(t)
    return text


def ceiling_sentence(t: ToolComparison) -> str:
    """The machine's ceiling, counted between the shared rounds: which tools
    it stands beside (not dask's or MPI's, measured apart)."""
    c = t.ceiling
    if c is None:
        return ""
    shared = [r.tool for r in t.runs if r.tool in PROCESS_BASED and r.tool not in APART]
    beside = f" (those of {and_list(shared)})" if shared else ""
    text = f"Between the shared rounds{beside}, {ceiling_clause(c)}. "
    own = []
    for tool, apart in t.apart_ceilings:
        when = (
            "between its rounds" if apart.between_rounds else "just before its launch"
        )
        own.append(f"{tool} {times(apart.ratio)} {when}{ceiling_band(apart)}")
    if own:
        text += f"The rows timed apart got counts of their own: {'; '.join(own)}. "
    return text


def threads_sentence(t: ToolComparison) -> str:
    """What the thread pool gave, and what it could give with its threads."""
    k = t.run("threads").workers
    s = t.speedup("threads")
    text = f"Threads gave {ratio_text(t.ratio('threads'), s)}"
    if k == 1:
        return text + (
            ": with one thread there is nothing to run side by side, only the "
            "pool's costs to add. "
        )
    if t.cpus == 1:
        return text + ": with one CPU, threads can only take turns, GIL or no GIL. "
    if s < 1 + SAME:
        if not t.gil_enabled:
            return text + ", no faster, though this Python runs without the GIL. "
        return text + ": with the GIL, pure Python in threads takes turns. "
    return text + f" with {plural(k, 'thread')}. "


def serial_against_workers(t: ToolComparison) -> str:
    """A fast loop on one core against pure Python on the workers measured."""
    fast = [x for x in ("NumPy", "numba @njit") if x in t.tools]
    spread = [x for x in PYTHON_IN_WORKERS if x in t.tools]
    rule = "make the serial code fast first, then parallelise it."
    if not fast or not spread:
        return "Whatever the machine: " + rule
    f = max(fast, key=t.speedup)
    w = max(spread, key=t.speedup)
    workers = plural(t.workers, "worker")
    multiply = (
        "Given a CPU each, workers multiply whatever speed the loop has, so " + rule
    )
    if min(t.workers, t.cpus) == 1:
        alone = "on one CPU" if t.cpus == 1 else "with one worker each"
        return (
            f"Making the loop itself fast did more than spreading it: {f} on one "
            f"core reached {times(t.speedup(f))}, while no tool that runs pure "
            f"Python in workers could gain {alone} (the best, {w}, "
            f"{times(t.speedup(w))}). {multiply}"
        )
    if t.speedup(f) > t.speedup(w):
        return (
            f"Making the loop itself fast did more than spreading it over "
            f"{workers}: {f} on one core reached {times(t.speedup(f))}, while "
            f"the tools that spread pure Python over the workers reached at most "
            f"{times(t.speedup(w))} ({w}'s median). {multiply}"
        )
    return (
        f"Here pure Python on {workers} ({w}, {times(t.speedup(w))}) beat the "
        f"fastest one-core version ({f}, {times(t.speedup(f))}): with this many "
        "CPUs, workers can outrun a fast serial loop. A fast loop in every "
        f"worker would be faster still, so {rule}"
    )
