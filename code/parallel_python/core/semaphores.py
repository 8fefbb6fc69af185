"""Named semaphores that a killed demo left in ``/dev/shm``, removed.

The book's failing demos (a script without a main guard, a forkserver
script) are ended at a time limit with SIGTERM, then SIGKILL
(:func:`.pools.end_process_group`). Their workers keep creating
``multiprocessing`` locks, and on Linux each lock of the ``spawn`` and
``forkserver`` start methods is a named POSIX semaphore: a file
``/dev/shm/sem.mp-...``, which the C library creates as a temporary
``/dev/shm/sem.XXXXXX``, maps, links to its name, then unlinks. A process
killed in the middle leaves the temporary file, the named one, or both,
before its resource tracker has heard of them, so nothing removes them:
one demo run in about forty, on one CPU, left one (``sem.mp-hncdl7hh``);
a CI run once left ``sem.mp-m2ex4a7p`` and ``sem.s9JS3F`` at the same
instant.

:func:`no_semaphores_left` notes the names in ``/dev/shm`` before a demo
and, after it, removes the new ``sem.*`` files of this user that no live
process maps: a semaphore in use is always mapped by the processes that
opened it, so only the abandoned ones go. Elsewhere (no ``/dev/shm``, as on
macOS and Windows) it does nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

#: Where Linux keeps POSIX shared memory and named semaphores.
SHM = Path("/dev/shm")
#: What the C library puts before a named semaphore's name there.
PREFIX = "sem."


def names(where: Path | None = None) -> set[str]:
    """The names in ``where`` (default :data:`SHM`); none where it is absent."""
    try:
        return set(os.listdir(where or SHM))
    except OSError:
        return set()


def _mapped(files: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Those of ``files`` (device, inode) that some process this user may
    inspect maps. By inode, not by name: a process maps the temporary file,
    so its maps show that file's name, deleted, not the semaphore's."""
    found: set[tuple[int, int]] = set()
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as f:
                for line in f:
                    # address, permissions, offset, device (major:minor), inode
                    fields = line.split(maxsplit=5)
                    if len(fields) < 5 or fields[4] == "0":
                        continue
                    major, _, minor = fields[3].partition(":")
                    key = (os.makedev(int(major, 16), int(minor, 16)), int(fields[4]))
                    if key in files:
                        found.add(key)
        except (OSError, ValueError):  # ended meanwhile, or another user's
            continue
    return found


def abandoned(before: set[str], where: Path | None = None) -> list[str]:
    """The named semaphores in ``where`` (default :data:`SHM`) that are not
    in ``before``, belong to this user and are mapped by no live process."""
    where = where or SHM
    new = {n for n in names(where) - before if n.startswith(PREFIX)}
    mine: dict[str, tuple[int, int]] = {}
    for name in new:
        with contextlib.suppress(OSError):
            st = (where / name).stat()
            if st.st_uid == os.getuid():
                mine[name] = (st.st_dev, st.st_ino)
    live = _mapped(set(mine.values()))
    return sorted(name for name, key in mine.items() if key not in live)


def remove_abandoned(before: set[str], where: Path | None = None) -> list[str]:
    """Remove :func:`abandoned` semaphores; the names removed."""
    where = where or SHM
    removed = []
    for name in abandoned(before, where):
        with contextlib.suppress(FileNotFoundError):
            (where / name).unlink()
            removed.append(name)
    return removed


@contextlib.contextmanager
def no_semaphores_left(where: Path | None = None) -> Iterator[list[str]]:
    """Around a demo whose processes may be killed: afterwards, the named
    semaphores they abandoned are removed (listed in the yielded list)."""
    before = names(where)
    removed: list[str] = []
    try:
        yield removed
    finally:
        if hasattr(os, "getuid"):
            removed += remove_abandoned(before, where)
