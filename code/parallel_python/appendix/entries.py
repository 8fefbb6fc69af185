"""The catalogue entries of the appendices, in page order."""

from __future__ import annotations

from ..core.experiment import Experiment, Option
from .narrate import noise_summary, seconds_asked
from .noise import Noise, run_noise
from .plots import plot_noise


def _noise_headlines(n: Noise) -> dict[str, float]:
    out = {
        f"swing of one CPU over {seconds_asked(n.window)} windows (%)": (
            100 * n.probe.swing
        ),
        "one CPU, median million loop steps per second": n.probe.median / 1e6,
    }
    if n.comparison is not None:
        out["two processes, min over min (×)"] = n.comparison.min_over_min
        out["two processes, median of paired rounds (×)"] = n.comparison.ratio.median
    return out


ENTRIES: tuple[Experiment, ...] = (
    Experiment(
        name="measuring-noise",
        chapter="About this book's numbers",
        page="book/appendix/measuring",
        run=run_noise,
        result_type=Noise,
        seconds=3,
        options=(
            Option("seconds", "float", 2.0, "seconds of the single-CPU probe"),
            Option("window", "float", 0.1, "seconds per probe window"),
            Option("short_task", "float", 0.02, "seconds of the short task"),
            Option("pairs", "int", 20, "paired rounds, alone and two at once"),
        ),
        plot=plot_noise,
        summary=noise_summary,
        headlines=_noise_headlines,
    ),
)
