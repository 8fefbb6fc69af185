"""Python 3.12+ warns when ``fork`` copies a process that has other threads;
the text the page shows is the text Python gives."""

from __future__ import annotations

import multiprocessing
import re
import sys
import threading
import warnings
from pathlib import Path

import pytest

from parallel_python.multiproc.preload import FORK_WARNING

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="no fork start method here",
)
PAGE = Path(__file__).parents[2] / "book" / "handson" / "b-multiprocessing.md"
#: The warning's text with any process id.
PATTERN = re.escape(FORK_WARNING).replace(re.escape("{pid}"), r"\d+")


def _nothing() -> None:
    """A worker that does nothing (top level, as every start method needs)."""


def _fork_beside_a_thread() -> int | None:
    """Start a ``fork`` worker while another thread of ours is alive."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        worker = multiprocessing.get_context("fork").Process(target=_nothing)
        worker.start()
        worker.join()
        return worker.exitcode
    finally:
        stop.set()
        thread.join()


@needs_fork
@pytest.mark.skipif(sys.version_info < (3, 12), reason="the warning is new in 3.12")
def test_fork_beside_a_thread_warns():
    with pytest.warns(DeprecationWarning, match=PATTERN):
        exitcode = _fork_beside_a_thread()
    assert exitcode == 0


@needs_fork
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 and later warn")
def test_before_3_12_fork_beside_a_thread_is_silent():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        exitcode = _fork_beside_a_thread()
    assert exitcode == 0
    assert not [w for w in seen if re.search(PATTERN, str(w.message))]


def test_the_page_shows_pythons_text():
    assert re.search(PATTERN, PAGE.read_text(encoding="utf-8"))
