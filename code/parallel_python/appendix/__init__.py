"""The appendices (``book/appendix``): how this book measures.

The experiment in ``noise`` (one CPU's speed over time; the minimum of short
runs against paired rounds), sentences in ``narrate``, the figure in
``plots``, catalogue entries in ``entries``. Other parts may use the names
below.
"""

from .noise import Noise, PairRounds, Probe, run_noise

__all__ = ["Noise", "PairRounds", "Probe", "run_noise"]
