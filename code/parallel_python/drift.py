"""Two whole books side by side (one experiment's two runs: :mod:`.compare`).

``./tasks twice`` builds the book twice and keeps both results folders;
``parallel-python drift FIRST SECOND`` sets every headline figure beside its
twin: the change, whether it is a parallel speed-up held to ±10 % (compile
and vectorise ratios are not; pathologies must stay at least 2×, controls
below 1.2×), the figures and the parallel speed-ups that moved most; then the
lessons' floors. Each build's own checks (one-worker ratios, efficiencies
above 1, time against the declared budget) and the whole report are in
:mod:`.drift_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import results

#: Headlines that are not parallel speed-ups, though they end in (×): gains
#: from compiling or vectorising (numba's over pure Python, and its
#: ``parallel=True`` loop's own code on one thread over ``@njit``), and
#: pathologies that only need to stay large.
NOT_PARALLEL = (
    "speed-up, numba",  # the tool table's compiled rows, over pure Python
    "on 1 thread over",
    "speed-up, NumPy (×)",  # the tool table's vectorised row, not NumPy's threads
    "vectoris",
    "slowest",
    "over the best",
    "per task",
    "per point",
)
#: Pathology ratios (how much worse oversubscription made a run, the biased
#: estimator of the measuring page) swing with the collapse: they stay large.
PATHOLOGY = ("over no limit", "min over min", "costliest oversubscribed", "slowest")
#: Controls: a fix that is expected to fail (about 1×); catalogue entries
#: declare their other controls (``Experiment.controls``).
CONTROLS = ("variable set before fork",)
#: A control (a ratio measured to show no parallel gain) should stay below
#: this in both builds.
NO_GAIN = 1.2
#: The lessons a build on 2 CPUs must show (the measurement issue's targets):
#: (experiment, headline) -> the least it may read.
LESSONS = {
    ("gil", "speed-up, 2 processes, pure Python (×)"): 1.7,
    ("mp-integration-sweep", "speed-up, 2 processes (×)"): 1.7,
    ("mp-integration-sweep", "efficiency, 2 processes"): 0.85,
    ("tool-comparison", "speed-up, multiprocessing Pool (×)"): 1.7,
    ("numpy-blas-sweep", "speed-up, threads = CPUs, largest n (×)"): 1.8,
}
#: Experiments that read the machine itself (the measuring page's probe and
#: paired tasks): reported beside the verdict, not held to ±10 %.
MACHINE = ("measuring-noise",)
#: A pathology ratio should stay at least this large in both builds.
PATHOLOGY_FLOOR = 2.0
#: A parallel speed-up should move less than this between two builds.
STEADY = 0.10


@dataclass(frozen=True)
class Move:
    experiment: str
    label: str
    first: float
    second: float
    ceilings: tuple[float, float] | None = None
    """The machine's measured ceiling (k CPUs over one) stored with each run,
    where the experiment probed it."""
    divisor: str = "ceiling"
    """``ceilings`` holds the machine's "ceiling" or a "limit" of each run."""
    declared_control: bool = False
    """Its experiment declares it a control in both runs (pure Python in
    threads with the GIL on, a NumPy operation that runs in one thread)."""
    shown_from: str = ""
    """The experiment whose measurement this headline shows again in both
    runs (:attr:`~.core.experiment.Experiment.reused`): judged there."""

    @property
    def change(self) -> float:
        """Relative change, second over first minus one (0.1 = 10 % up)."""
        if self.first == 0:
            return 0.0 if self.second == 0 else float("inf")
        return self.second / self.first - 1

    @property
    def control(self) -> bool:
        """A ratio measured to show no parallel gain (about 1×)."""
        return self.declared_control or any(word in self.label for word in CONTROLS)

    @property
    def no_gain(self) -> bool:
        """A control that stayed below :data:`NO_GAIN` in both builds."""
        return max(self.first, self.second) < NO_GAIN

    @property
    def pathology(self) -> bool:
        return (
            not self.machine
            and not self.control
            and any(word in self.label for word in PATHOLOGY)
        )

    @property
    def machine(self) -> bool:
        return self.experiment in MACHINE

    @property
    def parallel_speedup(self) -> bool:
        return (
            self.label.endswith("(×)")
            and not self.machine
            and not self.pathology
            and not self.control
            and not self.shown_from
            and not any(word in self.label for word in NOT_PARALLEL)
        )

    @property
    def scaled_change(self) -> float | None:
        """The change once each run is divided by its own ceiling (None
        without ceilings): a speed-up that moved with the machine stays put."""
        if self.ceilings is None or self.first == 0 or 0 in self.ceilings:
            return None
        one, two = self.ceilings
        return (self.second / two) / (self.first / one) - 1

    @property
    def held_as_speedup(self) -> bool:
        """Within ±10 % as a parallel speed-up would have to be (for a
        control, reported beside its own check)."""
        if abs(self.change) <= STEADY:
            return True
        scaled = self.scaled_change
        return scaled is not None and abs(scaled) <= STEADY

    @property
    def steady(self) -> bool:
        """Not a parallel speed-up, or within ±10 % as measured or once
        divided by the machine's ceiling."""
        return not self.parallel_speedup or self.held_as_speedup


def _ceiling(result: Any) -> float | None:
    """The ceiling stored with ``result``, the counters' total (None where
    it was not counted). Not the ceiling of equal shares: the book's workers
    are not pinned, and in one build two sorting threads ran at 1.57x where
    equal shares held to the slowest CPU's pace could reach 1.29x, with the
    total at 1.64x (divided by the total, each of that pair's six speed-ups
    of equal shares moved less than divided by the equal shares' ceiling)."""
    probed = getattr(result, "ceiling", None)
    ratio = getattr(probed, "ratio", None)
    return float(ratio) if ratio else None


def saved_runs(folder: Path) -> list[tuple[Any, dict[str, Any]]]:
    """Each catalogued experiment recorded in ``folder``, with its saved run
    (other files in the folder are left out)."""
    from . import catalogue

    return [
        (experiment, results.read_json(folder / f"{experiment.name}.json"))
        for experiment in catalogue.EXPERIMENTS
        if (folder / f"{experiment.name}.json").is_file()
    ]


def result_of(experiment: Any, saved: dict[str, Any]) -> Any:
    return results.from_data(experiment.result_type, saved["result"])


def _headlines(folder: Path) -> dict[str, tuple[dict[str, float], Any]]:
    """Each experiment's headlines and its result."""
    return {
        experiment.name: (
            experiment.headlines(result := result_of(experiment, saved)),
            result,
        )
        for experiment, saved in saved_runs(folder)
    }


def _ceilings(
    experiment: Any, label: str, first: Any, second: Any
) -> tuple[tuple[float, float] | None, str]:
    """The two runs' ceilings that ``label`` is divided by, where both runs
    counted one, and what they are ("ceiling" or "limit"): a headline
    measured apart by its own (``apart_ceilings``), waiting work
    (``Experiment.waiting``) by none (the CPUs' ceiling does not bound it),
    a headline with its own limit in both runs (``Experiment.limits``) by
    that."""
    l1, l2 = experiment.limits(first).get(label), experiment.limits(second).get(label)
    if l1 and l2:
        return (l1, l2), "limit"
    if any(word in label for word in experiment.apart):
        c1 = experiment.apart_ceilings(first).get(label)
        c2 = experiment.apart_ceilings(second).get(label)
    elif label in experiment.waiting(first) or label in experiment.waiting(second):
        return None, "ceiling"  # waiting work: the CPUs' ceiling does not bound it
    else:
        c1, c2 = _ceiling(first), _ceiling(second)
    return ((c1, c2) if c1 and c2 else None), "ceiling"


def _shown_from(entry: Any, label: str, r1: Any, r2: Any) -> str:
    """The experiment whose measurement ``label`` shows again in both runs
    (empty: its own, in one run at least)."""
    one, two = entry.reused(r1).get(label, ""), entry.reused(r2).get(label, "")
    return one if one == two else ""


def moves(first: Path, second: Path) -> list[Move]:
    """Every headline present in both folders' results, biggest change first."""
    for folder in (first, second):
        if not folder.is_dir():
            raise ValueError(f"{folder} is not a folder of results")
    a, b = _headlines(first), _headlines(second)
    from . import catalogue

    entries = {e.name: e for e in catalogue.EXPERIMENTS}
    found = []
    for name in sorted(set(a) & set(b)):
        (mine, r1), (theirs, r2) = a[name], b[name]
        entry = entries[name]
        found += [
            Move(
                name,
                label,
                mine[label],
                theirs[label],
                *_ceilings(entry, label, r1, r2),
                declared_control=label in entry.controls(r1)
                and label in entry.controls(r2),
                shown_from=_shown_from(entry, label, r1, r2),
            )
            for label in mine
            if label in theirs
        ]
    if not found:
        raise ValueError(f"no experiment has results in both {first} and {second}")
    return sorted(found, key=lambda m: -abs(m.change))


def report(found: list[Move], top: int = 5) -> str:
    """A table of every headline, then the ``top`` that moved most and a verdict."""
    if top < 0:
        raise ValueError(f"--top must be 0 or more, got {top}")
    width = max(len(f"{m.experiment}: {m.label}") for m in found)
    head = f"{'headline':<{width}}  {'first':>10}  {'second':>10}  change"
    lines = [head + "  ÷ ceiling (or ÷ limit, marked)"]
    for m in found:
        scaled = m.scaled_change if m.parallel_speedup else None
        flag = "  (÷ limit)" if scaled is not None and m.divisor == "limit" else ""
        flag += "" if m.steady else "  (more than ±10 %)"
        by_ceiling = "" if scaled is None else f"{scaled * 100:+6.1f} %"
        lines.append(
            f"{m.experiment + ': ' + m.label:<{width}}  {m.first:>10.3g}  "
            f"{m.second:>10.3g}  {m.change * 100:+6.1f} %  {by_ceiling:>9}{flag}"
        )
    lines += ["", f"moved most ({min(top, len(found))}):"]
    lines += [
        f"  {m.experiment}: {m.label}  {m.change * 100:+.1f} %" for m in found[:top]
    ]
    # the speed-ups the ±10 % verdict is about, by the change it judges
    judged = sorted(
        (m for m in found if m.parallel_speedup),
        key=lambda m: (
            -min(
                abs(m.change),
                abs(m.change if m.scaled_change is None else m.scaled_change),
            )
        ),
    )
    if judged:
        lines += ["", f"parallel speed-ups that moved most ({min(top, len(judged))}):"]
        lines += [
            f"  {m.experiment}: {m.label}  {m.change * 100:+.1f} %"
            + (
                ""
                if m.scaled_change is None
                else f" ({m.scaled_change * 100:+.1f} % ÷ {m.divisor})"
            )
            for m in judged[:top]
        ]
    unsteady = [m for m in found if not m.steady]
    speedups = [m for m in found if m.parallel_speedup]
    lines.append("")
    lines.append(
        f"{len(speedups) - len(unsteady)} of {len(speedups)} parallel speed-ups "
        f"within ±{STEADY * 100:.0f} % (as measured, or once divided by the "
        "machine's ceiling where the experiment probed it, or by a limit the "
        "run measured: for waiting work, the fastest its client's CPU time allows)"
    )
    # the declared controls (the fork row's lesson is what its workers saw)
    controls = [m for m in found if m.declared_control and m.label.endswith("(×)")]
    if controls:
        lines.append(
            f"{sum(m.no_gain for m in controls)} of {len(controls)} controls "
            f"(ratios that show no parallel gain) below {NO_GAIN:g}× in both builds"
        )
        lines += [
            f"  not below {NO_GAIN:g}×: {m.experiment}: {m.label}  "
            f"{m.first:.3g} then {m.second:.3g}"
            for m in controls
            if not m.no_gain
        ]
        held = [m for m in controls if m.held_as_speedup]
        lines.append(
            f"  counted as parallel speed-ups instead: "
            f"{len(speedups) - len(unsteady) + len(held)} of "
            f"{len(speedups) + len(controls)} within ±{STEADY * 100:.0f} %"
        )
    # controls by word alone (the fork row): their lesson is what the
    # workers saw, and both runs of their ratio are oversubscribed
    unjudged = [
        m
        for m in found
        if m.control and not m.declared_control and m.label.endswith("(×)")
    ]
    if unjudged:
        lines.append(
            "not judged (a fix that cannot take effect: its lesson is the threads "
            "its workers saw, and its ratio compares two oversubscribed runs): "
            + "; ".join(
                f"{m.experiment}: {m.label} {m.first:.3g} then {m.second:.3g}"
                for m in unjudged
            )
        )
    again = [m for m in found if m.shown_from]
    if again:
        lines.append(
            "shown again, judged once where measured: "
            + "; ".join(
                f"{m.experiment}: {m.label} (the {m.shown_from} experiment's)"
                for m in again
            )
        )
    itself = [m for m in found if m.machine and m.label.endswith("(×)")]
    if itself:
        lines.append(
            "the machine itself (not held to ±10 %): "
            + "; ".join(f"{m.label} {m.first:.3g} then {m.second:.3g}" for m in itself)
        )
    sick = [m for m in found if m.pathology]
    if sick:
        large = [m for m in sick if min(m.first, m.second) >= PATHOLOGY_FLOOR]
        lines.append(
            f"{len(large)} of {len(sick)} pathology ratios at least "
            f"{PATHOLOGY_FLOOR:g}× in both builds"
        )
        lines += [
            f"  below {PATHOLOGY_FLOOR:g}×: {m.experiment}: {m.label}  "
            f"{m.first:.3g} then {m.second:.3g}"
            for m in sick
            if m not in large
        ]
    lines += _lessons(found)
    return "\n".join(lines)


def _lessons(found: list[Move]) -> list[str]:
    """Each lesson's figure in both builds against its floor (:data:`LESSONS`)."""
    lines = []
    for m in found:
        floor = LESSONS.get((m.experiment, m.label))
        if floor is None:
            continue
        met = "met in both" if min(m.first, m.second) >= floor else "MISSED"
        lines.append(
            f"  {m.experiment}: {m.label}  {m.first:.3g} / {m.second:.3g}  "
            f"(at least {floor:g}): {met}"
        )
    return ["", "lessons (targets on 2 CPUs):", *lines] if lines else []
