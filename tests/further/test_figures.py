"""Going-further figures read well: no line crosses a value label, and the
figures of paired rounds draw their intervals and unsteady points."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from parallel_python.core.ceiling import Ceiling
from parallel_python.core.protocol import ratio_from
from parallel_python.core.style import COLORS, small_texts, unsteady
from parallel_python.further import plots as pf
from parallel_python.further.waiting import WaitCase, Waiting
from tests.blending.test_narrate_figures import fits
from tests.further.fakes import T, fake_ft, fake_numba

# -- free threading: the value labels -------------------------------------------


def _with_ceiling(f, ratio: float):
    """``f`` with a measured ceiling of ``ratio``×."""
    ceiling = Ceiling(2, 1.0, 1, (1, 1), ratio, False, (0, 1), "")
    return dataclasses.replace(f, gil=dataclasses.replace(f.gil, ceiling=ceiling))


def _vertical_lines_x(ax) -> list[float]:
    """Display x of every vertical line across the axes (1×, ideal, ceiling)."""
    found = []
    for line in ax.lines:
        xs = list(line.get_xdata())
        if len(xs) == 2 and xs[0] == xs[1] and list(line.get_ydata()) == [0, 1]:
            found.append(ax.transData.transform((xs[0], 0))[0])
    return found


@pytest.mark.parametrize("cpus", [1, 2, 64])
@pytest.mark.parametrize("ceiling", [None, 1.95, 1.85])
@pytest.mark.parametrize("interp", [False, True])
def test_free_threading_labels_sit_by_their_dots_and_hide_the_lines(
    cpus, ceiling, interp
):
    f = fake_ft(cpus, free=True, gil=False, interp=interp)
    if ceiling is not None:
        f = _with_ceiling(f, ceiling)
    fig = pf.plot_free_threading(f)
    (ax,) = fig.axes
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    labels = [t for t in ax.texts if t.get_text().endswith("×")]
    assert len(labels) == len(pf.free_threading_rows(f))
    lines = _vertical_lines_x(ax)
    assert len(lines) == 2 + (ceiling is not None and cpus > 1)
    frame = ax.get_window_extent(renderer)
    rows = pf.free_threading_rows(f)
    for y, (label, row) in enumerate(zip(labels, rows, strict=True)):
        box = label.get_window_extent(renderer)
        # centred just above its own dot, not off beyond the lines
        dot_x, dot_y = ax.transData.transform((row[1].median, y))
        assert abs((box.x0 + box.x1) / 2 - dot_x) < 1, label.get_text()
        assert box.y0 > dot_y, label.get_text()  # above it (the y axis is inverted)
        # a line it crosses runs under an opaque patch, not through the digits
        if any(box.x0 - 1 <= x <= box.x1 + 1 for x in lines):
            patch = label.get_bbox_patch()
            assert patch is not None and patch.get_facecolor()[3] == 1.0
            assert label.get_zorder() > 2
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, label.get_text()
        assert box.y1 <= frame.y1, label.get_text()
    assert small_texts(fig) == []


# -- waiting: intervals of the paired rounds -------------------------------------


def _waiting() -> Waiting:
    """Six paired rounds: 10 at a time steady, 100 at a time (threads) noisy."""
    one = T(*[0.6] * 6)
    steady = T(0.06, 0.061, 0.059, 0.06, 0.062, 0.058)
    noisy = T(0.05, 0.03, 0.08, 0.05, 0.04, 0.07)
    fast = T(0.02, 0.021, 0.019, 0.02, 0.0205, 0.0195)
    cases = (
        WaitCase("threads", 1, one, True),
        WaitCase("threads", 10, steady, True),
        WaitCase("threads", 100, noisy, True),
        WaitCase("asyncio", 1, one, True),
        WaitCase("asyncio", 10, steady, True),
        WaitCase("asyncio", 100, fast, True),
    )
    return Waiting(100, 0.005, 2, (1, 10, 100), cases, 1_200, 0)


def _hollow(ax) -> set[tuple[float, float]]:
    return {
        (float(x), float(y))
        for line in ax.lines
        if line.get_markerfacecolor() == "white"
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
    }


def test_waiting_figure_draws_each_paired_time_with_its_interval():
    w = _waiting()
    fig = pf.plot_waiting(w)
    (ax,) = fig.axes
    assert len(ax.containers) == 2  # threads and asyncio
    colours = {"threads": COLORS["threads"], "asyncio": COLORS["accent"]}
    for container, tool in zip(ax.containers, ("threads", "asyncio"), strict=True):
        assert to_hex(container.lines[0].get_color()) == to_hex(colours[tool])
        (bars,) = container.lines[2]  # vertical error bars only
        spans = sorted(
            (round(x0), round(y0, 9), round(y1, 9))
            for (x0, y0), (_, y1) in bars.get_segments()
        )
        expected = []
        for k in (10, 100):  # one at a time is the reference: no bar
            median = w.case(tool, k).timing.median
            below, above = pf.carried(median, w.ratio(tool, k))
            assert 0 < below < median and above > 0
            expected.append((k, round(median - below, 9), round(median + above, 9)))
        assert spans == expected
    # hollow: only the noisy point, whose interval is wider than ±15 %
    noisy = w.case("threads", 100).timing.median
    assert unsteady(w.ratio("threads", 100))
    assert not unsteady(w.ratio("asyncio", 100))
    assert _hollow(ax) == {(100.0, noisy)}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [
        "ThreadPoolExecutor (threads)",
        "asyncio (tasks)",
        "waiting alone, perfectly overlapped",
    ]
    assert fits(fig)


def test_carried_interval_is_the_ratios_own_on_a_log_scale():
    w = _waiting()
    r = w.ratio("threads", 100)
    below, above = pf.carried(2.0, r)
    assert (2.0 - below) / 2.0 == pytest.approx(r.median / r.high)
    assert (2.0 + above) / 2.0 == pytest.approx(r.median / r.low)


# -- numba: intervals of the cases paired with @njit -----------------------------


def _numba(cpus: int):
    """The fake run with ratios for its paired cases: over @njit, but
    parallel=True on several threads over itself on one; that of the
    GIL-held threads unsteady."""
    r = fake_numba(cpus)
    steady = [1.9, 1.95, 2.0, 1.98, 1.92, 1.96]
    noisy = [0.6, 1.0, 1.4, 0.9, 1.2, 0.8]
    ratios = {
        "@njit(parallel=True), 1 thread": [1.04, 1.05, 1.06, 1.05, 1.04, 1.05],
        "@njit(parallel=True)": steady,
        "@njit(nogil=True), threads": steady,
        "@njit (GIL held), threads": noisy,
    }
    base = r.case("@njit").timing.times[0]
    cases = tuple(
        dataclasses.replace(
            c,
            timing=T(*[base / x for x in ratios[c.name]]),
            ratio=ratio_from(ratios[c.name]),
        )
        if c.name in ratios
        else c
        for c in r.cases
    )
    return dataclasses.replace(r, cases=cases)


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_numba_figure_draws_intervals_and_hollow_unsteady_points(cpus):
    r = _numba(cpus)
    fig = pf.plot_numba(r)
    (ax,) = fig.axes
    paired = {y: c for y, c in enumerate(r.cases) if c.ratio is not None}
    assert len(paired) == (3 if cpus == 1 else 4)  # + parallel=True on 1 thread
    assert len(ax.containers) == len(paired)  # no bar without paired rounds
    spans = {}
    for container in ax.containers:
        (bars,) = container.lines[2]  # horizontal error bars only
        for (x0, y0), (x1, _) in bars.get_segments():
            spans[round(y0)] = (x0, x1)
    assert set(spans) == set(paired)
    for y, c in paired.items():
        below, above = pf.carried(c.ns_per_point, c.ratio)
        assert spans[y] == pytest.approx(
            (c.ns_per_point - below, c.ns_per_point + above)
        )
    gil = [y for y, c in paired.items() if c.name.startswith("@njit (GIL held)")]
    assert _hollow(ax) == {(r.cases[gil[0]].ns_per_point, float(gil[0]))}
    # each label starts right of its interval's cap
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    labels = [t for t in ax.texts if " ns" in t.get_text()]
    assert len(labels) == len(r.cases)
    for y, label in enumerate(labels):
        end = spans[y][1] if y in spans else r.cases[y].ns_per_point
        cap = ax.transData.transform((end, y))[0]
        assert label.get_window_extent(renderer).x0 > cap + 4
    assert fits(fig)
