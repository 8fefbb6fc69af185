"""Going further: how the tool table times one tool against pure Python.

* :class:`ToolRun` - one row of the table.
* :func:`paired_with_python` - tools in paired rounds against pure Python,
  a fast tool's call repeating the integral until it lasts long enough.
* :func:`dask_row` - dask's row, timed apart from the shared rounds on a
  cluster of its own, with the machine's ceiling counted between its rounds.
* :func:`mpi_row` - MPI's row: the MPI page's launch where it has one with
  as many ranks, else an ``mpiexec`` launch of its own; either way with
  the machine's ceiling counted just before the launch.

The rows timed apart get a ceiling of their own: the shared rounds' ceiling
was counted at another moment, and on the build machine the CPUs' pace
moved within a minute (from 1.94x between the shared rounds to 1.38x a few
seconds later, in one build).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..core.ceiling import Ceiling
from ..core.ceiling_live import ceiling_for, live_ceiling_for
from ..core.machine import available_cpus
from ..core.pinning import in_new_threads
from ..core.pools import baseline_on_one_cpu
from ..core.protocol import Paired, Ratio, measure_paired
from ..core.sizing import sized_calls
from ..core.timing import Timing
from . import dask_demo, mpi_demo
from .code_lines import code_lines


@dataclass(frozen=True)
class ToolRun:
    """The integration with one tool."""

    tool: str
    workers: int
    timing: Timing  # computing only, seconds
    startup: float  # seconds to start workers / compile, before timing (0: none)
    value: float
    lines: int
    needs: str  # what must be installed besides Python
    ratio: Ratio | None = None
    """Pure Python's time over this tool's, round by round (median, interval);
    None for pure Python itself."""
    calls: int = 1
    """Integrals one timed call computed (calibrated to last at least
    ``call_seconds``); ``timing`` is per integral."""

    @property
    def error(self) -> float:
        return abs(self.value - math.pi)


#: The dask row's name: its rounds run apart from the other tools'.
DASK = "dask (LocalCluster)"
#: The MPI row's name: it runs last, in an ``mpiexec`` launch of its own.
MPI = "MPI (mpi4py)"
#: The rows timed apart from the shared rounds (and their ceiling).
APART = (DASK, MPI)
#: The tools that run the pure-Python loop in several threads or processes.
PYTHON_IN_WORKERS = ("threads", "multiprocessing Pool", "joblib", DASK, MPI)
#: Those that run it in worker processes.
PROCESS_BASED = PYTHON_IN_WORKERS[1:]


def paired_with_python(
    ways: dict[str, Callable[[], None]],
    repeats: int,
    budget: float,
    call_seconds: float,
    groups: list[list[str]] | None = None,
    between: Callable[[], object] | None = None,
) -> tuple[Paired, dict[str, int]]:
    """``ways`` in paired rounds against pure Python (first CPU, a new thread
    each call), each called once first (threads wake slowly); a way shorter
    than ``call_seconds`` (a compiled integral: about a millisecond)
    repeats the integral to fill a call. The rounds, the integrals per call."""
    for way in ways.values():
        way()
    sized, calls = sized_calls(ways, target_seconds=call_seconds)
    sized["pure Python"] = in_new_threads(sized["pure Python"])
    paired = measure_paired(
        sized,
        baseline="pure Python",
        min_rounds=repeats,
        budget_seconds=budget,
        warmup=0,
        calls=calls,
        groups=groups,
        context=baseline_on_one_cpu("pure Python"),
        between=between,
        extend_for=[
            way for way in ways if way in PYTHON_IN_WORKERS and way not in APART
        ],
    )
    return paired, calls


def dask_row(
    n: int,
    workers: int,
    pure_python: Callable[[], None],
    repeats: int,
    budget: float,
    call_seconds: float,
    probe_seconds: float | None,
) -> tuple[ToolRun, Ceiling | None]:
    """dask's row: a cluster started for it alone, timed in paired rounds
    against ``pure_python`` (on the first CPU), and closed; with
    ``probe_seconds``, the ceiling for ``workers`` counted between its
    rounds. An idle cluster's event loops (the scheduler in this process,
    each worker in its own) use CPU in bursts: it must not idle beside
    other rounds."""
    values: dict[str, float] = {}
    probe = live_ceiling_for(workers, probe_seconds)  # a pair after each round
    with probe:
        t0 = time.perf_counter()
        with dask_demo.local_client(workers) as client:
            dask_demo.integrate_delayed(client, n)  # ships the function once
            startup = time.perf_counter() - t0

            def call() -> None:
                values[DASK] = dask_demo.integrate_delayed(client, n)

            paired, calls = paired_with_python(
                {"pure Python": pure_python, DASK: call},
                repeats,
                budget,
                call_seconds,
                between=probe.between,
            )
        ceiling = probe.result()
    run = ToolRun(
        DASK,
        workers,
        paired.times[DASK],
        startup,
        values[DASK],
        code_lines(dask_demo.integrate_delayed) + 1,  # + the client
        "dask[distributed]",
        paired.ratios.get(DASK),
        calls[DASK],
    )
    return run, ceiling


def mpi_row(
    n: int,
    workers: int,
    repeats: int,
    budget: float,
    probe_seconds: float | None,
    page: mpi_demo.MpiRuns | None = None,
) -> tuple[ToolRun, mpi_demo.MpiRun | None, Ceiling | None, bool]:
    """MPI's row: the MPI page's launch with ``workers`` ranks, where ``page``
    (that experiment's result) has one for ``n`` midpoints, with the ceiling
    it counted just before for as many CPUs; otherwise a launch of its own,
    once more if it contradicts the CPUs (``mpi_demo.launch_checked``), with
    ``probe_seconds`` the ceiling for ``workers`` counted just before. The
    row, the launch set aside (or None), the ceiling (or None), and whether
    the row is the page's launch."""
    reused = _page_launch(page, n, workers)
    if reused is not None:
        r, aside, ceiling = reused
    else:
        # half the seconds: about a second in all, at the end of the table
        ceiling = ceiling_for(workers, probe_seconds / 2 if probe_seconds else None)
        r, aside = mpi_demo.launch_checked(
            workers, n, available_cpus(), mpi_demo.TIMEOUT, repeats, budget
        )
    run = ToolRun(
        MPI,
        workers,
        r.compute,
        r.wall_seconds - sum(r.compute.times) - sum(r.serial.times),
        r.value,
        code_lines(mpi_demo.integrate_ranks) + 2,  # + the comm and mpiexec
        "mpi4py and an MPI library",
        r.ratio,
    )
    return run, aside, ceiling, reused is not None


def _page_launch(
    page: mpi_demo.MpiRuns | None, n: int, workers: int
) -> tuple[mpi_demo.MpiRun, mpi_demo.MpiRun | None, Ceiling | None] | None:
    """The MPI page's launch with ``workers`` ranks and ``n`` midpoints, the
    launch it set aside for that many (or None), and its ceiling where
    counted for that many ranks (its most); None where ``page`` has no such
    launch."""
    if page is None or page.n != n or not any(r.ranks == workers for r in page.runs):
        return None
    aside = next((a for a in page.set_aside if a.ranks == workers), None)
    ceiling = page.ceiling if page.most == workers else None
    return page.run(workers), aside, ceiling
