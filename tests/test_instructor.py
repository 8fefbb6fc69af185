"""The instructor notes' check of which figures make their point in this copy."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from parallel_python import catalogue, instructor
from parallel_python.core.protocol import Ratio

ROOT = Path(__file__).resolve().parents[1]


def ratio(median, low, high):
    return Ratio(median, low, high, low, high, rounds=9, coverage=0.9)


def fake_sampling(cpus: int, busy: float, moves: int):
    used = tuple(range(min(cpus, 3)))
    return NS(
        threads=(object(),) * 3,
        busy_cpus=busy,
        total_moves=moves,
        cpus_used=used,
        cpus_available=tuple(range(cpus)),
    )


def fake_fixes(cpus: int, gains: dict[str, float], processes=None):
    processes = cpus if processes is None else processes
    names = ("no limit", *gains)
    return NS(
        processes=processes,
        default_threads=cpus,
        cpus=cpus,
        fixes=tuple(NS(name=n) for n in names),
        speedup=lambda name: 1.0 if name == "no limit" else gains[name],
    )


def fake_tools(cpus: int, speedups: dict[str, float]):
    runs = {"pure Python": 1.0, **speedups}
    return NS(
        workers=cpus,
        cpus=cpus,
        tools=tuple(runs),
        speedup=lambda tool: runs[tool],
        run=lambda tool: NS(workers=cpus),
    )


def fake_results(cpus: int, gain: Ratio) -> dict:
    point = NS(ratio=gain)
    g = gain.median
    return {
        "race": NS(lost_unsafe=(5, 9, 3), lost_locked=(0, 0, 0)),
        "cpu-sampling": fake_sampling(cpus, min(cpus, 3) * 0.95, 4 if cpus > 1 else 0),
        "blend-fixes": fake_fixes(cpus, {"threadpoolctl around the task": g}),
        "tool-comparison": fake_tools(
            cpus, {"threads": 0.9, "joblib": g, "numba @njit": 80.0}
        ),
        "gil": NS(
            workers_at_cpus=min(cpus, 2),
            cpus=cpus,
            processes_cpu=(point,),
            processes_cpu_at=lambda k: point,
        ),
        "numpy-trick": NS(
            workers_at_cpus=min(cpus, 2), cpus=cpus, numpy_at=lambda k: point
        ),
        "numpy-blas-sweep": NS(
            threads_at_cpus=min(cpus, 4),
            cpus=cpus,
            sizes=(200, 2000),
            ratio=lambda n, t: gain,
        ),
        "mp-integration-sweep": NS(
            processes_at_cpus=min(cpus, 64), cpus=cpus, ratio=lambda p: gain
        ),
    }


def rows(text: str) -> dict[str, list[str]]:
    """figure -> [point, shown ("yes", "no", "not run"), seen, advice]; the
    table names each figure by its experiment and puts the advice after the
    verdict ("no: run ...")."""
    figure = {c.experiment: c.figure for c in instructor.CHECKS}
    out = {}
    for row in re.findall(r"<tr><td>(.*?)</td></tr>", text):
        cells = [re.sub(r"<[^>]+>", "", c) for c in row.split("</td><td>")]
        name, point, seen, verdict = cells
        shown, _, advice = verdict.partition(": ")
        out[figure[name]] = [point, shown, seen, advice]
    return out


@pytest.mark.parametrize("cpus", [2, 64])
def test_a_clear_gain_is_shown(cpus):
    table = rows(instructor.checks_html(fake_results(cpus, ratio(1.8, 1.6, 1.9))))
    assert table["fig-part1-gil"][1] == "yes"
    assert table["fig-mp-sweep"][1] == "yes"
    assert table["fig-part1-race"][1] == "yes"
    assert table["fig-mp-sweep"][3] == ""  # nothing to do instead
    for figure in ("fig-part1-cpus", "fig-blend-fixes", "fig-further-tools"):
        assert table[figure][1] == "yes", figure
    assert f"with {cpus} CPUs available" in table["fig-part1-cpus"][2]
    assert (
        "best fix, threadpoolctl around the task: 1.80×"
        in (table["fig-blend-fixes"][2])
    )
    assert (
        f"joblib ({cpus} workers): 1.80×; numba @njit: 80.0×"
        in (table["fig-further-tools"][2])
    )


def test_an_interval_reaching_down_to_one_is_not_shown():
    table = rows(instructor.checks_html(fake_results(2, ratio(1.3, 1.05, 1.6))))
    assert table["fig-part1-gil"][1] == "no"
    assert "1.30× (1.05–1.60)" in table["fig-part1-gil"][2]
    assert "parallel-python run gil" in table["fig-part1-gil"][3]


def test_one_cpu_says_so_and_advises():
    table = rows(instructor.checks_html(fake_results(1, ratio(1.0, 0.95, 1.05))))
    for figure in ("fig-part1-gil", "fig-numpy-sweep", "fig-mp-sweep"):
        assert table[figure][1] == "no"
        assert "one CPU" in table[figure][2]
        assert table[figure][3]
    for figure in ("fig-part1-cpus", "fig-blend-fixes", "fig-further-tools"):
        assert table[figure][1] == "no", figure
        assert table[figure][3], figure
    assert (
        "1 CPU used, 0 moves between CPUs, with one CPU available"
        in (table["fig-part1-cpus"][2])
    )
    assert table["fig-blend-fixes"][2] == (
        "1 worker × 1 BLAS thread unlimited, on one CPU: nothing to fix"
    )
    assert "joblib (1 worker): 1.00×" in table["fig-further-tools"][2]


def test_race_is_shown_when_most_trials_lose_updates():
    race = NS(lost_unsafe=(5, 0, 3, 7), lost_locked=(0, 0, 0, 0))
    table = rows(instructor.checks_html({"race": race}))
    assert table["fig-part1-race"][1] == "yes"
    assert (
        "updates lost in 3 of 4 trials without a lock; none with it"
        in (table["fig-part1-race"][2])
    )
    half = NS(lost_unsafe=(5, 0, 0, 7), lost_locked=(0, 0, 0, 0))
    assert rows(instructor.checks_html({"race": half}))["fig-part1-race"][1] == "no"
    leaky = NS(lost_unsafe=(5, 4, 3, 7), lost_locked=(0, 1, 0, 0))
    assert rows(instructor.checks_html({"race": leaky}))["fig-part1-race"][1] == "no"


def test_copy_on_write_is_shown_when_the_list_is_copied_and_the_array_not():
    from parallel_python.multiproc.fork_memory import ForkMemory, ReadCost

    def memory(list_copied, array_copied, available=True):
        reads = (
            ReadCost("list", 1000, 0, list_copied),
            ReadCost("array", 1000, 0, array_copied),
        )
        return ForkMemory(100, available, "" if available else "no fork", reads, True)

    shown = rows(instructor.checks_html({"mp-fork-memory": memory(900, 20)}))
    assert shown["fig-mp-fork-memory"][1] == "yes"
    assert (
        "the list reader copied 90 % of it, the array reader 2 %"
        in (shown["fig-mp-fork-memory"][2])
    )
    both = rows(instructor.checks_html({"mp-fork-memory": memory(900, 500)}))
    assert both["fig-mp-fork-memory"][1] == "no"
    none = rows(instructor.checks_html({"mp-fork-memory": memory(0, 0, False)}))
    assert none["fig-mp-fork-memory"][1] == "no"
    assert "not measured: no fork" in none["fig-mp-fork-memory"][2]


@pytest.mark.parametrize("cpus", [2, 64])
def test_figures_that_need_more_than_one_cpu_can_still_miss(cpus):
    results = {
        "cpu-sampling": fake_sampling(cpus, 1.0, 5),  # moved, but one CPU busy
        "blend-fixes": fake_fixes(cpus, {"joblib with its default": 1.05}),
        "tool-comparison": fake_tools(cpus, {"joblib": 1.6, "numba @njit": 1.4}),
    }
    table = rows(instructor.checks_html(results))
    assert table["fig-part1-cpus"][1] == "no"
    assert table["fig-blend-fixes"][1] == "no"  # a fix was needed, none helped
    assert table["fig-further-tools"][1] == "no"  # compiled code was not faster
    fits = fake_fixes(cpus, {"joblib with its default": 3.0}, processes=1)
    table = rows(instructor.checks_html({"blend-fixes": fits}))
    assert table["fig-blend-fixes"][1] == "no"
    assert "nothing to fix" in table["fig-blend-fixes"][2]


def test_a_sampling_without_a_cpu_reading_says_so():
    empty = NS(threads=(), cpus_available=(0, 1))
    table = rows(instructor.checks_html({"cpu-sampling": empty}))
    assert table["fig-part1-cpus"][1] == "no"
    assert "could not say" in table["fig-part1-cpus"][2]


def test_the_one_cpu_build_reads_as_it_should():
    """This checkout's one-CPU results, where they are, through the real types."""
    from parallel_python.core.results import from_data, read_json

    folder = ROOT / "_build" / "one-cpu" / "results"
    typed = {}
    for check in instructor.CHECKS:
        path = folder / f"{check.experiment}.json"
        if path.is_file():
            kind = catalogue.get(check.experiment).result_type
            typed[check.experiment] = from_data(kind, read_json(path)["result"])
    if not typed:
        pytest.skip("no one-CPU build in this checkout")
    table = rows(instructor.checks_html(typed))
    for check in instructor.CHECKS:
        # the race, the oversubscription cliff and copy-on-write need no
        # second CPU
        alone = ("race", "blend-grid", "mp-fork-memory")
        if check.experiment in typed and check.experiment not in alone:
            assert table[check.figure][1] == "no", check.figure


def test_a_missing_result_is_reported_not_guessed():
    table = rows(instructor.checks_html({}))
    assert {cells[1] for cells in table.values()} == {"not run"}


def test_links_are_relative_to_the_notes_and_code_is_marked():
    text = instructor.checks_html({})
    assert 'href="../../book/part1/gil.html#fig-part1-gil"' in text
    assert "<code>parallel-python run gil</code>" in text


def test_every_check_names_a_catalogued_experiment_and_a_real_figure():
    for check in instructor.CHECKS:
        assert catalogue.get(check.experiment)
        page = (ROOT / f"{check.page}.md").read_text(encoding="utf-8")
        assert f"name: {check.figure}" in page, check


def test_a_process_gain_measured_on_one_cpu_is_not_taken_as_the_point():
    """On one CPU a best-over-best 'gain' of the tools is noise: the check says no."""
    noisy = fake_tools(1, {"joblib": 1.3, "numba @njit": 80.0})
    table = rows(instructor.checks_html({"tool-comparison": noisy}))
    assert table["fig-further-tools"][1] == "no"
    assert "one CPU" in table["fig-further-tools"][2]
    clear = fake_tools(2, {"joblib": 1.3, "numba @njit": 80.0})
    table = rows(instructor.checks_html({"tool-comparison": clear}))
    assert table["fig-further-tools"][1] == "yes"
