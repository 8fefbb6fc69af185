"""Two runs of the book's experiments, set side by side (``parallel-python drift``)."""

from __future__ import annotations

import dataclasses

import pytest

from parallel_python import catalogue, cli, compare, drift, drift_report
from parallel_python.core import results
from parallel_python.core.machine import describe


def test_a_parallel_speedup_is_held_to_ten_percent_and_others_are_not():
    moved = drift.Move("gil", "speed-up, 2 processes, pure Python (×)", 1.8, 1.5)
    assert moved.parallel_speedup and not moved.steady
    assert moved.change == pytest.approx(1.5 / 1.8 - 1)
    compiled = drift.Move("numba", "speed-up, numba @njit (×)", 80, 160)
    assert not compiled.parallel_speedup and compiled.steady
    seconds = drift.Move("salad", "one step after another (s)", 1.0, 2.0)
    assert not seconds.parallel_speedup and seconds.steady


def test_report_lists_the_biggest_movers_and_counts_the_steady_speedups():
    found = sorted(
        [
            drift.Move("a", "speed-up, 2 threads (×)", 2.0, 2.1),
            drift.Move("b", "speed-up, 2 processes (×)", 2.0, 1.0),
            drift.Move("c", "time (s)", 1.0, 1.01),
        ],
        key=lambda m: -abs(m.change),
    )
    text = drift.report(found, top=2)
    movers = text.split("moved most (2):")[1]
    assert movers.index("b: speed-up") < movers.index("a: speed-up")
    assert "1 of 2 parallel speed-ups within ±10 %" in text
    assert "(more than ±10 %)" in text


def test_report_ranks_the_speedups_apart_from_the_diagnostics():
    """A diagnostic that moved most does not hide the speed-ups: they get a
    list of their own, ranked by the change the verdict judges (divided by
    the ceiling where that is smaller)."""
    found = sorted(
        [
            drift.Move("gil", "tasks found sharing a CPU (share)", 0.01, 0.05),
            drift.Move("a", "speed-up, 2 threads (×)", 2.0, 1.7, (2.0, 1.7)),
            drift.Move("b", "speed-up, 2 processes (×)", 2.0, 1.8),
            drift.Move("c", "@njit over pure Python, per point (×)", 80, 40),
        ],
        key=lambda m: -abs(m.change),
    )
    text = drift.report(found, top=2)
    assert text.split("moved most (2):")[1].split("\n")[1].startswith("  gil:")
    speedups = text.split("parallel speed-ups that moved most (2):")[1]
    # b moved 10 %; a moved 15 %, but nothing once divided by its ceiling
    assert speedups.index("b: speed-up") < speedups.index("a: speed-up")
    assert "-15.0 % (+0.0 % ÷ ceiling)" in speedups and "njit" not in speedups


def _save(folder, name, **sizes):
    result = catalogue.get(name).run(**sizes)
    folder.mkdir(exist_ok=True)
    results.save(folder / f"{name}.json", name, result, describe())


def test_two_folders_of_real_results_are_compared(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        _save(folder, "race", threads=2, increments=200, trials=1)
    found = drift.moves(first, second)
    assert {m.experiment for m in found} == {"race"}
    assert all(m.first >= 0 and m.second >= 0 for m in found)


def test_no_common_experiment_or_no_folder_is_a_clear_error(tmp_path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    _save(first, "race", threads=2, increments=200, trials=1)
    second.mkdir()
    with pytest.raises(ValueError, match="no experiment has results in both"):
        drift.moves(first, second)
    assert cli.main(["drift", str(first), str(tmp_path / "missing")]) == 2
    assert "is not a folder of results" in capsys.readouterr().err


def test_compare_table_shows_intervals_and_whether_they_overlap():
    from types import SimpleNamespace as NS

    from parallel_python.core.protocol import Ratio

    def r(low, median, high):
        return Ratio(median, low, high, low, high, rounds=9, coverage=0.9)

    experiment = NS(
        headlines=lambda x: {"speed-up (×)": x.ratio.median, "time (s)": x.time},
        ratios=lambda x: {"speed-up (×)": x.ratio},
    )
    mine = NS(ratio=r(1.5, 1.6, 1.7), time=1.0)
    book = NS(ratio=r(0.9, 1.0, 1.1), time=2.0)
    text = compare.compare_table(experiment, mine, book)
    speed = next(line for line in text.splitlines() if line.startswith("speed-up"))
    assert "1.60 (1.50–1.70)" in speed and "1.00 (0.90–1.10)" in speed
    assert speed.endswith("no")
    time_row = next(line for line in text.splitlines() if line.startswith("time"))
    assert time_row.endswith("-")
    assert "do not overlap" in text


def test_compare_table_says_when_the_calibrated_work_differs():
    from types import SimpleNamespace as NS

    experiment = NS(headlines=lambda x: {"time (s)": x.time}, ratios=lambda x: {})
    text = compare.compare_table(
        experiment, NS(time=1.0, reps=30), NS(time=2.0, reps=12)
    )
    assert "reps = 30 in yours, 12 in the book's" in text
    sorted_ = compare.compare_table(
        experiment, NS(time=1.0, sorts=3), NS(time=1.0, sorts=4)
    )
    assert "sorts = 3 in yours, 4 in the book's" in sorted_
    same = compare.compare_table(experiment, NS(time=1.0, reps=5), NS(time=2.0, reps=5))
    assert "calibrated" not in same


def test_pathology_ratios_are_held_to_a_floor_not_to_10_percent():
    from parallel_python.drift import Move, report

    found = [
        Move("blend-fixes", "speed-up over no limit, a fix (×)", 2.1, 3.2),
        Move("blend-fixes", "speed-up over no limit, no fix (×)", 1.2, 2.1),
        Move("gil", "speed-up, 2 processes, pure Python (×)", 1.9, 1.95),
    ]
    assert found[0].pathology and not found[0].parallel_speedup
    assert found[0].steady  # +52 %, but a pathology need not stay within 10 %
    text = report(found)
    assert "1 of 1 parallel speed-ups within ±10 %" in text
    assert "1 of 2 pathology ratios at least 2× in both builds" in text
    assert (
        "below 2×: blend-fixes: speed-up over no limit, no fix (×)  1.2 then 2.1"
        in text
    )


def test_a_speedup_that_moved_with_the_machines_ceiling_counts_as_steady():
    label = "speed-up, 2 processes, pure Python (×)"
    # the machine itself got slower between the builds: 1.9 -> 1.6 ceiling
    with_machine = drift.Move("gil", label, 1.8, 1.5, ceilings=(1.9, 1.6))
    assert with_machine.change == pytest.approx(1.5 / 1.8 - 1)
    assert with_machine.scaled_change == pytest.approx((1.5 / 1.6) / (1.8 / 1.9) - 1)
    assert with_machine.steady
    # the ceiling held, the speed-up fell: not steady either way
    alone = drift.Move("gil", label, 1.8, 1.35, ceilings=(2.1, 1.9))
    assert alone.scaled_change == pytest.approx((1.35 / 1.9) / (1.8 / 2.1) - 1)
    assert not alone.steady
    assert drift.Move("gil", label, 1.8, 1.35).scaled_change is None
    text = drift.report([alone, with_machine])
    assert "÷ ceiling" in text and "-17.1 %" in text and "-1.0 %" in text
    assert "1 of 2 parallel speed-ups within ±10 %" in text


def test_waiting_work_is_not_divided_by_the_ceiling():
    from types import SimpleNamespace as NS

    # the GIL page declares its sleeping threads waiting work
    sleepers = ("speed-up, 4 sleeping threads (×)",)
    gil = NS(apart=(), limits=lambda r: {}, waiting=lambda r: sleepers)
    one, two = NS(ceiling=NS(ratio=2.0)), NS(ceiling=NS(ratio=1.5))
    sleeps = drift._ceilings(gil, "speed-up, 4 sleeping threads (×)", one, two)
    assert sleeps == (None, "ceiling")
    counts = drift._ceilings(gil, "speed-up, 2 processes (×)", one, two)
    assert counts == ((2.0, 1.5), "ceiling")
    sleeping = drift.Move("gil", "speed-up, 4 sleeping threads (×)", 3.9, 3.0)
    assert sleeping.scaled_change is None and not sleeping.steady


def test_waiting_speedups_are_divided_by_the_fastest_the_clients_cpu_allows(
    tmp_path,
):
    """With the most in flight the client's own work sets the pace: a build
    whose client needed more CPU time per fetch is slower by as much, and
    the report divides by that limit (one at a time over the CPU time)."""
    import dataclasses

    from tests.further.fakes import T, fake_waiting

    def run(cpu: float, wall: float):
        w = fake_waiting(2)
        cases = tuple(
            dataclasses.replace(c, timing=T(wall, wall), client_cpu=cpu)
            if c.workers == w.most
            else c
            for c in w.cases
        )
        return dataclasses.replace(w, cases=cases)

    # the second client used 30 % more CPU time per fetch, and took 30 % longer
    for folder, w in (
        (tmp_path / "first", run(0.010, 0.012)),
        (tmp_path / "second", run(0.013, 0.0156)),
    ):
        folder.mkdir()
        results.save(folder / "waiting.json", "waiting", w, describe())
    found = {m.label: m for m in drift.moves(tmp_path / "first", tmp_path / "second")}
    threads = found["speed-up, 100 threads (×)"]
    t1 = fake_waiting(2).case("threads", 1).timing.median
    assert threads.ceilings == pytest.approx((t1 / 0.010, t1 / 0.013))
    assert threads.change == pytest.approx(0.012 / 0.0156 - 1)  # -23 %
    assert threads.scaled_change == pytest.approx(0.0, abs=1e-9)
    assert threads.steady
    # the report says it divided by a limit, not by the machine's ceiling
    assert threads.divisor == "limit"
    text = drift.report(list(found.values()))
    row = next(line for line in text.splitlines() if line.startswith("waiting: speed"))
    assert row.endswith("(÷ limit)")
    assert "0.0 % ÷ limit)" in text and "÷ ceiling)" not in text
    # without the CPU time read, nothing to divide by: held to ±10 % as measured
    unread = run(None, 0.012)
    assert (
        drift._ceilings(catalogue.get("waiting"), threads.label, unread, unread)[0]
        is None
    )


def test_a_compile_gain_per_point_is_not_held_to_ten_percent():
    gain = drift.Move("numba", "@njit over pure Python, per point (×)", 127, 98)
    assert not gain.parallel_speedup and gain.steady


def test_the_machines_own_readings_are_reported_not_held_to_ten_percent():
    itself = drift.Move(
        "measuring-noise", "two processes, median of paired rounds (×)", 1.53, 1.19
    )
    assert itself.machine and not itself.parallel_speedup and itself.steady
    biased = drift.Move("measuring-noise", "two processes, min over min (×)", 1.9, 1.7)
    assert biased.machine and not biased.pathology
    lesson = drift.Move("mpi", "speed-up, 2 ranks (×)", 1.96, 1.22)
    text = drift.report([itself, lesson])
    assert "0 of 1 parallel speed-ups" in text
    assert "the machine itself (not held to ±10 %): two processes" in text
    assert "1.53 then 1.19" in text


def test_a_fix_expected_to_fail_is_a_control_not_a_pathology():
    late = drift.Move(
        "blend-fixes", "speed-up over no limit, variable set before fork (×)", 1.0, 0.9
    )
    assert late.control and not late.pathology and not late.parallel_speedup
    text = drift.report([late])
    assert "pathology ratios" not in text
    # not held to a floor or to ±10 %, but shown, with why, however it swung
    swung = dataclasses.replace(late, first=1.32, second=0.973)
    text = drift.report([swung])
    assert "not judged (a fix that cannot take effect" in text
    assert "variable set before fork (×) 1.32 then 0.973" in text
    assert "controls (ratios that show no parallel gain)" not in text


def test_the_lessons_are_checked_against_their_floors():
    found = [
        drift.Move("gil", "speed-up, 2 processes, pure Python (×)", 1.9, 1.8),
        drift.Move("mp-integration-sweep", "efficiency, 2 processes", 0.95, 0.82),
    ]
    text = drift.report(found)
    assert "pure Python (×)  1.9 / 1.8  (at least 1.7): met in both" in text
    assert "efficiency, 2 processes  0.95 / 0.82  (at least 0.85): MISSED" in text
    assert "lessons" not in drift.report([drift.Move("x", "time (s)", 1.0, 1.1)])


def test_one_worker_ratios_are_read_from_the_results_and_banded(tmp_path):
    first = tmp_path / "first"
    _save(
        first,
        "numpy-trick",
        counts=(1,),
        elements=1_000,
        repeats=3,
        sorts=1,
        budget=0.01,
    )
    found = drift_report.one_worker_ratios(first)
    assert [(name, which) for name, which, *_ in found] == [
        ("numpy-trick", "1 sorting thread"),
        ("numpy-trick", "1 pure-Python thread"),
    ]
    # the figures are the recorded result's own one-thread ratios
    saved = results.read_json(first / "numpy-trick.json")
    trick = results.from_data(catalogue.get("numpy-trick").result_type, saved["result"])
    expected = [trick.numpy_at(1).ratio, trick.python_at(1).ratio]
    assert [tuple(row[2:]) for row in found] == [
        (r.median, r.low, r.high) for r in expected
    ]
    text = drift_report.one_worker_report([first])
    assert text.startswith("one-worker ratios (within 0.9–1.1):")
    sort = expected[0]
    verdict = "ok" if 0.9 <= sort.median <= 1.1 else "OUTSIDE"
    assert (
        f"first: numpy-trick, 1 sorting thread: {sort.median:.2f} "
        f"({sort.low:.2f}–{sort.high:.2f}) {verdict}"
    ) in text


def test_a_negative_top_is_a_usage_error(tmp_path, capsys):
    first = tmp_path / "first"
    _save(first, "race", threads=2, increments=200, trials=1)
    assert cli.main(["drift", str(first), str(first), "--top", "-1"]) == 2
    assert "--top must be 0 or more" in capsys.readouterr().err


def test_experiments_over_their_declared_seconds_are_named(tmp_path):
    first = tmp_path / "first"
    result = catalogue.get("race").run(threads=2, increments=200, trials=1)
    declared = catalogue.get("race").seconds
    first.mkdir()
    results.save(first / "race.json", "race", result, describe(), elapsed=declared * 2)
    results.save(first / "locks.json", "locks", None, describe(), elapsed=0.01)
    text = drift_report.budget_report([first])
    total = sum(e.seconds for e in catalogue.EXPERIMENTS)
    assert text.startswith(f"experiments' time against their declared {total:g} s:")
    assert f"first: {declared * 2 + 0.01:.1f} s;" in text
    assert f"race {declared * 2:.1f} s (declared {declared:g})" in text
    assert "locks" not in text  # within its budget
    results.save(first / "race.json", "race", result, describe(), elapsed=declared)
    assert drift_report.budget_report([first]).endswith("over by more than 20 %: none")


def test_the_tool_tables_ceiling_divides_only_its_shared_rounds(tmp_path):
    """dask's and MPI's rows run after the rounds the ceiling was counted
    between: the drift report divides them by their own ceilings, counted
    beside them, and by nothing where a run has none."""
    import dataclasses

    from tests.further.fakes import counted, fake_tools

    for folder, ratio, dask in (
        (tmp_path / "first", 1.9, 1.5),
        (tmp_path / "second", 1.6, 1.8),
    ):
        folder.mkdir()
        table = dataclasses.replace(
            fake_tools(2),
            ceiling=counted(ratio, (90, 90)),
            apart_ceilings=(("dask (LocalCluster)", counted(dask, (90, 90))),),
        )
        results.save(
            folder / "tool-comparison.json", "tool-comparison", table, describe()
        )
    found = {m.label: m for m in drift.moves(tmp_path / "first", tmp_path / "second")}
    assert found["speed-up, multiprocessing Pool (×)"].ceilings == (1.9, 1.6)
    assert found["speed-up, threads (×)"].ceilings == (1.9, 1.6)
    assert found["speed-up, MPI (mpi4py) (×)"].ceilings is None
    dask = found["speed-up, dask (LocalCluster) (×)"]
    assert dask.ceilings == (1.5, 1.8) and dask.divisor == "ceiling"


def test_equal_shares_are_divided_by_the_counters_total(tmp_path):
    """numba's prange and nogil threads cut the loop into one equal piece per
    thread, but the system may move the threads between CPUs, so a slow CPU
    does not hold them to its pace: the drift report divides them by the
    counters' total, not by the ceiling of equal shares."""
    import dataclasses

    from parallel_python.core.ceiling import Ceiling
    from tests.further.fakes import fake_numba

    def save(folder, ratio, slowest):
        folder.mkdir(exist_ok=True)
        probed = Ceiling(
            2, 0.4, 100, (90, 90), ratio, True, (0, 1), "", 0.05, slowest=slowest
        )
        run = dataclasses.replace(fake_numba(2), ceiling=probed)
        results.save(folder / "numba.json", "numba", run, describe())

    first, second = tmp_path / "first", tmp_path / "second"
    save(first, 1.9, (1.8, 1.85, 1.9))
    save(second, 1.7, (1.2, 1.25, 1.3))
    found = {m.label: m for m in drift.moves(first, second)}
    assert found["parallel=True, 2 threads over 1 (×)"].ceilings == (1.9, 1.7)
    assert found["nogil threads over @njit (×)"].ceilings == (1.9, 1.7)


def test_numbas_thread_gains_are_parallel_speedups_its_compiler_gains_not():
    """numba's threads over one thread of the same code are held to ±10 %;
    its gains over pure Python, and its parallel=True code on one thread over
    @njit (other machine code, no threads), are not."""
    held = [
        drift.Move("numba", "parallel=True, 2 threads over 1 (×)", 1.98, 1.7),
        drift.Move("numba", "nogil threads over @njit (×)", 1.96, 1.7),
    ]
    assert all(m.parallel_speedup and not m.steady for m in held)
    exempt = [
        drift.Move("numba", "parallel=True on 1 thread over @njit (×)", 1.05, 0.8),
        drift.Move("numba", "@njit over pure Python, per point (×)", 80, 60),
        drift.Move("tool-comparison", "speed-up, numba parallel=True (×)", 170, 120),
    ]
    assert all(not m.parallel_speedup and m.steady for m in exempt)


def test_controls_are_held_below_no_gain_not_to_ten_percent(tmp_path):
    """The tool table's threads (pure Python, GIL on) are a control: a swing
    from 1.0 to 0.8 keeps its lesson (no gain), and the report says so, with
    the count as if it were a parallel speed-up beside it."""
    import dataclasses

    from tests.further.fakes import T, fake_tools

    def save(folder, threads):
        """The fake table, its threads running ``threads`` times as fast as
        pure Python (0.15 s)."""
        folder.mkdir()
        table = fake_tools(2)
        runs = tuple(
            dataclasses.replace(r, timing=T(0.15 / threads))
            if r.tool == "threads"
            else r
            for r in table.runs
        )
        table = dataclasses.replace(table, runs=runs, gil_enabled=True)
        results.save(
            folder / "tool-comparison.json", "tool-comparison", table, describe()
        )
        return table

    first = save(tmp_path / "first", 1.0)
    entry = catalogue.get("tool-comparison")
    assert entry.controls(first) == ("speed-up, threads (×)",)
    assert entry.controls(dataclasses.replace(first, gil_enabled=False)) == ()
    save(tmp_path / "second", 0.8)
    found = {m.label: m for m in drift.moves(tmp_path / "first", tmp_path / "second")}
    threads = found["speed-up, threads (×)"]
    assert threads.control and threads.declared_control
    assert not threads.parallel_speedup and threads.steady
    text = drift.report(list(found.values()))
    assert (
        "controls (ratios that show no parallel gain) below 1.2× in both builds" in text
    )
    assert "counted as parallel speed-ups instead:" in text


def test_a_control_that_gains_is_named():
    m = drift.Move(
        "gil",
        "speed-up, 2 threads, pure Python (×)",
        1.0,
        1.5,
        None,
        declared_control=True,
    )
    assert m.control and not m.no_gain
    text = drift.report([m])
    assert "0 of 1 controls" in text
    assert (
        "not below 1.2×: gil: speed-up, 2 threads, pure Python (×)  1 then 1.5" in text
    )
    assert "counted as parallel speed-ups instead: 0 of 1 within ±10 %" in text


def test_the_mpi_pages_launch_shown_in_the_tool_table_is_judged_once(tmp_path):
    """Where the tool table's MPI row is the MPI page's launch in both builds,
    its move is that page's: not counted a second time among the speed-ups."""
    import dataclasses

    from tests.further.fakes import fake_mpi, fake_tools

    mpi = "speed-up, MPI (mpi4py) (×)"
    for folder, reused in ((tmp_path / "first", True), (tmp_path / "second", True)):
        folder.mkdir()
        table = dataclasses.replace(fake_tools(2), mpi_from_page=reused)
        results.save(
            folder / "tool-comparison.json", "tool-comparison", table, describe()
        )
        results.save(folder / "mpi.json", "mpi", fake_mpi(2), describe())
    found = drift.moves(tmp_path / "first", tmp_path / "second")
    row = next(m for m in found if m.label == mpi)
    assert row.shown_from == "mpi" and not row.parallel_speedup
    assert any(m.experiment == "mpi" and m.parallel_speedup for m in found)
    text = drift.report(found)
    assert f"tool-comparison: {mpi} (the mpi experiment's)" in text
    # a launch of the table's own in one build: its row is judged as its own
    second = dataclasses.replace(fake_tools(2), mpi_from_page=False)
    results.save(
        tmp_path / "second" / "tool-comparison.json",
        "tool-comparison",
        second,
        describe(),
    )
    found = drift.moves(tmp_path / "first", tmp_path / "second")
    row = next(m for m in found if m.label == mpi)
    assert row.shown_from == "" and row.parallel_speedup
    assert "shown again" not in drift.report(found)
