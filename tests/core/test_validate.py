import pytest

from parallel_python.core import validate


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3", None, True])
def test_positive_int_rejects_with_the_parameter_name(bad):
    with pytest.raises(ValueError, match="repeats"):
        validate.positive_int("repeats", bad)


def test_positive_int_accepts_numpy_integers():
    import numpy as np

    assert validate.positive_int("n", np.int64(3)) == 3


def test_positive_ints_sorts_and_dedups():
    assert validate.positive_ints("sizes", [4, 1, 4, 2]) == (1, 2, 4)


@pytest.mark.parametrize("bad", [[], [1, 0], 5, [1, "x"]])
def test_positive_ints_rejects(bad):
    with pytest.raises(ValueError, match="sizes"):
        validate.positive_ints("sizes", bad)


@pytest.mark.parametrize("bad", [0, -2.0, float("inf"), float("nan"), "1"])
def test_positive_float_rejects(bad):
    with pytest.raises(ValueError, match="seconds"):
        validate.positive_float("seconds", bad)


def test_non_negative_int():
    assert validate.non_negative_int("warmup", 0) == 0
    with pytest.raises(ValueError, match="warmup"):
        validate.non_negative_int("warmup", -1)
