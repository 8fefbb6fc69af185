"""Part C's catalogue entries: tiny runs round-trip through results files,
their figures, sentences and headlines are made, and the CLI runs them."""

import multiprocessing
import os
import subprocess
import sys

import pytest

from parallel_python import catalogue, results
from parallel_python.machine import describe
from parallel_python.plotting import png_bytes

TINY = {
    "blend-grid": {
        "size": 16,
        "tasks": 2,
        "processes": (1, 2),
        "threads": (1, 2),
        "repeats": 1,
    },
    "blend-fixes": {
        "size": 16,
        "tasks": 2,
        "processes": 2,
        "repeats": 1,
        "joblib": False,
    },
}


def test_part_c_names_are_catalogued():
    assert set(TINY) <= set(catalogue.names())


@pytest.mark.parametrize("name", sorted(TINY))
def test_round_trip_plot_summary_headlines(name, tmp_path):
    experiment = catalogue.get(name)
    result = experiment.run(**TINY[name])
    path = results.save(tmp_path / f"{name}.json", name, result, describe())
    rebuilt = results.from_data(
        experiment.result_type, results.read_json(path)["result"]
    )
    assert rebuilt == result
    assert png_bytes(experiment.plot(result))[:4] == b"\x89PNG"
    assert experiment.summary(result).strip()
    headlines = experiment.headlines(result)
    assert headlines and all(isinstance(v, float) for v in headlines.values())
    assert multiprocessing.active_children() == []


def test_cli_runs_the_grid(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "parallel_python.cli", "run", "blend-grid"]
        + ["--size", "16", "--tasks", "2", "--processes", "1,2", "--threads", "1"]
        + ["--repeats", "1", "--out", str(tmp_path), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "blend-grid.png").read_bytes()[:4] == b"\x89PNG"
    bad = subprocess.run(
        [sys.executable, "-m", "parallel_python.cli", "run", "blend-grid"]
        + ["--size", "0", "--out", str(tmp_path), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "size must be" in bad.stderr
