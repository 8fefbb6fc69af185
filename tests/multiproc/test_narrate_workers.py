"""Part B′ sentences, from made-up results (also for a platform without fork)."""

from __future__ import annotations

from parallel_python.multiproc import narrate_workers as say
from parallel_python.multiproc.fork_memory import ForkMemory, ReadCost
from parallel_python.multiproc.fork_random import DrawRun, Draws, ForkRandom
from parallel_python.multiproc.pickling import RAN, Attempt, PickledTasks

ERRORS = {"lambda": "PicklingError", "closure": "AttributeError"}


def fake_pickling(methods=("fork", "spawn", "forkserver"), joblib=True):
    attempts = [
        Attempt(
            "pickle.dumps", t, "none", ERRORS.get(t, RAN), "no" if t in ERRORS else ""
        )
        for t in ("function", "lambda", "closure")
    ]
    for m in methods:
        for api in (
            "Pool.map",
            "ProcessPoolExecutor.submit",
            "Process target",
            "Pool initializer",
        ):
            for t in ("function", "lambda", "closure"):
                direct = api in ("Process target", "Pool initializer") and m == "fork"
                out = RAN if t == "function" or direct else ERRORS[t]
                attempts.append(Attempt(api, t, m, out, "" if out == RAN else "no"))
    if joblib:
        attempts += [
            Attempt("joblib.Parallel", t, "loky", RAN, "")
            for t in ("function", "lambda", "closure")
        ]
    return PickledTasks(3, tuple(methods), "3.12.1", joblib, tuple(attempts))


def test_pickling_with_fork():
    r = fake_pickling()
    text = say.pickling_summary(r)
    assert "`PicklingError`" in text and "`AttributeError`" in text
    assert "`Pool.map` and `ProcessPoolExecutor.submit` raised the same errors" in text
    assert "ran with `fork` and failed with `spawn` and `forkserver`" in text
    assert "joblib ran all three" in text
    table = say.pickling_table(r)
    assert "runs with `fork`; `PicklingError` with `spawn` and `forkserver`" in table
    assert "| `pickle.dumps(f)` here | pickles |" in table
    assert "cloudpickle" in table


def test_pickling_without_fork_or_joblib():
    r = fake_pickling(methods=("spawn",), joblib=False)
    text = say.pickling_summary(r)
    assert "failed with every start method tried" in text
    assert "joblib" not in text and "`fork`" not in text
    assert "cloudpickle" not in say.pickling_table(r)


def test_pickling_odd_outcomes_are_reported():
    r = fake_pickling()
    odd = tuple(
        Attempt(a.api, a.task, a.method, RAN, "") if a.api == "Pool.map" else a
        for a in r.attempts
    )
    text = say.pickling_summary(PickledTasks(3, r.methods, "3.12.1", True, odd))
    assert "Not so everywhere" in text and "`Pool.map` ran 6 of its 6 tries" in text
    nothing = tuple(Attempt(a.api, a.task, a.method, RAN, "") for a in r.attempts)
    assert "pickled every kind" in say.pickling_summary(
        PickledTasks(3, r.methods, "3.12.1", True, nothing)
    )


def run(method, legacy, python, spawned):
    return DrawRun(
        method, tuple(Draws(*v) for v in zip(legacy, python, spawned, strict=True))
    )


STREAMS = (0.1, 0.2, 0.3)


def test_fork_random_with_fork():
    r = ForkRandom(
        3,
        2025,
        "fork",
        True,
        (
            run("fork", (0.5,) * 3, (0.1, 0.7, 0.9), STREAMS),
            run("spawn", (0.4, 0.6, 0.8), (0.2, 0.3, 0.4), STREAMS),
        ),
        STREAMS,
    )
    text = say.fork_random_summary(r)
    assert (
        "With `fork`, all 3 drew the same number from NumPy's global generator, "
        "0.500000" in text
    )
    assert "Python's `random` gave 3 different numbers" in text
    assert "With `spawn`, NumPy's global generator gave 3 different numbers" in text
    assert "the same with `fork` and `spawn`" in text and "bug" not in text


def test_fork_random_without_fork():
    r = ForkRandom(
        2,
        1,
        "spawn",
        False,
        (run("spawn", (0.4, 0.6), (0.2, 0.3), STREAMS[:2]),),
        STREAMS[:2],
    )
    text = say.fork_random_summary(r)
    assert "no `fork` start method" in text and "the same with `spawn`" in text


def test_fork_random_bug_is_named():
    r = ForkRandom(
        2,
        1,
        "fork",
        True,
        (run("fork", (0.5, 0.5), (0.5, 0.5), (0.1, 0.1)),),
        (0.1, 0.1),
    )
    text = say.fork_random_summary(r)
    assert "gave all 2 the same number" in text and "a bug" in text


def test_fork_memory_sentences():
    mib = 1 << 20
    m = ForkMemory(
        1_000_000,
        True,
        "",
        (
            ReadCost("list", 34 * mib, mib, 31 * mib),
            ReadCost("array", 34 * mib, mib, mib + 4096),
        ),
        True,
    )
    text = say.fork_memory_summary(m)
    assert "1,000,000 Python ints" in text and "30 MiB" in text and "4 KiB" in text
    assert "unchanged" in text
    broken = ForkMemory(10, True, "", m.reads, False)
    assert "a bug" in say.fork_memory_summary(broken)
    missing = ForkMemory(10, False, "no fork start method", (), True)
    assert "Not measured" in say.fork_memory_summary(missing)
    assert "no fork start method" in say.fork_memory_summary(missing)


def test_error_messages_are_code_so_angle_brackets_show():
    r = fake_pickling()
    message = "Can't pickle local object 'make_scaler.<locals>.scale'"
    attempts = tuple(
        Attempt(a.api, a.task, a.method, a.outcome, message)
        if a.api == "pickle.dumps" and a.task == "closure"
        else a
        for a in r.attempts
    )
    text = say.pickling_summary(PickledTasks(3, r.methods, "3.12.1", True, attempts))
    assert f"(`{message}`)" in text


def test_code_span_fences_backticks():
    assert say.code_span("<lambda>") == "`<lambda>`"
    assert say.code_span("a `b` c") == "``a `b` c``"
    assert say.code_span("`x`") == "`` `x` ``"
