"""Memory watched over time, and the dask page's memory figure."""

import dataclasses
import time

import pytest

from parallel_python.core.style import small_texts
from parallel_python.core.text import size
from parallel_python.further import dask_demo, memory_watch
from parallel_python.further.plots import dask_memory_title, plot_dask_memory
from tests.drawing import assert_draws
from tests.further.fakes import fake_chunks


def test_thin_keeps_every_peak_and_at_most_about_keep_samples():
    samples = [(0.001 * i, 5) for i in range(1000)]
    samples[537] = (0.537, 900)
    kept = memory_watch.thin(samples, keep=100)
    assert len(kept) <= 100
    assert (0.537, 900) in kept
    assert [t for t, _ in kept] == sorted(t for t, _ in kept)
    assert memory_watch.thin(samples[:3], keep=100) == tuple(samples[:3])
    with pytest.raises(ValueError, match="keep"):
        memory_watch.thin(samples, keep=0)


def test_watch_memory_sees_a_block_the_function_fills():
    megabytes = 40

    def fill() -> bytearray:
        block = bytearray(b"x") * (megabytes * 2**20)  # written, so resident
        time.sleep(0.02)
        return block

    block, peak, samples = memory_watch.watch_memory(fill, every=0.002)
    assert len(block) == megabytes * 2**20
    assert peak >= 0.9 * megabytes * 2**20
    assert samples[0] == (0.0, 0)
    assert max(b for _, b in samples) == peak
    assert [t for t, _ in samples] == sorted(t for t, _ in samples)


def test_dask_chunks_keeps_its_samples():
    d = dask_demo.run_dask_chunks(
        n=400_000, chunk=50_000, numpy_n=100_000, budget_bytes=2**30, repeats=1
    )
    assert d.samples and d.samples[0] == (0.0, 0)
    assert max(b for _, b in d.samples) == d.peak_bytes


@pytest.mark.parametrize("cpus", [1, 2, 64])
def test_memory_figure_draws_samples_budget_and_the_whole_array(cpus):
    d = fake_chunks(cpus)
    fig = plot_dask_memory(d)
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    assert f"budget: {size(d.budget_bytes)}" in texts
    assert f"one whole array: {size(d.array_bytes)}" in texts
    (line,) = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
    assert len(line.get_xdata()) == len(d.samples)
    assert fig.get_suptitle() == dask_memory_title(d)
    assert "inside the 256 MiB budget" in fig.get_suptitle()
    assert_draws(fig)
    assert small_texts(fig) == []
    assert fig.get_figwidth() <= 6.8


def test_memory_figure_over_budget_huge_array_and_no_samples():
    over = fake_chunks(2, peak=300 * 2**20)
    assert "over the 256 MiB budget" in dask_memory_title(over)
    huge = dataclasses.replace(over, n=10**10, array_bytes=8 * 10**10)
    texts = [t.get_text() for t in plot_dask_memory(huge).axes[0].texts]
    assert any("is off the top" in t for t in texts)
    empty = dataclasses.replace(over, samples=())
    fig = plot_dask_memory(empty)
    assert "no samples recorded" in [t.get_text() for t in fig.axes[0].texts]
    assert small_texts(fig) == []
