"""Ctrl-C that Python would otherwise lose."""

from __future__ import annotations

import _thread
import threading


def keep_ctrl_c(previous):
    """A ``sys.unraisablehook`` that does not lose Ctrl-C.

    A KeyboardInterrupt raised where Python cannot let an exception out (a
    weakref callback during an import: "Exception ignored in ...") is only
    reported, and the run goes on. Seen once in CI: Ctrl-C just after
    start-up, and the CLI still running 60 s later. This hook raises the
    interrupt again in the main thread, at the next point where it can
    propagate; other unraisable exceptions go to ``previous``. (From another
    thread, a moment later: raised inside the hook, it would be swallowed
    again.)
    """

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            again = threading.Timer(0.01, _thread.interrupt_main)
            again.daemon = True
            again.start()
            return
        previous(unraisable)

    return hook
