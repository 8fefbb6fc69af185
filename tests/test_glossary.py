"""Every glossary term is used in the book (the build itself refuses unknown
terms, since references are nitpicky and warnings are errors)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "appendix" / "glossary.md"
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


def glossary_terms() -> list[str]:
    text = GLOSSARY.read_text(encoding="utf-8")
    body = text.split(":::{glossary}", 1)[1].split(":::", 1)[0]
    return [
        line.strip()
        for line in body.splitlines()
        if line.strip() and not line.startswith((" ", "\t"))
    ]


def used_terms() -> set[str]:
    used = set()
    for page in (ROOT / "book").rglob("*.md"):
        if page == GLOSSARY:  # a definition citing another term is not a use
            continue
        for target in TERM_ROLE.findall(page.read_text(encoding="utf-8")):
            match = re.search(r"<([^>]+)>$", target)  # {term}`text <term>`
            used.add((match.group(1) if match else target).strip().lower())
    return used


def test_the_glossary_has_terms():
    assert len(glossary_terms()) >= 10


def test_every_glossary_term_is_used_somewhere():
    used = used_terms()
    unused = [t for t in glossary_terms() if t.lower() not in used]
    assert not unused, f"glossary terms never used with {{term}}: {unused}"


def test_terms_are_in_alphabetical_order():
    terms = [t.lower() for t in glossary_terms()]
    assert terms == sorted(terms)
