"""Part B figures speak the book's colour language (core.style), and their
labels and legends say what the page says."""

from __future__ import annotations

import dataclasses

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from parallel_python.core.style import COLORS
from parallel_python.core.timing import Timing
from parallel_python.multiproc import narrate as say
from parallel_python.multiproc import plots as plotting_multiproc
from parallel_python.multiproc.costs import (
    ChunkRun,
    PoolStartup,
    StartupTiming,
    TaskOverhead,
)
from tests.multiproc.test_narrate import SWEEPS, t

PROCESSES = COLORS["processes"].lower()


def _processes_lines(ax):
    """The lines with markers in the processes colour (not error bar caps)."""
    return [
        line
        for line in ax.lines
        if to_hex(line.get_color()) == PROCESSES
        and line.get_marker() not in (None, "None", "", "_", "|")
    ]


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def _wide_sweep():
    """The 2-CPU sweep, its rounds at 2 processes so varied that the
    speed-up's interval allows serial fractions from 0 % to 40 %."""
    sweep = SWEEPS[2]
    serial = Timing(times=(1.0, 1.0, 1.0), warmup=1)
    points = tuple(
        dataclasses.replace(pt, timing=Timing(times=(0.5, 0.6, 0.7), warmup=1))
        if pt.processes == 2
        else dataclasses.replace(
            pt, timing=Timing(times=(1.0 / pt.processes,) * 3, warmup=1)
        )
        for pt in sweep.points
    )
    return dataclasses.replace(sweep, serial=serial, points=points)


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_sweep_draws_processes_as_diamonds(cpus):
    fig = plotting_multiproc.plot_integration_sweep(SWEEPS[cpus])
    for ax in fig.axes:
        drawn = _processes_lines(ax)
        assert drawn, "the measured points are drawn in the processes colour"
        assert {line.get_marker() for line in drawn} == {"D"}


def test_sweep_names_no_single_s_when_the_interval_is_too_wide():
    sweep = _wide_sweep()
    low, high = sweep.serial_fraction_range()
    sentence = say.amdahl_sentence(sweep.fit, (low, high))
    assert "too wide to name one figure" in sentence
    labels = _legend_texts(plotting_multiproc.plot_integration_sweep(sweep))
    amdahl = [label for label in labels if label.startswith("Amdahl")]
    assert amdahl == [f"Amdahl, s from {low * 100:.0f} % to {high * 100:.0f} %"]
    assert not any("s = " in label for label in labels)


def test_sweep_names_s_when_the_interval_pins_it_down():
    sweep = SWEEPS[2]  # every round alike: the interval is one point
    low, high = sweep.serial_fraction_range()
    assert high - low <= plotting_multiproc.AMDAHL_ONE_FIGURE
    assert "comes out at" in say.amdahl_sentence(sweep.fit, (low, high))
    labels = _legend_texts(plotting_multiproc.plot_integration_sweep(sweep))
    assert any(label.startswith("Amdahl, s = ") for label in labels)


@pytest.mark.parametrize("cpus", [2, 64])
def test_sweep_title_never_leaves_a_lone_word_when_it_wraps(cpus):
    fig = plotting_multiproc.plot_integration_sweep(SWEEPS[cpus])
    title = fig._suptitle
    canvas = FigureCanvasAgg(fig)
    wrapped = set()
    for tenths in (30, 38, 46, 54, 62, 68):  # widths the title might be shown at
        fig.set_figwidth(tenths / 10)
        canvas.draw()
        lines = title._get_wrapped_text().split("\n")
        wrapped.add(len(lines))
        assert len(lines[-1].replace("\u00a0", " ").split()) >= 3, lines
    assert max(wrapped) > 1, "some width made it wrap"


def _overhead(processes: int = 2) -> TaskOverhead:
    n = 1000
    runs = (  # Pool's default point lies just below the executor's, as measured
        ChunkRun("Pool.map", 1, False, t(n * 23e-6)),
        ChunkRun("Pool.map", 10, False, t(n * 3e-6)),
        ChunkRun("Pool.map", 125, True, t(n * 0.27e-6)),
        ChunkRun("ProcessPoolExecutor.map", 1, True, t(n * 60e-6)),
        ChunkRun("ProcessPoolExecutor.map", 125, False, t(n * 0.75e-6)),
    )
    return TaskOverhead(n, processes, "fork", t(n * 24e-9), runs)


def test_task_overhead_labels_sit_by_their_own_points():
    o = _overhead()
    fig = plotting_multiproc.plot_task_overhead(o)
    (ax,) = fig.axes
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    labels = {a.get_text(): a for a in ax.texts if "default" in a.get_text()}
    assert set(labels) == {"Pool default (125)", "ProcessPoolExecutor default (1)"}
    points = {  # every marker drawn, display coordinates
        (line.get_label(), x, y): ax.transData.transform((x, y))
        for line in _processes_lines(ax)
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
    }
    for text, label in labels.items():
        box = label.get_window_extent(renderer)
        centre = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)

        def far(item, centre=centre):
            (px, py) = item[1]
            return (px - centre[0]) ** 2 + (py - centre[1]) ** 2

        (api, x, _), _ = min(points.items(), key=far)
        name = "Pool.map" if text.startswith("Pool ") else "ProcessPoolExecutor.map"
        assert (api, x) == (name, o.default(name).chunksize), text


def test_task_overhead_draws_both_apis_as_process_diamonds():
    (ax,) = plotting_multiproc.plot_task_overhead(_overhead()).axes
    drawn = {line.get_label(): line.get_marker() for line in _processes_lines(ax)}
    assert drawn == {"Pool.map": "D", "ProcessPoolExecutor.map": "d"}


def test_pool_startup_uses_no_grey_of_the_ideal():
    s = PoolStartup(
        2,
        "fork",
        (
            StartupTiming("fork", t(0.005), t(0.001)),
            StartupTiming("spawn", t(0.12), t(0.02)),
        ),
    )
    (ax,) = plotting_multiproc.plot_pool_startup(s).axes
    faces = {to_hex(bar.get_facecolor()) for bar in ax.patches}
    assert faces == {PROCESSES}  # closing: a tint of the same colour
    # no hatch: "///" means waiting on the book's timelines
    assert not any(bar.get_hatch() for bar in ax.patches)
    alphas = sorted(bar.get_facecolor()[3] for bar in ax.patches)
    tint = plotting_multiproc.CLOSE_TINT
    assert alphas == [tint, tint, 1.0, 1.0]
    closing = [bar for bar in ax.patches if bar.get_facecolor()[3] < 1]
    assert {to_hex(bar.get_edgecolor()) for bar in closing} == {PROCESSES}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["start until first answer", "close and join"]


@pytest.mark.parametrize("sweep", [SWEEPS[2], SWEEPS[64], _wide_sweep()])
def test_sweep_draws_the_ideal_above_amdahl(sweep):
    """Where Amdahl's curve or band meets the ideal, the ideal stays visible."""
    fig = plotting_multiproc.plot_integration_sweep(sweep)
    speed_ax = fig.axes[0]
    (ideal,) = [x for x in speed_ax.lines if x.get_label().startswith("ideal")]
    accent = to_hex(COLORS["accent"])
    amdahl = [x for x in speed_ax.lines if to_hex(x.get_color()) == accent]
    assert amdahl, "Amdahl's curve is drawn"
    assert all(ideal.get_zorder() > x.get_zorder() for x in amdahl)
    band = [  # Amdahl's band, where the interval leaves s open
        c
        for c in speed_ax.collections
        if len(c.get_facecolor()) and to_hex(c.get_facecolor()[0]) == accent
    ]
    assert bool(band) == any(x.get_label().startswith("Amdahl, s from") for x in amdahl)
    assert all(ideal.get_zorder() > c.get_zorder() for c in band)
    # the measured points stay above the ideal
    for container in speed_ax.containers:
        assert container.lines[0].get_zorder() >= ideal.get_zorder()


def test_a_sweep_against_one_process_says_so_in_its_title_and_legend():
    import dataclasses

    new = dataclasses.replace(SWEEPS[2], against_one_process=True)
    fig = plotting_multiproc.plot_integration_sweep(new)
    title = fig.axes[0].get_title()
    assert title == "Speed-up over 1 process (1 process: over the serial loop)"
    assert "serial loop, or 1 process" in _legend_texts(fig)
    old = plotting_multiproc.plot_integration_sweep(SWEEPS[2])
    assert old.axes[0].get_title().endswith("speed-up over the serial loop")
    assert "serial loop" in _legend_texts(old)
