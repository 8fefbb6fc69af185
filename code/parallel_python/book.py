"""Helpers for the book's pages (a front door, like the CLI).

A measuring cell runs one experiment, then uses these helpers to glue its
numbers and sentences into the prose, record the result for the build's
results file, and show the figure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import results
from .machine import Machine, describe
from .plotting import png_bytes

RESULTS_DIR_ENV = "PARALLEL_PYTHON_RESULTS_DIR"

_machine: Machine | None = None


def machine() -> Machine:
    """This machine's description, computed once per kernel."""
    global _machine
    if _machine is None:
        _machine = describe()
    return _machine


def book_root(start: Path | None = None) -> Path:
    """The folder holding ``_config.yml`` above ``start`` (default: the cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file() and (folder / "_toc.yml").is_file():
            return folder
    raise FileNotFoundError(f"no book (_config.yml and _toc.yml) above {here}")


def results_dir() -> Path:
    """Where measuring cells record their results (``_build/results``)."""
    configured = os.environ.get(RESULTS_DIR_ENV)
    if configured:
        return Path(configured)
    return book_root() / "_build" / "results"


def glue(name: str, value: Any) -> None:
    """Glue a value for ``{glue:text}``: plain Python types only (a NumPy
    float's repr breaks format specs under ``-W``)."""
    from myst_nb import glue as _glue

    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if not isinstance(value, str | int | float):
        raise TypeError(f"glue {name!r}: use str, int or float, not {type(value)}")
    _glue(name, value, display=False)


def glue_md(name: str, text: str) -> None:
    """Glue a computed sentence or paragraph for ``{glue:md}`` (Markdown)."""
    from IPython.display import Markdown
    from myst_nb import glue as _glue

    if not isinstance(text, str):
        raise TypeError(f"glue_md {name!r}: expected text, got {type(text)}")
    _glue(name, Markdown(text), display=False)


def glue_all(prefix: str, values: dict[str, Any]) -> None:
    """Glue each ``key: value`` as ``prefix_key``."""
    for key, value in values.items():
        glue(f"{prefix}_{key}", value)


def record(experiment: str, result: Any) -> Path:
    """Save one result with the machine description, for the build's results file."""
    return results.save(
        results_dir() / f"{experiment}.json", experiment, result, machine()
    )


def show(fig: Any) -> Any:
    """Display a figure as a PNG image (independent of the plotting backend)."""
    from IPython.display import Image, display

    image = Image(data=png_bytes(fig), format="png")
    display(image)
    return None


def markdown(text: str) -> None:
    """Display Markdown (a table, a computed paragraph)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def machine_table(m: Machine | None = None) -> str:
    """The machine description as a Markdown table."""
    m = m or machine()
    lines = ["| What | This build |", "|---|---|"]
    lines += [f"| {label} | {value.replace('|', '/')} |" for label, value in m.rows()]
    return "\n".join(lines)
