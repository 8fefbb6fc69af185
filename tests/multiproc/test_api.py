"""Part B, multiproc: same answers as serial, errors reach the caller, no
worker left behind, under every start method."""

from __future__ import annotations

import multiprocessing

import pytest

from parallel_python.core.config import START_METHOD_ENV
from parallel_python.core.pools import (
    free_failed_pools,
    leftover_children,
    process_executor,
    process_pool,
)
from parallel_python.multiproc.api import run_api_tour, run_worker_error
from parallel_python.multiproc.costs import (
    pool_default_chunksize,
    run_big_argument,
    run_pool_startup,
    run_task_overhead,
)
from parallel_python.multiproc.tasks import fail_on

METHODS = [
    m
    for m in ("fork", "spawn", "forkserver")
    if m in multiprocessing.get_all_start_methods()
]


@pytest.fixture(params=METHODS)
def method(request, monkeypatch):
    """Run the test with the project-wide start method set to each method.

    Afterwards, collect what a pool that raised left in reference cycles, so
    that its locks' finalizers do not run inside the next test's start of a
    resource tracker (``ReentrantCallError`` on Python 3.12 and later).
    """
    monkeypatch.setenv(START_METHOD_ENV, request.param)
    yield request.param
    free_failed_pools()


def test_api_tour_gives_serial_answers(method):
    tour = run_api_tour(tasks=5, processes=2)
    assert tour.start_method == method
    assert all(r.equals_serial for r in tour.runs)
    for name in (
        "for loop",
        "map",
        "Pool.map",
        "Pool.starmap",
        "ProcessPoolExecutor.map",
    ):
        assert tour.get(name).in_order
        assert tour.get(name).results == (0, 1, 4, 9, 16)
    assert tour.get("for loop").processes_used == 0
    assert 1 <= tour.get("Pool.map").processes_used <= 2


def test_worker_error_reaches_caller(method):
    errors = run_worker_error(tasks=5, processes=2)
    assert errors.start_method == method
    assert [e.api for e in errors.errors] == ["Pool.map", "ProcessPoolExecutor.map"]
    for e in errors.errors:
        assert e.error_type == "ValueError"
        assert "task 3 failed" in e.message
        assert e.children_left == 0


def test_process_pool_joins_workers_when_a_task_raises(method):
    with pytest.raises(ValueError, match="task 3"), process_pool(2) as pool:
        pool.map(fail_on, range(5))
    assert multiprocessing.active_children() == []


def test_executor_error_and_shutdown(method):
    with (
        pytest.raises(ValueError, match="task 3"),
        process_executor(2) as executor,
    ):
        list(executor.map(fail_on, range(5)))


def test_big_argument_answers_agree(method):
    big = run_big_argument(elements=1000, tasks=3, processes=2, repeats=1)
    assert big.answers_agree
    assert big.start_method == method
    assert big.megabytes == pytest.approx(0.008)


def test_task_overhead_structure():
    o = run_task_overhead(tasks=40, chunksizes=(1, 4), processes=2, repeats=1)
    auto = pool_default_chunksize(40, 2)
    assert o.default("Pool.map").chunksize == auto == 5
    assert o.default("ProcessPoolExecutor.map").chunksize == 1
    assert o.chunksizes("Pool.map") == (1, 4, 5)
    assert o.serial_per_task > 0


def test_pool_startup_every_method():
    s = run_pool_startup(processes=1, repeats=1)
    assert tuple(m.method for m in s.methods) == tuple(
        multiprocessing.get_all_start_methods()
    )
    assert all(m.start.best > 0 and m.stop.best >= 0 for m in s.methods)


@pytest.mark.parametrize(
    ("tasks", "processes", "expected"),
    [(100, 2, 13), (8, 2, 1), (9, 2, 2), (1, 64, 1), (1000, 1, 250)],
)
def test_pool_default_chunksize(tasks, processes, expected):
    assert pool_default_chunksize(tasks, processes) == expected


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: run_api_tour(processes=0), "processes"),
        (lambda: run_api_tour(tasks=0), "tasks"),
        (lambda: run_worker_error(tasks=2), "tasks"),
        (lambda: run_worker_error(processes=0), "processes"),
        (lambda: run_pool_startup(processes=0), "processes"),
        (lambda: run_pool_startup(methods=("teleport",)), "methods"),
        (lambda: run_task_overhead(tasks=0), "tasks"),
        (lambda: run_task_overhead(chunksizes=(0,)), "chunksizes"),
        (lambda: run_big_argument(elements=0), "elements"),
        (lambda: pool_default_chunksize(10, 0), "processes"),
        (lambda: process_executor(0), "processes"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_process_pool_refuses_zero_processes():
    with pytest.raises(ValueError, match="processes"), process_pool(0):
        pass


def test_leftover_children_sees_a_forgotten_worker(method):
    """The check used everywhere is not vacuous: a running worker is reported."""
    import time

    ctx = multiprocessing.get_context(method)
    worker = ctx.Process(target=time.sleep, args=(30,))
    worker.start()
    try:
        assert worker.pid in leftover_children()
    finally:
        worker.terminate()
        worker.join()
    assert worker.pid not in leftover_children()
