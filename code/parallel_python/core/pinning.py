"""Threads for timed work: each on a CPU of its own, or new for each call.

A new thread starts on the CPU of the thread that started it, and the
system moves one of two elsewhere only after a few milliseconds. In work
that lasts tens of milliseconds that shows: while this book was written,
some rounds of two threads ran both on one CPU, markedly slower than the
rest. The ceiling's counters (:mod:`.ceiling`) are pinned one to a CPU, so
threads compared with that ceiling are pinned the same way.

Work done in a row, the baseline of a speed-up, runs in a thread of its
own too, a new one for each timed call (:func:`in_new_threads`): while
this book was written, a notebook kernel's main thread ran pure Python at
about two thirds of the pace of a new thread on the same CPU, in every
round of one experiment's pure-Python control. In a new thread at each
call, such a spell can spoil a round or two, which the median of the
rounds leaves out, not every round.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from .validate import positive_int

T = TypeVar("T")


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


@contextmanager
def this_thread_on(cpus: Sequence[int]) -> Iterator[None]:
    """Run the calling thread, and the threads it starts meanwhile, on
    ``cpus``; restore its CPU set on exit. Nothing changes when ``cpus`` is
    empty or CPUs cannot be chosen (macOS, Windows)."""
    if not cpus or not hasattr(os, "sched_setaffinity"):
        yield
        return
    saved = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(cpus))  # pid 0: this thread only
    try:
        yield
    finally:
        os.sched_setaffinity(0, saved)


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


def call_in_new_thread(fn: Callable[[], T], *, name: str | None = None) -> T:
    """Call ``fn()`` in a new thread of this process and wait for it: its
    result is returned here, its exception raised here. The thread runs on
    the CPUs the calling thread may use when it starts it."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name=name)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def in_new_threads(fn: Callable[[], T]) -> Callable[[], T]:
    """``fn``, but each call runs in a new thread (:func:`call_in_new_thread`):
    for the baseline of paired rounds, so that no one thread's slow spell
    holds for all of them."""
    if not callable(fn):
        raise ValueError(f"in_new_threads needs a function, not {fn!r}")
    return lambda: call_in_new_thread(fn)
