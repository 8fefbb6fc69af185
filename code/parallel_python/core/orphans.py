"""A demo's orphans, adopted and reaped, so that their CPU time is the book's.

A failing demo (:mod:`parallel_python.multiproc.main_guard`) runs in a
session of its own and is ended by ending its process group. The script's
workers die with it, but as orphans: they pass to the system's first
process, which reaps them, so their CPU time never reaches this process's
children times, and the disturbance meter (:mod:`.meter`) counted it as
other programs' work (0.06-0.09 CPUs over ``mp-missing-guard`` in each of
four builds, where every other short experiment read 0.00-0.05).

On Linux, :func:`adopting_orphans` makes this process a *subreaper*
(``prctl(PR_SET_CHILD_SUBREAPER)``, see ``man 2 prctl``) while a demo runs:
orphans among its descendants pass to this process instead, and
:func:`reap_group` waits for them, which adds their CPU time to this
process's children times. Elsewhere both do nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import time
from collections.abc import Iterator

#: ``prctl`` options (``linux/prctl.h``).
PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37


def _prctl() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - an unusual libc
        return None


def is_subreaper() -> bool:
    """Whether this process adopts its descendants' orphans now."""
    prctl = _prctl()
    if prctl is None:
        return False
    flag = ctypes.c_int(0)
    return prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0) == 0 and bool(
        flag.value
    )


@contextlib.contextmanager
def adopting_orphans() -> Iterator[bool]:
    """Within the block, orphans of this process's descendants become its
    children (yields whether that is so); afterwards it is as before."""
    prctl = _prctl()
    already = is_subreaper()
    adopted = already or (
        prctl is not None and prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    )
    try:
        yield adopted
    finally:
        if adopted and not already and prctl is not None:
            prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


def reap_group(pgid: int, timeout: float = 1.0) -> int:
    """Wait for this process's children in process group ``pgid`` (adopted
    orphans among them) as they end, until none is left or ``timeout``
    seconds pass: how many were reaped. Call it after the group's leader has
    been waited for (``Popen.communicate``), so that its exit status is the
    caller's to read, not taken here."""
    if not hasattr(os, "WNOHANG"):  # pragma: no cover - Windows
        return 0
    reaped = 0
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-pgid, os.WNOHANG)
        except ChildProcessError:
            return reaped  # no child of ours left in the group
        if pid:
            reaped += 1
            continue
        if time.monotonic() >= deadline:
            return reaped
        time.sleep(0.005)
