"""Processes: private memory, shared memory on purpose, start costs, CPUs."""

import json
import multiprocessing
import sys
import threading

import pytest

from parallel_python.core import config, results
from parallel_python.core.text import measured
from parallel_python.part1 import memory_ladder
from parallel_python.part1.narrate_processes import cpu_sampling_summary
from parallel_python.part1.plots import plot_cpu_samples
from parallel_python.part1.processes import (
    CpuSampling,
    ThreadSamples,
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
    before = threading.active_count()
    c = run_cpu_sampling(threads=2, seconds=0.05, every=0.001)
    assert threading.active_count() == before  # every busy thread has ended
    if not sys.platform.startswith("linux"):
        pytest.skip("CPU sampling is Linux-only")
    assert c.method != "unavailable"
    assert len(c.threads) == 2
    assert c.samples > 0
    assert set(c.cpus_used) <= set(c.cpus_available)
    assert all(t.cpu_seconds > 0 for t in c.threads)
    assert c.wall >= c.seconds and c.busy_cpus > 0
    for t in c.threads:
        assert list(t.times) == sorted(t.times)
        assert all(0 <= x <= c.wall for x in t.times)
    with pytest.raises(ValueError, match="seconds"):
        run_cpu_sampling(seconds=0)
    with pytest.raises(ValueError, match="threads"):
        run_cpu_sampling(threads=0)


def test_cpu_sampling_round_trips():
    c = run_cpu_sampling(threads=1, seconds=0.02, every=0.001)
    again = results.from_data(CpuSampling, json.loads(json.dumps(results.to_data(c))))
    assert again == c


def _sampling(cpus: int, threads: int, busy: float, moves: bool = True):
    allowed = tuple(range(cpus))
    seq = (0, 1, 1) if moves and cpus > 1 else (0, 0, 0)
    return CpuSampling(
        method="sched_getcpu (ctypes)",
        seconds=0.4,
        every=0.002,
        cpus_available=allowed,
        threads=tuple(
            ThreadSamples(f"busy-{i + 1}", (0.0, 0.1, 0.2), seq, 0.4 * busy / threads)
            for i in range(threads)
        ),
        wall=0.4,
    )


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_cpu_sampling_summary_says_whether_threads_ran_at_once(cpus):
    busy = min(cpus, 3) * 0.97
    text = cpu_sampling_summary(_sampling(cpus, 3, busy))
    assert "3 busy threads were sampled 9 times" in text
    assert f"kept {measured(busy)} CPUs busy on average (CPU time over" in text
    assert "read with sched_getcpu through ctypes" in text
    if cpus == 1:
        assert "took turns" not in text and "at the same time" not in text
        assert "only CPU 0" in text and "nowhere to move them" in text
    else:
        assert "really did run at the same time" in text
        assert f"of the {cpus} this build could use" in text
        assert "3 times between samples" in text
    assert ("3 threads on 2 CPUs, so the CPUs had to be shared" in text) == (cpus == 2)


def test_cpu_sampling_summary_when_threads_took_turns():
    text = cpu_sampling_summary(_sampling(2, 2, 1.0, moves=False))
    assert "no more than one, so the threads took turns" in text
    assert "no thread was moved" in text and "shared out" not in text
    unknown = cpu_sampling_summary(_sampling(2, 2, 0.0))
    assert "CPU time" not in unknown  # not measured: not mentioned


def test_cpu_sampling_plot_shows_only_used_cpus_on_big_machines():
    import matplotlib.pyplot as plt

    fig = plot_cpu_samples(_sampling(64, 2, 2.0))
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["CPU 0", "CPU 1"]
    plt.close(fig)
    fig = plot_cpu_samples(_sampling(4, 2, 2.0))
    assert len(fig.axes[0].get_yticklabels()) == 4
    plt.close(fig)


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
    assert m.largest_cache_bytes == memory_ladder.largest_cache_bytes()
    with pytest.raises(ValueError, match="file_bytes"):
        memory_ladder.run_memory_ladder(file_bytes=100)
    with pytest.raises(ValueError, match="ram_bytes"):
        memory_ladder.run_memory_ladder(ram_bytes=0)


def test_largest_cache_is_read_from_the_listing(tmp_path):
    for index, text in (("index0", "48K"), ("index2", "2048K"), ("index3", "32768K")):
        (tmp_path / index).mkdir()
        (tmp_path / index / "size").write_text(text + "\n", encoding="ascii")
    assert memory_ladder.largest_cache_bytes(tmp_path) == 32 * 2**20
    (tmp_path / "index4").mkdir()
    (tmp_path / "index4" / "size").write_text("1G", encoding="ascii")
    (tmp_path / "index5").mkdir()
    (tmp_path / "index5" / "size").write_text("lots", encoding="ascii")  # ignored
    assert memory_ladder.largest_cache_bytes(tmp_path) == 2**30
    assert memory_ladder.largest_cache_bytes(tmp_path / "absent") is None
