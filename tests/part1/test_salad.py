"""The salad scheduler: steps run in an order that respects the recipe."""

import pytest
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text

from parallel_python.core.protocol import STOP_REASONS
from parallel_python.core.style import small_texts
from parallel_python.part1 import salad
from parallel_python.part1.plots_kitchen import plot_kitchen
from parallel_python.part1.plots_salad import plot_recipe
from parallel_python.part1.salad import WAIT, WORK, Step
from tests.drawing import assert_draws
from tests.fakes import main_thread_calls


def _respects_order(run, recipe):
    for step in recipe:
        mine = run.get(step.name)
        for before in step.after:
            assert run.get(before).end <= mine.start + 1e-9, (before, step.name)


def test_salad_runs_every_step_in_order():
    s = salad.run_salad(wait_seconds=0.001, work=1_000, repeats=1, budget=0.01)
    names = {step.name for step in salad.SHOPSKA}
    for run in (s.sequential, s.threaded):
        assert {r.name for r in run.steps} == names
        _respects_order(run, s.recipe)
        assert all(r.end >= r.start >= 0 for r in run.steps)
        assert run.total >= max(r.end for r in run.steps) - 1e-9
    # one after another: no two steps overlap, all in the main thread
    seq = sorted(s.sequential.steps, key=lambda r: r.start)
    for a, b in zip(seq, seq[1:], strict=False):
        assert a.end <= b.start + 1e-9
    assert {r.thread for r in s.sequential.steps} == {"main"}
    # threaded: one thread per step
    assert len({r.thread for r in s.threaded.steps}) == len(names)
    assert 0 < s.critical_path <= s.sequential.total + 1e-9


def test_salad_is_timed_in_paired_rounds(monkeypatch):
    in_main = main_thread_calls(monkeypatch, salad, "_sequential")
    s = salad.run_salad(wait_seconds=0.001, work=1_000, repeats=3, budget=0.01)
    assert s.sequential_totals.repeats == s.threaded_totals.repeats == 3
    # the warm-up and each round's sequential salad, each in a new thread
    assert in_main == [False] * 4
    assert s.stop_reason in STOP_REASONS
    assert s.ratio.rounds == 3
    # the timelines are the fastest timed runs of each way, and their totals
    # are the very numbers the text quotes (the best of the timed totals)
    assert s.sequential.total == s.sequential_totals.best
    assert s.threaded.total == s.threaded_totals.best


def test_waiting_steps_overlap_in_threads():
    recipe = (
        Step("a", WAIT, 1.0),
        Step("b", WAIT, 1.0),
        Step("c", WORK, 0.0, ("a", "b")),
    )
    s = salad.run_salad(
        wait_seconds=0.05, work=10, repeats=1, budget=0.01, steps=recipe
    )
    a, b = s.threaded.get("a"), s.threaded.get("b")
    assert a.start < b.end and b.start < a.end  # the two waits overlapped


def test_check_recipe_orders_and_rejects():
    order = salad.check_recipe(salad.SHOPSKA)
    seen = set()
    for step in order:
        assert set(step.after) <= seen
        seen.add(step.name)
    with pytest.raises(ValueError, match="cycle"):
        salad.check_recipe([Step("a", WAIT, 1, ("b",)), Step("b", WAIT, 1, ("a",))])
    with pytest.raises(ValueError, match="unknown"):
        salad.check_recipe([Step("a", WAIT, 1, ("z",))])
    with pytest.raises(ValueError, match="distinct"):
        salad.check_recipe([Step("a", WAIT, 1), Step("a", WORK, 1)])
    with pytest.raises(ValueError, match="kind"):
        salad.check_recipe([Step("a", "nap", 1)])
    with pytest.raises(ValueError, match="steps"):
        salad.check_recipe([])


def test_critical_path():
    recipe = (Step("a", WAIT, 1), Step("b", WORK, 1, ("a",)), Step("c", WAIT, 1))
    assert salad.critical_path(recipe, {"a": 2.0, "b": 3.0, "c": 4.0}) == 5.0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"wait_seconds": 0}, "wait_seconds"),
        ({"work": 0}, "work"),
        ({"repeats": 0}, "repeats"),
        ({"budget": 0}, "budget"),
    ],
)
def test_salad_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        salad.run_salad(**kwargs)


def test_recipe_and_kitchen_figures():
    for fig in (plot_recipe(salad.SHOPSKA), plot_kitchen()):
        assert_draws(fig)
        assert small_texts(fig) == []


def _drawn(fig):
    """The figure drawn once; its renderer, for the extents of its artists."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from parallel_python.core.style import house_style

    with house_style():
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
    return renderer


def _texts(fig, renderer):
    return [
        (t.get_text(), t.get_window_extent(renderer))
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]


def test_recipe_labels_sit_clear_of_the_hatch():
    fig = plot_recipe(salad.SHOPSKA)
    renderer = _drawn(fig)
    (ax,) = fig.axes
    hatched = [p.get_window_extent(renderer) for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 3  # the three waiting steps, and a key says so
    assert fig.legends and any(p.get_hatch() for p in fig.legends[0].get_patches())
    for text, extent in _texts(fig, renderer):
        assert fig.bbox.contains(extent.x0, extent.y0), text
        assert fig.bbox.contains(extent.x1, extent.y1), text
        for strip in hatched:
            assert not strip.overlaps(extent), text


def test_kitchen_texts_fit_their_boxes():
    fig = plot_kitchen()
    renderer = _drawn(fig)
    (ax,) = fig.axes
    boxes = [
        p.get_window_extent(renderer)
        for p in ax.patches
        if isinstance(p, FancyBboxPatch)
    ]
    texts = _texts(fig, renderer)
    for i, (text, extent) in enumerate(texts):
        assert fig.bbox.contains(extent.x0, extent.y0), text
        assert fig.bbox.contains(extent.x1, extent.y1), text
        # inside a box with a margin, or clear of every box
        near = [b for b in boxes if b.padded(4).overlaps(extent)]
        assert all(b.x0 + 4 <= extent.x0 and extent.x1 <= b.x1 - 4 for b in near), text
        assert len(near) <= 1, text
        for other, its in texts[i + 1 :]:
            assert not extent.overlaps(its), (text, other)
