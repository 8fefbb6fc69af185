"""The measuring page's figure speaks the house colour language: one CPU's
probe black squares, processes orange diamonds, the ideal grey dashed, the
other estimate green dash-dot."""

from matplotlib.colors import to_hex

from parallel_python.appendix.plots import plot_noise
from parallel_python.core.style import COLORS, small_texts
from tests.appendix.test_noise import fake, lucky_alone, steady_pairs


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


def test_noise_figure_draws_the_median_above_min_over_min():
    """Where the two estimates agree, the median's line lies on top of min
    over min's, in a style of its own and thinner, so both still read."""
    fig = plot_noise(fake(2, steady_pairs()))
    _, bottom = fig.axes
    median = _line(bottom, "median of rounds")
    other = _line(bottom, "min over min")
    assert median.get_ydata()[0] == other.get_ydata()[0]  # they meet here
    assert median.get_zorder() > other.get_zorder()
    assert median.get_linestyle() != other.get_linestyle()
    assert median.get_linewidth() < other.get_linewidth()
    assert all(  # and above every other line of the panel
        median.get_zorder() > x.get_zorder() for x in bottom.lines if x is not median
    )
