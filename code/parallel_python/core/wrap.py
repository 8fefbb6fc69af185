"""Breaking a figure's text into lines of about the same width, measured in
the house font (a title or label that matplotlib's own wrapping would end
with a word alone on its last line)."""

from __future__ import annotations


def text_width(text: str, points: float) -> float:
    """The width of ``text`` set in the house font at ``points``, in points."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(1, 1, 72)  # at 72 dpi a pixel is a point
    width, _, _ = renderer.get_text_width_height_descent(
        text, FontProperties(size=points), ismath=False
    )
    return width


def balanced_lines(text: str, width: float, points: float) -> str:
    """``text`` as it is when it fits ``width`` points; else broken at the
    space (after "; ", ": " or ", " where one serves as well, never inside
    brackets) that makes the longer of two lines shortest."""
    if text_width(text, points) <= width:
        return text
    words = text.split(" ")
    best, best_cost = text, float("inf")
    for i in range(1, len(words)):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        if not first.strip() or not second.strip():
            continue  # a break at a leading or trailing space
        if first.count("(") > first.count(")"):
            continue  # inside brackets
        cost = max(text_width(first, points), text_width(second, points))
        if first.endswith((";", ":", ",")):
            cost *= 0.9  # a break after punctuation reads better
        if cost < best_cost:
            best, best_cost = f"{first}\n{second}", cost
    return best
