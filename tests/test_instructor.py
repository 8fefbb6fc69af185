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


def fake_results(cpus: int, gain: Ratio) -> dict:
    point = NS(ratio=gain)
    return {
        "race": NS(lost_unsafe=(5, 9, 3), lost_locked=(0, 0, 0)),
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
    out = {}
    for row in re.findall(r"<tr><td>(.*?)</td></tr>", text):
        cells = [re.sub(r"<[^>]+>", "", c) for c in row.split("</td><td>")]
        out[cells[0]] = cells[1:]
    return out


@pytest.mark.parametrize("cpus", [2, 64])
def test_a_clear_gain_is_shown(cpus):
    table = rows(instructor.checks_html(fake_results(cpus, ratio(1.8, 1.6, 1.9))))
    assert table["fig-part1-gil"][1] == "yes"
    assert table["fig-mp-sweep"][1] == "yes"
    assert table["fig-part1-race"][1] == "yes"
    assert table["fig-mp-sweep"][3] == ""  # nothing to do instead


def test_an_interval_reaching_down_to_one_is_not_shown():
    table = rows(instructor.checks_html(fake_results(2, ratio(1.3, 1.05, 1.6))))
    assert table["fig-part1-gil"][1] == "no"
    assert "1.30× (1.05×–1.60×)" in table["fig-part1-gil"][2]
    assert "parallel-python run gil" in table["fig-part1-gil"][3]


def test_one_cpu_says_so_and_advises():
    table = rows(instructor.checks_html(fake_results(1, ratio(1.0, 0.95, 1.05))))
    for figure in ("fig-part1-gil", "fig-numpy-sweep", "fig-mp-sweep"):
        assert table[figure][1] == "no"
        assert "one CPU" in table[figure][2]
        assert table[figure][3]


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
