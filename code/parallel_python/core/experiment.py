"""The shape of a catalogue entry: an experiment and its command-line options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Option:
    """A command-line option that becomes a keyword argument of the run function.

    ``kind`` is ``"int"``, ``"ints"`` (a comma-separated list), ``"float"``,
    ``"str"`` or ``"bool"`` (``--name`` / ``--no-name``); ``default`` is the
    size the book uses.
    """

    name: str
    kind: str
    default: Any
    help: str


@dataclass(frozen=True)
class Experiment:
    name: str
    chapter: str
    page: str
    run: Callable[..., Any]
    result_type: type
    seconds: float
    """This experiment's budget: the seconds it may take at the book's sizes
    on a 2-core laptop (its paired rounds' ``budget`` option included); the
    budgets add up to the build's
    (:data:`parallel_python.catalogue.BUILD_BUDGET_SECONDS`)."""
    options: tuple[Option, ...] = ()
    plot: Callable[[Any], Any] | None = None
    summary: Callable[[Any], str] | None = None
    headlines: Callable[[Any], dict[str, float]] = field(default=lambda r: {})
    """Headline figures for ``compare``: label -> number (seconds, ×, GFLOP/s)."""
    intervals: Callable[[Any], dict[str, Any]] = field(default=lambda r: {})
    """For headlines measured in paired rounds: label -> their
    :class:`~parallel_python.core.protocol.Ratio` (median and 90 % interval),
    or None for a result recorded without rounds (see :meth:`ratios`)."""
    apart: tuple[str, ...] = ()
    """Words of the headlines measured apart from the rounds this
    experiment's ceiling was counted between (the tool table's dask and MPI
    rows): ``parallel-python drift`` does not divide those by it (but by
    their own, :attr:`apart_ceilings`)."""
    apart_ceilings: Callable[[Any], dict[str, float]] = field(default=lambda r: {})
    """For headlines measured apart: label -> the ceiling counted beside
    their own rounds, as this run measured it (the tool table's dask and MPI
    rows); ``parallel-python drift`` divides those by it."""
    limits: Callable[[Any], dict[str, float]] = field(default=lambda r: {})
    """Headlines bound by something other than the CPUs' ceiling: label ->
    that bound, as this run measured it (the waiting speed-ups with the most
    in flight: the fastest the client's own CPU time per fetch allows).
    ``parallel-python drift`` divides those by it instead of the ceiling."""
    controls: Callable[[Any], tuple[str, ...]] = field(default=lambda r: ())
    """The headlines of a result that are controls: ratios measured to show
    no parallel gain (pure Python in threads with the GIL on, NumPy
    operations that run in one thread), which read about 1× or below. A
    control's lesson is that it stays there, not its exact value, so
    ``parallel-python drift`` checks that instead of ±10 %."""
    waiting: Callable[[Any], tuple[str, ...]] = field(default=lambda r: ())
    """The speed-up headlines of a result that time waiting work (threads
    that sleep, requests in flight): the number in flight bounds them, not
    the CPUs (:func:`~parallel_python.core.sanity.beyond_bound`), and
    ``parallel-python drift`` does not divide them by the CPUs' ceiling.
    Every other parallel speed-up is CPU-bound."""
    workers: Callable[[Any], dict[str, int]] = field(default=lambda r: {})
    """The workers behind speed-up headlines whose label does not count
    them: label -> threads, processes or jobs, as this run had them.
    ``parallel-python drift`` holds a speed-up's interval to that, else to
    the count its label names, else to the CPUs."""
    reused: Callable[[Any], dict[str, str]] = field(default=lambda r: {})
    """Headlines that show another experiment's measurement again: label ->
    that experiment (the tool table's MPI row, where it is the MPI page's
    launch). ``parallel-python drift`` judges such a figure once, where it
    was measured."""
    one_worker: Callable[[Any], dict[str, Any]] = field(default=lambda r: {})
    """Its one-worker checks: which -> the
    :class:`~parallel_python.core.protocol.Ratio` of work compared with
    itself (one thread, process or rank against the serial run), which must
    read about 1 (``parallel-python drift`` reports them)."""

    def ratios(self, result: Any) -> dict[str, Any]:
        """The headlines of ``result`` that were measured in paired rounds,
        label -> ratio (those recorded without rounds left out)."""
        return {
            label: ratio
            for label, ratio in self.intervals(result).items()
            if ratio is not None
        }
