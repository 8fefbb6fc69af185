"""The references page's author-year labels (parallel_python.bibstyle)."""

from pathlib import Path

from pybtex.database import parse_file, parse_string
from pybtex.plugin import find_plugin

from parallel_python import bibstyle

BIB = Path(__file__).resolve().parents[1] / "book" / "references.bib"

THREE = """
@article{one, author = {Gene M. Amdahl}, title = {T}, year = {1967}}
@misc{two, author = {Aitor Morales-Gregorio and Zbigniew Szmek}, title = {L},
  year = {2025}}
@article{many, author = {A. Coffman and M. Elphick and A. Shoshani},
  title = {D}, year = {1971}}
@misc{org, author = {{Python Software Foundation}}, title = {Docs},
  year = {2025a}}
@misc{none, title = {Anonymous page}, year = {2020}}
"""


def test_labels_read_as_the_citations_do():
    entries = parse_string(THREE, "bibtex").entries
    got = {key: bibstyle.author_year_label(e) for key, e in entries.items()}
    assert got == {
        "one": "Amdahl, 1967",
        "two": "Morales-Gregorio and Szmek, 2025",
        "many": "Coffman et al., 1971",
        "org": "Python Software Foundation, 2025a",
        "none": "Anonymous page, 2020",
    }


def test_a_label_two_entries_share_gets_letters():
    bib = parse_string(
        "@misc{a, author={X Y}, title={A}, year={2020}}"
        "@misc{b, author={X Y}, title={B}, year={2020}}",
        "bibtex",
    )
    assert list(bibstyle.labels(bib.entries.values())) == [
        "Y, 2020a",
        "Y, 2020b",
    ]


def test_the_style_is_registered_and_labels_the_books_entries_apart():
    bibstyle.register()
    bibstyle.register()  # a second call (a second build) does nothing
    style = find_plugin("pybtex.style.formatting", bibstyle.STYLE)()
    entries = list(parse_file(str(BIB)).entries.values())
    formatted = list(style.format_entries(entries))
    labels = [f.label for f in formatted]
    assert len(labels) == len(entries)
    assert len(set(labels)) == len(labels)
    assert not any(label.isdigit() for label in labels)
    assert "Amdahl, 1967" in labels
