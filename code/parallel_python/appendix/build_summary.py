"""How disturbed this build was: written when the build finishes.

"About this build" is executed first (pages run in the order of their
paths), before any chapter is measured, so it cannot describe the build's
disturbance itself. The Sphinx extension meters the whole build and, when the
HTML is written, puts the fragment made here in the page's placeholder.
Nothing here guesses a cause: it reports what the meter read.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..core.meter import Disturbance
from ..core.results import from_data
from ..core.text import (
    count,
    cpus_phrase,
    duration,
    measured,
    percent,
    size,
    unbroken,
)

#: The element "About this build" leaves for this summary.
PLACEHOLDER_ID = "build-disturbance"
_DIV_TAG = re.compile(r"<(/?)div\b[^>]*>")
#: Other work below this many CPUs counts as none of note (as in core.text).
QUIET = 0.2
#: Runs shorter than this, in seconds, are not listed with their reading.
LONG_ENOUGH = 1.0


def disturbances_in(saved: Any, path: str = "") -> Iterator[tuple[str, Disturbance]]:
    """Every disturbance reading inside a saved result (plain JSON data):
    (where it was found, the reading)."""
    if isinstance(saved, Mapping):
        if {"seconds", "other_cpus", "steal_cpus", "note"} <= set(saved):
            yield path, from_data(Disturbance, saved)
            return
        for key, value in saved.items():
            yield from disturbances_in(value, f"{path}.{key}" if path else str(key))
    elif isinstance(saved, list | tuple):
        for i, value in enumerate(saved):
            yield from disturbances_in(value, f"{path}[{i}]")


def experiment_readings(runs: Mapping[str, Any]) -> dict[str, Disturbance]:
    """Each recorded experiment's meter readings (``runs``: name -> saved
    record), labelled by experiment and, for a reading inside a part of the
    result, that part; a reading carried inside another experiment's result
    (free threading holds the GIL record) is listed once, under its own.
    Where a result carries no reading of its own over the whole run, the
    reading the runner took around it (the record's ``disturbance``) stands in."""
    found = []
    for name, saved in runs.items():
        inside = [
            (name, where.removesuffix("disturbance").rstrip("."), reading)
            for where, reading in disturbances_in(saved.get("result"))
        ]
        around = saved.get("disturbance")
        if around is not None and all(part for _, part, _ in inside):
            inside.append((name, "", from_data(Disturbance, around)))
        found += inside
    readings: dict[str, Disturbance] = {}
    seen: set[Disturbance] = set()
    for name, part, reading in sorted(found, key=lambda f: bool(f[1])):
        if reading not in seen:
            seen.add(reading)
            readings[f"{name}, {part}" if part else name] = reading
    return readings


def _cpus(value: float | None) -> str:
    return "not available" if value is None else f"{value:.2f}"


def probe_spreads(runs: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Each run's single-core probe spread, just before and just after it
    (only runs long enough to be bracketed by the probe have one)."""
    return {
        name: (float(saved["probe_spread"][0]), float(saved["probe_spread"][1]))
        for name, saved in runs.items()
        if isinstance(saved, dict) and saved.get("probe_spread")
    }


def summary_html(
    whole: Disturbance | None,
    experiments: Mapping[str, Disturbance],
    cpus: int,
    spreads: Mapping[str, tuple[float, float]] | None = None,
) -> str:
    """A paragraph on the whole build and a table of the metered experiments
    (with, where ``spreads`` has one, the single-core probe's spread around
    the run)."""
    spreads = spreads or {}
    parts = [f'<div id="{PLACEHOLDER_ID}">']
    if whole is None or whole.other_cpus is None:
        note = "" if whole is None else f" ({html.escape(whole.note)})"
        parts.append(
            "<p>The disturbance meter had no reading for the whole build"
            f"{note}, so this page claims nothing about other work.</p>"
        )
    else:
        verdict = (
            "little enough that it hardly competed with the experiments"
            if whole.other_cpus < QUIET
            else "enough to compete with the experiments for CPU time"
        )
        steal = (
            ""
            if whole.steal_cpus is None
            else f", and the hypervisor took {whole.steal_cpus:.2f} CPUs (steal time)"
        )
        parts.append(
            f"<p>Over the whole build ({duration(whole.seconds)}), programs other "
            f"than the build used {whole.other_cpus:.2f} CPUs on average of the "
            f"{cpus_phrase(cpus)} it could use{steal}: {verdict}.</p>"
        )
    # the meter's per-CPU times tick in hundredths of a second: over a run
    # shorter than a second a tick or two reads as a large share of a CPU
    long_runs = {n: d for n, d in experiments.items() if d.seconds >= LONG_ENOUGH}
    short = len(experiments) - len(long_runs)
    experiments = dict(sorted(long_runs.items(), key=lambda item: -item[1].seconds))
    if short:
        parts.append(
            f"<p>{count(short)} shorter "
            f"{'run is' if short == 1 else 'runs are'} not listed: under "
            f"{duration(LONG_ENOUGH)}, the meter's readings, which tick in "
            "hundredths of a second, are too coarse to mean anything.</p>"
        )
    if experiments:
        parts.append(
            "<p>The disturbance meter, over each experiment's own run "
            "(longest first); and how steady one core was just before the run "
            "and 50 ms after it: the spread, (slowest − fastest) / fastest, of "
            "three 8 ms pure-Python loops (none beside the timed work):</p>"
        )
        parts.append(
            '<div class="pst-scrollable-table-container">'
            '<table class="table"><thead><tr><th>Experiment</th><th>Run</th>'
            "<th>Other programs (CPUs)</th><th>Steal (CPUs)</th>"
            "<th>One core's spread, before / after</th></tr></thead><tbody>"
        )
        for name, d in experiments.items():
            spread = spreads.get(name.split(", ")[0])
            steady = "-" if spread is None else " / ".join(map(percent, spread))
            parts.append(
                f"<tr><td><code>{html.escape(name)}</code></td>"
                f"<td>{unbroken(duration(d.seconds))}</td><td>{_cpus(d.other_cpus)}</td>"
                f"<td>{_cpus(d.steal_cpus)}</td><td>{steady}</td></tr>"
            )
        parts.append("</tbody></table></div>")
    parts.append("</div>")
    return "\n".join(parts)


def fill_placeholder(page: str, fragment: str, element: str = PLACEHOLDER_ID) -> str:
    """``page`` with its placeholder ``<div id=element>`` replaced by
    ``fragment``; a ``ValueError`` if the page has no such element."""
    start = page.find(f'<div id="{element}"')
    if start < 0:
        raise ValueError(f"no element with id {element!r} in the page")
    # the element may hold divs of its own (a page filled before and not
    # written again, as in an incremental build): find its own end
    depth, at = 0, start
    for tag in _DIV_TAG.finditer(page, start):
        depth += -1 if tag.group(1) else 1
        at = tag.end()
        if depth == 0:
            break
    else:
        raise ValueError(f"the element with id {element!r} is not closed")
    return page[:start] + fragment + page[at:]


#: The element "About this build" leaves for the table of headline figures.
HEADLINES_ID = "build-headlines"


def figure_text(value: float, label: str = "") -> str:
    """A headline number in the book's one format, as its page writes it: a
    figure labelled in seconds, ``(s)``, or in nanoseconds, ``ns per ...``,
    with the prefix that suits it (``59.2 µs``, ``701 ps``); in bytes,
    ``(bytes)``, as a size (``30.7 MiB``); an efficiency as a percentage
    (``95 %``), like a figure labelled ``(%)``; an estimate to six
    decimals (``3.141710``); else ``2,000``, ``86.5``, ``1.92``."""
    if label.endswith("(s)"):
        return duration(value)
    if label.startswith("ns per "):
        return duration(value * 1e-9)
    if label.endswith("(bytes)"):
        return size(int(value))
    if label.startswith("efficiency") or label.endswith("(share of placement checks)"):
        return percent(value)
    if label.endswith("(%)"):
        return percent(value / 100)
    if label.startswith("estimate of"):
        return f"{value:.6f}"  # an estimate is read digit by digit, as its page
    if float(value).is_integer():
        return count(int(value))
    return measured(value)


def _shown_label(label: str) -> str:
    """The label without the unit the value now carries (``(s)``, ``ns``,
    ``(bytes)``)."""
    label = label.removesuffix(" (s)").removesuffix(" (bytes)").removesuffix(" (%)")
    return label.removeprefix("ns ")


def _names(names: Sequence[str]) -> str:
    return ", ".join(f"<code>{html.escape(n)}</code>" for n in names)


def headlines_html(
    rows: Sequence[tuple[str, str, str, str, float]],
    unheadlined: Sequence[str] = (),
    missing: Sequence[str] = (),
    from_page: str = "book/appendix/about-this-build",
) -> str:
    """Every headline figure of the build, one table per chapter.

    ``rows`` are (page, chapter, experiment, figure, value) in reading order;
    ``unheadlined`` the experiments recorded without a headline figure,
    ``missing`` those not run. Links are relative to ``from_page``.
    """
    up = "../" * from_page.count("/")
    parts = [f'<div id="{HEADLINES_ID}">']
    if not rows:
        parts.append("<p>No experiment recorded a headline figure in this build.</p>")
    chapter_now = None
    for page, chapter, name, label, value in rows:
        if chapter != chapter_now:
            if chapter_now is not None:
                parts.append("</tbody></table></div>")
            chapter_now = chapter
            parts.append(
                f'<p><strong><a href="{up}{page}.html">{html.escape(chapter)}</a>'
                "</strong></p>"
                '<div class="pst-scrollable-table-container">'
                '<table class="table"><thead><tr><th>Experiment</th><th>Figure</th>'
                '<th style="text-align: right">Value</th></tr></thead><tbody>'
            )
        parts.append(
            f'<tr><td><a href="{up}{page}.html"><code>{html.escape(name)}</code></a>'
            f"</td><td>{html.escape(_shown_label(label))}</td>"
            f'<td style="text-align: right">{figure_text(value, label)}</td></tr>'
        )
    if chapter_now is not None:
        parts.append("</tbody></table></div>")
    if unheadlined:
        parts.append(
            "<p>Measured, with results shown on their pages only (no single "
            f"headline figure): {_names(unheadlined)}.</p>"
        )
    if missing:
        parts.append(f"<p>Not measured in this build: {_names(missing)}.</p>")
    parts.append("</div>")
    return "\n".join(parts)
