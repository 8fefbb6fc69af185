"""Part C experiments at tiny sizes: the limits hold inside the workers, no
worker outlives a run, bad input is refused, under every start method."""

import json
import multiprocessing
import os
import time

import psutil
import pytest
from threadpoolctl import threadpool_info

from parallel_python.blending.batches import MAX_GRID_VALUES, _timed_batch, matmul_task
from parallel_python.blending.fixes import (
    AROUND_TASK,
    ENV_FORK,
    ENV_SPAWN,
    INITIALIZER,
    JOBLIB_DEFAULT,
    JOBLIB_INNER,
    NO_LIMIT,
    run_fixes,
)
from parallel_python.blending.grid import default_tasks, grid_counts, run_grid
from parallel_python.core.config import START_METHOD_ENV
from parallel_python.core.machine import available_cpus
from parallel_python.core.results import from_data, to_data

METHODS = [
    m
    for m in ("fork", "spawn", "forkserver")
    if m in multiprocessing.get_all_start_methods()
]


def blas_threads():
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def assert_round_trips(result):
    """A real result comes back whole from its JSON form (the catalogue's
    round trip uses made-up results for Part C)."""
    data = json.loads(json.dumps(to_data(result)))
    assert from_data(type(result), data) == result


def assert_gone(pids):
    """Every worker has ended (and been reaped, so it is not even a zombie)."""
    assert multiprocessing.active_children() == []
    for pid in pids:
        if psutil.pid_exists(pid):
            try:
                process = psutil.Process(pid)
                assert process.ppid() != os.getpid(), f"worker {pid} still runs"
                assert process.status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                pass


@pytest.mark.parametrize("method", METHODS)
def test_grid_limit_holds_inside_each_worker(monkeypatch, method):
    monkeypatch.setenv(START_METHOD_ENV, method)
    before = blas_threads()
    grid = run_grid(
        size=32,
        tasks=4,
        processes=(1, 2),
        threads=(1, 2),
        repeats=1,
        budget=None,
        warmup_seconds=0,
    )
    assert grid.start_method == method
    assert len(grid.cells) == 4
    assert_round_trips(grid)
    for cell in grid.cells:
        assert cell.threads_in_effect == (cell.threads,)
        assert 1 <= len(cell.worker_pids) <= cell.processes
        assert cell.cpu_seconds >= 0
        assert cell.timing.repeats == 1
    assert grid.limit_held
    assert_gone([pid for c in grid.cells for pid in c.worker_pids])
    assert blas_threads() == before
    # the ceiling, counted after each of the 4 cells (and more for 0.3 s)
    if available_cpus() >= 2:
        assert grid.ceiling is not None and grid.ceiling.between_rounds
        assert grid.ceiling.k == 2 and len(grid.ceiling.ratios) >= 4
    else:
        assert grid.ceiling is None
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("method", METHODS)
def test_fixes_hold_and_fork_is_too_late(monkeypatch, method):
    monkeypatch.setenv(START_METHOD_ENV, method)
    import joblib  # noqa: F401  (importing it sets KMP_INIT_AT_FORK, once)

    environ = dict(os.environ)
    # loky ignores the start method: its rows run once, with the first method
    with_joblib = method == METHODS[0]
    f = run_fixes(
        size=32,
        tasks=4,
        processes=2,
        repeats=2,
        joblib=with_joblib,
        budget=0.01,
        warmup_seconds=0,
    )
    assert os.environ == environ  # the variables were set only while workers started
    assert_round_trips(f)
    assert f.limit == max(1, available_cpus() // 2)
    # the pool rows' rounds, then each joblib row's own
    assert len(f.stop_reasons) == (3 if with_joblib else 1)
    assert set(f.stop_reasons) <= {"budget", "converged"}
    for name in (INITIALIZER, AROUND_TASK, ENV_SPAWN):
        assert f.get(name).held, name
        assert f.get(name).batch.threads_in_effect == (f.limit,)
    assert f.get(ENV_SPAWN).start_method == "spawn"
    assert f.get(ENV_SPAWN).batch.variable_seen == (str(f.limit),)
    none = f.get(NO_LIMIT)
    assert none.start_method == method
    assert none.batch.threads_in_effect == (f.default_threads,)
    if f.has(ENV_FORK):
        fork = f.get(ENV_FORK)
        # the forked workers see the variable, but their BLAS was loaded before it
        assert fork.batch.variable_seen == (str(f.limit),)
        assert fork.batch.threads_in_effect == (f.default_threads,)
    if with_joblib:
        inner = f.get(JOBLIB_INNER)
        assert inner.batch.threads_in_effect == (f.limit,)
        assert inner.batch.variable_seen == (str(f.limit),)
    # each fix is paired with no limit, round by round
    assert none.ratio is None and f.rounds >= 2
    for fix in f.fixes[1:]:
        assert fix.ratio is not None and f.speedup(fix.name) == fix.ratio.median
        assert fix.ratio.rounds == fix.batch.timing.repeats >= 2
    assert_gone([pid for x in f.fixes for pid in x.batch.worker_pids])


def test_the_joblib_rows_warm_up_joblib_only(monkeypatch):
    """The pool without a limit is warm from the pool rows' rounds: each
    joblib row warms up its own workers, not that pool again."""
    from parallel_python.blending import fixes

    warmed = []

    def counted(run, warmup, seconds):
        warmed.append(run)
        return real(run, warmup, seconds)

    real = fixes.warm_up
    monkeypatch.setattr(fixes, "warm_up", counted)
    f = run_fixes(
        size=16, tasks=2, processes=2, repeats=1, budget=0.01, warmup_seconds=0
    )  # fmt: skip
    pool_rows = len(f.fixes) - 2
    assert len(warmed) == pool_rows + 2  # each pool row once, each joblib row once
    assert len(set(map(id, warmed))) == len(warmed)


def test_fixes_without_joblib():
    f = run_fixes(
        size=16,
        tasks=2,
        processes=1,
        repeats=1,
        joblib=False,
        budget=0.01,
        warmup_seconds=0,
    )
    assert not f.has(JOBLIB_DEFAULT) and not f.has(JOBLIB_INNER)
    assert f.processes == 1


def test_budget_cuts_repeats_to_at_least_one():
    grid = run_grid(
        size=16,
        tasks=2,
        processes=(1,),
        threads=(1,),
        repeats=50,
        budget=1e-9,
        warmup_seconds=0,
    )
    assert grid.cells[0].timing.repeats == 1


def test_cpu_and_wall_time_come_from_the_same_batches():
    """Each made-up batch reports its own number as CPU seconds: the Batch
    must average exactly the timed ones, never a warm-up batch."""
    calls = []

    def run():
        calls.append(len(calls))
        time.sleep(0.001)
        return [(1, 1, float(len(calls)), len(calls), "fake", "")]

    b = _timed_batch(run, 1, 1, repeats=3, warmup=2, warmup_seconds=0)
    assert len(calls) == 5
    assert b.timing.warmup == 2 and b.timing.repeats == 3
    assert b.cpu_seconds == pytest.approx((3 + 4 + 5) / 3)
    assert b.switches == pytest.approx((3 + 4 + 5) / 3)
    # a warm-up measured in seconds runs more batches, still none timed
    calls.clear()
    b = _timed_batch(run, 1, 1, repeats=2, warmup=1, warmup_seconds=0.05)
    warm = len(calls) - 2
    assert warm > 1 and b.timing.warmup == warm
    assert b.cpu_seconds == pytest.approx((warm + 1 + warm + 2) / 2)


def test_one_process_with_one_thread_keeps_at_most_one_cpu_busy():
    """CPU time and wall time of the same batches: one worker with one BLAS
    thread cannot use more CPU time than wall time (getrusage counts in
    microseconds; the margin allows for that and for clock differences).
    Without a long enough warm-up, BLAS threads left spinning by the worker's
    start were counted too, and the 1 x 1 cell showed 1.3 busy CPUs."""
    grid = run_grid(
        size=500, tasks=6, processes=(1,), threads=(1,), repeats=3, budget=None
    )
    cell = grid.baseline
    assert cell.threads_in_effect == (1,)
    assert cell.busy_cpus <= 1.05


def test_worker_task_reports_the_limit_around_it():
    pid, threads, cpu, switches, source, _ = matmul_task(16, limit=1)
    assert pid == os.getpid() and threads == 1 and cpu >= 0
    assert source in ("resource.getrusage", "psutil", "time.process_time")
    assert switches >= 0 or switches == -1


@pytest.mark.parametrize(
    ("cpus", "expected"),
    [(1, (1, 2)), (2, (1, 2, 3)), (4, (1, 2, 3, 4, 5))],
)
def test_grid_counts_small_machines(cpus, expected):
    assert grid_counts(cpus) == expected


def test_grid_counts_large_machine_is_capped():
    counts = grid_counts(64)
    assert len(counts) == MAX_GRID_VALUES
    assert {1, 64, 65} <= set(counts)
    assert list(counts) == sorted(counts)


def test_default_tasks_divide_evenly_when_small():
    assert default_tasks((1, 2, 3)) % 6 == 0
    assert default_tasks((1, 2)) >= 6
    assert default_tasks((1, 2, 32, 64, 65)) >= 4 * 65


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"size": 0}, "size"),
        ({"tasks": -1}, "tasks"),
        ({"processes": ()}, "processes"),
        ({"threads": (0,)}, "threads"),
        ({"repeats": 0}, "repeats"),
        ({"budget": -1.0}, "budget"),
        ({"warmup_seconds": -1.0}, "warmup_seconds"),
        ({"probe_seconds": 0.0}, "probe_seconds"),
    ],
)
def test_grid_refuses_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        run_grid(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"size": -5}, "size"),
        ({"processes": 0}, "processes"),
        ({"tasks": 0}, "tasks"),
        ({"budget": 0.0}, "budget"),
    ],
)
def test_fixes_refuse_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        run_fixes(**kwargs)


def test_grid_counts_refuses_bad_input():
    with pytest.raises(ValueError, match="cpus"):
        grid_counts(0)
    with pytest.raises(ValueError, match="max_values"):
        grid_counts(8, max_values=2)
