"""The house style: figures fit the column and their text stays readable."""

from __future__ import annotations

import pytest

from parallel_python.core import style


def test_a_wide_request_is_capped_at_the_column_and_panels_stack():
    fig = style.new_figure(2, width=9.6, height=3.0)
    assert fig.get_figwidth() == style.COLUMN_WIDTH
    assert fig.get_figheight() == pytest.approx(6.0)
    top, bottom = fig.axes
    assert top.get_position().y0 > bottom.get_position().y0  # one above the other


def test_no_panels_is_refused():
    with pytest.raises(ValueError, match="at least one panel"):
        style.new_figure(0)


def test_the_minimum_font_reads_as_085_of_the_body_at_the_widest_figure():
    fig = style.new_figure(1, width=style.COLUMN_WIDTH)
    shown = style.shown_text_px(fig, style.MIN_FONT_PT)
    assert shown >= style.MIN_TEXT_SHARE * style.BODY_PX
    # a narrow figure is not enlarged past its natural size
    narrow = style.new_figure(1, width=2.0)
    assert style.shown_text_px(narrow, 10) == pytest.approx(
        10 / 72 * style.STYLE["savefig.dpi"]
    )


def test_small_texts_finds_a_tiny_label_and_passes_a_house_one():
    fig = style.new_figure(1)
    (ax,) = fig.axes
    ax.set_title("readable")
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    style.png_bytes(fig)
    found = style.small_texts(fig)
    assert [text for text, _ in found] == ["tiny"]


def test_interval_error_bars_scale_median_and_ends():
    from parallel_python.core.protocol import Ratio

    fig = style.new_figure(1)
    (ax,) = fig.axes
    r = Ratio(2.0, 1.5, 2.5, 1.0, 3.0, rounds=9, coverage=0.9)
    style.interval_errorbar(ax, [4], [r], "processes", "eff", scale=[100 / 4])
    (bars,) = ax.containers
    assert list(bars.lines[0].get_ydata()) == [50.0]
    low_cap, high_cap = bars.lines[1]
    assert [low_cap.get_ydata()[0], high_cap.get_ydata()[0]] == [37.5, 62.5]


def test_the_colour_key_names_every_house_colour_once():
    fig = style.plot_colour_key()
    style.png_bytes(fig)
    assert style.small_texts(fig) == []
    assert sorted(c for c, *_ in style.MEANINGS) == sorted(style.COLORS)
    markers = [m for _, m, _, _ in style.MEANINGS if m]
    assert len(markers) == len(set(markers))  # a second channel, never reused


def test_unsteady_points_are_drawn_hollow():
    """A median whose interval is wider than ±15 % gets a hollow marker; a
    steady one does not."""
    from parallel_python.core.protocol import ratio_from
    from parallel_python.core.style import interval_errorbar, new_figure, unsteady

    steady = ratio_from([1.9, 1.95, 2.0, 1.97, 1.93, 1.96, 1.94])
    shaky = ratio_from([1.0, 1.9, 1.2, 2.0, 1.4, 1.8, 1.1])
    assert not unsteady(steady) and unsteady(shaky)
    fig = new_figure(1)
    (ax,) = fig.axes
    before = len(ax.lines)
    interval_errorbar(ax, [1, 2], [steady, shaky], "processes", "p")
    hollow = [
        line
        for line in ax.lines[before:]
        if line.get_markerfacecolor() in ("white", (1.0, 1.0, 1.0, 1.0))
    ]
    assert len(hollow) == 1
    assert list(hollow[0].get_xdata()) == [2]


def test_png_notes_the_smallest_text_in_image_pixels():
    """The site tests scale this note by how wide the browser shows the image."""
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    fig = style.new_figure()
    ax = fig.axes[0]
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title", fontsize=14)
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    with Image.open(io.BytesIO(style.png_bytes(fig, dpi=144))) as png:
        png.load()  # checks the chunk's CRC too
        assert png.text[style.SMALLEST_TEXT_KEY] == "12.00"  # 6 pt at 144 dpi
    blank = Figure()
    with Image.open(io.BytesIO(style.png_bytes(blank))) as png:
        png.load()
        assert style.SMALLEST_TEXT_KEY not in png.text  # no text, no note


def test_drawings_use_no_house_colour():
    """The kitchen and the GPU are drawn in tints that mean nothing in the plots."""
    from matplotlib.colors import to_hex
    from matplotlib.patches import Patch

    from parallel_python.further.plots_gpu import plot_gpu_kitchen
    from parallel_python.part1.plots_kitchen import plot_kitchen

    # black is every figure's ink (text, frames), not only the serial runs'
    house = {c.lower() for c in (*style.COLORS.values(), *style.SERIES)} - {"#000000"}
    assert not house & {c.lower() for c in (*style.DRAWING_TINTS, style.DRAWING_INK)}
    for fig in (plot_kitchen(), plot_gpu_kitchen()):
        used = set()
        for patch in fig.findobj(Patch):
            for colour in (patch.get_facecolor(), patch.get_edgecolor()):
                if colour[3] > 0:
                    used.add(to_hex(colour[:3]).lower())
        assert not used & house, used & house


def test_the_cpus_line_lies_behind_the_measured_points():
    import matplotlib.pyplot as plt

    from parallel_python.core.style import COLORS, mark_cpus

    fig, ax = plt.subplots()
    try:
        (points,) = ax.plot([1, 2, 3], [1.0, 1.9, 2.0], "o")
        mark_cpus(ax, 2)
        (line,) = [x for x in ax.lines if x.get_color() == COLORS["cpus"]]
        assert line.get_zorder() < points.get_zorder()
    finally:
        plt.close(fig)


def test_a_long_takeaway_breaks_into_two_even_lines_outside_brackets():
    from parallel_python.core.wrap import balanced_lines, text_width

    assert balanced_lines("Short", 400, 12) == "Short"
    assert balanced_lines(" two words", 1, 12) == " two\nwords"  # no crash
    text = (
        "Fastest: numba parallel=True, 134×; process-based tools "
        "(2 workers) at best: 1.77×"
    )
    width = text_width(text, 12) * 0.7
    first, second = balanced_lines(text, width, 12).split("\n")
    assert f"{first} {second}" == text
    assert first.endswith(";")  # after the punctuation, where it reads well
    assert max(text_width(first, 12), text_width(second, 12)) <= width
    label = "speed-up over pure Python (×, log scale), n = 1,200,000 points"
    first, _ = balanced_lines(label, text_width(label, 11) * 0.7, 11).split("\n")
    assert first.count("(") == first.count(")")
