"""Part C, blending processes and threads (``book/handson/c-blending``).

Batches of matrix products in processes with BLAS threads (``batches``), the
P × T grid (``grid``) and the fixes for oversubscription (``fixes``);
sentences in ``narrate`` (its rules of thumb in ``narrate_rules``, the
figures' titles in ``narrate_figures``, the tables in ``narrate_tables``),
figures in ``plots``, catalogue entries in
``entries``. The book may use the names below.
"""

from .fixes import Fixes, run_fixes
from .grid import Grid, run_grid

__all__ = ["Fixes", "Grid", "run_fixes", "run_grid"]
