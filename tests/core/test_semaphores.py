"""Named semaphores abandoned by killed demos are removed; live ones stay."""

from __future__ import annotations

import multiprocessing
import os
import sys
import uuid

import pytest

from parallel_python.core import semaphores

linux_shm = pytest.mark.skipif(
    not semaphores.SHM.is_dir() or not sys.platform.startswith("linux"),
    reason="named semaphores are files in /dev/shm on Linux only",
)


def _stray(tag: str) -> str:
    """A file as a killed sem_open leaves it: named, mapped by nobody."""
    name = f"sem.pp-test-{tag}-{uuid.uuid4().hex[:8]}"
    (semaphores.SHM / name).write_bytes(b"\0" * 32)
    return name


@linux_shm
def test_an_abandoned_semaphore_goes_a_live_one_and_older_ones_stay():
    older = _stray("older")  # there before: not the demo's to remove
    try:
        with semaphores.no_semaphores_left() as removed:
            stray = _stray("new")
            # a lock of the spawn start method is a named semaphore in use
            # (only this one is checked: other test workers' come and go)
            lock = multiprocessing.get_context("spawn").Lock()
            live = "sem." + lock._semlock.name.lstrip("/")
            assert (semaphores.SHM / live).exists()
        assert removed == [stray]
        assert not (semaphores.SHM / stray).exists()
        assert (semaphores.SHM / older).exists()
        assert (semaphores.SHM / live).exists()
        with lock:  # still usable
            pass
    finally:
        (semaphores.SHM / older).unlink(missing_ok=True)


@linux_shm
def test_only_semaphores_are_removed(tmp_path):
    before = semaphores.names(tmp_path)
    (tmp_path / "sem.abc123").write_bytes(b"\0")
    (tmp_path / "joblib_memmapping_folder_1").mkdir()
    (tmp_path / "psm_shared").write_bytes(b"\0")
    assert semaphores.remove_abandoned(before, tmp_path) == ["sem.abc123"]
    assert sorted(os.listdir(tmp_path)) == [
        "joblib_memmapping_folder_1",
        "psm_shared",
    ]


def test_no_shared_memory_folder_is_no_error(tmp_path):
    missing = tmp_path / "absent"
    assert semaphores.names(missing) == set()
    with semaphores.no_semaphores_left(missing) as removed:
        pass
    assert removed == []


@linux_shm
def test_a_demo_that_abandons_a_semaphore_leaves_nothing(tmp_path):
    """The demos' runner removes what its script's processes abandon."""
    from parallel_python.multiproc import main_guard

    name = f"sem.pp-test-demo-{uuid.uuid4().hex[:8]}"
    code = f"open('/dev/shm/{name}', 'wb').write(bytes(32))"
    finished, rc, *_ = main_guard._run(
        [sys.executable, "-c", code], stdin=None, timeout=30, cwd=str(tmp_path)
    )
    assert finished and rc == 0
    assert not (semaphores.SHM / name).exists()
