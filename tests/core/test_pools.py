"""The interpreter's helper processes stop when asked, and never under a worker."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from parallel_python import book
from parallel_python.core import pools
from parallel_python.core.pools import baseline_on_one_cpu, pin_to_first_cpu

SCRIPT = Path(__file__).with_name("helpers_script.py")


@pytest.mark.skipif(os.name == "nt", reason="no fork or forkserver on Windows")
@pytest.mark.parametrize(
    "method",
    [
        m
        for m in ("spawn", "forkserver")
        if m in multiprocessing.get_all_start_methods()
    ],
)
def test_helpers_stop_only_when_no_worker_is_left(method):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), method],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(run.stdout)
    assert report["sum"] == 25
    assert report["while_working"] is False
    assert any("resource_tracker" in c for c in report["before"])
    assert report["stopped"] is True
    assert report["after"] == []
    # the pool gave its semaphores back before the tracker ended: none leaked
    assert "leaked" not in run.stderr


def test_a_kernel_is_hooked_once_to_stop_the_helpers_before_shutting_down(
    monkeypatch,
):
    calls: list[str] = []

    def do_shutdown(restart):
        calls.append("shut down")
        return {"status": "ok", "restart": restart}

    kernel = SimpleNamespace(do_shutdown=do_shutdown)
    shell = SimpleNamespace(
        kernel=kernel, reset=lambda new_session: calls.append("reset")
    )
    IPython = pytest.importorskip("IPython")
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(
        "parallel_python.core.pools.stop_helpers", lambda: calls.append("stop")
    )
    assert book.stop_helpers_at_kernel_shutdown()
    assert book.stop_helpers_at_kernel_shutdown()  # a second import: no second hook
    assert kernel.do_shutdown(False) == {"status": "ok", "restart": False}
    assert calls == ["reset", "stop", "shut down"]


def fake_process(*cmdline: str) -> SimpleNamespace:
    def read():
        if not cmdline:
            raise ProcessLookupError("ended")
        return list(cmdline)

    return SimpleNamespace(cmdline=read)


def test_the_kernel_does_not_wait_for_lokys_tracker_at_shutdown(monkeypatch):
    """ipykernel signals its children at shutdown and waits for them; loky's
    tracker ignores SIGTERM and ends by itself once the kernel has exited."""
    loky = fake_process(
        "python", "-c", "from joblib.externals.loky.backend.resource_tracker ..."
    )
    worker = fake_process("python", "-c", "from multiprocessing.spawn ...")
    ended = fake_process()
    kernel = SimpleNamespace(
        do_shutdown=lambda restart: None,
        _process_children=lambda: [loky, worker, ended],
    )
    shell = SimpleNamespace(kernel=kernel, reset=lambda new_session: None)
    IPython = pytest.importorskip("IPython")
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert book.stop_helpers_at_kernel_shutdown()
    assert kernel._process_children() == [worker, ended]


def test_the_kernel_shuts_down_even_when_stopping_the_helpers_fails(monkeypatch):
    calls: list[str] = []
    kernel = SimpleNamespace(do_shutdown=lambda restart: calls.append("shut down"))
    shell = SimpleNamespace(kernel=kernel, reset=lambda new_session: None)
    IPython = pytest.importorskip("IPython")
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)

    def broken():
        raise ChildProcessError("already reaped")

    monkeypatch.setattr("parallel_python.core.pools.stop_helpers", broken)
    assert book.stop_helpers_at_kernel_shutdown()
    kernel.do_shutdown(True)
    assert calls == ["shut down"]


def test_outside_a_kernel_nothing_is_hooked(monkeypatch):
    IPython = pytest.importorskip("IPython")
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert not book.stop_helpers_at_kernel_shutdown()


HOLDER = """
import multiprocessing, sys, time
if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    lock = ctx.Lock()
    with ctx.Pool(1) as pool:
        pool.map(abs, [1])
        print(lock._semlock.name, flush=True)
        time.sleep(60)
"""


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm here")
def test_an_ended_group_leaves_no_semaphore_behind(tmp_path):
    from parallel_python.core.pools import end_process_group

    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    name = proc.stdout.readline().strip()  # the pool is up, the lock made
    assert name and (Path("/dev/shm") / f"sem.{name.lstrip('/')}").exists()
    end_process_group(proc)
    proc.communicate()
    assert proc.returncode is not None
    assert not (Path("/dev/shm") / f"sem.{name.lstrip('/')}").exists()


def test_a_failed_pool_is_freed_at_once_not_by_a_later_collection():
    """A pool that raised sits in reference cycles with its locks; left to the
    collector, their finalizers may run inside the resource tracker."""
    import gc
    import weakref

    from parallel_python.multiproc.tasks import fail_on

    was_enabled = gc.isenabled()
    gc.disable()  # no automatic collection may free it in between
    try:
        with pytest.raises(ValueError), pools.process_pool(2) as pool:
            ref = weakref.ref(pool)
            pool.map(fail_on, range(5))
        del pool
        assert ref() is not None, "nothing left for free_failed_pools to free"
        pools.free_failed_pools()
        assert ref() is None
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_on_one_cpu_pins_this_thread_its_new_threads_and_the_workers_then_restores():
    import threading

    before = os.sched_getaffinity(0)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        child_before = os.sched_getaffinity(child.pid)
        seen = {}
        with pools.on_one_cpu([child.pid]) as cpu:
            assert cpu == min(before)
            assert os.sched_getaffinity(0) == {cpu}
            assert os.sched_getaffinity(child.pid) == {cpu}
            thread = threading.Thread(
                target=lambda: seen.update(cpus=os.sched_getaffinity(0))
            )
            thread.start()
            thread.join()
            assert seen["cpus"] == {cpu}
        assert os.sched_getaffinity(0) == before
        assert os.sched_getaffinity(child.pid) == child_before
    finally:
        child.kill()
        child.wait()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")
def test_on_one_cpu_skips_a_worker_that_has_ended():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    before = os.sched_getaffinity(0)
    with pools.on_one_cpu([child.pid]) as cpu:
        assert os.sched_getaffinity(0) == {cpu}
    assert os.sched_getaffinity(0) == before


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU sets")
def test_the_baseline_runs_on_the_first_cpu_and_the_variants_anywhere():
    mine = os.sched_getaffinity(0)
    context = baseline_on_one_cpu("serial")
    with context("serial") as cpu:
        assert cpu == min(mine) and os.sched_getaffinity(0) == {cpu}
    assert os.sched_getaffinity(0) == mine
    with context("2"):
        assert os.sched_getaffinity(0) == mine


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU sets")
def test_a_pinned_worker_stays_on_the_first_cpu():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        pin_to_first_cpu([child.pid])
        assert os.sched_getaffinity(child.pid) == {min(os.sched_getaffinity(0))}
        pin_to_first_cpu([999_999_999])  # long gone: nothing to do
    finally:
        child.kill()
        child.wait()


def _pid(_: object) -> int:
    return os.getpid()


def _affinity(_: object) -> list[int]:
    return sorted(os.sched_getaffinity(0))


def _fail() -> None:
    raise RuntimeError("this worker cannot start")


def test_fresh_pools_start_ready_workers_for_each_call_and_close_them():
    fresh = pools.FreshPools(2)
    assert fresh.pool is None and fresh.started == 0
    seen = []
    for _ in range(2):
        with fresh() as pool:
            assert fresh.pool is pool
            # both workers had started (and run the initializer) by now
            assert len(pool._pool) == 2 and all(w.is_alive() for w in pool._pool)
            seen.append({w.pid for w in pool._pool})
            assert set(pool.map(_pid, range(4), chunksize=1)) <= seen[-1]
        assert fresh.pool is None
    assert fresh.started == 2
    assert seen[0].isdisjoint(seen[1])  # new processes each time
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPUs to choose")
def test_fresh_pools_on_the_first_cpu():
    first = min(os.sched_getaffinity(0))
    with pools.FreshPools(2, on_first_cpu=True)() as pool:
        assert pool.map(_affinity, range(2), chunksize=1) == [[first], [first]]
    assert multiprocessing.active_children() == []


def test_fresh_pools_whose_workers_cannot_start_give_a_clear_error():
    fresh = pools.FreshPools(1, _fail, timeout=0.5)
    with pytest.raises(RuntimeError, match="did not all start within 0.5 s"), fresh():
        pass  # pragma: no cover - never entered
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"workers": 0}, "workers"), ({"workers": 1, "timeout": 0}, "timeout")],
)
def test_fresh_pools_reject_bad_sizes(kwargs, name):
    with pytest.raises(ValueError, match=name):
        pools.FreshPools(**kwargs)
