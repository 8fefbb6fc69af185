"""The book on paper: the print styles on a built page, and ``./tasks pdf``'s PDF."""

from __future__ import annotations

import pytest

from parallel_python import printing

from .conftest import ROOT, toc_pages

#: A page with figures, exercises and hidden solutions.
PAGE = "book/handson/a-numpy-threads"

VISIBLE = "e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0"


def test_print_hides_the_screen_furniture_and_opens_solutions(watch):
    page = watch.open(f"{PAGE}.html")
    solutions = page.locator("div.solution section")
    assert solutions.count() >= 1
    assert not solutions.first.is_visible(), "solutions should start hidden on screen"
    assert page.locator(".bd-sidebar-primary").is_visible()
    page.emulate_media(media="print")
    for furniture in (".bd-sidebar-primary", ".bd-sidebar-secondary", "button.copybtn"):
        shown = page.eval_on_selector_all(
            furniture, f"es => es.filter({VISIBLE}).length"
        )
        assert shown == 0, f"{furniture} is printed"
    assert solutions.first.is_visible(), "a solution stays hidden on paper"
    assert page.locator("figure img").first.is_visible()


#: The width of A4 paper less ``./tasks pdf``'s margins (180 mm), in CSS px.
PAPER = 680

OVERFLOWING = """w => Array.from(document.querySelectorAll('article *'))
  .filter(e => e.getBoundingClientRect().right > w + 1)
  .filter(e => e.parentElement.getBoundingClientRect().right <= w + 1)
  .filter(e => getComputedStyle(e).display !== 'none')
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60))"""


def test_every_page_fits_the_paper_width(watch, pages):
    """Nothing sticks out past A4 (Chromium would shrink the whole book)."""
    watch.page.set_viewport_size({"width": PAPER, "height": 900})
    watch.page.emulate_media(media="print")
    problems = []
    for name in pages:
        page = watch.open(f"{name}.html")
        problems += [f"{name}: {what}" for what in page.evaluate(OVERFLOWING, PAPER)]
    assert not problems, "\n".join(problems)


def test_the_printed_book_has_pages(browser, tmp_path):
    """Prints ``_build/singlehtml`` (made by ./tasks pdf; skipped without it)."""
    source = ROOT / printing.SOURCE
    if not (source / "index.html").is_file():
        pytest.skip("no _build/singlehtml: run ./tasks pdf to build and print it")
    pdf = tmp_path / "book.pdf"
    pages = printing.print_book(source, pdf, browser=browser)
    # every page of the table of contents, at least a page each
    assert pages >= len(toc_pages())
    # an outline (bookmarks) made from the headings: one or more per page
    data = pdf.read_bytes()
    assert b"/Outlines" in data
    assert data.count(b"/Title") > len(toc_pages())
