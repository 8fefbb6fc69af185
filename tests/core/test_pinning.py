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


def test_call_in_new_thread_returns_its_result_from_another_thread():
    seen = []

    def where():
        seen.append(threading.current_thread())
        return 42

    assert pinning.call_in_new_thread(where, name="probe") == 42
    assert seen[0] is not threading.current_thread()
    assert seen[0].name == "probe"
    assert not seen[0].is_alive()  # joined before returning


def test_in_new_threads_starts_a_thread_for_every_call():
    seen = []
    call = pinning.in_new_threads(lambda: seen.append(threading.current_thread()))
    call()
    call()
    assert len(seen) == 2
    assert seen[0] is not seen[1]
    assert threading.current_thread() not in seen


def test_call_in_new_thread_raises_the_threads_exception_here():
    def fail():
        raise KeyError("inside")

    with pytest.raises(KeyError, match="inside"):
        pinning.call_in_new_thread(fail)


def test_in_new_threads_rejects_what_is_not_a_function():
    with pytest.raises(ValueError, match="needs a function"):
        pinning.in_new_threads(3)


@linux_only
def test_a_new_thread_runs_where_its_caller_may():
    cpus = pinning.choosable_cpus()
    mine = os.sched_getaffinity(0)
    try:
        pinning.pin_this_thread(cpus, len(cpus) - 1)
        where = pinning.call_in_new_thread(lambda: os.sched_getaffinity(0))
        assert where == {cpus[-1]}
    finally:
        os.sched_setaffinity(0, mine)


@linux_only
def test_this_thread_on_moves_the_caller_and_its_new_threads_then_restores():
    before = os.sched_getaffinity(0)
    first = min(before)
    seen = {}

    def where():
        seen["thread"] = os.sched_getaffinity(0)

    with pinning.this_thread_on([first]):
        seen["caller"] = os.sched_getaffinity(0)
        thread = threading.Thread(target=where)
        thread.start()
        thread.join()
    assert seen == {"caller": {first}, "thread": {first}}
    assert os.sched_getaffinity(0) == before


@linux_only
def test_this_thread_on_restores_after_an_error_and_ignores_no_cpus():
    before = os.sched_getaffinity(0)
    with pytest.raises(KeyError), pinning.this_thread_on([min(before)]):
        raise KeyError("inside")
    assert os.sched_getaffinity(0) == before
    with pinning.this_thread_on([]):
        assert os.sched_getaffinity(0) == before
