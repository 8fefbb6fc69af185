"""Fixtures for checking the built site (_build/html) as readers meet it.

These tests need a built book. Without one they are skipped, and say so; with
PARALLEL_PYTHON_REQUIRE_SITE=1 (set by .ci/run) a missing book or browser is a
failure instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from parallel_python import contents

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
REQUIRED = os.environ.get("PARALLEL_PYTHON_REQUIRE_SITE") == "1"


def missing(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (PARALLEL_PYTHON_REQUIRE_SITE=1)")
    pytest.skip(reason)


def toc_pages() -> list[str]:
    """Every page in _toc.yml, in reading order, as paths like book/intro/x."""
    return contents.toc_pages(ROOT)


@pytest.fixture(scope="session")
def site() -> Path:
    if not (HTML / "index.html").is_file():
        missing("no built book in _build/html: run ./tasks book first")
    return HTML


@pytest.fixture(scope="session")
def pages(site) -> list[str]:
    return toc_pages()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="session")
def server(site):
    """Serve _build/html on 127.0.0.1 (a free port) for the session."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never Playwright's own download)."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        missing("no Chromium on PATH: browser tests skipped (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed: browser tests skipped")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageWatch:
    """A browser page that records console errors and failed requests."""

    def __init__(self, browser, server: str) -> None:
        self.server = server
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"console: {m.text}") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on(
            "requestfailed",
            lambda r: self.errors.append(f"request failed: {r.url} ({r.failure})"),
        )
        self.page.on(
            "response",
            lambda r: (
                self.errors.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400
                else None
            ),
        )

    def open(self, path: str):
        self.errors.clear()
        self.page.goto(f"{self.server}/{path}", wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watch(browser, server):
    w = PageWatch(browser, server)
    yield w
    w.close()


@pytest.fixture
def counted_leftovers():
    """New child processes, minus the browser's own (Chromium and Playwright's
    driver start and end renderer processes at their own pace)."""
    import psutil

    def not_the_browser(pids):
        kept = set()
        for pid in pids:
            try:
                cmdline = " ".join(psutil.Process(pid).cmdline())
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
            if "chrom" not in cmdline and "playwright" not in cmdline:
                kept.add(pid)
        return kept

    return not_the_browser
