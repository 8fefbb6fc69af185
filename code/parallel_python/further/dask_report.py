"""Going further: dask's performance report made to work offline, and the
check that a closed cluster left no worker behind."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.pools import leftover_children


def offline_report(path: Path) -> None:
    """Drop what the report would fetch from the network: a MathJax script
    (its plots use no formulas) and a favicon. Bokeh itself is inline."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'<script[^>]+src="https?://[^"]*"[^>]*>\s*</script>', "", text)
    text = re.sub(r'<link[^>]+href="https?://[^"]*"[^>]*>', "", text)
    path.write_text(text, encoding="utf-8")


def workers_left() -> list[int]:
    """Children still running, not counting the interpreter's helpers nor a
    library's resource tracker (loky keeps one until the interpreter exits)."""
    import psutil

    left = []
    for pid in leftover_children():
        try:
            if "resource_tracker" in " ".join(psutil.Process(pid).cmdline()):
                continue
        except psutil.Error:
            continue
        left.append(pid)
    return left
