"""A slow web service on this machine, for the waiting experiment.

:func:`local_server` - a real HTTP server on 127.0.0.1 (a random free port)
in a process of its own, each answer delayed by a fixed time, as a slow web
service would be. It answers at most ``max_requests`` requests (then
``503``), logs nothing and is shut down when the ``with`` block ends, also
after an error.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..core.config import mp_context
from ..core.validate import positive_float, positive_int

#: Seconds a client waits for one answer before giving up (and the server
#: to start or stop).
TIMEOUT = 10.0


# --- the server ----------------------------------------------------------------


@dataclass
class _Shared:
    """What the server process writes and the client reads: requests
    answered (``served``) and refused, and the server's CPU time when it
    last answered (``cpu``, -1 before any answer), as shared values."""

    served: Any
    refused: Any
    cpu: Any


async def _answer(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    delay: float,
    max_requests: int,
    shared: _Shared,
) -> None:
    """Answer one HTTP request: wait ``delay`` s, then send the path back;
    then store the server's CPU time so far in ``shared.cpu``."""
    try:
        request = await reader.readline()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # skip the headers
        parts = request.split()
        path = parts[1] if len(parts) >= 2 else b"/"
        with shared.served.get_lock():
            allowed = shared.served.value < max_requests
            if allowed:
                shared.served.value += 1
        if allowed:
            await asyncio.sleep(delay)  # the slow service: waiting, not computing
            head = b"HTTP/1.0 200 OK\r\n"
            body = path
        else:
            with shared.refused.get_lock():
                shared.refused.value += 1
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
        # read in the server, to the nanosecond (the kernel's per-process
        # figures, read from outside, count in 10 ms ticks)
        shared.cpu.value = time.process_time()


async def _serve_until(
    delay: float, max_requests: int, port_out: Any, shared: _Shared, stop: Any
) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda loop, context: None)  # nothing to stderr
    server = await asyncio.start_server(
        lambda r, w: _answer(r, w, delay, max_requests, shared),
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
    delay: float, max_requests: int, port_out: Any, shared: _Shared, stop: Any
) -> None:
    """The server process: bind 127.0.0.1, report the port, serve until ``stop``."""
    asyncio.run(_serve_until(delay, max_requests, port_out, shared, stop))


@dataclass
class ServerInfo:
    """A running :func:`local_server`: its address and what it has answered."""

    url: str
    _shared: _Shared
    pid: int | None = None
    """The server process's id."""
    cpu: int | None = None
    """The one CPU the server runs on, if it was given one."""

    def cpu_seconds(self) -> float | None:
        """The server process's CPU time (user and system, its own clock)
        when it last answered, seconds; None before any answer."""
        cpu = self._shared.cpu.value
        return None if cpu < 0 else float(cpu)

    @property
    def served(self) -> int:
        """Requests answered with ``200`` so far."""
        return int(self._shared.served.value)

    @property
    def refused(self) -> int:
        """Requests refused (beyond ``max_requests``) so far."""
        return int(self._shared.refused.value)


@contextmanager
def local_server(
    delay: float = 0.003, max_requests: int = 10_000, *, cpu: int | None = None
) -> Iterator[ServerInfo]:
    """An HTTP server on 127.0.0.1 answering each GET after ``delay`` seconds.

    A small asyncio server (one thread, cheap per request) in a process of
    its own (started from
    :func:`~parallel_python.config.mp_context`), so its Python work does not
    compete with the clients' for one GIL: the clients are measured alone.
    The answer's body is the requested path. At most ``max_requests``
    requests get an answer; later ones get ``503``. ``cpu``: the server runs
    on that CPU only (Linux; elsewhere it is ignored). The server is stopped
    and its process joined when the block ends, whatever happened inside it.
    """
    delay = positive_float("delay", delay)
    max_requests = positive_int("max_requests", max_requests)
    if cpu is not None and not hasattr(os, "sched_setaffinity"):
        cpu = None  # pragma: no cover - CPUs cannot be chosen here
    if cpu is not None and cpu not in os.sched_getaffinity(0):
        raise ValueError(
            f"cpu {cpu!r} is not one this process may use: "
            f"{sorted(os.sched_getaffinity(0))}"
        )
    ctx = mp_context()
    shared = _Shared(ctx.Value("i", 0), ctx.Value("i", 0), ctx.Value("d", -1.0))
    stop = ctx.Event()
    port_in, port_out = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_serve,
        args=(delay, max_requests, port_out, shared, stop),
        name="local-http-server",
        daemon=True,
    )
    process.start()
    try:
        if cpu is not None:
            os.sched_setaffinity(process.pid, {cpu})
        if not port_in.poll(TIMEOUT):
            raise RuntimeError("the local HTTP server did not start")
        port = port_in.recv()
        yield ServerInfo(f"http://127.0.0.1:{port}", shared, process.pid, cpu)
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
