"""Part B, pool start-up with a forkserver preload: measured in a fresh Python
that leaves nothing behind; sentences and figure from made-up results for 1, 2
and 64 processes, and for a platform without forkserver."""

from __future__ import annotations

import multiprocessing

import pytest

from parallel_python import catalogue
from parallel_python.core import results
from parallel_python.core.config import START_METHOD_ENV
from parallel_python.core.machine import describe
from parallel_python.core.style import small_texts
from parallel_python.multiproc import narrate_costs as say
from parallel_python.multiproc import plots
from parallel_python.multiproc import preload as pre
from parallel_python.multiproc.costs import (
    PRELOAD,
    PoolStartup,
    PreloadedStartup,
    StartupTiming,
    run_pool_startup,
)
from tests.drawing import assert_draws
from tests.fakes import fake_timing as t

needs_forkserver = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(),
    reason="no forkserver start method here",
)


def fake_startup(
    processes: int,
    preloaded: PreloadedStartup | None,
    forkserver: float = 0.24,
) -> PoolStartup:
    return PoolStartup(
        processes,
        "fork",
        (
            StartupTiming("fork", t(0.008), t(0.002)),
            StartupTiming("spawn", t(0.5), t(0.02)),
            StartupTiming("forkserver", t(forkserver), t(0.004)),
        ),
        preloaded,
    )


def fake_preloaded(start: float = 0.019) -> PreloadedStartup:
    return PreloadedStartup(
        PRELOAD, True, 0.29, StartupTiming(pre.METHOD, t(start), t(0.003))
    )


NO_FORKSERVER = PreloadedStartup(PRELOAD, False, None, None)


@needs_forkserver
def test_preloaded_pools_are_timed_in_a_fresh_python():
    s = run_pool_startup(processes=1, methods=("forkserver",), repeats=2)
    p = s.preloaded
    assert p is not None and p.available and p.modules == PRELOAD
    assert p.timing is not None and p.timing.method == "forkserver + preload"
    assert p.timing.start.repeats == 2 and p.timing.start.best > 0
    assert p.server_start is not None and p.server_start > 0
    assert multiprocessing.active_children() == []


def test_stopping_the_forkserver_without_cpythons_helper_does_nothing(monkeypatch):
    from multiprocessing import forkserver

    monkeypatch.delattr(type(forkserver._forkserver), "_stop")
    pre.stop_forkserver()  # no error, nothing to call


@needs_forkserver
def test_the_fresh_python_reaps_its_forkserver_before_it_exits():
    """So the server's CPU time reaches the caller's children's time, and
    the caller's disturbance meter does not count it as other programs'."""
    import subprocess
    import sys

    script = (
        "from multiprocessing import forkserver\n"
        "from parallel_python.multiproc import preload\n"
        "preload.main(['--processes', '1', '--repeats', '1', '--preload', 'json'])\n"
        "print(forkserver._forkserver._forkserver_pid)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "None"  # stopped and waited for


def test_no_preload_without_forkserver_among_the_methods():
    s = run_pool_startup(processes=1, methods=("spawn",), repeats=1)
    if "forkserver" in multiprocessing.get_all_start_methods():
        assert s.preloaded is None
    else:
        assert s.preloaded == NO_FORKSERVER


def test_no_preload_when_asked_for_none():
    s = run_pool_startup(processes=1, methods=("spawn",), repeats=1, preload=())
    assert s.preloaded is None


def test_a_platform_without_forkserver_is_recorded(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.delenv(START_METHOD_ENV, raising=False)  # as on Windows
    assert pre.run_preloaded_startup(2, 1) == NO_FORKSERVER
    s = run_pool_startup(processes=1, repeats=1)
    assert [m.method for m in s.methods] == ["spawn"]
    assert s.preloaded == NO_FORKSERVER


@needs_forkserver
def test_a_module_that_does_not_exist_is_an_error():
    with pytest.raises(RuntimeError, match="cannot import 'no_such_module_here'"):
        pre.run_preloaded_startup(1, 1, ("no_such_module_here",))


def test_the_program_rejects_bad_sizes(capsys):
    with pytest.raises(SystemExit) as exc:
        pre.main(["--processes", "0"])
    assert exc.value.code == 2
    assert "processes" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: run_pool_startup(preload=("",)), "preload"),
        (lambda: pre.run_preloaded_startup(0), "processes"),
        (lambda: pre.run_preloaded_startup(1, 0), "repeats"),
        (lambda: pre.run_preloaded_startup(1, 1, timeout=0), "timeout"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("processes", [1, 2, 64])
def test_startup_summary_with_preload(processes):
    text = say.startup_summary(fake_startup(processes, fake_preloaded()))
    who = "one process" if processes == 1 else f"{processes} processes"
    assert f"Starting a pool of {who} until it answered" in text
    assert "`fork` 8.00 ms, `forkserver` 240 ms and `spawn` 500 ms" in text
    assert "at best in 3 tries (medians 8.40 ms, 252 ms and 525 ms)" in text
    assert "`numpy` and `parallel_python.multiproc.tasks`" in text
    assert "a `forkserver` pool took 19.0 ms (median 19.9 ms)" in text
    assert "12.6 times as fast as without the preload" in text
    assert "2.38 times as long as `fork`" in text
    assert "took 290 ms; a program pays that once" in text
    assert "probably" not in text


def test_startup_summary_when_the_preload_gains_nothing():
    text = say.startup_summary(fake_startup(2, fake_preloaded(0.23)))
    assert "about as long as without the preload" in text


def test_startup_summary_without_forkserver():
    s = PoolStartup(
        2, "spawn", (StartupTiming("spawn", t(0.5), t(0.02)),), NO_FORKSERVER
    )
    text = say.startup_summary(s)
    assert "took `spawn` 500 ms at best in 3 tries (median 525 ms)" in text
    assert "This platform has no `forkserver`" in text
    assert "set_forkserver_preload" in text


def test_startup_summary_without_a_preload_run():
    text = say.startup_summary(fake_startup(2, None))
    assert "preload" not in text


@pytest.mark.parametrize(
    "s",
    [
        fake_startup(2, fake_preloaded()),
        fake_startup(2, None),
        PoolStartup(
            1, "spawn", (StartupTiming("spawn", t(0.5), t(0.02)),), NO_FORKSERVER
        ),
    ],
    ids=["preloaded", "not asked", "no forkserver"],
)
def test_figure_headlines_and_round_trip(s, tmp_path):
    fig = plots.plot_pool_startup(s)
    assert_draws(fig)
    assert small_texts(fig) == []
    labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert ("forkserver + preload" in labels) == (s.preloaded is not None)
    headlines = catalogue.get("mp-pool-startup").headlines(s)
    has_timing = s.preloaded is not None and s.preloaded.timing is not None
    assert ("pool start-up, forkserver + preload (s)" in headlines) == has_timing
    path = results.save(tmp_path / "startup.json", "mp-pool-startup", s, describe())
    rebuilt = results.from_data(PoolStartup, results.read_json(path)["result"])
    assert rebuilt == s
