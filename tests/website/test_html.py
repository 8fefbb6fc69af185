"""Static checks of the built HTML: links, anchors, alt text, page weight."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

MAX_PAGE_BYTES = 2 * 1024 * 1024


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "img":
            self.images.append(a)


def parse(path: Path) -> _Collect:
    c = _Collect()
    c.feed(path.read_text(encoding="utf-8", errors="replace"))
    return c


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_no_broken_internal_links_or_anchors(site):
    parsed = {p: parse(p) for p in html_files(site)}
    broken = []
    for page, c in parsed.items():
        for href in c.links:
            parts = urlsplit(href)
            if (
                parts.scheme
                or parts.netloc
                or href.startswith(("mailto:", "javascript:"))
            ):
                continue
            target = (
                (page.parent / unquote(parts.path)).resolve() if parts.path else page
            )
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert not broken, "\n".join(broken)


FILE_NAME = re.compile(r"^[\w\-./]+\.(png|jpe?g|svg|gif)$", re.IGNORECASE)


def test_every_figure_has_descriptive_alt_text(site, pages):
    bad = []
    for name in pages:
        page = site / f"{name}.html"
        for img in parse(page).images:
            alt = img.get("alt", "").strip()
            if "logo" in img.get("class", ""):
                continue
            if len(alt) < 15 or FILE_NAME.match(alt):
                bad.append(f"{name}: {img.get('src')} alt={alt!r}")
    assert not bad, "\n".join(bad)


def test_each_page_weighs_under_two_megabytes(site, pages):
    heavy = []
    for name in pages:
        page = site / f"{name}.html"
        size = page.stat().st_size
        for img in parse(page).images:
            src = urlsplit(img.get("src", "")).path
            if src and not urlsplit(img.get("src", "")).scheme:
                target = (page.parent / unquote(src)).resolve()
                if target.exists():
                    size += target.stat().st_size
        if size > MAX_PAGE_BYTES:
            heavy.append(f"{name}: {size / 2**20:.2f} MB")
    assert not heavy, "\n".join(heavy)


@pytest.mark.parametrize(
    "marker", ["{glue", "{term}", "{doc}", "{ref}", "{numref}", "{cite"]
)
def test_no_unresolved_roles_in_the_text(site, pages, marker):
    found = []
    for name in pages:
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        body = re.sub(r"<(pre|code)[\s\S]*?</\1>", "", text)  # code may show roles
        if marker in body:
            found.append(name)
    assert not found, f"{marker} left in: {', '.join(found)}"


def test_no_percent_sign_can_start_a_line(site, pages):
    """Prose joins a number and its "%" with a no-break space (the build's
    handler, and the fragments written when it finishes); code and alt
    texts are not prose."""
    found = []
    for name in pages:
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        body = re.sub(r"<(pre|code|script|style)[\s\S]*?</\1>", "", text)
        body = re.sub(r"<[^>]*>", "", body)  # tags and their attributes
        found += [f"{name}: {m}" for m in re.findall(r"\S*\d[ \t]+%", body)[:3]]
    assert not found, "\n".join(found)


def test_each_measured_quantity_has_one_value_in_the_build(site, pages):
    """Every glued number that names its (experiment, field) shows one value
    across the whole book, that value appears on a page, and a headline
    figure equals the one About this build lists; every glued number and
    sentence comes from its experiment's one recorded run."""
    import json

    from parallel_python import catalogue, provenance
    from parallel_python.core.results import from_data

    glued = site / "_static" / "book-glued.json"
    if not glued.is_file():
        pytest.fail("the build wrote no _static/book-glued.json")
    notes = json.loads(glued.read_text(encoding="utf-8"))
    assert len(notes) >= 10, "too few glued numbers name their source"
    twice = provenance.conflicting_sources(notes)
    assert not twice, f"one quantity, two values: {twice}"

    text = "\n".join(
        (site / f"{page}.html").read_text(encoding="utf-8") for page in pages
    )
    # the build joins a number to its "%" with a no-break space
    text = text.replace("\u00a0", " ").replace("&nbsp;", " ")
    numbers = [n for n in notes if not n["field"].startswith(provenance.SENTENCE)]
    unseen = [n["glue"] for n in numbers if str(n["text"]) not in text]
    assert not unseen, f"glued but shown on no page: {unseen}"

    runs = json.loads((site / "_static" / "book-results.json").read_text())["results"]
    # every experiment's numbers and sentences come from its one recorded run
    sentences = len(notes) - len(numbers)
    assert sentences >= 40, f"only {sentences} glued sentences name their run"
    recorded = {
        name: provenance.fingerprint(
            from_data(catalogue.get(name).result_type, run["result"])
        )
        for name, run in runs.items()
    }
    other = provenance.conflicting_runs(notes, recorded)
    assert not other, f"glued from another run than the recorded one: {other}"
    checked = 0
    for note in notes:
        experiment = catalogue.get(note["experiment"])
        result = from_data(experiment.result_type, runs[experiment.name]["result"])
        figures = experiment.headlines(result)
        if note["field"] in figures:
            assert note["raw"] == pytest.approx(figures[note["field"]]), note
            checked += 1
    assert checked >= 5, "too few glued numbers are headline figures"


def test_each_citation_reads_as_its_entry_on_the_references_page(site):
    """A citation in the text ("Amdahl, 1967") is the label of the entry it
    links to, so a reader finds it on the references page by its name."""
    refs = (site / "book" / "appendix" / "references.html").read_text(encoding="utf-8")
    label_of = {
        m["id"]: re.sub(r"<[^>]+>", "", m["label"]).strip("[] ")
        for m in re.finditer(
            r'<div class="citation" id="(?P<id>[^"]+)"[^>]*>\s*'
            r'<span class="label">(?P<label>.*?)</span>\s*</span>',
            refs,
            re.S,
        )
    }
    assert label_of and not any(v.isdigit() for v in label_of.values())
    cited = 0
    for page in html_files(site):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(
            r'<a class="reference internal" href="[^"]*references\.html#'
            r'(?P<id>[^"]+)"[^>]*>(?P<text>[^<]+)</a>',
            text,
        ):
            if m["id"] in label_of:
                cited += 1
                assert m["text"].strip() == label_of[m["id"]], (page.name, m["id"])
    assert cited > 10
