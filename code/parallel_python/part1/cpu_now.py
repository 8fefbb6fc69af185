"""Which CPU a thread runs on right now (Linux), and a busy thread that samples it."""

from __future__ import annotations

import ctypes
import functools
import sys
import threading


@functools.cache
def _sched_getcpu():
    """The C library's ``sched_getcpu`` (Linux, glibc/musl), or None.

    ``CDLL(None)`` gives the symbols already loaded into this process, the C
    library among them (``ctypes.util.find_library`` would start programs to
    search for it, which is slow).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None).sched_getcpu
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_int
    fn.argtypes = []
    return fn if fn() >= 0 else None


def _cpu_from_proc() -> int | None:
    """This thread's last CPU from ``/proc/self/task/<id>/stat`` (field 39)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[36])  # field 39 counts from 1 and includes pid and name


def current_cpu() -> tuple[int | None, str]:
    """The CPU the calling thread is running on, and how we found out."""
    fn = _sched_getcpu()
    if fn is not None:
        return fn(), "sched_getcpu (ctypes)"
    cpu = _cpu_from_proc()
    if cpu is not None:
        return cpu, "/proc/self/task/<id>/stat"
    return None, "unavailable"
