"""Made-up results shared by the tests (import them from here, not from conftest)."""

from __future__ import annotations

from parallel_python.core.timing import Timing
from parallel_python.numpy_threads.blas import BlasSweep, SweepPoint


def fake_timing(seconds: float) -> Timing:
    return Timing(times=(seconds, seconds * 1.05, seconds * 1.1), warmup=1)


def fake_sweep(cpus: int, scale: dict[int, float], sizes=(200, 2000)) -> BlasSweep:
    """A sweep where ``threads`` run ``scale[threads]`` times faster (largest size)."""
    threads = tuple(sorted(scale))
    points = []
    for n in sizes:
        base = 2 * n**3 / 50e9  # 50 GFLOP/s on one thread
        for t in threads:
            factor = scale[t] if n == max(sizes) else min(scale[t], 1.0 + (t > 1) * 0.1)
            points.append(SweepPoint(n, t, t, fake_timing(base / factor)))
    return BlasSweep(tuple(sizes), threads, tuple(points), cpus, "openblas 0.3.31")


def extensions_asked(monkeypatch, module) -> list:
    """Spy on ``module.measure_paired``: the ``extend_for`` of each call, in
    order, as the experiment asked (the calls still run)."""
    asked = []
    real = module.measure_paired

    def spy(cases, **kwargs):
        asked.append(kwargs.get("extend_for"))
        return real(cases, **kwargs)

    monkeypatch.setattr(module, "measure_paired", spy)
    return asked


def main_thread_calls(monkeypatch, module, name: str = "integrate") -> list[bool]:
    """Spy on ``module.<name>``: for each call, in order, whether it ran in
    the main thread (the calls still run)."""
    import threading

    seen: list[bool] = []
    real = getattr(module, name)

    def spy(*args, **kwargs):
        seen.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen
