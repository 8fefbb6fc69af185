"""A progress line on stderr for long runs: elapsed time against the expected."""

from __future__ import annotations

import sys
import threading
import time


class Progress:
    """Elapsed time against the expected run time, on stderr, from a thread."""

    def __init__(self, label: str, expected: float, enabled: bool) -> None:
        self.label, self.expected = label, expected
        self.enabled = enabled and sys.stderr.isatty()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._draw, daemon=True)

    def _draw(self) -> None:
        start = time.perf_counter()
        width = 24
        while not self._stop.wait(0.2):
            elapsed = time.perf_counter() - start
            filled = min(width, int(width * elapsed / max(self.expected, 0.1)))
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(
                f"\r{self.label} [{bar}] {elapsed:5.1f} s (about {self.expected:g} s)"
            )
            sys.stderr.flush()
        sys.stderr.write("\r" + " " * (len(self.label) + width + 30) + "\r")

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
