"""Part B, the two failures, run for real in subprocesses with a time limit."""

from __future__ import annotations

import os

import psutil
import pytest

from parallel_python.multiproc import main_guard


def _demo_processes() -> list[int]:
    """Demo processes this test process started (other test workers may be
    running demos of their own at the same time)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if "pp-demo-" not in cmd:
            continue
        try:
            owner = proc.environ().get(main_guard.OWNER_ENV)
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            continue
        if owner == str(os.getpid()):
            found.append(proc.pid)
    return found


@pytest.fixture(autouse=True)
def nothing_left():
    yield
    assert _demo_processes() == []  # the demo's own process groups, too


def test_missing_guard():
    d = main_guard.run_missing_guard(timeout=3)
    fork = d.get("fork", "Pool")
    assert fork.succeeded and fork.stdout.endswith("[1, 2, 3]")
    assert fork.workers_failed == 0
    pool = d.get("spawn", "Pool")
    assert not pool.finished and pool.returncode is None
    assert pool.workers_failed >= 1
    executor = d.get("spawn", "ProcessPoolExecutor")
    assert executor.finished and not executor.succeeded
    assert "BrokenProcessPool" in executor.error
    assert executor.workers_failed >= 1


def test_interactive_main():
    d = main_guard.run_interactive_main(timeout=30)
    fork = d.get("fork", "ProcessPoolExecutor")
    assert fork.succeeded and fork.stdout == "[2, 4, 6]"
    spawn = d.get("spawn", "ProcessPoolExecutor")
    assert not spawn.succeeded
    assert spawn.missing_function
    assert "double" in spawn.worker_error
    assert "BrokenProcessPool" in spawn.error


def test_bad_timeout():
    with pytest.raises(ValueError, match="timeout"):
        main_guard.run_missing_guard(timeout=0)
    with pytest.raises(ValueError, match="timeout"):
        main_guard.run_interactive_main(timeout=-1)
