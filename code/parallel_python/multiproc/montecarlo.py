"""Part B: reproducible random numbers in worker processes.

A Monte-Carlo estimate of pi: throw points into the unit square and count
those inside the quarter circle. The work is cut into a *fixed* number of
chunks, and chunk ``i`` draws from its own stream
``numpy.random.SeedSequence(seed).spawn(chunks)[i]``: independent streams,
and the same numbers whichever process runs the chunk. So the estimate is
the same on every run and for any number of processes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..core.config import start_method
from ..core.pools import process_pool
from ..core.validate import non_negative_int, positive_int, positive_ints

#: Chunks the throws are cut into, whatever the number of processes.
DEFAULT_CHUNKS = 16


def count_inside(seed: np.random.SeedSequence, throws: int) -> int:
    """The worker's task: how many of ``throws`` random points in
    the unit square fall inside the quarter circle, drawn from the
    stream ``seed``."""
    rng = np.random.default_rng(seed)
    inside = 0
    left = throws
    # in blocks, so memory stays small for any number of throws
    while left:
        m = min(left, 1_000_000)
        x, y = rng.random(m), rng.random(m)
        inside += int(np.count_nonzero(x * x + y * y < 1.0))
        left -= m
    return inside


def chunk_seeds(seed: int, chunks: int) -> list[np.random.SeedSequence]:
    """One independent seed sequence per chunk, all spawned from ``seed``."""
    seed = non_negative_int("seed", seed)
    chunks = positive_int("chunks", chunks)
    return np.random.SeedSequence(seed).spawn(chunks)


def _count_star(args: tuple[np.random.SeedSequence, int]) -> int:
    return count_inside(*args)


def estimate_pi(
    throws_per_chunk: int,
    *,
    seed: int = 2025,
    chunks: int = DEFAULT_CHUNKS,
    processes: int | None = None,
) -> float:
    """4 x (fraction inside): serially if ``processes`` is None, else with a pool."""
    throws_per_chunk = positive_int("throws_per_chunk", throws_per_chunk)
    tasks = [(s, throws_per_chunk) for s in chunk_seeds(seed, chunks)]
    if processes is None:
        counts = [_count_star(t) for t in tasks]
    else:
        with process_pool(positive_int("processes", processes)) as pool:
            counts = pool.map(_count_star, tasks, chunksize=1)
    return 4.0 * sum(counts) / (throws_per_chunk * len(tasks))


@dataclass(frozen=True)
class MonteCarloPi:
    """The estimate of pi serially and with several process counts."""

    seed: int
    chunks: int
    throws_per_chunk: int
    start_method: str
    serial: float
    by_processes: dict[str, float]
    """Process count (as text, for JSON) -> estimate."""

    @property
    def throws(self) -> int:
        return self.chunks * self.throws_per_chunk

    @property
    def all_equal(self) -> bool:
        return all(v == self.serial for v in self.by_processes.values())

    @property
    def error(self) -> float:
        return abs(self.serial - math.pi)

    @property
    def standard_error(self) -> float:
        """One standard deviation of the estimate, 4 sqrt(q (1 - q) / N), q = pi/4."""
        q = math.pi / 4
        return 4 * math.sqrt(q * (1 - q) / self.throws)


def run_monte_carlo_pi(
    throws_per_chunk: int = 250_000,
    processes: tuple[int, ...] | list[int] = (1, 2, 4),
    *,
    seed: int = 2025,
    chunks: int = DEFAULT_CHUNKS,
) -> MonteCarloPi:
    """Estimate pi serially and with each process count, from the same streams."""
    throws_per_chunk = positive_int("throws_per_chunk", throws_per_chunk)
    processes = positive_ints("processes", processes)
    seed = non_negative_int("seed", seed)
    chunks = positive_int("chunks", chunks)
    serial = estimate_pi(throws_per_chunk, seed=seed, chunks=chunks)
    by = {
        str(p): estimate_pi(throws_per_chunk, seed=seed, chunks=chunks, processes=p)
        for p in processes
    }
    return MonteCarloPi(seed, chunks, throws_per_chunk, start_method(), serial, by)
