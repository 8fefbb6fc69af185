"""Going further: threads and asyncio for waiting work.

* :func:`~.local_server.local_server` (in :mod:`.local_server`) - a real
  HTTP server on 127.0.0.1 in a process of its own, each answer delayed by
  a fixed time, as a slow web service would be.
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
import math
import socket
import statistics
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from ..core.machine import available_cpus
from ..core.pinning import call_in_new_thread, choosable_cpus, this_thread_on
from ..core.protocol import Ratio, measure_paired, paired_ratio
from ..core.results import find
from ..core.sizing import SHORTEST_CALL, sized_calls
from ..core.timing import Timing
from ..core.validate import (
    non_negative_int,
    positive_float,
    positive_int,
    positive_ints,
)
from .local_server import TIMEOUT, local_server, urls

#: The two ways of waiting the experiment compares.
TOOLS = ("threads", "asyncio")
#: The most requests the experiment's server answers (a guard, far above
#: what its rounds ask for).
SERVER_LIMIT = 1_000_000

T = TypeVar("T")


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
    return call_in_new_thread(lambda: asyncio.run(make()), name="asyncio-loop")


def fetch_all_asyncio(addresses: Sequence[str], tasks: int) -> list[bytes]:
    """Fetch every address with asyncio, at most ``tasks`` at a time; in order."""
    tasks = positive_int("tasks", tasks)
    addresses = list(addresses)
    return run_coroutine(lambda: _gather_limited(addresses, tasks))


# --- the experiment -------------------------------------------------------------


class CpuUse:
    """A ``context`` for :func:`~parallel_python.core.protocol.measure_paired`
    that reads the CPU time of this process and of the server before and
    after each timed call (outside the timing): what the work left over
    beside the waiting costs the client and the server."""

    def __init__(self, server_cpu: Callable[[], float | None]) -> None:
        self.server_cpu = server_cpu
        # case -> each call's (client, server) CPU seconds
        self.used: dict[str, list[tuple[float, float | None]]] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        client, server = time.process_time(), self.server_cpu()
        yield
        after = self.server_cpu()
        self.used.setdefault(name, []).append(
            (
                time.process_time() - client,
                None if server is None or after is None else after - server,
            )
        )

    def per_fetch(self, name: str, calls: int) -> tuple[float | None, float | None]:
        """The median CPU seconds of the client and of the server per fetch
        of all the URLs (a call fetched them ``calls`` times)."""
        used = self.used.get(name, [])
        servers = [s for _, s in used if s is not None]
        return (
            statistics.median(c for c, _ in used) / calls if used else None,
            statistics.median(servers) / calls if servers else None,
        )


@dataclass(frozen=True)
class WaitCase:
    """One way of fetching all the URLs: ``tool`` with ``workers`` at a time."""

    tool: str  # "threads" or "asyncio"
    workers: int
    timing: Timing
    correct: bool  # every answer was the expected body
    calls: int = 1
    """How many times one timed call fetched all the URLs (calibrated so
    that a call lasts at least ``core.sizing.SHORTEST_CALL``); ``timing`` is
    per fetch of them all."""
    client_cpu: float | None = None
    """CPU seconds this process (the client) used per fetch of them all:
    the median over the timed calls (None where not measured)."""
    server_cpu: float | None = None
    """The same for the server's process (None where it cannot be read)."""


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
    stop_reason: str = ""
    """Why the paired rounds stopped (converged, budget, max_rounds)."""
    server_on: int | None = None
    """The CPU the server had to itself, standing in for a machine across
    the network; None: the server and the clients shared the CPUs."""
    clients_on: tuple[int, ...] = ()
    """The CPUs the clients ran on when the server had one of its own."""

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


def apart() -> tuple[int | None, tuple[int, ...]]:
    """Where the server and the clients run: the last CPU this process may
    use for the server alone and the others for the clients, or
    ``(None, ())`` with one CPU or where CPUs cannot be chosen.

    A real server stands on another machine and takes none of the client's
    CPU time; on this one, server and clients are kept apart for the same
    reason. Sharing two CPUs, they ran about half as fast with 100 in
    flight in some rounds and not in others while this book was written,
    and so the speed-up moved by a fifth from one build to the next.
    """
    cpus = choosable_cpus()
    if len(cpus) < 2:
        return None, ()
    return cpus[-1], tuple(cpus[:-1])


def run_waiting(
    requests: int = 100,
    delay: float = 0.002,
    workers: Sequence[int] = (1, 10, 100),
    *,
    repeats: int = 5,
    warmup: int = 0,
    budget: float = 3.0,
) -> Waiting:
    """Fetch ``requests`` URLs from a local server (``delay`` s per answer).

    Each worker count is run with threads and with asyncio tasks, in paired
    rounds (:func:`~parallel_python.core.protocol.measure_paired`: at least
    ``repeats``, more until the speed-ups' intervals are within ±5 % or
    ``budget`` seconds are spent). A way that fetches them all in less than
    ``core.sizing.SHORTEST_CALL`` does it several times per timed call
    (:func:`~parallel_python.core.sizing.sized_calls`), so that starting
    threads or a loop does not swamp its time; a way whose answers alone
    keep it waiting that long (one at a time, say) is not sized.
    The server is started once, on 127.0.0.1, and stopped before returning.
    Where this process may use two CPUs or more, the server gets the last
    to itself and the clients run on the others (:func:`apart`).
    """
    requests = positive_int("requests", requests)
    delay = positive_float("delay", delay)
    counts = positive_ints("workers", workers)
    repeats = positive_int("repeats", repeats)
    warmup = non_negative_int("warmup", warmup)
    budget = positive_float("budget", budget)
    ok: dict[str, bool] = {}

    def checked(key: str, fetch_all, addresses, expected, k):
        def call() -> None:
            answers = fetch_all(addresses, k)
            ok[key] = ok.get(key, True) and answers == expected

        return call

    def name(tool: str, k: int) -> str:
        return f"{tool}, {k} at a time"

    server_on, clients_on = apart()
    with (
        local_server(delay, max_requests=SERVER_LIMIT, cpu=server_on) as server,
        this_thread_on(clients_on),
    ):
        addresses = urls(server.url, requests)
        expected = [u.removeprefix(server.url).encode() for u in addresses]
        cases: dict[str, Callable[[], None]] = {}
        for k in counts:
            for tool, fn in zip(
                TOOLS, (fetch_all_threads, fetch_all_asyncio), strict=True
            ):
                key = name(tool, k)
                cases[key] = checked(key, fn, addresses, expected, k)
        # a first call with several workers starts threads or a loop's
        # thread: slow once, it would size the calls too few
        for key in (name(tool, k) for k in counts if k > 1 for tool in TOOLS):
            cases[key]()
        # a way that waits SHORTEST_CALL or more in a row (ceil(requests / k)
        # answers one after another) lasts long enough without sizing
        slow = {
            name(tool, k)
            for k in counts
            for tool in TOOLS
            if math.ceil(requests / k) * delay >= SHORTEST_CALL
        }
        short, calls = sized_calls(
            {key: fn for key, fn in cases.items() if key not in slow}, cap=100
        )
        sized = {key: cases[key] if key in slow else short[key] for key in cases}
        calls.update(dict.fromkeys(slow, 1))
        cpu = CpuUse(server.cpu_seconds)
        first = min(counts)
        paired = measure_paired(
            sized,
            baseline=name("threads", first),
            # each tool's speed-up is over its own one at a time (Waiting.ratio),
            # and the stopping rule judges that ratio
            against={
                name("asyncio", k): name("asyncio", first) for k in counts if k > first
            },
            min_rounds=repeats,
            budget_seconds=budget,
            warmup=warmup,
            calls=calls,
            context=cpu,
        )
        timings = paired.times
        served, refused = server.served, server.refused
    return Waiting(
        requests=requests,
        delay=delay,
        cpus=available_cpus(),
        workers=counts,
        cases=tuple(
            WaitCase(
                tool,
                k,
                timings[name(tool, k)],
                ok[name(tool, k)],
                calls[name(tool, k)],
                *cpu.per_fetch(name(tool, k), calls[name(tool, k)]),
            )
            for tool in TOOLS
            for k in counts
        ),
        served=served,
        refused=refused,
        stop_reason=paired.stop_reason,
        server_on=server_on,
        clients_on=clients_on,
    )
