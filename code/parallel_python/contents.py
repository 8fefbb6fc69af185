"""What the book's pages hold, gathered for the wrap-up and About this build.

* :func:`toc_pages` - every page of ``_toc.yml``, in reading order;
* :func:`key_points` / :func:`key_points_markdown` - every chapter's "Key
  points" box, read from the sources;
* :func:`headline_rows` - every recorded result's headline figures, in
  reading order.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Any

from .core import results
from .core.text import dropdown


def _book_root() -> Path:
    from .book import book_root

    return book_root()


def _results_dir() -> Path:
    from .book import results_dir

    return results_dir()


_KEY_POINTS = re.compile(
    r"^:::\{admonition\} Key points\n(?::class:[^\n]*\n)?\n?(.*?)^:::$",
    re.MULTILINE | re.DOTALL,
)
_DOC_ROLE = re.compile(r"\{doc\}`([^`<]*<)?([^`>]+)(>?)`")


def _absolute_docs(text: str, page: str) -> str:
    """Rewrite relative ``{doc}`` targets of ``page`` as absolute ones."""
    folder = PurePosixPath(page).parent

    def fix(m: re.Match[str]) -> str:
        label, target, close = m.group(1) or "", m.group(2), m.group(3)
        if not target.startswith("/"):
            target = "/" + posixpath.normpath(str(folder / target))
        return f"{{doc}}`{label}{target}{close}`"

    return _DOC_ROLE.sub(fix, text)


def toc_pages(root: Path | None = None) -> list[str]:
    """Every page of ``_toc.yml`` in reading order, e.g. ``book/part1/gil``."""
    import yaml

    root = root or _book_root()
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries: list[dict[str, Any]] | None) -> None:
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return [p.removesuffix(".md").removesuffix(".ipynb") for p in pages]


def key_points(root: Path | None = None) -> list[tuple[str, str, str]]:
    """Every page's "Key points" box, in reading order: (page, title, Markdown).

    Read from the pages' sources, so the wrap-up never drifts from them.
    Relative ``{doc}`` links are made absolute; a box that glues numbers
    cannot be moved to another page and is refused.
    """
    root = root or _book_root()
    pages = toc_pages(root)
    found = []
    for page in pages:
        source = root / f"{page}.md"
        if not source.is_file():
            continue
        text = source.read_text(encoding="utf-8")
        match = _KEY_POINTS.search(text)
        if match is None:
            continue
        body = match.group(1).strip()
        if "{glue" in body:
            raise ValueError(f"{page}: key points must not glue numbers")
        title = next(
            (line[2:].strip() for line in text.splitlines() if line.startswith("# ")),
            page,
        )
        found.append((page, title, _absolute_docs(body, page)))
    return found


def headline_rows(
    folder: Path | None = None, root: Path | None = None
) -> list[tuple[str, str, str, str, float]]:
    """(page, chapter, experiment, figure, value) for every recorded result,
    in the book's reading order.

    Reads the results this build's measuring cells recorded, and asks each
    experiment's catalogue entry for its headline figures.
    """
    from . import catalogue

    folder = folder or _results_dir()
    try:
        order = toc_pages(root)
    except FileNotFoundError:
        order = []
    rank = {page: i for i, page in enumerate(order)}
    experiments = sorted(
        enumerate(catalogue.EXPERIMENTS),
        key=lambda ie: (rank.get(ie[1].page, len(rank)), ie[0]),
    )
    rows = []
    for _, experiment in experiments:
        path = folder / f"{experiment.name}.json"
        if not path.is_file():
            continue
        data = results.read_json(path)
        try:
            result = results.from_data(experiment.result_type, data["result"])
        except ValueError as exc:
            raise ValueError(f"{path}: {exc} (a record from older code?)") from exc
        for label, value in experiment.headlines(result).items():
            rows.append(
                (experiment.page, experiment.chapter, experiment.name, label, value)
            )
    return rows


def key_points_markdown(root: Path | None = None) -> str:
    """The chapters' key points, each in a closed dropdown titled "Key
    points: <chapter>", whose body begins with a link back to the chapter
    (the wrap-up's own and the appendices' are left out).

    The link is in the body, not the title: the title is the dropdown's
    button, and a link inside a button is neither valid HTML nor reachable
    by keyboard.
    """
    parts = []
    for page, title, body in key_points(root):
        if page.startswith(("book/wrapup/", "book/appendix/")):
            continue
        link = f"Chapter: {{doc}}`{title} </{page}>`"
        parts.append(dropdown(f"Key points: {title}", f"{link}\n\n{body}"))
    return "\n\n".join(parts)
