"""What processes cost: pool start-up, the cost per task, big arguments."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.context import BaseContext

import numpy as np

from ..core.config import mp_context, start_method
from ..core.machine import available_cpus
from ..core.pools import process_executor, process_pool
from ..core.results import find
from ..core.timing import Timing, measure
from ..core.validate import positive_int, positive_ints
from .tasks import (
    _attach_shared,
    _big_array,
    array_sum,
    identity,
    make_and_sum,
    shared_sum,
)


@dataclass(frozen=True)
class StartupTiming:
    """Starting a pool and getting a first answer from it, then stopping it."""

    method: str
    start: Timing
    stop: Timing


#: The modules the book preloads into the forkserver: the workers' tasks, and
#: with them the book's package and NumPy (what a worker otherwise imports).
PRELOAD = ("numpy", "parallel_python.multiproc.tasks")


@dataclass(frozen=True)
class PreloadedStartup:
    """``forkserver`` pools whose server imported ``modules`` when it started.

    Timed in a fresh Python (see :mod:`.preload`): the preload list counts only
    when the server starts, once per program. ``available`` is False where
    there is no ``forkserver`` (Windows); then nothing was timed.
    """

    modules: tuple[str, ...]
    available: bool
    server_start: float | None
    """The first pool, which also started the server and its imports (s)."""
    timing: StartupTiming | None
    """The pools after it (method ``forkserver + preload``)."""


@dataclass(frozen=True)
class PoolStartup:
    processes: int
    start_method: str
    methods: tuple[StartupTiming, ...]
    preloaded: PreloadedStartup | None = None
    """``forkserver`` with :data:`PRELOAD`; None when not asked for."""

    def get(self, method: str) -> StartupTiming:
        return find(self.methods, method=method)


def pool_round(ctx: BaseContext, processes: int) -> tuple[float, float]:
    """Seconds to start ``ctx.Pool(processes)`` until a trivial map returns, and
    to ``close`` and ``join`` it. No worker outlives the call."""
    t0 = time.perf_counter()
    pool = ctx.Pool(processes)
    try:
        pool.map(identity, range(processes), chunksize=1)
        t1 = time.perf_counter()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return t1 - t0, time.perf_counter() - t1


def run_pool_startup(
    processes: int | None = None,
    methods: tuple[str, ...] | list[str] | None = None,
    *,
    repeats: int = 3,
    preload: tuple[str, ...] | list[str] = PRELOAD,
) -> PoolStartup:
    """Time ``Pool(processes)`` until a trivial map returns, then ``close``+``join``.

    ``methods`` defaults to every start method of this platform. One untimed
    round per method first (it starts the forkserver, warms the caches).
    With ``forkserver`` among them and ``preload`` not empty, a fresh Python
    also times ``forkserver`` pools whose server imported ``preload`` first
    (:func:`.preload.run_preloaded_startup`); where there is no
    ``forkserver``, the result records that.
    """
    processes = positive_int(
        "processes", available_cpus() if processes is None else processes
    )
    repeats = positive_int("repeats", repeats)
    available = multiprocessing.get_all_start_methods()
    chosen = tuple(available if methods is None else methods)
    if not chosen:
        raise ValueError("methods must name at least one start method")
    for m in chosen:
        if m not in available:
            raise ValueError(
                f"methods: {m!r} is not a start method here; choose from {available}"
            )
    modules = tuple(preload)
    if not all(isinstance(name, str) and name for name in modules):
        raise ValueError(f"preload must name modules, got {modules!r}")
    timings = []
    for method in chosen:
        ctx = multiprocessing.get_context(method)
        pool_round(ctx, processes)  # untimed: starts the forkserver, warms up
        rounds = [pool_round(ctx, processes) for _ in range(repeats)]
        timings.append(
            StartupTiming(
                method,
                Timing(tuple(r[0] for r in rounds), warmup=1),
                Timing(tuple(r[1] for r in rounds), warmup=1),
            )
        )
    preloaded = None
    if modules and "forkserver" not in available:
        preloaded = PreloadedStartup(modules, False, None, None)
    elif modules and "forkserver" in chosen:
        # imported here, not at the top: ``python -m ...preload`` must find
        # the module unimported when its package is (runpy warns otherwise)
        from .preload import run_preloaded_startup

        preloaded = run_preloaded_startup(processes, repeats, modules)
    return PoolStartup(processes, start_method(), tuple(timings), preloaded)


def pool_default_chunksize(tasks: int, processes: int) -> int:
    """The chunk size ``Pool.map`` picks when given none (CPython's rule):
    the tasks divided by four times the processes, rounded up."""
    tasks = positive_int("tasks", tasks)
    processes = positive_int("processes", processes)
    chunksize, extra = divmod(tasks, processes * 4)
    return chunksize + 1 if extra else chunksize


@dataclass(frozen=True)
class ChunkRun:
    """``tasks`` trivial tasks through one API with one chunk size."""

    api: str
    chunksize: int
    default: bool
    timing: Timing

    def per_task(self, tasks: int) -> float:
        """Seconds per task (best run)."""
        return self.timing.best / tasks


@dataclass(frozen=True)
class TaskOverhead:
    tasks: int
    processes: int
    start_method: str
    serial: Timing
    runs: tuple[ChunkRun, ...]

    @property
    def serial_per_task(self) -> float:
        return self.serial.best / self.tasks

    def get(self, api: str, chunksize: int) -> ChunkRun:
        return find(self.runs, api=api, chunksize=chunksize)

    def default(self, api: str) -> ChunkRun:
        for r in self.runs:
            if r.api == api and r.default:
                return r
        raise KeyError(api)

    def chunksizes(self, api: str) -> tuple[int, ...]:
        return tuple(sorted({r.chunksize for r in self.runs if r.api == api}))


def run_task_overhead(
    tasks: int = 2000,
    chunksizes: tuple[int, ...] | list[int] = (1, 10, 100),
    processes: int | None = None,
    *,
    repeats: int = 5,
) -> TaskOverhead:
    """Map :func:`identity` over ``tasks`` numbers with already started pools.

    ``Pool.map`` runs with each chunk size and with its own choice (a chunk
    size equal to that choice is timed once, as the default);
    ``ProcessPoolExecutor.map`` with its default (1) and with the chunk size
    ``Pool.map`` would pick. The serial ``map`` is the baseline.
    """
    tasks = positive_int("tasks", tasks)
    chunksizes = positive_ints("chunksizes", chunksizes)
    processes = positive_int(
        "processes", available_cpus() if processes is None else processes
    )
    repeats = positive_int("repeats", repeats)
    xs = list(range(tasks))
    serial = measure(lambda: list(map(identity, xs)), repeats=repeats)
    auto = pool_default_chunksize(tasks, processes)
    runs = []
    with process_pool(processes) as pool:
        for c in (c for c in chunksizes if c != auto):  # auto: the default run
            t = measure(
                lambda c=c: pool.map(identity, xs, chunksize=c), repeats=repeats
            )
            runs.append(ChunkRun("Pool.map", c, False, t))
        t = measure(lambda: pool.map(identity, xs), repeats=repeats)
        runs.append(ChunkRun("Pool.map", auto, True, t))
    with process_executor(processes) as executor:
        for c, is_default in ((1, True), (auto, False)):
            t = measure(
                lambda c=c: list(executor.map(identity, xs, chunksize=c)),
                repeats=repeats,
            )
            runs.append(ChunkRun("ProcessPoolExecutor.map", c, is_default, t))
    return TaskOverhead(tasks, processes, start_method(), serial, tuple(runs))


@dataclass(frozen=True)
class BigArgument:
    """Each of ``tasks`` tasks needs the same array of ``elements`` floats."""

    elements: int
    tasks: int
    processes: int
    start_method: str
    serial: Timing
    pickled: Timing
    made_in_worker: Timing
    shared: Timing
    shared_setup: Timing
    answers_agree: bool

    @property
    def megabytes(self) -> float:
        """Size of the array, MB (10^6 bytes)."""
        return self.elements * 8 / 1e6


def run_big_argument(
    elements: int = 2_000_000,
    tasks: int | None = None,
    processes: int | None = None,
    *,
    repeats: int = 3,
) -> BigArgument:
    """Sum the same array in every task, three ways.

    *pickled*: the array is an argument, so each task pickles it and sends it
    through a pipe. *made in worker*: the task gets only the length and makes
    the array itself. *shared*: the array lives in shared memory
    (``context.RawArray``) that each worker maps once, when the pool starts;
    a task then sends only its number. ``shared_setup`` is the one-off cost of
    filling the shared array and starting that pool.
    """
    elements = positive_int("elements", elements)
    processes = positive_int(
        "processes", available_cpus() if processes is None else processes
    )
    tasks = positive_int("tasks", 2 * processes if tasks is None else tasks)
    repeats = positive_int("repeats", repeats)
    array = _big_array(elements)
    expected = float(array.sum())
    serial = measure(lambda: [array_sum(array) for _ in range(tasks)], repeats=repeats)
    ctx = mp_context()
    answers = []
    with process_pool(processes, context=ctx) as pool:
        pickled = measure(
            lambda: answers.append(pool.map(array_sum, [array] * tasks, chunksize=1)),
            repeats=repeats,
        )
        made = measure(
            lambda: answers.append(
                pool.map(make_and_sum, [elements] * tasks, chunksize=1)
            ),
            repeats=repeats,
        )

    setups = []
    shared_timing: Timing | None = None
    for round_ in range(2):
        t0 = time.perf_counter()
        buffer = ctx.RawArray("d", elements)
        np.frombuffer(buffer, dtype=np.float64)[:] = array
        with process_pool(
            processes,
            context=ctx,
            initializer=_attach_shared,
            initargs=(buffer, elements),
        ) as pool:
            pool.map(identity, range(processes), chunksize=1)
            setups.append(time.perf_counter() - t0)
            if round_ == 1:
                shared_timing = measure(
                    lambda: answers.append(
                        pool.map(shared_sum, range(tasks), chunksize=1)
                    ),
                    repeats=repeats,
                )
        del buffer
    assert shared_timing is not None
    agree = all(a == expected for answer in answers for a in answer)
    return BigArgument(
        elements=elements,
        tasks=tasks,
        processes=processes,
        start_method=ctx.get_start_method(),
        serial=serial,
        pickled=pickled,
        made_in_worker=made,
        shared=shared_timing,
        shared_setup=Timing((setups[1],), warmup=1),
        answers_agree=agree,
    )
