"""The rule that no worker process outlives the test that started it (made-up
results for 1, 2 and 64 CPUs live in ``tests/fakes.py``)."""

from __future__ import annotations

import gc
import time

import pytest

from parallel_python.core.pools import leftover_children


def pytest_collection_finish(session):
    """Keep what collection imported out of every later garbage collection:
    a full collection then walks only what the tests made (in a test process
    holding matplotlib, dask and numba, one took about 0.2 s; the pools that
    raised collect once each, see ``core.pools.free_failed_pools``)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def no_rests():
    """The rests between timed calls let spinning threads settle, for the
    measurement's sake; the tests check results, not times, so they skip them
    (``tests/core/test_protocol.py`` checks the rests themselves). Not through
    ``monkeypatch``, whose undoing would then wait until after the check below.
    """
    from parallel_python.core import rests

    saved = rests.sleep
    rests.sleep = lambda seconds: None
    yield
    rests.sleep = saved


@pytest.fixture
def counted_leftovers():
    """Which of the new child pids count as leftovers (all of them here; the site
    tests leave out the browser's own processes)."""
    return lambda pids: pids


@pytest.fixture(autouse=True)
def no_worker_outlives_its_test(counted_leftovers):
    """Every test: the worker processes it started are gone when it ends.

    Children that were already running belong to earlier tests, which were
    checked then; the interpreter's own helpers (resource trackers, the
    forkserver) are not counted at all. Workers on their way out get 2 s.
    """
    before = set(leftover_children())
    yield
    deadline = time.monotonic() + 2.0
    while (new := counted_leftovers(set(leftover_children()) - before)) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert not new, f"worker processes outlived the test: {sorted(new)}"
