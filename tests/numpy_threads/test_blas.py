import multiprocessing

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from parallel_python.core.machine import available_cpus
from parallel_python.numpy_threads import blas as nt
from tests.fakes import extensions_asked


def blas_threads():
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


@pytest.mark.parametrize(
    ("cpus", "expected"),
    [(1, (1, 2)), (2, (1, 2, 4)), (3, (1, 2, 3, 4, 6))],
)
def test_thread_counts_small_machines(cpus, expected):
    assert nt.thread_counts(cpus) == expected


def test_thread_counts_large_machine_is_capped_but_keeps_the_landmarks():
    counts = nt.thread_counts(64)
    assert len(counts) <= 6
    assert {1, 64, 128} <= set(counts)
    assert list(counts) == sorted(counts)


def test_sweep_shape_and_derived_figures():
    sweep = nt.run_blas_sweep(
        sizes=(16, 32), threads=(1, 2), repeats=2, warmup=0, budget=0.01
    )
    # the budget is spent after the minimum of rounds (plus half of it more
    # if an interval was too wide)
    assert set(sweep.stop_reasons) <= {"budget", "extended budget"}
    assert sweep.sizes == (16, 32) and sweep.threads == (1, 2)
    assert len(sweep.points) == 4
    assert sweep.speedup(32, 1) == 1.0
    p = sweep.point(32, 2)
    assert p.gflops == pytest.approx(2 * 32**3 / p.timing.best / 1e9)
    assert p.threads_in_effect >= 1
    assert sweep.efficiency(32, 2) == pytest.approx(sweep.speedup(32, 2) / 2)
    with pytest.raises(KeyError):
        sweep.point(64, 1)


def test_sweep_leaves_the_thread_pool_as_it_found_it():
    before = blas_threads()
    nt.run_blas_sweep(sizes=(8,), threads=(1, 3), repeats=1, warmup=0, budget=0.01)
    assert blas_threads() == before


def test_limit_holds_inside_the_sweep():
    sweep = nt.run_blas_sweep(sizes=(8,), threads=(1,), repeats=1, warmup=0)
    assert sweep.point(8, 1).threads_in_effect == 1


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"sizes": (0,)}, "sizes"),
        ({"sizes": ()}, "sizes"),
        ({"threads": (-1,)}, "threads"),
        ({"repeats": 0}, "repeats"),
    ],
)
def test_sweep_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        nt.run_blas_sweep(**kwargs)


def test_operations():
    ops = nt.run_operations(
        elements=1000, matrix_size=16, threads=2, repeats=1, budget=0.01
    )
    assert [op.uses_blas for op in ops.operations] == [True, False, False, False]
    assert ops.get("sort (np.sort)").speedup > 0
    assert ops.stop_reason in ("budget", "extended budget")
    assert ops.ceiling is None  # no probe asked
    # the matrix multiply alone gets rounds beyond the minimum, up to its budget
    more = nt.run_operations(
        elements=100, matrix_size=8, threads=2, repeats=2, budget=0.6
    )
    rounds = [len(op.one_thread.times) for op in more.operations]
    assert rounds[0] > 2 and rounds[1:] == [2, 2, 2]
    with pytest.raises(ValueError, match="elements"):
        nt.run_operations(elements=0)
    with pytest.raises(ValueError, match="probe_seconds"):
        nt.run_operations(elements=100, matrix_size=8, threads=2, probe_seconds=0)
    with pytest.raises(ValueError, match="budget"):
        nt.run_operations(budget=0)
    with pytest.raises(ValueError, match="threads"):
        nt.run_operations(threads=0)


def test_operations_count_the_ceiling_between_the_matrix_multiply_rounds():
    ops = nt.run_operations(
        elements=100,
        matrix_size=8,
        threads=2,
        repeats=3,
        budget=0.01,
        probe_seconds=nt.PROBE_WINDOW,
    )
    if available_cpus() < 2:
        assert ops.ceiling is None  # nothing to compare on one CPU
        return
    c = ops.ceiling
    assert c is not None and c.between_rounds and c.k == 2
    assert c.window == nt.PROBE_WINDOW
    # a pair after each of the matrix multiply's rounds, none after the
    # other operations' (they run in one thread whatever the setting)
    rounds = len(ops.get("matrix multiply (a @ b)").one_thread.times)
    assert len(c.ratios) == len(c.slowest) == rounds
    assert multiprocessing.active_children() == []


def test_only_the_matrix_multiplys_one_thread_runs_on_the_first_cpu(monkeypatch):
    """Beside its ceiling, whose lone counter runs on the first CPU, the one-
    thread matrix multiply runs there too; the operations that run in one
    thread either way are left where they come, both sides alike."""
    import contextlib

    pinned = []

    @contextlib.contextmanager
    def spy():
        pinned.append("first CPU")
        yield 0

    monkeypatch.setattr(nt, "on_one_cpu", spy)
    ops = nt.run_operations(
        elements=100, matrix_size=8, threads=2, repeats=3, budget=0.01, warmup=1
    )
    matmul = ops.get("matrix multiply (a @ b)")
    # every one-thread call of it, warm-up included, and no other call (the
    # others' calls, 4 a case, would add 12)
    assert len(pinned) == len(matmul.one_thread.times) + 1


def test_the_cpu_set_is_restored_before_the_blas_thread_count(monkeypatch):
    """Restoring the thread count while still on the first CPU made the
    next two-thread product slower (see blas._one_then_limited): the pin
    is entered inside the limit and left first."""
    import contextlib

    events = []

    @contextlib.contextmanager
    def pin():
        events.append("pin")
        yield 0
        events.append("unpin")

    @contextlib.contextmanager
    def limit(limits, user_api):
        events.append(f"limit {limits}")
        yield
        events.append("restore")

    monkeypatch.setattr(nt, "on_one_cpu", pin)
    monkeypatch.setattr(nt, "threadpool_limits", limit)
    with nt._one_then_limited(True, lambda t: None, 1):
        events.append("call")
    assert events == ["limit 1", "pin", "call", "unpin", "restore"]
    events.clear()
    with nt._one_then_limited(False, lambda t: None, 2):
        events.append("call")
    assert events == ["limit 2", "call", "restore"]


def test_matrix_multiply_is_correct_under_any_thread_count():
    a, b = nt._matrices(50)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        one = a @ b
    with threadpool_limits(2):
        two = a @ b
    np.testing.assert_allclose(one, two)


def test_only_thread_counts_up_to_the_cpus_earn_an_extension(monkeypatch):
    """More threads than CPUs only show that they gain no more: a wide
    interval there earns no extra rounds (core.protocol's extension)."""
    asked = extensions_asked(monkeypatch, nt)
    monkeypatch.setattr(nt, "available_cpus", lambda: 2)
    nt.run_blas_sweep(sizes=(16,), threads=(1, 2, 4), repeats=2, warmup=0, budget=0.01)
    assert asked == [["2"]]
