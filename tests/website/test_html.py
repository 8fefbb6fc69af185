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
