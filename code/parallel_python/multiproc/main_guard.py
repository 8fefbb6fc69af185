"""Part B: the two classic failures of multiprocessing, shown for real.

Both run in a separate Python (a subprocess) with a time limit, in a session
of their own: when time runs out, the whole process group is killed, so
nothing can hang the caller or outlive the demo. Their output is captured,
never passed through.

* :func:`run_missing_guard` - a script that starts a pool without
  ``if __name__ == "__main__":``. With ``fork`` it works; with ``spawn``
  every worker re-runs the script, which tries to start a pool of its own
  and fails: ``Pool`` keeps replacing the dead workers (until the time
  limit), ``ProcessPoolExecutor`` gives up with ``BrokenProcessPool``.
* :func:`run_interactive_main` - a worker function typed into an interactive
  session (its ``__main__`` is not a file). ``fork`` workers inherit it;
  ``spawn`` workers cannot find it.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.orphans import adopting_orphans, reap_group
from ..core.pools import end_process_group
from ..core.results import find
from ..core.semaphores import no_semaphores_left
from ..core.validate import positive_float

_BOOTSTRAP_ERROR = "An attempt has been made to start a new process"

#: The script without a main guard; {method} and {pool} are filled in.
_UNGUARDED = """\
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

ctx = multiprocessing.get_context({method!r})
print("script runs in", multiprocessing.current_process().name, flush=True)
{pool}
"""

_POOLS = {
    "Pool": "with ctx.Pool(2) as pool:\n    print(pool.map(abs, [-1, -2, -3]))",
    "ProcessPoolExecutor": (
        "with ProcessPoolExecutor(2, mp_context=ctx) as ex:\n"
        "    print(list(ex.map(abs, [-1, -2, -3])))"
    ),
}

#: Set in every demo's environment: the pid of the process that started it.
OWNER_ENV = "PARALLEL_PYTHON_DEMO_OWNER"

#: What a reader types into an interactive Python ({method} filled in).
_INTERACTIVE = """\
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def double(x):
    return 2 * x

ctx = multiprocessing.get_context({method!r})
with ProcessPoolExecutor(2, mp_context=ctx) as ex:
    print(list(ex.map(double, [1, 2, 3])))

"""


@dataclass(frozen=True)
class Demo:
    """One run of a demo script in its own Python."""

    title: str
    method: str
    api: str
    code: str
    finished: bool
    """True if the script ended by itself within the time limit."""
    returncode: int | None
    """The script's exit status (None if it was killed at the time limit)."""
    seconds: float
    stdout: str
    error: str
    """The last line of the error the script ended with ('' if none)."""
    workers_failed: int
    """Workers that died because they tried to start processes while importing."""
    missing_function: bool
    """Did a worker fail to find the function (AttributeError on __main__)?"""
    worker_error: str
    """The first error line a worker printed ('' if none)."""

    @property
    def succeeded(self) -> bool:
        return self.finished and self.returncode == 0 and not self.error


@dataclass(frozen=True)
class Demos:
    timeout: float
    demos: tuple[Demo, ...]

    def get(self, method: str, api: str) -> Demo:
        return find(self.demos, method=method, api=api)


def _last_error(stderr: str) -> str:
    lines = [re.sub(r"^(>>> |\.\.\. )*", "", ln).strip() for ln in stderr.splitlines()]
    lines = [ln for ln in lines if ln]
    for line in reversed(lines):
        if (
            ("Error" in line or "Exception" in line or "BrokenProcessPool" in line)
            and (":" in line)
            and not line.startswith(("File ", "raise ", "^"))
        ):
            return line
    return ""


def _first_worker_error(stderr: str) -> str:
    for line in stderr.splitlines():
        if re.match(r"^(>>> |\.\.\. )*\w+Error:", line):
            return re.sub(r"^(>>> |\.\.\. )*", "", line).strip()
    return ""


def _run(
    args: list[str], *, stdin: str | None, timeout: float, cwd: str
) -> tuple[bool, int | None, float, str, str]:
    """Run ``args`` in a new session; kill its whole process group at ``timeout``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONUNBUFFERED"] = "1"
    env[OWNER_ENV] = str(os.getpid())  # so a leftover check finds its own demos
    start = time.perf_counter()
    # the script's workers, orphans once it ends, are adopted and reaped
    # here, so that their CPU time counts as the book's, not other programs';
    # the semaphores a worker killed while making one abandons are removed
    with no_semaphores_left(), adopting_orphans():
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
            end_process_group(proc)
            out, err = proc.communicate()
        seconds = time.perf_counter() - start
        end_process_group(proc)  # anything the script left behind
        reap_group(proc.pid)
    return finished, proc.returncode if finished else None, seconds, out, err


def _demo(
    title: str, method: str, api: str, code: str, *, interactive: bool, timeout: float
) -> Demo:
    with tempfile.TemporaryDirectory(prefix="pp-demo-") as folder:
        if interactive:
            # -i: an interactive session reading from standard input, as if typed
            args = [sys.executable, "-i"]
            stdin = code
        else:
            script = Path(folder) / "no_guard.py"
            script.write_text(code, encoding="utf-8")
            args = [sys.executable, str(script)]
            stdin = None
        finished, rc, seconds, out, err = _run(
            args, stdin=stdin, timeout=timeout, cwd=folder
        )
    return Demo(
        title=title,
        method=method,
        api=api,
        code=code,
        finished=finished,
        returncode=rc,
        seconds=seconds,
        stdout=out.strip(),
        error=_last_error(err),
        workers_failed=err.count(_BOOTSTRAP_ERROR),
        missing_function="Can't get attribute" in err,
        worker_error=_first_worker_error(err),
    )


def run_missing_guard(timeout: float = 2.0) -> Demos:
    """Run a script without a main guard: ``fork`` + ``Pool``, ``spawn`` + ``Pool``
    and ``spawn`` + ``ProcessPoolExecutor``, each stopped after ``timeout`` s."""
    timeout = positive_float("timeout", timeout)
    cases = (("fork", "Pool"), ("spawn", "Pool"), ("spawn", "ProcessPoolExecutor"))
    available = multiprocessing.get_all_start_methods()  # no fork on Windows
    demos = []
    for method, api in (c for c in cases if c[0] in available):
        code = _UNGUARDED.format(method=method, pool=_POOLS[api])
        demos.append(
            _demo(
                f"no main guard, {method}, {api}",
                method,
                api,
                code,
                interactive=False,
                timeout=timeout,
            )
        )
    return Demos(timeout, tuple(demos))


def run_interactive_main(timeout: float = 20.0) -> Demos:
    """Type a worker function into an interactive Python (fed on standard input)
    and map it with ``fork`` and with ``spawn`` workers."""
    timeout = positive_float("timeout", timeout)
    demos = []
    for method in ("fork", "spawn"):
        if method not in multiprocessing.get_all_start_methods():
            continue  # no fork on Windows
        code = _INTERACTIVE.format(method=method)
        demos.append(
            _demo(
                f"function typed into __main__, {method}",
                method,
                "ProcessPoolExecutor",
                textwrap.dedent(code),
                interactive=True,
                timeout=timeout,
            )
        )
    return Demos(timeout, tuple(demos))
