"""A hung cell fails the build with a clear message (the book's own settings,
with the per-cell timeout shortened so the test is quick)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Hangs

```{code-cell} ipython3
import time

time.sleep(60)
```
"""


def test_a_hung_cell_fails_the_build(tmp_path):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["timeout"] = 1
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: hangs\n")
    (tmp_path / "hangs.md").write_text(PAGE, encoding="utf-8")
    for needed in ("book/references.bib", "book/images/favicon.svg"):
        (tmp_path / needed).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / needed, tmp_path / needed)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    done = subprocess.run(
        [str(jupyter_book), "build", str(tmp_path), "-W", "-n", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "A cell timed out while it was being executed, after 1 seconds" in output
