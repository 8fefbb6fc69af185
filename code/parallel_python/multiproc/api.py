"""Part B: the multiprocessing package, and where its time goes.

Experiments:

* :func:`run_api_tour` - the same work through a ``for`` loop, ``map``,
  ``Pool.map``, ``Pool.imap_unordered``, ``Pool.starmap`` and
  ``ProcessPoolExecutor.map``: same answers, and which processes did the work.
* :func:`run_worker_error` - an exception raised in a worker reaches the
  caller, and no worker is left behind.
* :func:`run_pool_startup` - what starting (and stopping) a pool costs with
  each start method.
* :func:`run_task_overhead` - the cost per task for tiny tasks, and what
  ``chunksize`` does about it.
* :func:`run_big_argument` - sending a big array to every task (pickling)
  against making it in the worker or sharing memory.

Every process is started from :func:`parallel_python.config.mp_context`, and
every pool is closed and joined on the way out, also when a worker raises.
Worker functions are top-level here, so ``spawn`` and ``forkserver`` workers
can import them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.config import start_method
from ..core.machine import available_cpus
from ..core.pools import (
    free_failed_pools,
    leftover_children,
    process_executor,
    process_pool,
)
from ..core.results import find
from ..core.validate import positive_int
from .tasks import busy_power, busy_square, fail_on

# --- pools that always end ------------------------------------------------


# --- worker functions (top level, so every start method can find them) -----


_SHARED: np.ndarray | None = None


# --- 1. the API tour ---------------------------------------------------------


@dataclass(frozen=True)
class ApiRun:
    """One way of applying a function to the inputs."""

    name: str
    code: str
    results: tuple[int, ...]
    equals_serial: bool
    in_order: bool
    processes_used: int


@dataclass(frozen=True)
class ApiTour:
    """The same tasks through several APIs, with ``processes`` workers."""

    tasks: int
    processes: int
    start_method: str
    runs: tuple[ApiRun, ...]

    def get(self, name: str) -> ApiRun:
        return find(self.runs, name=name)


def run_api_tour(tasks: int = 8, processes: int | None = None) -> ApiTour:
    """Square ``tasks`` numbers with a loop, ``map`` and four process-pool APIs."""
    tasks = positive_int("tasks", tasks)
    processes = positive_int(
        "processes", available_cpus() if processes is None else processes
    )
    xs = list(range(tasks))
    expected = [x * x for x in xs]
    me = os.getpid()
    outcomes: list[tuple[str, str, list[tuple[int, int]]]] = []

    loop_out = []
    for x in xs:
        loop_out.append(busy_square(x))
    outcomes.append(("for loop", "for x in xs: out.append(f(x))", loop_out))
    outcomes.append(("map", "list(map(f, xs))", list(map(busy_square, xs))))
    with process_pool(processes) as pool:
        outcomes.append(("Pool.map", "pool.map(f, xs)", pool.map(busy_square, xs)))
        outcomes.append(
            (
                "Pool.imap_unordered",
                "list(pool.imap_unordered(f, xs))",
                list(pool.imap_unordered(busy_square, xs)),
            )
        )
        outcomes.append(
            (
                "Pool.starmap",
                "pool.starmap(g, [(x, 2) for x in xs])",
                pool.starmap(busy_power, [(x, 2) for x in xs]),
            )
        )
    with process_executor(processes) as executor:
        outcomes.append(
            (
                "ProcessPoolExecutor.map",
                "list(executor.map(f, xs))",
                list(executor.map(busy_square, xs)),
            )
        )
    runs = []
    for name, code, out in outcomes:
        values = tuple(v for v, _ in out)
        pids = {pid for _, pid in out}
        runs.append(
            ApiRun(
                name=name,
                code=code,
                results=values,
                equals_serial=sorted(values) == sorted(expected),
                in_order=list(values) == expected,
                processes_used=len(pids - {me}) if pids != {me} else 0,
            )
        )
    return ApiTour(tasks, processes, start_method(), tuple(runs))


# --- 2. errors reach the caller ----------------------------------------------


@dataclass(frozen=True)
class WorkerError:
    """What the caller saw when a task raised inside a worker."""

    api: str
    error_type: str
    message: str
    remote_traceback: bool
    children_left: int


@dataclass(frozen=True)
class WorkerErrors:
    start_method: str
    errors: tuple[WorkerError, ...]


def _caught(api: str, call: Callable[[], object]) -> WorkerError:
    try:
        call()
    except ValueError as exc:
        cause = exc.__cause__
        remote = cause is not None and "Traceback" in str(cause)
        caught = WorkerError(api, type(exc).__name__, str(exc), remote, 0)
    else:  # pragma: no cover
        raise AssertionError(f"{api}: the failing task did not raise")
    free_failed_pools()
    return caught


def run_worker_error(tasks: int = 6, processes: int = 2) -> WorkerErrors:
    """Map :func:`fail_on` (task 3 raises) with ``Pool`` and ``ProcessPoolExecutor``."""
    tasks = positive_int("tasks", tasks)
    if tasks < 4:
        raise ValueError(
            f"tasks must be at least 4 (task 3 is the one that fails), got {tasks}"
        )
    processes = positive_int("processes", processes)
    xs = range(tasks)

    def with_pool() -> object:
        with process_pool(processes) as pool:
            return pool.map(fail_on, xs)

    def with_executor() -> object:
        with process_executor(processes) as executor:
            return list(executor.map(fail_on, xs))

    seen = []
    for api, call in (
        ("Pool.map", with_pool),
        ("ProcessPoolExecutor.map", with_executor),
    ):
        caught = _caught(api, call)
        seen.append(
            WorkerError(
                caught.api,
                caught.error_type,
                caught.message,
                caught.remote_traceback,
                len(leftover_children()),
            )
        )
    return WorkerErrors(start_method(), tuple(seen))


# --- 3a. pool start-up per start method --------------------------------------


# --- 3b. cost per task and chunksize -----------------------------------------


# --- 3c. a big argument: pickle it, make it, or share it ---------------------
