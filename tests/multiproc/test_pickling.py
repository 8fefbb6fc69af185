"""Part B′: lambdas and closures cannot be a pool's task under any start method."""

from __future__ import annotations

import gc
import multiprocessing
import pickle

import pytest

from parallel_python.multiproc import pickling


def pickle_failure(f) -> str:
    """The type of whatever pickle.dumps raises for ``f`` ("" if it pickles):
    the test does not assume one exception type (it changed across versions)."""
    try:
        pickle.dumps(f)
    except Exception as e:
        return type(e).__name__
    return ""


@pytest.fixture(scope="module")
def result():
    yield pickling.run_pickled_tasks(tasks=2, jobs=2)
    # free the failed pools at a safe moment: on Python 3.12 a pool lock's
    # finalizer run by a collection inside the multiprocessing resource
    # tracker raises ReentrantCallError (CPython gh-109593, gh-131788)
    gc.collect()


def test_pickle_itself_refuses_lambda_and_closure_only():
    assert pickle_failure(pickling.triple) == ""
    assert pickle_failure(pickling.triple_lambda)
    assert pickle_failure(pickling.make_scaler(2))


def test_pools_fail_with_the_pickling_error_under_every_method(result):
    assert result.methods == tuple(multiprocessing.get_all_start_methods())
    for api in ("Pool.map", "ProcessPoolExecutor.submit"):
        for method in result.methods:
            assert result.get(api, "function", method).ran
            for task in ("lambda", "closure"):
                a = result.get(api, task, method)
                assert not a.ran
                assert a.outcome == pickle_failure(pickling.TASKS[task])
                assert a.message


@pytest.mark.parametrize("api", ["Process target", "Pool initializer"])
def test_fork_hands_over_without_pickling(result, api):
    for method in result.methods:
        assert result.get(api, "function", method).ran
        for task in ("lambda", "closure"):
            a = result.get(api, task, method)
            if method == "fork":
                assert a.ran, a
            else:
                assert a.outcome == pickle_failure(pickling.TASKS[task])


def test_joblib_sends_all_three(result):
    assert result.joblib
    for task in pickling.TASKS:
        assert result.get("joblib.Parallel", task, "loky").ran


def test_without_joblib_and_bad_input():
    r = pickling.run_pickled_tasks(tasks=1, jobs=0)
    assert not r.joblib
    assert not [a for a in r.attempts if a.api == "joblib.Parallel"]
    with pytest.raises(ValueError, match="tasks"):
        pickling.run_pickled_tasks(tasks=0)
    with pytest.raises(ValueError, match="jobs"):
        pickling.run_pickled_tasks(jobs=-1)
    with pytest.raises(KeyError):
        r.get("Pool.map", "no such task")


def test_the_installed_function_needs_its_initializer():
    pickling.install(pickling.triple)
    try:
        assert pickling.call_installed(2) == 6
    finally:
        pickling._INSTALLED = None
    with pytest.raises(RuntimeError, match="install"):
        pickling.call_installed(1)
