"""Part A, multithreading with NumPy (``book/handson/a-numpy-threads``).

Experiments in ``blas`` (the BLAS thread sweep, operations, thread settings),
sentences in ``narrate``, figures in ``plots``, catalogue entries in
``entries``. Other parts may use the names below.
"""

from .blas import THREAD_COUNT_VARIABLES

__all__ = ["THREAD_COUNT_VARIABLES"]
