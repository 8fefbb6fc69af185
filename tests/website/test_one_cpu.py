"""The copy of the book built on one CPU (``.ci/run`` builds it with
``taskset -c 0``) says nothing that only several CPUs could make true."""

from __future__ import annotations

import html
import re

import pytest

from .conftest import ROOT, missing

ONE_CPU_HTML = ROOT / "_build" / "one-cpu" / "_build" / "html"

#: Phrases that were once typed into the book and are false on one CPU. Each
#: stays out of the one-CPU copy (they may be computed on a copy with several
#: CPUs, which this test does not read). Short on purpose: a phrase joins the
#: list when a reader of a one-CPU copy found it contradicted by its numbers.
FALSE_ON_ONE_CPU = {
    r"really run at the same time\. That is measured below": (
        "NumPy's trick: on one CPU the threads take turns"
    ),
    r"[Bb]lue (bars|dots) used several": "captions: every run had one worker",
    r"as the processes did in": "free threading: processes gained nothing",
    r"fit on a machine with two cores": "threads and asyncio: a typed machine",
    r"three ways to get real speed-ups": "why parallelise: none gave one here",
    r"NumPy work in threads does speed up": "Part 1's index",
    r"Any number of cooks can chop that way at once\.": "no workstation each",
    r"\b1 (processes|threads|workers|CPUs|cores|tasks)\b": "grammar",
}


def _article_text(page) -> str:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    found = re.search(r"<article.*?</article>", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", found.group(0) if found else "")
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture(scope="module")
def one_cpu_pages():
    if not (ONE_CPU_HTML / "index.html").is_file():
        missing(f"no one-CPU build in {ONE_CPU_HTML} (.ci/run makes it)")
    about = _article_text(ONE_CPU_HTML / "book" / "appendix" / "about-this-build.html")
    if not re.search(r"may use\s*\|?\s*1\b|one CPU", about):
        pytest.skip("the copy in _build/one-cpu was not built on one CPU")
    return {
        str(p.relative_to(ONE_CPU_HTML)): _article_text(p)
        for p in sorted((ONE_CPU_HTML / "book").rglob("*.html"))
    }


def test_no_phrase_that_needs_several_cpus(one_cpu_pages):
    problems = [
        f"{page}: {why}: …{text[max(0, m.start() - 60) : m.end() + 20]}…"
        for page, text in one_cpu_pages.items()
        for pattern, why in FALSE_ON_ONE_CPU.items()
        for m in re.finditer(pattern, text)
    ]
    assert not problems, "\n".join(problems)
