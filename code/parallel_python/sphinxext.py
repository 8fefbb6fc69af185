"""Sphinx extension for the book: gather the results every measuring cell recorded.

Each measuring cell saves its run to ``_build/results/NAME.json``
(``parallel_python.book.record``). When the HTML is written, this gathers
them into ``_static/book-results.json``, the file "About this build" offers
for download and ``parallel-python compare`` reads, and writes what only the
end of the build knows (its disturbance, every headline figure, which key
figures make their point) into the pages that ran before the chapters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes

from . import bibstyle, catalogue, instructor
from .appendix import build_summary
from .book import results_dir
from .contents import headline_rows
from .core.machine import available_cpus
from .core.meter import Meter
from .core.results import FORMAT_VERSION, from_data, read_json
from .provenance import glued_sources

#: The page whose placeholder receives the build's disturbance summary.
ABOUT_PAGE = "book/appendix/about-this-build"


def start_meter(app) -> None:
    """Meter the whole build: other programs' CPU time while it runs."""
    app.parallel_python_meter = Meter().__enter__()


def gather(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    folder = results_dir()
    runs = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        runs[path.stem] = read_json(path)
    target = Path(app.outdir) / "_static" / "book-results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"format": FORMAT_VERSION, "results": runs}, indent=1),
        encoding="utf-8",
    )
    # where each measured glued number came from; the last note of each glue
    # name and experiment counts (an author's fast build runs a changed page
    # again; a sentence may name two experiments)
    latest = {(n["glue"], n["experiment"]): n for n in glued_sources(folder)}
    (target.parent / "book-glued.json").write_text(
        json.dumps([latest[key] for key in sorted(latest)], indent=1),
        encoding="utf-8",
    )
    summarise_disturbance(app, runs)
    list_headlines(app, folder)
    check_instructor_figures(app, runs)


def written_page(app, docname: str) -> Path:
    """The HTML file holding ``docname``: its own page, or, when the whole
    book is one page (the ``singlehtml`` build that ``./tasks pdf`` prints),
    that page."""
    if getattr(app.builder, "name", "html") == "singlehtml":
        docname = app.config.root_doc
    return Path(app.outdir) / f"{docname}{getattr(app.builder, 'out_suffix', '.html')}"


def list_headlines(app, folder: Path) -> None:
    """Write every headline figure of the build into "About this build"
    (which ran first, before the chapters recorded them)."""
    page = written_page(app, ABOUT_PAGE)
    if not page.is_file():
        return
    srcdir = getattr(app, "srcdir", None)
    rows = headline_rows(folder, Path(srcdir) if srcdir else None)
    recorded = [n for n in catalogue.names() if (folder / f"{n}.json").is_file()]
    with_figures = {name for _, _, name, _, _ in rows}
    fragment = build_summary.headlines_html(
        rows,
        unheadlined=[n for n in recorded if n not in with_figures],
        missing=[n for n in catalogue.names() if n not in recorded],
        from_page=ABOUT_PAGE,
    )
    text = page.read_text(encoding="utf-8")
    page.write_text(
        build_summary.fill_placeholder(
            text, unbreakable_percent(fragment), build_summary.HEADLINES_ID
        ),
        encoding="utf-8",
    )


def check_instructor_figures(app, runs: dict) -> None:
    """Say in the instructor notes which key figures make their point here."""
    page = written_page(app, instructor.NOTES_PAGE)
    if not page.is_file():
        return
    typed = {}
    for check in instructor.CHECKS:
        saved = runs.get(check.experiment)
        if saved is not None:
            kind = catalogue.get(check.experiment).result_type
            typed[check.experiment] = from_data(kind, saved["result"])
    text = page.read_text(encoding="utf-8")
    fragment = instructor.checks_html(typed, instructor.NOTES_PAGE)
    page.write_text(
        build_summary.fill_placeholder(
            text, unbreakable_percent(fragment), instructor.PLACEHOLDER_ID
        ),
        encoding="utf-8",
    )


def summarise_disturbance(app, runs: dict) -> None:
    """Write the build's disturbance into "About this build", which ran first."""
    page = written_page(app, ABOUT_PAGE)
    meter = getattr(app, "parallel_python_meter", None)
    if meter is None or not page.is_file():
        return
    meter.__exit__(None, None, None)
    experiments = build_summary.experiment_readings(runs)
    fragment = build_summary.summary_html(
        meter.result,
        experiments,
        available_cpus(),
        build_summary.probe_spreads(runs),
    )
    text = page.read_text(encoding="utf-8")
    page.write_text(
        build_summary.fill_placeholder(text, unbreakable_percent(fragment)),
        encoding="utf-8",
    )


#: Repairs to the theme's HTML that an accessibility audit (axe-core) asks
#: for: (what the theme writes, what it should be).
ACCESSIBLE = (
    # the side bar's fold-out toggles have no accessible name
    (
        '<summary><span class="toctree-toggle"',
        '<summary aria-label="Show or hide the pages of this part">'
        '<span class="toctree-toggle"',
    ),
    # a list's items must be list items; doc-biblioentry is deprecated
    ('role="doc-biblioentry"', 'role="listitem"'),
)


def accessible_html(text: str) -> str:
    """``text`` with the repairs of :data:`ACCESSIBLE` made."""
    for before, after in ACCESSIBLE:
        text = text.replace(before, after)
    return text


def repair_pages(app, exception) -> None:
    """Make every written HTML page's repairs (see :data:`ACCESSIBLE`)."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = accessible_html(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    """Include each script once. Jupyter Book 1 registers sphinx-thebe's inline
    configuration twice, which declares the same ``const`` twice and makes
    the browser report an error on every page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        name = getattr(script, "filename", None) or ""  # None and "" both mean inline
        key = (str(name), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: the list is the builder's own


#: A number and the percent sign after it: they must not part at a line end.
_PERCENT = re.compile(r"(\d) %")
#: Elements whose text is shown as written (code, maths, raw HTML).
_VERBATIM = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw)


def unbreakable_percent(text: str) -> str:
    """``text`` with a no-break space between a number and "%" ("80 %")."""
    return _PERCENT.sub("\\1\u00a0%", text)


def keep_percent_with_number(app, doctree, docname) -> None:
    """Join "80" and "%" with a no-break space in every page's prose, glued
    text included (it is resolved by now), so "%" never starts a line; also
    where the number and " %" are in two nodes (a glued number followed by
    " %" in the page). Code, maths and raw HTML are left as written."""
    previous = ""  # the prose text just before, in document order
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or isinstance(parent, _VERBATIM):
            previous = ""
            continue
        if any(isinstance(a, _VERBATIM) for a in _ancestors(parent)):
            previous = ""
            continue
        fixed = unbreakable_percent(str(text))
        if fixed.startswith(" %") and previous[-1:].isdigit():
            fixed = "\u00a0" + fixed[1:]
        if fixed != str(text):
            parent.replace(text, nodes.Text(fixed))
        previous = fixed


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def setup(app):
    bibstyle.register()  # _config.yml: bibtex_default_style: author-year
    app.connect("builder-inited", start_meter)
    app.connect("build-finished", gather)
    app.connect("build-finished", repair_pages)
    app.connect("doctree-resolved", keep_percent_with_number)
    # early: Sphinx stops calling handlers at the first that returns a template
    app.connect("html-page-context", drop_repeated_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
