"""The copy-on-write figure, from made-up results (also without fork)."""

from __future__ import annotations

import pytest

from parallel_python.core.style import small_texts
from parallel_python.core.text import percent, size
from parallel_python.multiproc import plots as plotting_multiproc
from parallel_python.multiproc.fork_memory import ForkMemory, ReadCost
from tests.blending.test_narrate_figures import fits as _fits
from tests.drawing import assert_draws

MB = 1_000_000


def fake(list_copied: int, array_copied: int, list_data=35 * MB, array_data=8 * MB):
    base = 2 * MB
    return ForkMemory(
        1_000_000,
        True,
        "",
        (
            ReadCost("list", list_data, base, base + list_copied),
            ReadCost("array", array_data, base, base + array_copied),
        ),
        True,
    )


CASES = {
    "list copies most, array almost nothing": fake(32 * MB, 200_000),
    "both alike": fake(12_288, 4096, 36_000, 36_000),
    "nothing copied": fake(0, 0, 36_000, 36_000),
    "the array copied more": fake(200_000, 30 * MB, 35 * MB, 35 * MB),
    "more copied than the data": fake(80 * 1024, 184 * 1024, 36_000, 36_000),
}


def _row_labels(fig) -> list[str]:
    (ax,) = fig.axes
    return [t.get_text() for t in ax.get_yticklabels()]


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_row_per_read_and_a_title_with_both_copied_sizes(case):
    m = CASES[case]
    fig = plotting_multiproc.plot_fork_memory(m)
    rows = _row_labels(fig)
    assert len(rows) == len(m.reads) == 2
    assert "list" in rows[0] and "1,000,000 Python ints" in rows[0]
    assert "NumPy array" in rows[1]
    title = fig.get_suptitle().replace("\n", " ")
    assert title == plotting_multiproc.fork_memory_takeaway(m)
    lst, arr = m.get("list"), m.get("array")
    for r in (lst, arr):
        assert size(r.copied) in title and percent(r.copied_fraction) in title
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert any(
            t.startswith(size(r.copied)) and size(r.data_bytes) in t for t in texts
        )
    assert title.index(size(lst.copied)) < title.index("array")
    assert small_texts(fig) == []
    assert _fits(fig)
    assert_draws(fig)


def test_far_apart_sizes_are_dots_on_a_log_axis_else_bars():
    far = plotting_multiproc.plot_fork_memory(
        CASES["list copies most, array almost nothing"]
    )
    (ax,) = far.axes
    assert ax.get_xscale() == "log" and not ax.patches  # no bars on a log axis
    # no stems from an edge of the log axis: faint guides across it, in no
    # colour with a meaning
    from matplotlib.colors import to_hex

    from parallel_python.core.style import GUIDE

    copied = far.legends[0].legend_handles[0]  # a diamond, as drawn: no stem
    assert copied.get_marker() == "D" and copied.get_linestyle() == "None"
    for guide in ax.collections:
        assert {to_hex(c).lower() for c in guide.get_colors()} == {GUIDE.lower()}
        for segment in guide.get_segments():
            assert tuple(segment[:, 0]) == ax.get_xlim()
    near = plotting_multiproc.plot_fork_memory(CASES["both alike"])
    (ax,) = near.axes
    assert ax.get_xscale() == "linear" and len(ax.patches) == 4
    # a zero cannot sit on a log axis: drawn as no bar, labelled 0 bytes
    zero = plotting_multiproc.plot_fork_memory(CASES["nothing copied"])
    assert zero.axes[0].get_xscale() == "linear"


def test_the_realistic_figure_names_both_reads():
    fig = plotting_multiproc.plot_fork_memory(
        CASES["list copies most, array almost nothing"]
    )
    assert fig.get_suptitle().replace("\n", " ") == (
        "Summing the list copied 30.5 MiB into the child (91 % of its size); "
        "summing the array, 195 KiB (2 %)"
    )


def test_not_available_draws_and_says_why():
    m = ForkMemory(10, False, "no fork start method", (), True)
    fig = plotting_multiproc.plot_fork_memory(m)
    assert "no fork start method" in fig.get_suptitle()
    (ax,) = fig.axes
    assert not ax.axison  # no rows, no axes: only the reason
    assert any("fork" in t.get_text() for t in ax.texts)
    assert _fits(fig) and small_texts(fig) == []
    assert_draws(fig)


def test_more_copied_than_the_data_is_not_called_a_part_of_it():
    fig = plotting_multiproc.plot_fork_memory(CASES["more copied than the data"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["80 KiB (data 35.2 KiB)", "184 KiB (data 35.2 KiB)"]
    assert "(228 % of its size)" in fig.get_suptitle()
