"""Part 1: how far away is the data? A small measured memory ladder.

The kitchen's distances, measured: reading numbers at random places in

1. an array small enough to stay in the CPU's cache (the workstation's tiny
   countertop),
2. an array larger than most CPUs' caches, so most reads go out to main
   memory (the big countertop; the result records this machine's largest
   cache where the system tells it),
3. a file on disk, read right after asking the operating system to forget
   its cached copy (the pantry across the street), and
4. the same file once it has been read, when the operating system serves it
   from its page cache in main memory.

* :func:`run_memory_ladder` - nanoseconds per random read on each rung.

Honesty notes. The in-memory rungs use ``np.take`` with random indices: the
CPU overlaps independent reads, so the ladder understates the gaps between
the rungs: it does not show the full latency of one isolated read. The
cold-file rung asks the kernel to drop the file from its page cache with
``os.posix_fadvise(..., POSIX_FADV_DONTNEED)`` after flushing it to disk;
where that call does not exist (macOS, Windows) the result says so, and the
file was most likely still cached.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.results import find
from ..core.timing import Timing, measure
from ..core.validate import positive_int

#: How the cold-file rung was made cold.
DROP_FADVISE = "posix_fadvise(POSIX_FADV_DONTNEED) after fdatasync"
DROP_NONE = "none (no posix_fadvise on this system: the file may still be cached)"


#: A rung whose slowest run took more than (1 + this) times its fastest is
#: rough: the text says so and the figure labels it.
ROUGH_SPREAD = 1.0


@dataclass(frozen=True)
class Rung:
    """Random reads of one kind: ``accesses`` reads per timed run."""

    name: str
    place: str
    size_bytes: int
    accesses: int
    timing: Timing

    @property
    def ns_per_access(self) -> float:
        """Best time per read, nanoseconds."""
        return self.timing.best / self.accesses * 1e9

    @property
    def rough(self) -> bool:
        """Did its runs differ more than twofold, slowest against fastest?
        The ladder uses the fastest, so such a rung's place is rough."""
        return self.timing.repeats > 1 and self.timing.spread > ROUGH_SPREAD


@dataclass(frozen=True)
class MemoryLadder:
    """The rungs, nearest first: cache, RAM, disk, page cache."""

    rungs: tuple[Rung, ...]
    drop_method: str
    largest_cache_bytes: int | None = None
    """CPU 0's largest cache (usually the last level), None where unknown."""

    def get(self, place: str) -> Rung:
        return find(self.rungs, place=place)

    def ratio(self, far: str, near: str) -> float:
        """How many times slower a read from ``far`` was than from ``near``."""
        return self.get(far).ns_per_access / self.get(near).ns_per_access


#: Where Linux describes CPU 0's caches, one folder per cache.
CACHES = Path("/sys/devices/system/cpu/cpu0/cache")
_UNITS = {"K": 2**10, "M": 2**20, "G": 2**30}


def largest_cache_bytes(caches: Path = CACHES) -> int | None:
    """The size of the largest CPU cache listed in ``caches`` (sysfs: each
    ``index*/size`` reads like ``32768K``), in bytes; None where there is no
    such listing (macOS, Windows, some containers)."""
    sizes = []
    for entry in caches.glob("index*/size"):
        try:
            text = entry.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        unit = _UNITS.get(text[-1:], 1)
        digits = text[:-1] if unit > 1 else text
        if digits.isdigit():
            sizes.append(int(digits) * unit)
    return max(sizes) if sizes else None


def _gather_rung(
    name: str, place: str, size_bytes: int, accesses: int, repeats: int
) -> Rung:
    elements = max(1, size_bytes // 8)
    rng = np.random.default_rng(3)
    data = rng.random(elements)
    where = rng.integers(0, elements, size=accesses)
    out = np.empty(accesses)
    timing = measure(lambda: np.take(data, where, out=out), repeats=repeats, warmup=1)
    return Rung(name, place, elements * 8, accesses, timing)


def _drop_from_page_cache(fd: int) -> bool:
    """Ask the kernel to forget the file's cached pages; False if we cannot."""
    if not hasattr(os, "posix_fadvise"):
        return False
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)  # the data is on disk, so the pages may be dropped
    else:  # pragma: no cover - systems with posix_fadvise have fdatasync
        os.fsync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    return True


def _read_at(fd: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, 8, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, 8)


def _file_reads(fd: int, offsets: np.ndarray) -> None:
    for offset in offsets:
        _read_at(fd, int(offset))


def run_memory_ladder(
    cache_bytes: int = 16 * 1024,
    ram_bytes: int = 64 * 2**20,
    file_bytes: int = 16 * 2**20,
    *,
    accesses: int = 1_000_000,
    file_reads: int = 200,
    repeats: int = 3,
    directory: str | None = None,
) -> MemoryLadder:
    """Nanoseconds per random 8-byte read from cache, RAM, disk and page cache.

    The file (``file_bytes`` of random data) is written in ``directory``
    (default: the system's temporary folder) and deleted afterwards. Each
    cold run first drops the file from the page cache, then times
    ``file_reads`` reads at random offsets, each in a different 4 KiB page.
    """
    cache_bytes = positive_int("cache_bytes", cache_bytes)
    ram_bytes = positive_int("ram_bytes", ram_bytes)
    file_bytes = positive_int("file_bytes", file_bytes)
    accesses = positive_int("accesses", accesses)
    file_reads = positive_int("file_reads", file_reads)
    repeats = positive_int("repeats", repeats)
    if file_bytes < 4096:
        raise ValueError(
            f"file_bytes must be at least 4096 (one page), got {file_bytes}"
        )
    if directory is not None and not Path(directory).is_dir():
        raise ValueError(f"directory must be an existing folder, got {directory!r}")
    rungs = [
        _gather_rung(
            "array that fits in cache", "cache", cache_bytes, accesses, repeats
        ),
        _gather_rung("array in main memory", "RAM", ram_bytes, accesses, repeats),
    ]
    rng = np.random.default_rng(4)
    pages = file_bytes // 4096
    with tempfile.TemporaryDirectory(dir=directory, prefix="ladder-") as folder:
        path = Path(folder) / "pantry.bin"
        path.write_bytes(rng.bytes(file_bytes))
        fd = os.open(path, os.O_RDONLY)
        try:
            cold_times = []
            dropped = False
            for _ in range(repeats):
                offsets = rng.choice(pages, size=min(file_reads, pages), replace=False)
                offsets = offsets * 4096 + rng.integers(0, 4096 - 8, size=offsets.size)
                dropped = _drop_from_page_cache(fd)
                start = time.perf_counter()
                _file_reads(fd, offsets)
                cold_times.append(time.perf_counter() - start)
            reads = min(file_reads, pages)
            rungs.append(
                Rung(
                    "file, first read (from disk)",
                    "disk",
                    file_bytes,
                    reads,
                    Timing(times=tuple(cold_times), warmup=0),
                )
            )
            path.read_bytes()  # now the whole file is in the page cache
            offsets = rng.integers(0, file_bytes - 8, size=reads)
            warm = measure(lambda: _file_reads(fd, offsets), repeats=repeats, warmup=1)
            rungs.append(
                Rung(
                    "file, read again (page cache)",
                    "page cache",
                    file_bytes,
                    reads,
                    warm,
                )
            )
        finally:
            os.close(fd)
    return MemoryLadder(
        rungs=tuple(rungs),
        drop_method=DROP_FADVISE if dropped else DROP_NONE,
        largest_cache_bytes=largest_cache_bytes(),
    )
