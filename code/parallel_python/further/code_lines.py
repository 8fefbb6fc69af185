"""How much code a tool asks of you: the lines of the function that uses it."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from typing import Any


def code_lines(fn: Callable[..., Any]) -> int:
    """Lines of ``fn``'s body, without its docstring, blank and comment lines."""
    source = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(source)
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef)
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    ):
        body = body[1:]
    lines = source.splitlines()
    count = 0
    for number in range(body[0].lineno, node.end_lineno + 1):
        text = lines[number - 1].strip()
        if text and not text.startswith("#"):
            count += 1
    return count
