"""Project-wide settings read from the environment.

``PARALLEL_PYTHON_START_METHOD`` chooses the :mod:`multiprocessing` start
method for every experiment that starts processes (``fork``, ``spawn`` or
``forkserver``). Unset or empty, the platform's default is used, so the book
shows what a reader's own Python would do.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import BaseContext

START_METHOD_ENV = "PARALLEL_PYTHON_START_METHOD"


def start_method() -> str:
    """The start method experiments use: the setting, else the platform default."""
    available = multiprocessing.get_all_start_methods()
    chosen = os.environ.get(START_METHOD_ENV, "").strip()
    if not chosen:
        # The first entry is the platform's default (documented); asking
        # get_start_method() instead would fix the global default as a side effect.
        return available[0]
    if chosen not in available:
        raise ValueError(
            f"{START_METHOD_ENV}={chosen!r} is not a start method on this platform; "
            f"choose one of {', '.join(available)}"
        )
    return chosen


def mp_context() -> BaseContext:
    """The :mod:`multiprocessing` context every experiment starts processes from."""
    return multiprocessing.get_context(start_method())
