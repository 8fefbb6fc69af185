"""Part 1, processes, threads and the GIL (``book/part1``).

Experiments: ``memory_ladder``, ``salad``, ``race``, ``locks``, ``gil`` (what
it returns: ``gil_results``; checks inside its workers: ``placement``),
``numpy_trick`` (the counts both time: ``counts``), ``processes`` (with
``cpu_now``, which CPU a thread runs on).
Sentences: ``narrate_threads`` (memory ladder, salad, race), ``narrate_locks``,
``narrate_gil`` (GIL and NumPy's trick), ``narrate_processes``. Figures:
``plots_kitchen`` (the kitchen, the ladder), ``plots_salad`` (the salad),
``plots_locks``, ``plots``. Catalogue entries: ``entries``.

Other parts may use the names below.
"""

from .counts import shown_count
from .gil import (
    count,
    in_a_row,
    in_threads,
    run_gil,
)
from .gil_results import GilScaling, ScalingPoint

__all__ = [
    "GilScaling",
    "ScalingPoint",
    "count",
    "in_a_row",
    "in_threads",
    "run_gil",
    "shown_count",
]
