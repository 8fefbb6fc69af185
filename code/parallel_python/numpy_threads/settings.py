"""Part A: when BLAS reads its thread-count variables.

:func:`run_thread_settings` starts fresh Pythons: a variable set before NumPy
loads is read, one set afterwards is not, and threadpoolctl changes the count
at run time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

from threadpoolctl import threadpool_limits

from ..core.machine import require_blas_pool
from ..core.validate import positive_int
from .blas import THREAD_COUNT_VARIABLES, blas_threads_now


@dataclass(frozen=True)
class ThreadSettings:
    """BLAS thread counts seen in fresh Python processes.

    ``default``: no variable set. ``from_variable``: ``variable=value`` set
    before NumPy loaded. ``set_after_import``: the variable set from Python
    after NumPy loaded (too late). ``threadpoolctl``: inside
    ``threadpool_limits(value)``; ``after_threadpoolctl``: after leaving it.
    """

    variable: str
    value: int
    default: int
    from_variable: int
    set_after_import: int
    threadpoolctl: int
    after_threadpoolctl: int


def _report_threads(variable: str, value: int) -> None:
    """Run inside a child process: print the BLAS thread counts as JSON."""
    report = {"at_start": blas_threads_now()}
    os.environ[variable] = str(value)  # too late: the library has loaded
    report["set_after_import"] = blas_threads_now()
    with threadpool_limits(limits=value, user_api="blas"):
        report["threadpoolctl"] = blas_threads_now()
    report["after_threadpoolctl"] = blas_threads_now()
    print(json.dumps(report))


def _child_report(env: dict[str, str], variable: str, value: int) -> dict[str, int]:
    code = (
        "from parallel_python.numpy_threads.settings import _report_threads; "
        f"_report_threads({variable!r}, {value!r})"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError("the child Python did not answer within 120 s") from None
    if done.returncode != 0:
        raise RuntimeError(
            f"the child Python failed (exit {done.returncode}): {done.stderr.strip()}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_thread_settings(
    variable: str = "OMP_NUM_THREADS", value: int = 1
) -> ThreadSettings:
    """Start fresh Pythons to show when BLAS reads its thread-count variable.

    The parent's own environment and thread pools are left untouched.
    """
    if variable not in THREAD_COUNT_VARIABLES:
        raise ValueError(
            f"variable must be one of {', '.join(THREAD_COUNT_VARIABLES)}, "
            f"got {variable!r}"
        )
    value = positive_int("value", value)
    require_blas_pool("reading and setting BLAS thread counts")
    clean = {k: v for k, v in os.environ.items() if k not in THREAD_COUNT_VARIABLES}
    plain = _child_report(clean, variable, value)
    preset = _child_report({**clean, variable: str(value)}, variable, value)
    return ThreadSettings(
        variable=variable,
        value=value,
        default=plain["at_start"],
        from_variable=preset["at_start"],
        set_after_import=plain["set_after_import"],
        threadpoolctl=plain["threadpoolctl"],
        after_threadpoolctl=plain["after_threadpoolctl"],
    )
