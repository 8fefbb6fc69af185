"""Part A's operations figure: the medians of paired rounds with their 90 %
intervals, the two kinds of operation told apart by colour and marker."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.colors import to_hex

from parallel_python.core.protocol import paired_ratio
from parallel_python.core.style import COLORS
from parallel_python.core.timing import Timing
from parallel_python.numpy_threads.blas import Operations, OperationTiming
from parallel_python.numpy_threads.plots import plot_operations
from tests.blending.test_figures import errorbar_points
from tests.blending.test_narrate_figures import fits


def _op(name: str, blas: bool, ratios: list[float]) -> OperationTiming:
    """An operation whose paired rounds ran ``ratios`` times as fast with
    many threads as with one (one second per round with one thread)."""
    one = Timing(times=tuple(1.0 for _ in ratios), warmup=1)
    many = Timing(times=tuple(1.0 / r for r in ratios), warmup=1)
    return OperationTiming(name, blas, one, many)


def _ops(cpus: int, matmul: float) -> Operations:
    """Nine paired rounds each; the ufunc's rounds spread too far (unsteady)."""
    steady = [0.97, 0.98, 0.99, 1.0, 1.0, 1.01, 1.02, 1.03, 1.04]
    return Operations(
        cpus,
        cpus,
        100,
        1000,
        (
            _op("matrix multiply (a @ b)", True, [matmul * s for s in steady]),
            _op(
                "element-wise ufunc (np.exp)",
                False,
                [0.6, 0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 1.5, 1.7],
            ),
            _op("sort (np.sort)", False, steady),
        ),
    )


@pytest.mark.parametrize("cpus, matmul", [(1, 1.0), (2, 1.9), (64, 40.0)])
def test_operations_figure_draws_medians_with_their_intervals(cpus, matmul):
    ops = _ops(cpus, matmul)
    fig = plot_operations(ops)
    (ax,) = fig.axes
    assert not ax.patches  # points on a scale from 0, no bars
    assert len(ax.containers) == 2  # one error-bar series per kind
    ratios = [paired_ratio(op.one_thread, op.many_threads) for op in ops.operations]
    points = errorbar_points(ax)
    assert sorted(points) == [0, 1, 2]
    spans = set()
    for container in ax.containers:
        (bars,) = container.lines[2]  # horizontal error bars only
        for (x0, y0), (x1, _) in bars.get_segments():
            spans.add((round(y0), round(x0, 9), round(x1, 9)))
    for y, r in enumerate(ratios):
        assert points[y][0] == pytest.approx(r.median)
        assert (y, round(r.low, 9), round(r.high, 9)) in spans
    assert fits(fig)


def test_operations_figure_tells_the_kinds_apart_by_colour_and_marker():
    ops = _ops(2, 1.9)
    (ax,) = plot_operations(ops).axes
    points = errorbar_points(ax)
    blas = ("o", to_hex(COLORS["threads"]))
    no_blas = ("s", to_hex(COLORS["serial"]))
    assert points[0][1:] == blas
    assert points[1][1:] == no_blas and points[2][1:] == no_blas
    handles, labels = ax.get_legend_handles_labels()
    assert labels == ["uses BLAS threads", "no BLAS (one thread)"]
    assert [h.lines[0].get_marker() for h in handles] == ["o", "s"]
    shown = [t.get_text() for t in ax.get_legend().get_texts()]
    assert shown == labels
    # only the ufunc, whose rounds spread beyond ±15 %, is drawn hollow
    hollow = [
        line
        for line in ax.lines
        if line.get_markerfacecolor() == "white" and len(line.get_xdata())
    ]
    assert [list(line.get_ydata()) for line in hollow] == [[1]]
    assert hollow[0].get_marker() == "s"


def test_operations_figure_marks_the_ceiling_on_the_matrix_multiply_row():
    from parallel_python.core.ceiling import Ceiling

    plain = _ops(2, 1.9)
    (ax,) = plot_operations(plain).axes
    assert "this machine's ceiling (measured)" not in ax.get_legend_handles_labels()[1]
    probed = Ceiling(2, 0.125, 100, (103, 102), 2.05, True, (0, 1), "", 0.025)
    fig = plot_operations(dataclasses.replace(plain, ceiling=probed))
    (ax,) = fig.axes
    handles, labels = ax.get_legend_handles_labels()
    mark = handles[labels.index("this machine's ceiling (measured)")]
    assert list(mark.get_xdata()) == [2.05] and list(mark.get_ydata()) == [0]
    assert to_hex(mark.get_color()) == to_hex(COLORS["cpus"])
    # the matrix multiply's label clears the ceiling's mark, drawn beyond
    # its interval; the others' labels stay by their intervals
    labels_at = {t.get_text(): t.xy[0] for t in ax.texts}
    assert labels_at["1.90×"] == pytest.approx(2.05)
    sort = plain.get("sort (np.sort)")
    high = paired_ratio(sort.one_thread, sort.many_threads).high
    assert labels_at["1.00×"] == pytest.approx(high) and high < 2
    assert fits(fig)
