"""Going further (``book/further``): the tools beyond the standard library.

Experiments: ``waiting`` (threads and asyncio for waiting work),
``joblib_demo``, ``dask_demo`` (with ``memory_watch``, the memory sampler, and
``dask_report``, the offline report and the leftover-worker check),
``numba_demo``, ``mpi_demo`` (also a program that ``mpiexec`` runs),
``freethreading``, ``compare_tools`` (one workload, every tool). Sentences in
``narrate_waiting`` (threads and asyncio), ``narrate_pools`` (joblib, dask),
``narrate_speed`` (numba, MPI, free threading) and ``narrate_tools`` (which
tool), figures in ``plots``, catalogue entries in ``entries``. dask, numba
and mpi4py are imported only when an experiment that needs them runs.
"""
