"""The printed book's outline (its bookmarks), put right after Chromium.

Chromium builds the PDF's outline from the headings of the one-page book:
:func:`repair_outline` gives its entries their headings' own text, and
:func:`regroup_outline` gives every page of the book's first level an entry
of its own at the top. The two scripts read, in the page, what both need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

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
    nodes = [node for _, node, _ in _outline_tree(writer)]
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
