"""Processes: private memory, shared memory on purpose, start costs, CPUs."""

import multiprocessing
import sys

import pytest

from parallel_python.core import config
from parallel_python.part1 import memory_ladder
from parallel_python.part1.processes import (
    run_cpu_sampling,
    run_isolation,
    run_start_costs,
)


@pytest.fixture(params=["fork", "spawn", "forkserver"])
def start_method(request, monkeypatch):
    if request.param not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {request.param} here")
    monkeypatch.setenv(config.START_METHOD_ENV, request.param)
    return request.param


def test_child_change_is_invisible_to_parent(start_method):
    r = run_isolation(shared_value=7)
    assert r.start_method == start_method
    assert r.child_sees == (999, 2, 3)
    assert r.parent_after_child == r.before == (1, 2, 3)
    assert not r.child_change_visible
    assert r.child_pid != r.parent_pid
    assert r.parent_after_thread == (999, 2, 3) and r.thread_change_visible
    assert r.worker_thread_pid == r.parent_pid
    assert r.worker_thread_id != r.main_thread_id
    assert r.shared_before == 0 and r.shared_after == 7 and r.shared_change_visible
    assert multiprocessing.active_children() == []


def test_isolation_bad_input():
    with pytest.raises(ValueError, match="shared_value"):
        run_isolation(shared_value=256)


def test_start_costs_leave_no_children():
    s = run_start_costs(repeats=1, thread_repeats=3)
    assert s.thread.repeats == 3 and s.process.repeats == 1
    assert s.ratio > 0
    assert multiprocessing.active_children() == []
    with pytest.raises(ValueError, match="repeats"):
        run_start_costs(repeats=0)


def test_cpu_sampling():
    c = run_cpu_sampling(threads=2, seconds=0.05, every=0.001)
    if not sys.platform.startswith("linux"):
        pytest.skip("CPU sampling is Linux-only")
    assert c.method != "unavailable"
    assert len(c.threads) == 2
    assert c.samples > 0
    assert set(c.cpus_used) <= set(c.cpus_available)
    with pytest.raises(ValueError, match="seconds"):
        run_cpu_sampling(seconds=0)


def test_memory_ladder_small(tmp_path):
    m = memory_ladder.run_memory_ladder(
        cache_bytes=4096,
        ram_bytes=1 << 16,
        file_bytes=1 << 16,
        accesses=1_000,
        file_reads=4,
        repeats=1,
        directory=str(tmp_path),
    )
    assert [r.place for r in m.rungs] == ["cache", "RAM", "disk", "page cache"]
    assert all(r.ns_per_access > 0 for r in m.rungs)
    assert list(tmp_path.iterdir()) == []  # the file is gone
    with pytest.raises(ValueError, match="file_bytes"):
        memory_ladder.run_memory_ladder(file_bytes=100)
    with pytest.raises(ValueError, match="ram_bytes"):
        memory_ladder.run_memory_ladder(ram_bytes=0)
