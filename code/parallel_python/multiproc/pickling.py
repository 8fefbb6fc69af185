"""Part B′: which task functions can travel to a worker.

Every task a pool sends is pickled, function included, and ``pickle`` stores a
function by its importable name (module and qualified name). A lambda has no
such name (its name is ``<lambda>``), a nested function or closure has none
either (``make_scaler.<locals>.scale``), so neither can be the task of
``Pool.map`` or ``ProcessPoolExecutor.submit``, under any start method. A
``fork``-started ``Process`` or pool initializer gets its target without
pickling, so there they work; ``spawn`` and ``forkserver`` pickle those too.
joblib's workers receive tasks pickled with cloudpickle, which sends a
function's code, so all three run there.

:func:`run_pickled_tasks` tries each kind of function with each way of
handing it over, with every start method this platform offers, and records
what happened (the error's type and message when it failed).
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass

from ..core.pools import (
    end_loky_workers,
    free_failed_pools,
    process_executor,
    process_pool,
)
from ..core.validate import non_negative_int, positive_int


def triple(x: int) -> int:
    """A task function at the top level of a module: ``3 * x``."""
    return 3 * x


#: The same task as a lambda at the top level of a module (its name is <lambda>).
triple_lambda = lambda x: 3 * x  # noqa: E731  (the point of the demo)


def make_scaler(k: int) -> Callable[[int], int]:
    """A closure: ``scale(x) = k * x``, defined inside this function."""

    def scale(x: int) -> int:
        return k * x

    return scale


#: The kinds of task function, in the order the page shows them.
TASKS: dict[str, Callable[[int], int]] = {
    "function": triple,
    "lambda": triple_lambda,
    "closure": make_scaler(3),
}

#: How a function reaches a worker, in the order the page shows them.
APIS = (
    "pickle.dumps",
    "Pool.map",
    "ProcessPoolExecutor.submit",
    "Process target",
    "Pool initializer",
    "joblib.Parallel",
)

RAN = "ran"

_INSTALLED: Callable[[int], int] | None = None


def install(f: Callable[[int], int]) -> None:
    """Pool initializer: keep ``f`` in the worker for :func:`call_installed`."""
    global _INSTALLED
    _INSTALLED = f


def call_installed(x: int) -> int:
    """A worker's task: call the function the initializer installed."""
    if _INSTALLED is None:
        raise RuntimeError("call_installed needs a pool started with install")
    return _INSTALLED(x)


@dataclass(frozen=True)
class Attempt:
    """One kind of task function handed over one way."""

    api: str
    task: str
    method: str
    """Start method, ``"loky"`` for joblib, ``"none"`` for pickle.dumps."""
    outcome: str
    """``"ran"`` (right results), or the exception's type name."""
    message: str
    """The exception's message ("" when it ran)."""

    @property
    def ran(self) -> bool:
        return self.outcome == RAN


@dataclass(frozen=True)
class PickledTasks:
    """Every attempt, and where it was made."""

    tasks: int
    methods: tuple[str, ...]
    python: str
    joblib: bool
    attempts: tuple[Attempt, ...]

    def get(self, api: str, task: str, method: str | None = None) -> Attempt:
        for a in self.attempts:
            if a.api == api and a.task == task and method in (None, a.method):
                return a
        raise KeyError((api, task, method))

    def pickle_error(self, task: str) -> str:
        """The exception type ``pickle.dumps`` raised for ``task`` ("" if none)."""
        a = self.get("pickle.dumps", task)
        return "" if a.ran else a.outcome


def _outcome(call: Callable[[], list[int]], expected: list[int]) -> tuple[str, str]:
    try:
        got = call()
    except Exception as e:  # the point: record whatever the hand-over raised
        return type(e).__name__, str(e)
    if got != expected:
        return "WrongResult", f"expected {expected}, got {got}"
    return RAN, ""


def _pickles(f: Callable[[int], int]) -> tuple[str, str]:
    try:
        pickle.dumps(f)
    except Exception as e:  # whatever pickle raises for this kind of function
        return type(e).__name__, str(e)
    return RAN, ""


def _pool_map(ctx, xs, expected) -> dict[str, tuple[str, str]]:
    """Each task function given to ``Pool.map`` of one pool (it survives a
    task that cannot be pickled: that error comes back as the map's)."""
    with process_pool(1, context=ctx) as pool:
        return {
            task: _outcome(lambda f=f: pool.map(f, xs), expected)
            for task, f in TASKS.items()
        }


def _executor_submit(ctx, xs, expected) -> dict[str, tuple[str, str]]:
    """Each task function given to ``submit`` of one executor."""

    def submit_all(executor, f):
        futures = [executor.submit(f, x) for x in xs]
        return [fut.result() for fut in futures]

    with process_executor(1, context=ctx) as executor:
        return {
            task: _outcome(lambda f=f: submit_all(executor, f), expected)
            for task, f in TASKS.items()
        }


def _process_target(ctx, f, xs):
    p = ctx.Process(target=f, args=(xs[0],))
    p.start()
    p.join()
    if p.exitcode != 0:
        raise RuntimeError(f"the process ended with exit code {p.exitcode}")
    return [3 * x for x in xs]  # it ran without error; its value stays there


def _initializer(ctx, f, xs):
    with process_pool(1, context=ctx, initializer=install, initargs=(f,)) as pool:
        return pool.map(call_installed, xs)


def _joblib(jobs, f, xs):
    from joblib import Parallel, delayed

    return Parallel(n_jobs=jobs, backend="loky")(delayed(f)(x) for x in xs)


def _has_joblib() -> bool:
    try:
        import joblib  # noqa: F401
    except ImportError:  # pragma: no cover - joblib is pinned in requirements
        return False
    return True


def run_pickled_tasks(tasks: int = 3, jobs: int = 2) -> PickledTasks:
    """Hand a function, a lambda and a closure to workers in every way.

    ``tasks``: inputs each map computes; ``jobs``: joblib workers (0 skips
    joblib). Every start method this platform offers is tried; no start
    method setting is changed.
    """
    tasks = positive_int("tasks", tasks)
    jobs = non_negative_int("jobs", jobs)
    xs = list(range(tasks))
    expected = [3 * x for x in xs]
    methods = tuple(multiprocessing.get_all_start_methods())
    attempts = []
    for task, f in TASKS.items():
        outcome, message = _pickles(f)
        attempts.append(Attempt("pickle.dumps", task, "none", outcome, message))
    shared = {"Pool.map": _pool_map, "ProcessPoolExecutor.submit": _executor_submit}
    one_each = {"Process target": _process_target, "Pool initializer": _initializer}
    for method in methods:
        ctx = multiprocessing.get_context(method)
        for api, in_one in shared.items():
            for task, (outcome, message) in in_one(ctx, xs, expected).items():
                attempts.append(Attempt(api, task, method, outcome, message))
        for api, way in one_each.items():
            for task, f in TASKS.items():
                outcome, message = _outcome(
                    lambda way=way, ctx=ctx, f=f: way(ctx, f, xs), expected
                )
                attempts.append(Attempt(api, task, method, outcome, message))
        free_failed_pools()
    with_joblib = jobs > 0 and _has_joblib()
    if with_joblib:
        try:
            for task, f in TASKS.items():
                outcome, message = _outcome(lambda f=f: _joblib(jobs, f, xs), expected)
                attempts.append(
                    Attempt("joblib.Parallel", task, "loky", outcome, message)
                )
        finally:
            end_loky_workers()
    python = ".".join(map(str, sys.version_info[:3]))
    return PickledTasks(tasks, methods, python, with_joblib, tuple(attempts))
