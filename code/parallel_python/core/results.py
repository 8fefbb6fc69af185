"""Results as data: frozen dataclasses to and from JSON (never pickles).

Every experiment returns a frozen dataclass built from numbers, strings,
tuples, dicts and other such dataclasses (:class:`~parallel_python.core.timing.Timing`
among them). :func:`to_data` turns one into plain JSON-ready data;
:func:`from_data` rebuilds it from the dataclass's own type hints, so a new
experiment needs no serialisation code of its own.

A saved file is an *envelope*: the format version, the experiment's name, the
machine it ran on and the result.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

FORMAT_VERSION = 1


class ResultFileError(ValueError):
    """A results file that is missing, unreadable, corrupt or of another kind."""


def to_data(value: Any) -> Any:
    """Plain JSON-ready data (dicts, lists, numbers, strings) from a result."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in a result file")


def from_data(cls: Any, data: Any) -> Any:
    """Rebuild an instance of ``cls`` (a type hint) from :func:`to_data` output."""
    origin = typing.get_origin(cls)
    args = typing.get_args(cls)
    if cls is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        errors = []
        for option in args:
            if option is type(None):
                continue
            try:
                return from_data(option, data)
            except (TypeError, ValueError, KeyError) as exc:
                errors.append(str(exc))
        raise ValueError(f"value {data!r} fits none of {cls}: {'; '.join(errors)}")
    if dataclasses.is_dataclass(cls):
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {cls.__name__}, got {data!r}")
        hints = typing.get_type_hints(cls)
        fields = [f for f in dataclasses.fields(cls) if f.init]
        # a field with a default may be absent: a result saved before the
        # field was added reads with the default
        optional = {
            f.name
            for f in fields
            if f.default is not dataclasses.MISSING
            or f.default_factory is not dataclasses.MISSING
        }
        names = {f.name for f in fields if f.name in data or f.name not in optional}
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"{cls.__name__} lacks {', '.join(sorted(missing))}")
        return cls(**{n: from_data(hints[n], data[n]) for n in names})
    if origin is tuple:
        if not isinstance(data, list):
            raise ValueError(f"expected a list, got {data!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], v) for v in data)
        if len(args) != len(data):
            raise ValueError(f"expected {len(args)} items, got {len(data)}")
        return tuple(from_data(a, v) for a, v in zip(args, data, strict=True))
    if origin is list:
        if not isinstance(data, list):
            raise ValueError(f"expected a list, got {data!r}")
        return [from_data(args[0] if args else Any, v) for v in data]
    if origin is dict:
        if not isinstance(data, dict):
            raise ValueError(f"expected an object, got {data!r}")
        value_type = args[1] if args else Any
        return {k: from_data(value_type, v) for k, v in data.items()}
    if cls is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ValueError(f"expected a number, got {data!r}")
        return float(data)
    if cls is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise ValueError(f"expected a whole number, got {data!r}")
        return data
    if cls is bool or cls is str:
        if not isinstance(data, cls):
            raise ValueError(f"expected {cls.__name__}, got {data!r}")
        return data
    if cls is type(None):
        if data is not None:
            raise ValueError(f"expected null, got {data!r}")
        return None
    if cls is object:
        return data
    raise TypeError(f"cannot rebuild {cls!r} from a result file")


def envelope(
    experiment: str,
    result: Any,
    machine: Any,
    elapsed: float | None = None,
    disturbance: Any = None,
    probe_spread: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The saved form of one run: format, experiment name, machine and result
    (and, when given, the seconds the run took, ``elapsed_seconds``, the
    disturbance meter's reading over the run, ``disturbance``, and the spread
    of a single-core probe just before and just after it, ``probe_spread``)."""
    from .. import __version__

    data = {
        "format": FORMAT_VERSION,
        "package_version": __version__,
        "experiment": experiment,
        "machine": to_data(machine),
        "result": to_data(result),
    }
    if elapsed is not None:
        data["elapsed_seconds"] = float(elapsed)
    if disturbance is not None:
        data["disturbance"] = to_data(disturbance)
    if probe_spread is not None:
        data["probe_spread"] = [float(x) for x in probe_spread]
    return data


def save(
    path: str | Path,
    experiment: str,
    result: Any,
    machine: Any,
    elapsed: float | None = None,
    disturbance: Any = None,
    probe_spread: tuple[float, float] | None = None,
) -> Path:
    """Write one run as JSON; written to a temporary name first, so a file is
    never left half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(
        json.dumps(
            envelope(experiment, result, machine, elapsed, disturbance, probe_spread),
            indent=1,
        ),
        encoding="utf-8",
    )
    tmp.replace(path)
    return path


def read_json(path: str | Path) -> Any:
    """Parse a JSON file, turning every way it can fail into a ResultFileError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ResultFileError(f"{path}: is a folder, not a results file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultFileError(f"{path}: cannot be read ({exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultFileError(
            f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None


T = TypeVar("T")


def find(items: Iterable[T], **fields: object) -> T:
    """The first of ``items`` whose attributes equal ``fields``.

    ``find(sweep.points, size=2000, threads=2)``; a ``KeyError`` naming the
    fields when there is none.
    """
    for item in items:
        if all(getattr(item, name) == value for name, value in fields.items()):
            return item
    raise KeyError(", ".join(f"{name}={value!r}" for name, value in fields.items()))
