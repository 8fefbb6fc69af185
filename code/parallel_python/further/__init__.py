"""Going further (``book/further``): the tools beyond the standard library.

Experiments: ``waiting`` (threads and asyncio for waiting work),
``joblib_demo``, ``dask_demo``, ``numba_demo``, ``mpi_demo`` (also a program
that ``mpiexec`` runs), ``freethreading``, ``compare_tools`` (one workload,
every tool). Sentences in ``narrate_pools`` (waiting, joblib, dask) and
``narrate_speed`` (numba, MPI, free threading, which tool), figures in
``plots``, catalogue entries in ``entries``. dask, numba and mpi4py are
imported only when an experiment that needs them runs.
"""
