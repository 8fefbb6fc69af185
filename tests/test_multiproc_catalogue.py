"""Part B's catalogue entries: tiny runs round-trip through results files,
and their figures, sentences and headline numbers are made without errors."""

from __future__ import annotations

import pytest

from parallel_python import catalogue, results
from parallel_python.machine import describe
from parallel_python.plotting import png_bytes

TINY = {
    "mp-api-tour": {"tasks": 4, "processes": 2},
    "mp-worker-error": {"tasks": 4},
    "mp-pool-startup": {"processes": 1, "repeats": 1},
    "mp-integration-error": {"points": (10, 100)},
    "mp-integration-sweep": {"n": 2000, "processes": (1, 2, 3), "repeats": 1},
    "mp-task-overhead": {"tasks": 20, "chunksizes": (1, 4), "repeats": 1},
    "mp-big-argument": {"elements": 500, "repeats": 1},
    "mp-interactive-main": {"timeout": 30.0},
    "mp-missing-guard": {"timeout": 2.0},
    "mp-monte-carlo-pi": {"throws_per_chunk": 100, "processes": (1, 2)},
}


def test_part_b_names_are_catalogued():
    assert set(TINY) <= set(catalogue.names())
    assert {n for n in catalogue.names() if n.startswith("mp-")} == set(TINY)


@pytest.mark.parametrize("name", sorted(TINY))
def test_round_trip_plot_summary_headlines(name, tmp_path):
    experiment = catalogue.get(name)
    result = experiment.run(**TINY[name])
    path = results.save(tmp_path / f"{name}.json", name, result, describe())
    rebuilt = results.from_data(
        experiment.result_type, results.read_json(path)["result"]
    )
    assert rebuilt == result
    if experiment.plot is not None:
        assert png_bytes(experiment.plot(result))[:4] == b"\x89PNG"
    if experiment.summary is not None:
        assert experiment.summary(result).strip()
    for value in experiment.headlines(result).values():
        assert isinstance(value, float)


def test_book_defaults_match_the_run_functions():
    """The CLI's defaults are the sizes the page uses."""
    sweep = catalogue.get("mp-integration-sweep")
    defaults = {o.name: o.default for o in sweep.options}
    assert defaults["n"] == 2_000_000 and defaults["repeats"] == 7
