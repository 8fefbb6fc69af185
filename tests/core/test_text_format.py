"""One number format for the whole book: three significant figures, SI
prefixes for units, separators in counts, and one shape for intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parallel_python.core.text import (
    count,
    duration,
    interval,
    measured,
    number,
    seconds,
    times,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (8.2268e-5, "82.3 µs"),
        (1.234e-3, "1.23 ms"),
        (3.4, "3.40 s"),
        (0.25, "250 ms"),
        (4.56e-8, "45.6 ns"),
        (2.5e-10, "250 ps"),
        (3600.4, "3,600 s"),  # seconds take no prefix above one: no "ks"
        (999.96e-6, "1.00 ms"),  # rounding up crosses into the next prefix
        (0.99996, "1.00 s"),
        (0.0, "0 s"),
    ],
)
def test_times_take_the_prefix_that_suits_them(value, text):
    assert measured(value, "s") == text
    assert duration(value) == text
    assert seconds(value) == text


def test_other_units_take_prefixes_up_and_down():
    assert measured(55.14e9, "FLOP/s") == "55.1 GFLOP/s"
    assert measured(1500, "B") == "1.50 kB"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.95, "1.95"),
        (160.76, "161"),
        (0.534, "0.53"),
        (0.0534, "0.053"),
        (0.996, "1.00"),
        (2, "2.00"),
        (12.345, "12.3"),
        (82268, "82,300"),
        (999.6, "1,000"),
        (0.001, "0.0010"),
        (8.3e-4, "8.30 × 10⁻⁴"),
        (1.23e15, "1.23 × 10¹⁵"),
        (4.2e6, "4,200,000"),
        (4.2e9, "4.20 × 10⁹"),
        (0, "0"),
        (-1.5, "−1.50"),
        (-8.3e-4, "−8.30 × 10⁻⁴"),
    ],
)
def test_a_measured_value_has_three_significant_figures_two_below_one(value, text):
    assert measured(value) == text


def test_no_scientific_notation_or_long_decimals_reach_the_text():
    for x in (8.3e-4, 8.33e-05, 160.76, 1 / 3, 2 / 3 * 1e7, 1e-12):
        for text in (measured(x), measured(x, "s"), times(x)):
            assert "e-" not in text and "e+" not in text
            digits = [c for c in text.split("×")[0] if c.isdigit()]
            significant = "".join(digits).lstrip("0")
            assert len(significant) <= 3 or "," in text, text


def test_negative_times_read_with_a_minus_sign_but_duration_refuses_them():
    assert measured(-0.0123, "s") == "−12.3 ms"
    with pytest.raises(ValueError, match=">= 0"):
        duration(-1.0)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_nan_and_infinity_are_a_clear_error_not_nan_in_a_sentence(bad):
    with pytest.raises(ValueError, match="finite"):
        measured(bad)
    with pytest.raises(ValueError, match="finite"):
        times(bad)
    with pytest.raises(ValueError, match="finite"):
        duration(bad)


def test_a_value_that_is_not_a_number_is_a_clear_error():
    with pytest.raises(ValueError, match="must be a number"):
        measured("fast")


def test_numpy_floats_read_like_python_floats():
    assert measured(np.float64(0.0123), "s") == "12.3 ms"
    assert times(np.float32(1.95)) == "1.95×"


def test_ratios_and_intervals():
    assert times(1.93) == "1.93×"
    assert times(160.76) == "161×"
    assert times(0.5) == "0.50×"
    assert times(300) == "300×"
    assert interval(1.95, 1.9, 2.0) == "1.95× (1.90–2.00)"
    assert interval(160.76, 150.2, 171.9) == "161× (150–172)"


def test_counts_are_exact_with_separators():
    assert count(82268) == "82,268"
    assert count(0) == "0"
    assert count(-3000) == "−3,000"
    assert count(12_000_000_000) == "12,000,000,000"
    assert count(2000.0) == "2,000"
    with pytest.raises(ValueError, match="whole number"):
        count(2.5)
    with pytest.raises(ValueError, match="whole number"):
        count("3")


def test_number_tells_counts_from_measurements_by_type():
    assert number(82268) == "82,268"
    assert number(82268.0) == "82,300"
    assert number(0.0123, "s") == "12.3 ms"
    assert number(3, "s") == "3.00 s"


def test_powers_of_ten_keep_three_figures_and_carry_over():
    assert measured(2.0833e-14) == "2.08 × 10⁻¹⁴"
    assert measured(9.9996e-5) == "1.00 × 10⁻⁴"
    assert measured(9.9996e9) == "1.00 × 10¹⁰"


def test_sizes_in_binary_units_keep_three_figures():
    from parallel_python.core.text import size

    assert size(16 * 2**10) == "16 KiB"
    assert size(int(919.1 * 2**20)) == "919 MiB"
    assert size(int(15.34 * 2**20)) == "15.3 MiB"
    assert size(1500 * 2**30) == "1,500 GiB"
    assert size(100) == "100 bytes"


def test_percentages_are_whole_with_separators():
    from parallel_python.core.text import percent

    assert percent(0.953) == "95 %"
    assert percent(114.73) == "11,473 %"
    with pytest.raises(ValueError, match="finite"):
        percent(math.nan)


def test_gain_gives_the_interval_when_it_has_the_rounds():
    from parallel_python.core.protocol import ratio_from
    from parallel_python.core.text import gain

    r = ratio_from([1.9, 2.0, 1.95, 2.05, 1.98, 2.02, 1.96])
    assert gain(r.median, "serial", r).startswith(f"{r.median:.2f}× (")
    assert gain(1.93, "serial") == "1.93× as fast as serial"
    slow = ratio_from([0.5, 0.52, 0.49, 0.51, 0.5, 0.5, 0.5])
    slower = gain(slow.median, "serial", slow)
    assert slower.startswith("slower than serial, at 0.50× (")


def test_unbroken_keeps_a_value_on_one_line():
    from parallel_python.core.text import unbroken

    assert unbroken("4.07× (2.68–5.92)") == "4.07×\u00a0(2.68–\u20605.92)"
    assert unbroken("43.9 ms") == "43.9\u00a0ms"
    assert unbroken("–") == "–\u2060"  # an empty cell's dash stays a dash


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.005, "5 ms"),
        (0.0001, "100 µs"),
        (1e-6, "1 µs"),
        (1.5, "1.5 s"),
        (0, "0 s"),
        (1500, "1,500 s"),
        (1e6, "1,000,000 s"),
    ],
)
def test_a_setting_keeps_its_own_digits(seconds, text):
    from parallel_python.core.text import setting

    assert setting(seconds) == text


def test_a_negative_setting_is_an_error():
    from parallel_python.core.text import setting

    with pytest.raises(ValueError, match="seconds"):
        setting(-1.0)
