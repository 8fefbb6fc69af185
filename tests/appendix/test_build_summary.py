"""The build's disturbance summary: read from saved results, written into the page."""

from __future__ import annotations

import pytest

from parallel_python.appendix import build_summary as bs
from parallel_python.core.meter import Disturbance


def _saved(other):
    return {"seconds": 4.0, "other_cpus": other, "steal_cpus": 0.01, "note": ""}


def test_readings_are_found_wherever_a_result_keeps_them():
    saved = {
        "n": 3,
        "disturbance": _saved(0.5),
        "points": [{"x": 1}, {"inner": {"disturbance": _saved(None)}}],
    }
    found = dict(bs.disturbances_in(saved))
    assert set(found) == {"disturbance", "points[1].inner.disturbance"}
    assert found["disturbance"].other_cpus == 0.5
    assert found["points[1].inner.disturbance"].other_cpus is None


def test_nothing_found_in_a_result_without_a_meter():
    assert list(bs.disturbances_in({"a": [1, 2], "b": {"c": "d"}})) == []


@pytest.mark.parametrize(
    ("other", "phrase"),
    [
        (0.05, "hardly competed"),
        (0.9, "enough to compete"),
    ],
)
def test_whole_build_sentence_reports_the_reading(other, phrase):
    whole = Disturbance(150.0, other, None, "")
    text = bs.summary_html(whole, {}, cpus=2)
    assert f"{other:.2f} CPUs" in text and phrase in text
    assert "2 CPUs" in text and "steal" not in text
    assert "probably" not in text


def test_no_reading_claims_nothing():
    whole = Disturbance(150.0, None, None, "per-CPU times not available")
    text = bs.summary_html(whole, {}, cpus=1)
    assert "claims nothing" in text and "not available" in text


def test_table_lists_each_metered_experiment():
    rows = {
        "gil": Disturbance(3.0, 0.1, 0.0, ""),
        "noise": Disturbance(2.0, None, None, "x"),
    }
    text = bs.summary_html(Disturbance(100.0, 0.1, 0.0, ""), rows, cpus=64)
    assert "<code>gil</code>" in text and "<code>noise</code>" in text
    assert "not available" in text and "64 CPUs" in text
    assert text.index("<code>gil</code>") < text.index("<code>noise</code>")
    assert "not listed" not in text


def test_runs_too_short_for_the_meter_are_counted_not_listed():
    rows = {
        "short": Disturbance(0.06, 0.33, 0.0, ""),
        "long": Disturbance(3.0, 0.01, 0.0, ""),
    }
    text = bs.summary_html(Disturbance(100.0, 0.1, 0.0, ""), rows, cpus=2)
    assert "<code>long</code>" in text and "<code>short</code>" not in text
    assert "1 shorter run is not listed: under 1.00 s" in text


def test_the_placeholder_is_replaced_and_a_missing_one_is_an_error():
    page = '<p>a</p><div id="build-disturbance"><p>wait</p></div><p>b</p>'
    out = bs.fill_placeholder(page, '<div id="build-disturbance">done</div>')
    assert out == '<p>a</p><div id="build-disturbance">done</div><p>b</p>'
    with pytest.raises(ValueError, match="build-disturbance"):
        bs.fill_placeholder("<p>no placeholder</p>", "x")


def test_a_placeholder_filled_before_is_replaced_whole():
    """An incremental build may leave a page filled by an earlier build: the
    element and every div inside it go, nothing of the old fill is left."""
    filled = '<div id="build-headlines"><div class="x"><p>old</p></div></div>'
    page = f"<p>a</p>{filled}<p>b</p>"
    out = bs.fill_placeholder(
        page, '<div id="build-headlines">new</div>', "build-headlines"
    )
    assert out == '<p>a</p><div id="build-headlines">new</div><p>b</p>'
    with pytest.raises(ValueError, match="not closed"):
        bs.fill_placeholder('<div id="build-headlines"><div>', "x", "build-headlines")


def test_headline_tables_group_by_chapter_and_link_from_the_page():
    rows = [
        ("book/part1/gil", "Part one", "gil", "speed-up (×)", 1.5),
        ("book/part1/gil", "Part one", "gil", "time (s)", 0.00312),
        ("book/handson/a-x", "Part A", "sweep", "rate <GFLOP/s>", 2000.0),
    ]
    text = bs.headlines_html(rows, unheadlined=["segfault"], from_page="book/x/y")
    assert text.count("<table") == 2 and text.count("<tr><td>") == 3
    assert '<a href="../../book/handson/a-x.html">Part A</a>' in text
    assert "rate &lt;GFLOP/s&gt;" in text and ">3.12 ms</td>" in text
    assert "<td>time</td>" in text
    assert ">2,000</td>" in text
    assert "<code>segfault</code>" in text and "Not measured" not in text


def test_a_reading_carried_in_another_result_is_listed_once_under_its_own():
    gil = {"result": {"disturbance": _saved(0.5), "x": 1}}
    free = {"result": {"gil": {"disturbance": _saved(0.5)}}}
    sweep = {"result": {"points": [{"disturbance": _saved(0.1)}]}}
    readings = bs.experiment_readings({"free-threading": free, "gil": gil, "s": sweep})
    assert list(readings) == ["gil", "s, points[0]"]
    assert readings["gil"].other_cpus == 0.5


def test_the_runners_reading_stands_in_only_where_a_result_has_none_of_its_own():
    own = {"result": {"disturbance": _saved(0.5)}, "disturbance": _saved(0.9)}
    bare = {"result": {"x": 1}, "disturbance": _saved(0.3)}
    parts = {"result": {"points": [{"disturbance": _saved(0.1)}]}}
    parts["disturbance"] = _saved(0.2)
    readings = bs.experiment_readings({"own": own, "bare": bare, "parts": parts})
    assert readings["own"].other_cpus == 0.5  # its own, not the runner's 0.9
    assert readings["bare"].other_cpus == 0.3
    assert readings["parts"].other_cpus == 0.2
    assert readings["parts, points[0]"].other_cpus == 0.1


def test_the_single_core_probe_around_a_run_is_listed_beside_its_reading():
    runs = {
        "gil": {"probe_spread": [0.08, 0.31], "disturbance": {}},
        "quick": {"disturbance": {}},  # too short to be bracketed by the probe
    }
    spreads = bs.probe_spreads(runs)
    assert spreads == {"gil": (0.08, 0.31)}
    rows = {
        "gil": Disturbance(3.0, 0.1, 0.0, ""),
        "gil, pool": Disturbance(2.0, 0.1, 0.0, ""),
        "noise": Disturbance(2.0, 0.1, 0.0, ""),
    }
    text = bs.summary_html(Disturbance(100.0, 0.1, 0.0, ""), rows, 2, spreads)
    gil_row = text[text.index("<code>gil</code>") :].split("</tr>")[0]
    assert "8 % / 31 %" in gil_row
    part_row = text[text.index("<code>gil, pool</code>") :].split("</tr>")[0]
    assert "8 % / 31 %" in part_row  # a part of the run: the run's probe
    noise_row = text[text.index("<code>noise</code>") :].split("</tr>")[0]
    assert noise_row.endswith("<td>-</td>")


@pytest.mark.parametrize(
    ("label", "value", "shown", "text"),
    [
        ("one step after another (s)", 0.0823, "one step after another", "82.3 ms"),
        ("ns per read, cache", 0.701, "per read, cache", "701 ps"),
        ("ns per read, disk", 47_000.0, "per read, disk", "47.0 µs"),
        (
            "copied reading a NumPy array (bytes)",
            32_174_080.0,
            "copied reading a NumPy array",
            "30.7 MiB",
        ),
        ("efficiency, 2 processes", 0.953, "efficiency, 2 processes", "95 %"),
        (
            "2 processes' tasks found sharing a CPU (share of placement checks)",
            0.25,
            "2 processes' tasks found sharing a CPU (share of placement checks)",
            "25 %",
        ),
        ("CPUs available", 2.0, "CPUs available", "2"),
        ("speed-up, 2 processes (×)", 1.954, "speed-up, 2 processes (×)", "1.95"),
    ],
)
def test_headline_figures_are_written_as_their_pages_write_them(
    label, value, shown, text
):
    from parallel_python.appendix.build_summary import _shown_label, figure_text

    assert figure_text(value, label) == text
    assert _shown_label(label) == shown
