"""The wrap-up's gallery: each chapter's key figure, small, linking to it
(a front door, like :mod:`parallel_python.book`).

The wrap-up runs last (pages run in the order of their paths), so every
chapter has recorded its result by then. Each thumbnail is drawn from that
record by the experiment's own catalogue plot, without its title, at a
small size; the title (the takeaway, computed from the result) becomes the
card's text, readable at any size, and the whole card links to the full
figure on the chapter's page.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import book, catalogue
from .core.style import house_style, takeaway_of

#: The thumbnail's width, pixels: twice the widest a card shows it (about
#: 320 CSS px, two cards in the column), so it stays sharp on fine screens.
WIDTH_PX = 640


@dataclass(frozen=True)
class Thumbnail:
    """One chapter's key figure in the gallery."""

    experiment: str  # its catalogue name: the entry's plot draws it
    figure: str  # the full figure's name on the chapter's page
    title: str  # the card's title: what the figure is about
    alt: str  # what the picture shows, for readers who cannot see it

    @property
    def key(self) -> str:
        """The glue name of the picture."""
        return "wrapup_thumbnail_" + self.experiment.replace("-", "_")

    @property
    def page(self) -> str:
        return catalogue.get(self.experiment).page


THUMBNAILS = (
    Thumbnail(
        "gil",
        "fig-part1-gil",
        "Threads or processes for pure Python",
        "Small line chart of speed-up against tasks run side by side, for "
        "sleeping threads, pure-Python threads and pure-Python processes.",
    ),
    Thumbnail(
        "numpy-trick",
        "fig-part1-numpy-trick",
        "NumPy work in threads",
        "Small line chart of speed-up against threads, for NumPy sorts and "
        "for pure-Python loops.",
    ),
    Thumbnail(
        "numpy-blas-sweep",
        "fig-numpy-sweep",
        "BLAS threads for a matrix multiply",
        "Two small line charts against BLAS threads: the speed-up and the "
        "arithmetic rate of a matrix multiply, for three matrix sizes.",
    ),
    Thumbnail(
        "mp-integration-sweep",
        "fig-mp-sweep",
        "A process pool for a pure-Python integration",
        "Two small charts against worker processes: the speed-up of the "
        "integration and the parallel efficiency.",
    ),
    Thumbnail(
        "blend-grid",
        "fig-blend-grid",
        "Processes times BLAS threads",
        "Two small heat maps of worker processes against BLAS threads per "
        "process: the wall time and the speed-up of each combination.",
    ),
    Thumbnail(
        "tool-comparison",
        "fig-further-tools",
        "One loop, every tool",
        "Small dot chart of the speed-up over pure Python of each tool the "
        "book covers, on the same integration.",
    ),
)


def draw(thumbnail: Thumbnail, result: Any) -> tuple[bytes, str]:
    """The thumbnail as PNG (:data:`WIDTH_PX` wide) and the figure's title
    (its takeaway), which the picture leaves out."""
    plot = catalogue.get(thumbnail.experiment).plot
    if plot is None:
        raise ValueError(f"{thumbnail.experiment} has no figure to show")
    fig = plot(result)
    title = takeaway_of(fig)
    fig.suptitle("")
    buffer = io.BytesIO()
    with house_style():
        fig.savefig(buffer, format="png", dpi=WIDTH_PX / fig.get_figwidth())
    return buffer.getvalue(), title


def _markdown_text(text: str) -> str:
    """``text`` as one line of Markdown: the characters Markdown would read
    escaped, and the lines of a two-line takeaway joined by a semicolon."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    one_line = "; ".join(line for line in lines if line)
    return re.sub(r"([\\`*_\[\]{}<>#|])", r"\\\1", one_line)


def page_title(page: str, root: Path | None = None) -> str:
    """The first ``# `` heading of ``page`` (e.g. ``book/part1/gil``)."""
    root = root or book.book_root()
    for line in (root / f"{page}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"{page} has no title (a line starting with '# ')")


def card(thumbnail: Thumbnail, takeaway: str, root: Path | None = None) -> str:
    """One sphinx-design card: title, picture, takeaway, the page it is on;
    the whole card links to the full figure."""
    return "\n".join(
        [
            f":::{{grid-item-card}} {thumbnail.title}",
            f":link: {thumbnail.figure}",
            ":link-type: ref",
            f":link-alt: {thumbnail.title}: the full figure",
            f":footer: {_markdown_text(page_title(thumbnail.page, root))}",
            ":class-card: thumbnail-card",
            "",
            f"```{{glue:figure}} {thumbnail.key}",
            f":alt: {thumbnail.alt}",
            ":figclass: thumbnail",
            "```",
            "",
            _markdown_text(takeaway) if takeaway else "",
            ":::",
        ]
    )


def gallery(thumbnails: tuple[Thumbnail, ...] = THUMBNAILS) -> str:
    """Draw and glue every thumbnail from this build's results (see
    :func:`parallel_python.book.result`); return the cards as MyST, for
    :func:`parallel_python.book.markdown`."""
    from IPython.display import Image
    from myst_nb import glue

    cards = []
    for thumbnail in thumbnails:
        png, takeaway = draw(thumbnail, book.result(thumbnail.experiment))
        glue(thumbnail.key, Image(data=png, format="png"), display=False)
        cards.append(card(thumbnail, takeaway))
    return "::::{grid} 1 2 2 2\n:gutter: 3\n\n" + "\n\n".join(cards) + "\n::::"
