"""Sentences for Part B′ (what travels to a worker): pickled task functions,
random numbers after ``fork``, copy-on-write memory.

Each function takes a result and returns Markdown text; tested with made-up
results, also for platforms without ``fork``.
"""

from __future__ import annotations

from ..core.text import and_list, percent, size
from .fork_memory import ForkMemory
from .fork_random import DrawRun, ForkRandom
from .pickling import TASKS, Attempt, PickledTasks

#: The rows of the pickling table: how the function reaches the worker.
_ROWS = ("Pool.map", "ProcessPoolExecutor.submit", "Process target", "Pool initializer")

_TASK_WORDS = {
    "function": "a function at the top level of a module",
    "lambda": "a lambda at the top level of a module",
    "closure": "a closure defined inside a function",
}


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, so that ``<lambda>`` and the like show.

    The fence is one backtick longer than the longest run of backticks inside.
    """
    longest, run = 0, 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _methods(attempts: list[Attempt]) -> str:
    return and_list([f"`{a.method}`" for a in attempts])


def _cell(attempts: list[Attempt]) -> str:
    """What one way did for one kind of function, across start methods."""
    ran = [a for a in attempts if a.ran]
    failed = [a for a in attempts if not a.ran]
    if not attempts:
        return "not tried"
    if not failed:
        return "runs"
    errors = sorted({a.outcome for a in failed})
    error = " or ".join(f"`{e}`" for e in errors)
    if not ran:
        return error
    return f"runs with {_methods(ran)}; {error} with {_methods(failed)}"


def pickling_table(r: PickledTasks) -> str:
    """One row per way of handing a function over, one column per kind."""
    tasks = list(TASKS)
    lines = [
        "| The function travels as | " + " | ".join(tasks) + " |",
        "|---" * (len(tasks) + 1) + "|",
    ]
    rows = [("pickle.dumps", "`pickle.dumps(f)` here")]
    rows += [(api, f"`{api}`") for api in _ROWS]
    if r.joblib:
        rows.append(("joblib.Parallel", "`joblib.Parallel` (cloudpickle)"))
    for api, label in rows:
        cells = []
        for task in tasks:
            attempts = [a for a in r.attempts if a.api == api and a.task == task]
            cell = _cell(attempts)
            if api == "pickle.dumps" and cell == "runs":
                cell = "pickles"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _same_as_pickle(r: PickledTasks, a: Attempt) -> bool:
    return not a.ran and a.outcome == r.pickle_error(a.task)


def pickling_summary(r: PickledTasks) -> str:
    """What could not be pickled, and what that meant for each way, in words."""
    refused = [t for t in TASKS if r.pickle_error(t)]
    if not refused:
        return (
            f"On Python {r.python}, `pickle.dumps` pickled every kind of function, "
            f"which this page does not expect: the table shows what each way did."
        )
    said = []
    for t in refused:
        a = r.get("pickle.dumps", t)
        said.append(
            f"{_TASK_WORDS.get(t, t)} with `{a.outcome}` ({code_span(a.message)})"
        )
    text = f"On Python {r.python}, `pickle.dumps` refused {and_list(said)}. "
    methods = and_list([f"`{m}`" for m in r.methods])
    same, other = [], []
    for api in ("Pool.map", "ProcessPoolExecutor.submit"):
        tried = [a for a in r.attempts if a.api == api and a.task in refused]
        if tried and all(_same_as_pickle(r, a) for a in tried):
            same.append(f"`{api}`")
        else:
            ran = [a for a in tried if a.ran]
            other.append(f"`{api}` ran {len(ran)} of its {len(tried)} tries")
    if same:
        text += (
            f"{and_list(same)} raised the same errors under every start method "
            f"tried ({methods}). "
        )
    if other:
        text += f"Not so everywhere: {and_list(other)} (see the table). "
    for api, role in (
        ("Process target", "the target of a `Process`"),
        ("Pool initializer", "a pool's `initializer`"),
    ):
        tried = [a for a in r.attempts if a.api == api and a.task in refused]
        ran = [m for m in r.methods if any(a.ran for a in tried if a.method == m)]
        failed = [m for m in r.methods if m not in ran]
        if ran and failed:
            text += (
                f"As {role}, they ran with {and_list([f'`{m}`' for m in ran])} "
                f"and failed with {and_list([f'`{m}`' for m in failed])}. "
            )
        elif ran:
            text += f"As {role}, they ran with every start method tried. "
        elif tried:
            text += f"As {role}, they failed with every start method tried. "
    if r.joblib:
        jl = [a for a in r.attempts if a.api == "joblib.Parallel"]
        if jl and all(a.ran for a in jl):
            text += "joblib ran all three kinds."
        else:
            bad = [a.task for a in jl if not a.ran]
            text += f"joblib failed with {and_list(bad)}."
    return text.strip()


def _distinct(values: list[float]) -> int:
    return len(set(values))


def _run_sentence(run: DrawRun) -> str:
    n = len(run.workers)
    legacy = [w.legacy for w in run.workers]
    python = [w.python for w in run.workers]
    if run.legacy_same:
        numpy_part = (
            f"all {n} drew the same number from NumPy's global generator, "
            f"{legacy[0]:.6f}"
        )
    else:
        numpy_part = (
            f"NumPy's global generator gave {_distinct(legacy)} different numbers "
            f"in {n} workers"
        )
    python_part = (
        f"Python's `random` gave {_distinct(python)} different numbers"
        if not run.python_same
        else f"Python's `random` gave all {n} the same number, {python[0]:.6f}"
    )
    return f"With `{run.method}`, {numpy_part}; {python_part}."


def fork_random_summary(r: ForkRandom) -> str:
    """What the workers drew with each start method, and from their own streams."""
    parts = []
    fork = r.get("fork")
    if fork is None:
        parts.append(
            "This platform has no `fork` start method (Windows has only "
            "`spawn`), so no worker here starts as a copy of its parent, and "
            "the copied generator cannot be shown."
        )
    else:
        parts.append(_run_sentence(fork))
    for run in r.runs:
        if run.method != "fork":
            parts.append(_run_sentence(run))
    methods = and_list([f"`{run.method}`" for run in r.runs])
    if r.spawned_reproducible and all(run.spawned_distinct for run in r.runs):
        parts.append(
            f"From its own stream, `SeedSequence({r.seed}).spawn({r.workers})`, "
            f"each worker drew a different number, the same with {methods}, "
            f"and the same as this process draws from those streams."
        )
    else:
        parts.append(
            "From their own streams the workers drew numbers that were "
            "**not** all different and reproducible: a bug."
        )
    return " ".join(parts)


def fork_memory_summary(m: ForkMemory) -> str:
    """How much private memory reading a list and an array cost a forked child."""
    if not m.available:
        return (
            f"Not measured on this machine ({m.reason}): this reading needs "
            f"Linux and the `fork` start method, and the page claims nothing "
            f"from it here."
        )
    lst, arr = m.get("list"), m.get("array")
    text = (
        f"The child that summed the list of {m.elements:,} Python ints (about "
        f"{size(lst.data_bytes)}) gained {size(lst.copied)} of private memory "
        f"while doing it, {percent(lst.copied_fraction)} of the list's size; the "
        f"child that summed a NumPy array of about the same size gained "
        f"{size(arr.copied)} ({percent(arr.copied_fraction)})."
    )
    if m.parent_unchanged:
        text += (
            " Each child then wrote to its copy of the data; the parent's list "
            "and array were unchanged."
        )
    else:
        text += " The parent's data changed after a child wrote to it: **a bug**."
    return text
