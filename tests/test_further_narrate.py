"""Going further: sentences and figures from made-up results for 1, 2 and 64
CPUs, and every result survives a round trip through JSON."""

from __future__ import annotations

import json

import pytest

from parallel_python import narrate_further as nf
from parallel_python import plotting_further as pf
from parallel_python import results
from parallel_python.compare_tools import ToolComparison, ToolRun
from parallel_python.dask_demo import DaskChunks, DaskCluster
from parallel_python.freethreading import FreeThreading
from parallel_python.gil import GilScaling, ScalingPoint
from parallel_python.joblib_demo import JoblibRun
from parallel_python.mpi_demo import MpiRank, MpiRun, MpiRuns
from parallel_python.numba_demo import NumbaCase, NumbaRun
from parallel_python.timing import Timing
from parallel_python.waiting import WaitCase, Waiting

PI = 3.141592653589793
CPUS = (1, 2, 64)


def T(*seconds: float) -> Timing:
    return Timing(times=tuple(seconds), warmup=0)


def fake_waiting(cpus: int) -> Waiting:
    def case(tool, k, t):
        return WaitCase(tool, k, T(t, t * 1.1), True)

    return Waiting(
        requests=100,
        delay=0.005,
        cpus=cpus,
        workers=(1, 10, 100),
        cases=(
            case("threads", 1, 0.6),
            case("threads", 10, 0.07),
            case("threads", 100, 0.05),
            case("asyncio", 1, 0.62),
            case("asyncio", 10, 0.066),
            case("asyncio", 100, 0.02),
        ),
        served=1_200,
        refused=0,
    )


def fake_joblib(
    cpus: int, *, jobs: int | None = None, memmap: float = 0.01
) -> JoblibRun:
    jobs = max(2, cpus) if jobs is None else jobs
    scale = min(cpus, 2) * 0.9
    return JoblibRun(
        n=600_000,
        jobs=jobs,
        cpus=cpus,
        serial=T(0.15, 0.16),
        cold=1.2,
        warm=T(0.15 / scale, 0.17 / scale),
        value=PI,
        serial_value=PI,
        exact=PI,
        array_bytes=16_000_000,
        tasks=8,
        memmapped_type="memmap" if jobs > 1 else "ndarray",
        pickled_type="ndarray",
        memmapped=T(memmap, memmap * 1.1, memmap * 1.2),
        pickled=T(0.1, 0.11, 0.12),
        sums_equal=True,
        cache_first=0.2,
        cache_again=0.0003,
        cache_delay=0.2,
        workers_before_shutdown=jobs if jobs > 1 else 0,
        workers_after_shutdown=0,
    )


def fake_chunks(cpus: int, peak: int = 60 * 2**20) -> DaskChunks:
    return DaskChunks(
        n=40_000_000,
        chunk=1_000_000,
        chunks=40,
        array_bytes=320_000_000,
        budget_bytes=256 * 2**20,
        threads=cpus,
        value=PI,
        exact=PI,
        timing=T(0.3),
        peak_bytes=peak,
        numpy_n=5_000_000,
        numpy_value=PI,
        numpy_timing=T(0.03),
        numpy_peak_bytes=120_000_000,
    )


def fake_cluster(cpus: int, delayed: float = 0.2) -> DaskCluster:
    return DaskCluster(
        workers=cpus,
        threads_per_worker=1,
        memory_limit_bytes=512 * 2**20,
        start_seconds=1.5,
        close_seconds=0.3,
        array_n=4_000_000,
        array_chunk=1_000_000,
        array_value=PI,
        array_timing=T(0.2),
        n=600_000,
        value=PI,
        serial_value=PI,
        serial=T(0.15),
        delayed_timing=T(delayed / min(cpus, 2)),
        worker_memory=(70_000_000,) * cpus,
        report="dask-performance-report.html",
        report_bytes=1_700_000,
        report_offline=True,
        workers_left=0,
    )


def fake_numba(cpus: int, held: float = 1.0) -> NumbaRun:
    t = min(cpus, 2)

    def case(name, workers, n, ns):
        return NumbaCase(name, workers, n, T(ns * n / 1e9), PI)

    return NumbaRun(
        python_n=600_000,
        n=5_000_000,
        cpus=cpus,
        threads=cpus,
        compile_seconds={
            "@njit": 0.2,
            "@njit(parallel=True)": 0.4,
            "@njit(nogil=True)": 0.06,
            "@njit (GIL held)": 0.06,
        },
        threading_layer="omp",
        numba_version="0.68.1",
        cases=(
            case("pure Python", 1, 600_000, 120.0),
            case("NumPy", 1, 5_000_000, 10.0),
            case("@njit", 1, 5_000_000, 2.0),
            case("@njit(parallel=True)", cpus, 5_000_000, 2.0 / t),
            case("@njit(nogil=True), threads", cpus, 5_000_000, 2.0 / t),
            case("@njit (GIL held), threads", cpus, 5_000_000, 2.0 / held),
        ),
        exact=PI,
    )


def fake_mpi(cpus: int, busy: float | None = None) -> MpiRuns:
    def run(ranks, seconds):
        return MpiRun(
            ranks=ranks,
            n=600_000,
            value=PI,
            compute=T(seconds),
            wall_seconds=seconds + 0.5,
            ranks_info=tuple(MpiRank("vm", 100 + i, 24 // ranks) for i in range(ranks)),
            library="MPICH Version: 5.0.2",
            command=f"mpiexec -n {ranks} python -m parallel_python.mpi_demo",
            output="{}",
        )

    most = min(cpus, 2) if busy is None else busy
    runs = (run(1, 0.15), run(2, 0.15 / most))
    return MpiRuns(n=600_000, exact=PI, cpus=cpus, runs=runs)


def fake_ft(cpus: int, *, free: bool, gil: bool, interp: bool = False) -> FreeThreading:
    k = (1, 2)
    speed = 1.9 if not gil and cpus > 1 else 0.95
    scaling = GilScaling(
        counts=k,
        work=300_000,
        task_seconds=0.02,
        wait_seconds=0.02,
        cpus=cpus,
        switch_interval=0.005,
        gil_enabled=gil,
        start_method="fork",
        threads_cpu=tuple(ScalingPoint(c, T(0.02 * c), T(0.02 * c / speed)) for c in k),
        processes_cpu=(),
        threads_wait=tuple(ScalingPoint(c, T(0.02 * c), T(0.02)) for c in k),
    )
    return FreeThreading(
        python="3.14.0" if free or interp else "3.11.7",
        implementation="CPython",
        free_threaded_build=free,
        gil_enabled=gil,
        is_gil_enabled_exists=free or interp,
        python_gil_variable="",
        interpreters_module=interp,
        interpreter_pool=interp,
        cpus=cpus,
        gil=scaling,
        interpreters=ScalingPoint(2, T(0.04), T(0.021)) if interp else None,
    )


def fake_tools(cpus: int) -> ToolComparison:
    w = min(cpus, 2) if cpus < 64 else 64

    def run(tool, workers, seconds, startup=0.0, lines=3, needs="Python"):
        return ToolRun(tool, workers, T(seconds), startup, PI, lines, needs)

    par = 0.15 / (0.9 * min(cpus, w))
    return ToolComparison(
        n=600_000,
        workers=w,
        cpus=cpus,
        runs=(
            run("pure Python", 1, 0.15),
            run("threads", w, 0.155),
            run("multiprocessing Pool", w, par, 0.02),
            run("joblib", w, par * 1.1, 1.2, 4, "joblib"),
            run("dask (LocalCluster)", w, par * 1.5, 1.5, 5, "dask[distributed]"),
            run("MPI (mpi4py)", w, par, 0.5, 9, "mpi4py and an MPI library (mpich)"),
            run("NumPy", 1, 0.005, 0.0, 4, "NumPy"),
            run("numba @njit", 1, 0.001, 0.3, 6, "numba"),
            run("numba parallel=True", w, 0.001 / min(cpus, w), 0.4, 6, "numba"),
        ),
    )


@pytest.mark.parametrize("cpus", CPUS)
def test_waiting_summary(cpus):
    text = nf.waiting_summary(fake_waiting(cpus))
    assert "100 threads" in text and "100 asyncio tasks" in text
    if cpus < 12:  # 12× on fewer CPUs: more than computing could give
        assert "waiting takes no CPU" in text
    else:
        assert "no more than 64 CPUs" in text
    assert "asyncio was the faster" in text
    assert "wrong" not in text


@pytest.mark.parametrize("cpus", CPUS)
def test_waiting_floor(cpus):
    w = fake_waiting(cpus)
    text = nf.waiting_floor(w)
    assert text.startswith("With 100 requests, an answer after 5.0 ms and 100 threads")
    assert "cannot finish faster than about 5.0 ms" in text
    assert "took 50 ms: 10.0 times that floor." in text
    few = Waiting(
        **{**w.__dict__, "workers": (1, 10), "cases": w.cases[:2] + w.cases[3:5]}
    )
    assert "10 waves, 10 at a time" in nf.waiting_floor(few)
    assert "about 50 ms" in nf.waiting_floor(few)
    assert "close to that floor" in nf.waiting_floor(few)


def test_waiting_numbers_have_separators():
    w = fake_waiting(2)
    big = Waiting(**{**w.__dict__, "requests": 1_000})
    assert "the 1,000 requests" in nf.waiting_summary(big)
    assert "With 1,000 requests" in nf.waiting_floor(big)


@pytest.mark.parametrize("cpus", CPUS)
def test_joblib_summary(cpus):
    j = fake_joblib(cpus)
    start = nf.joblib_start(j)
    assert f"starting {max(2, cpus)} worker processes" in start
    assert ("more than the one CPU" in start) == (cpus == 1)
    assert ("nothing could run side by side" in start) == (cpus == 1)
    assert "last bit" in start
    memmap = nf.joblib_memmap(j)
    assert "`memmap`" in memmap and "`ndarray`" in memmap and "shared memory" in memmap
    assert "Sending it to 8 tasks" in memmap and "best of 3 each" in memmap
    assert "the memory map was 10.00× as fast" in memmap
    shutdown = nf.joblib_shutdown(j)
    assert f"{max(2, cpus)} reusable workers were waiting" in shutdown
    assert shutdown.endswith("shutdown(wait=True)`, 0.")
    assert "read back from disk" in nf.joblib_cache(j)
    text = nf.joblib_summary(j)
    assert start in text and memmap in text and shutdown in text
    slower = nf.joblib_memmap(fake_joblib(cpus, memmap=0.2))
    assert "pickling was faster here (2.00× as fast)" in slower
    same = nf.joblib_memmap(fake_joblib(cpus, memmap=0.1))
    assert "about the same here" in same


@pytest.mark.parametrize("cpus", CPUS)
def test_joblib_in_process(cpus):
    j = fake_joblib(cpus, jobs=1)
    assert "ran every task in this process" in nf.joblib_start(j)
    assert "worker process" not in nf.joblib_start(j)
    memmap = nf.joblib_memmap(j)
    assert "nothing was copied or mapped" in memmap and "shared memory" not in memmap
    shutdown = nf.joblib_shutdown(j)
    assert "0 reusable workers were" in shutdown and "had started none" in shutdown
    one = nf.joblib_shutdown(
        JoblibRun(**{**fake_joblib(cpus).__dict__, "workers_before_shutdown": 1})
    )
    assert "1 reusable worker was waiting" in one


@pytest.mark.parametrize("cpus", CPUS)
def test_dask_sentences(cpus):
    chunks = nf.dask_chunks_summary(fake_chunks(cpus))
    assert "well inside the 256 MiB budget" in chunks
    assert (f"on {cpus} thread" in chunks) and ("1 threads" not in chunks)
    assert "one run: 300 ms" in chunks and "best of" not in chunks
    three = DaskChunks(**{**fake_chunks(cpus).__dict__, "timing": T(0.3, 0.33, 0.36)})
    assert "best of 3: 300 ms, spread 20 %" in nf.dask_chunks_summary(three)
    assert "8 chunks' worth" in nf.chunks_held(fake_chunks(cpus))
    assert "1 chunk's worth" in nf.chunks_held(fake_chunks(cpus, peak=8_000_000))
    assert "only the chunks being worked on" in nf.chunks_held(fake_chunks(cpus))
    over = nf.dask_chunks_summary(fake_chunks(cpus, peak=300 * 2**20))
    assert "most of the array" in nf.chunks_held(fake_chunks(cpus, peak=300 * 2**20))
    assert "more than the 256 MiB budget" in over
    slow = nf.dask_cluster_summary(fake_cluster(cpus, delayed=2.0))
    assert "more than it saves" in slow
    fast = nf.dask_cluster_summary(fake_cluster(cpus, delayed=0.1))
    if cpus == 1:
        assert "dask pays off" in fast
    else:
        assert "as fast as one process" in fast and "dask pays off" not in fast
    if cpus == 1:
        assert "(1 worker process, with one thread)" in fast
    else:
        assert f"({cpus} worker processes, one thread each)" in fast
    assert "The workers stopped" in fast


@pytest.mark.parametrize("cpus", CPUS)
def test_numba_summary(cpus):
    text = nf.numba_summary(fake_numba(cpus))
    assert "60 times as fast per point as pure Python" in text
    if cpus == 1:
        assert "nothing to gain here" in text
    else:
        assert f"On {cpus} threads" in text
        assert "the threads took turns" in text
    no_worse = nf.numba_summary(fake_numba(cpus, held=2.0))
    if cpus > 1:
        assert "no worse this time" in no_worse


@pytest.mark.parametrize("cpus", CPUS)
def test_mpi_summary(cpus):
    text = nf.mpi_summary(fake_mpi(cpus))
    assert "With 2 ranks" in text and "last bit" in text
    assert "starting 2 Python processes" in text
    if cpus == 1:
        assert "about as fast as 1 rank" in text
        assert "could only take turns" in text and "busy" not in text
    else:
        assert "as fast as 1 rank" in text and "about" not in text
        assert "close to the ideal 2.00×" in text
        busy = nf.mpi_summary(fake_mpi(cpus, busy=0.94))
        assert "about as fast as 1 rank (0.94×)" in busy
        assert "The ideal on" in busy and "probably busy" in busy


def test_mpi_one_rank_only():
    m = fake_mpi(2)
    one = MpiRuns(n=m.n, exact=m.exact, cpus=2, runs=m.runs[:1])
    text = nf.mpi_summary(one)
    assert "With 1 rank," in text and "1 Python process " in text
    assert "ideal" not in text


@pytest.mark.parametrize("cpus", CPUS)
def test_free_threading_summary_is_honest(cpus):
    standard = nf.free_threading_summary(fake_ft(cpus, free=False, gil=True))
    assert "a standard build" in standard
    assert "were not measured here" in standard
    free = nf.free_threading_summary(fake_ft(cpus, free=True, gil=False, interp=True))
    assert "free-threaded build" in free and "GIL off" in free
    assert "subinterpreters" in free and "not measured" not in free
    back_on = nf.free_threading_summary(fake_ft(cpus, free=True, gil=True))
    assert "switched back on" in back_on
    if cpus == 1:
        assert "2 pure-Python tasks in 2 threads at 0.95×" in standard
        assert "cannot show it" in standard and "1 thread" not in standard
        assert "In 2 subinterpreters" in free
    else:
        assert "let one of them run at a time" in standard
        assert "could use several CPUs" in free


@pytest.mark.parametrize("cpus", CPUS)
def test_tools_table_and_summary(cpus):
    t = fake_tools(cpus)
    table = nf.tools_table(t)
    assert table.count("\n") == 1 + len(t.runs)
    assert "| pure Python | 1 |" in table and "1.00×" in table
    text = nf.tools_summary(t)
    assert f"On {'one CPU' if cpus == 1 else f'{cpus} CPUs'}" in text
    assert "numba" in text and "make the serial code fast" in text
    assert "any number of workers" not in text
    if cpus == 1:
        assert "nothing to run side by side" in text
        assert "more than the 1 worker measured here" in text
    else:
        assert "near the ideal" in text
        assert f"more than the {t.workers} workers measured here" in text


def test_workers_can_beat_a_fast_serial_loop():
    t = fake_tools(64)
    runs = tuple(
        ToolRun(x.tool, x.workers, T(0.0005), x.startup, PI, x.lines, x.needs)
        if x.tool == "multiprocessing Pool"
        else x
        for x in t.runs
    )
    text = nf.tools_summary(ToolComparison(t.n, t.workers, t.cpus, runs))
    assert "Here pure Python on 64 workers (multiprocessing Pool, 300.00×)" in text
    assert "make the serial code fast first" in text


@pytest.mark.parametrize("cpus", CPUS)
def test_figures_draw(cpus):
    for fig in (
        pf.plot_waiting(fake_waiting(cpus)),
        pf.plot_numba(fake_numba(cpus)),
        pf.plot_tools(fake_tools(cpus)),
    ):
        assert fig.axes and fig.axes[0].get_xlabel()


@pytest.mark.parametrize(
    ("cls", "value"),
    [
        (Waiting, fake_waiting(2)),
        (JoblibRun, fake_joblib(2)),
        (DaskChunks, fake_chunks(2)),
        (DaskCluster, fake_cluster(2)),
        (NumbaRun, fake_numba(2)),
        (MpiRuns, fake_mpi(2)),
        (FreeThreading, fake_ft(2, free=False, gil=True)),
        (FreeThreading, fake_ft(2, free=True, gil=False, interp=True)),
        (ToolComparison, fake_tools(2)),
    ],
)
def test_results_round_trip(cls, value):
    data = json.loads(json.dumps(results.to_data(value)))
    assert results.from_data(cls, data) == value


def test_slow_parallel_loops_are_explained():
    r = fake_numba(2)
    slow = NumbaCase("@njit(parallel=True)", 2, r.n, T(3.0 * r.n / 1e9), PI)
    cases = tuple(slow if c.name == slow.name else c for c in r.cases)
    text = nf.numba_summary(
        NumbaRun(**{**r.__dict__, "cases": cases})  # type: ignore[arg-type]
    )
    assert "slowest thread" in text
    t = fake_tools(2)
    runs = tuple(
        ToolRun(x.tool, x.workers, T(0.01), x.startup, PI, x.lines, x.needs)
        if x.tool == "numba parallel=True"
        else x
        for x in t.runs
    )
    text = nf.tools_summary(ToolComparison(t.n, t.workers, t.cpus, runs))
    assert "slower than its serial loop" in text
