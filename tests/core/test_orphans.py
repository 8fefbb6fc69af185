"""A demo's orphans are adopted and reaped, so that their CPU time is ours."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from parallel_python.core import orphans

linux = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="subreapers are Linux's"
)

#: A script whose child outlives it, burning 0.3 s of CPU once orphaned.
_LEAVES_AN_ORPHAN = textwrap.dedent(
    """
    import os, sys, time
    if os.fork() == 0:
        time.sleep(0.2)  # the parent has exited by now: an orphan
        start = time.process_time()
        while time.process_time() - start < 0.3:
            pass
        os._exit(0)
    sys.exit(0)
    """
)


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


@linux
def test_the_flag_is_set_within_the_block_and_restored_after():
    assert not orphans.is_subreaper()
    with orphans.adopting_orphans() as adopted:
        assert adopted and orphans.is_subreaper()
    assert not orphans.is_subreaper()


@linux
def test_an_adopted_orphan_is_reaped_and_its_cpu_time_counted():
    before = _children_cpu()
    with orphans.adopting_orphans():
        proc = subprocess.Popen(
            [sys.executable, "-c", _LEAVES_AN_ORPHAN], start_new_session=True
        )
        proc.wait()
        assert proc.returncode == 0
        reaped = orphans.reap_group(proc.pid, timeout=10)
    assert reaped == 1
    assert _children_cpu() - before >= 0.25  # the orphan's 0.3 s, ours now


@linux
def test_without_adoption_the_orphan_is_not_ours_to_reap():
    proc = subprocess.Popen(
        [sys.executable, "-c", _LEAVES_AN_ORPHAN], start_new_session=True
    )
    proc.wait()
    assert orphans.reap_group(proc.pid, timeout=0.5) == 0
