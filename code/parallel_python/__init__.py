"""Parallel Python: the measured experiments behind the book.

The package is built in floors; each imports only from the floors below it:

1. core: ``validate`` (input checks), ``config`` (the project-wide start
   method), ``timing`` (the one timing harness), ``machine`` (what machine
   this is), ``results`` (results to and from JSON)
2. experiments, one module per idea, each ``run_<thing>(sizes...) -> result``:
   Part 1 ``memory_ladder``, ``salad``, ``race``, ``gil``, ``numpy_trick``,
   ``processes``; Part A ``numpy_threads``; Part B ``multiproc``,
   ``integrate``, ``amdahl``, ``montecarlo``, ``main_guard``; Part C ``blend``;
   Going further ``waiting``, ``joblib_demo``, ``dask_demo``, ``numba_demo``,
   ``mpi_demo``, ``freethreading``, ``compare_tools``; with their sentences in
   ``narrate`` and ``narrate_*``
3. drawing: ``plotting`` (the house style) and ``plotting_*``
4. front doors: ``book`` (helpers for the pages), ``sphinxext`` (the build's
   results file), ``catalogue`` (the named experiments) and ``cli``
   (``parallel-python``)
"""

__version__ = "0.1.0"
