"""Ctrl-C that Python would otherwise lose."""

from __future__ import annotations

import _thread
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable


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


class CtrlC:
    """The CLI's SIGINT handler: Ctrl-C raises KeyboardInterrupt, as Python's
    own handler does, and a watchdog makes sure the run then ends.

    Library code can lose an interrupt without passing it to
    ``sys.unraisablehook`` (an import interrupted inside a compiled module
    surfaces as an ImportError, which optional imports catch). Seen twice in
    CI on Python 3.12: the CLI went on with its rounds for 60 s after Ctrl-C.
    So after the first Ctrl-C a daemon thread waits: unless :meth:`settle`
    is called (the interrupt reached the CLI's handler) within ``grace``
    seconds, it raises the interrupt again in the main thread, every
    ``grace`` seconds; after ``limit`` seconds it calls ``last_resort``
    (which should end the process). Cleaning up after an interrupt (pools
    closed, files removed) takes well under ``grace``.
    """

    def __init__(
        self,
        last_resort: Callable[[], object],
        *,
        grace: float = 10.0,
        limit: float = 30.0,
    ) -> None:
        self.last_resort = last_resort
        self.grace = grace
        self.limit = limit
        self._settled = threading.Event()
        self._watching = False

    def install(self) -> CtrlC:
        """Handle SIGINT here (main thread only), unless it is not Python's
        to handle (ignored, as in a background job); returns self."""
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, self._handle)
        return self

    def settle(self) -> None:
        """The interrupt has been handled: the watchdog stops."""
        self._settled.set()

    def _handle(self, signum: int, frame: object) -> None:
        if not self._watching:
            self._watching = True
            threading.Thread(target=self._watch, daemon=True).start()
        raise KeyboardInterrupt

    def _watch(self) -> None:
        start = time.monotonic()
        while not self._settled.wait(self.grace):
            if time.monotonic() - start >= self.limit:
                self.last_resort()
                return
            _thread.interrupt_main()


def caused_by_ctrl_c(exc: BaseException | None) -> bool:
    """Whether Ctrl-C caused ``exc``: an import interrupted while a compiled
    module initialises (NumPy's) surfaces as an ImportError from it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def stop_children() -> None:
    """End the worker processes an interrupted experiment may have left."""
    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(timeout=5)
