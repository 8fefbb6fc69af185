"""The package's rooms: imports only go down, and no module grows too big.

``core`` imports no part and no front door; a part uses ``core`` and the
public names of another part's package (never its submodules), and never a
front door (``book``, ``cli``, ``catalogue``, ``sphinxext``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "code" / "parallel_python"
FRONT_DOORS = {"book", "cli", "catalogue", "sphinxext"}
MAX_LINES = 400


def _target(module: str, node: ast.ImportFrom) -> str:
    """The dotted module an ``ImportFrom`` in ``module`` names (relative resolved)."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")[: -node.level]
    return ".".join(base + ([node.module] if node.module else []))


def violations(files: dict[str, str]) -> list[str]:
    """The import rules broken by ``files`` (dotted module name -> source)."""
    packages = {m.rsplit(".", 1)[0] for m in files if m.endswith(".__init__")}
    rooms = {p.split(".")[1] for p in packages if p.count(".") == 1}
    parts = rooms - {"core"}
    found = []
    for module, source in files.items():
        here = module.split(".")
        if len(here) < 3:
            continue  # a front door (or the package's __init__) may import anything
        room = here[1]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom):
                target = _target(module, node)
                imported = [target + "." + a.name for a in node.names]
            elif isinstance(node, ast.Import):
                imported = [a.name for a in node.names]
                target = ""
            else:
                continue
            submodules = {m.removesuffix(".__init__") for m in files}
            for name in [target, *imported] if target else imported:
                problem = _problem(module, room, parts, name, submodules)
                if problem:
                    found.append(problem)
                    break  # one complaint per import statement
    return sorted(set(found))


def _problem(
    module: str, room: str, parts: set[str], name: str, submodules: set[str]
) -> str | None:
    bits = name.split(".")
    if bits[0] != "parallel_python" or len(bits) < 2:
        return None
    other = bits[1]
    if other in FRONT_DOORS:
        return f"{module} imports the front door {name}"
    if room == "core" and other in parts:
        return f"{module} (core) imports the part {name}"
    inside = len(bits) > 2 and ".".join(bits[:3]) in submodules
    if room in parts and other in parts and other != room and inside:
        return f"{module} imports {name}, inside part {other}"
    return None


def _package_files() -> dict[str, str]:
    files = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        files[".".join(rel.parts)] = path.read_text()
    return files


def test_imports_only_go_down():
    assert violations(_package_files()) == []


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("parallel_python.core.timing", "from ..part1 import gil", "(core) imports"),
        ("parallel_python.core.timing", "from .. import book", "front door"),
        ("parallel_python.part1.gil", "from ..multiproc.api import x", "inside part"),
        ("parallel_python.part1.gil", "from ..multiproc import api", "inside part"),
        ("parallel_python.part1.gil", "import parallel_python.cli", "front door"),
        ("parallel_python.part1.gil", "from ..catalogue import get", "front door"),
    ],
)
def test_the_rule_catches_what_it_should(module, source, complaint):
    files = {
        "parallel_python.__init__": "",
        "parallel_python.core.__init__": "",
        "parallel_python.part1.__init__": "",
        "parallel_python.multiproc.__init__": "from .api import x",
        "parallel_python.multiproc.api": "x = 1",
        module: source,
    }
    found = violations(files)
    assert len(found) == 1 and complaint in found[0], found


def test_public_names_of_another_part_are_allowed():
    files = {
        "parallel_python.__init__": "",
        "parallel_python.core.__init__": "",
        "parallel_python.multiproc.__init__": "from .api import x",
        "parallel_python.multiproc.api": "x = 1",
        "parallel_python.further.__init__": "",
        "parallel_python.further.tool": "from ..multiproc import x\nimport numpy",
    }
    assert violations(files) == []


def test_no_module_is_too_long_and_the_catalogue_only_gathers():
    sizes = {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text().splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}
    assert sizes["catalogue.py"] < 100
