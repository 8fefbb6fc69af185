"""The GPU drawing of "Going further": its labels, its colours, and text
readable in the column (a drawing: no measured number anywhere)."""

import re

from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from parallel_python.core.style import COLORS, small_texts
from parallel_python.further.plots_gpu import plot_gpu_kitchen
from tests.drawing import assert_draws


def test_gpu_kitchen_draws_both_kitchens_and_the_three_steps():
    fig = plot_gpu_kitchen()
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    for label in ("1 copy in", "2 compute", "3 copy back", "main memory"):
        assert label in texts
    assert "GPU memory" in texts and texts.count("core") == 4
    assert sum(isinstance(p, FancyArrowPatch) for p in ax.patches) == 3
    # a grid of small cores (the bus band is the one other plain rectangle)
    squares = [p for p in ax.patches if type(p) is Rectangle]
    assert len(squares) == 8 * 16 + 1


def test_gpu_kitchen_title_is_a_takeaway_with_no_number():
    title = plot_gpu_kitchen().get_suptitle()
    assert "GPU's own memory" in title and "keep it there" in title
    assert not re.search(r"\d", title)


def test_gpu_kitchen_leaves_the_thread_and_process_colours_alone():
    (ax,) = plot_gpu_kitchen().axes
    used = {to_hex(p.get_facecolor()) for p in ax.patches}
    used |= {to_hex(p.get_edgecolor()) for p in ax.patches}
    used |= {to_hex(t.get_color()) for t in ax.texts}
    for meaning in ("threads", "processes", "cpus"):
        assert COLORS[meaning].lower() not in used


def test_gpu_kitchen_is_readable_in_the_column():
    fig = plot_gpu_kitchen()
    assert small_texts(fig) == []
    assert fig.get_figwidth() <= 6.8
    assert_draws(fig)
