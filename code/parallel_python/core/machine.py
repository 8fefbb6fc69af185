"""What machine is this? The description every measured figure links to.

Everything here works on Linux, macOS and Windows: where a facility is
Linux-only (``os.sched_getaffinity``, ``/proc``), there is a portable
fallback, and the description records which source it used.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import sys
import sysconfig
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Environment variables that steer the thread pools of BLAS and OpenMP.
THREAD_ENV_PREFIXES = ("OMP_", "OPENBLAS_", "MKL_", "VECLIB_", "GOTO_", "BLIS_")
#: Where Linux describes its CPUs (absent on macOS and Windows).
CPUINFO = Path("/proc/cpuinfo")


def available_cpus() -> int:
    """How many CPUs this process may run on (its affinity), at least 1.

    Linux: ``os.sched_getaffinity(0)`` honours ``taskset`` and cgroup cpusets.
    Python 3.13+: ``os.process_cpu_count()`` does the same portably.
    Elsewhere: ``os.cpu_count()``, the machine's logical CPUs.
    """
    return _available_cpus()[0]


def worker_counts(cpus: int, *, max_points: int = 6) -> tuple[int, ...]:
    """Worker (thread or process) counts for a sweep from 1 to twice ``cpus``.

    Powers of two plus ``cpus`` itself. At most ``max_points`` values,
    always keeping 1, ``cpus`` and ``2 * cpus``: the start, the CPU count and
    oversubscription, so a sweep stays short on a 64-core machine.
    """
    from .validate import positive_int

    cpus = positive_int("cpus", cpus)
    max_points = positive_int("max_points", max_points)
    top = 2 * cpus
    counts = {1, cpus, top}
    power = 2
    while power < top:
        counts.add(power)
        power *= 2
    ordered = sorted(counts)
    keep = {1, cpus, top}
    while len(ordered) > max(max_points, len(keep)):
        # drop the middle value furthest from anything we must keep
        droppable = [c for c in ordered if c not in keep]
        ordered.remove(droppable[len(droppable) // 2])
    return tuple(ordered)


def _available_cpus() -> tuple[int, str]:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0))), "os.sched_getaffinity"
    if hasattr(os, "process_cpu_count"):
        count = os.process_cpu_count()
        if count:
            return count, "os.process_cpu_count"
    return max(1, os.cpu_count() or 1), "os.cpu_count"


def _cpu_model() -> str:
    try:
        for line in CPUINFO.read_text(errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            import subprocess

            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
            if out:
                return out
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine() or "unknown"


def _physical_cores() -> int | None:
    try:
        import psutil
    except ImportError:  # psutil is a dependency, but the description survives without
        return None
    return psutil.cpu_count(logical=False)


def _memory_bytes() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except ImportError:  # psutil is a dependency, but the description survives without
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def gil_enabled() -> bool:
    """Is the GIL on in this interpreter? (Always on before free-threaded 3.13.)"""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def free_threaded_build() -> bool:
    """Was this interpreter built free-threaded (PEP 703, ``python3.13t``)?"""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def blas_libraries() -> list[dict[str, object]]:
    """The thread pools NumPy has loaded (BLAS, OpenMP), as threadpoolctl sees them."""
    import numpy  # noqa: F401  (loads the BLAS so threadpoolctl can see it)
    from threadpoolctl import threadpool_info

    keys = (
        "user_api",
        "internal_api",
        "version",
        "num_threads",
        "threading_layer",
        "architecture",
        "prefix",
    )
    return [{k: lib.get(k) for k in keys} for lib in threadpool_info()]


class NoBlasPool(RuntimeError):
    """This NumPy's BLAS has no thread pool that threadpoolctl can see and limit."""


def require_blas_pool(what: str) -> None:
    """Raise :class:`NoBlasPool`, in one line, unless threadpoolctl sees a BLAS
    thread pool (NumPy 2 wheels on macOS 14 or later use Apple Accelerate,
    which it can neither see nor limit)."""
    if any(lib.get("user_api") == "blas" for lib in blas_libraries()):
        return
    raise NoBlasPool(
        f"{what} needs a BLAS thread pool that threadpoolctl can see and limit, "
        "and this NumPy has none (NumPy 2 on macOS 14 or later uses Apple "
        "Accelerate; there, set VECLIB_MAXIMUM_THREADS before NumPy is imported, "
        "a variable Apple does not document)"
    )


def thread_environment() -> dict[str, str]:
    """The environment variables set now that steer BLAS/OpenMP thread pools."""
    return {
        k: v for k, v in sorted(os.environ.items()) if k.startswith(THREAD_ENV_PREFIXES)
    }


@dataclass(frozen=True)
class Machine:
    """A description of the machine and the Python that ran an experiment."""

    cpu_model: str
    logical_cpus: int
    physical_cores: int | None
    available_cpus: int
    available_cpus_source: str
    memory_bytes: int | None
    os: str
    architecture: str
    python_version: str
    python_implementation: str
    gil_enabled: bool
    free_threaded_build: bool
    numpy_version: str
    blas: list[dict[str, object]] = field(default_factory=list)
    thread_environment: dict[str, str] = field(default_factory=dict)
    start_method: str = ""
    measured_at: str = ""

    @property
    def blas_summary(self) -> str:
        """One line per thread pool, e.g. ``openblas 0.3.31 (SkylakeX), 2 threads``."""
        if not self.blas:
            return "none found"
        parts = []
        for lib in self.blas:
            arch = f" ({lib['architecture']})" if lib.get("architecture") else ""
            threads = lib.get("num_threads")
            parts.append(
                f"{lib.get('internal_api')} {lib.get('version')}{arch}, "
                f"{threads} thread{'' if threads == 1 else 's'}"
            )
        return "; ".join(parts)

    @property
    def blas_threads(self) -> int:
        """Threads of the first BLAS library (1 if there is none)."""
        for lib in self.blas:
            if lib.get("user_api") == "blas":
                return int(lib.get("num_threads") or 1)
        return 1

    def rows(self) -> list[tuple[str, str]]:
        """The description as (label, value) pairs, for a table or a terminal."""
        gib = f"{self.memory_bytes / 2**30:.1f} GiB" if self.memory_bytes else "unknown"
        gil = "on" if self.gil_enabled else "off"
        build = "free-threaded build" if self.free_threaded_build else "default build"
        env = (
            ", ".join(f"{k}={v}" for k, v in self.thread_environment.items())
            or "none set"
        )
        return [
            ("CPU", self.cpu_model),
            ("Logical CPUs (os.cpu_count)", str(self.logical_cpus)),
            ("Physical cores", str(self.physical_cores or "unknown")),
            (
                "CPUs this process may use",
                f"{self.available_cpus} (from {self.available_cpus_source})",
            ),
            ("Memory", gib),
            ("Operating system", f"{self.os} ({self.architecture})"),
            (
                "Python",
                f"{self.python_implementation} {self.python_version}, "
                f"GIL {gil} ({build})",
            ),
            ("NumPy", self.numpy_version),
            ("BLAS and thread pools", self.blas_summary),
            ("Thread-steering variables", env),
            ("Multiprocessing start method", self.start_method),
            ("Described at", self.measured_at),
        ]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Machine:
        names = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown machine fields: {', '.join(sorted(unknown))}")
        return cls(**data)  # type: ignore[arg-type]


def describe() -> Machine:
    """Describe this machine and interpreter now."""
    import numpy

    from .config import start_method

    cpus, source = _available_cpus()
    return Machine(
        cpu_model=_cpu_model(),
        logical_cpus=os.cpu_count() or 1,
        physical_cores=_physical_cores(),
        available_cpus=cpus,
        available_cpus_source=source,
        memory_bytes=_memory_bytes(),
        os=platform.platform(terse=True),
        architecture=platform.machine(),
        python_version=platform.python_version(),
        python_implementation=platform.python_implementation(),
        gil_enabled=gil_enabled(),
        free_threaded_build=free_threaded_build(),
        numpy_version=numpy.__version__,
        blas=blas_libraries(),
        thread_environment=thread_environment(),
        start_method=start_method(),
        measured_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
