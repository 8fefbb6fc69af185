import pytest

from parallel_python.core.timing import (
    Timing,
    measure,
    measure_rounds,
)


def test_measure_calls_warmup_plus_repeats():
    calls = []
    t = measure(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6
    assert t.repeats == 4 and t.warmup == 2
    assert all(x >= 0 for x in t.times)


def test_statistics():
    t = Timing(times=(3.0, 1.0, 2.0, 5.0), warmup=0)
    assert t.best == 1.0
    assert t.median == 2.5
    assert t.worst == 5.0
    assert t.spread == pytest.approx(4.0)


def test_empty_timing_is_refused():
    with pytest.raises(ValueError):
        Timing(times=(), warmup=0)


def test_round_trip():
    t = Timing(times=(0.1, 0.2), warmup=1)
    assert Timing.from_dict(t.to_dict()) == t


def test_measure_rounds_alternates_the_cases_inside_their_contexts():
    from contextlib import contextmanager

    log = []

    @contextmanager
    def context(key):
        log.append(f"enter {key}")
        yield
        log.append(f"exit {key}")

    cases = {"a": lambda: log.append("a"), "b": lambda: log.append("b")}
    timings = measure_rounds(cases, repeats=2, warmup=1, context=context)
    assert set(timings) == {"a", "b"}
    assert all(t.repeats == 2 and t.warmup == 1 for t in timings.values())
    a_first = ["enter a", "a", "a", "exit a", "enter b", "b", "b", "exit b"]
    b_first = ["enter b", "b", "b", "exit b", "enter a", "a", "a", "exit a"]
    # warm-up and timed call of each; a first in the first round, b in the next
    assert log == a_first + b_first


def test_measure_rounds_rejects_nothing_to_time():
    with pytest.raises(ValueError, match="cases"):
        measure_rounds({})
    with pytest.raises(ValueError, match="repeats"):
        measure_rounds({"a": lambda: None}, repeats=0)


def test_the_collector_is_paused_during_each_timed_call_and_only_then():
    import gc

    from parallel_python.core.timing import measure_rounds, timed_call

    seen = []

    def work():
        seen.append(gc.isenabled())

    assert gc.isenabled()
    measure(work, repeats=3, warmup=2)
    # the warm-up calls run as the caller left the collector; the timed ones paused
    assert seen == [True, True, False, False, False]
    assert gc.isenabled()
    seen.clear()
    measure_rounds({"a": work, "b": work}, repeats=2, warmup=0)
    assert seen == [False] * 4 and gc.isenabled()
    gc.disable()  # a caller who turned it off keeps it off
    try:
        timed_call(work)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError):  # restored after an error too
        timed_call(lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    assert gc.isenabled()
