"""One value per quantity per build: pages run experiments only through
``book.result``, which runs a catalogued experiment once per build and lets
every other page read that record (pages execute in the order of their paths,
not in reading order, so a second run would give a second value)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Calls that would measure a second time, or record outside book.result.
FORBIDDEN = re.compile(r"\brun_\w+\(|\bbook\.record\(")


def executed_cells(text: str) -> list[str]:
    """The code of every ``{code-cell}`` of a MyST page."""
    return re.findall(
        r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", text, flags=re.S | re.M
    )


def test_the_cell_finder_finds_cells_and_not_fenced_examples():
    page = (
        "```{code-cell} ipython3\nr = book.result('gil')\n```\n"
        "```python\ng = gil.run_gil()\n```\n"
    )
    assert executed_cells(page) == ["r = book.result('gil')\n"]


def test_pages_measure_only_through_book_result():
    problems = []
    for page in sorted((ROOT / "book").rglob("*.md")):
        for cell in executed_cells(page.read_text(encoding="utf-8")):
            for line in cell.splitlines():
                if FORBIDDEN.search(line.split("#")[0]):
                    problems.append(f"{page.relative_to(ROOT)}: {line.strip()}")
    assert not problems, "\n".join(problems)


def _cell_source(cell: str) -> str:
    """A cell's Python: its options (``:tags:`` lines or a ``---`` block)
    and IPython magics left out."""
    lines = cell.splitlines()
    if lines and lines[0].strip() == "---":
        lines = lines[lines.index("---", 1) + 1 :]
    while lines and lines[0].startswith(":"):
        lines.pop(0)
    return "\n".join(line for line in lines if not line.lstrip().startswith("%"))


def test_every_name_a_page_imports_from_the_package_exists():
    """A module split or a rename in the package breaks a page's import only
    when the book builds, minutes later; this finds it at once."""
    import ast
    import importlib

    problems = []
    for page in sorted((ROOT / "book").rglob("*.md")):
        for cell in executed_cells(page.read_text(encoding="utf-8")):
            for node in ast.walk(ast.parse(_cell_source(cell))):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.startswith("parallel_python"):
                            try:
                                importlib.import_module(alias.name)
                            except ImportError:
                                problems.append(
                                    f"{page.relative_to(ROOT)}: {alias.name}"
                                )
                    continue
                if not isinstance(node, ast.ImportFrom) or not (
                    node.module or ""
                ).startswith("parallel_python"):
                    continue
                module = importlib.import_module(node.module)
                for alias in node.names:
                    if hasattr(module, alias.name):
                        continue
                    try:
                        importlib.import_module(f"{node.module}.{alias.name}")
                    except ImportError:
                        problems.append(
                            f"{page.relative_to(ROOT)}: {node.module}.{alias.name}"
                        )
    assert not problems, "\n".join(problems)


def test_every_headline_a_page_glues_by_name_is_one_its_experiment_gives():
    """``book.glue_figure(name, experiment, label)`` fails only when the book
    builds if ``label`` is not a headline of ``experiment``; this checks the
    label's fixed text against the source of the experiment's headlines."""
    import ast
    import inspect

    from parallel_python import catalogue

    problems, seen = [], 0
    for page in sorted((ROOT / "book").rglob("*.md")):
        for cell in executed_cells(page.read_text(encoding="utf-8")):
            for node in ast.walk(ast.parse(_cell_source(cell))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "glue_figure"
                    and len(node.args) >= 3
                    and isinstance(node.args[1], ast.Constant)
                ):
                    continue
                seen += 1
                where = f"{page.relative_to(ROOT)}: {node.args[1].value}"
                try:
                    entry = catalogue.get(node.args[1].value)
                except (KeyError, ValueError):
                    problems.append(f"{where}: no such experiment")
                    continue
                source = inspect.getsource(entry.headlines)
                label = node.args[2]
                if isinstance(label, ast.Constant):
                    fixed = [label.value]
                elif isinstance(label, ast.JoinedStr):
                    fixed = [
                        part.value
                        for part in label.values
                        if isinstance(part, ast.Constant) and part.value.strip()
                    ]
                else:
                    continue
                problems += [
                    f"{where}: {text!r} is in no headline"
                    for text in fixed
                    if text not in source
                ]
    assert seen >= 5
    assert not problems, "\n".join(problems)
