"""Parallel Python: the measured experiments behind the book.

The package is laid out like the book, one room per part; imports only go
down (a test checks it):

* front doors: ``book`` (helpers for the pages), ``cli`` (``parallel-python``),
  ``catalogue`` (gathers the parts' entries), ``sphinxext`` (the build's
  results file), ``gallery`` (the wrap-up's thumbnails of key figures)
* parts, each with its experiments, the sentences computed from them
  (``narrate*``), its figures (``plots*``) and its catalogue ``entries``:
  ``part1`` (processes, threads and the GIL), ``numpy_threads`` (A),
  ``multiproc`` (B), ``blending`` (C), ``further`` (going further),
  ``appendix`` (how the book measures; the wrap-up has no part of its
  own, only the ``gallery`` door). A part uses ``core`` and other parts'
  public names only.
* ``core``: timing, machine, results, validate, config, pools, experiment,
  text (numbers in sentences) and style (the house look of figures); it
  imports no part.
"""

__version__ = "0.1.0"
