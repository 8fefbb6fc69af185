"""The built book in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import re
import shutil
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

from parallel_python.core.style import MIN_TEXT_SHARE, SMALLEST_TEXT_KEY

from .conftest import HTML, SCREENSHOTS

FIGURES = SCREENSHOTS / "figures"

#: Every image in the article: its address, natural and shown widths, and
#: the font size of the body text beside it.
_SHOWN_IMAGES = """() => {
  const body = parseFloat(getComputedStyle(
    document.querySelector('article p') || document.body).fontSize);
  return Array.from(document.querySelectorAll('article img')).map(i => ({
    src: i.src, natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
    body: body}));
}"""


def _small_figure_text(name: str, shown: list[dict]) -> tuple[list[str], int]:
    """Figures whose smallest text, as the browser shows it, is below
    ``MIN_TEXT_SHARE`` of the body text; and how many figures were checked.

    A figure notes its smallest text in image pixels when it is saved
    (``core.style.png_bytes``); shown at ``shown / natural`` of its size,
    that text is that much smaller on the page.
    """
    problems, checked = [], 0
    for image in shown:
        path = HTML / unquote(urlparse(image["src"]).path).lstrip("/")
        if path.suffix != ".png" or not path.is_file() or not image["natural"]:
            continue
        with Image.open(path) as png:
            png.load()
            noted = png.text.get(SMALLEST_TEXT_KEY)
        if noted is None or not image["shown"]:  # not ours, or hidden
            continue
        checked += 1
        px = float(noted) * image["shown"] / image["natural"]
        if px < MIN_TEXT_SHARE * image["body"] - 0.05:
            problems.append(
                f"{name}: {path.name}: smallest text shown at {px:.1f} px, "
                f"below {MIN_TEXT_SHARE} of the body's {image['body']:.0f} px"
            )
    return problems, checked


def test_every_page_loads_cleanly_with_its_images_and_maths(watch, pages):
    """Every page loads without errors, its images and formulas render, its
    figures' smallest text is legible as shown; screenshots of each page and
    each figure are saved."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(FIGURES, ignore_errors=True)
    FIGURES.mkdir()
    problems, small = [], []
    shot = checked = 0
    for name in pages:
        page = watch.open(f"{name}.html")
        found, seen = _small_figure_text(name, page.evaluate(_SHOWN_IMAGES))
        small += found
        checked += seen
        problems += [f"{name}: {e}" for e in watch.errors]
        broken = page.evaluate(
            "Array.from(document.images)"
            ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        problems += [f"{name}: image did not load: {src}" for src in broken]
        raw_tex = page.evaluate(
            "Array.from(document.querySelectorAll('.math'))"
            ".filter(e => !e.querySelector('mjx-container')).length"
        )
        if raw_tex:
            problems.append(f"{name}: {raw_tex} formulas not rendered by MathJax")
        stem = name.replace("/", "__")
        page.screenshot(path=str(SCREENSHOTS / f"{stem}.png"), full_page=True)
        # each figure alone too, as a reader sees it at this width, without
        # the sticky header that scrolling it into view would paint over it
        page.add_style_tag(content=".bd-header-article, .bd-header { display: none }")
        for i, figure in enumerate(page.locator("article figure").all(), start=1):
            if figure.is_visible():
                figure.screenshot(path=str(FIGURES / f"{stem}__{i}.png"))
                shot += 1
    assert not problems, "\n".join(problems)
    assert shot >= 20, f"only {shot} figures saved alone in {FIGURES}"
    # figure text is legible as shown at a 1280 px viewport
    assert not small, "\n".join(small)
    assert checked >= 20, f"only {checked} figures noted their smallest text"


def test_solutions_are_hidden_until_clicked(watch):
    page = watch.open("book/handson/a-numpy-threads.html")
    solution = page.locator("div.solution").first
    body = solution.locator("section").first
    assert not body.is_visible()
    solution.locator("button.toggle-button").click()
    body.wait_for(state="visible", timeout=5000)
    assert body.is_visible()


def test_search_finds_the_gil(watch):
    page = watch.open("search.html?q=GIL")
    page.wait_for_selector("#search-results ul.search li", timeout=15000)
    hits = page.locator("#search-results ul.search li").count()
    assert hits >= 1


def test_next_links_walk_the_whole_table_of_contents(watch, pages):
    page = watch.open("index.html")
    seen = [page.url]
    for _ in range(len(pages) + 5):
        nxt = page.locator("a.right-next")
        if nxt.count() == 0:
            break
        nxt.first.click()
        page.wait_for_load_state("load")
        seen.append(page.url)
    visited = [re.sub(r"^.*?//[^/]+/|\.html.*$", "", u) for u in seen]
    assert visited[1:] == pages[1:], "next links skip or repeat pages"
    # and back again with "previous"
    for _ in range(len(pages) - 1):
        page.locator("a.left-prev").first.click()
        page.wait_for_load_state("load")
    assert re.sub(r"^.*?//[^/]+/|\.html.*$", "", page.url) == pages[0]


@pytest.mark.parametrize("name", ["book/handson/a-numpy-threads"])
def test_measured_figures_link_to_about_this_build(watch, name):
    page = watch.open(f"{name}.html")
    captions = page.locator("figcaption")
    assert captions.count() >= 1
    for i in range(captions.count()):
        assert captions.nth(i).locator("a[href*='about-this-build']").count() == 1
