"""The CLI's Ctrl-C watchdog (core.interrupt.CtrlC), each case in its own
interpreter: a SIGINT handler is process-wide."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

START = """
import os, signal, sys, time
from parallel_python.core.interrupt import CtrlC
ctrl = CtrlC(lambda: os._exit(99), grace={grace}, limit={limit}).install()
pressed = []


def ctrl_c():
    if not pressed:
        pressed.append(1)
        os.kill(os.getpid(), signal.SIGINT)
"""


def _run(
    body: str, grace: float = 0.1, limit: float = 5.0
) -> subprocess.CompletedProcess:
    script = START.format(grace=grace, limit=limit) + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20
    )


def test_an_interrupt_that_library_code_lost_is_raised_again():
    done = _run(
        """
        lost = 0
        while True:
            try:
                ctrl_c()
                time.sleep(0.01)
            except KeyboardInterrupt:
                if lost:
                    ctrl.settle()
                    print("raised again")
                    sys.exit(130)
                lost = 1  # swallowed, as an optional import's except would
        """
    )
    assert (done.returncode, done.stdout.strip()) == (130, "raised again"), done.stderr


def test_a_run_that_keeps_losing_it_ends_by_the_last_resort():
    done = _run(
        """
        while True:
            try:
                ctrl_c()
                time.sleep(0.01)
            except KeyboardInterrupt:
                pass
        """,
        limit=0.5,
    )
    assert done.returncode == 99, done.stderr


def test_once_settled_the_watchdog_stays_quiet():
    done = _run(
        """
        try:
            ctrl_c()
            time.sleep(5)
        except KeyboardInterrupt:
            ctrl.settle()
        time.sleep(0.6)  # six of the watchdog's grace periods
        print("quiet")
        """,
        limit=0.3,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "quiet"), done.stderr


def test_an_ignored_ctrl_c_stays_ignored():
    done = subprocess.run(
        [sys.executable, "-c", START.format(grace=0.1, limit=0.3) + "print('on')"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: __import__("signal").signal(2, __import__("signal").SIG_IGN),
    )
    assert (done.returncode, done.stdout.strip()) == (0, "on"), done.stderr


def test_an_import_error_from_an_interrupted_import_counts_as_ctrl_c():
    from parallel_python.core.interrupt import caused_by_ctrl_c

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise ImportError("numpy's C-extensions failed to import") from exc
    except ImportError as exc:
        assert caused_by_ctrl_c(exc)
    looped = ValueError("not an interrupt")
    looped.__context__ = ValueError("its cause")
    looped.__context__.__context__ = looped  # a cycle ends the walk
    assert not caused_by_ctrl_c(looped)
