"""The catalogue of named experiments: what the CLI can run and compare.

It only gathers: each part of the book lists its own experiments in its
``entries`` module (``part1``, ``numpy_threads``, ``multiproc``,
``blending``, ``further``, ``appendix``), and the catalogue puts them together
in the book's reading order. The book records each result under the same name, so
``parallel-python compare`` can set a learner's run beside the build's.

To add an experiment, append an :class:`Experiment` to its part's ``ENTRIES``.
Importing the catalogue loads no numba, dask or mpi4py: those load only when
an experiment that needs them runs.
"""

from __future__ import annotations

from .appendix.entries import ENTRIES as _APPENDIX
from .blending.entries import ENTRIES as _BLENDING
from .core.experiment import Experiment, Option
from .further.entries import ENTRIES as _FURTHER
from .multiproc.entries import ENTRIES as _MULTIPROC
from .numpy_threads.entries import ENTRIES as _NUMPY_THREADS
from .part1.entries import ENTRIES as _PART1

__all__ = ["EXPERIMENTS", "Experiment", "Option", "get", "in_reading_order", "names"]

#: Every experiment, in the order a reader meets them in the book.
EXPERIMENTS: tuple[Experiment, ...] = (
    _PART1 + _NUMPY_THREADS + _MULTIPROC + _BLENDING + _FURTHER + _APPENDIX
)


#: A cold build of the book (``./tasks book``) may take this long on a
#: 2-CPU laptop, in seconds.
BUILD_BUDGET_SECONDS = 170
#: What a cold build spends outside the experiments' runs: Sphinx, starting a
#: kernel per page, imports, drawing figures. Measured on the 2-CPU build
#: machine: 50-56 s in six cold builds of December 2026 (154-164 s each, the
#: experiments' own 103-108 s taken off), 52-59 s in the six of 5 December,
#: more in its slow phases, when the experiments too run past their declared
#: seconds (``parallel-python drift`` lists those) and a cold build took
#: 178-192 s. The upper end, so that the declared seconds leave room for the
#: extra rounds a too-wide interval earns.
OUTSIDE_EXPERIMENTS_SECONDS = 60


def experiments_budget() -> float:
    """The seconds all experiments may take together at the book's sizes:
    what the build budget leaves after everything else."""
    return BUILD_BUDGET_SECONDS - OUTSIDE_EXPERIMENTS_SECONDS


#: The book's parts in reading order, by page path prefix.
READING_ORDER = (
    "book/part1/",
    "book/handson/a-",
    "book/handson/b-",
    "book/handson/c-",
    "book/further/",
    "book/appendix/",
)


def in_reading_order() -> list[Experiment]:
    """The experiments in the order a reader meets them in the book.

    ``EXPERIMENTS`` is gathered in that order already; sorting by part keeps
    it so for any list (page order is kept within a part).
    """

    def rank(e: Experiment) -> int:
        for i, prefix in enumerate(READING_ORDER):
            if e.page.startswith(prefix):
                return i
        return len(READING_ORDER)

    return sorted(EXPERIMENTS, key=rank)


def names() -> list[str]:
    return [e.name for e in EXPERIMENTS]


def get(name: str) -> Experiment:
    """The experiment called ``name``; a ValueError listing the names otherwise."""
    for experiment in EXPERIMENTS:
        if experiment.name == name:
            return experiment
    raise ValueError(
        f"unknown experiment {name!r}; choose one of: {', '.join(names())}"
    )
