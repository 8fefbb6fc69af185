"""Part B sentences and figures, from made-up results for 1, 2 and 64 CPUs."""

from __future__ import annotations

import dataclasses
import math

import pytest

from parallel_python.core.text import measured, seconds, times
from parallel_python.core.timing import Timing
from parallel_python.multiproc import narrate as say
from parallel_python.multiproc import narrate_costs as say_costs
from parallel_python.multiproc import plots as plotting_multiproc
from parallel_python.multiproc.amdahl import fit_serial_fraction
from parallel_python.multiproc.api import ApiRun, ApiTour, WorkerError, WorkerErrors
from parallel_python.multiproc.costs import (
    BigArgument,
    ChunkRun,
    PoolStartup,
    StartupTiming,
    TaskOverhead,
)
from parallel_python.multiproc.integration import (
    IntegrationError,
    IntegrationSweep,
    SweepPoint,
)
from parallel_python.multiproc.main_guard import Demo, Demos
from parallel_python.multiproc.montecarlo import MonteCarloPi
from tests.blending.test_narrate_figures import fits
from tests.drawing import assert_draws


def t(seconds: float) -> Timing:
    return Timing(times=(seconds, seconds * 1.05, seconds * 1.1), warmup=1)


def fake_sweep(cpus: int, speedups: dict[int, float], serial: float = 1.0):
    points = tuple(
        SweepPoint(p, 0.01 * p, t(serial / s), math.pi + 1e-13)
        for p, s in sorted(speedups.items())
    )
    fit = fit_serial_fraction(
        [(pt.processes, pt.timing.best) for pt in points], cpus=cpus
    )
    return IntegrationSweep(
        n=2_000_000,
        chunks=24,
        cpus=cpus,
        start_method="fork",
        serial=t(serial),
        serial_value=math.pi + 1e-13,
        exact=math.pi,
        points=points,
        fit=fit,
    )


SWEEPS = {
    1: fake_sweep(1, {1: 0.98, 2: 0.97}),
    2: fake_sweep(2, {1: 0.99, 2: 1.96, 3: 1.9, 4: 1.97}),
    64: fake_sweep(64, {1: 1.0, 2: 1.98, 8: 7.6, 32: 28.0, 64: 50.0, 128: 51.0}),
}


def test_sweep_summary_one_cpu():
    text = say.sweep_summary(SWEEPS[1])
    assert "only one CPU" in text and "take turns" in text


def test_sweep_summary_two_cpus():
    text = say.sweep_summary(SWEEPS[2])
    assert "2 processes on the 2 CPUs" in text
    assert "1.96×" in text and "98 %" in text and "close to perfect" in text
    assert "With 4 processes, more than there are CPUs" in text


def test_sweep_summary_64_cpus():
    text = say.sweep_summary(SWEEPS[64])
    assert "64 processes on the 64 CPUs" in text
    assert "78 %" in text and "short of the ideal" in text


def test_a_shortfall_whose_interval_reaches_the_ideal_is_not_called_short():
    """Median 1.67x on 2 CPUs, but rounds up to 2.22x: the interval reaches 2."""
    wide = dataclasses.replace(
        SWEEPS[2],
        serial=Timing(times=(1.0,) * 5, warmup=1),
        points=(SweepPoint(2, 0.02, Timing((0.5, 0.6, 0.6, 0.6, 0.45), 1), math.pi),),
    )
    r = wide.ratio(2)
    assert r.median < 1.8 <= 2.0 <= r.high
    text = say.sweep_summary(wide)
    assert "short of the ideal" not in text
    assert "its 90 % interval reaches the ideal 2.00×" in text
    assert "cannot say it fell short" in text


def test_an_interval_reaching_zero_allows_no_measurable_serial_part():
    sentence = say.amdahl_sentence(SWEEPS[2].fit, (0.0, 0.032))
    assert "allows any serial fraction from 0 to 3.2 %" in sentence
    assert "comes out at" not in sentence and "would cap" not in sentence


def test_amdahl_sentences_for_1_2_64_cpus():
    assert "nothing to fit" in say.amdahl_sentence(SWEEPS[1].fit)
    two = say.amdahl_sentence(SWEEPS[2].fit)
    assert "exactly two process counts" in two and "not a fit" in two
    many = say.amdahl_sentence(SWEEPS[64].fit)
    assert "least-squares fit over the 5 process counts" in many
    assert "cap the speed-up" in many


def test_amdahl_sentence_negative_fraction_reads_as_zero():
    fit = fit_serial_fraction([(1, 1.0), (2, 0.49)], cpus=2)
    assert fit.serial_fraction < 0
    assert "zero within the noise" in say.amdahl_sentence(fit)


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_prediction_check_and_table(cpus):
    sweep = SWEEPS[cpus]
    text = say.prediction_check(sweep, sweep.processes_at_cpus)
    assert f"ideal prediction is {times(min(sweep.processes_at_cpus, cpus))}" in text
    table = say.sweep_table(sweep)
    assert table.count("\n|") == 2 + len(sweep.points)
    assert "exactly the serial answer" in say.sweep_equal_sentence(sweep)


def with_value(sweep: IntegrationSweep, value: float, n: int = 2_000_000):
    """``sweep`` with every pool and the serial loop giving ``value``."""
    points = tuple(dataclasses.replace(pt, value=value) for pt in sweep.points)
    return dataclasses.replace(sweep, n=n, serial_value=value, points=points)


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_sweep_equal_sentence_computes_the_midpoint_error(cpus):
    # h²/12 at 2,000,000 strips is 2.08e-14; 2.7e-14 leaves about 6e-15
    text = say.sweep_equal_sentence(with_value(SWEEPS[cpus], math.pi + 2.7e-14))
    assert "exactly the serial answer" in text
    assert "differs from π by 2.71 × 10⁻¹⁴" in text
    assert "n = 2,000,000 strips" in text and "h²/12 = 2.08 × 10⁻¹⁴" in text
    assert "the remaining 6.26 × 10⁻¹⁵ is floating-point rounding" in text


def test_sweep_equal_sentence_when_the_rule_explains_it_all():
    n = 1000
    text = say.sweep_equal_sentence(
        with_value(SWEEPS[2], math.pi + (1 / n) ** 2 / 12, n=n)
    )
    assert "h²/12 = 8.33 × 10⁻⁸: that is the difference" in text


def test_sweep_equal_sentence_when_rounding_dominates():
    text = say.sweep_equal_sentence(
        with_value(SWEEPS[2], math.pi + 4.4e-16, n=1_000_000_000)
    )
    assert "h²/12 = 8.33 × 10⁻²⁰" in text
    assert "nearly all of the difference is floating-point rounding" in text


def test_sweep_equal_sentence_when_rounding_cancels_part():
    text = say.sweep_equal_sentence(with_value(SWEEPS[2], math.pi + 1.3e-14))
    assert (
        "h²/12 = 2.08 × 10⁻¹⁴; floating-point rounding took 7.95 × 10⁻¹⁵ off that"
        in text
    )


def test_sweep_equal_sentence_flags_a_pool_that_disagrees():
    sweep = SWEEPS[2]
    wrong = (dataclasses.replace(sweep.points[0], value=3.0),) + sweep.points[1:]
    text = say.sweep_equal_sentence(dataclasses.replace(sweep, points=wrong))
    assert "a bug" in text and "h²/12" in text


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_sweep_figure(cpus):
    assert_draws(plotting_multiproc.plot_integration_sweep(SWEEPS[cpus]))


def test_seconds_units():
    assert seconds(2.5) == "2.50 s"
    assert seconds(0.0123) == "12.3 ms"
    assert seconds(45e-6) == "45.0 µs"
    assert seconds(74e-9) == "74.0 ns"


def _tour(pids: int, unordered: bool) -> ApiTour:
    runs = (
        ApiRun("for loop", "...", (0, 1, 4), True, True, 0),
        ApiRun("Pool.map", "...", (0, 1, 4), True, True, pids),
        ApiRun("Pool.imap_unordered", "...", (1, 0, 4), True, not unordered, pids),
    )
    return ApiTour(3, pids, "fork", runs)


def test_api_tour_summary():
    text = say_costs.api_tour_summary(_tour(2, True))
    assert "All 3 ways" in text and "`Pool.imap_unordered`" in text
    assert "2 worker processes" in text
    one = say_costs.api_tour_summary(_tour(1, False))
    assert "ran every task in their one worker process" in one
    assert "With one worker, tasks finish in the order they are sent" in one
    assert "happened to return" not in one and "spread" not in one
    two = say_costs.api_tour_summary(_tour(2, False))
    assert "happened to return" in two and "2 worker processes" in two
    many = say_costs.api_tour_summary(_tour(64, True))
    assert "spread the tasks over 64 worker processes" in many
    assert "| `Pool.map` |" in say_costs.api_tour_table(_tour(2, True))


def test_worker_error_summary():
    errs = WorkerErrors(
        "spawn", (WorkerError("Pool.map", "ValueError", "boom", True, 0),)
    )
    text = say_costs.worker_error_summary(errs)
    assert "`ValueError: boom`" in text and "no worker process was left" in text


def test_startup_summary():
    s = PoolStartup(
        2,
        "fork",
        (
            StartupTiming("fork", t(0.005), t(0.001)),
            StartupTiming("spawn", t(0.12), t(0.02)),
            StartupTiming("forkserver", t(0.02), t(0.002)),
        ),
    )
    text = say_costs.startup_summary(s)
    assert (
        text.index("`fork` 5.00 ms")
        < text.index("`forkserver`")
        < text.index("`spawn`")
    )
    assert "`spawn` took 24.0 times as long as `fork`" in text
    assert_draws(plotting_multiproc.plot_pool_startup(s))


def test_task_overhead_summary_and_figure():
    n = 1000
    runs = (
        ChunkRun("Pool.map", 1, False, t(n * 23e-6)),
        ChunkRun("Pool.map", 10, False, t(n * 3e-6)),
        ChunkRun("Pool.map", 125, False, t(n * 0.2e-6)),
        ChunkRun("Pool.map", 125, True, t(n * 0.2e-6)),
        ChunkRun("ProcessPoolExecutor.map", 1, True, t(n * 127e-6)),
        ChunkRun("ProcessPoolExecutor.map", 125, False, t(n * 1e-6)),
    )
    o = TaskOverhead(n, 2, "fork", t(n * 74e-9), runs)
    text = say_costs.task_overhead_summary(o)
    assert "74.0 ns" in text and "23.0 µs" in text and "chunks of 125" in text
    assert "127 µs per task with its default `chunksize=1`" in text
    assert_draws(plotting_multiproc.plot_task_overhead(o))


def test_big_argument_summary_and_figure():
    b = BigArgument(
        2_000_000, 4, 2, "fork", t(0.004), t(0.15), t(0.01), t(0.003), t(0.05), True
    )
    text = say_costs.big_argument_summary(b)
    assert "15.3 MiB" in text and "16,000,000 bytes" in text
    assert text.index("Reading it from shared memory") < text.index("making the array")
    assert "a bug" not in text
    bad = BigArgument(
        10, 4, 2, "fork", t(0.004), t(0.15), t(0.01), t(0.003), t(0.05), False
    )
    assert "a bug" in say_costs.big_argument_summary(bad)
    assert_draws(plotting_multiproc.plot_big_argument(b))


def test_integration_error_summary():
    e = IntegrationError((10, 1000), (math.pi + 8.3e-4, math.pi + 8.3e-8), math.pi)
    text = say.integration_error_summary(e)
    assert "100 times the points" in text and "10,000" in text


def _demo(method, api, finished, rc, error="", failed=0, missing=False, out=""):
    return Demo(
        f"{method} {api}",
        method,
        api,
        "code",
        finished,
        rc,
        1.0,
        out,
        error,
        failed,
        missing,
        "AttributeError: x" if missing else "",
    )


def test_missing_guard_summary():
    d = Demos(
        3.0,
        (
            _demo("fork", "Pool", True, 0, out="[1, 2, 3]"),
            _demo("spawn", "Pool", False, None, failed=17),
            _demo(
                "spawn",
                "ProcessPoolExecutor",
                True,
                1,
                error="BrokenProcessPool: abrupt",
                failed=2,
            ),
        ),
    )
    text = say_costs.missing_guard_summary(d)
    assert "printed `[1, 2, 3]`" in text
    assert "17 workers started" in text and "killed the whole process group" in text
    assert "`BrokenProcessPool: abrupt`." in text
    assert "2 workers failed" in text
    one = Demos(
        3.0,
        (
            _demo(
                "spawn", "ProcessPoolExecutor", True, 1, error="Broken: gone.", failed=1
            ),
        ),
    )
    text = say_costs.missing_guard_summary(one)
    assert "1 worker failed" in text and "`Broken: gone`." in text


def test_interactive_summary():
    d = Demos(
        20.0,
        (
            _demo("fork", "ProcessPoolExecutor", True, 0, out="[2, 4, 6]"),
            _demo(
                "spawn",
                "ProcessPoolExecutor",
                True,
                0,
                error="concurrent.futures.process.BrokenProcessPool: gone",
                missing=True,
            ),
        ),
    )
    text = say_costs.interactive_summary(d)
    assert "printed `[2, 4, 6]`" in text
    assert "`AttributeError: x`" in text and "got `BrokenProcessPool`" in text


def test_monte_carlo_summary():
    mc = MonteCarloPi(1, 16, 250_000, "fork", 3.1415, {"1": 3.1415, "2": 3.1415})
    text = say.monte_carlo_summary(mc)
    assert "same to the last digit" in text and "4,000,000 throws" in text
    assert "with 1 and 2 processes" in text
    one = MonteCarloPi(1, 16, 250_000, "fork", 3.1415, {"1": 3.1415})
    assert "with 1 process the" in say.monte_carlo_summary(one)
    bad = MonteCarloPi(1, 16, 250_000, "fork", 3.1415, {"1": 3.1415, "2": 3.2})
    assert "a bug" in say.monte_carlo_summary(bad)


def test_amdahl_gives_a_range_when_the_interval_is_wide():
    fit = SWEEPS[2].fit
    wide = say.amdahl_sentence(fit, (0.01, 0.2))
    assert "from 1 % to 20 %" in wide and "too wide to name one figure" in wide
    narrow = say.amdahl_sentence(fit, (0.01, 0.03))
    assert "comes out at" in narrow


def test_serial_fraction_range_follows_the_speedup_interval():
    lo, hi = SWEEPS[2].serial_fraction_range()
    assert 0.0 <= lo <= hi <= 1.0
    assert SWEEPS[1].serial_fraction_range() is None


def test_headline_labels_say_1_process_not_1_processes():
    from parallel_python.multiproc.entries import _mp_sweep_headlines

    one = _mp_sweep_headlines(SWEEPS[1])
    assert not any("1 processes" in label for label in one)
    assert "speed-up, 1 process (×)" in one
    assert "speed-up, 2 processes (×)" in _mp_sweep_headlines(SWEEPS[2])


def _suptitle(fig) -> str:
    return fig.get_suptitle()


def test_sweep_takeaway_on_1_2_and_64_cpus():
    one = say.sweep_takeaway(SWEEPS[1])
    assert one.startswith("One CPU: 2 processes ")
    two = say.sweep_takeaway(SWEEPS[2])
    assert two.startswith("2 processes (one per CPU): ")
    assert "as fast as the serial loop, efficiency" in two
    many = say.sweep_takeaway(SWEEPS[64])
    assert many.startswith("64 processes (one per CPU): ")
    for cpus in (1, 2, 64):
        fig = plotting_multiproc.plot_integration_sweep(SWEEPS[cpus])
        shown = _suptitle(fig).replace("\u00a0", " ")  # kept together
        assert shown == say.sweep_takeaway(SWEEPS[cpus])
        assert fits(fig)


@pytest.mark.parametrize("processes", [1, 2, 64])
def test_cost_takeaways(processes):
    s = PoolStartup(
        processes,
        "fork",
        (
            StartupTiming("fork", t(0.005), t(0.001)),
            StartupTiming("spawn", t(0.12), t(0.02)),
            StartupTiming("forkserver", t(0.02), t(0.002)),
        ),
    )
    title = say_costs.startup_takeaway(s)
    pool = "1 process" if processes == 1 else f"{processes} processes"
    assert (
        title == f"A pool of {pool}: fork starts in 5.00 ms, spawn takes 24.0× as long"
    )
    fig = plotting_multiproc.plot_pool_startup(s)
    assert _suptitle(fig) == title and fits(fig)
    same = PoolStartup(processes, "spawn", (StartupTiming("spawn", t(0.1), t(0.01)),))
    assert say_costs.startup_takeaway(same).endswith("spawn starts in 100 ms")

    n = 1000
    runs = (
        ChunkRun("Pool.map", 1, False, t(n * 23e-6)),
        ChunkRun("Pool.map", 125, True, t(n * 0.2e-6)),
        ChunkRun("ProcessPoolExecutor.map", 1, True, t(n * 127e-6)),
        ChunkRun("ProcessPoolExecutor.map", 125, False, t(n * 1e-6)),
    )
    o = TaskOverhead(n, processes, "fork", t(n * 74e-9), runs)
    title = say_costs.task_overhead_takeaway(o)
    assert title == ("chunksize=1: 23.0 µs per task; Pool.map's chunks of 125: 200 ns")
    fig = plotting_multiproc.plot_task_overhead(o)
    assert _suptitle(fig) == title and fits(fig)

    b = BigArgument(
        2_000_000,
        4,
        processes,
        "fork",
        t(0.004),
        t(0.15),
        t(0.01),
        t(0.003),
        t(0.05),
        True,
    )
    title = say_costs.big_argument_takeaway(b)
    assert title == "Sending the array with each task: 50.0× the time of not sending it"
    fig = plotting_multiproc.plot_big_argument(b)
    assert _suptitle(fig) == title and fits(fig)
    cheap = dataclasses.replace(b, pickled=t(0.0031))
    assert say_costs.big_argument_takeaway(cheap).endswith(
        "about the time of not sending it"
    )


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_sweep_table_has_five_columns_and_the_intervals(cpus):
    sweep = SWEEPS[cpus]
    table = say.sweep_table(sweep)
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert all(line.count("|") == 6 for line in rows), "five columns"
    p = sweep.processes_at_cpus
    r = sweep.ratio(p)
    mine = next(line for line in rows if line.startswith(f"| {p} |"))
    assert f"{times(r.median)} ({measured(r.low)}–{measured(r.high)})" in mine
    assert "1 timed runs" not in table and "timed run" in table


def test_an_efficiency_above_one_outside_its_interval_is_called_above_the_ideal():
    import dataclasses

    def steady(seconds):
        return Timing(
            times=tuple(seconds * (1 + 0.001 * i) for i in range(9)), warmup=1
        )

    base = SWEEPS[2]
    points = tuple(
        dataclasses.replace(pt, timing=steady(0.45 if pt.processes == 2 else 1.0))
        for pt in base.points
    )
    text = say.sweep_summary(
        dataclasses.replace(base, serial=steady(1.0), points=points)
    )
    assert "above the ideal: even the low end of its 90 % interval" in text
    assert "close to perfect" not in text


def test_sweep_summary_says_when_the_one_process_pool_was_not_1x():
    assert "should run at about 1×" not in say.sweep_summary(SWEEPS[2])
    off = fake_sweep(2, {1: 0.7, 2: 1.96, 4: 1.97})
    text = say.sweep_summary(off)
    assert "The pool of one process should run at about 1×; it ran at 0.70×" in text


def test_sweep_summary_gives_the_speed_up_with_its_interval():
    from parallel_python.core.text import ratio_text

    base = SWEEPS[2]
    rounds = [1.0 / s for s in (1.9, 1.92, 1.95, 1.97, 2.0, 1.93, 1.96, 1.94, 1.91)]
    serial = Timing(times=(1.0,) * 9, warmup=0)
    points = tuple(
        dataclasses.replace(p, timing=Timing(times=tuple(rounds), warmup=0))
        if p.processes == 2
        else dataclasses.replace(p, timing=Timing(times=(p.timing.best,) * 9, warmup=0))
        for p in base.points
    )
    sweep = dataclasses.replace(base, serial=serial, points=points)
    said = ratio_text(sweep.ratio(2))
    assert "(" in said  # nine rounds give an interval
    assert (
        f"the integration ran {said} as fast as the serial loop"
        in say.sweep_summary(sweep)
    )


def test_sweep_summary_calls_a_wide_figure_rough_even_when_close_to_perfect():
    serial = Timing(times=(1.0,) * 7, warmup=1)
    side = Timing(times=(0.5, 0.4, 0.7, 0.5, 0.45, 0.65, 0.5), warmup=1)
    sweep = dataclasses.replace(
        SWEEPS[2],
        serial=serial,
        points=(
            SweepPoint(1, 0.01, serial, math.pi),
            SweepPoint(2, 0.02, side, math.pi),
        ),
    )
    text = say.sweep_summary(sweep)
    assert "close to perfect." in text
    assert "Its 90 % interval is wider than ±15 %: take that figure as rough" in text
    steady = say.sweep_summary(SWEEPS[2])
    assert "as rough" not in steady and "  " not in steady


def test_integration_error_summary_says_as_when_the_cut_is_the_prediction():
    exact = IntegrationError((10, 10_000), (math.pi + 1e-3, math.pi + 1e-9), math.pi)
    text = say.integration_error_summary(exact)
    assert "1,000,000-fold, as an error shrinking like 1/n² predicts" in text
    near = IntegrationError((10, 1000), (math.pi + 8.3e-4, math.pi + 8.0e-8), math.pi)
    assert "close to the 10,000 that" in say.integration_error_summary(near)
    far = IntegrationError((10, 1000), (math.pi + 8.3e-4, math.pi + 8.3e-6), math.pi)
    assert "against the 10,000 that" in say.integration_error_summary(far)


def test_two_processes_against_one_are_said_to_be_so():
    # the one-process pool ran 10 % slower than the serial loop; two
    # processes ran 1.96x as fast as it, 1.76x as fast as the serial loop
    points = (
        SweepPoint(1, 0.01, t(1 / 0.9), math.pi),
        SweepPoint(2, 0.02, t(1 / 0.9 / 1.96), math.pi),
    )
    fit = fit_serial_fraction([(1, 1 / 0.9), (2, 1 / 0.9 / 1.96)], cpus=2)
    sweep = dataclasses.replace(
        SWEEPS[2], points=points, fit=fit, against_one_process=True
    )
    assert say.compared_with(sweep, 2) == "one process"
    assert say.compared_with(sweep, 1) == "the serial loop"
    text = say.sweep_summary(sweep)
    assert "(1.96–1.96) as fast as one process (a new one for every run" in text
    assert "98 %" in text
    assert say.AGAINST_ONE_PROCESS in say.sweep_table(sweep)
    assert "against one process" in say.prediction_check(sweep, 2)
    assert "one process" in say.sweep_takeaway(sweep)
    # the same timings, saved before: every count against the serial loop
    old = dataclasses.replace(sweep, against_one_process=False)
    assert "(1.76–1.76) as fast as the serial loop: a" in say.sweep_summary(old)
    assert "a new one" not in say.sweep_summary(old)
    assert say.AGAINST_ONE_PROCESS not in say.sweep_table(old)


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_a_sweep_against_one_process_reads_so_on_any_machine(cpus):
    sweep = dataclasses.replace(SWEEPS[cpus], against_one_process=True)
    text = say.sweep_summary(sweep)
    if cpus == 1:
        assert "the speed of one process" in text
    else:
        assert "as fast as one process (a new one for every run" in text
    assert "one process" in say.sweep_takeaway(sweep)
    assert say.AGAINST_ONE_PROCESS in say.sweep_table(sweep)
    assert "against one process" in say.prediction_check(
        sweep, sweep.processes_at_cpus if cpus > 1 else 2
    )
