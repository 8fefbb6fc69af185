"""Checks for the arguments a reader passes in: clear errors, early."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral, Real


def _whole(name: str, value: object, least: int) -> int:
    """``value`` as an ``int`` if it is a whole number >= ``least`` (never a bool)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(
            f"{name} must be a whole number >= {least}, got {value!r} "
            f"({type(value).__name__})"
        )
    if value < least:
        raise ValueError(f"{name} must be a whole number >= {least}, got {value}")
    return int(value)


def positive_int(name: str, value: object) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= 1.

    Raises ``ValueError`` naming the parameter otherwise (``bool`` is refused:
    ``True`` is not a size).
    """
    return _whole(name, value, 1)


def non_negative_int(name: str, value: object) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= 0."""
    return _whole(name, value, 0)


def positive_float(name: str, value: object) -> float:
    """Return ``value`` as a ``float`` if it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    number = float(value)
    if not number > 0 or number == float("inf"):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return number


def positive_ints(name: str, values: Iterable[object]) -> tuple[int, ...]:
    """Return a non-empty tuple of whole numbers >= 1, sorted, duplicates dropped."""
    try:
        items = list(values)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(
            f"{name} must be a list of whole numbers >= 1, got {values!r}"
        ) from None
    if not items:
        raise ValueError(f"{name} must list at least one whole number >= 1")
    checked = {positive_int(f"each of {name}", v) for v in items}
    return tuple(sorted(checked))
