"""Going further: the experiments give right answers, clean up, and check input.

Tiny sizes only; no wall-clock thresholds.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import sys
import threading
import time

import psutil
import pytest

from parallel_python.core.machine import available_cpus
from parallel_python.further import (
    compare_tools,
    dask_demo,
    freethreading,
    joblib_demo,
    mpi_demo,
    numba_demo,
    tool_rows,
    waiting,
)
from parallel_python.multiproc.integration import four_over_one_plus_x2, integrate
from tests.fakes import main_thread_calls

#: Helpers that live as long as the interpreter, started once by libraries.
HELPERS = ("resource_tracker", "multiprocessing.forkserver")


def live_children(wait: float = 5.0) -> list[str]:
    """Command lines of this process's children still running (helpers not
    counted), after giving exiting ones up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        alive = []
        for child in psutil.Process(os.getpid()).children(recursive=True):
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    continue
                cmd = " ".join(child.cmdline())
            except psutil.Error:
                continue
            if not any(h in cmd for h in HELPERS):
                alive.append(cmd)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def threads_settle(expected: int, wait: float = 5.0) -> int:
    deadline = time.monotonic() + wait
    while threading.active_count() > expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return threading.active_count()


# --- threads and asyncio -----------------------------------------------------


def test_server_answers_and_stops():
    before = threading.active_count()
    with waiting.local_server(delay=0.001, max_requests=3) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert waiting.fetch(server.url + "/a") == b"/a"
        assert waiting.fetch_all_threads([server.url + "/b", server.url + "/c"], 2) == [
            b"/b",
            b"/c",
        ]
        with pytest.raises(OSError):  # the fourth request is refused
            waiting.fetch(server.url + "/d")
        assert server.served == 3 and server.refused == 1
        url = server.url
    assert threads_settle(before) == before
    with pytest.raises(OSError):  # nobody listens any more
        waiting.fetch(url + "/late")


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_server_process_ends_with_every_start_method(method, monkeypatch):
    import multiprocessing

    from parallel_python.core import config

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setenv(config.START_METHOD_ENV, method)
    with (
        pytest.raises(KeyError, match="inside"),
        waiting.local_server(delay=0.001) as server,
    ):
        assert waiting.fetch(server.url + "/x") == b"/x"
        raise KeyError("inside the block")
    assert live_children() == []


@pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="CPUs cannot be chosen here"
)
def test_server_runs_on_the_cpu_it_is_given():
    cpu = max(os.sched_getaffinity(0))
    with waiting.local_server(delay=0.001, cpu=cpu) as server:
        assert server.cpu == cpu
        assert os.sched_getaffinity(server.pid) == {cpu}
        assert waiting.fetch(server.url + "/x") == b"/x"
    with waiting.local_server(delay=0.001) as server:  # no CPU given
        assert server.cpu is None
        assert os.sched_getaffinity(server.pid) == os.sched_getaffinity(0)


def test_server_refuses_a_cpu_it_may_not_use():
    with (
        pytest.raises(ValueError, match="cpu 100000"),
        waiting.local_server(delay=0.001, cpu=100_000),
    ):
        pass  # pragma: no cover - never started
    assert live_children() == []


@pytest.mark.parametrize(
    ("cpus", "expected"),
    [
        ([], (None, ())),
        ([3], (None, ())),
        ([0, 1], (1, (0,))),
        ([0, 2, 5], (5, (0, 2))),
    ],
)
def test_apart_gives_the_server_the_last_cpu(cpus, expected, monkeypatch):
    monkeypatch.setattr(waiting, "choosable_cpus", lambda: cpus)
    assert waiting.apart() == expected


def test_asyncio_fetch_works_inside_a_running_loop():
    import asyncio

    with waiting.local_server(delay=0.001) as server:
        urls = waiting.urls(server.url, 5)

        async def inside_a_loop():  # like a notebook cell
            return waiting.fetch_all_asyncio(urls, 2)

        answers = asyncio.run(inside_a_loop())
    assert answers == [f"/item/{i}".encode() for i in range(5)]


def test_run_waiting_counts_every_fetch():
    before = threading.active_count()
    pinning_cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()
    w = waiting.run_waiting(
        requests=6, delay=0.001, workers=(1, 3), repeats=1, budget=0.01
    )
    assert w.workers == (1, 3) and len(w.cases) == 4 and w.all_correct
    # every fetch of all six answered; fast ways fetched several times a call
    assert w.served % 6 == 0 and w.served >= 6 * 4 and w.refused == 0
    assert all(c.calls >= 1 for c in w.cases)
    assert any(c.calls > 1 for c in w.cases)  # 6 ms of work, a 50 ms call
    assert w.stop_reason == "budget"
    # where two CPUs or more may be used: the server on the last, alone,
    # and the clients on the others; the caller's CPUs restored after
    assert (w.server_on, w.clients_on) == waiting.apart()
    if hasattr(os, "sched_getaffinity"):
        assert os.sched_getaffinity(0) == set(pinning_cpus)
    assert w.speedup("threads", 1) == 1.0
    assert w.waiting_seconds == pytest.approx(0.006)
    # the CPU time each process used per fetch of them all, read around the
    # timed calls: the client's (this process) and the server's
    for c in w.cases:
        assert c.client_cpu is not None and c.client_cpu > 0
        assert c.server_cpu is not None and c.server_cpu >= 0
    assert threads_settle(before) == before


def _spy(monkeypatch, name: str) -> list:
    """Wrap ``waiting.<name>`` (called as ``fn(cases, **kwargs)``) so each
    call's cases and keyword arguments are recorded; the real one still runs."""
    calls = []
    real = getattr(waiting, name)

    def recording(cases, **kwargs):
        calls.append((cases, kwargs))
        return real(cases, **kwargs)

    monkeypatch.setattr(waiting, name, recording)
    return calls


@pytest.mark.parametrize(
    ("delay", "sized_one_at_a_time"), [(0.001, True), (0.01, False)]
)
def test_a_way_that_waits_long_enough_is_not_sized(
    delay, sized_one_at_a_time, monkeypatch
):
    """Six answers in a row wait 6 x ``delay``: at 60 ms that is long
    enough to time, so one at a time is not sized (a wasted fetch each)."""
    calls = _spy(monkeypatch, "sized_calls")
    w = waiting.run_waiting(
        requests=6, delay=delay, workers=(1, 6), repeats=1, budget=0.01
    )
    given = [name for cases, _ in calls for name in cases]
    alone = {"threads, 1 at a time", "asyncio, 1 at a time"}
    assert (alone <= set(given)) == sized_one_at_a_time
    assert {"threads, 6 at a time", "asyncio, 6 at a time"} <= set(given)
    assert w.all_correct and w.case("threads", 1).calls >= 1
    if not sized_one_at_a_time:
        assert w.case("threads", 1).calls == w.case("asyncio", 1).calls == 1


def test_the_stopping_rule_judges_each_tools_own_speedup(monkeypatch):
    """asyncio's speed-ups are over asyncio one at a time (Waiting.ratio),
    so the rounds stop on those ratios, not on asyncio over threads."""
    calls = _spy(monkeypatch, "measure_paired")
    w = waiting.run_waiting(
        requests=4, delay=0.001, workers=(1, 2, 4), repeats=1, budget=0.01
    )
    [(_, seen)] = calls  # one measurement
    assert seen["baseline"] == "threads, 1 at a time"
    assert seen["against"] == {
        "asyncio, 2 at a time": "asyncio, 1 at a time",
        "asyncio, 4 at a time": "asyncio, 1 at a time",
    }
    assert w.all_correct


def test_cpu_use_per_fetch_is_the_median_call_over_its_fetches(monkeypatch):
    server = iter([1.0, 1.5, 2.0, 2.2, None, 3.0])
    client = iter([10.0, 10.4, 11.0, 11.2, 12.0, 12.9])
    monkeypatch.setattr(waiting.time, "process_time", lambda: next(client))
    use = waiting.CpuUse(lambda: next(server))
    for _ in range(3):
        with use("threads, 10 at a time"):
            pass
    # client: 0.4, 0.2, 0.9 s a call; server: 0.5, 0.2, unreadable
    client_cpu, server_cpu = use.per_fetch("threads, 10 at a time", calls=2)
    assert client_cpu == pytest.approx(0.2)  # median 0.4, over 2 fetches
    assert server_cpu == pytest.approx(0.175)  # median of 0.5 and 0.2, / 2
    assert use.per_fetch("never timed", calls=1) == (None, None)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"requests": 0}, "requests"),
        ({"delay": 0}, "delay"),
        ({"workers": ()}, "workers"),
        ({"workers": (0,)}, "workers"),
        ({"repeats": 0}, "repeats"),
        ({"budget": 0}, "budget"),
    ],
)
def test_run_waiting_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        waiting.run_waiting(**kwargs)


def test_threads_and_asyncio_send_the_same_request():
    """Like with like: both clients send the very same bytes."""
    import asyncio
    import socket

    seen: list[bytes] = []
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        url = f"http://127.0.0.1:{port}/item/3"

        def serve_one() -> None:
            conn, _ = listener.accept()
            with conn:
                data = b""
                while not data.endswith(b"\r\n\r\n"):
                    data += conn.recv(1024)
                seen.append(data)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")

        for client in (waiting.fetch, lambda u: asyncio.run(waiting.fetch_async(u))):
            server = threading.Thread(target=serve_one)
            server.start()
            assert client(url) == b"ok"
            server.join()
    assert len(seen) == 2 and seen[0] == seen[1]
    assert seen[0].startswith(b"GET /item/3 HTTP/1.0\r\n")


def test_coroutine_errors_reach_the_caller():
    async def boom():
        raise KeyError("inside")

    with pytest.raises(KeyError, match="inside"):
        waiting.run_coroutine(boom)


# --- joblib ------------------------------------------------------------------


def test_joblib_answers_memmaps_caches_and_shuts_down():
    j = joblib_demo.run_joblib(
        n=3000,
        jobs=2,
        array_elements=200_000,
        tasks=2,
        cache_delay=0.01,
        repeats=1,
        rounds=2,
        budget=0.01,
        probe_seconds=0.01,
    )
    assert j.values_equal and j.value == integrate(four_over_one_plus_x2, 0, 1, 3000)
    # the ceiling for the 2 workers, counted after each round
    if available_cpus() >= 2:
        assert j.ceiling is not None and j.ceiling.between_rounds
        assert j.ceiling.k == 2 and len(j.ceiling.ratios) >= j.ratio.rounds
    assert j.memmapped_type == "memmap" and j.pickled_type == "ndarray"
    assert j.sums_equal
    assert j.cache_again < j.cache_first  # read back, not slept again
    assert j.workers_before_shutdown >= 1 and j.workers_after_shutdown == 0
    assert j.tasks == 2 and j.memmapped.repeats == 1
    assert j.stop_reason in (
        "budget",
        "extended budget",
        "converged",
    )  # recorded; 2 rounds, 10 ms
    # serial and reused workers paired, round by round
    assert j.ratio is not None and j.ratio.rounds == j.warm.repeats == j.serial.repeats
    assert j.speedup == j.ratio.median
    # every timed call of the reused workers knew when its last task ended
    assert len(j.late) == j.warm.repeats
    assert all(0 <= w < t for w, t in zip(j.late, j.warm.times, strict=True))
    assert j.late_median is not None
    assert live_children() == []


def test_joblib_runs_its_serial_loop_on_the_first_cpu(monkeypatch):
    pinned = _pinned_ways(joblib_demo, monkeypatch)
    in_main = main_thread_calls(monkeypatch, joblib_demo)
    j = joblib_demo.run_joblib(
        n=3000, jobs=2, array_elements=2_000, tasks=2, cache_delay=0.01,
        repeats=1, rounds=2, budget=0.01, probe_seconds=None,
    )  # fmt: skip
    if hasattr(os, "sched_getaffinity"):
        mine = os.sched_getaffinity(0)
        assert dict(pinned) == {"serial": {min(mine)}, "warm": mine}
    assert j.ratio is not None and live_children() == []
    # the value to check against, here; the timed calls in new threads
    assert in_main[0] and len(in_main) >= 3 and not any(in_main[1:])


def test_joblib_waits_are_dropped_when_the_clocks_disagree():
    assert joblib_demo.waits_after_last_task([0.004, 0.0, 0.006]) == (
        0.004,
        0.0,
        0.006,
    )
    assert joblib_demo.waits_after_last_task([0.004, -0.001]) == ()
    assert joblib_demo.waits_after_last_task([]) == ()


def test_the_timed_joblib_calls_split_the_work_as_the_shown_one():
    import inspect

    def default(fn):
        return inspect.signature(fn).parameters["chunks"].default

    assert default(joblib_demo.integrate_joblib_stamped) == default(
        joblib_demo.integrate_joblib
    )
    ends: list[float] = []
    value = joblib_demo.integrate_joblib_stamped(3000, 2, ends)
    assert value == joblib_demo.integrate_joblib(3000, 2) and len(ends) == 1
    joblib_demo.end_loky_workers()


def test_joblib_in_process_and_default_jobs(monkeypatch):
    j = joblib_demo.run_joblib(
        n=3000, jobs=1, array_elements=200_000, tasks=2, cache_delay=0.01, repeats=1
    )
    assert j.in_process and j.values_equal
    assert j.memmapped_type == "ndarray"  # n_jobs=1: no workers, no memory map
    assert j.workers_before_shutdown == 0
    monkeypatch.setattr(joblib_demo, "available_cpus", lambda: 1)
    assert joblib_demo.default_jobs() == 2  # always workers to show
    monkeypatch.setattr(joblib_demo, "available_cpus", lambda: 64)
    assert joblib_demo.default_jobs() == 64
    assert live_children() == []


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n": 0}, "n"),
        ({"jobs": 0}, "jobs"),
        ({"cache_delay": -1}, "cache_delay"),
        ({"probe_seconds": 0.0}, "probe_seconds"),
    ],
)
def test_joblib_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        joblib_demo.run_joblib(**kwargs)


# --- dask --------------------------------------------------------------------


def test_dask_chunks_value_and_memory():
    d = dask_demo.run_dask_chunks(
        n=400_000, chunk=50_000, numpy_n=100_000, budget_bytes=2**30, repeats=1
    )
    assert d.chunks == 8 and d.array_bytes == 3_200_000
    assert d.value == pytest.approx(math.pi, abs=1e-9)
    assert d.numpy_value == pytest.approx(math.pi, abs=1e-9)
    assert d.within_budget


def _pinned_ways(module, monkeypatch) -> list[tuple[str, set[int]]]:
    """Spy on ``module.measure_paired``: each case's CPU set inside the
    context it is timed in (nothing where CPUs cannot be chosen)."""
    seen: list[tuple[str, set[int]]] = []
    if not hasattr(os, "sched_getaffinity"):
        return seen
    real = module.measure_paired

    def spy(cases, **kwargs):
        for name in cases:
            with kwargs["context"](name):
                seen.append((name, os.sched_getaffinity(0)))
        return real(cases, **kwargs)

    monkeypatch.setattr(module, "measure_paired", spy)
    return seen


def test_dask_cluster_runs_reports_and_closes(tmp_path, monkeypatch):
    pinned = _pinned_ways(dask_demo, monkeypatch)
    in_main = main_thread_calls(monkeypatch, dask_demo)
    report = tmp_path / "report.html"
    environ = dict(os.environ)
    c = dask_demo.run_dask_cluster(
        workers=2,
        n=2400,
        array_n=100_000,
        array_chunk=25_000,
        report=report,
        repeats=1,
        rounds=2,
        budget=0.01,
    )
    assert c.value == c.serial_value  # same chunks, same order of addition
    assert c.array_value == pytest.approx(math.pi, abs=1e-8)
    assert len(c.worker_memory) == 2 and c.workers_left == 0
    assert c.stop_reason in ("budget", "extended budget", "converged")
    assert report.is_file() and c.report == "report.html" and c.report_offline
    text = report.read_text(encoding="utf-8")
    assert "Bokeh" in text  # the plotting library is inline, not fetched
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', text)
    assert live_children() == []
    # the nanny's OMP_NUM_THREADS=1 and the rest do not outlive the cluster
    assert dict(os.environ) == environ
    # the serial loop runs on the first CPU, the cluster's calls anywhere
    if hasattr(os, "sched_getaffinity"):
        mine = os.sched_getaffinity(0)
        assert dict(pinned) == {"serial": {min(mine)}, "delayed": mine}
    # and in a new thread at each timed call
    assert in_main[0] and len(in_main) >= 3 and not any(in_main[1:])


@pytest.mark.parametrize(
    ("fn", "kwargs", "name"),
    [
        (dask_demo.run_dask_chunks, {"n": 0}, "n"),
        (dask_demo.run_dask_chunks, {"chunk": -1}, "chunk"),
        (dask_demo.run_dask_cluster, {"workers": 0}, "workers"),
        (dask_demo.run_dask_cluster, {"memory_limit_bytes": 0}, "memory_limit_bytes"),
    ],
)
def test_dask_bad_input(fn, kwargs, name):
    with pytest.raises(ValueError, match=name):
        fn(**kwargs)


# --- numba -------------------------------------------------------------------


def test_numba_versions_agree_and_threads_are_restored(monkeypatch):
    import numba

    from parallel_python.core import pinning

    pools = []

    def spy(threads):  # the real pinned pool, kept to look at afterwards
        pools.append(pinning.pinned_thread_pool(threads))
        return pools[-1]

    monkeypatch.setattr(numba_demo, "pinned_thread_pool", spy)
    before = numba.get_num_threads()
    r = numba_demo.run_numba(
        n=20_000, python_n=2_000, threads=2, repeats=2, budget=0.01
    )
    assert [c.name for c in r.cases][:3] == ["pure Python", "NumPy", "@njit"]
    assert r.max_error < 1e-6
    assert set(r.compile_seconds) == {
        "@njit",
        "@njit(parallel=True)",
        "@njit(nogil=True)",
        "@njit (GIL held)",
    }
    assert r.speedup("pure Python") == 1.0
    assert r.stop_reason in ("budget", "extended budget", "converged")
    # the versions on the same points are paired round by round: with @njit,
    # but parallel=True on 2 threads with itself on one (like with like)
    assert r.case("pure Python").ratio is None
    par = r.case("@njit(parallel=True)")
    one = r.case(numba_demo.ONE_THREAD)
    assert one.workers == 1 and one.over == "@njit" and one.ratio is not None
    assert par.over == numba_demo.ONE_THREAD and par.ratio is r.threads_gain
    assert par.ratio is not None and par.ratio.rounds == par.timing.repeats >= 2
    assert r.speedup("@njit(parallel=True)", numba_demo.ONE_THREAD) == par.ratio.median
    per_round = [a / b for a, b in zip(one.timing.times, par.timing.times, strict=True)]
    assert par.ratio.median == pytest.approx(statistics.median(per_round))
    # against @njit only per point, from the median times
    assert r.speedup("@njit(parallel=True)", "@njit") == pytest.approx(
        r.case("@njit").timing.median / par.timing.median
    )
    assert numba.get_num_threads() == before
    assert r.ceiling is None  # none asked for
    # the Python threads came from one pinned pool, shut down afterwards
    assert len(pools) == 1 and pools[0]._max_workers == 2
    assert pools[0]._shutdown and all(not t.is_alive() for t in pools[0]._threads)


def test_numba_on_one_thread_has_no_separate_one_thread_case():
    r = numba_demo.run_numba(
        n=20_000, python_n=2_000, threads=1, repeats=2, budget=0.01
    )
    names = [c.name for c in r.cases]
    assert numba_demo.ONE_THREAD not in names
    assert r.one_thread == numba_demo.PARALLEL and r.threads_gain is None
    par = r.case(numba_demo.PARALLEL)
    assert par.workers == 1 and par.over == "@njit" and par.ratio is not None
    assert r.speedup(numba_demo.PARALLEL, "@njit") == par.ratio.median


def test_numba_probes_its_ceiling_between_the_compiled_rounds(monkeypatch):
    import multiprocessing

    from parallel_python.core import rests

    monkeypatch.setattr(rests, "sleep", lambda seconds: None)
    r = numba_demo.run_numba(
        n=20_000,
        python_n=2_000,
        threads=2,
        repeats=3,
        budget=0.01,
        probe_seconds=0.01,
    )
    if r.cpus < 2:
        assert r.ceiling is None
        return
    rounds = r.case("@njit").timing.repeats
    assert r.ceiling is not None and r.ceiling.between_rounds
    assert len(r.ceiling.ratios) == rounds  # one pair after each round
    assert "between the rounds" in r.ceiling.note
    assert multiprocessing.active_children() == []


def test_numba_loop_is_plain_python_too():
    h = 1.0 / 1000
    assert numba_demo.midpoint_loop(h, 0, 1000) * h == pytest.approx(math.pi, abs=1e-6)
    assert numba_demo.midpoint_prange(h, 1000) * h == pytest.approx(math.pi, abs=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n": 0}, "n"),
        ({"python_n": 0}, "python_n"),
        ({"threads": 0}, "threads"),
        ({"budget": 0}, "budget"),
    ],
)
def test_numba_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        numba_demo.run_numba(**kwargs)


# --- MPI ---------------------------------------------------------------------


needs_mpi = pytest.mark.skipif(
    bool(mpi_demo.mpi_available()), reason="no MPI here: " + mpi_demo.mpi_available()
)


@needs_mpi
def test_mpi_ranks_agree_with_the_serial_sum():
    m = mpi_demo.run_mpi(ranks=(1, 2), n=2400, repeats=2, budget=0.01, timeout=60)
    serial = integrate(four_over_one_plus_x2, 0, 1, 2400)
    for run in m.runs:  # paired rounds: rank 0 alone and all ranks, in turn first
        assert run.compute.repeats == run.serial.repeats >= 2
        assert run.ratio.rounds == run.compute.repeats
        assert run.stop_reason in ("budget", "extended budget", "converged")
    assert m.speedup(2) == m.ratio(2).median
    assert [r.ranks for r in m.runs] == [1, 2]
    assert m.run(1).value == serial  # one rank adds the chunks as integrate does
    assert m.run(2).value == pytest.approx(serial, rel=1e-14)  # grouped by rank
    two = m.run(2)
    assert len({rank.pid for rank in two.ranks_info}) == 2
    assert sum(rank.chunks for rank in two.ranks_info) == 24
    labelled = json.loads(two.output)["ranks_info"]
    assert all(set(r) == {"host", "pid", "chunks", "cpus", "cpu"} for r in labelled)
    if hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) > 1:
        # one rank runs its two ways on one CPU (the one-worker check); the
        # ranks of a larger launch each on a CPU of its own, rank 0 first
        (alone,) = json.loads(m.run(1).output)["ranks_info"]
        assert alone["cpus"] == 1
        cpus = sorted(os.sched_getaffinity(0))
        assert all(r["cpus"] == 1 for r in labelled)
        assert [r["cpu"] for r in labelled] == cpus[:2]
        # but rank 0 alone, the baseline, runs on the first CPU in every launch
        first = min(os.sched_getaffinity(0))
        for run in m.runs:
            assert json.loads(run.output)["serial_cpus"] == [first]
    assert m.cpus >= 1 and m.ideal >= 1
    assert "mpiexec -n 2" in two.command
    assert live_children() == []


@pytest.mark.parametrize("cpus", [1, 2])
@pytest.mark.parametrize("second", [1.9, 0.6])
def test_a_launch_slower_than_rank_0_alone_is_run_once_more(monkeypatch, cpus, second):
    """On several CPUs, ranks slower together than rank 0 alone by the whole
    interval get one more launch, whatever it reads; the first is kept. On
    one CPU that is what the machine allows, and nothing is run again."""
    from tests.further.fakes import fake_mpi

    slow = fake_mpi(2, busy=0.67)
    later = fake_mpi(2, busy=second)
    queue = {1: [slow.run(1), later.run(1)], 2: [slow.run(2), later.run(2)]}
    asked = []

    def fake_launch(ranks, n, timeout, repeats, budget):
        asked.append(ranks)
        return queue[ranks].pop(0)

    monkeypatch.setattr(mpi_demo, "launch", fake_launch)
    monkeypatch.setattr(mpi_demo, "available_cpus", lambda: cpus)
    m = mpi_demo.run_mpi(ranks=(1, 2), n=100)
    if cpus == 1:
        assert asked == [1, 2] and m.set_aside == ()
        assert m.run(2) is slow.run(2)
    else:
        assert asked == [1, 2, 2]  # one rank alone is never run again
        assert m.set_aside == (slow.run(2),)
        assert m.run(2) is later.run(2)  # kept, even when slow again
    assert mpi_demo.slower_than_alone(slow.run(2), 2)
    assert not mpi_demo.slower_than_alone(slow.run(1), 2)
    assert not mpi_demo.slower_than_alone(fake_mpi(2, busy=1.0).run(2), 2)
    # an interval that reaches 1 is no contradiction
    noisy = fake_mpi(2, busy=0.67, noisy=True).run(2)
    assert noisy.ratio.median < 1 < noisy.ratio.high
    assert not mpi_demo.slower_than_alone(noisy, 2)


def test_a_launch_faster_than_its_cpus_contradicts_the_machine():
    from tests.further.fakes import fake_mpi

    quick = fake_mpi(2, busy=4.4).run(2)  # 4.4x with 2 ranks on 2 CPUs
    assert mpi_demo.faster_than_the_cpus(quick, 2)
    assert mpi_demo.faster_than_the_cpus(fake_mpi(1, busy=1.5).run(2), 1)
    assert not mpi_demo.faster_than_the_cpus(fake_mpi(2).run(2), 2)  # 2.0x
    # a little above the CPUs is what a slower first CPU gives: kept
    assert not mpi_demo.faster_than_the_cpus(fake_mpi(2, busy=2.2).run(2), 2)
    assert mpi_demo.faster_than_the_cpus(fake_mpi(2, busy=2.4).run(2), 2)
    assert not mpi_demo.faster_than_the_cpus(fake_mpi(2, busy=2.0).run(2), 8)
    # an interval that reaches the CPUs is no contradiction
    noisy = fake_mpi(2, busy=2.6, noisy=True).run(2)
    assert noisy.ratio.low <= 2.3 < noisy.ratio.median
    assert not mpi_demo.faster_than_the_cpus(noisy, 2)


def test_launch_checked_runs_a_contradicting_launch_once_more(monkeypatch):
    """The rule every MPI launch follows, the tool table's too."""
    from tests.further.fakes import fake_mpi

    slow, fast = fake_mpi(2, busy=0.67).run(2), fake_mpi(2).run(2)
    queue = [slow, fast]
    monkeypatch.setattr(mpi_demo, "launch", lambda *a: queue.pop(0))
    assert mpi_demo.launch_checked(2, 100, 2, 60, 5, 1.0) == (fast, slow)
    queue[:] = [fast, slow]
    assert mpi_demo.launch_checked(2, 100, 2, 60, 5, 1.0) == (fast, None)
    assert queue == [slow]  # not launched again
    queue[:] = [slow, fast]
    assert mpi_demo.launch_checked(2, 100, 1, 60, 5, 1.0) == (slow, None)
    quick = fake_mpi(2, busy=4.4).run(2)
    queue[:] = [quick, fast]
    assert mpi_demo.launch_checked(2, 100, 2, 60, 5, 1.0) == (fast, quick)


def test_the_tool_tables_mpi_row_is_the_mpi_pages_launch(monkeypatch):
    """One value per build: where the MPI page ran as many ranks as the table
    has workers, on the same points, its launch (and ceiling, and a launch it
    set aside) is the row; otherwise the row launches its own."""
    import dataclasses

    from tests.further.fakes import counted, fake_mpi

    page = fake_mpi(2, busy=1.8)
    aside = fake_mpi(2, busy=0.67).run(2)
    page = dataclasses.replace(page, ceiling=counted(1.9), set_aside=(aside,))
    launched = []

    def launch(ranks, n, *rest):
        launched.append((ranks, n))
        return fake_mpi(2).run(2), None

    monkeypatch.setattr(mpi_demo, "launch_checked", launch)
    monkeypatch.setattr(tool_rows, "ceiling_for", lambda *a: None)
    run, set_aside, ceiling, reused = tool_rows.mpi_row(page.n, 2, 5, 1.0, 0.4, page)
    assert reused and launched == []
    assert run.timing == page.run(2).compute and run.ratio == page.ratio(2)
    assert run.ratio.median == pytest.approx(1.8)
    assert set_aside is aside and ceiling is page.ceiling
    # other points, or more workers than the page's ranks: a launch of its own
    for n, workers in ((page.n + 1, 2), (page.n, 4)):
        run, set_aside, ceiling, reused = tool_rows.mpi_row(
            n, workers, 5, 1.0, 0.4, page
        )
        assert not reused and launched[-1] == (workers, n)
        assert run.ratio.median == pytest.approx(2.0) and set_aside is None
    tool_rows.mpi_row(page.n, 2, 5, 1.0, 0.4, None)  # no page: its own
    assert len(launched) == 3


def test_mpi_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(mpi_demo, "find_mpiexec", lambda: None)
    monkeypatch.setattr(mpi_demo.importlib.util, "find_spec", lambda name: object())
    with pytest.raises(RuntimeError, match="mpiexec"):
        mpi_demo.launch(2, 100)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"ranks": ()}, "ranks"),
        ({"n": 0}, "n"),
        ({"repeats": 0}, "repeats"),
        ({"budget": -1}, "budget"),
    ],
)
def test_mpi_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        mpi_demo.run_mpi(**kwargs)


# --- free threading ----------------------------------------------------------


def test_free_threading_describes_this_interpreter():
    f = freethreading.run_free_threading(
        counts=(1, 2), work=2000, repeats=1, reps=1, budget=0.05
    )
    assert f.python == ".".join(map(str, sys.version_info[:3]))
    assert f.gil_enabled == (
        sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    )
    assert f.is_gil_enabled_exists == hasattr(sys, "_is_gil_enabled")
    assert f.interpreter_pool == freethreading.has_interpreter_pool()
    assert (f.interpreters is None) == (not f.interpreter_pool)
    assert f.gil.counts == (1, 2)
    assert live_children() == []
    again = freethreading.run_free_threading(gil=f.gil)  # Part 1's, not re-run
    assert again.gil is f.gil


@pytest.mark.parametrize(
    ("counts", "cpus", "expected"),
    [
        ((1, 2), 1, 2),
        ((1, 2), 2, 2),
        ((1, 2, 4), 64, 4),
        ((1,), 1, 1),
        ((1, 2, 4), 3, 2),
    ],
)
def test_free_threading_compares_at_least_two(counts, cpus, expected):
    assert freethreading.compared_count(counts, cpus) == expected


def test_free_threading_bad_input():
    with pytest.raises(ValueError, match="work"):
        freethreading.run_free_threading(work=0)


# --- every tool --------------------------------------------------------------


def _dask_phases(monkeypatch) -> list[tuple[list[str], bool]]:
    """Each paired measurement of the tool table: its ways, and whether a
    dask client was alive during it."""
    from distributed import default_client

    seen = []
    real = tool_rows.measure_paired

    def spy(ways, **kwargs):
        try:
            default_client()
            client = True
        except ValueError:
            client = False
        seen.append((sorted(ways), client))
        if hasattr(os, "sched_getaffinity"):  # the baseline on the first CPU
            with kwargs["context"]("pure Python"):
                assert os.sched_getaffinity(0) == {min(os.sched_getaffinity(0))}
        return real(ways, **kwargs)

    monkeypatch.setattr(tool_rows, "measure_paired", spy)
    return seen


def test_tool_comparison_every_tool_gets_pi(monkeypatch):
    seen = _dask_phases(monkeypatch)
    monkeypatch.setattr(compare_tools, "gil_enabled", lambda: False)
    t = compare_tools.run_tool_comparison(
        n=2400,
        workers=2,
        repeats=2,
        budget=0.01,
        mpi=not mpi_demo.mpi_available(),
        call_seconds=0.005,
        probe_seconds=0.1,
    )
    assert t.tools[0] == "pure Python" and "dask (LocalCluster)" in t.tools
    serial = t.run("pure Python").value
    for run in t.runs:
        assert run.value == pytest.approx(math.pi, abs=1e-6), run.tool
        assert run.lines >= 1
    exact_same = ("threads", "multiprocessing Pool", "joblib", "dask (LocalCluster)")
    assert all(t.run(name).value == serial for name in exact_same)
    assert t.speedup("pure Python") == 1.0
    # every other tool is paired with pure Python, round by round
    assert t.run("pure Python").ratio is None and t.rounds >= 2
    apart = ("MPI (mpi4py)", "dask (LocalCluster)")  # phases of their own
    for run in t.runs[1:]:
        assert run.ratio is not None and t.speedup(run.tool) == run.ratio.median
        if run.tool not in apart:
            assert run.ratio.rounds == run.timing.repeats == t.rounds
    dask = t.run("dask (LocalCluster)")
    assert dask.ratio.rounds == dask.timing.repeats >= 2 and dask.startup > 0
    # each process-based tool has a pure-Python run beside it in every round;
    # threads and the compiled tools share one more
    own = [r for r in t.tools if r in compare_tools.PROCESS_BASED and r not in apart]
    assert own == ["multiprocessing Pool", "joblib"]
    assert t.run("pure Python").timing.repeats == (len(own) + 1) * t.rounds
    # the machine's ceiling for the 2 workers, counted between the rounds
    if available_cpus() >= 2:
        assert t.ceiling is not None and t.ceiling.between_rounds
        assert t.ceiling.k == 2 and len(t.ceiling.ratios) >= 2
    else:
        assert t.ceiling is None
    # the rows timed apart: each with a ceiling counted beside it
    own_ceilings = dict(t.apart_ceilings)
    if available_cpus() >= 2:
        assert own_ceilings["dask (LocalCluster)"].between_rounds
        assert (
            t.ceiling_of("dask (LocalCluster)") is own_ceilings["dask (LocalCluster)"]
        )
        if "MPI (mpi4py)" in t.tools:
            assert not own_ceilings["MPI (mpi4py)"].between_rounds  # just before
    else:
        assert own_ceilings == {}
    assert t.ceiling_of("joblib") is t.ceiling
    # an idle dask cluster keeps using CPU: it lives only for dask's rounds
    assert seen[-1] == (["dask (LocalCluster)", "pure Python"], True)
    assert all(not client and "dask (LocalCluster)" not in ways
               for ways, client in seen[:-1])  # fmt: skip
    assert t.tools.index("dask (LocalCluster)") == t.tools.index("joblib") + 1
    # the GIL as the Python that ran the table had it (made up as off here),
    # for its sentences
    assert t.gil_enabled is False
    assert live_children() == []


def test_tool_comparison_bad_budget():
    with pytest.raises(ValueError, match="budget"):
        compare_tools.run_tool_comparison(n=2400, budget=0)
    with pytest.raises(ValueError, match="call_seconds"):
        compare_tools.run_tool_comparison(n=2400, call_seconds=0)


def test_code_lines_skips_docstring_and_comments():
    def f(x):
        """Doc."""
        # a comment
        y = x + 1

        return y

    assert compare_tools.code_lines(f) == 2


def test_package_imports_without_the_optional_tools():
    """No dask, numba or mpi4py: the package and its CLI catalogue still
    import, and the experiments that need them say what to install."""
    import subprocess

    code = """
import sys
for name in ("dask", "distributed", "numba", "mpi4py"):
    sys.modules[name] = None  # import of these now fails
from parallel_python import catalogue
from parallel_python.further import dask_demo, mpi_demo, numba_demo
assert "dask-cluster" in catalogue.names()
for run, word in ((dask_demo.run_dask_chunks, "dask"), (numba_demo.run_numba, "numba")):
    try:
        run()
    except RuntimeError as exc:
        assert "pip install" in str(exc) and word in str(exc), exc
    else:
        raise AssertionError(f"{run.__name__} ran without {word}")
assert "mpi4py" in mpi_demo.mpi_available()
print("ok")
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
