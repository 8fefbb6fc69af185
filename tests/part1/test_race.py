"""The race demo: updates are lost without a lock, never with one."""

import sys

import pytest

from parallel_python.part1 import race


def test_unsafe_loses_updates_and_lock_loses_none():
    # A busy machine (other tests, in parallel) can starve the waiting threads
    # of the CPU time they need to ask for the GIL, so one run may lose
    # nothing: up to five runs, and at least one must lose updates.
    for _ in range(5):
        r = race.run_race(threads=4, increments=20_000, trials=3)
        if max(r.lost_unsafe) > 0:
            break
    assert r.expected == 80_000
    assert max(r.lost_unsafe) > 0
    assert r.lost_locked == (0, 0, 0)
    assert all(t.final == r.expected for t in r.locked)
    assert all(0 <= lost <= r.expected for lost in r.lost_unsafe)


def test_switch_interval_is_restored():
    before = sys.getswitchinterval()
    r = race.run_race(threads=2, increments=500, trials=1, switch_interval=1e-5)
    assert sys.getswitchinterval() == before
    assert r.restored_interval == before
    assert r.switch_interval == pytest.approx(1e-5)


def test_switch_interval_restored_even_if_a_run_fails(monkeypatch):
    before = sys.getswitchinterval()

    def boom(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(race, "_run_threads", boom)
    with pytest.raises(RuntimeError):
        race.run_race(threads=2, increments=10, trials=1)
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"threads": 0}, "threads"),
        ({"increments": -1}, "increments"),
        ({"trials": 0}, "trials"),
        ({"switch_interval": 0}, "switch_interval"),
    ],
)
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        race.run_race(**kwargs)
