"""Part 1's catalogue entries: tiny runs round-trip through results files,
and their figures and sentences are made without errors."""

import multiprocessing
import sys

import pytest

from parallel_python import catalogue, results
from parallel_python.machine import describe
from parallel_python.plotting import png_bytes

TINY = {
    "memory-ladder": {
        "cache_bytes": 4096,
        "ram_bytes": 1 << 16,
        "file_bytes": 1 << 16,
        "repeats": 1,
    },
    "salad": {"wait_seconds": 0.001, "work": 1_000, "repeats": 1},
    "race": {"threads": 2, "increments": 200, "trials": 1},
    "gil": {"counts": (1, 2), "work": 1_000, "wait_seconds": 0.001, "repeats": 1},
    "numpy-trick": {"counts": (1, 2), "elements": 1_000, "repeats": 1},
    "process-isolation": {},
    "segfault": {},
    "process-start": {"repeats": 1, "thread_repeats": 2},
    "cpu-sampling": {"threads": 1, "seconds": 0.02, "every": 0.001},
}


def test_part1_names_are_catalogued():
    assert set(TINY) <= set(catalogue.names())


@pytest.mark.parametrize("name", sorted(TINY))
def test_round_trip_plot_and_summary(name, tmp_path):
    experiment = catalogue.get(name)
    result = experiment.run(**TINY[name])
    path = results.save(tmp_path / f"{name}.json", name, result, describe())
    saved = results.read_json(path)
    rebuilt = results.from_data(experiment.result_type, saved["result"])
    assert rebuilt == result
    if experiment.plot is not None:
        assert png_bytes(experiment.plot(result))[:4] == b"\x89PNG"
    if experiment.summary is not None:
        assert experiment.summary(result).strip()
    for value in experiment.headlines(result).values():
        assert isinstance(value, float)
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
def test_segfault_kills_only_the_child():
    r = catalogue.get("segfault").run()
    assert r.signal_name == "SIGSEGV"
    assert r.returncode < 0


def test_recipe_figure():
    from parallel_python import plotting_part1, salad

    assert png_bytes(plotting_part1.plot_recipe(salad.SHOPSKA))[:4] == b"\x89PNG"
    assert png_bytes(plotting_part1.plot_kitchen())[:4] == b"\x89PNG"
