"""Wrap-up (``book/wrapup``): the decision guide's figure in ``plots``.

The key points and headline figures it gathers come from the front door
``parallel_python.book``, which reads every page and recorded result.
"""
