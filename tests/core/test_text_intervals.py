"""Headline figures with their intervals, and whether two intervals overlap."""

from __future__ import annotations

import pytest

from parallel_python.core.protocol import Ratio
from parallel_python.core.text import figure_with_interval, intervals_overlap


def r(low, median, high):
    return Ratio(median, low, high, low, high, rounds=9, coverage=0.9)


def test_a_figure_shows_its_interval_when_it_has_one():
    assert figure_with_interval(1.5683) == "1.57"
    assert figure_with_interval(1.5683, r(1.33, 1.57, 1.68)) == "1.57 (1.33–1.68)"


def test_overlap_needs_both_intervals():
    assert intervals_overlap(r(1.3, 1.5, 1.7), r(1.6, 1.8, 2.0)) == "yes"
    assert intervals_overlap(r(1.3, 1.5, 1.7), r(0.9, 1.0, 1.1)) == "no"
    assert intervals_overlap(r(1.3, 1.5, 1.7), None) == "-"


def test_a_figure_and_its_interval_keep_three_significant_figures():
    assert figure_with_interval(160.76) == "161"
    assert figure_with_interval(0.4567, r(0.41234, 0.4567, 0.5)) == ("0.46 (0.41–0.50)")


def test_an_interval_wider_than_the_protocol_allows_gets_a_note():
    from parallel_python.core.meter import Disturbance
    from parallel_python.core.protocol import ratio_from
    from parallel_python.core.readings import unsteady_note

    steady = ratio_from([1.9, 1.92, 1.95, 1.93, 1.94, 1.91, 1.96])
    assert unsteady_note("Its", steady) == ""
    assert unsteady_note("Its", None) == ""
    wide = ratio_from([1.0, 1.9, 1.95, 1.2, 1.97, 1.5, 1.96])
    text = unsteady_note("The `nogil` threads'", wide)
    assert text.startswith("The `nogil` threads' 90 % interval (1.00–1.97) is wider")
    assert "is wider than ±15 %: take that figure as rough; " in text
    # with 7 rounds the 90 % interval is their whole range: said so, not the
    # narrower band of the middle 80 %, which would read as a contradiction
    assert "with its 7 rounds only, that interval is their whole range" in text
    assert "middle 80 %" not in text
    eight = ratio_from([1.0, 1.9, 1.95, 1.2, 1.97, 1.5, 1.96, 1.3])
    assert "the middle 80 % of its 8 rounds ranged from " in unsteady_note("Its", eight)
    busy = Disturbance(3.0, 0.7, 0.0, "")
    assert "other programs used 0.7 CPUs" in unsteady_note("Its", wide, busy)
    # a sentence that gave the interval already is not told it again
    low, high = f"{wide.low:.2f}", f"{wide.high:.2f}"
    assert f"({low}–{high})" in text
    again = unsteady_note("That figure's", wide, stated=True)
    assert again.startswith("That figure's 90 % interval is wider than ±15 %")
    assert low not in again and high not in again


def test_a_one_worker_ratio_off_1_gets_a_sentence_and_one_near_1_none():
    from parallel_python.core.protocol import ratio_from
    from parallel_python.core.readings import one_worker_note

    off = ratio_from([1.4, 1.5, 1.6, 1.7, 1.9])
    text = one_worker_note("One task in one thread", off)
    assert text.startswith("One task in one thread should run at about 1×; it ran ")
    assert "it ran at 1.60× (1.40–1.90), with its 90 % interval: " in text
    near = ratio_from([0.8, 0.95, 1.0, 1.05, 1.3])  # wide, but reaches 0.9-1.1
    assert one_worker_note("One task", near) == ""
    assert one_worker_note("One task", None) == ""


def test_a_speedup_is_written_with_its_interval_when_it_has_one():
    from parallel_python.core.protocol import ratio_from
    from parallel_python.core.text import ratio_text

    r = ratio_from([1.90, 1.93, 1.95, 1.97, 2.00])
    assert ratio_text(r) == "1.95× (1.90–2.00)"
    assert ratio_text(r, 9.0) == "1.95× (1.90–2.00)"  # the rounds' median wins
    assert ratio_text(None, 1.5) == "1.50×"
    with pytest.raises(ValueError, match="a ratio or a value"):
        ratio_text(None)


def _ceiling(ratios):
    import statistics

    from parallel_python.core.ceiling import Ceiling

    return Ceiling(
        k=2,
        seconds=1.0,
        single=100,
        many=(95, 95),
        ratio=statistics.median(ratios) if ratios else 1.9,
        pinned=True,
        cpus=(0, 1),
        note="",
        ratios=tuple(ratios),
        between_rounds=True,
    )


def test_a_ceiling_whose_readings_spread_widely_is_reported_with_its_band():
    from parallel_python.core.readings import ceiling_phrase, unsteady_ceiling

    # one build's GIL page: readings from 1.26x to 2.91x, median 1.99x
    wide = _ceiling([1.73, 1.8, 1.88, 1.99, 1.28, 1.26, 2.05, 2.06, 2.36, 2.91])
    steady = _ceiling([1.94, 1.98, 1.96, 1.99, 2.02, 1.82, 2.13])
    band = unsteady_ceiling(wide)
    assert band == pytest.approx((1.278, 2.415)) and unsteady_ceiling(steady) is None
    text = ceiling_phrase(wide)
    assert "counted 1.94× as fast as one, measured between the rounds" in text
    assert "(the middle 80 % of its 10 readings ranged from 1.28× to 2.42×" in text
    assert "so the CPUs' pace moved while this ran)" in text
    assert "readings" not in ceiling_phrase(steady)
    # one stray reading among steady ones is not enough
    assert unsteady_ceiling(_ceiling([2.0, 1.98, 1.96, 1.99, 2.01, 2.02, 1.2])) is None
    # too few readings to tell
    assert unsteady_ceiling(_ceiling([1.2, 2.0, 2.9, 1.1])) is None
    assert unsteady_ceiling(_ceiling([])) is None
