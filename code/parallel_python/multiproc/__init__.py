"""Part B, the multiprocessing package (``book/handson/b-multiprocessing``).

Experiments: ``api`` (a tour of the API, errors in workers), ``costs`` (pool
start-up, cost per task, big arguments), ``integration`` (the midpoint rule in
processes, with ``amdahl``'s fit), ``montecarlo``, ``main_guard``; the worker
functions in ``tasks``. Sentences in ``narrate``, figures in ``plots``,
catalogue entries in ``entries``. Other parts and the book may use the names
below.
"""

from ..core.pools import leftover_children, process_executor, process_pool
from .api import run_api_tour, run_worker_error
from .costs import run_big_argument, run_pool_startup, run_task_overhead
from .integration import (
    DEFAULT_CHUNKS,
    chunk_bounds,
    four_over_one_plus_x2,
    integrate,
    integrate_parallel,
    integration_tasks,
    partial_sum,
)

__all__ = [
    "DEFAULT_CHUNKS",
    "chunk_bounds",
    "four_over_one_plus_x2",
    "integrate",
    "integrate_parallel",
    "integration_tasks",
    "leftover_children",
    "partial_sum",
    "process_executor",
    "process_pool",
    "run_api_tour",
    "run_big_argument",
    "run_pool_startup",
    "run_task_overhead",
    "run_worker_error",
]
