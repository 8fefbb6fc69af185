"""The computed sentences say what was measured, on 1, 2 and 64 CPUs."""

import dataclasses

from parallel_python.core.machine import describe
from parallel_python.core.text import plural
from parallel_python.numpy_threads.blas import Operations, OperationTiming
from parallel_python.numpy_threads.narrate import (
    blas_sweep_summary,
    operations_summary,
    sweep_rates,
    sweep_table,
    thread_curve_reading,
    thread_settings_summary,
)
from parallel_python.numpy_threads.settings import ThreadSettings
from tests.fakes import fake_sweep, fake_timing


def test_one_cpu_sweep_says_threads_take_turns():
    text = blas_sweep_summary(fake_sweep(1, {1: 1.0, 2: 0.97}))
    assert "only one CPU" in text
    assert "take turns" in text
    assert "0.97×" in text


def test_two_cpu_sweep_reports_speedup_efficiency_and_oversubscription():
    text = blas_sweep_summary(fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5}))
    assert "With 2 BLAS threads on the 2 CPUs" in text
    assert "1.90×" in text and "95 %" in text and "close to perfect" in text
    assert (
        "Asking for 4 threads, more than there are CPUs, made it slower: "
        "1.50× (1.50–1.50) as fast as one thread, against 1.90× with 2."
    ) in text
    assert "smallest product, 200 × 200, gained less" in text


def test_a_slowdown_is_called_a_slowdown():
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5})
    small = [p for p in sweep.points if p.size == 200 and p.threads == 2][0]
    slow = dataclasses.replace(small, timing=fake_timing(small.timing.best * 50))
    points = tuple(slow if p is small else p for p in sweep.points)
    text = blas_sweep_summary(dataclasses.replace(sweep, points=points))
    assert "even ran 45.5 times slower with 2 threads" in text  # 50 × / 1.1
    assert "gained less" not in text


def test_two_cpu_sweep_with_no_gain_is_called_poor():
    text = blas_sweep_summary(fake_sweep(2, {1: 1.0, 2: 1.0, 4: 1.0}))
    assert "1.00×" in text and "no real speed-up" in text
    assert "did no better than 2 as far as this run can tell" in text


def test_efficiency_words():
    text = blas_sweep_summary(fake_sweep(2, {1: 1.0, 2: 1.2, 4: 1.2}))
    assert "60 %, mediocre" in text
    text = blas_sweep_summary(fake_sweep(2, {1: 1.0, 2: 1.5, 4: 1.5}))
    assert "75 %, good" in text


def test_sixty_four_cpus():
    scale = {1: 1.0, 2: 2.0, 8: 7.5, 64: 40.0, 128: 41.0}
    text = blas_sweep_summary(fake_sweep(64, scale))
    assert "With 64 BLAS threads on the 64 CPUs" in text
    assert "62 %" in text and "mediocre" in text
    assert "did no better than 64 as far as this run can tell" in text


def fake_ops(cpus, threads, matmul_speedup):
    def op(name, blas, s):
        return OperationTiming(name, blas, fake_timing(1.0), fake_timing(1.0 / s))

    return Operations(
        threads,
        cpus,
        100,
        1000,
        (
            op("matrix multiply (a @ b)", True, matmul_speedup),
            op("element-wise ufunc (np.exp)", False, 1.02),
            op("sort (np.sort)", False, 0.98),
        ),
    )


def test_operations_one_cpu():
    text = operations_summary(fake_ops(1, 1, 1.0))
    assert "one BLAS thread both times" in text


def test_operations_two_and_sixty_four_cpus():
    for cpus, s in ((2, 1.9), (64, 30.0)):
        text = operations_summary(fake_ops(cpus, cpus, s))
        assert f"With {cpus} BLAS threads the matrix multiply (a @ b) ran" in text
        assert "within 2 %: NumPy runs them in the calling thread" in text


def test_operations_when_the_matrix_multiply_did_not_speed_up():
    text = operations_summary(fake_ops(2, 2, 1.01))
    assert "did not run faster: 1.01× (1.01–1.01) the one-thread" in text
    # the explanation for the others never claims matmul runs in one thread
    assert "calling thread" in text.split("try a larger array.")[1]


def test_operations_slower_matrix_multiply_is_called_slower():
    text = operations_summary(fake_ops(2, 2, 0.79))
    assert "ran slower than with one, at 0.79× (0.79–0.79) its speed" in text


def test_noise_on_non_blas_operations_is_called_noise():
    ops = fake_ops(2, 2, 1.9)
    noisy = dataclasses.replace(ops.operations[1], many_threads=fake_timing(1.0 / 1.3))
    ops = dataclasses.replace(
        ops, operations=(ops.operations[0], noisy, ops.operations[2])
    )
    text = operations_summary(ops)
    assert "changed by more than 10 %, to 1.30× (1.30–1.30), yet never calls" in text
    assert "noise" in text


def test_thread_settings_sentences():
    s = ThreadSettings("OMP_NUM_THREADS", 1, 2, 1, 2, 1, 2)
    text = thread_settings_summary(s)
    assert "with 2 threads" in text and "it used 1" in text
    assert "changed nothing" in text
    odd = dataclasses.replace(s, from_variable=2)
    assert "does not read that variable" in thread_settings_summary(odd)
    single = dataclasses.replace(
        s, default=1, set_after_import=1, after_threadpoolctl=1
    )
    assert "with 1 thread." in thread_settings_summary(single)


def test_thread_curve_reading_for_hyperthreads_and_single_cpu():
    m = describe()
    ht = dataclasses.replace(m, logical_cpus=8, physical_cores=4, available_cpus=8)
    text = thread_curve_reading(fake_sweep(8, {1: 1, 4: 3.8, 8: 4.1, 16: 4}), ht)
    assert "2 hardware threads" in text and "8 threads" in text
    one = dataclasses.replace(m, logical_cpus=1, physical_cores=1, available_cpus=1)
    text = thread_curve_reading(fake_sweep(1, {1: 1.0, 2: 0.9}), one)
    assert "no hyper-threads" in text and "cannot run side by side" in text
    assert "1 logical CPU and 1 physical core" in text


def test_sweep_table_has_a_row_per_point():
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5})
    table = sweep_table(sweep)
    main, details = table.split(":::{admonition}")
    rows = [line for line in main.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(sweep.points)  # the header, then one per point
    assert rows[0].count("|") - 1 == 5  # five columns; the rest in a dropdown
    assert "best of 3 timed runs" in table
    assert ":class: dropdown" in details and "| median | spread |" in details
    assert "in effect" not in table  # every count was granted
    assert "A spread above 100 %" not in table
    slow = dataclasses.replace(
        sweep.points[0],
        timing=dataclasses.replace(
            sweep.points[0].timing, times=(*sweep.points[0].timing.times[:-1], 1e3)
        ),
    )
    once = dataclasses.replace(sweep, points=(slow, *sweep.points[1:]))
    assert "A spread above 100 % means at least one run took" in sweep_table(once)


def test_sweep_table_shows_threads_not_granted():
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9})
    capped = dataclasses.replace(sweep.points[-1], threads_in_effect=1)
    sweep = dataclasses.replace(sweep, points=(*sweep.points[:-1], capped))
    assert "in effect" in sweep_table(sweep)


def test_sweep_rates_for_one_and_two_cpus():
    one = sweep_rates(fake_sweep(1, {1: 1.0, 2: 0.9}))
    assert (
        one
        == "In numbers: one thread multiplied the 2000 × 2000 matrices at 50.0 GFLOP/s."
    )
    two = sweep_rates(fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5}))
    assert "and 2 threads at 95.0 GFLOP/s" in two


def test_plural():
    assert plural(1, "thread") == "1 thread"
    assert plural(2, "thread") == "2 threads"
    assert plural(0, "worker") == "0 workers"
    assert plural(1, "process", "processes") == "1 process"
    assert plural(3, "process", "processes") == "3 processes"


def _five_rounds(sweep, factor_at_largest):
    """The same sweep with five timed rounds per point (enough for an interval)."""
    from parallel_python.core.timing import Timing

    points = []
    for p in sweep.points:
        base = p.timing.best * (factor_at_largest if p.threads == 1 else 1.0)
        if p.size != sweep.largest:
            base = p.timing.best
        times = tuple(base * (1 + 0.01 * i) for i in range(5))
        points.append(dataclasses.replace(p, timing=Timing(times=times, warmup=1)))
    return dataclasses.replace(sweep, points=tuple(points))


def test_a_speedup_above_the_ideal_is_reported_as_such():
    sweep = _five_rounds(fake_sweep(2, {1: 1.0, 2: 1.0}), 3.0)  # 2 threads: 3×
    text = blas_sweep_summary(sweep)
    assert "above the ideal of 2×" in text and "150 %" in text
    plain = blas_sweep_summary(_five_rounds(fake_sweep(2, {1: 1.0, 2: 1.9}), 1.0))
    assert "above the ideal" not in plain
    assert "probably" not in text + plain and "other work" not in text + plain


def test_sweep_takeaway_on_1_2_and_64_cpus():
    from parallel_python.numpy_threads.narrate import sweep_takeaway

    one = sweep_takeaway(fake_sweep(1, {1: 1.0, 2: 0.97}))
    assert one == "One CPU: at n = 2000, 2 BLAS threads about as fast as one (0.97×)"
    two = sweep_takeaway(fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5}))
    assert two == "n = 2000: 2 BLAS threads (one per CPU) 1.90× as fast as one"
    many = sweep_takeaway(fake_sweep(64, {1: 1.0, 2: 2.0, 64: 40.0, 128: 41.0}))
    assert many == "n = 2000: 64 BLAS threads (one per CPU) 40.0× as fast as one"
    slow = sweep_takeaway(fake_sweep(2, {1: 1.0, 2: 0.8}))
    assert "slower than one (0.80× its speed)" in slow


def test_operations_takeaway_on_1_2_and_64_cpus():
    from parallel_python.numpy_threads.narrate import operations_takeaway

    one = operations_takeaway(fake_ops(1, 1, 1.0))
    assert one == "One BLAS thread both times (one CPU):\nno operation could gain"
    two = operations_takeaway(fake_ops(2, 2, 1.9))
    assert two.startswith("2 BLAS threads: a @ b 1.90× as fast as with one")
    assert two.endswith("\nthe others (no BLAS): 0.98–1.02×")
    many = operations_takeaway(fake_ops(64, 64, 30.0))
    assert many.startswith("64 BLAS threads: a @ b 30.0× as fast")
    assert "about as fast as with one (1.01×)" in operations_takeaway(
        fake_ops(2, 2, 1.01)
    )


def test_figures_state_their_takeaway_and_fit_on_1_2_and_64_cpus():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from parallel_python.core.style import small_texts
    from parallel_python.numpy_threads.narrate import (
        operations_takeaway,
        sweep_takeaway,
    )
    from parallel_python.numpy_threads.plots import plot_blas_sweep, plot_operations

    for cpus, scale in (
        (1, {1: 1.0, 2: 0.97}),
        (2, {1: 1.0, 2: 1.9, 4: 1.5}),
        (64, {1: 1.0, 2: 2.0, 8: 7.5, 64: 40.0, 128: 41.0}),
    ):
        sweep = fake_sweep(cpus, scale)
        ops = fake_ops(cpus, cpus, scale[max(t for t in scale if t <= cpus)])
        for fig, title in (
            (plot_blas_sweep(sweep), sweep_takeaway(sweep)),
            (plot_operations(ops), operations_takeaway(ops)),
        ):
            texts = [
                t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))
            ]
            assert title in texts
            assert small_texts(fig) == []
            assert fig.get_figwidth() <= 6.8
            renderer = FigureCanvasAgg(fig).get_renderer()
            fig.draw(renderer)
            drawn = fig.get_tightbbox(renderer)  # inches, the drawn artists only
            assert drawn.x0 >= -0.01 and drawn.x1 <= fig.get_figwidth() + 0.01
            assert drawn.y0 >= -0.01 and drawn.y1 <= fig.get_figheight() + 0.01


def _with_ratios(sweep, size, threads, ratios):
    """Replace the timing at (size, threads) so its per-round ratios are ``ratios``."""
    from parallel_python.core.timing import Timing

    base = [p for p in sweep.points if p.size == size and p.threads == 1][0]
    times = tuple(b / r for b, r in zip(base.timing.times, ratios, strict=True))
    points = tuple(
        dataclasses.replace(p, timing=Timing(times=times, warmup=1))
        if p.size == size and p.threads == threads
        else p
        for p in sweep.points
    )
    return dataclasses.replace(sweep, points=points)


def _even_rounds(sweep):
    """The same sweep with five timed rounds per point (a real 90 % interval)."""
    from parallel_python.core.timing import Timing

    points = tuple(
        dataclasses.replace(p, timing=Timing(times=(p.timing.best,) * 5, warmup=1))
        for p in sweep.points
    )
    return dataclasses.replace(sweep, points=points)


def test_one_cpu_speedup_above_one_is_flagged_in_summary_and_reading():
    m = describe()
    one = dataclasses.replace(m, logical_cpus=2, physical_cores=2, available_cpus=1)
    sweep = _even_rounds(fake_sweep(1, {1: 1.0, 2: 0.95}, sizes=(200, 800, 2000)))
    sweep = _with_ratios(sweep, 800, 2, (1.11, 1.17, 1.26, 1.26, 1.26))
    text = blas_sweep_summary(sweep)
    assert "cannot run side by side" in text
    assert "At 800 × 800, 2 threads measured 1.26×" in text
    assert "wholly above the 1× that one CPU can give" in text
    assert "flagged as suspect" in text and "repeat the point" in text
    reading = thread_curve_reading(sweep, one)
    assert "cannot add speed" not in reading
    assert "(n = 800: 1.26×) is beyond what one CPU can give" in reading
    clean = _even_rounds(fake_sweep(1, {1: 1.0, 2: 0.95}))
    assert "suspect" not in blas_sweep_summary(clean)
    assert "suspect" not in thread_curve_reading(clean, one)


def test_speedups_within_the_cpus_are_not_flagged_on_2_and_64_cpus():
    for cpus, scale in ((2, {1: 1.0, 2: 1.9, 4: 1.8}), (64, {1: 1, 64: 40, 128: 41})):
        sweep = _even_rounds(fake_sweep(cpus, scale))
        assert "suspect" not in blas_sweep_summary(sweep)
    # 4 threads on 2 CPUs measured 3× is beyond the 2× two CPUs can give
    sweep = _with_ratios(
        _even_rounds(fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.8})), 2000, 4, (3.0,) * 5
    )
    assert "wholly above the 2× that 2 CPUs can give" in blas_sweep_summary(sweep)


def test_first_lesson_on_1_2_and_64_cpus():
    from parallel_python.numpy_threads.narrate import first_lesson

    one = first_lesson(fake_ops(1, 1, 1.0))
    assert "could not show with one CPU" in one and "linear algebra" in one
    for cpus, s in ((2, 1.9), (64, 30.0)):
        assert first_lesson(fake_ops(cpus, cpus, s)).startswith("That is the first")
    assert "did not show cleanly" in first_lesson(fake_ops(2, 2, 1.01))


def test_thread_settings_when_the_default_is_already_the_count_asked_for():
    s = ThreadSettings("OMP_NUM_THREADS", 1, 1, 1, 1, 1, 1)
    text = thread_settings_summary(s)
    assert "every later count was 1 too" in text
    assert "cannot show the difference" in text
    assert "changed nothing" not in text and "changed it at run time" not in text
    many = ThreadSettings("OMP_NUM_THREADS", 1, 64, 1, 64, 1, 64)
    text = thread_settings_summary(many)
    assert "with 64 threads" in text and "changed nothing" in text
    assert "cannot show" not in text


def test_sweep_table_gives_the_range_of_rounds_when_sizes_differ():
    import dataclasses

    sweep = fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5})
    n = sweep.sizes[0]  # this size got two more rounds

    def longer(p):
        if p.size != n:
            return p
        times = p.timing.times + p.timing.times[:2]
        return dataclasses.replace(p, timing=dataclasses.replace(p.timing, times=times))

    points = tuple(longer(p) for p in sweep.points)
    table = sweep_table(dataclasses.replace(sweep, points=points))
    assert "best of 3–5 timed runs (rounds per size)" in table


def test_the_sweep_tells_its_sizes_apart_by_shape_as_well_as_shade():
    import matplotlib.pyplot as plt

    from parallel_python.numpy_threads.plots import plot_blas_sweep
    from tests.fakes import fake_sweep

    sweep = fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5}, sizes=(200, 800, 1600))
    fig = plot_blas_sweep(sweep)
    try:
        for ax in fig.axes:
            series = {
                line.get_color(): line.get_marker()
                for line in ax.lines
                if line.get_label().startswith("n = ")
                or (line.get_linestyle() == "-" and len(line.get_xdata()) == 3)
            }
            assert len(series) == 3, series
            assert len(set(series.values())) == 3, series
    finally:
        plt.close(fig)


def test_an_unsteady_matrix_multiply_is_called_unsteady_not_too_small():
    from parallel_python.core.timing import Timing
    from parallel_python.numpy_threads.narrate_ops import operations_takeaway

    ratios = (1.0, 1.07, 1.9, 1.05, 1.94, 1.02, 1.5)
    unsteady = OperationTiming(
        "matrix multiply (a @ b)",
        True,
        Timing(times=(1.0,) * len(ratios), warmup=0),
        Timing(times=tuple(1 / r for r in ratios), warmup=0),
    )
    ops = fake_ops(2, 2, 1.0)
    ops = Operations(2, 2, 100, 1000, (unsteady, *ops.operations[1:]))
    text = operations_summary(ops)
    assert "did not run faster: 1.07× (1.00–1.94) the one-thread speed. " in text
    assert "Its 90 % interval is wider than ±15 %: take that figure as rough" in text
    assert "try a larger array" not in text
    title = operations_takeaway(ops)
    assert title.startswith("2 BLAS threads: a @ b 1.07× (1.00–1.94), too unsteady")
    # a gain from rounds this unsteady gets the same note
    gained = Operations(
        2,
        2,
        100,
        1000,
        (
            OperationTiming(
                unsteady.name,
                True,
                unsteady.one_thread,
                Timing(times=tuple(1 / (r + 0.5) for r in ratios), warmup=0),
            ),
            *ops.operations[1:],
        ),
    )
    text = operations_summary(gained)
    assert "as fast as with one" in text and "take that figure as rough" in text


def test_more_threads_than_cpus_on_the_smallest_product_is_named():
    sweep = fake_sweep(2, {1: 1.0, 2: 1.9, 4: 1.5})
    assert "product ran" not in blas_sweep_summary(sweep)
    small = [p for p in sweep.points if p.size == 200 and p.threads == 4][0]
    slow = dataclasses.replace(small, timing=fake_timing(small.timing.best * 30))
    points = tuple(slow if p is small else p for p in sweep.points)
    text = blas_sweep_summary(dataclasses.replace(sweep, points=points))
    assert (
        "With 4 threads, more than there are CPUs, the 200 × 200 product ran "
        "27.3 times slower than on one thread" in text  # 30 × / 1.1
    )


def test_operations_give_the_ceiling_between_the_matrix_multiply_rounds():
    from parallel_python.core.ceiling import Ceiling

    plain = fake_ops(2, 2, 1.03)
    assert "multiply's rounds" not in operations_summary(plain)
    probed = Ceiling(
        2,
        0.125,
        100,
        (95, 52),
        1.47,
        True,
        (0, 1),
        "",
        0.025,
        between_rounds=True,
        slowest=(1.02, 1.05, 1.10),
    )
    text = operations_summary(dataclasses.replace(plain, ceiling=probed))
    assert (
        "Between the matrix multiply's rounds, this machine's 2 CPUs together "
        "counted 1.47× as fast as one, and its slowest CPU counted at 52 % of "
        "one CPU's pace alone: 2 equal shares of work, pinned one to a CPU, "
        "could reach at most 1.05×, but the system was free to move these "
        "workers between CPUs."
    ) in text
    # one BLAS thread both times: no ceiling, nothing to compare
    one = dataclasses.replace(fake_ops(1, 1, 1.0), ceiling=probed)
    assert "multiply's rounds" not in operations_summary(one)
