"""Part B: ``forkserver`` pools with preloaded modules, timed in a fresh Python.

``multiprocessing.set_forkserver_preload(names)`` asks the forkserver to
import ``names`` when it starts; every worker forked from it then begins with
them already imported, instead of importing them itself. The list counts only
when the server starts, and a program starts its forkserver once, so the
measurement needs a Python of its own: :func:`run_preloaded_startup` runs

    python -m parallel_python.multiproc.preload --processes 2 --repeats 3

in a subprocess, in a session of its own with a time limit (the whole process
group is killed at the end, so no server or worker outlives it), and reads the
JSON it prints. The program times one untimed first pool (it starts the
server, which imports the modules) and ``repeats`` pools after it, with the
same round as :func:`.costs.run_pool_startup`.

Also here: the text of the warning ``os.fork()`` gives from Python 3.12 in a
process with other threads (:data:`FORK_WARNING`), for the page and its test.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..core.pools import end_process_group
from ..core.timing import Timing
from ..core.validate import positive_float, positive_int
from .costs import PRELOAD, PreloadedStartup, StartupTiming, pool_round

#: What ``os.fork()`` warns (``DeprecationWarning``) from Python 3.12 when it
#: can tell that the process has other threads; ``{pid}`` is the caller's.
FORK_WARNING = (
    "This process (pid={pid}) is multi-threaded, use of fork() may lead to "
    "deadlocks in the child."
)

#: The name of the bar: ``forkserver`` with a preload list.
METHOD = "forkserver + preload"


def measure_here(
    processes: int, repeats: int, modules: Sequence[str] = PRELOAD
) -> dict[str, object]:
    """Set the preload list, then time the first pool and ``repeats`` more.

    Must run in a Python whose forkserver has not started yet (a fresh one):
    raises ``RuntimeError`` otherwise, and ``ValueError`` for a module that
    cannot be imported (the server itself would skip it without a word).
    """
    processes = positive_int("processes", processes)
    repeats = positive_int("repeats", repeats)
    if "forkserver" not in multiprocessing.get_all_start_methods():
        raise ValueError("this platform has no forkserver start method")
    from multiprocessing import forkserver

    if forkserver._forkserver._forkserver_pid is not None:
        raise RuntimeError("the forkserver of this Python already runs")
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ValueError(f"preload: cannot import {name!r} ({exc})") from None
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(modules))
    server_start, _ = pool_round(ctx, processes)
    rounds = [pool_round(ctx, processes) for _ in range(repeats)]
    return {
        "modules": list(modules),
        "server_start": server_start,
        "start": [r[0] for r in rounds],
        "stop": [r[1] for r in rounds],
    }


def stop_forkserver() -> None:
    """End this Python's forkserver and wait for it, so that its CPU time
    (its imports, and the workers it forked and reaped) is counted in this
    process's children's time, and in turn the caller's. Ended with its
    session instead, the server was never reaped: the caller's disturbance
    meter counted its time as other programs', 0.17-0.19 CPUs over
    ``mp-pool-startup``'s 2 s in every build. ``_stop`` is CPython's own
    (private, used by its tests; in 3.11 to 3.13); without it, nothing."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


def run_preloaded_startup(
    processes: int,
    repeats: int = 3,
    modules: Sequence[str] = PRELOAD,
    *,
    timeout: float = 60.0,
) -> PreloadedStartup:
    """Time ``forkserver`` pools with ``modules`` preloaded, in a fresh Python.

    Where there is no ``forkserver`` (Windows), nothing runs and the result
    says so. Raises ``RuntimeError`` if the program fails or outlives
    ``timeout`` seconds.
    """
    processes = positive_int("processes", processes)
    repeats = positive_int("repeats", repeats)
    timeout = positive_float("timeout", timeout)
    modules = tuple(modules)
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return PreloadedStartup(modules, False, None, None)
    args = [sys.executable, "-m", "parallel_python.multiproc.preload"]
    args += ["--processes", str(processes), "--repeats", str(repeats)]
    args += ["--preload", *modules]
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_root, env.get("PYTHONPATH", "")) if p
    )
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        end_process_group(proc)
        proc.communicate()
        raise RuntimeError(
            f"the preload measurement did not finish in {timeout:g} s"
        ) from None
    finally:
        end_process_group(proc)  # the server and anything else left behind
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["no error message"])[-1]
        raise RuntimeError(f"the preload measurement failed: {last}")
    data = json.loads(out.strip().splitlines()[-1])
    timing = StartupTiming(
        METHOD,
        Timing(tuple(float(t) for t in data["start"]), warmup=1),
        Timing(tuple(float(t) for t in data["stop"]), warmup=1),
    )
    return PreloadedStartup(modules, True, float(data["server_start"]), timing)


def main(argv: Sequence[str] | None = None) -> int:
    """The program :func:`run_preloaded_startup` runs: prints one JSON line."""
    parser = argparse.ArgumentParser(
        prog="python -m parallel_python.multiproc.preload",
        description="Time forkserver pools whose server preloads modules.",
    )
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--preload", nargs="*", default=list(PRELOAD))
    args = parser.parse_args(argv)
    try:
        data = measure_here(args.processes, args.repeats, args.preload)
    except (ValueError, RuntimeError) as exc:
        parser.exit(2, f"error: {exc}\n")
    finally:
        stop_forkserver()
    print(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
