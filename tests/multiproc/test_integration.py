"""Part B, integration and Amdahl's law: chunks cover the range once, the
parallel sum equals the serial one, the fit says what kind it is."""

from __future__ import annotations

import dataclasses
import math
import multiprocessing
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parallel_python.core.config import START_METHOD_ENV
from parallel_python.core.pools import FreshPools, process_pool
from parallel_python.core.protocol import STOP_REASONS, paired_ratio
from parallel_python.multiproc import amdahl
from parallel_python.multiproc import integration as integrate
from tests.fakes import extensions_asked, main_thread_calls

METHODS = [
    m
    for m in ("fork", "spawn", "forkserver")
    if m in multiprocessing.get_all_start_methods()
]


@given(n=st.integers(1, 5000), chunks=st.integers(1, 300))
def test_chunks_cover_the_range_exactly_once(n, chunks):
    bounds = integrate.chunk_bounds(n, chunks)
    covered = [i for lo, hi in bounds for i in range(lo, hi)]
    assert covered == list(range(n))
    assert len(bounds) == min(n, chunks)
    sizes = [hi - lo for lo, hi in bounds]
    assert min(sizes) >= 1 and max(sizes) - min(sizes) <= 1


def test_integrate_converges_to_pi():
    err = integrate.run_integration_error(points=(10, 100, 1000))
    assert err.errors[0] > err.errors[1] > err.errors[2]
    assert err.errors[2] < 1e-6
    assert integrate.integrate(lambda x: 1.0, 2.0, 5.0, 7) == pytest.approx(3.0)
    assert integrate.integrate(lambda x: x, 1.0, 1.0, 3) == 0.0


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("processes", [1, 2, 3])
def test_parallel_equals_serial(method, processes, monkeypatch):
    monkeypatch.setenv(START_METHOD_ENV, method)
    f = integrate.four_over_one_plus_x2
    serial = integrate.integrate(f, 0.0, 1.0, 997, chunks=7)
    with process_pool(processes) as pool:
        parallel = integrate.integrate_parallel(f, 0.0, 1.0, 997, pool, chunks=7)
    assert parallel == serial
    assert abs(serial - math.pi) < 1e-5


@pytest.mark.parametrize("method", METHODS)
def test_sweep_small(method, monkeypatch):
    monkeypatch.setenv(START_METHOD_ENV, method)
    s = integrate.run_integration_sweep(
        n=3000, processes=(1, 2, 3), repeats=1, budget=0.05, probe_seconds=0.05
    )
    assert s.stop_reason in STOP_REASONS and s.stop_reason != "min_rounds"
    assert s.disturbance is not None
    assert (s.ceiling is not None) == (s.cpus >= 2)
    assert s.ratio(2).rounds == s.serial.repeats
    assert s.start_method == method
    assert s.all_equal
    assert s.processes == (1, 2, 3)
    assert s.chunks == integrate.DEFAULT_CHUNKS
    assert s.error < 1e-6
    assert all(pt.startup > 0 for pt in s.points)
    # one process against the serial loop, two or more against one process
    assert s.against_one_process
    assert s.ratio(1) == paired_ratio(s.serial, s.point(1).timing)
    for p in (2, 3):
        assert s.ratio(p) == paired_ratio(s.point(1).timing, s.point(p).timing)
    if s.cpus == 2:  # two counts up to the CPUs: Amdahl solved from the ratios
        r2 = s.ratio(2).median
        assert s.fit.kind == "exact"
        assert s.fit.serial_fraction == pytest.approx(2 / r2 - 1)
    assert s.fit.processes_used == tuple(p for p in (1, 2, 3) if p <= s.cpus)


@pytest.mark.parametrize(
    ("cpus", "expected"),
    [(1, (1, 2)), (2, (1, 2, 4)), (3, (1, 2, 3, 4, 6)), (4, (1, 2, 4, 8))],
)
def test_process_counts_small(cpus, expected):
    assert integrate.process_counts(cpus) == expected


def test_process_counts_large_machine_is_capped():
    counts = integrate.process_counts(64)
    assert len(counts) <= 6
    assert {1, 64, 128} <= set(counts)
    assert counts == tuple(sorted(counts))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: integrate.integrate(abs, 0, 1, 0), "n"),
        (lambda: integrate.integrate(abs, 1, 0, 10), "a must not exceed b"),
        (lambda: integrate.integrate(abs, "0", 1, 10), "a must be a number"),
        (lambda: integrate.integrate(abs, 0, math.inf, 10), "b must be finite"),
        (lambda: integrate.integrate(abs, 0, 1, 10, chunks=0), "chunks"),
        (lambda: integrate.chunk_bounds(0, 3), "n"),
        (lambda: integrate.run_integration_sweep(n=0), "n"),
        (lambda: integrate.run_integration_sweep(n=10, processes=(0,)), "processes"),
        (lambda: integrate.run_integration_sweep(n=10, processes=()), "processes"),
        (lambda: integrate.run_integration_sweep(n=10, budget=0), "budget"),
        (lambda: integrate.run_integration_sweep(n=10, probe_seconds=-1), "probe"),
        (lambda: integrate.run_integration_error(points=(0,)), "points"),
        (lambda: integrate.process_counts(0), "cpus"),
    ],
)
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- Amdahl ----------------------------------------------------------------


def _times(s: float, t1: float, ps):
    return [(p, t1 * (s + (1 - s) / p)) for p in ps]


def test_amdahl_fit_recovers_serial_fraction():
    fit = amdahl.fit_serial_fraction(_times(0.1, 2.0, (1, 2, 4, 8, 16)), cpus=8)
    assert fit.kind == "fit"
    assert fit.processes_used == (1, 2, 4, 8)  # 16 > cpus is left out
    assert fit.serial_fraction == pytest.approx(0.1)
    assert fit.one_process_time == pytest.approx(2.0)
    assert fit.predicted_speedup(8) == pytest.approx(1 / (0.1 + 0.9 / 8))
    assert fit.predicted_speedup(16) == fit.predicted_speedup(8)
    assert fit.limit == pytest.approx(10)


def test_amdahl_two_points_is_an_exact_solve():
    fit = amdahl.fit_serial_fraction(_times(0.05, 1.0, (1, 2, 3, 4)), cpus=2)
    assert fit.kind == "exact"
    assert fit.processes_used == (1, 2)
    assert fit.serial_fraction == pytest.approx(0.05)


def test_amdahl_one_cpu_nothing_to_fit():
    fit = amdahl.fit_serial_fraction([(1, 1.0), (2, 1.0)], cpus=1)
    assert fit.kind == "none"
    assert fit.serial_fraction is None
    assert fit.predicted_speedup(2) is None and fit.limit is None


def test_amdahl_bad_times():
    with pytest.raises(ValueError, match="times"):
        amdahl.fit_serial_fraction([(1, 0.0), (2, 1.0)], cpus=2)
    with pytest.raises(ValueError, match="cpus"):
        amdahl.fit_serial_fraction([(1, 1.0)], cpus=0)


def test_only_process_counts_up_to_the_cpus_earn_an_extension(monkeypatch):
    asked = extensions_asked(monkeypatch, integrate)
    monkeypatch.setattr(integrate, "available_cpus", lambda: 2)
    integrate.run_integration_sweep(
        n=3000, processes=(1, 2, 3), repeats=1, budget=0.01, probe_seconds=None
    )
    assert asked == [["2"]]


def test_every_map_gets_new_workers_and_one_process_runs_first(monkeypatch):
    made, workers = [], {}

    class Recorded(FreshPools):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

        @contextmanager
        def __call__(self):
            with super().__call__() as pool:
                pids = frozenset(w.pid for w in pool._pool)
                workers.setdefault(self.workers, []).append(pids)
                yield pool

    monkeypatch.setattr(integrate, "FreshPools", Recorded)
    s = integrate.run_integration_sweep(
        n=3000, processes=(1, 2), repeats=3, budget=0.01, probe_seconds=None
    )
    rounds = s.serial.repeats
    assert sorted(f.workers for f in made) == [1, 2]
    assert [f.on_first_cpu for f in sorted(made, key=lambda f: f.workers)] == [
        True,
        False,
    ]
    # a pool per timed map (and per warm-up call), never the same workers
    for p in (1, 2):
        assert len(workers[p]) == rounds + 1
        assert len(set().union(*workers[p])) == p * (rounds + 1)


def test_results_saved_before_compare_every_count_with_the_serial_loop():
    s = integrate.run_integration_sweep(
        n=3000, processes=(1, 2), repeats=1, budget=0.01, probe_seconds=None
    )
    old = dataclasses.replace(s, against_one_process=False)
    assert old.ratio(2) == paired_ratio(old.serial, old.point(2).timing)
    assert not old.compared_with_one_process(2)
    assert s.compared_with_one_process(2) and not s.compared_with_one_process(1)


def test_the_serial_loop_is_timed_in_a_new_thread(monkeypatch):
    in_main = main_thread_calls(monkeypatch, integrate)
    integrate.run_integration_sweep(
        n=3000, processes=(2,), repeats=2, budget=0.01, probe_seconds=None
    )
    # the value to check against, here; every timed call, in a thread of its own
    assert in_main[0] and len(in_main) >= 3
    assert not any(in_main[1:])


class _RecordingPool:
    """A stand-in for a Pool: computes in this process, keeps each map's
    chunksize."""

    def __init__(self):
        self.chunksizes = []

    def map(self, func, iterable, chunksize=None):
        self.chunksizes.append(chunksize)
        return [func(x) for x in iterable]


def test_parallel_sends_one_chunk_per_message():
    # a worker that finishes early must be able to take the next chunk:
    # Pool.map's default would batch 24 chunks 3 at a time for 2 workers
    pool = _RecordingPool()
    f = integrate.four_over_one_plus_x2
    value = integrate.integrate_parallel(f, 0.0, 1.0, 240, pool, chunks=24)
    assert pool.chunksizes == [1]
    assert value == integrate.integrate(f, 0.0, 1.0, 240, chunks=24)


def test_two_processes_are_timed_against_one_and_amdahl_starts_from_it(monkeypatch):
    # whatever this machine has: two CPUs, so the fit solves from 1 and 2
    monkeypatch.setattr(integrate, "available_cpus", lambda: 2)
    asked = []
    real = integrate.measure_paired

    def spy(*args, **kwargs):
        asked.append(kwargs.get("against"))
        return real(*args, **kwargs)

    monkeypatch.setattr(integrate, "measure_paired", spy)
    s = integrate.run_integration_sweep(
        n=3000, processes=(1, 2, 4), repeats=1, budget=0.01, probe_seconds=None
    )
    assert asked == [{"2": "1", "4": "1"}]
    r2 = s.ratio(2).median
    assert s.fit.kind == "exact"
    assert s.fit.serial_fraction == pytest.approx(2 / r2 - 1)
    assert s.fit.one_process_time == pytest.approx(s.point(1).timing.median)
    # without a pool of one process, every count against the serial loop
    asked.clear()
    s = integrate.run_integration_sweep(
        n=3000, processes=(2,), repeats=1, budget=0.01, probe_seconds=None
    )
    assert asked == [{}] and not s.against_one_process
