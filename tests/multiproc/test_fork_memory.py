"""Part B′: after fork, reading Python objects copies their pages; reading a
NumPy array's buffer does not; a child's writes never reach the parent."""

from __future__ import annotations

import multiprocessing

import pytest

from parallel_python.multiproc import fork_memory

USABLE = (
    "fork" in multiprocessing.get_all_start_methods()
    and fork_memory.private_dirty() is not None
)


@pytest.mark.skipif(not USABLE, reason="needs fork and /proc/self/smaps_rollup")
def test_reading_a_list_copies_far_more_than_reading_an_array():
    m = fork_memory.run_fork_memory(elements=300_000)
    assert m.available and m.reason == ""
    lst, arr = m.get("list"), m.get("array")
    assert lst.data_bytes > 8 * 300_000
    # ~0.9 of the list is copied; the array's read copies a stack's worth
    assert lst.copied > 0.4 * lst.data_bytes
    assert lst.copied > 5 * max(arr.copied, 1 << 20)
    assert m.parent_unchanged


def test_not_available_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(fork_memory, "SMAPS", tmp_path / "missing")
    assert fork_memory.private_dirty() is None
    m = fork_memory.run_fork_memory(elements=10)
    assert not m.available and m.reason and m.reads == ()


def test_bad_input():
    with pytest.raises(ValueError, match="elements"):
        fork_memory.run_fork_memory(elements=0)
