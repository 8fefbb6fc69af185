"""The built book for every reader: an accessibility audit and no sideways scrolling."""

from __future__ import annotations

from pathlib import Path

from .conftest import missing


def _axe_script() -> Path:
    try:
        import axe_playwright_python
    except ImportError:  # pragma: no cover - pinned in requirements.txt
        missing("axe-playwright-python (which bundles axe-core) is not installed")
    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


#: What the audit may not find on any page.
BLOCKING = ("critical", "serious")


def test_no_critical_or_serious_accessibility_violations(watch, pages):
    """axe-core (pinned, bundled, offline) on every page of the book."""
    script = _axe_script()
    problems = []
    for name in pages:
        page = watch.open(f"{name}.html")
        page.add_script_tag(path=str(script))
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']}))"
            ".violations.map(v => [v.impact, v.id, v.nodes.length,"
            " v.nodes[0].target.join(' ')])"
        )
        problems += [
            f"{name}: {impact} {rule} x{count} (first: {target})"
            for impact, rule, count, target in found
            if impact in BLOCKING
        ]
    assert not problems, "\n".join(problems)


#: Pages with figures, tinted boxes and links inside them, for the dark pass.
DARK_PAGES = ("book/part1/gil", "book/handson/c-blending")


def test_dark_theme_keeps_text_contrast(watch):
    """axe-core's colour-contrast rule with the theme switched to dark."""
    script = _axe_script()
    watch.context.add_init_script(
        "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"
    )
    problems = []
    for name in DARK_PAGES:
        page = watch.open(f"{name}.html")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.add_script_tag(path=str(script))
        found = page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['color-contrast'],"
            " resultTypes: ['violations']})).violations.flatMap(v => v.nodes)"
            ".map(n => n.target.join(' ') + ': ' + n.any.map(a => a.message))"
        )
        problems += [f"{name} (dark): {f}" for f in found]
    assert not problems, "\n".join(problems)


#: The widths readers use: a laptop, and a phone.
WIDE, PHONE = 1280, 390


def test_code_and_tables_fit_the_column_at_laptop_width(watch, pages):
    """No code block or table in the text needs a scroll bar at 1280 px."""
    problems = []
    watch.page.set_viewport_size({"width": WIDE, "height": 900})
    for name in pages:
        page = watch.open(f"{name}.html")
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('article pre, article table'))"
            ".filter(e => e.scrollWidth > e.clientWidth + 1)"
            ".map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60))"
        )
        problems += [f"{name}: {w}" for w in wide]
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_on_a_phone(watch, pages):
    """Code blocks may scroll inside themselves; the page as a whole may not."""
    problems = []
    watch.page.set_viewport_size({"width": PHONE, "height": 844})
    for name in pages:
        page = watch.open(f"{name}.html")
        extra = page.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        if extra > 1:
            problems.append(f"{name}: {extra} px wider than the screen")
    assert not problems, "\n".join(problems)
