"""The machine probes: their arithmetic on made-up readings, then one real run each."""

from __future__ import annotations

import multiprocessing
import statistics
import subprocess
import sys

import pytest

from parallel_python.core import ceiling as ceiling_mod
from parallel_python.core import ceiling_live, meter
from parallel_python.core.ceiling import (
    Ceiling,
    ceiling,
    ceiling_from_counts,
    slowest_from_counts,
)
from parallel_python.core.meter import Disturbance, Meter, disturbance_from
from parallel_python.core.pools import leftover_children
from parallel_python.core.results import from_data, to_data

FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def cpu(**values: float) -> dict[str, float]:
    """One CPU's times (seconds), Linux fields, zero unless given."""
    reading = dict.fromkeys((*FIELDS, "guest", "guest_nice"), 0.0)
    reading.update(values)
    return reading


BEFORE = [cpu(user=10, system=2, idle=100, steal=0.5), cpu(user=20, idle=90)]
# CPU 0: +1.5 s busy (guest time is part of user already), +0.1 s steal
# CPU 1: +1.5 s busy, +0.1 s steal, +0.5 s idle
AFTER = [
    cpu(user=11, system=2.5, idle=100, steal=0.6, guest=0.3),
    cpu(user=21.5, idle=90.5, steal=0.1),
]


# -- ceiling -------------------------------------------------------------------


def test_ceiling_from_counts():
    assert ceiling_from_counts(100, [90, 95]) == pytest.approx(1.85)
    assert ceiling_from_counts(100, [100]) == 1.0


@pytest.mark.parametrize(
    ("single", "many"), [(0, [1]), (-5, [1]), (10, []), (10, [5, -1]), (10, [1.5])]
)
def test_ceiling_from_counts_refuses_bad_counts(single, many):
    with pytest.raises(ValueError):
        ceiling_from_counts(single, many)
    with pytest.raises(ValueError):
        slowest_from_counts(single, many)


def test_equal_shares_wait_for_the_slowest_counter():
    # two equal shares end when the slower CPU's share does
    assert slowest_from_counts(100, [100, 76]) == pytest.approx(1.52)
    assert slowest_from_counts(100, [90, 95]) == pytest.approx(1.80)
    assert slowest_from_counts(100, [100]) == 1.0
    c = Ceiling(2, 0.15, 300, (270, 240), 1.70, True, (0, 1), "", 0.05)
    assert c.equal_shares is None  # saved before it was counted
    c = Ceiling(
        2, 0.15, 300, (270, 240), 1.70, True, (0, 1), "", 0.05, slowest=(1.5, 1.6, 1.2)
    )
    assert c.equal_shares == 1.5
    assert from_data(Ceiling, to_data(c)) == c


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"k": 0}, "k"), ({"k": 1, "seconds": 0.0}, "seconds")]
)
def test_ceiling_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ceiling(**kwargs)


def test_ceiling_refuses_more_cpus_than_available():
    with pytest.raises(ValueError, match="at most"):
        ceiling(10_000, seconds=0.01)


def test_ceiling_runs_and_leaves_no_process_behind():
    k = min(2, len(ceiling_mod._affinity() or [0, 1]))
    c = ceiling(k, seconds=0.05)
    assert isinstance(c, Ceiling)
    assert c.k == k and len(c.many) == k
    assert c.single > 0 and all(m > 0 for m in c.many)
    assert c.ratios and c.ratio == pytest.approx(statistics.median(c.ratios))
    assert len(c.slowest) == len(c.ratios)
    assert all(s <= r for s, r in zip(c.slowest, c.ratios, strict=True))
    assert c.pinned == bool(c.cpus)
    assert c.note
    assert multiprocessing.active_children() == []
    assert leftover_children() == ()
    assert from_data(Ceiling, to_data(c)) == c


# -- disturbance ---------------------------------------------------------------


def test_other_work_is_busy_time_minus_our_own():
    d = disturbance_from(BEFORE, AFTER, 5.0, 6.0, 2.0, [0, 1])
    assert d.seconds == 2.0
    assert d.other_cpus == pytest.approx((3.0 - 1.0) / 2.0)
    assert d.steal_cpus == pytest.approx(0.2 / 2.0)
    assert "CPUs 0, 1" in d.note


def test_only_the_affinity_set_counts():
    d = disturbance_from(BEFORE, AFTER, 5.0, 6.0, 2.0, [1])
    assert d.other_cpus == pytest.approx((1.5 - 1.0) / 2.0)
    assert d.steal_cpus == pytest.approx(0.1 / 2.0)


def test_no_affinity_set_means_all_cpus():
    d = disturbance_from(BEFORE, AFTER, 0.0, 0.0, 1.0, None)
    assert d.other_cpus == pytest.approx(3.0)
    assert d.note == "all CPUs"


def test_other_work_is_clamped_at_zero():
    d = disturbance_from(BEFORE, AFTER, 0.0, 10.0, 2.0, [0, 1])
    assert d.other_cpus == 0.0


def test_unavailable_readings_give_none():
    d = disturbance_from(None, AFTER, 5.0, 6.0, 2.0, [0])
    assert (d.other_cpus, d.steal_cpus) == (None, None)
    assert "not available" in d.note
    d = disturbance_from(BEFORE, AFTER[:1], 5.0, 6.0, 2.0, [0])
    assert (d.other_cpus, d.steal_cpus) == (None, None)


def test_unavailable_own_time_keeps_the_steal():
    d = disturbance_from(BEFORE, AFTER, None, 6.0, 2.0, [0, 1])
    assert d.other_cpus is None
    assert d.steal_cpus == pytest.approx(0.1)
    assert "own CPU time not available" in d.note


def test_no_steal_field_gives_no_steal():
    before = [{"user": 1.0, "system": 1.0, "idle": 5.0}]
    after = [{"user": 2.0, "system": 1.5, "idle": 5.5}]
    d = disturbance_from(before, after, 0.0, 0.5, 1.0, [0])
    assert d.other_cpus == pytest.approx(1.0)
    assert d.steal_cpus is None


def test_a_renumbered_container_uses_all_its_cpus():
    # affinity names host CPUs 3 and 7; /proc/stat shows the container's two
    d = disturbance_from(BEFORE, AFTER, 5.0, 6.0, 2.0, [3, 7])
    assert d.other_cpus == pytest.approx(1.0)
    assert "numbered differently" in d.note


def test_an_unmatchable_affinity_set_gives_none():
    d = disturbance_from(BEFORE, AFTER, 5.0, 6.0, 2.0, [5])
    assert (d.other_cpus, d.steal_cpus) == (None, None)
    assert "cannot be matched" in d.note


def test_disturbance_needs_a_window():
    with pytest.raises(ValueError, match="seconds"):
        disturbance_from(BEFORE, AFTER, 5.0, 6.0, 0.0, [0])


def test_a_disturbance_round_trips():
    d = disturbance_from(BEFORE, AFTER, None, None, 2.0, [0])
    assert from_data(Disturbance, to_data(d)) == d


# -- the meter, for real -------------------------------------------------------


def test_meter_measures_a_window():
    m = Meter()
    with pytest.raises(RuntimeError, match="no result"):
        m.result  # noqa: B018
    with m:
        sum(range(100_000))
    d = m.result
    assert d.seconds > 0
    assert d.other_cpus is None or d.other_cpus >= 0
    assert d.steal_cpus is None or d.steal_cpus >= 0


def test_meter_records_none_when_per_cpu_times_are_missing(monkeypatch):
    monkeypatch.setattr(meter, "_cpu_readings", lambda: None)
    monkeypatch.setattr(meter, "SHORTEST_WINDOW", 0.0)
    with Meter() as m:
        pass
    assert m.result.other_cpus is None and "not available" in m.result.note


def test_own_tree_counts_a_child_that_exited_and_was_reaped():
    before = meter._own_tree_seconds()
    code = (
        "import time\n"
        "end = time.process_time() + 0.05\n"
        "while time.process_time() < end: pass\n"
        "print(time.process_time())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    after = meter._own_tree_seconds()
    assert before is not None and after is not None
    # the child's CPU time, to the 10 ms tick of the kernel's accounting
    assert after - before >= float(out.stdout) - 0.02


def test_the_ceiling_is_the_median_of_paired_windows_in_alternating_order(
    monkeypatch,
):
    """Each round pairs a window alone with a window together, alone first in
    even rounds; the ratio is the median of the rounds' ratios, so one slow
    window alone (a swing of the machine) does not move it."""
    seen = {}
    together_steps = iter([190, 200, 180, 190])  # process 0's steps together
    alone_steps = iter([100, 100, 50, 100])  # round 2 alone was a slow moment

    def fake_windows(cpus, plan, window):
        seen["plan"], seen["window"] = list(plan), window
        steps = {}
        for w, together in enumerate(plan):
            if together:
                mine = next(together_steps)
                steps.update({(i, w): mine for i in range(len(cpus))})
            else:
                steps[(0, w)] = next(alone_steps)
        return steps, True

    monkeypatch.setattr(ceiling_mod, "_run_windows", fake_windows)
    monkeypatch.setattr(ceiling_mod, "_affinity", lambda: [0, 1])
    c = ceiling(2, seconds=0.2)
    assert seen["window"] == pytest.approx(0.05)
    assert seen["plan"] == [False, True, True, False, False, True, True, False]
    assert c.ratios == pytest.approx((3.8, 4.0, 7.2, 3.8))
    assert c.ratio == pytest.approx(3.9)  # the median, not 2 * 760 / 350
    assert c.single == 350 and c.many == (760, 760) and c.pinned


def test_window_plan_refuses_no_rounds():
    assert ceiling_mod.window_plan(1) == [False, True]
    with pytest.raises(ValueError, match="rounds"):
        ceiling_mod.window_plan(0)


def test_ceiling_for_probes_at_most_the_cpus_and_only_when_asked(monkeypatch):
    calls = []

    def fake_windows(cpus, plan, window):
        calls.append(len(cpus))
        return {(i, w): 100 for w in range(len(plan)) for i in range(len(cpus))}, True

    monkeypatch.setattr(ceiling_mod, "_run_windows", fake_windows)
    for module in (ceiling_mod, ceiling_live):
        monkeypatch.setattr(module, "_affinity", lambda: [0, 1])
    assert ceiling_live.ceiling_for(4, None) is None  # no probe asked for
    assert ceiling_live.ceiling_for(1, 0.5) is None  # one worker has no ceiling
    probed = ceiling_live.ceiling_for(4, 0.5)
    assert probed is not None and probed.k == 2 and calls == [2]
    assert probed.ratio == pytest.approx(2.0)
    monkeypatch.setattr(ceiling_live, "_affinity", lambda: [0])
    assert ceiling_live.ceiling_for(4, 0.5) is None  # one CPU: nothing to compare
    with pytest.raises(ValueError, match="probe_seconds"):
        ceiling_live.ceiling_for(2, -1.0)
    with pytest.raises(ValueError, match="workers"):
        ceiling_live.ceiling_for(0, 0.5)


def test_a_window_too_short_for_the_ticks_gets_no_reading():
    from parallel_python.core.meter import SHORTEST_WINDOW

    d = disturbance_from(BEFORE, AFTER, 5.0, 6.0, SHORTEST_WINDOW / 10, [0, 1])
    assert d.other_cpus is None and d.steal_cpus is None
    assert "too short" in d.note
    assert disturbance_from(BEFORE, AFTER, 5.0, 6.0, SHORTEST_WINDOW, [0, 1]).other_cpus
