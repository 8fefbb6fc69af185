"""The ceiling measured between rounds (parallel_python.core.ceiling_live)."""

from __future__ import annotations

import multiprocessing
import statistics

import pytest

from parallel_python.core import ceiling as ceiling_mod
from parallel_python.core import ceiling_live
from parallel_python.core.ceiling import Ceiling
from parallel_python.core.ceiling_live import LiveCeiling, live_ceiling_for
from parallel_python.core.protocol import measure_paired
from parallel_python.core.results import from_data, to_data


def cpus_here() -> int:
    return len(ceiling_mod._affinity() or [0, 1])


def test_one_pair_per_round_and_the_counters_stop_with_the_block():
    k = min(2, cpus_here())
    with LiveCeiling(k, window=0.01) as probe:
        paired = measure_paired(
            {"a": lambda: sum(range(2000)), "b": lambda: sum(range(2000))},
            baseline="a",
            min_rounds=5,
            max_rounds=5,
            budget_seconds=10.0,
            warmup=0,
            between=probe.between,
        )
        c = probe.result()
        counters = list(probe._procs)
        assert len(counters) == k and all(p.is_alive() for p in counters)
    assert not any(p.is_alive() for p in counters)
    assert multiprocessing.active_children() == []
    assert paired.rounds == 5 and probe.pairs == 5
    assert len(c.ratios) == 5 and c.ratio == pytest.approx(statistics.median(c.ratios))
    assert len(c.slowest) == 5 and c.equal_shares <= max(c.ratios)
    assert c.between_rounds and c.k == k and len(c.many) == k
    assert c.single > 0 and all(m > 0 for m in c.many)
    assert "between the rounds" in c.note
    allowed = ceiling_mod._affinity()
    if allowed is not None:  # Linux: each counter pinned to a CPU of ours
        assert c.pinned and c.cpus == tuple(allowed[:k])
    assert from_data(Ceiling, to_data(c)) == c


def test_too_few_pairs_are_topped_up_to_the_seconds_asked_for():
    with LiveCeiling(min(2, cpus_here()), window=0.01, least_seconds=0.03) as probe:
        c = probe.result()
    assert probe.pairs == 3 and len(c.ratios) == 3
    assert c.seconds == pytest.approx(0.03)


def test_pairs_need_the_with_block_and_bad_input_is_refused():
    probe = LiveCeiling(1, window=0.01)
    with pytest.raises(RuntimeError, match="with block"):
        probe.pair()
    with pytest.raises(ValueError, match="at most"):
        LiveCeiling(10_000)
    with pytest.raises(ValueError, match="window"):
        LiveCeiling(1, window=0.0)
    with pytest.raises(ValueError, match="least_seconds"):
        LiveCeiling(1, least_seconds=-1.0)


def test_between_runs_after_every_round_outside_the_budget():
    """With a fake clock: each round takes about 1 s and each call of
    ``between`` 100 s; a 4.5 s budget still allows 5 rounds, not 1."""
    now = [0.0]
    seen = []

    def clock():
        return now[0]

    steps = iter([0.3, 0.7] * 20)  # b's calls: too unsteady to converge

    def work():
        now[0] += 0.5

    def unsteady():
        now[0] += next(steps)

    def between():
        seen.append(now[0])
        now[0] += 100.0

    paired = measure_paired(
        {"a": work, "b": unsteady},
        baseline="a",
        min_rounds=1,
        budget_seconds=4.5,
        warmup=0,
        clock=clock,
        between=between,
        extension=0,  # the unsteady case would earn more rounds
    )
    assert paired.rounds == 5 == len(seen)
    assert paired.stop_reason == "budget"
    assert paired.elapsed == pytest.approx(4.8)  # the rounds alone


def test_live_ceiling_for_only_when_there_is_something_to_compare(monkeypatch):
    monkeypatch.setattr(ceiling_live, "_affinity", lambda: [0, 1])
    for none in (live_ceiling_for(4, None), live_ceiling_for(1, 0.5)):
        assert isinstance(none, ceiling_live.NoCeiling)
    probe = live_ceiling_for(4, 0.5)
    assert isinstance(probe, LiveCeiling)
    assert probe.k == 2 and probe.least_seconds == 0.5
    monkeypatch.setattr(ceiling_live, "_affinity", lambda: [0])
    assert isinstance(live_ceiling_for(4, 0.5), ceiling_live.NoCeiling)
    with pytest.raises(ValueError, match="probe_seconds"):
        live_ceiling_for(2, -1.0)


def test_no_ceiling_does_nothing_and_has_no_result():
    none = ceiling_live.NoCeiling()
    with none as probe:
        probe.between()
        probe.pair()
        assert probe.result() is None and probe.pairs == 0
    assert multiprocessing.active_children() == []


def test_between_rests_then_runs_per_round_pairs(monkeypatch):
    from parallel_python.core import rests

    rested = []
    monkeypatch.setattr(rests, "sleep", rested.append)
    k = min(2, cpus_here())
    with LiveCeiling(k, window=0.01, per_round=3, rest=0.05) as probe:
        probe.between()
        probe.between()
        c = probe.result()
    assert probe.pairs == 6 and len(c.ratios) == 6
    assert rested == [0.05, 0.05]
    with pytest.raises(ValueError, match="per_round"):
        LiveCeiling(1, per_round=0)
    with pytest.raises(ValueError, match="rest"):
        LiveCeiling(1, rest=-0.1)


def test_the_start_up_pair_is_not_kept():
    with LiveCeiling(min(2, cpus_here()), window=0.01) as probe:
        assert probe.pairs == 0  # the counters are up: one pair ran, not kept
        probe.pair()
        c = probe.result()
    assert probe.pairs == 1 and len(c.ratios) == 1


def test_a_counter_that_dies_breaks_the_probe_not_the_experiment(monkeypatch):
    monkeypatch.setattr(ceiling_live, "PAIR_TIMEOUT", 0.5)
    with LiveCeiling(min(2, cpus_here()), window=0.01) as probe:
        probe.pair()
        probe._procs[0].kill()
        probe._procs[0].join()
        probe.between()  # no error: the probe is broken, the rounds go on
        probe.between()
        assert probe.broken
        assert probe.result() is None
    assert multiprocessing.active_children() == []


def test_a_pair_whose_lone_counter_got_no_cpu_is_left_out():
    with LiveCeiling(min(2, cpus_here()), window=0.01) as probe:
        probe.pair()
        probe.pair()
        alone, together = probe._pairs[0]
        probe._pairs[0] = (0, together)  # as if the lone counter never ran
        c = probe.result()
        probe._pairs[1] = (0, probe._pairs[1][1])
        assert probe.result() is None  # no pair left to divide by
    assert c is not None and len(c.ratios) == 1
