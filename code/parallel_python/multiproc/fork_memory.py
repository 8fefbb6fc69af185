"""Part B′: copy-on-write after ``fork`` is a memory cost, not a way to share.

After ``fork`` the child shares the parent's memory pages until one of them
writes to a page; then that page is copied and becomes the writer's own
(private). A child's writes never reach the parent. Merely *reading* a
Python object writes to it: its reference count goes up and down. So a worker
that only sums a list of Python ints copies every page those ints live on,
while summing a NumPy array reads its raw buffer and copies nothing.

:func:`run_fork_memory` forks a child per case, which reads its private dirty
memory (Linux: ``/proc/self/smaps_rollup``, ``Private_Dirty``) before and
after the read, and then writes to the data to show the parent unchanged.
Only where ``fork`` and that file exist; elsewhere the result says so.
"""

from __future__ import annotations

import multiprocessing
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np

from ..core.validate import positive_int

SMAPS = Path("/proc/self/smaps_rollup")

#: The data a forked child inherits (set by the parent just before forking).
_DATA: dict[str, object] = {}


def private_dirty() -> int | None:
    """This process's private dirty memory in bytes (Linux), else None."""
    try:
        text = SMAPS.read_text(encoding="ascii")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1]) * 1024  # the file says kB
    return None


def read_and_report(what: str, conn: Connection) -> None:
    """A forked child's target: sum ``_DATA[what]`` and report the private dirty
    memory before and after; then write to the data (the parent must not see it)."""
    data = _DATA[what]
    before = private_dirty()
    total = sum(data) if isinstance(data, list) else float(data.sum())
    after = private_dirty()
    data[0] = -1  # a write in the child: the parent's copy must stay as it was
    conn.send((before, after, float(total)))
    conn.close()


@dataclass(frozen=True)
class ReadCost:
    """What reading one object cost a forked child, in private memory."""

    what: str
    """``"list"`` (of Python ints) or ``"array"`` (NumPy float64)."""
    data_bytes: int
    """The object's size in bytes (for the list: its pointers and its ints)."""
    before: int
    after: int
    """Private dirty bytes of the child before and after the read."""

    @property
    def copied(self) -> int:
        """Bytes that became the child's own during the read."""
        return max(0, self.after - self.before)

    @property
    def copied_fraction(self) -> float:
        return self.copied / self.data_bytes


@dataclass(frozen=True)
class ForkMemory:
    """Private memory a forked child gained by reading a list and an array."""

    elements: int
    available: bool
    reason: str
    """Why not available ("" when it was)."""
    reads: tuple[ReadCost, ...]
    parent_unchanged: bool
    """The children wrote to the data; the parent's copy did not change."""

    def get(self, what: str) -> ReadCost:
        return next(r for r in self.reads if r.what == what)


def _list_bytes(values: list[int]) -> int:
    return sys.getsizeof(values) + sum(sys.getsizeof(v) for v in values)


def _measure(ctx, what: str) -> tuple[int | None, int | None]:
    receive, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=read_and_report, args=(what, send))
    p.start()
    send.close()
    try:
        before, after, _total = receive.recv()
    finally:
        p.join()
        receive.close()
    return before, after


def run_fork_memory(elements: int = 1_000_000) -> ForkMemory:
    """Fork a child that sums a list of ``elements`` Python ints, and one that
    sums a NumPy array of about the same bytes; report the memory each copied.

    The ints are distinct objects (above the small cached ones). Linux only
    (``fork`` and ``/proc/self/smaps_rollup``); elsewhere ``available`` is
    False and nothing is measured.
    """
    elements = positive_int("elements", elements)
    if "fork" not in multiprocessing.get_all_start_methods():
        return ForkMemory(elements, False, "no fork start method", (), True)
    if private_dirty() is None:
        return ForkMemory(elements, False, f"no {SMAPS}", (), True)
    ctx = multiprocessing.get_context("fork")
    values = list(range(10**9, 10**9 + elements))
    list_bytes = _list_bytes(values)
    array = np.arange(list_bytes // 8, dtype=np.float64)
    reads = []
    try:
        _DATA.update(list=values, array=array)
        for what, size in (("list", list_bytes), ("array", array.nbytes)):
            before, after = _measure(ctx, what)
            if before is None or after is None:  # pragma: no cover - vanished file
                return ForkMemory(elements, False, f"no {SMAPS}", (), True)
            reads.append(ReadCost(what, size, before, after))
    finally:
        _DATA.clear()
    unchanged = bool(values[0] == 10**9 and array[0] == 0.0)
    return ForkMemory(elements, True, "", tuple(reads), unchanged)
