"""This process's resident memory, watched while a function runs.

* :func:`rss` - the resident memory of this process, bytes (also run in
  dask's worker processes, so it lives in an importable module).
* :func:`watch_memory` - call a function while a thread samples the growth
  of resident memory; keep the peak and the samples over time.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

#: At most this many memory samples are kept (the largest of neighbours).
KEPT_SAMPLES = 400


def rss() -> int:
    """This process's resident memory (what the OS really gave it), bytes."""
    import psutil

    return psutil.Process().memory_info().rss


def thin(
    samples: list[tuple[float, int]], keep: int = KEPT_SAMPLES
) -> tuple[tuple[float, int], ...]:
    """At most about ``keep`` of ``samples``: the largest of each run of
    neighbours, so no peak is lost."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    step = max(1, math.ceil(len(samples) / keep))
    return tuple(
        max(samples[i : i + step], key=lambda s: s[1])
        for i in range(0, len(samples), step)
    )


def watch_memory(
    fn: Callable[[], object], every: float = 0.002
) -> tuple[Any, int, tuple[tuple[float, int], ...]]:
    """Call ``fn``; return its value, the largest growth of this process's
    resident memory while it ran (bytes), sampled every ``every`` seconds,
    and the samples (seconds since the call, growth in bytes), thinned."""
    base = rss()
    t0 = time.perf_counter()
    samples = [(0.0, 0)]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append((time.perf_counter() - t0, rss() - base))
            done.wait(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        value = fn()
    finally:
        done.set()
        sampler.join()
    samples.append((time.perf_counter() - t0, rss() - base))
    return value, max(b for _, b in samples), thin(samples)


def peak_memory(fn: Callable[[], object], every: float = 0.002) -> tuple[Any, int]:
    """Call ``fn``; return its value and the largest growth of this process's
    resident memory while it ran (bytes), sampled every ``every`` seconds."""
    value, peak, _ = watch_memory(fn, every)
    return value, peak
