"""Going further: threads and asyncio for waiting work.

* :func:`local_server` - a real HTTP server on 127.0.0.1 (a random free
  port) in a process of its own, each answer delayed by a fixed time, as a
  slow web service would be. It answers at most ``max_requests`` requests
  (then ``503``), logs nothing and is shut down when the ``with`` block
  ends, also after an error.
* :func:`fetch_all_threads` - fetch every URL with a
  :class:`~concurrent.futures.ThreadPoolExecutor` of ``workers`` threads, each
  request a blocking socket call (:func:`fetch`).
* :func:`fetch_all_asyncio` - fetch them with ``asyncio`` streams, at most
  ``tasks`` requests in flight: the same request, sent and read the same
  way. The event loop runs in a thread of its own (:func:`run_coroutine`),
  so this works the same from the command line and inside a notebook
  kernel, whose own loop is already running.
* :func:`run_waiting` - both, with 1, 10 and 100 workers or tasks, timed in
  rounds against one server.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from ..core.config import mp_context
from ..core.machine import available_cpus
from ..core.protocol import Ratio, paired_ratio
from ..core.results import find
from ..core.timing import Timing, measure_rounds
from ..core.validate import (
    non_negative_int,
    positive_float,
    positive_int,
    positive_ints,
)

#: Seconds a client waits for one answer before giving up.
TIMEOUT = 10.0

T = TypeVar("T")


# --- the server ----------------------------------------------------------------


async def _answer(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    delay: float,
    max_requests: int,
    served: Any,
    refused: Any,
) -> None:
    """Answer one HTTP request: wait ``delay`` s, then send the path back."""
    try:
        request = await reader.readline()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # skip the headers
        parts = request.split()
        path = parts[1] if len(parts) >= 2 else b"/"
        with served.get_lock():
            allowed = served.value < max_requests
            if allowed:
                served.value += 1
        if allowed:
            await asyncio.sleep(delay)  # the slow service: waiting, not computing
            head = b"HTTP/1.0 200 OK\r\n"
            body = path
        else:
            with refused.get_lock():
                refused.value += 1
            head = b"HTTP/1.0 503 Service Unavailable\r\n"
            body = b"request limit reached"
        writer.write(
            head
            + b"Content-Type: text/plain\r\nContent-Length: %d\r\n" % len(body)
            + b"Connection: close\r\n\r\n"
            + body
        )
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass  # a client that went away: nothing to report
    finally:
        writer.close()


async def _serve_until(
    delay: float, max_requests: int, port_out: Any, served: Any, refused: Any, stop: Any
) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda loop, context: None)  # nothing to stderr
    server = await asyncio.start_server(
        lambda r, w: _answer(r, w, delay, max_requests, served, refused),
        "127.0.0.1",
        0,
        backlog=1024,  # many clients connect at once: a long listen queue
    )
    try:
        port_out.send(server.sockets[0].getsockname()[1])
        await loop.run_in_executor(None, stop.wait)
    finally:
        server.close()
        await server.wait_closed()


def _serve(
    delay: float, max_requests: int, port_out: Any, served: Any, refused: Any, stop: Any
) -> None:
    """The server process: bind 127.0.0.1, report the port, serve until ``stop``."""
    asyncio.run(_serve_until(delay, max_requests, port_out, served, refused, stop))


@dataclass
class ServerInfo:
    """A running :func:`local_server`: its address and what it has answered."""

    url: str
    _served: Any
    _refused: Any

    @property
    def served(self) -> int:
        """Requests answered with ``200`` so far."""
        return int(self._served.value)

    @property
    def refused(self) -> int:
        """Requests refused (beyond ``max_requests``) so far."""
        return int(self._refused.value)


@contextmanager
def local_server(
    delay: float = 0.003, max_requests: int = 10_000
) -> Iterator[ServerInfo]:
    """An HTTP server on 127.0.0.1 answering each GET after ``delay`` seconds.

    A small asyncio server (one thread, cheap per request) in a process of
    its own (started from
    :func:`~parallel_python.config.mp_context`), so its Python work does not
    compete with the clients' for one GIL: the clients are measured alone.
    The answer's body is the requested path. At most ``max_requests``
    requests get an answer; later ones get ``503``. The server is stopped and
    its process joined when the block ends, whatever happened inside it.
    """
    delay = positive_float("delay", delay)
    max_requests = positive_int("max_requests", max_requests)
    ctx = mp_context()
    served, refused, stop = ctx.Value("i", 0), ctx.Value("i", 0), ctx.Event()
    port_in, port_out = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_serve,
        args=(delay, max_requests, port_out, served, refused, stop),
        name="local-http-server",
        daemon=True,
    )
    process.start()
    try:
        if not port_in.poll(TIMEOUT):
            raise RuntimeError("the local HTTP server did not start")
        port = port_in.recv()
        yield ServerInfo(f"http://127.0.0.1:{port}", served, refused)
    finally:
        stop.set()
        process.join(TIMEOUT)
        if process.is_alive():  # pragma: no cover - a hung server
            process.kill()
            process.join()
        port_in.close()
        port_out.close()


def urls(base: str, count: int) -> list[str]:
    """``count`` distinct URLs on the server at ``base``."""
    return [f"{base}/item/{i}" for i in range(positive_int("count", count))]


# --- clients ------------------------------------------------------------------
# Both clients send the same HTTP/1.0 request over a plain TCP connection and
# read the answer the same way, so that threads and asyncio differ only in how
# they wait. (Real programs would use urllib.request or requests for threads,
# and httpx or aiohttp for asyncio, each with work of its own per request.)


def _request(url: str) -> tuple[str, int, bytes]:
    """Host, port and the bytes of a ``GET`` for an ``http://host:port/path`` URL."""
    rest = url.removeprefix("http://")
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    request = f"GET /{path} HTTP/1.0\r\nHost: {hostport}\r\n\r\n".encode()
    return host, int(port), request


def _body(url: str, raw: bytes) -> bytes:
    """The body of a whole HTTP answer; ``OSError`` unless its status is 200."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1] if head.count(b" ") >= 1 else b"?"
    if status != b"200":
        raise OSError(f"GET {url}: HTTP status {status.decode(errors='replace')}")
    return body


def fetch(url: str) -> bytes:
    """Fetch one URL the blocking way: the thread waits in the socket calls,
    which release the GIL."""
    host, port, request = _request(url)
    with socket.create_connection((host, port), timeout=TIMEOUT) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):  # the server closes when done
            chunks.append(chunk)
    return _body(url, b"".join(chunks))


def fetch_all_threads(addresses: Sequence[str], workers: int) -> list[bytes]:
    """Fetch every address with ``workers`` threads; answers in the same order."""
    workers = positive_int("workers", workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fetch, addresses))


async def fetch_async(url: str) -> bytes:
    """Fetch one URL with asyncio streams: the same request as :func:`fetch`."""
    host, port, request = _request(url)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port), TIMEOUT
    )
    try:
        writer.write(request)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), TIMEOUT)
    finally:
        writer.close()
        await writer.wait_closed()
    return _body(url, raw)


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
        return find(self.cases, tool=tool, workers=workers)

    def ratio(self, tool: str, workers: int) -> Ratio:
        """The time with the fewest workers over the time with ``workers``,
        round by round (every case runs once per round): median and interval."""
        first = self.case(tool, min(self.workers)).timing
        return paired_ratio(first, self.case(tool, workers).timing)

    def speedup(self, tool: str, workers: int) -> float:
        """The median per-round ratio of :meth:`ratio`."""
        return self.ratio(tool, workers).median

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
    repeats: int = 5,
    warmup: int = 0,
) -> Waiting:
    """Fetch ``requests`` URLs from a local server (``delay`` s per answer).

    Each worker count is run with threads and with asyncio tasks, in
    ``repeats`` rounds (see :func:`~parallel_python.core.timing.measure_rounds`).
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
