"""The book as one PDF: the one-page HTML build, printed by Chromium.

``./tasks pdf`` builds ``_build/singlehtml`` (Jupyter Book's ``singlehtml``
builder, reusing the execution cache) and then runs this module, which opens
that page in the system's Chromium (driven by Playwright, which downloads
nothing here), opens every hidden solution and fold-out, waits for MathJax,
and prints it on A4 to ``_build/pdf/parallel-python.pdf``. How the pages
look on paper (no side bars or buttons, figures kept whole) is the
``@media print`` part of ``_static/book.css``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .outline import DOCUMENT_TITLES, HEADINGS, regroup_outline, repair_outline

SOURCE = Path("_build") / "singlehtml"
TARGET = Path("_build") / "pdf" / "parallel-python.pdf"

#: Chromium's switches for a quiet, offline, headless run (as the site tests).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: Opens what a reader would click open: sphinx-togglebutton's hidden
#: admonitions (the exercises' solutions) and every <details> fold-out.
OPEN_EVERYTHING = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.admonition.toggle.toggle-hidden')
    .forEach(a => a.classList.remove('toggle-hidden'));
  document.querySelectorAll('button.toggle-button-hidden')
    .forEach(b => b.classList.remove('toggle-button-hidden'));
}"""

#: Resolves when MathJax (if the page has it) has typeset every formula.
MATHS_TYPESET = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
}"""

#: Page numbers at the foot of every page.
FOOTER = (
    '<div style="font-size: 8pt; width: 100%; text-align: center; color: #555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def book_page(source: Path) -> Path:
    """The one-page book in ``source``, or a ValueError that says what to do.

    Jupyter Book names the page after the book's first chapter and writes an
    ``index.html`` that redirects to it; the redirect is followed here."""
    index = Path(source) / "index.html"
    if not index.is_file():
        raise ValueError(
            f"no one-page book at {index}: run ./tasks pdf, which builds it first"
        )
    redirect = re.search(
        r'http-equiv="Refresh" content="0; url=([^"]+)"',
        index.read_text(encoding="utf-8", errors="replace"),
        flags=re.IGNORECASE,
    )
    if redirect is None:
        return index
    page = Path(source) / redirect.group(1)
    if not page.is_file():
        raise ValueError(f"{index} leads to {page}, which is missing: run ./tasks pdf")
    return page


def _at_the_root(page: Path, source: Path) -> Path:
    """The one page, as a copy in ``source`` itself if it lies deeper: the
    builder writes its links (styles, scripts, pictures) relative to
    ``source``, wherever it puts the page."""
    if page.parent.resolve() == source.resolve():
        return page
    copy = source / "parallel-python.html"
    copy.write_bytes(page.read_bytes())
    return copy


def find_chromium() -> str:
    """The system's Chromium (Debian's package), never a downloaded one."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise ValueError("no Chromium on PATH to print with (apt-get install chromium)")


def count_pages(pdf: Path) -> int:
    """How many pages a PDF has: its page objects (``/Type /Page``)."""
    data = Path(pdf).read_bytes()
    if not data.startswith(b"%PDF"):
        raise ValueError(f"{pdf} is not a PDF")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def print_book(source: Path = SOURCE, target: Path = TARGET, browser=None) -> int:
    """Print the one-page book in ``source`` to the PDF ``target``; its pages.

    ``browser``: a Playwright browser to print with (default: start the
    system's Chromium for this one print)."""
    page_file = _at_the_root(book_page(source), Path(source))
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if browser is not None:
        _print(browser, page_file, target)
        return count_pages(target)
    chromium = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as missing:
        raise ValueError("Playwright for Python is not installed") from missing
    with sync_playwright() as p:
        started = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            _print(started, page_file, target)
        finally:
            started.close()
    return count_pages(target)


def _print(browser, page_file: Path, target: Path) -> None:
    context = browser.new_context()
    try:
        # paper is white: the light theme, whatever a reader last chose
        context.add_init_script("localStorage.setItem('mode', 'light');")
        page = context.new_page()
        page.goto(page_file.resolve().as_uri(), wait_until="load", timeout=180_000)
        page.evaluate(MATHS_TYPESET)
        page.evaluate(OPEN_EVERYTHING)
        page.emulate_media(media="print")
        headings = page.evaluate(HEADINGS)
        page_titles = page.evaluate(DOCUMENT_TITLES)
        page.pdf(
            path=str(target),
            format="A4",
            print_background=True,
            margin={"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"},
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
            outline=True,  # bookmarks from the headings: every page, in order
            tagged=True,
        )
    finally:
        context.close()
    repair_outline(target, headings)
    regroup_outline(target, page_titles)


def write_config(target: Path, book: Path = Path("_config.yml")) -> Path:
    """The book's configuration for printing: as ``./tasks fast``, pages
    whose source did not change reuse the execution cache; and with this
    module as a Sphinx extension (see ``setup``)."""
    import yaml

    config = yaml.safe_load(Path(book).read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "cache"
    extensions = config.setdefault("sphinx", {}).setdefault("extra_extensions", [])
    if "parallel_python.printing" not in extensions:
        extensions.append("parallel_python.printing")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def html_visitors_for_singlehtml(app) -> None:
    """Let the one-page builder draw every node the HTML builder draws.

    Sphinx looks up how to draw a node under the builder's name and falls
    back to its format ("html") only when no extension registered anything
    under the name; sphinx-exercise registers "singlehtml", which hides the
    HTML ways of every other extension (sphinx-design's cards stop the
    build). This adds the HTML ways that "singlehtml" lacks."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    own = handlers.setdefault("singlehtml", {})
    for node, visitors in handlers.get("html", {}).items():
        own.setdefault(node, visitors)


def setup(app) -> dict:
    """Sphinx extension, loaded only by the configuration ``write_config``
    writes."""
    app.connect("builder-inited", html_visitors_for_singlehtml)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


#: The built site, and the element its "About this build" leaves for the PDF.
SITE = Path("_build") / "html"
PDF_ID = "book-pdf"
ABOUT = Path("book") / "appendix" / "about-this-build.html"


def offer_in_site(pdf: Path, pages: int, site: Path = SITE) -> bool:
    """Put the printed book into the built site (``_static``) and link it from
    "About this build"; False (and nothing done) when there is no built site."""
    from .appendix.build_summary import fill_placeholder

    about = site / ABOUT
    if not about.is_file() or not pdf.is_file():
        return False
    static = site / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, static / pdf.name)
    link = (
        f'<div id="{PDF_ID}"><p>This copy was also printed: '
        f'<a href="../../_static/{pdf.name}" download>{pdf.name}</a> '
        f"({pages} A4 pages, {pdf.stat().st_size / 1e6:.1f} MB).</p></div>"
    )
    text = about.read_text(encoding="utf-8")
    about.write_text(fill_placeholder(text, link, PDF_ID), encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m parallel_python.printing",
        description="Print the one-page book (jupyter-book --builder singlehtml) "
        "to one A4 PDF with Chromium.",
    )
    parser.add_argument(
        "--source", type=Path, default=SOURCE, help=f"(default {SOURCE})"
    )
    parser.add_argument("--out", type=Path, default=TARGET, help=f"(default {TARGET})")
    parser.add_argument(
        "--write-config",
        type=Path,
        metavar="FILE",
        help="only write the configuration for the one-page build to FILE",
    )
    args = parser.parse_args(argv)
    if args.write_config:
        write_config(args.write_config)
        return 0
    try:
        pages = print_book(args.source, args.out)
    except ValueError as problem:
        print(f"printing: {problem}", file=sys.stderr)
        return 1
    size = args.out.stat().st_size / 1e6
    print(f"printing: {args.out} ({pages} A4 pages, {size:.1f} MB)")
    if offer_in_site(args.out, pages):
        print(f"printing: linked from {SITE / ABOUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
