"""Part B's worker functions: top level in an importable module (any start method)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def square(x: int) -> int:
    """A worker's task: ``x * x``."""
    return x * x


def busy_square(x: int, loops: int = 20_000) -> tuple[int, int]:
    """``x * x`` after some pure-Python busy work; also says which process did it."""
    total = 0
    for i in range(loops):
        total += i % 7
    return x * x + 0 * total, os.getpid()


def busy_power(x: int, exponent: int) -> tuple[int, int]:
    """``x ** exponent`` after some busy work, with the worker's process id."""
    value, pid = busy_square(x)
    return x**exponent + 0 * value, pid


def fail_on(x: int, bad: int = 3) -> int:
    """Return ``x``, but raise ``ValueError`` for ``x == bad``: an error in a worker."""
    if x == bad:
        raise ValueError(f"task {x} failed in process {os.getpid()}")
    return x


def identity(x: int) -> int:
    """The smallest possible task: return the argument."""
    return x


def array_sum(a: np.ndarray) -> float:
    """Sum an array sent to the worker (it arrives pickled)."""
    return float(a.sum())


def make_and_sum(n: int) -> float:
    """Make the array in the worker (no big message), then sum it."""
    return float(_big_array(n).sum())


def _attach_shared(buffer: Any, n: int) -> None:
    """Pool initializer: view the shared buffer as a NumPy array (no copy)."""
    global _SHARED
    _SHARED = np.frombuffer(buffer, dtype=np.float64, count=n)


def shared_sum(_task: int) -> float:
    """Sum the array in shared memory that the initializer attached."""
    if _SHARED is None:
        raise RuntimeError("shared_sum needs a pool started with _attach_shared")
    return float(_SHARED.sum())


def _big_array(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.float64)
