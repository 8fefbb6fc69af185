"""Locks: the deadlock is detected by a timeout and never hangs, one lock order
fixes it, Lock refuses and RLock grants re-entry, a semaphore of k never lets
more than k in; the sentences for every outcome."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from parallel_python.core import results
from parallel_python.core.machine import describe
from parallel_python.part1 import locks, narrate_locks
from parallel_python.part1.locks import Cook, Locks, Reentry, Span, TwoLocks
from parallel_python.part1.plots_locks import plot_locks
from tests.drawing import assert_draws

#: Small, quick sizes for the real runs.
#: (a timeout far above ``hold``, so that waiting one's turn on a busy machine
#: is not taken for a deadlock)
QUICK = {"timeout": 0.1, "hold": 0.002, "workstations": 2, "cooks": 4}


@pytest.fixture(scope="module")
def run() -> Locks:
    return locks.run_locks(**QUICK)


def test_opposite_orders_deadlock_and_both_threads_give_up(run):
    assert not run.opposite.same_order
    assert len(run.opposite.gave_up) == 2
    first, second = run.opposite.cooks
    assert first.order == ("A", "B") and second.order == ("B", "A")
    assert {c.gave_up_on for c in run.opposite.cooks} == {"A", "B"}
    assert not run.opposite.completed
    for cook in run.opposite.cooks:
        refused = [s for s in cook.spans if s.kind == "wait" and not s.granted]
        assert [s.lock for s in refused] == [cook.gave_up_on]
        # it waited (about) the timeout, not for ever
        assert refused[0].seconds >= run.timeout * 0.5


def test_one_order_completes(run):
    assert run.same.same_order
    assert run.same.completed
    assert run.same.gave_up == ()
    assert all(c.order == ("A", "B") for c in run.same.cooks)
    for cook in run.same.cooks:
        assert [s.lock for s in cook.spans if s.kind == "hold"] == ["A", "B"]


def test_holding_never_overlaps_in_the_same_order(run):
    """Mutual exclusion, checked from the timeline: no two threads hold A at once."""
    holds = [
        s for c in run.same.cooks for s in c.spans if s.kind == "hold" and s.lock == "A"
    ]
    x, y = holds
    assert x.end <= y.start or y.end <= x.start


def test_lock_refuses_its_holder_and_rlock_grants(run):
    assert run.lock_again.kind == "Lock" and not run.lock_again.granted
    assert run.lock_again.waited >= run.timeout * 0.5
    assert run.rlock_again.kind == "RLock" and run.rlock_again.granted
    assert run.rlock_other_release == "RuntimeError"


def test_semaphore_never_lets_more_than_k_in(run):
    assert 1 <= run.most_inside <= run.workstations
    assert run.plain_admits_after_extra_release == run.workstations + 1
    assert run.bounded_extra_release == "ValueError"


@pytest.mark.parametrize("k", [1, 3])
def test_semaphore_bound_for_other_sizes(k):
    r = locks.run_locks(timeout=0.02, hold=0.002, workstations=k, cooks=6)
    assert 1 <= r.most_inside <= k


def test_no_thread_outlives_the_run():
    before = set(threading.enumerate())
    locks.run_locks(**QUICK)
    assert set(threading.enumerate()) <= before


def test_the_demo_cannot_hang():
    """Run it in a thread and give it a bound: it must be over well before."""
    out: list[Locks] = []
    runner = threading.Thread(
        target=lambda: out.append(locks.run_locks(**QUICK)), daemon=True
    )
    runner.start()
    runner.join(timeout=30)
    assert not runner.is_alive(), "run_locks was still running after 30 s"
    assert out and len(out[0].opposite.gave_up) == 2


def test_round_trip_and_figure(run, tmp_path):
    path = results.save(tmp_path / "locks.json", "locks", run, describe())
    rebuilt = results.from_data(Locks, results.read_json(path)["result"])
    assert rebuilt == run
    assert_draws(plot_locks(run))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"timeout": 0}, "timeout must be a finite number > 0"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": 60.0}, "at most"),
        ({"timeout": "1"}, "timeout"),
        ({"hold": 0}, "hold"),
        ({"timeout": 0.1, "hold": 0.05}, "under half the timeout"),
        ({"workstations": 0}, "workstations"),
        ({"cooks": 1.5}, "cooks"),
        ({"cooks": True}, "cooks"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        locks.run_locks(**kwargs)


# --- sentences, from made-up results ---------------------------------------


def _cook(name, order, waits, holds, finished, gave_up=""):
    spans = tuple(Span("wait", lock, a, b, ok) for lock, a, b, ok in waits) + tuple(
        Span("hold", lock, a, b) for lock, a, b in holds
    )
    longest = max((s.seconds for s in spans if s.kind == "wait"), default=0.0)
    return Cook(name, order, finished, gave_up, longest, spans)


DEADLOCK = TwoLocks(
    same_order=False,
    cooks=(
        _cook(
            "cook 1",
            ("A", "B"),
            [("A", 0.0, 0.0, True), ("B", 0.0, 0.2, False)],
            [("A", 0.0, 0.2)],
            False,
            "B",
        ),
        _cook(
            "cook 2",
            ("B", "A"),
            [("B", 0.0, 0.0, True), ("A", 0.0, 0.2, False)],
            [("B", 0.0, 0.2)],
            False,
            "A",
        ),
    ),
    seconds=0.201,
)

FIXED = TwoLocks(
    same_order=True,
    cooks=(
        _cook(
            "cook 1",
            ("A", "B"),
            [("A", 0.0, 0.0, True), ("B", 0.0, 0.0, True)],
            [("B", 0.0, 0.01), ("A", 0.0, 0.01)],
            True,
        ),
        _cook(
            "cook 2",
            ("A", "B"),
            [("A", 0.0, 0.01, True), ("B", 0.01, 0.01, True)],
            [("B", 0.01, 0.02), ("A", 0.01, 0.02)],
            True,
        ),
    ),
    seconds=0.021,
)

MADE_UP = Locks(
    timeout=0.2,
    hold=0.01,
    opposite=DEADLOCK,
    same=FIXED,
    lock_again=Reentry("Lock", False, 0.2),
    rlock_again=Reentry("RLock", True, 5e-6),
    rlock_other_release="RuntimeError",
    workstations=2,
    cooks=5,
    most_inside=2,
    semaphore_seconds=0.03,
    plain_admits_after_extra_release=3,
    bounded_extra_release="ValueError",
    python="3.12.0",
    gil_enabled=True,
)


def test_deadlock_sentence():
    text = narrate_locks.deadlock_summary(MADE_UP)
    assert text.startswith("Cook 1 took lock A and cook 2 lock B")
    # waits that read as the timeout are not given twice
    assert (
        "cook 1 gave up on lock B and cook 2 gave up on lock A, each when its "
        "timeout of 200 ms ran out. " in text
    )
    assert "(the timeout was" not in text
    assert "deadlock, detected" in text
    assert "201 ms" in text


def test_deadlock_sentence_when_only_one_gives_up_or_none():
    one = dataclasses.replace(
        DEADLOCK,
        cooks=(
            DEADLOCK.cooks[0],
            dataclasses.replace(DEADLOCK.cooks[1], gave_up_on="", finished=True),
        ),
    )
    text = narrate_locks.deadlock_summary(dataclasses.replace(MADE_UP, opposite=one))
    assert "Only cook 1 gave up" in text and "please report it" in text
    none = dataclasses.replace(
        DEADLOCK,
        cooks=tuple(
            dataclasses.replace(c, gave_up_on="", finished=True) for c in DEADLOCK.cooks
        ),
    )
    text = narrate_locks.deadlock_summary(dataclasses.replace(MADE_UP, opposite=none))
    assert "Both got their second lock" in text and "please report it" in text


def test_fixed_order_sentence():
    text = narrate_locks.fixed_order_summary(MADE_UP)
    assert "A before B, both cooks finished, in 21.0 ms" in text
    assert "cook 2's, 10.0 ms for lock A" in text


def _fixed_order_giving_up_after(seconds):
    """The fixed-order sentence when cook 2 gave up on lock A after ``seconds``."""
    late = dataclasses.replace(
        FIXED,
        cooks=(
            FIXED.cooks[0],
            _cook("cook 2", ("A", "B"), [("A", 0.0, seconds, False)], [], False, "A"),
        ),
    )
    return narrate_locks.fixed_order_summary(dataclasses.replace(MADE_UP, same=late))


def test_fixed_order_sentence_when_a_wait_runs_past_the_timeout():
    text = _fixed_order_giving_up_after(0.2)
    assert "cook 2 gave up on lock A, when its timeout of 200 ms ran out" in text
    # a wait that reads otherwise than the timeout is given, with the timeout
    text = _fixed_order_giving_up_after(0.25)
    assert "cook 2 gave up on lock A after 250 ms (the timeout was 200 ms)" in text
    assert "no deadlock" in text and "cannot tell the two apart" in text


def test_reentry_sentence():
    text = narrate_locks.reentry_summary(MADE_UP)
    assert "refused when its timeout of 200 ms ran out" in text
    assert "`threading.RLock` let its owner in again at once, without waiting" in text
    assert "got a `RuntimeError`" in text


def test_reentry_sentence_for_impossible_outcomes():
    odd = dataclasses.replace(
        MADE_UP,
        lock_again=Reentry("Lock", True, 1e-6),
        rlock_again=Reentry("RLock", False, 0.2),
        rlock_other_release="",
    )
    text = narrate_locks.reentry_summary(odd)
    assert text.count("please report it") == 3


@pytest.mark.parametrize(
    "k, most, expected",
    [
        (2, 2, "At most 2 were ever inside at once, as many as the semaphore allows"),
        (3, 1, "At most 1 was ever inside at once, fewer than the 3 allowed"),
        (1, 1, "1 workstation guarded by a `BoundedSemaphore(1)`"),
        (2, 3, "At one moment 3 were inside at once, which should not happen"),
    ],
)
def test_semaphore_sentence(k, most, expected):
    r = dataclasses.replace(
        MADE_UP,
        workstations=k,
        most_inside=most,
        plain_admits_after_extra_release=k + 1,
    )
    text = narrate_locks.semaphore_summary(r)
    assert expected in text
    assert f"grant {k + 1} acquires" in text
    assert "one more than its" in text
    assert "`ValueError`" in text


def test_semaphore_sentence_when_bounded_accepts():
    r = dataclasses.replace(
        MADE_UP, bounded_extra_release="", plain_admits_after_extra_release=2
    )
    text = narrate_locks.semaphore_summary(r)
    assert "where 3 were expected" in text
    assert "accepted the extra release, which should not happen" in text


def test_summary_and_headlines(run):
    text = narrate_locks.locks_summary(MADE_UP)
    assert text.count("\n\n") == 3
    assert narrate_locks.locks_summary(run).strip()
    heads = narrate_locks.locks_headlines(MADE_UP)
    assert heads["most threads inside the semaphore"] == 2.0
    assert all(isinstance(v, float) for v in heads.values())
