import os
from types import SimpleNamespace

import pytest

from parallel_python.core import machine


def test_describe_is_consistent():
    m = machine.describe()
    assert m.logical_cpus >= 1
    assert 1 <= m.available_cpus <= m.logical_cpus
    assert m.physical_cores is None or 1 <= m.physical_cores <= m.logical_cpus
    assert m.memory_bytes is None or m.memory_bytes > 2**20
    assert m.numpy_version
    assert m.blas, "NumPy should have loaded a BLAS that threadpoolctl can see"
    assert m.blas_threads >= 1
    labels = [label for label, _ in m.rows()]
    assert "CPUs this process may use" in labels
    assert machine.Machine.from_dict(m.to_dict()) == m


def test_fallback_to_process_cpu_count(monkeypatch):
    """macOS and Windows have no os.sched_getaffinity; 3.13 has process_cpu_count."""
    fake_os = SimpleNamespace(cpu_count=lambda: 8, process_cpu_count=lambda: 3)
    monkeypatch.setattr(machine, "os", fake_os)
    assert machine._available_cpus() == (3, "os.process_cpu_count")


def test_fallback_to_cpu_count(monkeypatch):
    """Before 3.13 off Linux, the machine's CPU count is all there is."""
    monkeypatch.setattr(machine, "os", SimpleNamespace(cpu_count=lambda: 8))
    assert machine._available_cpus() == (8, "os.cpu_count")


def test_last_fallback_is_one_cpu(monkeypatch):
    fake_os = SimpleNamespace(cpu_count=lambda: None, process_cpu_count=lambda: None)
    monkeypatch.setattr(machine, "os", fake_os)
    assert machine._available_cpus() == (1, "os.cpu_count")


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_affinity_is_honoured():
    before = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(before)})
        assert machine.available_cpus() == 1
    finally:
        os.sched_setaffinity(0, before)


def test_cpu_model_without_proc(monkeypatch):
    """Without /proc/cpuinfo (macOS, Windows) the model still comes back as text."""
    monkeypatch.setattr(machine, "CPUINFO", machine.Path("/nonexistent/cpuinfo"))
    assert isinstance(machine._cpu_model(), str) and machine._cpu_model()


def test_memory_without_psutil(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_psutil(name, *args, **kwargs):
        if name == "psutil":
            raise ImportError("no psutil here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psutil)
    memory = machine._memory_bytes()
    assert memory is None or memory > 2**20
    assert machine._physical_cores() is None


def test_thread_environment_lists_only_steering_variables(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.setenv("UNRELATED_VARIABLE", "x")
    env = machine.thread_environment()
    assert env["OMP_NUM_THREADS"] == "3"
    assert "UNRELATED_VARIABLE" not in env


def test_gil_flags_are_booleans():
    assert isinstance(machine.gil_enabled(), bool)
    assert isinstance(machine.free_threaded_build(), bool)


def test_blas_summary_counts_threads_in_words():
    import dataclasses

    m = machine.describe()
    lib = {"internal_api": "openblas", "version": "0.3", "num_threads": 1}
    one = dataclasses.replace(m, blas=[lib])
    assert one.blas_summary == "openblas 0.3, 1 thread"
    many = dataclasses.replace(
        m, blas=[{**lib, "num_threads": 8, "architecture": "Zen"}]
    )
    assert many.blas_summary == "openblas 0.3 (Zen), 8 threads"
