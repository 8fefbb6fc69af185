"""Where each measured number glued into the book came from.

A page glues a measured number with ``book.glue(..., of=(experiment, field),
raw=number)``; each such glue appends one line to this build's
:data:`GLUED_FILE`, beside the results. The Sphinx extension publishes them
(``_static/book-glued.json``) and a site test checks that one
(experiment, field) shows one value across the whole book.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The file beside the results where every measured glued number notes
#: where it came from (one JSON object per line).
GLUED_FILE = "glued.jsonl"


def _results_dir() -> Path:
    from .book import results_dir

    return results_dir()


def note_source(
    name: str, value: str | int | float, of: tuple[str, str], raw: float | None
) -> None:
    """Append where glued ``name`` came from to this build's :data:`GLUED_FILE`."""
    from . import catalogue

    if not (isinstance(of, tuple) and len(of) == 2):
        raise TypeError(f"glue {name!r}: of must be (experiment, field), not {of!r}")
    experiment, field = of
    catalogue.get(experiment)  # a clear error for a name that is not in it
    if raw is not None:
        raw = float(raw)
    line = {
        "glue": name,
        "experiment": experiment,
        "field": field,
        "text": str(value),
        "raw": raw,
    }
    folder = _results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / GLUED_FILE, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def glued_sources(folder: Path | None = None) -> list[dict[str, Any]]:
    """Every source noted by :func:`glue` in this build (oldest first)."""
    path = (folder or _results_dir()) / GLUED_FILE
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def conflicting_sources(
    notes: list[dict[str, Any]],
) -> dict[tuple[str, str], list[str]]:
    """The (experiment, field) pairs glued with more than one value, each
    with its values as shown (empty when the build is consistent)."""
    values: dict[tuple[str, str], set[tuple[str, Any]]] = {}
    for note in notes:
        key = (note["experiment"], note["field"])
        values.setdefault(key, set()).add((str(note["text"]), note["raw"]))
    return {
        key: sorted(text for text, _ in shown)
        for key, shown in values.items()
        if len(shown) > 1
    }
