import json

import pytest

from parallel_python.core import results
from parallel_python.core.machine import Machine, describe
from parallel_python.numpy_threads.blas import BlasSweep
from tests.fakes import fake_sweep


def test_round_trip_of_a_nested_result():
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9})
    data = json.loads(json.dumps(results.to_data(sweep)))
    assert results.from_data(BlasSweep, data) == sweep


def test_save_writes_an_envelope(tmp_path):
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9})
    path = results.save(tmp_path / "r.json", "numpy-blas-sweep", sweep, describe())
    data = results.read_json(path)
    assert data["format"] == results.FORMAT_VERSION
    assert data["experiment"] == "numpy-blas-sweep"
    assert results.from_data(Machine, data["machine"]).logical_cpus >= 1
    assert not list(tmp_path.glob("*.partial"))


def test_wrong_types_are_refused():
    with pytest.raises(ValueError):
        results.from_data(BlasSweep, {"sizes": "nope"})
    with pytest.raises(ValueError):
        results.from_data(int, True)
    with pytest.raises(ValueError):
        results.from_data(tuple[int, ...], {"a": 1})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not valid JSON"),
        (b"\xff\xfe", "cannot be read"),
    ],
)
def test_read_json_errors(tmp_path, content, message):
    path = tmp_path / "r.json"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(results.ResultFileError, match=message):
        results.read_json(path)


def test_pickles_are_not_an_option():
    with pytest.raises(TypeError):
        results.to_data(object())


def test_find_returns_the_first_match_and_names_what_is_missing():
    from types import SimpleNamespace

    from parallel_python.core.results import find

    items = [
        SimpleNamespace(n=1, t=1),
        SimpleNamespace(n=1, t=2),
        SimpleNamespace(n=1, t=2),
    ]
    assert find(items, n=1, t=2) is items[1]
    with pytest.raises(KeyError, match="n=3, t=1"):
        find(items, n=3, t=1)


def test_a_field_added_later_with_a_default_may_be_absent_a_required_one_not():
    from parallel_python.core.ceiling import Ceiling

    old = {
        "k": 2,
        "seconds": 1.0,
        "single": 90,
        "many": [92, 77],
        "ratio": 1.86,
        "pinned": True,
        "cpus": [0, 1],
        "note": "",
    }  # saved before the probe ran in paired windows
    probe = results.from_data(Ceiling, old)
    assert probe.ratio == 1.86 and probe.ratios == () and probe.window == 0.0
    del old["ratio"]
    with pytest.raises(ValueError, match="Ceiling lacks ratio"):
        results.from_data(Ceiling, old)
