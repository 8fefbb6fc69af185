"""One experiment's two runs side by side: ``parallel-python compare``.

:func:`compare_table` sets a run beside another (yours beside the book's):
each headline figure with its 90 % interval, and whether the intervals
overlap. (Two whole books side by side: :mod:`.drift`.)
"""

from __future__ import annotations

from typing import Any

from .core.text import figure_with_interval, intervals_overlap

#: The fields in which experiments store an amount calibrated to the machine.
CALIBRATED = ("reps", "sorts")


def compare_table(experiment: Any, mine: Any, book: Any) -> str:
    """Two runs of one experiment: every headline, with its interval where it
    was measured in paired rounds, and whether the two intervals overlap."""
    mine_h, book_h = experiment.headlines(mine), experiment.headlines(book)
    mine_i, book_i = experiment.ratios(mine), experiment.ratios(book)
    labels = list(dict.fromkeys([*mine_h, *book_h]))
    rows = [
        (
            label,
            figure_with_interval(mine_h[label], mine_i.get(label))
            if label in mine_h
            else "-",
            figure_with_interval(book_h[label], book_i.get(label))
            if label in book_h
            else "-",
            intervals_overlap(mine_i.get(label), book_i.get(label)),
        )
        for label in labels
    ]
    width = max(len(label) for label in [*labels, "figure"])
    lines = [f"{'figure':<{width}}  {'yours':>20}  {'book':>20}  intervals overlap"]
    lines += [f"{r[0]:<{width}}  {r[1]:>20}  {r[2]:>20}  {r[3]}" for r in rows]
    for amount in CALIBRATED:
        yours, books = getattr(mine, amount, None), getattr(book, amount, None)
        if yours is not None and books is not None and yours != books:
            lines += [
                "",
                f"The work per task was calibrated to each machine: {amount} = "
                f"{yours} in yours, {books} in the book's, so compare speed-ups "
                "and rates, not times.",
            ]
    if any(r[3] == "no" for r in rows):
        lines += [
            "",
            "'no': the two 90 % intervals do not overlap; the machines (or their "
            "moments) really differ there.",
        ]
    return "\n".join(lines)
