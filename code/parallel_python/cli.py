"""``parallel-python``: run the book's experiments on your own machine.

    parallel-python machine            describe this machine
    parallel-python list               the experiments, their chapters and run times
    parallel-python run NAME [...]     run one, write NAME.json and NAME.png
    parallel-python compare MINE.json [BOOK.json]
                                       set your results beside the book's
    parallel-python drift FIRST SECOND two builds' results: what moved

Exit codes: 0 success, 1 the experiment failed, 2 bad usage or bad input,
3 this machine lacks what the experiment needs (a BLAS thread pool that
threadpoolctl can limit), 130 interrupted.
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .core import results
from .core.interrupt import CtrlC, caused_by_ctrl_c, keep_ctrl_c, stop_children
from .core.machine import Machine, NoBlasPool, describe
from .core.meter import Meter
from .core.progress import Progress

if TYPE_CHECKING:
    from .catalogue import Experiment

# The experiments (NumPy, matplotlib, ...) are imported inside main(), so that
# Ctrl-C while they load is handled like Ctrl-C during a run.

BOOK_RESULTS_FILE = "book-results.json"


class UsageError(Exception):
    """Bad input from the command line: reported in one line, exit code 2."""


# --- option parsing ---------------------------------------------------------


def _parse_ints(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, got {text!r}"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    return values


_KINDS = {"int": int, "float": float, "str": str, "ints": _parse_ints}


def _experiment_parser(experiment: Experiment) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"parallel-python run {experiment.name}",
        description=f"Run the experiment {experiment.name!r} from the chapter "
        f"{experiment.chapter!r}, with the book's sizes unless you give others.",
    )
    for option in experiment.options:
        default = option.default
        shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
        how: dict[str, Any] = {"type": _KINDS.get(option.kind)}
        if option.kind == "bool":  # --name / --no-name
            how = {"action": argparse.BooleanOptionalAction}
            shown = "yes" if default else "no"
        parser.add_argument(
            "--" + option.name.replace("_", "-"),
            dest=option.name,
            default=default,
            help=option.help if default is None else f"{option.help} (book: {shown})",
            **how,
        )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        help="folder for NAME.json and NAME.png (default: results)",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="do not show the elapsed time"
    )
    return parser


# --- loading results --------------------------------------------------------


def _envelope_from(data: Any, where: str, name: str | None = None) -> dict[str, Any]:
    """Check a loaded envelope (or pick ``name`` from a whole-book file)."""
    if not isinstance(data, dict) or "format" not in data:
        raise UsageError(f"{where}: not a parallel-python results file")
    fmt = data["format"]
    if not isinstance(fmt, int) or fmt < 1:
        raise UsageError(f"{where}: unknown format {fmt!r}")
    if fmt > results.FORMAT_VERSION:
        raise UsageError(
            f"{where}: written by a newer parallel-python (format {fmt}, this "
            f"one reads {results.FORMAT_VERSION}); upgrade the package"
        )
    if "results" in data:  # a whole-book file
        if name is None:
            raise UsageError(f"{where}: holds the whole book; compare needs one run")
        book = data["results"]
        if not isinstance(book, dict) or name not in book:
            raise UsageError(f"{where}: has no results for {name!r}")
        return _envelope_from(book[name], f"{where} [{name}]", name)
    for key in ("experiment", "machine", "result"):
        if key not in data:
            raise UsageError(f"{where}: incomplete, no {key!r}")
    if name is not None and data["experiment"] != name:
        raise UsageError(
            f"{where}: holds {data['experiment']!r}, not {name!r}: compare results "
            f"of the same experiment"
        )
    return data


def load_run(path: Path, name: str | None = None) -> tuple[str, Any, Machine]:
    """Load one run: (experiment name, result object, machine)."""
    from . import catalogue

    try:
        data = results.read_json(path)
    except results.ResultFileError as exc:
        raise UsageError(str(exc)) from None
    envelope = _envelope_from(data, str(path), name)
    try:
        experiment = catalogue.get(envelope["experiment"])
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None
    try:
        result = results.from_data(experiment.result_type, envelope["result"])
        machine = results.from_data(Machine, envelope["machine"])
    except (TypeError, ValueError, KeyError) as exc:
        raise UsageError(f"{path}: corrupt result ({exc})") from None
    return experiment.name, result, machine


def default_book_results() -> Path | None:
    """The last local build's results, if there is one near here."""
    configured = os.environ.get("PARALLEL_PYTHON_RESULTS_DIR")
    if configured:  # an explicit setting wins, and is the only place looked at
        return Path(configured)
    here = Path.cwd().resolve()
    package_root = Path(__file__).resolve().parents[2]
    for folder in (here, *here.parents, package_root):
        if (found := folder / "_build" / "results").is_dir():
            return found
    return None


# --- subcommands ------------------------------------------------------------


def cmd_machine(args: argparse.Namespace) -> int:
    m = describe()
    if args.json:
        import json

        print(json.dumps(results.to_data(m), indent=1))
    else:
        width = max(len(label) for label, _ in m.rows())
        for label, value in m.rows():
            print(f"{label:<{width}}  {value}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from . import catalogue

    width = max(len(n) for n in catalogue.names())
    for e in catalogue.in_reading_order():
        print(f"{e.name:<{width}}  ~{e.seconds:>3g} s  {e.chapter}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from . import catalogue

    try:
        experiment = catalogue.get(args.name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    options = _experiment_parser(experiment).parse_args(args.options)
    kwargs = {o.name: getattr(options, o.name) for o in experiment.options}
    label = f"running {experiment.name}"
    try:
        with (
            Progress(label, experiment.seconds, not options.no_progress),
            Meter() as meter,
        ):
            result = experiment.run(**kwargs)
    except ValueError as exc:  # the experiment's own input checks
        raise UsageError(str(exc)) from None
    out = options.out
    json_path, png = out / f"{experiment.name}.json", out / f"{experiment.name}.png"
    try:
        results.save(
            json_path,
            experiment.name,
            result,
            describe(),
            disturbance=meter.result,
        )
        if experiment.plot is not None:
            from .core.style import png_bytes

            png.write_bytes(png_bytes(experiment.plot(result)))
    except KeyboardInterrupt:  # nothing written: no half of a run is left
        for path in (json_path, png, json_path.with_name(json_path.name + ".partial")):
            path.unlink(missing_ok=True)
        raise
    print(f"wrote {json_path}")
    if experiment.plot is not None:
        print(f"wrote {png}")
    if experiment.summary is not None:
        print()
        print(experiment.summary(result))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from . import catalogue, compare
    from .core.text import compare_machines

    name, mine, my_machine = load_run(args.results)
    experiment = catalogue.get(name)
    book_path = args.book_results
    if book_path is None:
        folder = default_book_results()
        if folder is None or not (folder / f"{name}.json").is_file():
            raise UsageError(
                "no results of a local book build found; download "
                f"{BOOK_RESULTS_FILE} from the book's 'About this build' page and "
                f"pass it: parallel-python compare {args.results} {BOOK_RESULTS_FILE}"
            )
        book_path = folder / f"{name}.json"
    _, book, book_machine = load_run(book_path, name)
    print(compare.compare_table(experiment, mine, book))
    print()
    print(compare_machines(my_machine, book_machine))
    return 0


def cmd_drift(args: argparse.Namespace) -> int:
    from . import drift_report

    try:
        print(drift_report.full_report(args.first, args.second, top=args.top))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parallel-python",
        description="Run the experiments of the Parallel Python book on this machine.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("machine", help="describe this machine (as 'About this build')")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_machine)

    p = sub.add_parser("list", help="list the experiments")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "run",
        help="run one experiment and write NAME.json and NAME.png",
        description="Run one experiment; its options: parallel-python run NAME --help",
        add_help=False,
    )
    p.add_argument("name", metavar="NAME", nargs="?", help="see: parallel-python list")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="set your results beside the book's")
    p.add_argument("results", type=Path, metavar="RESULTS.json")
    p.add_argument(
        "book_results",
        type=Path,
        nargs="?",
        metavar="BOOK_RESULTS.json",
        help=f"the book's results (one run, or {BOOK_RESULTS_FILE}); default: the "
        "last local build's",
    )
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "drift", help="how far two runs of the book's experiments moved apart"
    )
    p.add_argument("first", type=Path, metavar="FIRST_DIR")
    p.add_argument("second", type=Path, metavar="SECOND_DIR")
    p.add_argument("--top", type=int, default=5, help="how many movers to list")
    p.set_defaults(func=cmd_drift)
    return parser


def _run_usage() -> str:
    from . import catalogue

    lines = [
        "usage: parallel-python run NAME [OPTIONS] [--out DIR]",
        "",
        "NAME is one of:",
    ]
    lines += [f"  {e.name}  ({e.chapter})" for e in catalogue.EXPERIMENTS]
    lines += ["", "Options of one experiment: parallel-python run NAME --help"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command != "run" and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "run":
        if args.name is None or args.name.startswith("-"):
            asked = args.name in ("-h", "--help") or any(
                a in ("-h", "--help") for a in extra
            )
            print(_run_usage(), file=sys.stdout if asked else sys.stderr)
            return 0 if asked else 2
        args.options = extra
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"parallel-python: error: {exc}", file=sys.stderr)
        return 2
    except NoBlasPool as exc:
        print(f"parallel-python: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        if not caused_by_ctrl_c(exc):
            raise
        return _on_interrupt()
    except KeyboardInterrupt:
        return _on_interrupt()


_INTERRUPTED = "\nparallel-python: interrupted; no results written\n"


def _on_interrupt() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C waits
    if _CTRL_C is not None:
        _CTRL_C.settle()
    print(_INTERRUPTED, end="", file=sys.stderr)
    stop_children()
    return 130


def _last_resort() -> None:
    """The watchdog's end of a run whose Ctrl-C was lost (:class:`CtrlC`)."""
    os.write(2, _INTERRUPTED.encode())
    stop_children()
    os._exit(130)


#: The CLI's SIGINT handler, installed by :func:`run`.
_CTRL_C: CtrlC | None = None


def run() -> None:
    """The ``parallel-python`` command: :func:`main`, then exit with its code;
    a Ctrl-C that Python had to ignore is raised again, and one that library
    code lost is raised again by a watchdog (:mod:`.core.interrupt`).

    After a caught Ctrl-C the interpreter was seen, rarely, to end by SIGINT
    (exit -2) instead of with its code, for a reason not pinned down; so the
    interrupted path runs the exit handlers and leaves with ``os._exit(130)``.
    """
    global _CTRL_C
    sys.unraisablehook = keep_ctrl_c(sys.unraisablehook)
    _CTRL_C = CtrlC(_last_resort).install()
    code = main()
    if code == 130:
        sys.stdout.flush()
        sys.stderr.flush()
        atexit._run_exitfuncs()
        os._exit(130)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
