"""Parallel Python: the measured experiments behind the book.

The package is built in floors; each imports only from the floors below it:

1. core: :mod:`~parallel_python.validate`, :mod:`~parallel_python.config`,
   :mod:`~parallel_python.timing`, :mod:`~parallel_python.machine`
2. experiments: :mod:`~parallel_python.numpy_threads`, ...
   (with their sentences in :mod:`~parallel_python.narrate`)
3. drawing: :mod:`~parallel_python.plotting`
4. front doors: the book's pages (:mod:`~parallel_python.book`) and the
   command line (:mod:`~parallel_python.cli`)
"""

__version__ = "0.1.0"
