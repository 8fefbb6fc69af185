"""Part C sentences, tables and figures, from made-up grids for 1, 2 and 64 CPUs."""

import pytest

from parallel_python.blending import plots as plotting_blend
from parallel_python.blending.batches import MAX_GRID_VALUES, WARMUP_SECONDS, Batch
from parallel_python.blending.fixes import (
    AROUND_TASK,
    ENV_FORK,
    ENV_SPAWN,
    INITIALIZER,
    JOBLIB_DEFAULT,
    JOBLIB_INNER,
    NO_LIMIT,
    Fix,
    Fixes,
)
from parallel_python.blending.grid import Grid, grid_counts
from parallel_python.blending.narrate import (
    fixes_summary,
    grid_summary,
    oversubscription_summary,
    shape,
    shared_machine,
    span,
)
from parallel_python.blending.narrate_rules import (
    fork_row_note,
    rule_of_thumb,
    shapes_compared,
)
from parallel_python.blending.narrate_tables import fixes_table, grid_table
from parallel_python.core.style import small_texts
from parallel_python.core.text import duration, same_unit
from parallel_python.core.timing import Timing
from tests.drawing import assert_draws


def batch(p, t, seconds, cpu=None, switches=10.0, seen=None, variable=("",)):
    return Batch(
        processes=p,
        threads=t,
        timing=Timing(times=(seconds, seconds * 1.1), warmup=1),
        cpu_seconds=seconds if cpu is None else cpu,
        switches=switches,
        threads_in_effect=(t,) if seen is None else seen,
        variable_seen=variable,
        worker_pids=tuple(range(1000, 1000 + p)),
        usage_source="resource.getrusage",
    )


def fake_grid(cpus):
    """Ideal speed-up up to the CPUs, then 2.5 times slower beyond them,
    with CPU time and switches that grow past the line."""
    values = grid_counts(cpus)
    cells = []
    for p in values:
        for t in values:
            asked = p * t
            if asked <= cpus:
                wall = 1.0 / asked
                cpu, switches = 1.0, 10.0
            else:
                wall = 2.5 / cpus
                cpu, switches = 3.0, 500.0
            cells.append(batch(p, t, wall, cpu=cpu, switches=switches))
    return Grid(
        size=500,
        tasks=12,
        cpus=cpus,
        start_method="fork",
        processes=values,
        threads=values,
        cells=tuple(cells),
    )


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_grid_sentences_hold_for_any_machine(cpus):
    grid = fake_grid(cpus)
    text = grid_summary(grid)
    assert "12 products of 500 × 500" in text
    assert f"P × T = {cpus}" in text
    assert "2.50 times as long" in text or cpus == 1
    over = oversubscription_summary(grid)
    assert "3.00 times as much" in over
    assert "500 times per batch" in over
    rule = rule_of_thumb(grid)
    assert "Rule of thumb" in rule
    table = grid_table(grid)
    assert table.count("\n|") >= len(grid.cells)
    assert "†" in table


def test_grid_summary_gives_the_ceiling_counted_between_the_cells():
    import dataclasses

    from parallel_python.core.ceiling import Ceiling

    grid = fake_grid(2)
    assert "Between the cells" not in grid_summary(grid)
    probed = Ceiling(2, 0.3, 100, (52, 50), 1.02, True, (0, 1), "", 0.05)
    text = grid_summary(dataclasses.replace(grid, ceiling=probed))
    assert "Between the cells, this machine's 2 CPUs together counted 1.02×" in text


def test_one_cpu_only_the_single_cell_is_within():
    grid = fake_grid(1)
    assert grid.processes == (1, 2)
    assert [shape(c) for c in grid.cells if grid.within(c)] == ["1 × 1"]
    assert len(grid.oversubscribed) == 3
    text = grid_summary(grid)
    assert "only one CPU" in text
    assert "No other cell was faster" in text
    assert "one process with one BLAS thread" in rule_of_thumb(grid)
    assert "the other cells ran at 0.40× the speed of 1 × 1" in rule_of_thumb(grid)


def test_two_cpus_best_cell_and_rule():
    grid = fake_grid(2)
    assert grid.processes == (1, 2, 3)
    text = grid_summary(grid)
    assert "The fastest cell was" in text and "within the CPUs" in text
    assert "slower than 1 × 1" not in text
    rule = rule_of_thumb(grid)
    assert "P = 2 processes of T = 1" in rule
    assert "On the line P × T = 2" in rule
    assert "2.00×" in rule
    # the fastest on the line was 1 x 2, the suggested 2 x 1 as fast
    assert "the fastest measured here was 1 × 2" in rule
    assert "The suggested 2 × 1 reached 2.00×, within 10 % of it" in rule
    assert "cannot tell the two apart" in rule
    slow = with_cell(grid, 2, 1, 3.0)  # the suggested cell well behind
    assert "fewer processes with more threads can win" in rule_of_thumb(slow)


def test_sixty_four_cpus_grid_stays_small():
    grid = fake_grid(64)
    assert len(grid.processes) <= MAX_GRID_VALUES
    assert {1, 64, 65} <= set(grid.processes)
    rule = rule_of_thumb(grid)
    assert "64 CPUs" in rule and "64.0×" in rule


def test_busy_machine_is_named_when_cells_within_are_slow():
    grid = fake_grid(2)
    slow = with_cell(grid, 1, 2, 3.0)
    # the lone 1 x 1 worker ran all the time: the machine was not shared
    assert not shared_machine(slow)
    text = grid_summary(slow)
    assert "Even 1 × 2, within the CPUs, ran slower" in text
    assert "too small to share out" in text
    # the lone worker got only half a CPU: other programs were running
    half = with_cell(slow, 1, 1, 1.0)
    cells = tuple(
        batch(1, 1, 1.0, cpu=0.5) if (c.processes, c.threads) == (1, 1) else c
        for c in half.cells
    )
    busy = Grid(**{**slow.__dict__, "cells": cells})
    assert shared_machine(busy)
    assert "the CPUs were not all this experiment's" in grid_summary(busy)
    assert "ran only 48 %" in grid_summary(busy)  # 0.5 s of 1.05 s


def test_shapes_compared_names_the_faster_one():
    grid = fake_grid(2)
    cells = [
        batch(1, 2, 0.8) if (c.processes, c.threads) == (1, 2) else c
        for c in grid.cells
    ]
    g = Grid(**{**grid.__dict__, "cells": tuple(cells)})
    text = shapes_compared(g)
    assert "2 × 1 was 1.60 times as fast" in text
    assert "within the noise" in shapes_compared(fake_grid(2))


def test_no_oversubscribed_cells():
    grid = fake_grid(2)
    inside = tuple(c for c in grid.cells if c.asked <= 2)
    g = Grid(**{**grid.__dict__, "cells": inside, "processes": (1, 2), "threads": (1,)})
    assert "No cell asked for more threads" in grid_summary(g)
    assert "shows no oversubscription" in oversubscription_summary(g)


def fake_fixes(cpus):
    default = cpus
    limit = 1
    p = cpus

    def fix(name, method, asked, seen, seconds, variable=("",)):
        return Fix(
            name,
            method,
            asked,
            batch(p, asked or default, seconds, seen=(seen,), variable=variable),
        )

    slow = 1.0 if cpus == 1 else 3.0
    rows = (
        fix(NO_LIMIT, "fork", 0, default, slow),
        fix(INITIALIZER, "fork", limit, 1, 1.0),
        fix(AROUND_TASK, "fork", limit, 1, 1.1),
        fix(ENV_SPAWN, "spawn", limit, 1, 1.2, ("1",)),
        fix(ENV_FORK, "fork", limit, default, slow, ("1",)),
        fix(JOBLIB_DEFAULT, "loky", limit, 1, 1.0, ("1",)),
        fix(JOBLIB_INNER, "loky", limit, 1, 1.0, ("1",)),
    )
    return Fixes(
        size=500,
        tasks=12,
        cpus=cpus,
        processes=p,
        limit=limit,
        default_threads=default,
        variable="OMP_NUM_THREADS",
        fixes=rows,
    )


@pytest.mark.parametrize("cpus", [2, 64])
def test_fixes_sentence_many_cpus(cpus):
    f = fake_fixes(cpus)
    text = fixes_summary(f)
    assert f"{cpus * cpus} threads in all" in text
    assert INITIALIZER in text and ENV_SPAWN in text
    assert ENV_FORK not in text.split("held")[1].split(".")[0]
    assert "came too late" in text
    assert "saw `OMP_NUM_THREADS=1`" in text
    assert f"ran {cpus} BLAS threads each" in text
    assert "2.50× to 3.00×" in text
    assert f.get(ENV_FORK).held is False
    assert f.get(ENV_SPAWN).held is True
    table = fixes_table(f)
    assert f"| variable set before fork | fork | 1 → {cpus} | 3.00\u00a0s | " in table
    assert ":class: dropdown" in table
    assert "| variable set before fork | 3.15 s" in table
    assert f"{cpus} processes, 12 products of 500 × 500" in table
    assert "Yet in this build" not in text  # no ratio, no gain to explain


def test_a_late_fork_variable_that_still_ran_faster_is_reported_as_measured():
    import dataclasses

    from parallel_python.core.protocol import ratio_from

    f = fake_fixes(2)
    fork = f.get(ENV_FORK)
    quick = dataclasses.replace(
        fork,
        batch=dataclasses.replace(
            fork.batch, timing=Timing(times=(0.024, 0.075), warmup=0)
        ),
        ratio=ratio_from([2.0, 2.1, 1.9, 2.2, 1.8, 2.05, 2.0, 1.95]),
    )
    text = fixes_summary(
        dataclasses.replace(
            f, fixes=tuple(quick if x.name == ENV_FORK else x for x in f.fixes)
        )
    )
    assert "came too late" in text and "ran 2 BLAS threads each" in text
    assert "Yet in this build they ran 2.00× (" in text
    assert (
        "as fast as no limit, its batches taking from 24.0 ms to 75.0 ms: with the "
        "same threads, how much the "
        "oversubscription cost varied from batch to batch." in text
    )
    slow = dataclasses.replace(quick, ratio=ratio_from([0.9, 1.1, 1.0, 0.95, 1.05]))
    text = fixes_summary(
        dataclasses.replace(
            f, fixes=tuple(slow if x.name == ENV_FORK else x for x in f.fixes)
        )
    )
    assert "Yet in this build" not in text


def test_fixes_sentence_one_cpu_nothing_to_fix():
    text = fixes_summary(fake_fixes(1))
    assert "nothing to fix" in text
    assert "came too late" not in text


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_figures_draw(cpus):
    grid = fake_grid(cpus)
    for fig in (
        plotting_blend.plot_grid(grid),
        plotting_blend.plot_oversubscription(grid),
    ):
        assert_draws(fig)
        assert small_texts(fig) == []
    fixes = fake_fixes(max(cpus, 2))
    assert_draws(plotting_blend.plot_fixes(fixes))


def test_duration_units():
    assert duration(1.5) == "1.50 s"
    assert duration(0.012) == "12.0 ms"
    assert duration(4e-5) == "40.0 µs"
    with pytest.raises(ValueError):
        duration(-1)


def with_cell(grid, p, t, seconds):
    cells = tuple(
        batch(p, t, seconds) if (c.processes, c.threads) == (p, t) else c
        for c in grid.cells
    )
    return Grid(**{**grid.__dict__, "cells": cells})


@pytest.mark.parametrize("cpus", [2, 64])
def test_single_threaded_processes_beyond_the_line(cpus):
    grid = with_cell(fake_grid(cpus), cpus + 1, 1, 0.5 / cpus)
    assert shape(grid.best) == f"{cpus + 1} × 1"
    text = grid_summary(grid)
    assert f"({cpus + 1} × 1) were still faster" in text
    assert "never wait for a partner" in text
    rule = rule_of_thumb(grid)
    assert f"The fastest cell of all, {cpus + 1} × 1, was beyond the line" in rule
    assert "Every cell beyond the line with more than one BLAS thread" in rule


def test_threaded_cell_beyond_the_line_is_called_noise():
    grid = with_cell(fake_grid(2), 2, 2, 0.1)
    text = grid_summary(grid)
    assert "not equally steep everywhere" in text and "noisy" not in text
    assert "measure again" in rule_of_thumb(grid)
    assert "Every cell beyond the line" not in rule_of_thumb(grid)


def test_rule_names_a_busy_machine():
    grid = with_cell(with_cell(fake_grid(2), 1, 2, 3.0), 2, 1, 3.0)
    assert "did not pay at all" in rule_of_thumb(grid)
    cells = tuple(
        batch(1, 1, 1.0, cpu=0.3) if (c.processes, c.threads) == (1, 1) else c
        for c in grid.cells
    )
    busy = Grid(**{**grid.__dict__, "cells": cells})
    assert "count only the CPUs that are really free" in rule_of_thumb(busy)


def test_one_cpu_fixes_agree_in_number():
    text = fixes_summary(fake_fixes(1))
    assert "With 1 process and no limit, the worker ran its BLAS with 1 thread" in text
    assert "1 thread in all on one CPU" in text
    assert "1 threads" not in text and "1 processes" not in text
    assert "every row ran 1 thread per worker" in text
    table = fixes_table(fake_fixes(1))
    assert "1 process, 12 products of 500 × 500" in table


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_busy_cpus_sentence_needs_no_verb_agreement(cpus):
    text = oversubscription_summary(fake_grid(cpus))
    assert "were busy" not in text and "was busy" not in text
    assert "kept busy on average, came to" in text
    assert (
        f"(this build could use {'one CPU' if cpus == 1 else f'{cpus} CPUs'})" in text
    )


def test_one_task_and_one_product_are_singular():
    grid = Grid(**{**fake_grid(2).__dict__, "tasks": 1})
    assert "The batch of 1 product of 500 × 500" in grid_summary(grid)
    assert "in every cell, 1 product." in oversubscription_summary(grid)


def test_shapes_compared_times_show_a_decimal():
    grid = fake_grid(2)
    cells = [
        batch(1, 2, 0.0134) if (c.processes, c.threads) == (1, 2) else c
        for c in grid.cells
    ]
    cells = [
        batch(2, 1, 0.0117) if (c.processes, c.threads) == (2, 1) else c for c in cells
    ]
    g = Grid(**{**grid.__dict__, "cells": tuple(cells)})
    text = shapes_compared(g)
    assert "1 × 2 took 13.4 ms and 2 × 1 took 11.7 ms" in text
    assert "2 × 1 was 1.15 times as fast" in text
    # both in the unit of the longer one
    assert same_unit(1.2, 0.5) == ("1.2 s", "0.5 s")
    assert duration(0.0126) == "12.6 ms"


def test_grid_table_says_what_cpu_and_wall_time_cover():
    table = grid_table(fake_grid(2))
    assert "over the same timed batches as the wall times" in table
    assert f"at least {WARMUP_SECONDS:.1f} s of warm-up" in table


def test_best_cell_of_one_process_has_no_each():
    grid = with_cell(fake_grid(2), 1, 2, 0.1)
    text = grid_summary(grid)
    assert "(1 process with 2 threads, within the CPUs)" in text
    grid = with_cell(fake_grid(2), 2, 1, 0.1)
    assert "(2 processes with 1 thread each, within the CPUs)" in grid_summary(grid)


def test_one_cpu_rule_leaves_the_reference_cell_out_of_the_range():
    grid = with_cell(fake_grid(1), 1, 2, 0.5)  # 1 × 2 at 2.00×, the others 0.40×
    rule = rule_of_thumb(grid)
    assert "the other cells ran at 0.40× to 2.00× the speed of 1 × 1" in rule
    assert "1.00×" not in rule


def test_one_cpu_shapes_compared_says_both_cells_oversubscribe():
    text = shapes_compared(fake_grid(1))
    assert "which had one CPU, both cells asked for more threads" in text
    assert "oversubscription rather than this trade-off" in text
    assert "times as fast" not in text
    for cpus in (2, 64):
        assert "rather than this trade-off" not in shapes_compared(fake_grid(cpus))


def test_oversubscription_extra_cpu_time_is_explained_not_claimed():
    over = oversubscription_summary(fake_grid(2))
    assert "would cost; the page measures the CPU time and the switches" in over
    assert "is spent by threads" not in over


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_fork_row_note_on_1_2_and_64_cpus(cpus):
    note = fork_row_note(fake_fixes(cpus))
    if cpus == 1:
        assert "shows it on a machine with more CPUs" in note
        assert "already used 1 BLAS thread, so every count in it was 1" in note
    else:
        assert note == f'(this is the "{ENV_FORK}" row above: asked 1, seen {cpus})'


def test_fork_row_note_when_the_variable_held():
    import dataclasses

    f = fake_fixes(2)
    rows = tuple(
        dataclasses.replace(
            x, batch=dataclasses.replace(x.batch, threads_in_effect=(1,))
        )
        if x.name == ENV_FORK
        else x
        for x in f.fixes
    )
    assert "held: its workers saw 1" in fork_row_note(
        dataclasses.replace(f, fixes=rows)
    )


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_tables_fit_the_column_with_details_in_a_dropdown(cpus):
    for text in (grid_table(fake_grid(cpus)), fixes_table(fake_fixes(max(cpus, 2)))):
        head = text.splitlines()[0]
        assert head.count("|") - 1 == 5  # five columns, the rest in the dropdown
        assert ":::{admonition}" in text and ":class: dropdown" in text
        assert text.rstrip().endswith(":::")


def _fixes_with(initializer, others):
    """Made-up fixes on 4 CPUs: the initializer's rounds give ``initializer``,
    every other limited row's ``others`` (per-round ratios)."""
    import dataclasses

    from parallel_python.core.protocol import ratio_from

    f = fake_fixes(4)
    fixes = tuple(
        dataclasses.replace(
            x, ratio=ratio_from(initializer if x.name == INITIALIZER else others)
        )
        if x.limit
        else x
        for x in f.fixes
    )
    return dataclasses.replace(f, fixes=fixes)


#: Per-round ratios of a steady fix, and of one too wide to lean on.
STEADY = [2.9, 3.0, 3.0, 3.1, 3.0, 2.95, 3.05]
WIDE = [1.5, 2.0, 3.0, 4.5, 5.0, 2.5, 4.0]


def test_fixes_give_intervals_and_note_the_widest_when_too_wide():
    import dataclasses

    from parallel_python.core.protocol import ratio_from

    steady, wide = ratio_from(STEADY), ratio_from(WIDE)
    f = _fixes_with(WIDE, STEADY)
    text = fixes_summary(f)
    assert f"The 90 % interval of {INITIALIZER} is wider than ±15 %" in text
    assert "take that figure as rough" in text
    assert "the middle 80 % of its rounds ranged from 1.80× to 4.70×" in text
    # every held row too wide: said once, not by listing them all again
    both = dataclasses.replace(
        f,
        fixes=tuple(
            dataclasses.replace(x, ratio=wide) if x.limit else x for x in f.fixes
        ),
    )
    named = [x.name for x in both.fixes if x.limit and x.held]
    assert len(named) >= 3  # else "some of them" could not be tested below
    text = fixes_summary(both)
    assert f"All {len(named)} of those 90 % intervals are wider than ±15 %" in text
    assert "take those figures as rough; the widest, " in text
    # some rows too wide: those are named
    some = dataclasses.replace(
        f,
        fixes=tuple(
            dataclasses.replace(x, ratio=wide if x.name in named[:2] else steady)
            if x.limit
            else x
            for x in f.fixes
        ),
    )
    text = fixes_summary(some)
    assert f"The 90 % intervals of {named[0]} and {named[1]} are wider" in text
    # each row's interval, kept on one line in its narrow cell
    assert "3.00×\u00a0(2.90–\u20603.10)" in fixes_table(f)
    calm = dataclasses.replace(
        f,
        fixes=tuple(
            dataclasses.replace(x, ratio=steady) if x.limit else x for x in f.fixes
        ),
    )
    assert "as rough" not in fixes_summary(calm)


def test_fixes_sentence_with_one_or_two_fixes_that_held():
    import dataclasses

    from parallel_python.core.protocol import ratio_from

    wide = ratio_from([1.5, 2.0, 3.0, 4.5, 5.0, 2.5, 4.0])
    f = fake_fixes(4)
    held = [x.name for x in f.fixes if x.held]
    assert len(held) >= 2

    def keep(names):
        """Only ``names`` hold (the others saw too many threads), all wide."""
        return dataclasses.replace(
            f,
            fixes=tuple(
                dataclasses.replace(x, ratio=wide)
                if x.name in names
                else dataclasses.replace(
                    x, batch=dataclasses.replace(x.batch, threads_in_effect=(9,))
                )
                if x.limit
                else x
                for x in f.fixes
            ),
        )

    one = fixes_summary(keep(held[:1]))
    assert "That run was " in one and "Those runs were" not in one
    two = fixes_summary(keep(held[:2]))
    assert "Both of those 90 % intervals are wider than ±15 %" in two


def test_a_fix_whose_interval_reaches_one_is_not_counted_a_gain():
    text = fixes_summary(_fixes_with([0.94, 2.0, 3.0, 3.4, 2.5, 2.2, 2.9], STEADY))
    assert (
        f"The 90 % interval of {INITIALIZER} reaches down to 1× or below, so this "
        "run cannot tell whether that fix gained anything. " in text
    )
    assert "reaches down to 1×" not in fixes_summary(_fixes_with(STEADY, STEADY))
    # the range of gains leaves out the fix that may have gained nothing
    assert f"Of those, {INITIALIZER} ran" not in text
    assert "Of those, " in text and " ran each 3.00× as fast as the unlimited" in text
    assert "Those runs were" not in text
    everyone_unclear = fixes_summary(_fixes_with([0.94, 3.0, 3.2], [0.9, 2.0, 2.1]))
    assert "The medians of those runs were" in everyone_unclear


def test_a_range_of_gains_that_prints_as_one_figure_is_said_once():
    assert span([2.1, 3.0]) == "2.10× to 3.00×"
    assert span([3.001, 2.999]) == "3.00×" and span([3.0], each=True) == "each 3.00×"
    text = fixes_summary(_fixes_with(STEADY, STEADY))
    assert "Those runs were each 3.00× as fast as the unlimited one" in text
    assert "3.00× to 3.00×" not in text
