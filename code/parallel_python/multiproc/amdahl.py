"""Amdahl's law, fitted to measured run times.

If a fraction ``s`` of the work is serial, ``p`` workers take

    T(p) = T1 * (s + (1 - s) / p) = A + B / p,   with A = T1 * s, B = T1 * (1 - s),

which is linear in ``1/p``. :func:`fit_serial_fraction` solves for ``A`` and
``B`` by least squares over the points with ``p`` up to the CPUs available
(beyond them, workers take turns and the law does not apply) and returns
``s = A / (A + B)``. With exactly two such points the two equations have one
exact solution, not a fit; with one point there is nothing to fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..core.validate import positive_int


@dataclass(frozen=True)
class AmdahlFit:
    """The serial fraction from run times ``T(p)`` with ``p <= cpus``.

    ``kind`` is ``"fit"`` (least squares, three or more points), ``"exact"``
    (two points, solved exactly) or ``"none"`` (fewer than two distinct
    process counts: nothing to fit; ``serial_fraction`` is then ``None``).
    """

    kind: str
    processes_used: tuple[int, ...]
    cpus: int
    serial_fraction: float | None
    one_process_time: float | None

    def predicted_speedup(self, processes: int) -> float | None:
        """Amdahl's speed-up over one process, 1 / (s + (1 - s)/p), for p <= cpus;
        flat beyond the CPUs. ``None`` without a fit. Uses ``s`` clipped to [0, 1]."""
        if self.serial_fraction is None:
            return None
        s = min(max(self.serial_fraction, 0.0), 1.0)
        p = min(positive_int("processes", processes), self.cpus)
        return 1.0 / (s + (1.0 - s) / p)

    @property
    def limit(self) -> float | None:
        """The most speed-up any number of workers could give, 1/s (inf if s <= 0)."""
        if self.serial_fraction is None:
            return None
        return float("inf") if self.serial_fraction <= 0 else 1.0 / self.serial_fraction


def fit_serial_fraction(points: Iterable[tuple[int, float]], *, cpus: int) -> AmdahlFit:
    """Fit ``T(p) = A + B/p`` to ``(p, seconds)`` pairs with ``p <= cpus``.

    Several times for one ``p`` are averaged first. Raises ``ValueError`` for
    a non-positive time or process count.
    """
    cpus = positive_int("cpus", cpus)
    by_p: dict[int, list[float]] = {}
    for p, t in points:
        p = positive_int("processes", p)
        if not t > 0:
            raise ValueError(f"times must be > 0 seconds, got {t} for p={p}")
        if p <= cpus:
            by_p.setdefault(p, []).append(float(t))
    used = tuple(sorted(by_p))
    if len(used) < 2:
        return AmdahlFit("none", used, cpus, None, None)
    xs = [1.0 / p for p in used]
    ys = [sum(by_p[p]) / len(by_p[p]) for p in used]
    k = len(xs)
    mx, my = sum(xs) / k, sum(ys) / k
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    b = sxy / sxx
    a = my - b * mx
    t1 = a + b
    s = a / t1 if t1 > 0 else 1.0
    return AmdahlFit("exact" if k == 2 else "fit", used, cpus, s, t1)
