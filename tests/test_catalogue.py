"""Every catalogue entry: tiny runs (or, for Going further, made-up results for
1, 2 and 64 CPUs) round-trip through results files; figures, sentences and
headlines are made; options name the run function's parameters."""

from __future__ import annotations

import inspect
import multiprocessing
import re
import sys

import pytest

from parallel_python import catalogue
from parallel_python.core import results
from parallel_python.core.machine import describe
from parallel_python.core.style import small_texts
from tests.blending.test_narrate import fake_fixes, fake_grid
from tests.drawing import assert_draws
from tests.further.fakes import (
    fake_chunks,
    fake_cluster,
    fake_ft,
    fake_joblib,
    fake_mpi,
    fake_numba,
    fake_tools,
    fake_waiting,
)
from tests.multiproc.test_narrate_workers import fake_pickling
from tests.multiproc.test_preload import fake_preloaded, fake_startup

#: "1 processes", "1 threads": a count of one with a plural noun.
BAD_PLURAL = re.compile(
    r"(?<![\d.,])1 (processes|threads|workers|CPUs|cores|tasks|rounds|chunks)\b"
)

#: Tiny sizes for every experiment the tests really run.
TINY = {
    # Part 1
    "memory-ladder": {
        "cache_bytes": 4096,
        "ram_bytes": 1 << 16,
        "file_bytes": 1 << 16,
        "repeats": 1,
    },
    "salad": {"wait_seconds": 0.001, "work": 1_000, "repeats": 1, "budget": 0.01},
    "race": {"threads": 2, "increments": 200, "trials": 1},
    "locks": {"timeout": 0.02, "hold": 0.002, "workstations": 2, "cooks": 3},
    "gil": {
        "counts": (1, 2),
        "work": 1_000,
        "wait_seconds": 0.001,
        "repeats": 1,
        "reps": 1,
        "budget": 0.05,
        "probe_seconds": 0.05,
    },
    "gil-handover": {"threads": 2, "seconds": 0.02},
    "numpy-trick": {
        "counts": (1, 2),
        "elements": 1_000,
        "repeats": 1,
        "sorts": 1,
        "budget": 0.01,
    },
    "process-isolation": {},
    "segfault": {},
    "process-start": {"repeats": 1, "thread_repeats": 2},
    "cpu-sampling": {"threads": 1, "seconds": 0.02, "every": 0.001},
    # Part A
    "numpy-blas-sweep": {
        "sizes": (8, 16),
        "threads": (1, 2),
        "repeats": 1,
        "budget": 0.01,
    },
    "numpy-operations": {
        "elements": 100,
        "matrix_size": 8,
        "repeats": 1,
        "budget": 0.01,
        "probe_seconds": None,
    },
    "numpy-thread-settings": {},
    # Part B
    "mp-api-tour": {"tasks": 4, "processes": 2},
    "mp-worker-error": {"tasks": 4},
    "mp-fork-random": {"workers": 2},
    "mp-fork-memory": {"elements": 1000},
    "mp-integration-error": {"points": (10, 100)},
    "mp-integration-sweep": {
        "n": 2000,
        "processes": (1, 2, 3),
        "repeats": 1,
        "budget": 0.05,
        "probe_seconds": 0.05,
    },
    "mp-task-overhead": {"tasks": 20, "chunksizes": (1, 4), "repeats": 1},
    "mp-big-argument": {"elements": 500, "repeats": 1},
    "mp-interactive-main": {"timeout": 30.0},
    "mp-monte-carlo-pi": {"throws_per_chunk": 100, "processes": (1, 2)},
    # Appendix
    "measuring-noise": {
        "seconds": 0.05,
        "window": 0.01,
        "short_task": 0.001,
        "pairs": 5,
    },
}


def _fake_guard(cpus: int):
    from parallel_python.multiproc.main_guard import Demos
    from tests.multiproc.test_narrate import _demo

    failed = max(2, cpus)
    return Demos(
        1.0,
        (
            _demo("fork", "Pool", True, 0, out="[1, 2, 3]"),
            _demo("spawn", "Pool", False, None, failed=failed),
            _demo("spawn", "ProcessPoolExecutor", True, 1, error="Broken", failed=2),
        ),
    )


#: Made-up results: Going further (its tools take seconds to start), and the
#: demos whose real runs their own tests make (tests/multiproc and
#: tests/blending: they start pools under every start method, or wait for a
#: hung pool's timeout).
FAKES = {
    "mp-pickled-tasks": lambda cpus: fake_pickling(),
    "mp-missing-guard": _fake_guard,
    "mp-pool-startup": lambda cpus: fake_startup(cpus, fake_preloaded()),
    "blend-grid": fake_grid,
    "blend-fixes": fake_fixes,
    "waiting": fake_waiting,
    "joblib": fake_joblib,
    "dask-chunks": fake_chunks,
    "dask-cluster": fake_cluster,
    "numba": fake_numba,
    "mpi": fake_mpi,
    "free-threading": lambda cpus: fake_ft(cpus, free=False, gil=True),
    "tool-comparison": fake_tools,
}

#: Figures that every result of these experiments must have.
MUST_PLOT = {"blend-grid", "blend-fixes"}

CASES = [pytest.param(name, None, id=name) for name in TINY] + [
    pytest.param(name, cpus, id=f"{name}-{cpus}cpus")
    for name in FAKES
    for cpus in (1, 2, 64)
]


def test_every_experiment_is_covered_once():
    assert sorted(set(TINY) | set(FAKES)) == sorted(catalogue.names())
    assert not set(TINY) & set(FAKES)
    # made up: Going further, and demos that their own tests run for real
    real_elsewhere = {
        "mp-pickled-tasks",
        "mp-missing-guard",
        "mp-pool-startup",
        "blend-grid",
        "blend-fixes",
    }
    for name in set(FAKES) - real_elsewhere:
        assert catalogue.get(name).page.startswith("book/further/")


@pytest.mark.parametrize(("name", "cpus"), CASES)
def test_round_trip_plot_summary_headlines(name, cpus, tmp_path):
    experiment = catalogue.get(name)
    result = experiment.run(**TINY[name]) if cpus is None else FAKES[name](cpus)
    path = results.save(tmp_path / f"{name}.json", name, result, describe())
    rebuilt = results.from_data(
        experiment.result_type, results.read_json(path)["result"]
    )
    assert rebuilt == result
    if name in MUST_PLOT:
        assert experiment.plot is not None
    if experiment.plot is not None:
        figure = experiment.plot(result)
        assert_draws(figure)
        assert small_texts(figure) == [], "text smaller than 0.85 of the body's"
    if experiment.summary is not None:
        text = experiment.summary(result)
        assert text.strip()
        assert not BAD_PLURAL.search(text), BAD_PLURAL.search(text).group(0)
    headlines = experiment.headlines(result)
    for value in headlines.values():
        assert isinstance(value, float)
    for label, ratio in experiment.ratios(result).items():
        # an interval belongs to a headline, which is its median
        assert headlines[label] == ratio.median
        assert ratio.low <= ratio.median <= ratio.high
    for which, ratio in experiment.one_worker(result).items():
        assert which.startswith("1 ") and ratio.low <= ratio.median <= ratio.high
    for label, workers in experiment.workers(result).items():
        # declared workers belong to a speed-up headline with an interval
        assert label in experiment.intervals(result) and label in headlines
        assert isinstance(workers, int) and workers >= 1
    for label in experiment.waiting(result):
        # waiting work is a speed-up headline with an interval
        assert label in experiment.intervals(result) and label.endswith("(×)")
    assert multiprocessing.active_children() == []


def test_the_waiting_speedups_are_declared_in_the_catalogue():
    """The speed-ups bounded by the number in flight, not the CPUs: the GIL
    page's sleeping threads and the waiting page's threads and tasks."""
    from parallel_python.core.experiment import Experiment

    none = Experiment.__dataclass_fields__["waiting"].default
    declared = {e.name for e in catalogue.EXPERIMENTS if e.waiting is not none}
    assert declared == {"gil", "waiting"}


def test_the_pages_one_worker_checks_are_declared_in_the_catalogue():
    from parallel_python.core.experiment import Experiment

    none = Experiment.__dataclass_fields__["one_worker"].default
    declared = {e.name for e in catalogue.EXPERIMENTS if e.one_worker is not none}
    assert declared == {"gil", "numpy-trick", "mp-integration-sweep", "mpi"}


@pytest.mark.parametrize("name", catalogue.names())
def test_options_are_parameters(name):
    """Each option is a keyword of the run function (its default is the page's size)."""
    experiment = catalogue.get(name)
    parameters = inspect.signature(experiment.run).parameters
    for option in experiment.options:
        assert option.name in parameters, option.name


def test_the_integration_sweep_defaults_are_the_pages_sizes():
    sweep = catalogue.get("mp-integration-sweep")
    defaults = {o.name: o.default for o in sweep.options}
    assert defaults["n"] == 2_000_000 and defaults["repeats"] == 7


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")
def test_segfault_kills_only_the_child():
    r = catalogue.get("segfault").run()
    assert r.signal_name == "SIGSEGV"
    assert r.returncode < 0


def test_catalogue_loads_no_heavy_tool():
    import subprocess

    code = (
        "import sys, parallel_python.catalogue; "
        "print(sorted(m for m in ('numba', 'dask', 'mpi4py') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_budgets_add_up_to_the_build_budget():
    """Each entry declares the seconds it may take at the book's sizes; all
    of them together fit in what the build budget leaves to experiments."""
    # to the hundredth of a second the seconds are declared in: sum() adds
    # decimals such as 0.9 differently from 3.12 on (110.00000000000001)
    total = round(sum(e.seconds for e in catalogue.EXPERIMENTS), 2)
    assert all(e.seconds > 0 for e in catalogue.EXPERIMENTS)
    assert total <= catalogue.experiments_budget(), (
        f"the experiments' budgets add up to {total} s, more than the "
        f"{catalogue.experiments_budget()} s the build budget leaves them"
    )


@pytest.mark.parametrize("name", catalogue.names())
def test_a_rounds_budget_fits_in_its_entry(name):
    """An experiment's own time limit for its rounds (its ``budget`` option)
    cannot exceed the seconds its entry declares."""
    e = catalogue.get(name)
    for option in e.options:
        if option.name == "budget" and option.default is not None:
            assert option.default <= e.seconds, name


def test_ratios_leave_out_headlines_recorded_without_rounds():
    from parallel_python.core.experiment import Experiment
    from parallel_python.core.protocol import ratio_from

    paired = ratio_from([1.0, 1.1, 1.2, 1.3, 1.4])
    experiment = Experiment(
        name="x",
        chapter="c",
        page="p",
        run=lambda: None,
        result_type=object,
        seconds=1.0,
        intervals=lambda r: {"a (×)": paired, "b (×)": None},
    )
    assert experiment.ratios(None) == {"a (×)": paired}
