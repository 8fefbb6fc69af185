"""Going further's catalogue entries: made-up results (1, 2 and 64 CPUs)
round-trip through results files, and their figures, sentences and headlines
are made without errors; every option names a parameter of the run function."""

from __future__ import annotations

import inspect

import pytest
from test_further_narrate import (
    fake_chunks,
    fake_cluster,
    fake_ft,
    fake_joblib,
    fake_mpi,
    fake_numba,
    fake_tools,
    fake_waiting,
)

from parallel_python import catalogue, results
from parallel_python.machine import describe
from parallel_python.plotting import png_bytes

FAKES = {
    "waiting": fake_waiting,
    "joblib": fake_joblib,
    "dask-chunks": fake_chunks,
    "dask-cluster": fake_cluster,
    "numba": fake_numba,
    "mpi": fake_mpi,
    "free-threading": lambda cpus: fake_ft(cpus, free=False, gil=True),
    "tool-comparison": fake_tools,
}


def test_going_further_names_are_catalogued():
    assert set(FAKES) <= set(catalogue.names())
    for name in FAKES:
        assert catalogue.get(name).page.startswith("book/further/")


@pytest.mark.parametrize("name", sorted(FAKES))
def test_options_are_parameters(name):
    experiment = catalogue.get(name)
    parameters = inspect.signature(experiment.run).parameters
    for option in experiment.options:
        assert option.name in parameters, option.name
        default = parameters[option.name].default
        if option.default is not None and default is not inspect.Parameter.empty:
            assert option.default == default, option.name


@pytest.mark.parametrize("cpus", [1, 2, 64])
@pytest.mark.parametrize("name", sorted(FAKES))
def test_round_trip_plot_summary_headlines(name, cpus, tmp_path):
    experiment = catalogue.get(name)
    result = FAKES[name](cpus)
    path = results.save(tmp_path / f"{name}.json", name, result, describe())
    rebuilt = results.from_data(
        experiment.result_type, results.read_json(path)["result"]
    )
    assert rebuilt == result
    if experiment.plot is not None:
        assert png_bytes(experiment.plot(result))[:4] == b"\x89PNG"
    assert experiment.summary(result).strip()
    for value in experiment.headlines(result).values():
        assert isinstance(value, float)
