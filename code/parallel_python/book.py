"""Helpers for the book's pages (a front door, like the CLI).

A measuring cell runs one experiment, then uses these helpers to glue its
numbers and sentences into the prose, record the result for the build's
results file, and show the figure.
"""

from __future__ import annotations

import gc
import inspect
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import provenance
from .core import results
from .core.machine import Machine, describe
from .core.meter import Meter
from .core.sizing import probe_spread
from .core.style import png_bytes

RESULTS_DIR_ENV = "PARALLEL_PYTHON_RESULTS_DIR"

_machine: Machine | None = None


def machine() -> Machine:
    """This machine's description, computed once per kernel."""
    global _machine
    if _machine is None:
        _machine = describe()
    return _machine


def book_root(start: Path | None = None) -> Path:
    """The folder holding ``_config.yml`` above ``start`` (default: the cwd)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file() and (folder / "_toc.yml").is_file():
            return folder
    raise FileNotFoundError(f"no book (_config.yml and _toc.yml) above {here}")


def results_dir() -> Path:
    """Where measuring cells record their results (``_build/results``)."""
    configured = os.environ.get(RESULTS_DIR_ENV)
    if configured:
        return Path(configured)
    return book_root() / "_build" / "results"


def glue(
    name: str,
    value: Any,
    *,
    of: tuple[str, str] | None = None,
    raw: float | None = None,
) -> None:
    """Glue a value for ``{glue:text}``: plain Python types only (a NumPy
    float's repr breaks format specs under ``-W``).

    A measured number names where it came from: ``of`` is (experiment, field),
    ``raw`` the number before formatting. The build then holds one value per
    (experiment, field), which the site tests check across all pages.
    """
    from myst_nb import glue as _glue

    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if not isinstance(value, str | int | float):
        raise TypeError(f"glue {name!r}: use str, int or float, not {type(value)}")
    if of is not None:
        provenance.note_source(name, value, of, raw)
    _glue(name, value, display=False)


def glue_figure(name: str, experiment: str, label: str, fmt: Any = str) -> None:
    """Glue this build's headline figure ``label`` of ``experiment`` (as
    listed on About this build), formatted by ``fmt``, noting its source."""
    from . import catalogue

    entry = catalogue.get(experiment)
    figures = entry.headlines(result(experiment))
    if label not in figures:
        raise ValueError(
            f"{experiment} has no headline figure {label!r}; it has {sorted(figures)}"
        )
    value = figures[label]
    glue(name, fmt(value), of=(experiment, label), raw=value)


def glue_md(name: str, text: str, *, of: Any = None) -> None:
    """Glue a computed sentence or paragraph for ``{glue:md}`` (Markdown).

    A sentence about a measurement names the result it was written from:
    ``of`` is an object :func:`result` returned (or a tuple of them). The
    build then notes which run each sentence came from, and the site tests
    check that every experiment's sentences and numbers come from one run.
    """
    from IPython.display import Markdown
    from myst_nb import glue as _glue

    if not isinstance(text, str):
        raise TypeError(f"glue_md {name!r}: expected text, got {type(text)}")
    for outcome in of if isinstance(of, tuple) else () if of is None else (of,):
        known = _RETURNED.get(id(outcome))
        if known is None or known[1] is not outcome:
            raise ValueError(
                f"glue_md {name!r}: of must be a result that book.result returned, "
                f"not {type(outcome).__name__}"
            )
        provenance.note_source(
            name,
            text,
            (known[0], f"{provenance.SENTENCE} {name}"),
            None,
            run=provenance.fingerprint(outcome),
        )
    _glue(name, Markdown(text), display=False)


def glue_all(prefix: str, values: dict[str, Any]) -> None:
    """Glue each ``key: value`` as ``prefix_key``."""
    for key, value in values.items():
        glue(f"{prefix}_{key}", value)


def record(
    experiment: str,
    result: Any,
    elapsed: float | None = None,
    disturbance: Any = None,
    probe_spread: tuple[float, float] | None = None,
) -> Path:
    """Save one result with the machine description (and the seconds its run
    took, the disturbance meter's reading over it, and a single-core probe's
    spread before and after it), for the build's results file."""
    return results.save(
        results_dir() / f"{experiment}.json",
        experiment,
        result,
        machine(),
        elapsed,
        disturbance,
        probe_spread,
    )


def result(name: str, **sizes: Any) -> Any:
    """This build's result of the catalogued experiment ``name``: one value per build.

    Pages run in the alphabetical order of their paths, not in reading order,
    so the first page to ask runs the experiment (with the catalogue's book
    sizes, changed by ``sizes``) and records it; every later page, and every
    later ask, reads that record. A page that cites another chapter's figure
    therefore shows the same number as that chapter. A record this version
    cannot read (one an older version made) is run and recorded again.
    """
    from . import catalogue

    experiment = catalogue.get(name)
    path = results_dir() / f"{name}.json"
    if path.is_file():
        saved = results.read_json(path)
        try:
            outcome = results.from_data(experiment.result_type, saved["result"])
        except ValueError:
            outcome = None  # recorded by an older version: run it again
        if outcome is not None:
            return _returned(name, outcome)
    kwargs = {option.name: option.default for option in experiment.options}
    # besides its options, a run may take another experiment's result (such
    # as free threading, which reuses the GIL experiment's record)
    accepted = set(kwargs) | set(inspect.signature(experiment.run).parameters)
    unknown = set(sizes) - accepted
    if unknown:
        raise ValueError(f"{name} has no option(s) {sorted(unknown)}")
    kwargs.update(sizes)
    # every run is metered, whether or not the experiment meters itself; a
    # long one is bracketed by a short single-core probe (never beside it)
    long = experiment.seconds >= PROBED_RUN_SECONDS
    before = probe_spread(**PROBE) if long else None
    started = time.perf_counter()
    with Meter() as meter:
        outcome = experiment.run(**kwargs)
    elapsed = time.perf_counter() - started
    if long:  # let the run's own spinning threads (BLAS, numba) go to sleep
        time.sleep(SETTLE_BEFORE_PROBE)
    spread = (before, probe_spread(**PROBE)) if long else None
    record(name, outcome, elapsed, meter.result, spread)
    return _returned(name, outcome)


#: Runs budgeted this long or longer, seconds, are bracketed by a probe.
PROBED_RUN_SECONDS = 1.0
#: The probe: three 8 ms pure-Python loops (:func:`.core.sizing.probe_spread`).
PROBE = {"samples": 3, "seconds": 0.008}
#: Seconds of rest between a run and the probe after it: BLAS and numba keep
#: their threads spinning for a moment after their work, and the probe would
#: read the run's own threads as an unsteady core.
SETTLE_BEFORE_PROBE = 0.05


#: Every result :func:`result` returned in this kernel, by ``id``, with its
#: experiment's name (the object is kept, so an ``id`` is never reused).
_RETURNED: dict[int, tuple[str, Any]] = {}


def _returned(name: str, outcome: Any) -> Any:
    _RETURNED[id(outcome)] = (name, outcome)
    return outcome


def show(fig: Any) -> Any:
    """Display a figure as a PNG image (independent of the plotting backend)."""
    from IPython.display import Image, display

    image = Image(data=png_bytes(fig), format="png")
    display(image)
    return None


#: Code shown in the book fits the column (about 75 monospace characters).
SHOWN_CODE_WIDTH = 72


def narrow_source(source: str, width: int = SHOWN_CODE_WIDTH) -> str:
    """``source`` laid out for the book's column: code re-formatted by ruff
    at ``width``, then comments and docstring lines still too long wrapped."""
    import subprocess
    import sys
    import textwrap

    source = textwrap.dedent(source)
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--line-length", str(width), "-"],
        input=source,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode == 0:
        source = done.stdout
    lines, in_docstring = [], False
    for line in source.rstrip("\n").split("\n"):
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        quotes = stripped.count('"""') + stripped.count("'''")
        if len(line) > width and stripped.startswith("#"):
            body = stripped.lstrip("#").strip()
            lines += textwrap.wrap(
                body,
                width,
                initial_indent=indent + "# ",
                subsequent_indent=indent + "# ",
            )
        elif len(line) > width and (in_docstring or quotes):
            lines += textwrap.wrap(
                stripped, width, initial_indent=indent, subsequent_indent=indent
            )
        else:
            lines.append(line)
        if quotes % 2:
            in_docstring = not in_docstring
    return "\n".join(lines) + "\n"


def show_source(*functions: Any) -> None:
    """Show the source of ``functions`` (worker code from the package) as one
    Python block, narrowed to the column (:func:`narrow_source`)."""
    parts = [narrow_source(inspect.getsource(f)) for f in functions]
    markdown("```python\n" + "\n\n".join(p.rstrip("\n") for p in parts) + "\n```")


def markdown(text: str) -> None:
    """Display Markdown (a table, a computed paragraph)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def build_context(env: dict[str, str] | None = None) -> str:
    """Who built this copy of the book, for "About this build"."""
    env = dict(os.environ if env is None else env)
    when = machine().measured_at
    if env.get("GITHUB_ACTIONS") == "true":
        where = ", ".join(
            v for v in (env.get("RUNNER_OS"), env.get("RUNNER_ARCH")) if v
        )
        repo = env.get("GITHUB_REPOSITORY", "this repository")
        run = env.get("GITHUB_RUN_ID")
        return (
            f"This copy of the book was built and measured by GitHub Actions on a "
            f"hosted runner ({where or 'details not reported'}) for {repo}"
            f"{f', run {run}' if run else ''}, on {when}: the numbers describe "
            f"that runner, a shared virtual machine, not a reader's laptop."
        )
    if env.get("CI"):
        return (
            f"This copy of the book was built and measured by a CI job on {when}: "
            f"the numbers describe the machine that ran the job."
        )
    return (
        f"This copy of the book was built and measured on {when} on the machine "
        f"described below: the computer that built this copy."
    )


def machine_table(m: Machine | None = None) -> str:
    """The machine description as a Markdown table."""
    m = m or machine()
    lines = ["| What | This build |", "|---|---|"]
    lines += [f"| {label} | {value.replace('|', '/')} |" for label, value in m.rows()]
    return "\n".join(lines)


def stop_helpers_at_kernel_shutdown() -> bool:
    """In a Jupyter kernel, stop the interpreter's helper processes when the
    kernel is asked to shut down (:func:`.core.pools.stop_helpers`), so the
    build does not wait for them after each page. Done once per kernel, when
    a page imports this module; returns whether this kernel is now hooked."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - the book's pages run in IPython
        return False
    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return False
    if getattr(kernel, "_parallel_python_hooked", False):
        return True
    from .core.pools import is_loky_tracker, stop_helpers

    do_shutdown = kernel.do_shutdown  # ipykernel's documented hook

    def stop_then_shut_down(restart: bool) -> Any:
        try:
            # as at the interpreter's exit: drop the page's objects first
            # (a shown error's traceback too), so pools and locks nobody uses
            # give their semaphores back themselves
            shell.reset(new_session=False)
            for name in ("last_type", "last_value", "last_traceback", "last_exc"):
                if hasattr(sys, name):
                    setattr(sys, name, None)
            gc.collect()
            stop_helpers()
        except Exception:  # never keep the kernel from shutting down
            logging.getLogger(__name__).warning("helpers not stopped", exc_info=True)
        return do_shutdown(restart)

    kernel.do_shutdown = stop_then_shut_down
    # ipykernel then sends SIGTERM to the kernel's child processes and waits
    # for them; loky's tracker ignores it, so the kernel's manager would kill
    # the kernel after 2.5 s, before joblib's exit handlers ran. Left alone,
    # the tracker ends by itself once the kernel has exited.
    children = getattr(kernel, "_process_children", None)  # ipykernel 6.10+
    if children is not None:
        kernel._process_children = lambda: [
            child for child in children() if not is_loky_tracker(child)
        ]
    kernel._parallel_python_hooked = True
    return True


stop_helpers_at_kernel_shutdown()

# gathered from the other pages (the wrap-up calls book.key_points_markdown)
from .contents import key_points_markdown  # noqa: E402, F401
