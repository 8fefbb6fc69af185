"""The words every computed sentence shares: times, sizes, ratios and plurals.

The parts' ``narrate*`` modules build their sentences from these, so a
number reads the same on every page and in the CLI.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .protocol import Ratio

from .machine import Machine

#: Within this relative difference, two timings count as "the same".
SAME = 0.10


def gain_shown(ratio: Ratio) -> bool:
    """A gain the rounds agree on: median >= 1 + SAME, interval above 1."""
    return ratio.median >= 1 + SAME and ratio.low > 1


def loss_shown(ratio: Ratio) -> bool:
    """A loss the rounds agree on: median <= 1 - SAME, interval below 1."""
    return ratio.median <= 1 - SAME and ratio.high < 1


#: SI prefixes by power of 1000, from pico to tera.
_PREFIXES = {-4: "p", -3: "n", -2: "µ", -1: "m", 0: "", 1: "k", 2: "M", 3: "G", 4: "T"}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
#: The typographic minus sign, so that -1.5 reads "−1.50".
MINUS = "\u2212"
#: Significant figures of every measured value in the book.
FIGURES = 3


def _finite(x: float, what: str) -> float:
    try:
        value = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {x!r}") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{what} must be a finite number, got {value}")
    return value


def _figures(exponent: int) -> int:
    """Significant figures for a value of this decimal exponent: three from
    1 up, two below (``0.53``, ``0.053``), so no figure has more than two
    decimals that it does not need."""
    return FIGURES if exponent >= 0 else FIGURES - 1


def _rounded(x: float) -> tuple[float, int]:
    """``x`` rounded to its significant figures, and its decimal exponent."""
    exponent = math.floor(math.log10(abs(x)))
    value = round(x, _figures(exponent) - 1 - exponent)
    if value != 0 and abs(value) >= 10 ** (exponent + 1):  # 999.6 -> 1000
        exponent += 1
    return value, exponent


def _digits(value: float, exponent: int) -> str:
    """``value`` with just enough decimals for its significant figures."""
    decimals = max(0, _figures(exponent) - 1 - exponent)
    text = f"{abs(value):,.{decimals}f}"
    return (MINUS if value < 0 else "") + text


def measured(x: float, unit: str = "") -> str:
    """A measured value as the book writes it: three significant figures
    (two below 1, so ``0.97×`` next to ``1.95×``).

    With a ``unit``, an SI prefix keeps the figure between 1 and 1000:
    ``measured(8.2268e-5, "s")`` -> ``82.3 µs``, ``1.23 ms``, ``3.40 s``,
    ``55.1 GFLOP/s``. Seconds take no prefix above one: ``3,600 s``.
    Without a unit: ``1.95``, ``0.53``, ``161``, ``82,300``; below 0.001
    or from a billion up, a power of ten: ``8.30 × 10⁻⁴``.
    Zero is ``0`` (``0 s``); negative values take a minus sign (``−12.3 ms``);
    NaN and infinity raise ``ValueError`` (a measurement that failed must not
    reach a sentence as ``nan``).
    """
    value = _finite(x, "a measured value")
    if value == 0:
        return f"0 {unit}" if unit else "0"
    if unit:
        top = 0 if unit == "s" else max(_PREFIXES)
        exponent = math.floor(math.log10(abs(value)))
        power = min(max(exponent // 3, min(_PREFIXES)), top)
        scaled, exp = _rounded(value / 1000.0**power)
        if exp >= 3 and power < top:  # 999.96 µs -> 1.00 ms
            power += 1
            scaled, exp = _rounded(value / 1000.0**power)
        return f"{_digits(scaled, exp)} {_PREFIXES[power]}{unit}"
    rounded, exponent = _rounded(value)
    if -3 <= exponent < 9:
        return _digits(rounded, exponent)
    exponent = math.floor(math.log10(abs(value)))
    mantissa, exp = _rounded(value / 10.0**exponent)
    exponent += exp  # 9.996e-4 -> 1.00 × 10⁻³
    mantissa /= 10.0**exp
    power = str(exponent).translate(_SUPERSCRIPT)
    return f"{_digits(mantissa, 0)} × 10{power}"


def number(x: float, unit: str = "") -> str:
    """Any number for a sentence: an ``int`` is an exact count (``82,268``),
    anything else a :func:`measured` value (``1.23 ms``, ``0.53``)."""
    if isinstance(x, int) and not isinstance(x, bool) and not unit:
        return count(x)
    return measured(x, unit)


def count(n: int) -> str:
    """An exact count, with thousands separators: ``82,268``, ``−3``."""
    if isinstance(n, float):
        if not n.is_integer():
            raise ValueError(f"a count must be a whole number, got {n}")
        n = int(n)
    if not isinstance(n, int):
        raise ValueError(f"a count must be a whole number, got {n!r}")
    return (MINUS if n < 0 else "") + f"{abs(n):,}"


def times(x: float) -> str:
    """A ratio or speed-up, as a measured value: ``1.93×``, ``161×``, ``0.53×``."""
    return measured(x) + "×"


def interval(value: float, low: float, high: float) -> str:
    """A figure with its interval: ``1.95× (1.90–2.00)``."""
    return f"{times(value)} ({measured(low)}–{measured(high)})"


def ratio_text(ratio: Ratio | None, value: float | None = None) -> str:
    """A speed-up as the book writes it: the median of paired rounds with its
    interval, ``1.95× (1.90–2.00)``; ``value`` alone, ``1.95×``, when there
    were no rounds (``ratio`` None)."""
    if ratio is None:
        if value is None:
            raise ValueError("ratio_text needs a ratio or a value")
        return times(value)
    return interval(ratio.median, ratio.low, ratio.high)


def percent(x: float) -> str:
    """A fraction as a whole percentage: ``0.953`` -> ``95 %``; below 1 %
    (not 0) to one figure, so a small share is not none: ``0.5 %``."""
    x = _finite(x, "a fraction") * 100
    if 0 < abs(x) < 0.995:
        return f"{x:.1g} %"
    return f"{x:,.0f} %"


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


def duration(seconds: float) -> str:
    """A time, as a measured value with a prefix that suits it:
    ``82.3 µs``, ``1.23 ms``, ``3.40 s`` (see :func:`measured`)."""
    if _finite(seconds, "seconds") < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    return measured(seconds, "s")


def setting(seconds: float) -> str:
    """A time someone chose, not measured (a setting, such as the switch
    interval): its own digits, with the prefix that suits it: ``5 ms``,
    ``100 µs``, ``1.5 s``; :func:`duration` would write ``5.00 ms``."""
    if _finite(seconds, "seconds") < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    if seconds == 0:
        return "0 s"
    for power, prefix in ((0, ""), (-3, "m"), (-6, "µ"), (-9, "n")):
        if seconds >= 10.0**power or power == -9:
            digits = float(f"{seconds / 10.0**power:.6g}")
            return f"{digits:,.12g} {prefix}s"
    raise AssertionError("unreachable")


def size(n_bytes: int) -> str:
    """A size in KiB, MiB or GiB: ``16 KiB``, ``64 MiB``, ``919 MiB``,
    ``15.3 MiB`` (three significant figures unless whole)."""
    for scale, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n_bytes >= scale:
            value = n_bytes / scale
            whole = value == int(value)
            return f"{count(int(value)) if whole else measured(value)} {unit}"
    return f"{n_bytes} bytes"


def same_unit(*seconds: float) -> tuple[str, ...]:
    """Times in one unit (that of the longer), for setting side by side so
    that their ratio reads from them: ``12.6 ms`` and ``0.4 ms``."""
    top = max(_finite(x, "seconds") for x in seconds)
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


def gain(speedup: float, than: str, ratio: Ratio | None = None) -> str:
    """``speedup`` in words, against ``than``: '1.93× as fast as serial';
    with the paired rounds' ``ratio``, its interval too: '1.93× (1.80–2.01)
    as fast as serial'."""
    shown = ratio_text(ratio, speedup)
    if speedup >= 1 + SAME:
        return f"{shown} as fast as {than}"
    if ratio is not None:  # no brackets inside brackets
        how = "slower than" if speedup <= 1 - SAME else "about as fast as"
        return f"{how} {than}, at {shown}"
    if speedup <= 1 - SAME:
        return f"slower than {than} ({shown} its speed)"
    return f"about as fast as {than} ({shown})"


def seconds(x: float) -> str:
    """A duration, the same as :func:`duration`: ``12.3 ms``, ``45.0 µs``."""
    return duration(x)


def processes_phrase(p: int) -> str:
    """``one process``, ``2 processes``."""
    return "one process" if p == 1 else f"{p} processes"


def figure_with_interval(value: float, ratio: Ratio | None = None) -> str:
    """A headline figure for a table whose label gives the unit:
    ``1.57`` or ``1.57 (1.33–1.68)``."""
    if ratio is None:
        return measured(value)
    return f"{measured(value)} ({measured(ratio.low)}–{measured(ratio.high)})"


def intervals_overlap(a: Ratio | None, b: Ratio | None) -> str:
    """``yes``/``no`` when both figures have an interval, else ``-``."""
    if a is None or b is None:
        return "-"
    return "yes" if a.low <= b.high and b.low <= a.high else "no"


def unbroken(text: str) -> str:
    """``text`` that a narrow table cell will not break: no-break spaces, and
    a word joiner after each en dash (``4.07× (2.68–5.92)``, ``43.9 ms``)."""
    return text.replace(" ", "\u00a0").replace("–", "–\u2060")


def table(head: list[str], rows: list[list[str]], align: str = "") -> str:
    """A Markdown table; ``align`` gives each column's ``l`` or ``r`` (default:
    the first column left, the others right, as numbers read best)."""
    align = align or "l" + "r" * (len(head) - 1)
    if len(align) != len(head) or any(len(r) != len(head) for r in rows):
        raise ValueError("every row and the alignment need one entry per column")
    rule = "|" + "|".join(":--" if a == "l" else "--:" for a in align) + "|"
    lines = ["| " + " | ".join(head) + " |", rule]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def dropdown(title: str, body: str) -> str:
    """Markdown (MyST) for detail the reader opens on demand: a closed
    admonition titled ``title`` around ``body``."""
    return f":::{{admonition}} {title}\n:class: dropdown\n\n{body}\n:::"
