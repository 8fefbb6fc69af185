"""Going further: threads and asyncio for waiting work.

* :func:`local_server` - a real HTTP server on 127.0.0.1 (a random free
  port), each answer delayed by a fixed time, as a slow web service would be.
  It answers at most ``max_requests`` requests (then ``503``), logs nothing
  and is shut down when the ``with`` block ends, also after an error.
* :func:`fetch_all_threads` - fetch every URL with a
  :class:`~concurrent.futures.ThreadPoolExecutor` of ``workers`` threads.
* :func:`fetch_all_asyncio` - fetch them with ``asyncio``, at most ``tasks``
  requests in flight. The event loop runs in a thread of its own
  (:func:`run_coroutine`), so this works the same from the command line and
  inside a notebook kernel, whose own loop is already running.
* :func:`run_waiting` - both, with 1, 10 and 100 workers or tasks, timed in
  rounds against one server.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from .machine import available_cpus
from .timing import Timing, measure_rounds
from .validate import non_negative_int, positive_float, positive_int, positive_ints

#: Seconds a client waits for one answer before giving up.
TIMEOUT = 10.0

T = TypeVar("T")


# --- the server ----------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once: a long listen queue
    delay: float
    max_requests: int
    served: int
    refused: int
    lock: threading.Lock


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (the name http.server expects)
        with self.server.lock:
            allowed = self.server.served < self.server.max_requests
            if allowed:
                self.server.served += 1
            else:
                self.server.refused += 1
        if not allowed:
            self.send_error(503, "request limit reached")
            return
        time.sleep(self.server.delay)  # the slow service: waiting, not computing
        body = self.path.encode("ascii")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Log nothing (the default writes every request to stderr)."""


@dataclass
class ServerInfo:
    """A running :func:`local_server`: its address and what it has answered."""

    url: str
    _server: _Server

    @property
    def served(self) -> int:
        """Requests answered with ``200`` so far."""
        return self._server.served

    @property
    def refused(self) -> int:
        """Requests refused (beyond ``max_requests``) so far."""
        return self._server.refused


@contextmanager
def local_server(
    delay: float = 0.005, max_requests: int = 10_000
) -> Iterator[ServerInfo]:
    """An HTTP server on 127.0.0.1 answering each GET after ``delay`` seconds.

    The answer's body is the requested path. At most ``max_requests`` requests
    get an answer; later ones get ``503``. The server thread is stopped and
    the socket closed when the block ends, whatever happened inside it.
    """
    delay = positive_float("delay", delay)
    max_requests = positive_int("max_requests", max_requests)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.delay, server.max_requests = delay, max_requests
    server.served, server.refused, server.lock = 0, 0, threading.Lock()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield ServerInfo(f"http://{host}:{port}", server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=TIMEOUT)


def urls(base: str, count: int) -> list[str]:
    """``count`` distinct URLs on the server at ``base``."""
    return [f"{base}/item/{i}" for i in range(positive_int("count", count))]


# --- clients ------------------------------------------------------------------


def fetch(url: str) -> bytes:
    """Fetch one URL the blocking way (the thread waits, releasing the GIL)."""
    with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
        return answer.read()


def fetch_all_threads(addresses: Sequence[str], workers: int) -> list[bytes]:
    """Fetch every address with ``workers`` threads; answers in the same order."""
    workers = positive_int("workers", workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fetch, addresses))


async def fetch_async(url: str) -> bytes:
    """Fetch one ``http://host:port/path`` URL with asyncio streams (HTTP/1.0)."""
    rest = url.removeprefix("http://")
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, int(port)), TIMEOUT
    )
    try:
        writer.write(f"GET /{path} HTTP/1.0\r\nHost: {hostport}\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), TIMEOUT)
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1] if head.count(b" ") >= 1 else b"?"
    if status != b"200":
        raise OSError(f"GET {url}: HTTP status {status.decode(errors='replace')}")
    return body


async def _gather_limited(addresses: Sequence[str], tasks: int) -> list[bytes]:
    limit = asyncio.Semaphore(tasks)

    async def one(url: str) -> bytes:
        async with limit:
            return await fetch_async(url)

    return list(await asyncio.gather(*(one(u) for u in addresses)))


def run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``make()`` in a fresh event loop in a thread of its own, and wait.

    ``asyncio.run`` refuses to start inside a running loop (a notebook
    kernel has one); a new thread has no loop, so this works everywhere.
    Exceptions from the coroutine are raised here.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make())
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="asyncio-loop")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def fetch_all_asyncio(addresses: Sequence[str], tasks: int) -> list[bytes]:
    """Fetch every address with asyncio, at most ``tasks`` at a time; in order."""
    tasks = positive_int("tasks", tasks)
    addresses = list(addresses)
    return run_coroutine(lambda: _gather_limited(addresses, tasks))


# --- the experiment -------------------------------------------------------------


@dataclass(frozen=True)
class WaitCase:
    """One way of fetching all the URLs: ``tool`` with ``workers`` at a time."""

    tool: str  # "threads" or "asyncio"
    workers: int
    timing: Timing
    correct: bool  # every answer was the expected body


@dataclass(frozen=True)
class Waiting:
    """``requests`` fetches from a local server that waits ``delay`` s per answer."""

    requests: int
    delay: float
    cpus: int
    workers: tuple[int, ...]
    cases: tuple[WaitCase, ...]
    served: int
    refused: int

    def case(self, tool: str, workers: int) -> WaitCase:
        for c in self.cases:
            if c.tool == tool and c.workers == workers:
                return c
        raise KeyError(f"no measurement of {tool} with {workers}")

    def speedup(self, tool: str, workers: int) -> float:
        """Best time with one worker over the best time with ``workers``."""
        first = self.case(tool, min(self.workers)).timing.best
        return first / self.case(tool, workers).timing.best

    @property
    def waiting_seconds(self) -> float:
        """The time the server spends waiting, all requests in a row, seconds."""
        return self.requests * self.delay

    @property
    def most(self) -> int:
        return max(self.workers)

    @property
    def all_correct(self) -> bool:
        return all(c.correct for c in self.cases)


def run_waiting(
    requests: int = 100,
    delay: float = 0.003,
    workers: Sequence[int] = (1, 10, 100),
    *,
    repeats: int = 2,
    warmup: int = 0,
) -> Waiting:
    """Fetch ``requests`` URLs from a local server (``delay`` s per answer).

    Each worker count is run with threads and with asyncio tasks, in
    ``repeats`` rounds (see :func:`~parallel_python.timing.measure_rounds`).
    The server is started once, on 127.0.0.1, and stopped before returning.
    """
    requests = positive_int("requests", requests)
    delay = positive_float("delay", delay)
    counts = positive_ints("workers", workers)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    runs = len(counts) * 2 * (repeats + warmup)
    ok: dict[tuple[str, int], bool] = {}

    def checked(key: tuple[str, int], fetch_all, addresses, expected, k):
        def call() -> None:
            answers = fetch_all(addresses, k)
            ok[key] = ok.get(key, True) and answers == expected

        return call

    with local_server(delay, max_requests=requests * runs) as server:
        addresses = urls(server.url, requests)
        expected = [u.removeprefix(server.url).encode() for u in addresses]
        cases: dict[tuple[str, int], Callable[[], None]] = {}
        for k in counts:
            for tool, fn in (
                ("threads", fetch_all_threads),
                ("asyncio", fetch_all_asyncio),
            ):
                cases[(tool, k)] = checked((tool, k), fn, addresses, expected, k)
        timings = measure_rounds(cases, repeats=repeats, warmup=warmup)
        served, refused = server.served, server.refused
    return Waiting(
        requests=requests,
        delay=delay,
        cpus=available_cpus(),
        workers=counts,
        cases=tuple(
            WaitCase(tool, k, timings[(tool, k)], ok[(tool, k)])
            for tool in ("threads", "asyncio")
            for k in counts
        ),
        served=served,
        refused=refused,
    )
