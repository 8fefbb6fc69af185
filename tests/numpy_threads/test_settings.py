"""When BLAS reads its thread-count variables, seen in fresh Pythons."""

import os

import pytest

from parallel_python.numpy_threads import settings
from tests.numpy_threads.test_blas import blas_threads


def test_thread_settings_in_fresh_processes():
    before_env = dict(os.environ)
    before_pool = blas_threads()
    s = settings.run_thread_settings("OMP_NUM_THREADS", 1)
    assert s.from_variable == 1  # read when the library loads
    assert s.set_after_import == s.default  # too late once loaded
    assert s.threadpoolctl == 1
    assert s.after_threadpoolctl == s.default
    assert dict(os.environ) == before_env  # the parent is untouched
    assert blas_threads() == before_pool


def test_thread_settings_rejects_unknown_variables():
    with pytest.raises(ValueError, match="variable must be one of"):
        settings.run_thread_settings("PATH", 1)
    with pytest.raises(ValueError, match="value"):
        settings.run_thread_settings("OMP_NUM_THREADS", 0)
