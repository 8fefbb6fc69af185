"""Fail if a build or test run left worker processes behind.

Usage: python .ci/leftovers.py SINCE_EPOCH_SECONDS

Lists processes started after SINCE that are still running, are not this
script's ancestors, and look like the book's workers (multiprocessing, loky,
dask, MPI, Jupyter kernels or the package itself). Exit 1 if there are any.

Also lists what the run left in /dev/shm (named semaphores, loky's and
joblib's shared-memory folders) since SINCE. Those are only reported. The
one source found so far, the failing demos' workers killed while creating a
lock (about one demo run in forty on one CPU), is cleaned up by the demos'
runner (parallel_python.core.semaphores); this report is how a CI run shows
whether another step leaves one.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psutil

MARKERS = (
    "multiprocessing",
    "loky",
    "distributed",
    "dask",
    "mpiexec",
    "hydra_pmi_proxy",
    "ipykernel",
    "parallel_python",
)


def leftovers(since: float) -> list[str]:
    me = psutil.Process()
    mine = {me.pid, *(p.pid for p in me.parents())}
    found = []
    for proc in psutil.process_iter(["pid", "create_time", "cmdline", "status"]):
        info = proc.info
        if info["pid"] in mine or (info["create_time"] or 0) < since:
            continue
        if info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(info["cmdline"] or [])
        if any(marker in cmdline for marker in MARKERS):
            found.append(f"{info['pid']}: {cmdline[:160]}")
    return found


#: Where POSIX shared memory and named semaphores live on Linux.
SHM = Path("/dev/shm")


def shared_memory_left(since: float, where: Path = SHM) -> list[str]:
    """Names in ``where`` changed after ``since`` (none where it is absent)."""
    try:
        entries = list(os.scandir(where))
    except OSError:
        return []
    found = []
    for entry in entries:
        try:
            if entry.stat(follow_symlinks=False).st_mtime >= since:
                found.append(entry.name)
        except OSError:
            continue  # removed while we looked
    return sorted(found)


def main() -> int:
    since = float(sys.argv[1])
    shm = shared_memory_left(since)
    if shm:
        print("leftovers: /dev/shm holds (reported, not failed):", *shm, sep="\n  ")
    for _ in range(10):  # a few seconds' grace for processes on their way out
        left = leftovers(since)
        if not left:
            print("leftovers: none")
            return 0
        time.sleep(0.5)
    print("leftovers: worker processes outlived the run:", *left, sep="\n  ")
    return 1


if __name__ == "__main__":
    sys.exit(main())
