"""Without a BLAS thread pool that threadpoolctl can see (Apple Accelerate),
every experiment that needs one says so in one line, and the CLI exits with 3."""

from __future__ import annotations

import contextlib
import io

import pytest
import threadpoolctl

from parallel_python.blending import run_fixes, run_grid
from parallel_python.cli import main
from parallel_python.core.machine import NoBlasPool, require_blas_pool
from parallel_python.numpy_threads.blas import run_blas_sweep, run_operations
from parallel_python.numpy_threads.settings import run_thread_settings


@pytest.fixture
def no_blas(monkeypatch):
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [])


def test_a_visible_pool_passes(monkeypatch):
    openblas = {"user_api": "blas", "internal_api": "openblas", "num_threads": 2}
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [openblas])
    require_blas_pool("anything")  # a BLAS pool threadpoolctl sees: no error
    omp = {"user_api": "openmp", "internal_api": "openmp", "num_threads": 2}
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [omp])
    with pytest.raises(NoBlasPool):  # an OpenMP pool alone is not a BLAS pool
        require_blas_pool("anything")


@pytest.mark.parametrize(
    "run",
    [
        lambda: run_blas_sweep(sizes=(8,), threads=(1,), repeats=1),
        lambda: run_operations(elements=10, matrix_size=4, threads=1, repeats=1),
        lambda: run_thread_settings(),
        lambda: run_grid(size=8, tasks=1, processes=(1,), threads=(1,), repeats=1),
        lambda: run_fixes(size=8, tasks=1, processes=1, repeats=1, joblib=False),
    ],
)
def test_experiments_needing_a_pool_say_so(no_blas, run):
    with pytest.raises(NoBlasPool, match="VECLIB_MAXIMUM_THREADS") as caught:
        run()
    assert "\n" not in str(caught.value)


def test_the_cli_says_it_in_one_line_with_exit_code_3(no_blas, tmp_path):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["run", "numpy-blas-sweep", "--sizes", "8", "--out", str(tmp_path)])
    assert code == 3
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "BLAS thread pool" in lines[0]
    assert not list(tmp_path.iterdir())
