"""Shared fixtures: made-up results for 1, 2 and 64 CPUs, and the rule that
no worker process outlives the test that started it."""

from __future__ import annotations

import time

import pytest

from parallel_python.multiproc import leftover_children
from parallel_python.numpy_threads import BlasSweep, SweepPoint
from parallel_python.timing import Timing


def fake_timing(seconds: float) -> Timing:
    return Timing(times=(seconds, seconds * 1.05, seconds * 1.1), warmup=1)


def fake_sweep(cpus: int, scale: dict[int, float], sizes=(200, 2000)) -> BlasSweep:
    """A sweep where ``threads`` run ``scale[threads]`` times faster (largest size)."""
    threads = tuple(sorted(scale))
    points = []
    for n in sizes:
        base = 2 * n**3 / 50e9  # 50 GFLOP/s on one thread
        for t in threads:
            factor = scale[t] if n == max(sizes) else min(scale[t], 1.0 + (t > 1) * 0.1)
            points.append(SweepPoint(n, t, t, fake_timing(base / factor)))
    return BlasSweep(tuple(sizes), threads, tuple(points), cpus, "openblas 0.3.31")


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test():
    """Every test: the worker processes it started are gone when it ends.

    Children that were already running belong to earlier tests, which were
    checked then; the interpreter's own helpers (resource trackers, the
    forkserver) are not counted at all. Workers on their way out get 2 s.
    """
    before = set(leftover_children())
    yield
    deadline = time.monotonic() + 2.0
    while (new := set(leftover_children()) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not new, f"worker processes outlived the test: {sorted(new)}"
