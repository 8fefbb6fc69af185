"""The printed book (``./tasks pdf``): what can be checked without a build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from parallel_python import outline, printing

ROOT = Path(__file__).resolve().parents[1]
CSS = (ROOT / "_static" / "book.css").read_text(encoding="utf-8")


def _blocks(css: str, opening: str) -> list[str]:
    """The bodies of every ``opening { ... }`` block (nested braces counted)."""
    bodies = []
    for match in re.finditer(re.escape(opening) + r"\s*\{", css):
        depth, start = 1, match.end()
        for i in range(start, len(css)):
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            if depth == 0:
                bodies.append(css[start:i])
                break
    return bodies


def _rule(body: str, selector: str) -> str:
    """The declarations of the rule in ``body`` whose selectors include ``selector``."""
    for selectors, declarations in re.findall(r"([^{}]+)\{([^{}]*)\}", body):
        plain = re.sub(r"/\*.*?\*/", "", selectors, flags=re.S)
        names = {s.strip() for s in plain.split(",")}
        if selector in names:
            return declarations
    raise AssertionError(f"no rule for {selector!r}")


def test_missing_build_is_one_line_error(tmp_path, capsys):
    code = printing.main(["--source", str(tmp_path), "--out", str(tmp_path / "b.pdf")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("printing: no one-page book")
    assert "./tasks pdf" in err
    assert not (tmp_path / "b.pdf").exists()


def test_book_page_is_the_singlehtml_index(tmp_path):
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    assert printing.book_page(tmp_path) == tmp_path / "index.html"
    with pytest.raises(ValueError, match="no one-page book"):
        printing.book_page(tmp_path / "elsewhere")


def test_book_page_follows_jupyter_books_redirect(tmp_path):
    (tmp_path / "index.html").write_text(
        '<meta http-equiv="Refresh" content="0; url=book/intro/first.html" />',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="missing"):
        printing.book_page(tmp_path)
    (tmp_path / "book" / "intro").mkdir(parents=True)
    (tmp_path / "book" / "intro" / "first.html").write_text("<html>", encoding="utf-8")
    assert printing.book_page(tmp_path) == tmp_path / "book" / "intro" / "first.html"


def test_no_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(printing.shutil, "which", lambda name: None)
    with pytest.raises(ValueError, match="no Chromium"):
        printing.find_chromium()


def test_count_pages_counts_page_objects_not_the_page_tree(tmp_path):
    pdf = tmp_path / "three.pdf"
    pdf.write_bytes(
        b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 3 /Kids [2 0 R 3 0 R 4 0 R]>>\n"
        b"2 0 obj <</Type /Page /Parent 1 0 R>>\n3 0 obj <</Type/Page>>\n"
        b"4 0 obj <</Type /Page\n/Parent 1 0 R>>\n%%EOF\n"
    )
    assert printing.count_pages(pdf) == 3
    html = tmp_path / "page.html"
    html.write_text("<html>/Type /Page</html>", encoding="utf-8")
    with pytest.raises(ValueError, match="not a PDF"):
        printing.count_pages(html)


def test_tasks_has_a_pdf_command_that_prints_with_this_module():
    tasks = (ROOT / "tasks").read_text(encoding="utf-8")
    command = re.search(r"\npdf\)\n(.*?)\n    ;;", tasks, flags=re.S)
    assert command, "./tasks has no pdf command"
    assert "--builder singlehtml" in command.group(1)
    assert "python -m parallel_python.printing" in command.group(1)
    assert "./tasks pdf" in tasks.split("set -eu")[0], "pdf missing from the help text"


def test_print_css_hides_the_screen_furniture_and_keeps_figures_whole():
    (body,) = _blocks(CSS, "@media print")
    for furniture in (".bd-sidebar-primary", ".bd-sidebar-secondary", "button.copybtn"):
        assert "display: none" in _rule(body, furniture)
    assert "break-inside: avoid" in _rule(body, "figure")
    solution = _rule(body, ".admonition.toggle-hidden .admonition-title ~ *")
    assert "visibility: visible" in solution


def test_dark_theme_has_its_own_colours_for_our_boxes_and_figures():
    dark = [
        selectors
        for selectors in re.findall(r"([^{}]+)\{", CSS)
        if 'html[data-theme="dark"]' in selectors
    ]
    assert any("key-points" in s for s in dark)
    assert any("solution a" in s or "admonition a" in s for s in dark)
    assert any("img" in s for s in dark)


def test_print_config_reuses_the_cache_and_loads_the_printing_extension(tmp_path):
    written = printing.write_config(tmp_path / "pdf.yml", ROOT / "_config.yml")
    config = yaml.safe_load(written.read_text(encoding="utf-8"))
    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["execute_notebooks"] == "cache"
    extensions = config["sphinx"]["extra_extensions"]
    assert extensions == book["sphinx"]["extra_extensions"] + [
        "parallel_python.printing"
    ]
    assert {k: v for k, v in config.items() if k not in ("execute", "sphinx")} == {
        k: v for k, v in book.items() if k not in ("execute", "sphinx")
    }


class _App:
    """Just enough of a Sphinx application for the visitor fallback."""

    def __init__(self, builder: str, handlers: dict) -> None:
        self.builder = type("Builder", (), {"name": builder})()
        self.registry = type("Registry", (), {"translation_handlers": handlers})()


def test_singlehtml_gets_the_html_visitors_it_lacks_and_keeps_its_own():
    handlers = {
        "html": {"card": ("visit card", "depart card"), "ex": ("html ex", "html ex")},
        "singlehtml": {"ex": ("own ex", "own ex")},
    }
    printing.html_visitors_for_singlehtml(_App("singlehtml", handlers))
    assert handlers["singlehtml"] == {
        "card": ("visit card", "depart card"),
        "ex": ("own ex", "own ex"),
    }
    other = {"html": {"card": ("v", "d")}}
    printing.html_visitors_for_singlehtml(_App("html", other))
    assert other == {"html": {"card": ("v", "d")}}


def test_the_printed_book_is_offered_in_the_site(tmp_path):
    site = tmp_path / "html"
    about = site / printing.ABOUT
    about.parent.mkdir(parents=True)
    about.write_text(
        '<p>before</p><div id="book-pdf"><p>(The link appears here.)</p></div>'
    )
    pdf = tmp_path / "parallel-python.pdf"
    pdf.write_bytes(b"%PDF-1.7 ...")
    assert printing.offer_in_site(pdf, 3, site)
    assert (site / "_static" / pdf.name).read_bytes() == pdf.read_bytes()
    text = about.read_text()
    assert 'href="../../_static/parallel-python.pdf"' in text and "3 A4 pages" in text
    assert "appears here" not in text and text.startswith("<p>before</p>")


def test_nothing_is_offered_without_a_built_site(tmp_path):
    pdf = tmp_path / "parallel-python.pdf"
    pdf.write_bytes(b"%PDF")
    assert not printing.offer_in_site(pdf, 1, tmp_path / "no-site")


def _pdf_with_outline(path, titles):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    parent = writer.add_outline_item(title=titles[0], page_number=0)
    for title in titles[1:]:
        writer.add_outline_item(title=title, page_number=0, parent=parent)
    with open(path, "wb") as out:
        writer.write(out)


def _titles(path):
    from pypdf import PdfReader

    found = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else found.append(item.title)

    walk(PdfReader(path).outline)
    return found


def test_repair_outline_gives_entries_their_headings_text(tmp_path):
    pdf = tmp_path / "book.pdf"
    _pdf_with_outline(pdf, ["Going further", "ExercisesExercises", "walkthrough"])
    headings = ["Going further", "Exercises", "walk through"]
    assert outline.repair_outline(pdf, headings) == 2
    assert _titles(pdf) == headings


def test_repair_outline_leaves_an_outline_that_does_not_match(tmp_path):
    pdf = tmp_path / "book.pdf"
    _pdf_with_outline(pdf, ["Going further", "ExercisesExercises"])
    assert outline.repair_outline(pdf, ["Going further"]) == 0  # one too few
    assert outline.repair_outline(pdf, ["Going further", "Key points"]) == 0
    assert _titles(pdf) == ["Going further", "ExercisesExercises"]


def _outline_depths(path):
    from pypdf import PdfReader

    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(PdfReader(path).outline, 0)
    return found


def test_regroup_outline_puts_each_first_level_page_at_the_top(tmp_path):
    """Chromium nests the one-page book under its first page; each page of
    the first level comes up to the top, with what follows it."""
    from pypdf import PdfWriter

    pdf = tmp_path / "book.pdf"
    writer = PdfWriter()
    for _ in range(4):
        writer.add_blank_page(width=595, height=842)
    intro = writer.add_outline_item(title="Why parallelise?", page_number=0)
    writer.add_outline_item(title="Contents", page_number=0, parent=intro)
    writer.add_outline_item(title="Objectives", page_number=0, parent=intro)
    part = writer.add_outline_item(title="Part one", page_number=1, parent=intro)
    chapter = writer.add_outline_item(title="The GIL", page_number=2, parent=part)
    writer.add_outline_item(title="Exercises", page_number=2, parent=chapter)
    writer.add_outline_item(title="Glossary", page_number=3, parent=intro)
    with open(pdf, "wb") as out:
        writer.write(out)
    titles = ["Part one", "The GIL", "Glossary"]
    assert outline.regroup_outline(pdf, titles)
    assert _outline_depths(pdf) == [
        (0, "Why parallelise?"),
        (1, "Objectives"),
        (0, "Part one"),
        (1, "The GIL"),
        (2, "Exercises"),
        (0, "Glossary"),
    ]
    assert not outline.regroup_outline(pdf, titles)  # already regrouped
    assert not outline.regroup_outline(pdf, ["Nowhere"])
