"""The wrap-up gathers key points from the other pages; About this build lists
every headline figure when the build ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parallel_python import book, contents
from parallel_python.core import results
from parallel_python.core.machine import describe
from tests.fakes import fake_sweep

ROOT = Path(__file__).resolve().parents[2]


def test_key_points_come_from_every_page_that_has_them():
    found = contents.key_points(ROOT)
    pages = [page for page, _, _ in found]
    assert "book/handson/a-numpy-threads" in pages
    assert "book/wrapup/index" in pages
    gathered = contents.key_points_markdown(ROOT)
    assert "a-numpy-threads>`" in gathered and "wrapup/index>`" not in gathered
    for page, title, body in found:
        assert title and body.startswith("- "), page
        assert "{glue" not in body


def test_wrap_up_key_points_are_closed_dropdowns_titled_by_chapter():
    """Each chapter's points fold away under "Key points: <chapter>" (the
    page stays short), and the body's first line links back to the chapter."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin

    chapters = [
        (page, title, body)
        for page, title, body in contents.key_points(ROOT)
        if not page.startswith(("book/wrapup/", "book/appendix/"))
    ]
    gathered = contents.key_points_markdown(ROOT)
    fences = [
        t
        for t in MarkdownIt("commonmark").use(colon_fence_plugin).parse(gathered)
        if t.type == "colon_fence"
    ]
    assert len(fences) == len(chapters) > 0
    for fence, (page, title, body) in zip(fences, chapters, strict=True):
        assert fence.info == f"{{admonition}} Key points: {title}", page
        options, rest = fence.content.split("\n\n", 1)
        assert options == ":class: dropdown", page
        assert rest.startswith(f"Chapter: {{doc}}`{title} </{page}>`\n\n"), page
        assert rest.rstrip("\n").endswith(body), page
    assert gathered.count(":class: dropdown") == len(chapters)
    assert "Key points: Wrap-up" not in gathered


def test_relative_doc_links_are_made_absolute():
    text = "see {doc}`c-blending` and {doc}`the GIL <../part1/gil>` and {doc}`/x/y`"
    fixed = contents._absolute_docs(text, "book/handson/a-numpy-threads")
    assert "{doc}`/book/handson/c-blending`" in fixed
    assert "{doc}`the GIL </book/part1/gil>`" in fixed
    assert "{doc}`/x/y`" in fixed


def test_key_points_that_glue_are_refused(tmp_path):
    (tmp_path / "_toc.yml").write_text("root: page\n")
    (tmp_path / "_config.yml").write_text("title: x\n")
    (tmp_path / "page.md").write_text(
        "# Page\n\n:::{admonition} Key points\n:class: important\n\n"
        "- it ran {glue:text}`x` times faster\n:::\n"
    )
    with pytest.raises(ValueError, match="must not glue"):
        contents.key_points(tmp_path)


def test_headline_figures_are_written_into_about_this_build(tmp_path, monkeypatch):
    """About this build runs first: the table is written when the build ends."""
    from types import SimpleNamespace

    from parallel_python import sphinxext

    folder = tmp_path / "results"
    monkeypatch.setenv(book.RESULTS_DIR_ENV, str(folder))
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5})
    book.record("numpy-blas-sweep", sweep)
    page = tmp_path / "html" / f"{sphinxext.ABOUT_PAGE}.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<p>a</p><div id="build-headlines"><p>not yet</p></div>'
        '<div id="build-disturbance"><p>wait</p></div>',
        encoding="utf-8",
    )
    app = SimpleNamespace(
        builder=SimpleNamespace(format="html"), outdir=tmp_path / "html", srcdir=ROOT
    )
    sphinxext.gather(app, None)
    text = page.read_text(encoding="utf-8")
    assert "not yet" not in text and text.count('id="build-headlines"') == 1
    assert (
        "<td>speed-up, threads = CPUs, largest n (×)</td>"
        '<td style="text-align: right">1.90</td>'
    ) in text
    # links are relative to the about page, and lead to the chapter
    assert '<a href="../../book/handson/a-numpy-threads.html">' in text
    assert "A. Multithreading with NumPy" in text
    assert "Not measured in this build:" in text and "<code>gil</code>" in text
    assert '<div id="build-disturbance">' in text  # the other placeholder kept


def test_a_stale_record_is_named_not_buried(tmp_path):
    results.save(
        tmp_path / "numpy-blas-sweep.json",
        "numpy-blas-sweep",
        fake_sweep(2, {1: 1.0, 2: 1.9}),
        describe(),
    )
    saved = results.read_json(tmp_path / "numpy-blas-sweep.json")
    del saved["result"]["points"]
    (tmp_path / "numpy-blas-sweep.json").write_text(json.dumps(saved))
    with pytest.raises(ValueError, match="numpy-blas-sweep.json"):
        contents.headline_rows(tmp_path, ROOT)


def test_headline_html_without_results_says_so():
    from parallel_python.appendix import build_summary as bs

    text = bs.headlines_html([], missing=["gil"])
    assert "No experiment recorded a headline figure" in text
    assert "<code>gil</code>" in text and text.endswith("</div>")


def test_headline_rows_follow_the_reading_order(tmp_path, monkeypatch):
    import dataclasses

    from parallel_python import catalogue

    sweep_entry = catalogue.get("numpy-blas-sweep")
    early = dataclasses.replace(sweep_entry, name="early", page="book/part1/gil")
    late = dataclasses.replace(sweep_entry, name="late", page="book/further/dask")
    # the catalogue lists them late first; the table must follow the book
    monkeypatch.setattr(catalogue, "EXPERIMENTS", (late, early))
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9})
    for name in ("early", "late"):
        results.save(tmp_path / f"{name}.json", name, sweep, describe())
    names = [name for _, _, name, _, _ in contents.headline_rows(tmp_path, ROOT)]
    assert names.index("early") < names.index("late")


@pytest.mark.parametrize(
    ("value", "shown"),
    [(2000.0, "2,000"), (86.54, "86.5"), (1.923, "1.92"), (0.00312, "0.0031")],
)
def test_headline_numbers_are_shown_sensibly(value, shown):
    from parallel_python.appendix import build_summary as bs

    assert bs.figure_text(value) == shown


def test_headline_times_take_a_prefix_not_a_power_of_ten():
    from parallel_python.appendix import build_summary as bs

    assert bs.figure_text(5.92e-05, "median hand-over (s)") == "59.2 µs"
    text = bs.headlines_html(
        [("book/part1/gil", "Part 1", "gil-handover", "median hand-over (s)", 5.92e-5)]
    )
    assert "<td>median hand-over</td>" in text and "59.2 µs" in text
    assert "e-05" not in text


def test_decision_guide_cards_link_to_pages_that_exist():
    """The guide is HTML cards in the page: each links to a label the book defines."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    page = (root / "book" / "wrapup" / "index.md").read_text(encoding="utf-8")
    links = re.findall(r"^:link: (\S+)$", page, flags=re.M)
    assert len(links) >= 4
    labels = set()
    for md in (root / "book").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        labels |= set(re.findall(r"^\(([\w-]+)\)=$", text, re.M))
    assert set(links) <= labels, set(links) - labels
