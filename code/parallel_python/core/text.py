"""The words every computed sentence shares: times, sizes, ratios and plurals.

The parts' ``narrate*`` modules build their sentences from these, so a
number reads the same on every page and in the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .meter import Ceiling, Disturbance
    from .protocol import Ratio

from .machine import Machine

#: Within this relative difference, two timings count as "the same".
SAME = 0.10


def times(x: float) -> str:
    """A speed-up factor as text: ``1.93×``."""
    return f"{x:.2f}×"


def percent(x: float) -> str:
    """A fraction as a whole percentage: ``0.953`` -> ``95 %``."""
    return f"{x * 100:.0f} %"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 thread``, ``2 threads``, ``0 processes`` (``many`` for irregular plurals).

    ``plural(1, "process", "processes")`` -> ``1 process``.
    """
    if count == 1:
        return f"1 {word}"
    return f"{count} {many or word + 's'}"


def cpus_phrase(cpus: int) -> str:
    return "one CPU" if cpus == 1 else f"{cpus} CPUs"


def compare_machines(mine: Machine, book: Machine) -> str:
    """Why a learner's figures may differ from the book's, in a few sentences."""
    notes = []
    if mine.available_cpus != book.available_cpus:
        more = mine.available_cpus > book.available_cpus
        notes.append(
            f"Your run could use {cpus_phrase(mine.available_cpus)}, the book's "
            f"{cpus_phrase(book.available_cpus)}: expect "
            f"{'higher' if more else 'lower'} best speed-ups on yours, and the "
            f"oversubscription limit at another thread count."
        )
    if (mine.physical_cores or 0) != (book.physical_cores or 0):
        notes.append(
            f"Physical cores differ ({mine.physical_cores or 'unknown'} against "
            f"{book.physical_cores or 'unknown'}): hardware threads share a core's "
            f"arithmetic units, so CPU counts alone do not tell the whole story."
        )
    if mine.blas_summary.split(",")[0] != book.blas_summary.split(",")[0]:
        notes.append(
            f"The BLAS differs ({mine.blas_summary} against {book.blas_summary}): "
            f"matrix-multiply rates depend on the library and its kernels."
        )
    if mine.cpu_model != book.cpu_model:
        notes.append(
            f"The processors differ ({mine.cpu_model} against {book.cpu_model}): "
            f"single-thread times differ with clock speed and vector units."
        )
    if mine.python_version != book.python_version:
        notes.append(
            f"Python differs ({mine.python_version} against {book.python_version})."
        )
    if not notes:
        return (
            "The two machines look alike (same CPUs, cores, BLAS and Python): "
            "differences come from noise, such as other programs running, "
            "heat and power settings."
        )
    return " ".join(notes)


def duration(seconds: float, decimals: int | None = None) -> str:
    """A time with a unit that suits it: ``3.2 ns``, ``41 µs``, ``12 ms``, ``1.5 s``.

    With ``decimals``, always that many decimals (``12.6 ms``): for times
    set side by side, so that their ratio can be read from them.
    """
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            if decimals is not None:
                return f"{value:.{decimals}f} {unit}"
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def size(n_bytes: int) -> str:
    """A size in KiB, MiB or GiB: ``16 KiB``, ``64 MiB``."""
    for scale, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n_bytes >= scale:
            value = n_bytes / scale
            return (
                f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
            )
    return f"{n_bytes} bytes"


def same_unit(*seconds: float) -> tuple[str, ...]:
    """Times in one unit (that of the longer), with one decimal: ``12.6 ms``."""
    top = max(seconds)
    scale, unit = next(
        (s, u)
        for s, u in ((1, "s"), (1e-3, "ms"), (1e-6, "µs"))
        if top >= s or u == "µs"
    )
    return tuple(f"{x / scale:.1f} {unit}" for x in seconds)


def and_list(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def gain(speedup: float, than: str) -> str:
    """``speedup`` in words, against ``than``: '1.93× as fast as serial'."""
    if speedup >= 1 + SAME:
        return f"{times(speedup)} as fast as {than}"
    if speedup <= 1 - SAME:
        return f"slower than {than} ({times(speedup)} its speed)"
    return f"about as fast as {than} ({times(speedup)})"


def seconds(x: float) -> str:
    """A duration with a sensible unit: ``12.3 ms``, ``45 µs``, ``1.20 s``."""
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 1e-3:
        return f"{x * 1e3:.1f} ms"
    if x >= 1e-6:
        return f"{x * 1e6:.1f} µs"
    return f"{x * 1e9:.0f} ns"


def what_was_seen(disturbance: Disturbance | None, ratio: Ratio) -> str:
    """What was measured beside a figure, never a guessed cause.

    The meter's reading when it saw other work ("other programs used 0.6
    CPUs while this ran"); otherwise how much the rounds varied, and that no
    other work was seen (or nothing about other work, where the meter had no
    reading).
    """
    band = f"from {ratio.band_low:.2f}× to {ratio.band_high:.2f}×"
    other = None if disturbance is None else disturbance.other_cpus
    if other is None:
        return f"its rounds ranged {band}"
    if other >= 0.2:
        return f"other programs used {other:.1f} CPUs while this ran"
    return f"its rounds ranged {band} while no other work was seen"


def ceiling_phrase(ceiling: Ceiling | None) -> str:
    """``; this machine's 2 CPUs together counted 1.85× as fast as one just before``."""
    if ceiling is None:
        return ""
    return (
        f"; this machine's {plural(ceiling.k, 'CPU')} together counted "
        f"{times(ceiling.ratio)} as fast as one, measured just before"
    )


def processes_phrase(p: int) -> str:
    """``one process``, ``2 processes``."""
    return "one process" if p == 1 else f"{p} processes"


def figure_with_interval(value: float, ratio: Ratio | None = None) -> str:
    """A headline figure for a table: ``1.57`` or ``1.57 (1.33–1.68)``."""
    if ratio is None:
        return f"{value:.2f}"
    return f"{value:.2f} ({ratio.low:.2f}–{ratio.high:.2f})"


def intervals_overlap(a: Ratio | None, b: Ratio | None) -> str:
    """``yes``/``no`` when both figures have an interval, else ``-``."""
    if a is None or b is None:
        return "-"
    return "yes" if a.low <= b.high and b.low <= a.high else "no"
