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

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from multiprocessing.pool import Pool
from typing import Any

import numpy as np

from .config import mp_context, start_method
from .machine import available_cpus
from .timing import Timing, measure
from .validate import positive_int, positive_ints

# --- pools that always end ------------------------------------------------


@contextmanager
def process_pool(
    processes: int,
    *,
    context: BaseContext | None = None,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[Pool]:
    """A ``multiprocessing.Pool`` that is closed (or terminated) and joined on exit.

    ``Pool``'s own ``with`` block only terminates the workers; this one also
    waits for them (``join``), so no worker outlives the block, even when a
    task raised.
    """
    processes = positive_int("processes", processes)
    ctx = context or mp_context()
    pool = ctx.Pool(processes, initializer=initializer, initargs=initargs)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def process_executor(
    processes: int, *, context: BaseContext | None = None
) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` on the project's start method (use it in ``with``)."""
    processes = positive_int("processes", processes)
    return ProcessPoolExecutor(
        max_workers=processes, mp_context=context or mp_context()
    )


#: Helper processes that belong to the interpreter, not to an experiment.
_INTERPRETER_HELPERS = (
    "multiprocessing.resource_tracker",
    "multiprocessing.forkserver",
    # joblib's loky keeps its own resource tracker for the interpreter's life
    "loky.backend.resource_tracker",
)


def leftover_children() -> tuple[int, ...]:
    """Process ids of this process's children, except the interpreter's helpers.

    The resource tracker and the forkserver process are started once per
    interpreter and end with it; anything else still running is a worker an
    experiment forgot to stop.
    """
    import psutil

    left = []
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            cmdline = " ".join(child.cmdline())
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        except psutil.AccessDenied:  # pragma: no cover - own children are readable
            cmdline = ""
        if any(helper in cmdline for helper in _INTERPRETER_HELPERS):
            continue
        left.append(child.pid)
    left.extend(p.pid for p in multiprocessing.active_children() if p.pid not in left)
    return tuple(sorted(set(left)))


# --- worker functions (top level, so every start method can find them) -----


def square(x: int) -> int:
    """A worker's task: ``x * x``."""
    return x * x


def busy_square(x: int, loops: int = 20_000) -> tuple[int, int]:
    """``x * x`` after some pure-Python busy work; also says which process did it."""
    total = 0
    for i in range(loops):
        total += i % 7
    return x * x + 0 * total, os.getpid()


def busy_power(x: int, exponent: int) -> tuple[int, int]:
    """``x ** exponent`` after some busy work, with the worker's process id."""
    value, pid = busy_square(x)
    return x**exponent + 0 * value, pid


def fail_on(x: int, bad: int = 3) -> int:
    """Return ``x``, but raise ``ValueError`` for ``x == bad``: an error in a worker."""
    if x == bad:
        raise ValueError(f"task {x} failed in process {os.getpid()}")
    return x


def identity(x: int) -> int:
    """The smallest possible task: return the argument."""
    return x


def array_sum(a: np.ndarray) -> float:
    """Sum an array sent to the worker (it arrives pickled)."""
    return float(a.sum())


def make_and_sum(n: int) -> float:
    """Make the array in the worker (no big message), then sum it."""
    return float(_big_array(n).sum())


_SHARED: np.ndarray | None = None


def _attach_shared(buffer: Any, n: int) -> None:
    """Pool initializer: view the shared buffer as a NumPy array (no copy)."""
    global _SHARED
    _SHARED = np.frombuffer(buffer, dtype=np.float64, count=n)


def shared_sum(_task: int) -> float:
    """Sum the array in shared memory that the initializer attached."""
    if _SHARED is None:
        raise RuntimeError("shared_sum needs a pool started with _attach_shared")
    return float(_SHARED.sum())


def _big_array(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.float64)


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
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError(name)


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
        return WorkerError(api, type(exc).__name__, str(exc), remote, 0)
    raise AssertionError(f"{api}: the failing task did not raise")  # pragma: no cover


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


@dataclass(frozen=True)
class StartupTiming:
    """Starting a pool and getting a first answer from it, then stopping it."""

    method: str
    start: Timing
    stop: Timing


@dataclass(frozen=True)
class PoolStartup:
    processes: int
    start_method: str
    methods: tuple[StartupTiming, ...]

    def get(self, method: str) -> StartupTiming:
        for m in self.methods:
            if m.method == method:
                return m
        raise KeyError(method)


def run_pool_startup(
    processes: int | None = None,
    methods: tuple[str, ...] | list[str] | None = None,
    *,
    repeats: int = 3,
) -> PoolStartup:
    """Time ``Pool(processes)`` until a trivial map returns, then ``close``+``join``.

    ``methods`` defaults to every start method of this platform. One untimed
    round per method first (it starts the forkserver, warms the caches).
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
    timings = []
    for method in chosen:
        ctx = multiprocessing.get_context(method)
        starts, stops = [], []
        for round_ in range(repeats + 1):
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
            t2 = time.perf_counter()
            if round_:
                starts.append(t1 - t0)
                stops.append(t2 - t1)
        timings.append(
            StartupTiming(
                method, Timing(tuple(starts), warmup=1), Timing(tuple(stops), warmup=1)
            )
        )
    return PoolStartup(processes, start_method(), tuple(timings))


# --- 3b. cost per task and chunksize -----------------------------------------


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
        for r in self.runs:
            if r.api == api and r.chunksize == chunksize:
                return r
        raise KeyError((api, chunksize))

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


# --- 3c. a big argument: pickle it, make it, or share it ---------------------


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
