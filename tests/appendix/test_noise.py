"""The appendix's noise probe: a tiny real run, its arithmetic on made-up
numbers, its sentences for 1, 2 and 64 CPUs, its figure and its entry."""

from __future__ import annotations

import contextlib
import inspect
import itertools
import multiprocessing

import pytest

from parallel_python.appendix import noise as noise_module
from parallel_python.appendix.entries import ENTRIES
from parallel_python.appendix.narrate import (
    millions,
    noise_summary,
    pairs_summary,
    probe_summary,
    short_task_text,
)
from parallel_python.appendix.noise import (
    BLOCK,
    Noise,
    PairRounds,
    Probe,
    probe_windows,
    run_noise,
    spin,
)
from parallel_python.appendix.plots import plot_noise
from parallel_python.core import results
from parallel_python.core.machine import available_cpus, describe
from parallel_python.core.meter import Disturbance
from parallel_python.core.pools import leftover_children
from parallel_python.core.text import duration, percent, times
from tests.drawing import assert_draws

TINY = {"seconds": 0.05, "window": 0.01, "short_task": 0.001, "pairs": 5}
TWO_CPUS = pytest.mark.skipif(available_cpus() < 2, reason="needs two CPUs")


# -- made-up results -----------------------------------------------------------


def probe(rates, window=0.1):
    return Probe(window, tuple(i * window for i in range(len(rates))), tuple(rates))


#: One CPU swinging between about 18 and 33 million steps per second.
SWINGING = probe([18e6, 33e6, 31e6, 17e6, 30e6, 32e6])
#: One CPU within 2 % of 25 million steps per second.
STEADY = probe([25e6, 25.5e6, 24.9e6, 25.2e6])
QUIET = Disturbance(4.0, 0.01, 0.0, "CPUs 0, 1")
BUSY = Disturbance(4.0, 0.5, 0.02, "all CPUs")
UNREAD = Disturbance(4.0, None, None, "per-CPU times not available")


def lucky_alone(rounds=20):
    """A run alone once caught a fast moment (the last round): pairs are steady."""
    alone = [0.020] * rounds
    alone[-1] = 0.014
    pair = [0.022 * (1 + 0.01 * (i % 3)) for i in range(rounds)]
    return PairRounds(400_000, tuple(alone), tuple(pair), "fork")


def steady_pairs(ratio=1.8, rounds=20):
    """Every round gives about ``ratio``; the fastest runs fall in one round."""
    alone = [0.020 * (1 + 0.002 * (i % 5)) for i in range(rounds)]
    pair = [2 * a / ratio for a in alone]
    return PairRounds(400_000, tuple(alone), tuple(pair), "spawn")


def scattered_pairs(rounds=10):
    """Per-round ratios spread evenly from about 0.9× to 2.2×."""
    alone = [0.020] * rounds
    pair = [0.020 * (0.9 + 0.15 * i) for i in range(rounds)]
    return PairRounds(400_000, tuple(alone), tuple(pair), "fork")


def fake(cpus, comparison=None, p=SWINGING, disturbance=QUIET):
    return Noise(3.0, 0.1, 0.02, cpus, p, comparison, disturbance)


# -- a tiny real run -----------------------------------------------------------


def test_tiny_run_has_the_right_shapes_and_leaves_nothing_running():
    before = set(leftover_children())
    n = run_noise(**TINY)
    assert set(leftover_children()) - before == set()
    assert multiprocessing.active_children() == []
    assert len(n.probe.rates) == len(n.probe.starts) == 5
    assert all(r > 0 for r in n.probe.rates)
    assert n.probe.starts[0] == 0 and list(n.probe.starts) == sorted(n.probe.starts)
    assert n.probe.low <= n.probe.median <= n.probe.high
    assert n.cpus == available_cpus()
    assert n.disturbance.seconds >= TINY["seconds"]
    if n.cpus >= 2:
        c = n.comparison
        assert c is not None and c.rounds == 5 and len(c.pair) == 5
        assert c.reps >= 1 and all(t > 0 for t in (*c.alone, *c.pair))
        assert c.ratio.rounds == 5 and c.min_over_min > 0
    else:
        assert n.comparison is None


def test_one_cpu_skips_the_pair_and_starts_no_process(monkeypatch):
    monkeypatch.setattr(noise_module, "available_cpus", lambda: 1)
    started = []
    monkeypatch.setattr(noise_module, "process_pool", started.append)
    n = run_noise(**TINY)
    assert n.cpus == 1 and n.comparison is None and started == []


@TWO_CPUS
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_the_pair_works_with_fresh_workers(method, monkeypatch):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    monkeypatch.setenv("PARALLEL_PYTHON_START_METHOD", method)
    c = noise_module.pair_rounds(0.001, 2)
    assert c.start_method == method and c.rounds == 2


def test_rounds_alternate_who_goes_first(monkeypatch):
    calls = []

    class Pool:
        def map(self, fn, items, chunksize):
            assert fn is noise_module.spin and chunksize == 1
            calls.append(("pair", len(items)))

    @contextlib.contextmanager
    def pool(processes):
        assert processes == 2
        yield Pool()

    monkeypatch.setattr(noise_module, "process_pool", pool)
    monkeypatch.setattr(noise_module, "spin", lambda reps: calls.append("alone"))
    ticks = itertools.count(0.0, 0.01)
    c = noise_module.pair_rounds(0.02, 3, clock=lambda: next(ticks))
    calibration, warm_up, rounds = calls[:1], calls[1:3], calls[3:]
    assert calibration == ["alone"] and warm_up == ["alone", ("pair", 2)]
    assert rounds == ["alone", ("pair", 2), ("pair", 2), "alone", "alone", ("pair", 2)]
    assert c.alone == pytest.approx((0.01,) * 3)
    assert c.pair == pytest.approx((0.01,) * 3)


def test_a_real_result_round_trips_and_draws(tmp_path):
    n = run_noise(**TINY)
    path = results.save(tmp_path / "measuring-noise.json", "x", n, describe())
    assert results.from_data(Noise, results.read_json(path)["result"]) == n
    assert_draws(plot_noise(n))


@pytest.mark.parametrize("comparison", [None, lucky_alone()])
def test_made_up_results_round_trip(comparison, tmp_path):
    n = fake(64, comparison, disturbance=UNREAD)
    path = results.save(tmp_path / "n.json", "measuring-noise", n, describe())
    assert results.from_data(Noise, results.read_json(path)["result"]) == n


# -- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seconds": 0}, "seconds"),
        ({"seconds": -1.0}, "seconds"),
        ({"seconds": float("inf")}, "seconds"),
        ({"window": 0}, "window"),
        ({"seconds": 0.1, "window": 0.2}, "at most seconds"),
        ({"seconds": 10.0, "window": 1e-4}, "windows"),
        ({"short_task": -0.02}, "short_task"),
        ({"pairs": 0}, "pairs"),
        ({"pairs": 2.5}, "pairs"),
        ({"pairs": True}, "pairs"),
        ({"window": "0.1"}, "window"),
    ],
)
def test_bad_input_is_refused_before_measuring(kwargs, match):
    with pytest.raises(ValueError, match=match):
        run_noise(**kwargs)


def test_inconsistent_records_are_refused():
    with pytest.raises(ValueError, match="one start per rate"):
        Probe(0.1, (0.0,), (1e6, 2e6))
    with pytest.raises(ValueError, match="one start per rate"):
        Probe(0.1, (), ())
    with pytest.raises(ValueError, match="as many times alone"):
        PairRounds(10, (0.1, 0.1), (0.1,), "fork")


# -- the arithmetic ------------------------------------------------------------


def test_windows_follow_the_clock():
    """A clock that moves 0.5 s per look: three blocks per 1.2 s window."""
    ticks = iter(x * 0.5 for x in range(100))
    p = probe_windows(3.6, 1.2, clock=lambda: next(ticks))
    assert p.starts == (0.0, 1.5, 3.0)
    assert p.rates == (3 * BLOCK / 1.5,) * 3
    assert p.window == 1.2


def test_probe_figures():
    p = probe([10.0, 30.0, 20.0])
    assert (p.low, p.high, p.median) == (10.0, 30.0, 20.0)
    assert p.swing == pytest.approx(1.0)


def test_min_over_min_and_paired_ratios():
    c = PairRounds(10, (1.0, 0.8, 1.0), (1.0, 1.0, 0.9), "fork")
    assert c.ratios == pytest.approx((2.0, 1.6, 2 / 0.9))
    assert c.min_over_min == pytest.approx(2 * 0.8 / 0.9)
    assert c.ratio.median == pytest.approx(2.0)
    assert c.median_over_median == pytest.approx(2.0)
    assert c.alone_luck == pytest.approx(0.2)
    assert c.pair_luck == pytest.approx(0.1)
    identity = c.median_over_median * (1 - c.alone_luck) / (1 - c.pair_luck)
    assert c.min_over_min == pytest.approx(identity)
    assert spin(4) == 6


# -- sentences: 1, 2 and 64 CPUs -------------------------------------------------


def test_one_cpu_says_the_comparison_was_skipped():
    text = noise_summary(fake(1))
    assert f"{millions(17e6)} to {millions(33e6)} million steps per second" in text
    assert f"a swing of {percent(SWINGING.swing)}" in text
    assert "6 windows of 0.1 s" in text
    assert "needs two CPUs" in text and "one CPU" in text and "skipped" in text
    assert "×" not in text


def test_two_cpus_a_lucky_run_alone_pulls_min_over_min_down():
    c = lucky_alone()
    text = noise_summary(fake(2, c))
    assert c.min_over_min < c.ratio.low
    assert f"**{times(c.min_over_min)}**" in text
    assert f"**{times(c.ratio.median)}**" in text
    assert f"({c.ratio.low:.2f}–{c.ratio.high:.2f}, its 90 % interval)" in text
    assert "fell below that interval" in text and "gained less" in text
    assert f"took {percent(c.alone_luck)} less time" in text
    assert "run alone pulls the minimum over the minimum down" in text
    assert "the swing does not show up as other work" in text
    assert "efficiency above 1" not in text and "wider than" not in text


def test_sixty_four_cpus_agreeing_estimates_and_a_busy_machine():
    c = steady_pairs(1.8)
    text = noise_summary(fake(64, c, p=STEADY, disturbance=BUSY))
    assert c.ratio.low <= c.min_over_min <= c.ratio.high
    assert "cannot tell the two estimates apart" in text
    assert "about equal" in text
    assert "steady" in text and "did not change" not in text
    assert "other programs use 0.50 CPUs" in text and "64 CPUs" in text
    assert "steal time of 0.02 CPUs" in text
    assert "does not show up" not in text


def test_more_than_the_ideal_is_reported_as_such():
    text = pairs_summary(fake(2, steady_pairs(2.4)))
    assert "efficiency above 1" in text and f"above {times(2)}" in text


def test_a_wide_interval_is_reported():
    c = scattered_pairs()
    assert c.ratio.half_width > 0.15
    text = pairs_summary(fake(64, c))
    assert f"reaches {c.ratio.half_width * 100:.1f} %" in text and "wider" in text


def test_too_few_rounds_give_a_range_not_an_interval():
    text = pairs_summary(fake(2, lucky_alone(rounds=3)))
    assert "too few for a 90 % interval" in text and "90 % interval " not in text


def test_no_comparison_on_many_cpus_and_no_meter_reading():
    assert "was not made" in pairs_summary(fake(64))
    assert "had no reading" in probe_summary(fake(2, disturbance=UNREAD))


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_sentences_never_guess_a_cause(cpus):
    comparison = None if cpus == 1 else lucky_alone()
    text = noise_summary(fake(cpus, comparison)).lower()
    for guess in ("probably", "likely", "because of", "due to", "turbo", "thermal"):
        assert guess not in text


# -- the figure and the catalogue entry ----------------------------------------------


@pytest.mark.parametrize(
    ("cpus", "comparison", "panels"),
    [(1, None, 1), (2, "lucky", 2), (64, "scattered", 2)],
)
def test_the_figure_renders(cpus, comparison, panels):
    made = {"lucky": lucky_alone, "scattered": scattered_pairs}
    n = fake(cpus, made[comparison]() if comparison else None)
    fig = plot_noise(n)
    assert len(fig.axes) == panels
    assert fig.get_size_inches()[0] == pytest.approx(6.4)
    assert_draws(fig)


def test_the_entry_uses_the_run_functions_defaults():
    (entry,) = ENTRIES
    assert entry.name == "measuring-noise" and entry.page == "book/appendix/measuring"
    parameters = inspect.signature(run_noise).parameters
    assert {o.name: o.default for o in entry.options} == {
        name: p.default for name, p in parameters.items()
    }


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_headlines_are_floats_and_only_what_was_measured(cpus):
    comparison = None if cpus == 1 else lucky_alone()
    (entry,) = ENTRIES
    headlines = entry.headlines(fake(cpus, comparison))
    assert all(isinstance(v, float) for v in headlines.values())
    assert headlines["swing of one CPU over 0.1 s windows (%)"] == pytest.approx(
        100 * SWINGING.swing
    )
    pair_labels = {k for k in headlines if k.startswith("two processes")}
    assert len(pair_labels) == (0 if comparison is None else 2)
    assert entry.summary(fake(cpus, comparison)).strip()


def test_the_short_task_is_named_by_the_length_it_ran():
    pairs = steady_pairs()
    assert short_task_text(fake(2, pairs)) == duration(pairs.task_seconds)
    assert short_task_text(fake(1)) == "0.02 s"  # skipped: the length asked for


def test_the_pairs_spread_names_what_it_is_the_spread_of():
    text = pairs_summary(fake(2, scattered_pairs()))
    assert "The middle 80 % of the per-round ratios ranged from" in text
    assert "of its rounds" not in text
