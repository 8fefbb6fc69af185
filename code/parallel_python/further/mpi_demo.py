"""Going further: the integration with MPI (mpi4py), launched by ``mpiexec``.

Run by ``mpiexec`` (every rank runs this module; what a rank does is in
:mod:`.mpi_ranks`)::

    mpiexec -n 2 python -m parallel_python.further.mpi_demo --n 600000

Each rank takes every ``size``-th chunk of the sum (chunks ``rank``,
``rank + size``, ...), adds its chunks, and ``comm.reduce`` adds the ranks'
partial sums on rank 0, which prints one line of JSON: the answer, each
rank's host name, process id and number of chunks, and the compute time
(``MPI.Wtime``, slowest rank).

:func:`run_mpi` launches that with ``mpiexec`` in a subprocess (found next
to this Python, as ``pip install mpi4py mpich`` puts it there, else on the
``PATH``), with a timeout; the whole process group is killed if it hangs.
mpi4py is imported only inside the ranks, so the package imports without it.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.ceiling import Ceiling
from ..core.ceiling_live import ceiling_for
from ..core.machine import available_cpus
from ..core.pools import end_process_group
from ..core.protocol import MAX_HALF_WIDTH, Ratio, paired_ratio
from ..core.results import find
from ..core.timing import Timing
from ..core.validate import positive_float, positive_int, positive_ints

# what every rank runs, here too: ``python -m`` runs this module
from .mpi_ranks import integrate_ranks, rank_main  # noqa: F401

#: Seconds an MPI run may take before it is killed.
TIMEOUT = 60.0


def find_mpiexec() -> str | None:
    """``mpiexec`` next to this Python (a pip-installed MPI), else on the PATH."""
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("mpiexec")


def mpi_available() -> str:
    """Empty if MPI can run here; else what is missing, as advice."""
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (pip install mpi4py)"
    if find_mpiexec() is None:
        return (
            "no mpiexec found: on Linux and macOS pip install mpich; on Windows "
            "install Microsoft MPI (msmpisetup.exe); on a cluster load its MPI module"
        )
    return ""


@dataclass(frozen=True)
class MpiRank:
    """One rank: the machine it ran on, its process id, the chunks it added."""

    host: str
    pid: int
    chunks: int


@dataclass(frozen=True)
class MpiRun:
    """One ``mpiexec -n ranks`` run of the integration."""

    ranks: int
    n: int
    value: float
    compute: Timing  # inside MPI: slowest rank, from barrier to reduce
    wall_seconds: float  # the whole launch, as the caller waited for it
    ranks_info: tuple[MpiRank, ...]
    library: str
    command: str
    output: str  # what rank 0 printed
    serial: Timing
    """Rank 0 alone, the plain serial integral, in the same rounds as ``compute``."""
    stop_reason: str = ""
    """Why the paired rounds stopped (as :func:`.core.protocol.measure_paired`)."""

    @property
    def ratio(self) -> Ratio:
        """Serial over all ranks, round by round: the median and its interval."""
        return paired_ratio(self.serial, self.compute)


@dataclass(frozen=True)
class MpiRuns:
    """The same integration with 1, 2, ... ranks."""

    n: int
    exact: float
    cpus: int  # CPUs available to the launching process
    runs: tuple[MpiRun, ...]
    ceiling: Ceiling | None = None
    """How much faster the CPUs were together than one alone, just before."""
    set_aside: tuple[MpiRun, ...] = ()
    """First launches that were run again (:func:`slower_than_alone`)."""

    def run(self, ranks: int) -> MpiRun:
        return find(self.runs, ranks=ranks)

    def ratio(self, ranks: int) -> Ratio:
        """The serial integral over ``ranks`` ranks, paired inside one launch."""
        return self.run(ranks).ratio

    def speedup(self, ranks: int) -> float:
        """How many times as fast as the serial integral: the median of
        per-round ratios inside the launch with ``ranks`` ranks."""
        return self.ratio(ranks).median

    @property
    def most(self) -> int:
        return max(r.ranks for r in self.runs)

    @property
    def ideal(self) -> float:
        """The best speed-up over one process the CPUs allow with the most ranks."""
        return float(max(min(self.most, self.cpus), 1))

    @property
    def launch_overhead(self) -> float:
        """Wall time not spent computing, with the most ranks (seconds)."""
        r = self.run(self.most)
        return r.wall_seconds - sum(r.compute.times) - sum(r.serial.times)


def launch(
    ranks: int,
    n: int,
    timeout: float = TIMEOUT,
    repeats: int = 5,
    budget: float = 4.0,
) -> MpiRun:
    """Run :func:`rank_main` on ``ranks`` ranks with ``mpiexec``; wait at most
    ``timeout`` seconds (then the whole process group is killed)."""
    ranks = positive_int("ranks", ranks)
    n = positive_int("n", n)
    timeout = positive_float("timeout", timeout)
    repeats = positive_int("repeats", repeats)
    budget = positive_float("budget", budget)
    missing = mpi_available()
    if missing:
        raise RuntimeError(f"cannot run MPI here: {missing}")
    mpiexec = find_mpiexec()
    assert mpiexec is not None
    argv = [
        mpiexec,
        "-n",
        str(ranks),
        sys.executable,
        "-m",
        "parallel_python.further.mpi_demo",
    ]
    argv += ["--n", str(n), "--repeats", str(repeats), "--budget", str(budget)]
    t0 = time.perf_counter()
    child = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: killed as one
    )
    try:
        out, err = child.communicate(timeout=timeout)
    except BaseException:
        end_process_group(child)
        child.communicate()
        raise
    wall = time.perf_counter() - t0
    if child.returncode != 0:
        raise RuntimeError(
            f"mpiexec failed (exit status {child.returncode}): {err.strip()[-500:]}"
        )
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"no result from the MPI ranks; output: {out[-500:]!r}")
    data = json.loads(lines[-1])
    return MpiRun(
        ranks=int(data["ranks"]),
        n=n,
        value=float(data["value"]),
        compute=Timing(times=tuple(float(t) for t in data["seconds"]), warmup=1),
        serial=Timing(times=tuple(float(t) for t in data["serial"]), warmup=0),
        wall_seconds=wall,
        ranks_info=tuple(
            MpiRank(str(r["host"]), int(r["pid"]), int(r["chunks"]))
            for r in data["ranks_info"]
        ),
        library=str(data["library"]),
        command=" ".join(["mpiexec", "-n", str(ranks), "python", *argv[4:]]),
        output=lines[-1],
        stop_reason=str(data.get("stop", "")),
    )


def slower_than_alone(run: MpiRun, cpus: int) -> bool:
    """Whether all ranks together were slower than rank 0 alone, by the
    whole interval, although several CPUs were there for them: while this
    book was written, both ranks of one launch ran at a third of their pace
    for all of its rounds (0.63-0.71x); the next build's read 1.95x."""
    return min(run.ranks, cpus) > 1 and run.ratio.high < 1


def faster_than_the_cpus(run: MpiRun, cpus: int) -> bool:
    """Whether the ranks beat rank 0 alone by 15 % more than their CPUs allow,
    all the interval (a slower first CPU lifts a speed-up a bit): once 4.36x."""
    return run.ratio.low > min(run.ranks, cpus) * (1 + MAX_HALF_WIDTH)


def launch_checked(
    ranks: int, n: int, cpus: int, timeout: float, repeats: int, budget: float
) -> tuple[MpiRun, MpiRun | None]:
    """:func:`launch`, and once more if the launch contradicted the machine
    on ``cpus`` (:func:`slower_than_alone`, :func:`faster_than_the_cpus`):
    the run to report, and the launch set aside (None when there was none)."""
    run = launch(ranks, n, timeout, repeats, budget)
    if not (slower_than_alone(run, cpus) or faster_than_the_cpus(run, cpus)):
        return run, None
    return launch(ranks, n, timeout, repeats, budget), run


def run_mpi(
    ranks: Sequence[int] = (1, 2),
    n: int = 1_200_000,
    *,
    repeats: int = 8,
    budget: float = 4.0,
    timeout: float = TIMEOUT,
    probe_seconds: float | None = None,
) -> MpiRuns:
    """The integration with ``n`` midpoints on each number of ``ranks``: one
    ``mpiexec`` launch each, timed in paired rounds inside it (rank 0 alone
    and all ranks, taking turns to go first; at least ``repeats`` rounds,
    more until the ratio's interval is within ±5 % or ``budget`` seconds,
    shared by the launches, are spent). With ``probe_seconds``, the
    machine's own ceiling for the most ranks is measured first. A launch
    that contradicts the machine is run once more (:func:`launch_checked`);
    the first is kept in ``set_aside``."""
    counts = positive_ints("ranks", ranks)
    n = positive_int("n", n)
    repeats = positive_int("repeats", repeats)
    budget = positive_float("budget", budget)
    share = budget / len(counts)
    probed = ceiling_for(max(counts), probe_seconds)
    cpus = available_cpus()
    checked = [launch_checked(r, n, cpus, timeout, repeats, share) for r in counts]
    return MpiRuns(
        n=n,
        exact=math.pi,
        cpus=cpus,
        runs=tuple(run for run, _ in checked),
        ceiling=probed,
        set_aside=tuple(aside for _, aside in checked if aside is not None),
    )


if __name__ == "__main__":
    raise SystemExit(rank_main())
