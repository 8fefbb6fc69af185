"""Part B, Monte Carlo: the same estimate for any number of processes."""

from __future__ import annotations

import math
import multiprocessing

import pytest

from parallel_python.core.config import START_METHOD_ENV
from parallel_python.multiproc import montecarlo

METHODS = [
    m
    for m in ("fork", "spawn", "forkserver")
    if m in multiprocessing.get_all_start_methods()
]


@pytest.mark.parametrize("method", METHODS)
def test_same_estimate_for_any_process_count(method, monkeypatch):
    monkeypatch.setenv(START_METHOD_ENV, method)
    mc = montecarlo.run_monte_carlo_pi(
        throws_per_chunk=2000, processes=(1, 2, 3), chunks=5
    )
    assert mc.start_method == method
    assert mc.all_equal
    assert set(mc.by_processes) == {"1", "2", "3"}
    assert abs(mc.serial - math.pi) < 6 * mc.standard_error


def test_streams_are_reproducible_and_distinct():
    a = montecarlo.chunk_seeds(7, 3)
    b = montecarlo.chunk_seeds(7, 3)
    counts_a = [montecarlo.count_inside(s, 500) for s in a]
    assert counts_a == [montecarlo.count_inside(s, 500) for s in b]
    assert len(set(counts_a)) > 1  # each chunk draws its own numbers
    assert montecarlo.estimate_pi(100, seed=1) != montecarlo.estimate_pi(100, seed=2)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: montecarlo.estimate_pi(0), "throws_per_chunk"),
        (lambda: montecarlo.estimate_pi(10, seed=-1), "seed"),
        (lambda: montecarlo.estimate_pi(10, chunks=0), "chunks"),
        (lambda: montecarlo.estimate_pi(10, processes=0), "processes"),
        (lambda: montecarlo.run_monte_carlo_pi(processes=(0,)), "processes"),
    ],
)
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()
