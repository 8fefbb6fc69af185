"""Each build's own checks in the drift report: speed-ups beyond their bounds."""

from __future__ import annotations

import dataclasses

from parallel_python import cli, drift_report
from parallel_python.core import results
from parallel_python.core.machine import describe
from parallel_python.core.protocol import ratio_from
from parallel_python.further.numba_demo import PARALLEL
from tests.further.fakes import fake_numba


def test_the_workers_a_headline_names_else_the_cpus():
    assert drift_report.workers_of("speed-up, 2 processes, pure Python (×)", 8) == 2
    assert drift_report.workers_of("speed-up, 4 sleeping threads (×)", 8) == 4
    assert drift_report.workers_of("speed-up, 100 asyncio tasks (×)", 8) == 100
    assert drift_report.workers_of("parallel=True, 2 threads over 1 (×)", 8) == 2
    assert drift_report.workers_of("speed-up, 2 ranks (×)", 8) == 2
    assert drift_report.workers_of("speed-up, multiprocessing Pool (×)", 8) == 8
    assert drift_report.workers_of("speed-up, threads = CPUs, largest n (×)", 3) == 3


def _record(folder, name, result):
    """``result`` saved as experiment ``name``'s run on a 2-CPU machine."""
    folder.mkdir()
    machine = dataclasses.replace(describe(), available_cpus=2)
    results.save(folder / f"{name}.json", name, result, machine)


def _save(folder, ratio, threads=2):
    """numba's run with ``ratio`` as parallel=True's gain on ``threads``."""
    r = fake_numba(threads)
    cases = tuple(
        dataclasses.replace(c, ratio=ratio) if c.name == PARALLEL else c
        for c in r.cases
    )
    _record(folder, "numba", dataclasses.replace(r, cases=cases))


def test_a_parallel_speedup_wholly_above_its_workers_is_listed(tmp_path):
    above, within = tmp_path / "above", tmp_path / "within"
    _save(above, ratio_from([2.1, 2.2, 2.15, 2.3, 2.12, 2.18, 2.2]))
    _save(within, ratio_from([1.9, 1.95, 2.05, 1.98, 2.01, 1.97, 1.99]))
    found = drift_report.beyond_bounds(above)
    assert [(n, label, w, why) for n, label, _, _, w, why in found] == [
        ("numba", "parallel=True, 2 threads over 1 (×)", 2, "above the ideal")
    ]
    assert drift_report.beyond_bounds(within) == []
    text = drift_report.beyond_bounds_report([above, within])
    assert "  above: 1\n    numba: parallel=True, 2 threads over 1 (×)  2.10–" in text
    assert "with 2 (above the ideal)" in text
    assert text.endswith("  within: none")


def test_the_drift_command_prints_every_builds_checks(tmp_path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    _save(first, ratio_from([2.1, 2.2, 2.15, 2.3, 2.12, 2.18, 2.2]))
    _save(second, ratio_from([1.9, 1.95, 2.05, 1.98, 2.01, 1.97, 1.99]))
    assert cli.main(["drift", str(first), str(second)]) == 0
    out = capsys.readouterr().out
    assert "one-worker ratios" in out
    assert "above the ideal or the limit outside their interval" in out
    assert "in flight):\n  first: 1\n" in out
    assert "experiments' time against" in out


def test_declared_workers_come_first_and_one_worker_is_not_above_the_ideal():
    """A headline without a count is held to the workers its experiment
    declares (numba's nogil threads: its threads, not the CPUs); one worker
    is the one-worker check's, not an efficiency above 1."""
    declared = {"nogil threads over @njit (×)": 3}
    assert drift_report.workers_of("nogil threads over @njit (×)", 64, declared) == 3
    assert drift_report.workers_of("speed-up, 2 ranks (×)", 64, declared) == 2


def test_a_single_worker_slightly_above_one_is_not_listed(tmp_path):
    from parallel_python.further.numba_demo import ONE_THREAD

    r = dataclasses.replace(fake_numba(2), threads=1)
    r = dataclasses.replace(r, cases=tuple(c for c in r.cases if c.name != ONE_THREAD))
    nogil = ratio_from([1.01, 1.02, 1.03, 1.02, 1.02, 1.01, 1.03])
    cases = tuple(
        dataclasses.replace(c, ratio=nogil) if "nogil" in c.name else c for c in r.cases
    )
    folder = tmp_path / "one"
    _record(folder, "numba", dataclasses.replace(r, cases=cases))
    assert drift_report.beyond_bounds(folder) == []


def _save_gil(folder, sleeping, processes):
    """The GIL page's run on 2 CPUs: 4 sleeping threads and 2 processes at
    the given speed-ups (every round alike)."""
    from tests.part1.test_narrate import fake_gil

    g = fake_gil(2, lambda k: processes if k == 2 else 1.0)
    waits = tuple(
        dataclasses.replace(
            p,
            parallel=dataclasses.replace(
                p.parallel,
                times=tuple(t / sleeping * p.workers for t in p.parallel.times),
            ),
        )
        if p.workers == 4
        else p
        for p in g.threads_wait
    )
    _record(folder, "gil", dataclasses.replace(g, threads_wait=waits))


def test_waiting_work_is_held_to_the_number_in_flight_not_the_cpus(tmp_path):
    _save_gil(tmp_path / "ok", sleeping=3.9, processes=1.9)
    assert drift_report.beyond_bounds(tmp_path / "ok") == []
    _save_gil(tmp_path / "over", sleeping=4.4, processes=2.3)
    found = drift_report.beyond_bounds(tmp_path / "over")
    assert sorted((label, w, why) for _, label, _, _, w, why in found) == [
        ("speed-up, 2 processes, pure Python (×)", 2, "above the ideal"),
        ("speed-up, 4 sleeping threads (×)", 4, "above the limit"),
    ]


def test_cpu_bound_work_with_more_workers_than_cpus_is_held_to_the_cpus(tmp_path):
    folder = tmp_path / "four"
    _save(folder, ratio_from([2.6, 2.7, 2.65, 2.8, 2.62, 2.68, 2.7]), threads=4)
    found = drift_report.beyond_bounds(folder)
    assert [(label, w, why) for _, label, _, _, w, why in found] == [
        ("parallel=True, 4 threads over 1 (×)", 4, "above the limit")
    ]
