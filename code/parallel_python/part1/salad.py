"""Part 1: the шопска салата program, a small task graph run by real threads.

Seven steps make the salad. Fetching from the pantry and putting the salad
back are *waiting* (like reading a file or the network: the thread sleeps);
washing, grating, chopping and combining are *work* (a pure-Python loop).
Some steps need others done first: that is the task graph.

* :func:`run_salad` - the steps one after another in one thread, then each
  step in its own thread, starting as soon as the steps it needs are done.
  Every step's real start and end time is recorded, for a timeline.

With the GIL, the waiting overlaps and the pure-Python work does not: the
threaded salad is faster by about the waiting it could overlap, not more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ..core.machine import available_cpus, gil_enabled
from ..core.pinning import in_new_threads
from ..core.protocol import Ratio, measure_paired, paired_ratio
from ..core.results import find
from ..core.timing import Timing
from ..core.validate import positive_float, positive_int
from .gil import count

WAIT = "wait"
WORK = "work"


@dataclass(frozen=True)
class Step:
    """One step of a recipe: ``units`` of waiting or work, after the ``after`` steps."""

    name: str
    kind: str
    units: float
    after: tuple[str, ...] = ()


#: The шопска салата, in the lecture's seven steps.
SHOPSKA = (
    Step("fetch vegetables", WAIT, 1.0),
    Step("wash vegetables", WORK, 0.5, ("fetch vegetables",)),
    Step("fetch cheese", WAIT, 1.0),
    Step("grate cheese", WORK, 1.0, ("fetch cheese",)),
    Step("chop vegetables", WORK, 1.0, ("wash vegetables",)),
    Step("combine", WORK, 0.5, ("chop vegetables", "grate cheese")),
    Step("put salad in pantry", WAIT, 0.5, ("combine",)),
)


def check_recipe(steps: Sequence[Step]) -> tuple[Step, ...]:
    """Return the steps in an order that respects ``after`` (a topological order).

    Raises ``ValueError`` for an empty recipe, duplicate or unknown step names,
    unknown kinds, negative units, or a cycle.
    """
    steps = tuple(steps)
    if not steps:
        raise ValueError("steps must list at least one step")
    names = [s.name for s in steps]
    if len(set(names)) != len(names):
        raise ValueError(f"steps must have distinct names, got {names}")
    for s in steps:
        if s.kind not in (WAIT, WORK):
            raise ValueError(
                f"step {s.name!r}: kind must be 'wait' or 'work', got {s.kind!r}"
            )
        if not s.units >= 0:
            raise ValueError(f"step {s.name!r}: units must be >= 0, got {s.units}")
        unknown = [a for a in s.after if a not in names]
        if unknown:
            raise ValueError(f"step {s.name!r} comes after unknown steps {unknown}")
    done: list[Step] = []
    left = list(steps)
    while left:
        ready = [s for s in left if all(a in {d.name for d in done} for a in s.after)]
        if not ready:
            raise ValueError(
                f"steps contain a cycle among {', '.join(s.name for s in left)}"
            )
        done.extend(ready)
        left = [s for s in left if s not in ready]
    return tuple(done)


@dataclass(frozen=True)
class StepRun:
    """When one step ran, seconds from the start of the salad, and in which thread."""

    name: str
    kind: str
    thread: str
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class SaladRun:
    """One whole salad: every step's times, and the total, seconds."""

    mode: str
    steps: tuple[StepRun, ...]
    total: float

    def get(self, name: str) -> StepRun:
        return find(self.steps, name=name)


@dataclass(frozen=True)
class Salad:
    """The salad made one step after another and with one thread per step.

    ``sequential`` and ``threaded`` are the fastest runs of each way (drawn
    as timelines); ``sequential_totals`` / ``threaded_totals`` all the timed
    runs, made in paired rounds (``stop_reason``: why the rounds stopped).
    ``cpus``: the CPUs this process could use; ``gil_enabled``: whether the
    GIL was on. ``critical_path`` is
    how long the threaded salad would take if every step ran as fast as alone
    and the only limit were the order of the steps (no GIL, enough cores),
    from each step's best time in the sequential runs.
    """

    recipe: tuple[Step, ...]
    wait_seconds: float
    work: int
    sequential: SaladRun
    threaded: SaladRun
    sequential_totals: Timing
    threaded_totals: Timing
    critical_path: float
    cpus: int
    gil_enabled: bool
    stop_reason: str = ""

    @property
    def ratio(self) -> Ratio:
        """Sequential over threaded time, round by round, with its interval."""
        return paired_ratio(self.sequential_totals, self.threaded_totals)

    @property
    def speedup(self) -> float:
        """The median per-round speed-up of the threaded salad."""
        return self.ratio.median

    def seconds_of(self, kind: str, run: SaladRun | None = None) -> float:
        """Total step time of one kind ('wait' or 'work'), default: sequential run."""
        run = run or self.sequential
        return sum(s.seconds for s in run.steps if s.kind == kind)


def do_step(step: Step, wait_seconds: float, work: int) -> None:
    """Carry out one step: sleep (waiting) or count (pure-Python work)."""
    if step.kind == WAIT:
        time.sleep(step.units * wait_seconds)
    else:
        count(int(step.units * work))


def _sequential(recipe: tuple[Step, ...], wait_seconds: float, work: int) -> SaladRun:
    runs = []
    t0 = time.perf_counter()
    for step in recipe:
        start = time.perf_counter() - t0
        do_step(step, wait_seconds, work)
        runs.append(
            StepRun(step.name, step.kind, "main", start, time.perf_counter() - t0)
        )
    return SaladRun("sequential", tuple(runs), time.perf_counter() - t0)


def step_thread(
    step: Step,
    needs: list[threading.Event],
    done: threading.Event,
    wait_seconds: float,
    work: int,
    t0: float,
    record: list[StepRun],
) -> None:
    """A thread's life: wait until the steps it needs are done, do its
    step, record it."""
    for event in needs:
        event.wait()
    try:
        start = time.perf_counter() - t0
        do_step(step, wait_seconds, work)
        end = time.perf_counter() - t0
        who = threading.current_thread().name
        record.append(StepRun(step.name, step.kind, who, start, end))
    finally:
        done.set()


def _threaded(recipe: tuple[Step, ...], wait_seconds: float, work: int) -> SaladRun:
    done = {s.name: threading.Event() for s in recipe}
    record: list[StepRun] = []
    t0 = time.perf_counter()
    workers = [
        threading.Thread(
            target=step_thread,
            args=(
                s,
                [done[a] for a in s.after],
                done[s.name],
                wait_seconds,
                work,
                t0,
                record,
            ),
            name=f"cook-{i + 1}",
        )
        for i, s in enumerate(recipe)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    total = time.perf_counter() - t0
    order = {s.name: i for i, s in enumerate(recipe)}
    steps = tuple(sorted(record, key=lambda r: order[r.name]))
    if len(steps) != len(recipe):
        raise RuntimeError("a step's thread failed; the salad is incomplete")
    return SaladRun("threads", steps, total)


def critical_path(recipe: tuple[Step, ...], seconds: dict[str, float]) -> float:
    """The longest chain of steps, in seconds, given each step's duration."""
    finish: dict[str, float] = {}
    for step in check_recipe(recipe):
        begin = max((finish[a] for a in step.after), default=0.0)
        finish[step.name] = begin + seconds[step.name]
    return max(finish.values())


def _totals(runs: Sequence[SaladRun], timed: Timing) -> Timing:
    """The timed salads' own totals, in the rounds' order, as a timing."""
    return Timing(times=tuple(r.total for r in runs), warmup=timed.warmup)


def run_salad(
    wait_seconds: float = 0.03,
    work: int = 600_000,
    *,
    repeats: int = 8,
    budget: float = 1.8,
    steps: Sequence[Step] = SHOPSKA,
) -> Salad:
    """Make the salad one step after another, and with threads, in paired rounds.

    A waiting step sleeps ``units * wait_seconds``; a work step counts to
    ``units * work`` in pure Python. One untimed salad each way first; then
    rounds of one salad each way (:func:`~parallel_python.core.protocol.
    measure_paired`): at least ``repeats``, more until the speed-up's
    interval is within ±5 % or ``budget`` seconds are spent.
    """
    wait_seconds = positive_float("wait_seconds", wait_seconds)
    work = positive_int("work", work)
    repeats = positive_int("repeats", repeats)
    budget = positive_float("budget", budget)
    recipe = check_recipe(steps)
    runs: dict[str, list[SaladRun]] = {"sequential": [], "threaded": []}
    paired = measure_paired(
        {
            # in a new thread at each call, as core.pinning.in_new_threads
            "sequential": in_new_threads(
                lambda: runs["sequential"].append(
                    _sequential(recipe, wait_seconds, work)
                )
            ),
            "threaded": lambda: runs["threaded"].append(
                _threaded(recipe, wait_seconds, work)
            ),
        },
        baseline="sequential",
        min_rounds=repeats,
        budget_seconds=budget,
        warmup=1,
    )
    sequential_runs, threaded_runs = runs["sequential"][1:], runs["threaded"][1:]
    best_seq = min(sequential_runs, key=lambda r: r.total)
    best_thr = min(threaded_runs, key=lambda r: r.total)
    # each step's least disturbed duration, over all sequential runs
    alone = {
        step.name: min(run.get(step.name).seconds for run in sequential_runs)
        for step in recipe
    }
    path = critical_path(recipe, alone)
    return Salad(
        recipe=recipe,
        wait_seconds=wait_seconds,
        work=work,
        sequential=best_seq,
        threaded=best_thr,
        # each salad's own total (what its timeline shows), round by round,
        # so the figure's totals and the text's are the same numbers
        sequential_totals=_totals(sequential_runs, paired.times["sequential"]),
        threaded_totals=_totals(threaded_runs, paired.times["threaded"]),
        critical_path=path,
        cpus=available_cpus(),
        gil_enabled=gil_enabled(),
        stop_reason=paired.stop_reason,
    )
