"""Part B′: forked workers share NumPy's legacy global state; their own
streams differ and repeat."""

from __future__ import annotations

import multiprocessing
import random

import numpy as np
import pytest

from parallel_python.multiproc import fork_random

HAS_FORK = "fork" in multiprocessing.get_all_start_methods()


@pytest.fixture(scope="module")
def result():
    return fork_random.run_fork_random(workers=3, seed=7)


@pytest.mark.skipif(not HAS_FORK, reason="no fork start method")
def test_fork_copies_numpy_global_state_but_reseeds_random(result):
    fork = result.get("fork")
    assert fork is not None and len(fork.workers) == 3
    assert fork.legacy_same
    assert not fork.python_same  # random reseeds itself after fork


def test_spawn_workers_seed_afresh(result):
    spawn = result.get("spawn")
    assert spawn is not None
    assert not spawn.legacy_same


def test_own_streams_differ_and_repeat(result):
    assert result.spawned_reproducible
    assert all(run.spawned_distinct for run in result.runs)
    again = fork_random.run_fork_random(workers=3, seed=7)
    assert again.expected_spawned == result.expected_spawned


def test_this_process_generators_untouched():
    legacy = np.random.get_state()[1].copy()  # noqa: NPY002
    python = random.getstate()
    fork_random.run_fork_random(workers=2)
    assert (np.random.get_state()[1] == legacy).all()  # noqa: NPY002
    assert random.getstate() == python


def test_bad_input():
    with pytest.raises(ValueError, match="workers"):
        fork_random.run_fork_random(workers=1)
    with pytest.raises(ValueError, match="seed"):
        fork_random.run_fork_random(seed=-1)
