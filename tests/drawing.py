"""The tests' check that a figure draws."""

from __future__ import annotations

from matplotlib.figure import Figure


def assert_draws(fig: Figure) -> None:
    """``fig`` draws, layout, text and all, without an error.

    One pass that skips the rasterising: the book's PNG
    (``core.style.png_bytes``) draws twice, once more for its tight bounding
    box, and ``tests/core/test_style.py`` and every build cover that route.
    """
    assert isinstance(fig, Figure), type(fig)
    fig.draw_without_rendering()
