"""Part 1: processes protect their memory; threads share it.

* :func:`run_isolation` - a child process changes its copy of a list and the
  parent's list stays as it was; a thread changes the very same list the main
  thread sees; and a block of :mod:`multiprocessing.shared_memory`, shared on
  purpose, carries a child's change back to the parent.
* :func:`run_start_costs` - how long it takes to start (and join) a thread
  that does nothing, and a process that does nothing.
* :func:`run_cpu_sampling` - which CPU busy threads run on, sampled from
  inside each (``sched_getcpu`` through :mod:`ctypes`, Linux): the operating
  system places threads and may move them. The threads run ``np.sin``, which
  lets go of the GIL, so they really run at once (pure Python takes turns).

Every process is started from :func:`config.mp_context` (so the experiments
run under ``fork``, ``spawn`` and ``forkserver``), the functions the children
run are top-level here, and every child is joined (with a timeout) before a
function returns.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing import shared_memory

import numpy as np

from ..core.config import mp_context, start_method
from ..core.machine import available_cpus
from ..core.timing import Timing, measure
from ..core.validate import non_negative_int, positive_float, positive_int
from .cpu_now import current_cpu

#: Seconds to wait for a child process before giving up on it.
CHILD_TIMEOUT = 60.0


def _join(process, what: str) -> None:
    process.join(CHILD_TIMEOUT)
    if process.is_alive():
        process.terminate()
        process.join(5)
        raise RuntimeError(f"{what} did not finish within {CHILD_TIMEOUT:.0f} s")
    if process.exitcode != 0:
        raise RuntimeError(f"{what} failed with exit code {process.exitcode}")


# --- private memory ------------------------------------------------------


def change_in_child(values: list[int], conn) -> None:
    """Run in a child process: change *its* list, report what it then
    sees."""
    values[0] = 999
    conn.send({"pid": os.getpid(), "sees": list(values)})
    conn.close()


def change_in_thread(values: list[int], report: dict) -> None:
    """Run in a thread: change the list (the same one the main thread
    has)."""
    values[0] = 999
    report["native_id"] = threading.get_native_id()
    report["pid"] = os.getpid()


def write_shared(name: str, value: int) -> None:
    """Run in a child process: attach a shared-memory block by name, write one byte."""
    block = shared_memory.SharedMemory(name=name)
    try:
        block.buf[0] = value
    finally:
        block.close()


@dataclass(frozen=True)
class Isolation:
    """What the parent saw after a child, a thread and shared memory wrote:
    lists are ``[1, 2, 3]`` before; the child and the thread set element 0
    to 999. ``shared_before`` / ``shared_after``: the first byte of a
    shared-memory block before and after a child wrote ``shared_written``."""

    start_method: str
    parent_pid: int
    child_pid: int
    main_thread_id: int
    worker_thread_id: int
    worker_thread_pid: int
    before: tuple[int, ...]
    child_sees: tuple[int, ...]
    parent_after_child: tuple[int, ...]
    parent_after_thread: tuple[int, ...]
    shared_before: int
    shared_written: int
    shared_after: int

    @property
    def child_change_visible(self) -> bool:
        return self.parent_after_child != self.before

    @property
    def thread_change_visible(self) -> bool:
        return self.parent_after_thread != self.before

    @property
    def shared_change_visible(self) -> bool:
        return self.shared_after == self.shared_written


def run_isolation(shared_value: int = 42) -> Isolation:
    """Show private memory (a child's change stays in the child), shared memory
    between threads, and memory shared between processes on purpose."""
    shared_value = non_negative_int("shared_value", shared_value)
    if shared_value > 255:
        raise ValueError(f"shared_value must be a byte (0 to 255), got {shared_value}")
    ctx = mp_context()
    before = (1, 2, 3)

    values = list(before)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=change_in_child, args=(values, send))
    child.start()
    send.close()
    try:
        if not receive.poll(CHILD_TIMEOUT):
            raise RuntimeError("the child process did not report back")
        reply = receive.recv()
    finally:
        receive.close()
        _join(child, "the child process")
    parent_after_child = tuple(values)

    values = list(before)
    report: dict = {}
    worker = threading.Thread(target=change_in_thread, args=(values, report))
    worker.start()
    worker.join()
    parent_after_thread = tuple(values)

    block = shared_memory.SharedMemory(create=True, size=16)
    try:
        block.buf[0] = 0
        shared_before = block.buf[0]
        writer = ctx.Process(target=write_shared, args=(block.name, shared_value))
        writer.start()
        _join(writer, "the shared-memory writer")
        shared_after = block.buf[0]
    finally:
        block.close()
        block.unlink()

    return Isolation(
        start_method=start_method(),
        parent_pid=os.getpid(),
        child_pid=int(reply["pid"]),
        main_thread_id=threading.get_native_id(),
        worker_thread_id=int(report["native_id"]),
        worker_thread_pid=int(report["pid"]),
        before=before,
        child_sees=tuple(reply["sees"]),
        parent_after_child=parent_after_child,
        parent_after_thread=parent_after_thread,
        shared_before=int(shared_before),
        shared_written=shared_value,
        shared_after=int(shared_after),
    )


# --- a segmentation fault, safely in a child -----------------------------

#: What the child runs: read one byte at address 16, in the lowest page of its
#: own address space, which operating systems leave unmapped on purpose (to
#: catch null pointers). ctypes treats address 0 itself specially.
SEGFAULT_CODE = "import ctypes; ctypes.string_at(16, 1)"


@dataclass(frozen=True)
class Segfault:
    """How a child Python ended after touching an unmapped address of its
    own: ``returncode`` its exit status (on POSIX, minus the number of the
    signal that ended it); ``signal_name`` e.g. ``SIGSEGV``, or ``""``."""

    code: str
    returncode: int
    signal_name: str


def run_segfault(timeout: float = 60.0) -> Segfault:
    """Start a fresh Python that reads an unmapped address, report how it ended.
    Only the child dies; its error output is captured, not shown."""
    timeout = positive_float("timeout", timeout)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", SEGFAULT_CODE],
            capture_output=True,
            timeout=timeout,
            check=False,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"the child did not end within {timeout:.0f} s") from None
    name = ""
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
    return Segfault(SEGFAULT_CODE, done.returncode, name)


# --- what it costs to start one ------------------------------------------


def do_nothing() -> None:
    """The whole job of a thread or process whose start-up we time."""


def _start_thread() -> None:
    t = threading.Thread(target=do_nothing)
    t.start()
    t.join()


def _start_process(ctx) -> None:
    p = ctx.Process(target=do_nothing)
    p.start()
    _join(p, "a do-nothing process")


@dataclass(frozen=True)
class StartCosts:
    """Seconds to start and join one do-nothing thread and one process."""

    start_method: str
    thread: Timing
    process: Timing

    @property
    def ratio(self) -> float:
        """How many times longer a process took than a thread (best times)."""
        return self.process.best / self.thread.best


def run_start_costs(*, repeats: int = 5, thread_repeats: int = 200) -> StartCosts:
    """Time starting and joining a thread (``thread_repeats`` times: it is
    fast), then a process (``mp_context``; ``repeats`` times, after one untimed
    start)."""
    repeats = positive_int("repeats", repeats)
    thread_repeats = positive_int("thread_repeats", thread_repeats)
    ctx = mp_context()
    thread = measure(_start_thread, repeats=thread_repeats, warmup=5)
    process = measure(lambda: _start_process(ctx), repeats=repeats, warmup=1)
    return StartCosts(start_method(), thread, process)


# --- which CPU is a thread on? -------------------------------------------

#: Numbers in a busy thread's array: one ``np.sin`` over it takes about a ms.
SAMPLING_ARRAY = 100_000


def numpy_sampler(
    stop: threading.Event,
    t0: float,
    until: float,
    every: float,
    samples: list[tuple[float, int]],
    cpu_seconds: list[float],
) -> None:
    """A busy thread: ``np.sin`` over an array again and again (NumPy
    lets go of the GIL inside) until ``until`` s after ``t0`` or
    ``stop``, noting its CPU every ``every`` s; then append its CPU time
    (s) to ``cpu_seconds``."""
    values = np.linspace(0.0, 1.0, SAMPLING_ARRAY)
    out = np.empty_like(values)
    start = time.thread_time()
    next_sample = 0.0
    now = 0.0
    while now < until and not stop.is_set():
        np.sin(values, out=out)
        now = time.perf_counter() - t0
        if now >= next_sample:
            cpu, _ = current_cpu()
            if cpu is not None and cpu >= 0:
                samples.append((now, int(cpu)))
            next_sample = now + every
    cpu_seconds.append(time.thread_time() - start)


@dataclass(frozen=True)
class ThreadSamples:
    """(seconds since start, CPU) samples of one busy thread; its CPU time, s."""

    name: str
    times: tuple[float, ...]
    cpus: tuple[int, ...]
    cpu_seconds: float = 0.0

    @property
    def moves(self) -> int:
        """How often consecutive samples were on different CPUs."""
        return sum(1 for a, b in zip(self.cpus, self.cpus[1:], strict=False) if a != b)

    @property
    def distinct(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.cpus)))


@dataclass(frozen=True)
class CpuSampling:
    """Which CPUs busy threads ran on over ``seconds``; ``method`` is how we
    asked; ``wall``: seconds from their start until the last ended (0: unknown)."""

    method: str
    seconds: float
    every: float
    cpus_available: tuple[int, ...]
    threads: tuple[ThreadSamples, ...]
    wall: float = 0.0

    @property
    def total_moves(self) -> int:
        return sum(t.moves for t in self.threads)

    @property
    def cpus_used(self) -> tuple[int, ...]:
        return tuple(sorted({c for t in self.threads for c in t.cpus}))

    @property
    def samples(self) -> int:
        return sum(len(t.cpus) for t in self.threads)

    @property
    def busy_cpus(self) -> float:
        """CPU time of all threads over wall time: CPUs busy on average (0: unknown)."""
        total = sum(t.cpu_seconds for t in self.threads)
        return total / self.wall if self.wall > 0 else 0.0


def run_cpu_sampling(
    threads: int = 3, seconds: float = 0.4, every: float = 0.002
) -> CpuSampling:
    """Run ``threads`` busy NumPy threads for ``seconds``; each notes its CPU
    every ``every`` seconds."""
    threads = positive_int("threads", threads)
    seconds = positive_float("seconds", seconds)
    every = positive_float("every", every)
    _, method = current_cpu()
    if hasattr(os, "sched_getaffinity"):
        allowed = tuple(sorted(os.sched_getaffinity(0)))
    else:
        allowed = tuple(range(available_cpus()))
    if method == "unavailable":
        return CpuSampling(method, seconds, every, allowed, ())
    stop = threading.Event()
    records: list[list[tuple[float, int]]] = [[] for _ in range(threads)]
    used: list[list[float]] = [[] for _ in range(threads)]
    t0 = time.perf_counter()
    workers = [
        threading.Thread(
            target=numpy_sampler,
            args=(stop, t0, seconds, every, records[i], used[i]),
            name=f"busy-{i + 1}",
        )
        for i in range(threads)
    ]
    try:
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        stop.set()
        for w in workers:
            if w.is_alive():
                w.join()
    wall = time.perf_counter() - t0
    return CpuSampling(
        method=method,
        seconds=seconds,
        every=every,
        cpus_available=allowed,
        threads=tuple(
            ThreadSamples(
                w.name,
                tuple(t for t, _ in rec),
                tuple(c for _, c in rec),
                sum(cpu),
            )
            for w, rec, cpu in zip(workers, records, used, strict=True)
        ),
        wall=wall,
    )
