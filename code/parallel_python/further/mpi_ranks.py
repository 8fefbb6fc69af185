"""Going further: what every MPI rank runs (:mod:`.mpi_demo` launches it).

:func:`rank_main` is the program behind
``mpiexec -n 2 python -m parallel_python.further.mpi_demo``: each rank pins
itself to a CPU of its own (:func:`pin_rank`), then the ranks time paired
rounds of the serial integral on rank 0 alone and :func:`integrate_ranks` on
all ranks, and rank 0 prints the times as one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Sequence
from typing import Any

from ..core.pinning import choosable_cpus, pin_this_thread
from ..core.pools import on_one_cpu
from ..core.protocol import TARGET, ratio_from
from ..core.validate import positive_float, positive_int
from ..multiproc import (
    DEFAULT_CHUNKS,
    chunk_bounds,
    four_over_one_plus_x2,
    integrate,
    partial_sum,
)


def integrate_ranks(comm: Any, n: int, chunks: int = DEFAULT_CHUNKS) -> float | None:
    """This rank's share of the integral, added up on rank 0 (others get None)."""
    from mpi4py import MPI

    rank, size = comm.Get_rank(), comm.Get_size()
    h = 1.0 / n
    mine = chunk_bounds(n, chunks)[rank::size]  # every size-th chunk
    local = math.fsum(partial_sum(four_over_one_plus_x2, 0.0, h, a, b) for a, b in mine)
    total = comm.reduce(local, op=MPI.SUM, root=0)
    return None if total is None else total * h


def _wait_idle(comm: Any) -> None:
    """Wait for every rank without spinning (sleep between tests of a
    non-blocking barrier), so a waiting rank leaves its CPU free."""
    request = comm.Ibarrier()
    while not request.Test():
        time.sleep(0.0005)


def rank_main(argv: Sequence[str] | None = None) -> int:
    """What every rank runs: paired rounds of the serial integral on rank 0
    alone and :func:`integrate_ranks` on all ranks; rank 0 prints the times."""
    parser = argparse.ArgumentParser(prog="python -m parallel_python.further.mpi_demo")
    parser.add_argument("--n", type=int, default=1_200_000, help="midpoints")
    parser.add_argument("--chunks", type=int, default=DEFAULT_CHUNKS)
    parser.add_argument("--repeats", type=int, default=8, help="rounds, at least")
    parser.add_argument("--budget", type=float, default=4.0, help="seconds of rounds")
    args = parser.parse_args(argv)
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    # one rank: both ways run in this process; on one CPU, their ratio (the
    # one-worker check) compares like with like (see on_one_cpu)
    if comm.Get_size() == 1:
        with on_one_cpu():
            return _rounds(comm, args)
    pin_rank(comm)
    return _rounds(comm, args)


def pin_rank(comm: Any) -> int | None:
    """Pin this rank to one of the CPUs it may use, in turn by its rank among
    the ranks on this host (rank 0 on the first, where its serial loop runs);
    the CPU, or None where CPUs cannot be chosen. Unpinned, two ranks of
    tens of milliseconds sometimes shared one CPU for part of a round: in
    eight launches of 24 rounds each on the 2-CPU build machine, the median
    ratio read 1.58-2.04x unpinned and 1.85-1.99x pinned."""
    from mpi4py import MPI

    host = comm.Split_type(MPI.COMM_TYPE_SHARED)
    try:
        return pin_this_thread(choosable_cpus(), host.Get_rank())
    finally:
        host.Free()


def _rounds(comm: Any, args: argparse.Namespace) -> int:
    """:func:`rank_main`'s paired rounds, then rank 0 prints the report."""
    from mpi4py import MPI

    rank = comm.Get_rank()
    n = positive_int("n", args.n)
    chunks = positive_int("chunks", args.chunks)
    repeats = positive_int("repeats", args.repeats)
    budget = positive_float("budget", args.budget)
    serial, times, value, reason = [], [], None, ""
    serial_cpu: list[int | None] = []  # where each serial run was pinned
    began = MPI.Wtime()
    integrate_ranks(comm, n, chunks)  # warm-up, untimed

    def alone() -> None:  # rank 0 alone; the others wait without using a CPU
        if rank == 0:
            # on the first CPU, as other serial baselines (baseline_on_one_cpu)
            with on_one_cpu() as cpu:
                t0 = MPI.Wtime()
                integrate(four_over_one_plus_x2, 0.0, 1.0, n)
                serial.append(MPI.Wtime() - t0)
            serial_cpu.append(cpu)
        _wait_idle(comm)

    while True:
        # rank 0 alone and all ranks, in turn first (as measure_paired does)
        if len(times) % 2 == 0:
            alone()
        comm.Barrier()  # start the clock together
        t0 = MPI.Wtime()
        value = integrate_ranks(comm, n, chunks)
        times.append(comm.reduce(MPI.Wtime() - t0, op=MPI.MAX, root=0))
        if len(times) % 2 == 0:
            alone()
        if rank == 0 and len(times) >= repeats:
            ratios = [s / t for s, t in zip(serial, times, strict=True)]
            if ratio_from(ratios).within(TARGET):
                reason = "converged"
            elif len(times) >= 200:
                reason = "max_rounds"
            elif MPI.Wtime() - began >= budget:
                reason = "budget"
        if comm.bcast(bool(reason), root=0):
            break
    mine = len(chunk_bounds(n, chunks)[comm.Get_rank() :: comm.Get_size()])
    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    who = comm.gather(
        {
            "host": MPI.Get_processor_name(),
            "pid": os.getpid(),
            "chunks": mine,
            # the CPUs this rank could run on during the rounds (None: unknown)
            "cpus": len(allowed) if allowed is not None else None,
            # the one it was pinned to (None: not pinned to one)
            "cpu": min(allowed) if allowed is not None and len(allowed) == 1 else None,
        },
        root=0,
    )
    library = " ".join(MPI.Get_library_version().split("\n")[0].split())
    if rank == 0:
        print(
            json.dumps(
                {
                    "ranks": comm.Get_size(),
                    "value": value,
                    "seconds": times,
                    "serial": serial,
                    "serial_cpus": sorted(
                        set(serial_cpu), key=lambda c: -1 if c is None else c
                    ),
                    "ranks_info": who,
                    "library": library,
                    "stop": reason,
                }
            ),
            flush=True,
        )
    return 0
