"""Where the GIL page's worker processes ran and how long their tasks took,
when they fell short of the ideal: sentences from the checks made inside the
workers (:mod:`.placement`), which say what was measured, never a cause."""

from __future__ import annotations

from ..core.text import duration, percent, ratio_text, times
from .gil_results import GilScaling

#: Below this share of the ideal, the processes' placement is worth a word.
_SHORT = 0.8
#: A share of crowded checks at least this large is "much of the time".
_OFTEN = 0.25


def placement_note(g: GilScaling, k: int) -> str:
    """Where the worker processes' tasks ran and how long each took, when
    ``k`` of them fell short of the ideal: the checks inside the workers
    (:mod:`~.placement`). "" when they did not fall short, or nothing was
    checked."""
    if k < 2 or not g.processes_cpu:
        return ""
    if g.processes_cpu_at(k).speedup >= _SHORT * min(k, g.cpus):
        return ""
    return _where_note(g, k) + _stretch_note(g, k)


def _where_note(g: GilScaling, k: int) -> str:
    shared = g.crowded_at(k)
    if shared is None:
        return ""
    if shared >= _OFTEN:
        where, how = (
            ("on one CPU", "ran them on the same CPU")
            if k == 2
            else (f"on fewer than {k} CPUs", "made some of them share a CPU")
        )
        return (
            f"Checked inside the workers as they ran, the {k} tasks were "
            f"{where} at {percent(shared)} of the checks: for much of the time "
            f"the operating system {how}. "
        )
    if shared == 0:
        return (
            f"Checked inside the workers as they ran, the {k} tasks were on "
            f"{k} different CPUs at every check: the operating system did not "
            "crowd them onto fewer CPUs. "
        )
    return (
        f"Checked inside the workers as they ran, the {k} tasks were on "
        f"fewer than {k} CPUs at only {percent(shared)} of the checks. "
    )


#: A task that took more than this much longer side by side than alone
#: (its interval's low end) "took longer"; within it, "about as long".
_LONGER = 0.05


#: A share of their own time running on a CPU at least this large: the tasks
#: "were running"; below it, they also waited for a CPU.
_RUNNING = 0.95
#: The last task began "late" when at least this share of one task's time
#: after the first.
_LATE = 0.05


def _stretch_note(g: GilScaling, k: int) -> str:
    longer = g.stretched_at(k)
    if longer is None:
        return _late_note(g, k)
    text = (
        f"Timed inside the workers, each task took {ratio_text(longer)} as long "
        "as the same task alone in the same rounds"
    )
    alone = g.processes_cpu_at(1).ratio if 1 in g.counts else None
    if longer.low > 1 + _LONGER and alone is not None and alone.high < 1 - _LONGER:
        # one worker alone, on the CPU of the tasks in a row, was slow too
        text += (
            f", and one task alone in one worker process, on the CPU where the "
            f"tasks in a row ran, went at only {ratio_text(alone)} their speed: "
            "the worker processes ran this work more slowly than this process "
            "did, even one at a time, not only side by side. Together they did "
            f"about {times(k / longer.median)} the work of one. "
        )
    elif longer.low > 1 + _LONGER:
        text += (
            f": with {k} CPUs busy at once, each did less work per second than "
            f"one CPU alone, so together they did about "
            f"{times(k / longer.median)} the work of one. "
        )
    elif longer.high <= 1 + _LONGER:
        text += (
            ": the time went outside the tasks' own work, in handing them out "
            "and collecting the results or in waiting for the last to finish. "
        )
    else:
        text += ". "
    if longer.low > 1 + _LONGER:
        text += _running_note(g, k)
    return text + _late_note(g, k)


def _running_note(g: GilScaling, k: int) -> str:
    """For what share of their own time the tasks ran on a CPU: whether the
    longer tasks ran slowly or waited for a CPU."""
    share = g.running_at(k)
    if share is None:
        return ""
    if share >= _RUNNING:
        return (
            f"The operating system had them running on a CPU for "
            f"{percent(share)} of their own time: they ran more slowly, they "
            "did not wait for a CPU. "
        )
    return (
        f"The operating system had them running on a CPU for only "
        f"{percent(share)} of their own time: for the rest, they waited for "
        "one. "
    )


def _late_note(g: GilScaling, k: int) -> str:
    """How late the last task began, when that was a noticeable share of a
    task's time."""
    after = g.late_at(k)
    if after is None:
        return ""
    one = g.processes_cpu_at(k).serial.median / k  # one task, in a row
    if after < _LATE * one:
        return ""
    return (
        f"The last of the {k} tasks began {duration(after)} after the first "
        f"({percent(after / one)} of one task's time), so they did not all "
        "run side by side for the whole round. "
    )
