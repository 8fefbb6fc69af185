"""Threads that each run on a CPU of their own.

A new thread starts on the CPU of the thread that started it, and the
system moves one of two elsewhere only after a few milliseconds. In work
that lasts tens of milliseconds that shows: while this book was written,
some rounds of two threads ran both on one CPU, markedly slower than the
rest. The ceiling's counters (:mod:`.ceiling`) are pinned one to a CPU, so
threads compared with that ceiling are pinned the same way.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .validate import positive_int


def choosable_cpus() -> list[int]:
    """The CPUs the calling thread may use, in order; empty where CPUs
    cannot be chosen (macOS, Windows)."""
    if not hasattr(os, "sched_setaffinity"):  # pragma: no cover - not Linux
        return []
    return sorted(os.sched_getaffinity(0))


def pin_this_thread(cpus: list[int], i: int) -> int | None:
    """Move the calling thread (not its process) to the ``i``-th
    of ``cpus``, round robin; that CPU, or None (and nothing
    changed) if ``cpus`` is empty."""
    if not cpus:
        return None
    cpu = cpus[i % len(cpus)]
    os.sched_setaffinity(0, {cpu})  # pid 0: this thread only
    return cpu


def pinning_initializer() -> Callable[[], None]:
    """An ``initializer`` for a thread pool: each thread it starts moves to
    the next CPU, round robin over those the caller may use now."""
    cpus = choosable_cpus()
    numbers = itertools.count()
    lock = threading.Lock()

    def pin() -> None:
        with lock:
            i = next(numbers)
        pin_this_thread(cpus, i)

    return pin


def pinned_thread_pool(threads: int) -> ThreadPoolExecutor:
    """A ``ThreadPoolExecutor`` of ``threads`` threads, each on a CPU of its
    own (round robin), started once and reused; close it (``with``, or
    ``shutdown``) when done."""
    threads = positive_int("threads", threads)
    return ThreadPoolExecutor(max_workers=threads, initializer=pinning_initializer())
