"""Where each measured number glued into the book came from.

A page glues a measured number with ``book.glue(..., of=(experiment, field),
raw=number)``, and a computed sentence with ``book.glue_md(..., of=result)``;
each such glue appends one line to this build's :data:`GLUED_FILE`, beside
the results, with the :func:`fingerprint` of the run it came from. The
Sphinx extension publishes them (``_static/book-glued.json``) and site tests
check that one (experiment, field) shows one value across the whole book
(:func:`conflicting_sources`) and that every experiment's numbers and
sentences come from one run, the recorded one (:func:`conflicting_runs`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .core.results import read_json, to_data

#: The file beside the results where every measured glued number notes
#: where it came from (one JSON object per line).
GLUED_FILE = "glued.jsonl"


def _results_dir() -> Path:
    from .book import results_dir

    return results_dir()


#: The field a glued sentence notes: ``sentence <glue name>``.
SENTENCE = "sentence"


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def fingerprint(result: Any) -> str:
    """A short digest of a result's data: equal for the same run, whether
    the result is the object a run returned or one read back from its record."""
    return _digest(to_data(result))


def recorded_run(experiment: str) -> str | None:
    """The :func:`fingerprint` of ``experiment``'s recorded result in this
    build, or None when it has not been recorded."""
    path = _results_dir() / f"{experiment}.json"
    return _digest(read_json(path)["result"]) if path.is_file() else None


def note_source(
    name: str,
    value: str | int | float,
    of: tuple[str, str],
    raw: float | None,
    run: str | None = None,
) -> None:
    """Append where glued ``name`` came from to this build's :data:`GLUED_FILE`:
    ``of`` is (experiment, field); ``run`` the :func:`fingerprint` of the
    result it came from (default: the experiment's recorded result)."""
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
        "run": run if run is not None else recorded_run(experiment),
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


def conflicting_runs(
    notes: list[dict[str, Any]], recorded: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """The experiments whose glued numbers and sentences came from more than
    one run (or, given ``recorded`` fingerprints, from a run other than the
    recorded one), each with the glues concerned (empty when consistent)."""
    runs: dict[str, dict[str, list[str]]] = {}
    for note in notes:
        run = note.get("run")
        if run is None:
            continue
        runs.setdefault(note["experiment"], {}).setdefault(run, []).append(note["glue"])
    found = {}
    for experiment, by_run in runs.items():
        own = (recorded or {}).get(experiment)
        if len(by_run) > 1 or (own is not None and set(by_run) != {own}):
            found[experiment] = sorted(g for glues in by_run.values() for g in glues)
    return found
