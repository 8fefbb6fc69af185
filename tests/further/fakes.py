"""Made-up Going-further results for 1, 2 and 64 CPUs, shared by its tests."""

from __future__ import annotations

import dataclasses

from parallel_python.core.ceiling import Ceiling
from parallel_python.core.timing import Timing
from parallel_python.further.compare_tools import ToolComparison, ToolRun
from parallel_python.further.dask_demo import DaskChunks, DaskCluster
from parallel_python.further.freethreading import FreeThreading
from parallel_python.further.joblib_demo import JoblibRun
from parallel_python.further.mpi_demo import MpiRank, MpiRun, MpiRuns
from parallel_python.further.numba_demo import ONE_THREAD, NumbaCase, NumbaRun
from parallel_python.further.waiting import WaitCase, Waiting
from parallel_python.part1.gil_results import GilScaling, ScalingPoint

PI = 3.141592653589793
CPUS = (1, 2, 64)


def T(*seconds: float) -> Timing:
    return Timing(times=tuple(seconds), warmup=0)


def counted(
    ratio: float, many: tuple[int, int] = (95, 95), *, between: bool = False
) -> Ceiling:
    """A ceiling for 2 CPUs reading ``ratio`` (pinned, 0.4 s of windows),
    counted just before the rounds, or ``between`` them."""
    c = Ceiling(2, 0.4, 100, many, ratio, True, (0, 1), "", 0.05)
    return dataclasses.replace(c, between_rounds=between)


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
        samples=tuple((0.01 * i, min(i, 12) * peak // 12) for i in range(90)),
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

    def case(name, workers, n, ns, over="@njit"):
        return NumbaCase(name, workers, n, T(ns * n / 1e9), PI, over=over)

    # with several threads, parallel=True is timed on one thread too, and
    # compared with itself there
    one = (case(ONE_THREAD, 1, 5_000_000, 2.0),) if cpus > 1 else ()
    over = ONE_THREAD if cpus > 1 else "@njit"

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
            *one,
            case("@njit(parallel=True)", cpus, 5_000_000, 2.0 / t, over),
            case("@njit(nogil=True), threads", cpus, 5_000_000, 2.0 / t),
            case("@njit (GIL held), threads", cpus, 5_000_000, 2.0 / held),
        ),
        exact=PI,
    )


def fake_mpi(cpus: int, busy: float | None = None, noisy: bool = False) -> MpiRuns:
    # six paired rounds; noisy ones swing by ±40 % round to round
    swing = (1.0, 1.4, 0.6, 1.0, 1.4, 0.6) if noisy else (1.0,) * 6

    def run(ranks, seconds):
        return MpiRun(
            ranks=ranks,
            n=600_000,
            value=PI,
            compute=T(*[seconds * f for f in swing]),
            wall_seconds=3.0 + 18 * seconds,  # the launch dominates
            ranks_info=tuple(MpiRank("vm", 100 + i, 24 // ranks) for i in range(ranks)),
            library="MPICH Version: 5.0.2",
            command=f"mpiexec -n {ranks} python -m parallel_python.mpi_demo",
            output="{}",
            serial=T(*[0.15] * 6),
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
            run("MPI (mpi4py)", w, par, 0.5, 9, "mpi4py and an MPI library"),
            run("NumPy", 1, 0.005, 0.0, 4, "NumPy"),
            run("numba @njit", 1, 0.001, 0.3, 6, "numba"),
            run("numba parallel=True", w, 0.001 / min(cpus, w), 0.4, 6, "numba"),
        ),
    )
