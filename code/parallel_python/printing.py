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


#: The headings Chromium turns into the PDF's outline, in document order, as
#: a reader sees them (without the "#" links beside them).
HEADINGS = """() => Array.from(document.querySelectorAll(
    'h1, h2, h3, h4, h5, h6, [role=heading]'))
  .filter(e => e.getClientRects().length > 0)
  .map(e => {
    const c = e.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(a => a.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  })"""


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _outline_nodes(writer) -> list:
    """The outline's entries, depth first (each a PDF dictionary)."""
    nodes: list = []

    def walk(node) -> None:
        while node is not None:
            node = node.get_object()
            nodes.append(node)
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    root = writer.root_object.get("/Outlines")
    if root is not None and "/First" in root.get_object():
        walk(root.get_object()["/First"])
    return nodes


def repair_outline(pdf: Path, headings: Sequence[str]) -> int:
    """Give the outline of ``pdf`` the headings' own titles; how many changed.

    Chromium builds the outline from the headings but joins a heading's
    wrapped lines without a space and sometimes repeats a line ("Exercises
    Exercises"). Its entries follow the headings in document order, so each
    entry takes its heading's text, when every entry matches its heading (the
    first letters of one within the other); otherwise nothing is changed.
    """
    import logging

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    # Chromium's cross-reference table is a little short; pypdf copes, and
    # says so on stderr
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    writer = PdfWriter(clone_from=str(pdf))
    nodes = _outline_nodes(writer)
    if len(nodes) != len(headings):
        return 0
    for node, heading in zip(nodes, headings, strict=True):
        title, want = _squeezed(str(node.get("/Title", ""))), _squeezed(heading)
        if not want or not (want[:12] in title or title[:12] in want):
            return 0
    changed = 0
    for node, heading in zip(nodes, headings, strict=True):
        if str(node.get("/Title", "")) != heading:
            node[NameObject("/Title")] = TextStringObject(heading)
            changed += 1
    if changed:
        with open(pdf, "wb") as out:
            writer.write(out)
    return changed


#: The titles of the pages the one-page book holds after its first, in order
#: (Sphinx marks where each begins with an empty ``span#document-<name>``).
DOCUMENT_TITLES = """() => Array.from(
    document.querySelectorAll('span[id^="document-"]'))
  .map(s => {
    const h = s.nextElementSibling &&
      s.nextElementSibling.querySelector('h1, h2, h3, h4, h5, h6');
    if (!h) return '';
    const c = h.cloneNode(true);
    c.querySelectorAll('.headerlink').forEach(a => a.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim();
  })"""


def _outline_tree(writer) -> list:
    """The outline as (reference, dictionary, depth) entries, depth first."""
    found: list = []

    # raw_get: the references themselves (indexing resolves them, and a
    # resolved dictionary linked into another would be written inside it)
    def walk(ref, depth: int) -> None:
        while ref is not None:
            node = ref.get_object()
            found.append((ref, node, depth))
            if "/First" in node:
                walk(node.raw_get("/First"), depth + 1)
            ref = node.raw_get("/Next") if "/Next" in node else None

    root = writer.root_object.get("/Outlines")
    if root is not None and "/First" in root.get_object():
        walk(root.get_object().raw_get("/First"), 0)
    return found


def _link(parent, parent_ref, children: list) -> None:
    """Make ``children`` ([(ref, node, grandchildren), ...]) the children of
    ``parent`` in order, each closed so that the outline opens on its top."""
    from pypdf.generic import NameObject, NumberObject

    for key in ("/First", "/Last"):
        parent.pop(NameObject(key), None)
    if not children:
        parent.pop(NameObject("/Count"), None)
        return
    refs = [ref for ref, _, _ in children]
    parent[NameObject("/First")], parent[NameObject("/Last")] = refs[0], refs[-1]
    for i, (_, node, grandchildren) in enumerate(children):
        node[NameObject("/Parent")] = parent_ref
        for key, at in (("/Prev", i - 1), ("/Next", i + 1)):
            if 0 <= at < len(refs):
                node[NameObject(key)] = refs[at]
            else:
                node.pop(NameObject(key), None)
        _link(node, refs[i], grandchildren)
    # a negative count: closed, with that many children shown when opened
    parent[NameObject("/Count")] = NumberObject(-len(children))


def regroup_outline(pdf: Path, page_titles: Sequence[str]) -> bool:
    """Give the outline of ``pdf`` one top-level entry per page of the book's
    first level; whether it changed.

    In the one-page book every other page sits inside the first page's
    section, so Chromium nests the whole book under the first page's title,
    beside that page's own sections and an in-page "Contents". The first
    page's children whose titles are pages of the book (``page_titles``, in
    order) move up to the top level, with all that follows them; the first
    page keeps its own sections; "Contents" entries at that level go.
    """
    import logging

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, NumberObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    writer = PdfWriter(clone_from=str(pdf))
    entries = _outline_tree(writer)
    pages = set(page_titles)
    first_page = next(
        (
            i
            for i, (_, node, depth) in enumerate(entries)
            if depth == 1 and str(node.get("/Title", "")) in pages
        ),
        None,
    )
    if not entries or first_page is None or entries[0][2] != 0:
        return False
    if any(depth == 0 for _, _, depth in entries[1:]):
        return False  # already more than one top-level entry
    top: list = []
    stack: list = []  # (depth, children list) of the open entries
    for i, (ref, node, depth) in enumerate(entries):
        title = str(node.get("/Title", ""))
        if i and depth == 1 and i < first_page and title == "Contents":
            continue
        level = depth - 1 if i >= first_page else depth
        entry = (ref, node, [])
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1] if stack else top).append(entry)
        stack.append((level, entry[2]))
    outlines_ref = writer.root_object.raw_get("/Outlines")
    outlines = outlines_ref.get_object()
    _link(outlines, outlines_ref, top)
    outlines[NameObject("/Count")] = NumberObject(len(top))
    with open(pdf, "wb") as out:
        writer.write(out)
    return True


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
