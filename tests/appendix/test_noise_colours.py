"""The measuring page's figure speaks the house colour language: one CPU's
probe black squares, processes orange diamonds, the ideal grey dashed, the
other estimate green dash-dot."""

from matplotlib.colors import to_hex

from parallel_python.appendix.plots import plot_noise
from parallel_python.core.style import COLORS, small_texts
from tests.appendix.test_noise import fake, lucky_alone


def _line(ax, start):
    (line,) = [x for x in ax.get_lines() if x.get_label().startswith(start)]
    return line


def test_noise_figure_markers_and_line_styles():
    fig = plot_noise(fake(2, lucky_alone()))
    top, bottom = fig.axes
    probe = _line(top, "loop steps")
    assert probe.get_marker() == "s"
    assert to_hex(probe.get_color()) == COLORS["serial"].lower()
    median = _line(top, "median window")
    assert to_hex(median.get_color()) != COLORS["ideal"].lower()
    rounds = _line(bottom, "one paired round")
    assert rounds.get_marker() == "D"
    assert to_hex(rounds.get_color()) == COLORS["processes"].lower()
    ideal = _line(bottom, "ideal")
    assert ideal.get_linestyle() == "--"
    assert to_hex(ideal.get_color()) == COLORS["ideal"].lower()
    other = _line(bottom, "min over min")
    assert other.get_linestyle() == "-."
    assert to_hex(other.get_color()) == COLORS["accent"].lower()
    assert small_texts(fig) == []
