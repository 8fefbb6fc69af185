import multiprocessing

import pytest

from parallel_python.core import config


def test_default_is_the_platform_default(monkeypatch):
    monkeypatch.delenv(config.START_METHOD_ENV, raising=False)
    assert config.start_method() == multiprocessing.get_all_start_methods()[0]


@pytest.mark.parametrize("method", multiprocessing.get_all_start_methods())
def test_setting_chooses_the_context(monkeypatch, method):
    monkeypatch.setenv(config.START_METHOD_ENV, method)
    assert config.mp_context().get_start_method() == method


def test_unknown_method_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(config.START_METHOD_ENV, "teleport")
    with pytest.raises(ValueError, match="teleport.*choose one of"):
        config.mp_context()
