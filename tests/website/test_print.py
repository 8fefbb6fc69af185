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


def test_the_printed_book_has_pages(browser, tmp_path):
    """Prints ``_build/singlehtml`` (made by ./tasks pdf; skipped without it)."""
    source = ROOT / printing.SOURCE
    if not (source / "index.html").is_file():
        pytest.skip("no _build/singlehtml: run ./tasks pdf to build and print it")
    pdf = tmp_path / "book.pdf"
    pages = printing.print_book(source, pdf, browser=browser)
    # every page of the table of contents, at least a page each
    assert pages >= len(toc_pages())
