"""The tool figure colours each tool by what did its work in this run."""

from __future__ import annotations

import pytest

from parallel_python.further.plots import tool_kind


@pytest.mark.parametrize(
    ("tool", "workers", "kind"),
    [
        ("pure Python", 1, "serial"),
        ("NumPy", 1, "serial"),
        ("threads", 4, "threads"),
        ("numba parallel=True", 2, "threads"),
        ("joblib", 2, "processes"),
        ("MPI (mpi4py)", 64, "processes"),
        ("joblib", 1, "serial"),  # one worker: nothing ran side by side
        ("threads", 1, "serial"),
    ],
)
def test_tool_kind(tool, workers, kind):
    assert tool_kind(tool, workers) == kind
