"""Part B's tests start and fail many pools."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(autouse=True)
def _collect_pools_now():
    """Free each test's pools (they sit in reference cycles) right after it,
    at a safe moment: on Python 3.12, a pool lock's finalizer that a later
    collection runs inside the multiprocessing resource tracker raises
    ReentrantCallError, which pytest reports as an error of whichever test
    is running (CPython gh-109593, gh-131788)."""
    yield
    gc.collect()
