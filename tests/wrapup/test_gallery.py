"""The wrap-up's gallery: each chapter's key figure, small, in a card linking to it."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from parallel_python import book, catalogue, contents, gallery
from tests.fakes import fake_sweep

ROOT = Path(__file__).resolve().parents[2]
SWEEP = next(t for t in gallery.THUMBNAILS if t.experiment == "numpy-blas-sweep")


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_one_thumbnail_per_chapter_each_a_real_figure_on_its_page():
    pages = [t.page for t in gallery.THUMBNAILS]
    assert len(set(pages)) == len(pages)
    for thumbnail in gallery.THUMBNAILS:
        assert catalogue.get(thumbnail.experiment).plot is not None
        source = (ROOT / f"{thumbnail.page}.md").read_text(encoding="utf-8")
        assert re.search(rf"^\s+name: {thumbnail.figure}$", source, re.M), thumbnail
        assert len(thumbnail.alt) >= 15 and not thumbnail.alt.endswith(".png")
    keys = [t.key for t in gallery.THUMBNAILS]
    assert len(set(keys)) == len(keys)


def test_a_thumbnail_is_small_and_leaves_its_title_to_the_card():
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5})
    png, title = gallery.draw(SWEEP, sweep)
    width, height = _png_size(png)
    assert abs(width - gallery.WIDTH_PX) <= 1 and height < 2 * width
    assert len(png) < 150_000  # the page loads six of them
    assert title and "1.9" in title  # the takeaway, computed from the result


def test_a_takeaway_broken_to_fit_its_figure_reaches_the_card_unbroken():
    from matplotlib.figure import Figure

    from parallel_python.core.style import takeaway, takeaway_of

    fig = Figure(figsize=(3, 2))
    long = "Fastest, too close to call: numba parallel=True 119× and numba @njit 80×"
    takeaway(fig, long)
    assert "\n" in fig.get_suptitle()  # broken to fit the figure
    assert takeaway_of(fig) == long  # but not for the card
    two = "No limit: 2 threads each\nthe fixes: 1.9× to 3.2× as fast"
    takeaway(fig, two)
    assert takeaway_of(fig) == two  # a break the writer made stays


def test_the_card_links_to_the_full_figure_and_says_what_it_shows():
    text = gallery.card(SWEEP, "Fastest *here*\nslower_there", ROOT)
    assert text.startswith(":::{grid-item-card} ") and text.endswith(":::")
    assert f":link: {SWEEP.figure}\n:link-type: ref\n" in text
    assert f"```{{glue:figure}} {SWEEP.key}\n:alt: {SWEEP.alt}\n" in text
    assert ":footer: A. Multithreading with NumPy" in text
    # a two-line takeaway becomes one line, its Markdown characters escaped
    assert "Fastest \\*here\\*; slower\\_there" in text


def test_a_page_without_a_title_is_refused(tmp_path):
    (tmp_path / "page.md").write_text("no heading\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no title"):
        gallery.page_title("page", tmp_path)


def test_gallery_glues_each_picture_and_reads_this_builds_record(tmp_path, monkeypatch):
    import myst_nb

    monkeypatch.setenv(book.RESULTS_DIR_ENV, str(tmp_path))
    book.record("numpy-blas-sweep", fake_sweep(2, {1: 1.0, 2: 1.9}))
    glued = {}
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display: glued.update({name: value})
    )
    monkeypatch.chdir(ROOT)
    text = gallery.gallery((SWEEP,))
    assert text.startswith("::::{grid} 1 2 2 2") and text.endswith("::::")
    assert set(glued) == {SWEEP.key}
    assert _png_size(glued[SWEEP.key].data)[0] in range(
        gallery.WIDTH_PX - 1, gallery.WIDTH_PX + 1
    )


def test_the_wrap_up_shows_the_gallery_and_about_this_build_the_table():
    wrapup = (ROOT / "book/wrapup/index.md").read_text(encoding="utf-8")
    assert "gallery.gallery()" in wrapup and "headline_table" not in wrapup
    about = (ROOT / "book/appendix/about-this-build.md").read_text(encoding="utf-8")
    assert "(headline-figures)=\n## Every headline figure of this build" in about
    from parallel_python.appendix import build_summary as bs

    assert f'<div id="{bs.HEADLINES_ID}">' in about


def test_no_page_ends_with_a_back_and_next_line():
    """The theme's buttons already say where back and next lead."""
    for page in contents.toc_pages(ROOT):
        text = (ROOT / f"{page}.md").read_text(encoding="utf-8")
        assert not re.search(r"^(Back|Next):", text, re.M), page
