"""Part B, the multiprocessing package (``book/handson/b-multiprocessing``).

Experiments: ``api`` (a tour of the API, errors in workers), ``costs`` (pool
start-up, cost per task, big arguments), ``integration`` (the midpoint rule in
processes, with ``amdahl``'s fit), ``montecarlo``, ``main_guard``; the worker
functions in ``tasks``. For the companion page ``book/handson/b-workers``:
``pickling``, ``fork_random``, ``fork_memory`` (sentences in
``narrate_workers``). Sentences in ``narrate``, figures in ``plots``,
catalogue entries in ``entries``. Other parts and the book may use the names
below.
"""

from ..core.pools import leftover_children, process_executor, process_pool
from .api import run_api_tour, run_worker_error
from .costs import (
    pool_default_chunksize,
    run_big_argument,
    run_pool_startup,
    run_task_overhead,
)
from .fork_memory import run_fork_memory
from .fork_random import run_fork_random
from .integration import (
    DEFAULT_CHUNKS,
    chunk_bounds,
    four_over_one_plus_x2,
    integrate,
    integrate_parallel,
    integration_tasks,
    partial_sum,
)
from .pickling import run_pickled_tasks

__all__ = [
    "DEFAULT_CHUNKS",
    "chunk_bounds",
    "four_over_one_plus_x2",
    "integrate",
    "integrate_parallel",
    "integration_tasks",
    "leftover_children",
    "partial_sum",
    "pool_default_chunksize",
    "process_executor",
    "process_pool",
    "run_api_tour",
    "run_big_argument",
    "run_fork_memory",
    "run_fork_random",
    "run_pickled_tasks",
    "run_pool_startup",
    "run_task_overhead",
    "run_worker_error",
]
