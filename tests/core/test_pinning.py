"""Threads each on a CPU of their own (core.pinning)."""

import os
import threading

import pytest

from parallel_python.core import pinning

linux_only = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="CPUs cannot be chosen here"
)


def test_no_cpus_pins_nothing():
    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    assert pinning.pin_this_thread([], 3) is None
    if before is not None:
        assert os.sched_getaffinity(0) == before


@linux_only
def test_pin_this_thread_moves_only_the_calling_thread():
    cpus = pinning.choosable_cpus()
    assert cpus == sorted(os.sched_getaffinity(0))
    seen = {}

    def task():
        seen["cpu"] = pinning.pin_this_thread(cpus, len(cpus) + 1)  # round robin
        seen["mine"] = os.sched_getaffinity(0)

    thread = threading.Thread(target=task)
    thread.start()
    thread.join()
    expected = cpus[(len(cpus) + 1) % len(cpus)]
    assert seen == {"cpu": expected, "mine": {expected}}
    assert os.sched_getaffinity(0) == set(cpus)  # the caller is not moved


@linux_only
def test_pinned_pool_puts_each_thread_on_the_next_cpu():
    cpus = pinning.choosable_cpus()
    barrier = threading.Barrier(3)

    def where(_):
        barrier.wait(timeout=10)  # all three threads exist at once
        return threading.get_ident(), frozenset(os.sched_getaffinity(0))

    with pinning.pinned_thread_pool(3) as pool:
        seen = dict(pool.map(where, range(3)))
        assert len(seen) == 3  # three threads
        # reused: the same threads, still where they were put
        barrier.reset()
        assert dict(pool.map(where, range(3))) == seen
    assert all(len(where) == 1 for where in seen.values())  # one CPU each
    assert sorted(min(where) for where in seen.values()) == sorted(
        cpus[i % len(cpus)] for i in range(3)
    )
    assert os.sched_getaffinity(0) == set(cpus)


def test_pinned_pool_rejects_bad_sizes():
    with pytest.raises(ValueError, match="threads"):
        pinning.pinned_thread_pool(0)
