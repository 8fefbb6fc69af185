"""The built book in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import SCREENSHOTS

FIGURES = SCREENSHOTS / "figures"


def test_every_page_loads_cleanly_with_its_images_and_maths(watch, pages):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(FIGURES, ignore_errors=True)
    FIGURES.mkdir()
    problems = []
    shot = 0
    for name in pages:
        page = watch.open(f"{name}.html")
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
