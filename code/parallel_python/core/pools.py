"""Process pools that leave no process behind, and the check that none did."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.context import BaseContext
from multiprocessing.pool import Pool
from typing import Any

from .config import mp_context
from .validate import positive_int


@contextmanager
def process_pool(
    processes: int,
    *,
    context: BaseContext | None = None,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    environment: dict[str, str] | None = None,
) -> Iterator[Pool]:
    """A ``multiprocessing.Pool`` that finishes its work and its workers on exit.

    ``Pool``'s own ``with`` block calls ``terminate()`` on the way out, which
    kills work still queued by ``apply_async``, ``map_async`` or ``imap``
    that nobody waited for. This one calls ``close()`` and ``join()`` when the
    block succeeds, so queued work finishes; when the block raises, it
    terminates the workers and joins them. Either way no worker outlives it.

    ``environment``: variables set only while the workers start (a
    ``spawn``-started worker sees them from its first line); the parent's
    environment is restored at once.
    """
    processes = positive_int("processes", processes)
    ctx = context or mp_context()
    saved = {k: os.environ.get(k) for k in environment or {}}
    try:
        os.environ.update(environment or {})
        pool = ctx.Pool(processes, initializer=initializer, initargs=initargs)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
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


def _started(ready: Any, initializer: Callable[[], object] | None) -> None:
    """A worker's initializer for :class:`FreshPools`: run ``initializer``,
    then count this worker as ready."""
    if initializer is not None:
        initializer()
    with ready.get_lock():
        ready.value += 1


class FreshPools:
    """A pool of its own for each call of a way timed in paired rounds.

    Call it for a context (``measure_paired``'s ``context`` enters it
    untimed): entering starts ``workers`` processes, each running
    ``initializer`` (a function of an importable module), and waits until
    every one has run it, so no timed call pays for a start; leaving closes
    and joins them (:func:`process_pool`). The pool is ``.pool`` meanwhile,
    and ``.started`` counts the pools. ``on_first_cpu``: the workers run on
    the first CPU this process may use (:func:`pin_to_first_cpu`), for a
    one-worker check.
    """

    def __init__(
        self,
        workers: int,
        initializer: Callable[[], object] | None = None,
        *,
        on_first_cpu: bool = False,
        timeout: float = 120.0,
    ) -> None:
        self.workers = positive_int("workers", workers)
        if not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
        self.initializer, self.timeout = initializer, timeout
        self.on_first_cpu = on_first_cpu
        self.pool: Pool | None = None
        self.started = 0

    @contextmanager
    def __call__(self) -> Iterator[Pool]:
        ctx = mp_context()
        ready = ctx.Value("i", 0)
        with process_pool(
            self.workers, initializer=_started, initargs=(ready, self.initializer)
        ) as pool:
            if self.on_first_cpu:
                pin_to_first_cpu(w.pid for w in getattr(pool, "_pool", ()))
            deadline = time.monotonic() + self.timeout
            while ready.value < self.workers:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{self.workers} worker processes did not all start "
                        f"within {self.timeout:g} s"
                    )
                time.sleep(0.0005)
            self.pool, self.started = pool, self.started + 1
            try:
                yield pool
            finally:
                self.pool = None


def free_failed_pools() -> None:
    """Collect the garbage a pool or executor that raised leaves behind, now.

    The exception's traceback keeps the pool's frames, and so its locks, in
    reference cycles. Left to the collector, a lock's finalizer may run while
    ``multiprocessing``'s resource tracker holds its own lock (say, as a
    ``forkserver`` starts), and Python 3.12 and later refuse that call
    (``ReentrantCallError``, CPython gh-109593, gh-131788): the semaphore stays
    registered and a warning is printed. Call this after the ``except`` block.
    """
    import gc

    gc.collect()


@contextmanager
def on_one_cpu(pids: Iterable[int] = ()) -> Iterator[int | None]:
    """Run the calling thread (and threads it starts) and the processes
    ``pids`` on one CPU, the first this process may use; restore their CPU
    sets on exit. Yields that CPU, or ``None`` where CPUs cannot be chosen
    (macOS, Windows), and then changes nothing.

    For a one-worker check: one task in a row and the same task in one
    thread or one worker process then run on the same CPU, so their ratio
    shows the cost of the worker, not that one CPU ran faster than another
    (on a virtual machine, one CPU has run at 1.6 times another's pace for
    seconds at a time).
    """
    if not hasattr(os, "sched_setaffinity"):  # pragma: no cover - not Linux
        yield None
        return
    mine = os.sched_getaffinity(0)
    cpu = min(mine)
    saved = {0: mine}
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            saved[pid] = os.sched_getaffinity(pid)
    try:
        for pid in saved:
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(pid, {cpu})
        yield cpu
    finally:
        for pid, cpus in saved.items():
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(pid, cpus)


def baseline_on_one_cpu(
    baseline: str,
) -> Callable[[str], contextlib.AbstractContextManager[int | None]]:
    """A ``context`` for :func:`~.protocol.measure_paired`: the ``baseline``'s
    calls run on the first CPU this process may use (:func:`on_one_cpu`), the
    variants wherever the scheduler puts them.

    That CPU is the one the ceiling probe's lone counter is pinned to
    (:func:`~.ceiling.ceiling`, :class:`~.ceiling_live.LiveCeiling`), so a
    speed-up and its ceiling both compare with
    the same CPU. Unpinned, the work done in a row ran on whichever CPU was
    free, and on a virtual machine whose second CPU ran at two thirds of the
    first's pace, its rounds fell into two groups a third apart.
    """
    return lambda name: on_one_cpu() if name == baseline else contextlib.nullcontext()


def pin_to_first_cpu(pids: Iterable[int]) -> None:
    """Keep the processes ``pids`` (a pool's workers, say) on the CPU
    :func:`on_one_cpu` chooses, for their life; nothing where CPUs cannot be
    chosen. A one-worker point then runs where its baseline does."""
    if not hasattr(os, "sched_setaffinity"):  # pragma: no cover - not Linux
        return
    cpu = min(os.sched_getaffinity(0))
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(pid, {cpu})


#: Helper processes that belong to the interpreter, not to an experiment.
_INTERPRETER_HELPERS = (
    "multiprocessing.resource_tracker",
    "multiprocessing.forkserver",
    # joblib's loky keeps its own resource tracker for the interpreter's life
    "loky.backend.resource_tracker",
)


def is_loky_tracker(process: Any) -> bool:
    """Whether ``process`` (a ``psutil.Process``) is joblib's loky resource
    tracker, which ends by itself when the interpreter that started it exits."""
    try:
        return "loky.backend.resource_tracker" in " ".join(process.cmdline())
    except Exception:  # ended, a zombie, or not ours to read
        return False


def leftover_children() -> tuple[int, ...]:
    """Process ids of this process's children, except the interpreter's helpers.

    The resource tracker and the forkserver process are started once per
    interpreter and end with it; anything else still running is a worker an
    experiment forgot to stop.
    """
    import psutil

    left = []
    for child in _descendants(psutil):
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


def _descendants(psutil: Any) -> list[Any]:
    """This process's descendants as ``psutil.Process`` objects.

    On Linux each thread's ``/proc/<pid>/task/<id>/children`` names its
    children, which is far quicker than ``psutil``'s scan of every process
    on the machine (the test suite asks before and after every test); a
    kernel without those files (no ``CONFIG_PROC_CHILDREN``), or a system
    without ``/proc``, gets the scan.
    """
    me = os.getpid()
    if not os.path.exists(f"/proc/{me}/task/{me}/children"):
        return psutil.Process(me).children(recursive=True)
    found: list[Any] = []
    todo = [me]
    while todo:
        pid = todo.pop()
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:  # ended meanwhile
            continue
        for thread in threads:
            try:
                with open(f"/proc/{pid}/task/{thread}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:  # the thread or its process ended meanwhile
                continue
            for kid in kids:
                with contextlib.suppress(psutil.Error):
                    found.append(psutil.Process(kid))
                todo.append(kid)
    return found


def stop_helpers() -> bool:
    """Stop the interpreter's ``multiprocessing`` helpers, when it is about to end.

    Its resource tracker ignores SIGTERM, so a Jupyter kernel shutting down
    waits for it (measured: about 2 s for each page that had used a pool).
    Ending it first is what the interpreter's own exit would do: the tracker
    removes whatever its interpreter left behind. Never call this while the
    interpreter still works: the tracker also removes the semaphores of locks
    still in use. The forkserver stops first, since it holds the tracker's
    pipe open, and a tracker ends when that pipe closes. Returns whether they
    were stopped (not while any worker is alive, which may hold the pipe too).
    It waits for them without a limit: a process that is not this one's child
    and still holds the pipe would keep it waiting (in a kernel, until the
    kernel's manager kills the kernel).

    joblib's loky has a tracker of its own, left alone: it also holds the
    temporary folders of arrays joblib memory-mapped for its workers, which
    joblib's exit handlers remove; ended first, it would report them leaked.
    """
    from multiprocessing import forkserver, resource_tracker

    if leftover_children():
        return False
    forkserver._forkserver._stop()
    resource_tracker._resource_tracker._stop()
    return True


def end_loky_workers() -> None:
    """End the workers joblib's loky keeps for the next call, and wait for them.

    joblib's own executor also removes what it can of the temporary folders
    of the arrays it memory-mapped for its workers. (Asking
    ``get_reusable_executor()`` for the executor instead would start a new
    one whenever the arguments differ from the last call's.)
    """
    import sys

    loky = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(loky, "_executor", None)
    if executor is None:
        return
    if hasattr(executor, "_temp_folder_manager"):  # joblib's MemmappingExecutor
        executor.terminate()
    else:
        executor.shutdown(wait=True)


#: Seconds a process group has to end after SIGTERM, before SIGKILL.
END_GRACE = 1.0


def end_process_group(proc: subprocess.Popen) -> None:
    """End the process group ``proc`` leads (started with
    ``start_new_session=True``): SIGTERM first, SIGKILL after :data:`END_GRACE`.

    SIGTERM ends the script and its workers; their resource trackers, which
    ignore it, then see their pipes close and remove the semaphores the dead
    left behind. SIGKILL alone would leave those in ``/dev/shm``, one set per
    run of a demo. Where there are no process groups (Windows), the process
    alone is killed.
    """
    if not hasattr(os, "killpg"):  # pragma: no cover - Windows
        proc.kill()
        return
    pgid = proc.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + END_GRACE
    while time.monotonic() < deadline:
        proc.poll()  # reap the script itself
        if not _live_members(pgid):
            return
        time.sleep(0.01)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _live_members(pgid: int) -> bool:
    """Whether any process of group ``pgid`` is still running. Zombies do not
    count: orphans wait there until the system's first process reaps them,
    which some containers' first process does late or never."""
    import psutil

    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pgid and (
                process.status() != psutil.STATUS_ZOMBIE
            ):
                return True
        except (OSError, psutil.Error):
            continue
    return False
