"""What the GIL experiment (:func:`~parallel_python.part1.gil.run_gil`)
returns: a point per count of tasks, and the whole scaling."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.ceiling import Ceiling
from ..core.meter import Disturbance
from ..core.protocol import Ratio, paired_ratio
from ..core.results import find
from ..core.timing import Timing


@dataclass(frozen=True)
class ScalingPoint:
    """``workers`` equal tasks: in a row (``serial``) and side by side.

    The two timings come from the same rounds (call ``i`` of each in round
    ``i``): a speed-up is the median of the per-round ratios.
    """

    workers: int
    serial: Timing
    parallel: Timing

    @property
    def ratio(self) -> Ratio:
        """Time in a row over time side by side, round by round, with its interval."""
        return paired_ratio(self.serial, self.parallel)

    @property
    def speedup(self) -> float:
        """The median per-round speed-up (>1: side by side was faster)."""
        return self.ratio.median


@dataclass(frozen=True)
class GilScaling:
    """CPU-bound and waiting tasks in 1..N threads, and CPU-bound in processes.

    ``work``: loop steps per CPU-bound task; ``task_seconds``: the best time
    of one such task alone; ``wait_seconds``: the sleep of one waiting task.
    ``switch_interval``: ``sys.getswitchinterval()`` during the runs, seconds.
    """

    counts: tuple[int, ...]
    work: int
    task_seconds: float
    wait_seconds: float
    cpus: int
    switch_interval: float
    gil_enabled: bool
    start_method: str
    threads_cpu: tuple[ScalingPoint, ...]
    processes_cpu: tuple[ScalingPoint, ...]
    threads_wait: tuple[ScalingPoint, ...]
    reps: int = 1
    """How many times each task counts ``work`` steps (calibrated to the machine)."""
    stop_reasons: tuple[str, ...] = ()
    """Why the paired rounds of each count stopped (converged, budget, max_rounds)."""
    ceiling: Ceiling | None = None
    """How much faster the CPUs were together than one alone, between the
    rounds of the counts up to the CPUs (None: not probed)."""
    disturbance: Disturbance | None = None
    """Other work on this process's CPUs while the experiment ran."""
    crowded: tuple[tuple[int, float], ...] = ()
    """(tasks, share of checks at which the worker processes' tasks were on
    fewer CPUs than tasks; see :func:`crowding`), for each count from 2 up
    to the CPUs where the CPUs could be read."""

    stretched: tuple[tuple[int, Ratio], ...] = ()
    """(tasks, how many times as long each task took in a worker process,
    timed inside the worker, as the same task alone in a row in the same
    round; see :func:`stretch`), for each count from 2 up to the CPUs."""

    running: tuple[tuple[int, float], ...] = ()
    """(tasks, for what share of their own seconds the worker processes'
    tasks ran on a CPU; see :func:`running`), for each count from 2 up to
    the CPUs where the CPU time could be read."""

    late: tuple[tuple[int, float], ...] = ()
    """(tasks, seconds after the first task the last one began; see
    :func:`late_start`), for each count from 2 up to the CPUs."""

    alone_counts: tuple[int, ...] | None = None
    """The counts of processes compared with one worker process running their
    tasks in a row (the others with this process's own run); None in a
    result saved before they were recorded, where every count above 1 was."""

    def compared_with_one_process(self, workers: int) -> bool:
        """Were ``workers`` processes compared with one worker process?"""
        if self.alone_counts is None:
            return workers > 1
        return workers in self.alone_counts

    def crowded_at(self, workers: int) -> float | None:
        """How often ``workers`` tasks in processes shared CPUs, or None."""
        return dict(self.crowded).get(workers)

    def running_at(self, workers: int) -> float | None:
        """For what share of their time ``workers`` tasks in processes ran
        on a CPU, or None."""
        return dict(self.running).get(workers)

    def late_at(self, workers: int) -> float | None:
        """How late the last of ``workers`` tasks in processes began, or None."""
        return dict(self.late).get(workers)

    def stretched_at(self, workers: int) -> Ratio | None:
        """How much longer each of ``workers`` tasks in processes took than
        alone, or None."""
        return dict(self.stretched).get(workers)

    @staticmethod
    def _at(points: tuple[ScalingPoint, ...], workers: int) -> ScalingPoint:
        return find(points, workers=workers)

    def threads_cpu_at(self, workers: int) -> ScalingPoint:
        return self._at(self.threads_cpu, workers)

    def processes_cpu_at(self, workers: int) -> ScalingPoint:
        return self._at(self.processes_cpu, workers)

    def threads_wait_at(self, workers: int) -> ScalingPoint:
        return self._at(self.threads_wait, workers)

    @property
    def cpu_counts(self) -> tuple[int, ...]:
        """The counts at which the pure-Python tasks were timed (up to the
        CPUs, at least 2, unless the run asked for more)."""
        return tuple(p.workers for p in self.threads_cpu)

    @property
    def most(self) -> int:
        return max(self.counts)

    @property
    def workers_at_cpus(self) -> int:
        """The largest measured count that does not exceed the CPUs."""
        within = [c for c in self.counts if c <= self.cpus]
        return max(within) if within else min(self.counts)
