"""The book on paper: the print styles on a built page, and ``./tasks pdf``'s PDF."""

from __future__ import annotations

import html
import re

from parallel_python import printing

from .conftest import ROOT, missing, toc_pages

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


def outline_titles(reader) -> list[tuple[int, str]]:
    """(depth, title) of every outline entry, depth first."""
    found: list[tuple[int, str]] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(reader.outline, 0)
    return found


def page_title(name: str) -> str:
    """A page's own title, as its HTML page heads its tab."""
    text = (ROOT / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    return html.unescape(title).split(" — ")[0].strip()


def test_the_printed_book_is_a4_with_an_outline_of_every_page(site):
    """The PDF that ./tasks pdf made (.ci/run makes it), read with pypdf."""
    from pypdf import PdfReader

    pdf = ROOT / printing.TARGET
    if not pdf.is_file():
        missing("no _build/pdf/parallel-python.pdf: run ./tasks pdf")
    reader = PdfReader(pdf)
    names = toc_pages()
    assert len(reader.pages) >= len(names), "fewer sheets than pages"
    for sheet in (reader.pages[0], reader.pages[-1]):
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, "not A4"
    titles = outline_titles(reader)
    shown = [title for _, title in titles]
    doubled = [t for t in shown if len(t) % 2 == 0 and t[: len(t) // 2] * 2 == t]
    assert not doubled, f"outline entries with their text twice: {doubled}"
    # every page of _toc.yml has an entry, in reading order
    at = 0
    for name in names:
        want = page_title(name)
        rest = shown[at:]
        assert want in rest, f"{name} ({want!r}) missing from the outline after {at}"
        at += rest.index(want) + 1
    # one top-level entry per page of the book's first level (the first page,
    # then each part's and appendix's page), each page's sections below it
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    first_level = [toc["root"]] + [
        chapter["file"] for part in toc["parts"] for chapter in part["chapters"]
    ]
    top = [title for depth, title in titles if depth == 0]
    assert top == [page_title(name) for name in first_level]
    assert "Contents" not in shown, "the in-page contents box is in the outline"
