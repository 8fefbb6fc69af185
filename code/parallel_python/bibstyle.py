"""The references page's labels: author and year, as the citations read.

The pages cite author-year ("Amdahl, 1967"; ``bibtex_reference_style:
author_year``), but pybtex's ``plain`` style numbers its entries ("[1]"), so a
reader who met "(Beazley, 2010)" in the text found "[2] David Beazley. ..."
on the references page. This style is ``plain`` with labels written as the
citations are: one surname, two joined by "and", more as "et al.", then the
year as the ``.bib`` file gives it (its own "2025a", "2025b" keep works of
one author and year apart). :func:`register` makes it known to pybtex as
:data:`STYLE`; the Sphinx extension calls it, and ``_config.yml`` names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

#: The name ``bibtex_default_style`` gives in ``_config.yml``.
STYLE = "author-year"


def _surname(person: Any) -> str:
    """A person's last names as printed, without BibTeX's protecting braces."""
    return " ".join(person.last_names).replace("{", "").replace("}", "")


def author_year_label(entry: Any) -> str:
    """ "Surname, year", "A and B, year" or "A et al., year" for one entry."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:
        who = entry.fields.get("organization") or entry.fields.get("title", "?")
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


def labels(entries: Iterable[Any]) -> Iterator[str]:
    """One label per entry; a label two entries would share gets "a", "b"."""
    made = [author_year_label(e) for e in entries]
    seen: dict[str, int] = {}
    for label in made:
        if made.count(label) == 1:
            yield label
        else:
            seen[label] = seen.get(label, 0) + 1
            yield label + "abcdefghijklmnopqrstuvwxyz"[(seen[label] - 1) % 26]


def register() -> None:
    """Make :data:`STYLE` known to pybtex (once; later calls do nothing)."""
    from pybtex.plugin import find_plugin, register_plugin
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.labels import BaseLabelStyle

    try:
        find_plugin("pybtex.style.formatting", STYLE)
        return
    except Exception:  # pybtex raises its own PluginNotFound
        pass

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            return labels(sorted_entries)

    class AuthorYear(Plain):
        default_label_style = AuthorYearLabels

    register_plugin("pybtex.style.labels", STYLE, AuthorYearLabels)
    register_plugin("pybtex.style.formatting", STYLE, AuthorYear)
