"""The parallel-python command, run as a real subprocess."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from parallel_python import catalogue
from parallel_python.cli import main
from parallel_python.core import results
from parallel_python.core.machine import describe

TINY = {
    "numpy-blas-sweep": [
        *("--sizes", "8,16", "--threads", "1,2", "--repeats", "1"),
        *("--budget", "0.01"),
    ],
    "numpy-operations": [
        *("--elements", "100", "--matrix-size", "8", "--repeats", "1"),
        *("--budget", "0.01", "--probe-seconds", "0.01"),
    ],
    "numpy-thread-settings": [],
}


def cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """``parallel-python ARGS`` in this process (fast): exit code and output.

    The command as a real program (its start-up, exit codes, Ctrl-C) is
    tested with :func:`cli_process` below.
    """
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.update(env or {})
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: --help, bad usage
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def cli_process(*args: str) -> subprocess.CompletedProcess:
    """``python -m parallel_python.cli ARGS`` as a separate program."""
    return subprocess.run(
        [sys.executable, "-m", "parallel_python.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_runs_as_a_program(tmp_path):
    name = "numpy-operations"
    done = cli_process("run", name, *TINY[name], "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"{name}.json").is_file()
    assert cli_process("run", "no-such-thing").returncode == 2


def test_every_catalogued_experiment_has_tiny_test_sizes():
    assert set(TINY) <= set(catalogue.names())


def test_machine_text_and_json():
    done = cli("machine")
    assert done.returncode == 0, done.stderr
    assert "CPUs this process may use" in done.stdout
    done = cli("machine", "--json")
    assert json.loads(done.stdout)["logical_cpus"] >= 1


def test_list_names_every_experiment():
    done = cli("list")
    assert done.returncode == 0
    for name in catalogue.names():
        assert name in done.stdout


@pytest.mark.parametrize("command", ["machine", "list", "run", "compare"])
def test_help_on_every_subcommand(command):
    done = cli(command, "--help")
    assert done.returncode == 0
    assert "usage" in done.stdout.lower()


@pytest.mark.parametrize("name", sorted(TINY))
def test_run_writes_json_and_png(tmp_path, name):
    done = cli("run", name, *TINY[name], "--out", str(tmp_path), "--no-progress")
    assert done.returncode == 0, done.stderr
    saved = results.read_json(tmp_path / f"{name}.json")
    assert saved["experiment"] == name
    experiment = catalogue.get(name)
    rebuilt = results.from_data(experiment.result_type, saved["result"])
    assert type(rebuilt) is experiment.result_type
    assert saved["disturbance"]["seconds"] > 0  # every run is metered
    if experiment.plot is not None:
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "no-such-thing"], "unknown experiment 'no-such-thing'"),
        (["run", "numpy-blas-sweep", "--sizes", "-5"], "sizes must be a whole number"),
        (["run", "numpy-blas-sweep", "--repeats", "0"], "repeats must be"),
        (["run", "numpy-blas-sweep", "--sizes", "abc"], "expected whole numbers"),
        (["run", "gil", "--beyond=yes"], "ignored explicit argument"),
        (["run"], "NAME is one of"),
        (["frobnicate"], "invalid choice"),
        (["list", "--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_usage_is_one_clear_line_and_exit_2(args, message):
    done = cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_yes_or_no_option_is_a_flag_with_its_negation():
    from parallel_python.cli import _experiment_parser

    parser = _experiment_parser(catalogue.get("gil"))
    assert parser.parse_args([]).beyond is False  # the book's choice
    assert parser.parse_args(["--beyond"]).beyond is True
    assert parser.parse_args(["--beyond", "--no-beyond"]).beyond is False
    assert "(book: no)" in " ".join(parser.format_help().split())


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A learner's run and a book's run of the same tiny experiment (made once:
    the tests that use them only read them)."""
    name = "numpy-operations"
    root = tmp_path_factory.mktemp("two-runs")
    for folder in ("mine", "book"):
        done = cli(
            "run", name, *TINY[name], "--out", str(root / folder), "--no-progress"
        )
        assert done.returncode == 0, done.stderr
    return root / "mine" / f"{name}.json", root / "book" / f"{name}.json"


def test_compare_two_files(two_runs):
    mine, book = two_runs
    done = cli("compare", str(mine), str(book))
    assert done.returncode == 0, done.stderr
    assert "yours" in done.stdout and "book" in done.stdout
    assert "matrix multiply" in done.stdout
    assert "look alike" in done.stdout  # same machine, same everything


def test_compare_reads_a_whole_book_file(two_runs, tmp_path):
    mine, book = two_runs
    whole = tmp_path / "book-results.json"
    whole.write_text(
        json.dumps(
            {
                "format": results.FORMAT_VERSION,
                "results": {"numpy-operations": json.loads(book.read_text())},
            }
        )
    )
    done = cli("compare", str(mine), str(whole))
    assert done.returncode == 0, done.stderr


def test_compare_defaults_to_the_last_local_build(two_runs, tmp_path):
    mine, book = two_runs
    done = cli(
        "compare", str(mine), env={"PARALLEL_PYTHON_RESULTS_DIR": str(book.parent)}
    )
    assert done.returncode == 0, done.stderr


def test_compare_without_book_results_says_how_to_get_them(two_runs, tmp_path):
    mine, _ = two_runs
    empty = tmp_path / "empty"
    empty.mkdir()
    done = cli(
        "compare", str(mine), cwd=empty, env={"PARALLEL_PYTHON_RESULTS_DIR": str(empty)}
    )
    assert done.returncode == 2
    assert "download book-results.json" in done.stderr


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def envelope(**changes):
    base = results.envelope("numpy-thread-settings", None, describe())
    base["result"] = {
        "variable": "OMP_NUM_THREADS",
        "value": 1,
        "default": 2,
        "from_variable": 1,
        "set_after_import": 2,
        "threadpoolctl": 1,
        "after_threadpoolctl": 2,
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{oops", "not valid JSON"),
        ([1, 2], "not a parallel-python results file"),
        (envelope(format=99), "newer parallel-python"),
        (envelope(experiment="nonsense"), "unknown experiment"),
        (envelope(result={"variable": 3}), "corrupt result"),
    ],
)
def test_compare_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "r.json"
    if content is not None:
        write(path, content)
    good = write(tmp_path / "good.json", envelope())
    done = cli("compare", str(path), str(good))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_compare_refuses_different_experiments(two_runs, tmp_path):
    mine, _ = two_runs
    other = write(tmp_path / "other.json", envelope())
    done = cli("compare", str(mine), str(other))
    assert done.returncode == 2
    assert "compare results of the same experiment" in done.stderr


def test_compare_of_a_folder_is_a_clear_error(tmp_path):
    done = cli("compare", str(tmp_path), str(tmp_path))
    assert done.returncode == 2
    assert "folder" in done.stderr


def _started(pid: int, deadline: float) -> None:
    """Wait until the CLI's ``main()`` runs: it has begun to import NumPy."""
    maps = Path(f"/proc/{pid}/maps")
    if not maps.exists():  # not Linux: give start-up a generous second
        time.sleep(1.0)
        return
    while time.monotonic() < deadline:
        try:
            if "_multiarray_umath" in maps.read_text():
                return
        except (FileNotFoundError, ProcessLookupError):
            return
        time.sleep(0.005)
    raise AssertionError("the CLI did not start within the deadline")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
@pytest.mark.parametrize("after", [0.0, 0.15, 1.0])
def test_ctrl_c_stops_cleanly_and_writes_nothing(tmp_path, after):
    """Ctrl-C at any moment after start-up: exit 130, one line, no file, no child.

    The child gets SIGINT's default handling whatever this process inherited
    (a background job of a non-interactive shell starts with SIGINT ignored).
    """
    child = subprocess.Popen(
        [sys.executable, "-m", "parallel_python.cli", "run", "numpy-blas-sweep"]
        + ["--sizes", "1200", "--threads", "1", "--repeats", "500"]
        + ["--out", str(tmp_path), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        # on SIGABRT, print every thread's stack: where a hang happened
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
    )
    try:
        _started(child.pid, time.monotonic() + 60)
        time.sleep(after)
        workers = psutil.Process(child.pid).children(recursive=True)
        child.send_signal(signal.SIGINT)
        try:
            out, err = child.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # seen once in CI (Python 3.12)
            child.send_signal(signal.SIGABRT)
            out, err = child.communicate(timeout=30)
            raise AssertionError(
                f"the CLI did not stop within 60 s of Ctrl-C; its threads:\n{err}"
            ) from None
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, err
    assert err.strip() == "parallel-python: interrupted; no results written"
    assert "wrote" not in out
    assert not list(tmp_path.iterdir())
    assert not [w for w in workers if w.is_running()]


def test_list_follows_the_reading_order():
    done = cli("list")
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names.index("race") < names.index("numpy-blas-sweep")
    assert names.index("numpy-blas-sweep") < names.index("mp-integration-sweep")
    assert names.index("blend-grid") < names.index("tool-comparison")
    assert sorted(names) == sorted(catalogue.names())


def test_cli_runs_the_grid(tmp_path):
    done = cli(
        *["run", "blend-grid", "--size", "16", "--tasks", "2", "--processes", "1,2"],
        *["--threads", "1", "--repeats", "1", "--out", str(tmp_path), "--no-progress"],
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "blend-grid.png").read_bytes()[:4] == b"\x89PNG"
    bad = cli("run", "blend-grid", "--size", "0", "--out", str(tmp_path))
    assert bad.returncode == 2
    assert "size must be" in bad.stderr


def test_a_ctrl_c_that_python_had_to_ignore_is_raised_again(monkeypatch):
    """A KeyboardInterrupt inside a weakref callback is only reported by
    Python ("Exception ignored in ..."); the CLI's hook raises it again in
    the main thread, so the run stops instead of going on."""
    import gc
    import weakref

    from parallel_python.core.interrupt import keep_ctrl_c

    others = []
    monkeypatch.setattr(sys, "unraisablehook", keep_ctrl_c(others.append))

    class Thing:
        pass

    def interrupted(ref):
        raise KeyboardInterrupt

    thing = Thing()
    ref = weakref.ref(thing, interrupted)
    with pytest.raises(KeyboardInterrupt):
        del thing  # the callback's interrupt is swallowed here...
        gc.collect()
        time.sleep(1.0)  # ...and raised again at the next safe point
    assert ref() is None and others == []

    def failed(ref):
        raise ValueError("not an interrupt")

    other = Thing()
    ref = weakref.ref(other, failed)
    del other
    gc.collect()
    assert [type(u.exc_value) for u in others] == [ValueError]
