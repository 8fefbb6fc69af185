"""Part 1: locks, deadlocks and other ways to take turns.

* :func:`run_locks` - one run of four small demonstrations:

  - **deadlock**: two threads take two locks in opposite order. Barriers make
    it certain that each holds its first lock before it asks for its second,
    and that neither lets go before both have asked, so both wait for each
    other; every wait has a timeout, so the deadlock is *detected* (both give
    up) instead of hanging the program;
  - **the fix**: the same two threads, both taking A before B, both finish;
  - **re-entry**: a thread asking again for a :class:`threading.Lock` it
    already holds is refused when the timeout runs out (without one it would
    wait for ever), while a :class:`threading.RLock` lets its owner in again,
    and refuses a release from any other thread;
  - **semaphore**: ``cooks`` threads share ``workstations`` places guarded by
    a :class:`threading.BoundedSemaphore`; the most threads ever inside at
    once is recorded. A plain :class:`threading.Semaphore` released once too
    often lets one more in; a bounded one raises ``ValueError``.

Every thread is joined, with a bound, before :func:`run_locks` returns.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass

from ..core.machine import gil_enabled
from ..core.validate import positive_float, positive_int

#: The longest timeout the demonstration accepts, seconds.
LONGEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class Span:
    """One interval of a thread's timeline, in seconds since the run began.

    ``kind`` is ``"hold"`` (holding ``lock``) or ``"wait"`` (asking for it);
    a wait's ``granted`` tells whether it ended with the lock.
    """

    kind: str
    lock: str
    start: float
    end: float
    granted: bool = True

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Cook:
    """One thread of the two-lock demonstration.

    ``gave_up_on`` names the lock it stopped waiting for (``""`` if none);
    ``longest_wait`` is its longest wait for a lock, seconds.
    """

    name: str
    order: tuple[str, ...]
    finished: bool
    gave_up_on: str
    longest_wait: float
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class TwoLocks:
    """Two threads, two locks: in opposite orders, or both in the same order."""

    same_order: bool
    cooks: tuple[Cook, ...]
    seconds: float

    @property
    def gave_up(self) -> tuple[Cook, ...]:
        """The threads that gave up waiting: a deadlock, detected by a timeout."""
        return tuple(c for c in self.cooks if c.gave_up_on)

    @property
    def completed(self) -> bool:
        return all(c.finished for c in self.cooks)


@dataclass(frozen=True)
class Reentry:
    """A thread that holds a lock asks for it again (``kind``: Lock or RLock)."""

    kind: str
    granted: bool
    waited: float


@dataclass(frozen=True)
class Locks:
    """The four demonstrations of :func:`run_locks`; times in seconds."""

    timeout: float
    hold: float
    opposite: TwoLocks
    same: TwoLocks
    lock_again: Reentry
    rlock_again: Reentry
    rlock_other_release: str
    """The error a thread that did not own the RLock got when releasing it."""
    workstations: int
    cooks: int
    most_inside: int
    semaphore_seconds: float
    plain_admits_after_extra_release: int
    """How many a plain ``Semaphore(workstations)`` let in after one release
    too many (one more than ``workstations``)."""
    bounded_extra_release: str
    """The error a ``BoundedSemaphore`` raised for the same extra release."""
    python: str
    gil_enabled: bool


# --- thread targets (top level) ------------------------------------------------


def take_two(
    name: str,
    first: tuple[str, threading.Lock],
    second: tuple[str, threading.Lock],
    timeout: float,
    hold: float,
    gates: tuple[threading.Barrier, ...],
    origin: float,
    log: dict[str, Cook],
    errors: list[str],
    patience: float,
) -> None:
    """Take ``first``, then ``second``, each with a timeout; work ``hold``
    seconds holding both; let go. Gates (barriers) line the threads up:
    ``gates[0]`` before the first lock, ``gates[1]`` (if any) once each holds
    its first lock, ``gates[2]`` (if any) once each has asked for its second,
    before anyone lets go."""
    spans: list[Span] = []
    waits: list[float] = []
    gave_up = ""
    finished = False

    def now() -> float:
        return time.perf_counter() - origin

    def ask(label: str, lock: threading.Lock) -> bool:
        start = now()
        got = lock.acquire(timeout=timeout)
        spans.append(Span("wait", label, start, now(), got))
        waits.append(spans[-1].seconds)
        return got

    try:
        gates[0].wait(patience)
        if not ask(*first):
            gave_up = first[0]
            for gate in gates[1:]:  # the other thread need not wait for us
                gate.abort()
            return
        held_first = now()
        try:
            if len(gates) > 1:
                gates[1].wait(patience)  # both hold their first lock
            if ask(*second):
                held_second = now()
                time.sleep(hold)  # the work, holding both locks
                spans.append(Span("hold", second[0], held_second, now()))
                second[1].release()
                finished = True
            else:
                gave_up = second[0]
            if len(gates) > 2:
                gates[2].wait(patience)  # nobody lets go before both asked
        finally:
            # timestamps taken after acquiring and before releasing: the
            # recorded holds lie inside the real ones
            spans.append(Span("hold", first[0], held_first, now()))
            first[1].release()
    except threading.BrokenBarrierError:
        errors.append(f"{name}: the threads did not line up within {patience} s")
    finally:
        log[name] = Cook(
            name=name,
            order=(first[0], second[0]),
            finished=finished,
            gave_up_on=gave_up,
            longest_wait=max(waits, default=0.0),
            spans=tuple(sorted(spans, key=lambda s: s.start)),
        )


def release_other(lock: threading.RLock, seen: list[str]) -> None:
    """Try to release ``lock``, which another thread owns; note the error."""
    try:
        lock.release()
    except RuntimeError as exc:
        seen.append(type(exc).__name__)
    else:
        seen.append("")


def at_workstation(
    places: threading.BoundedSemaphore,
    inside: list[int],
    tally: threading.Lock,
    hold: float,
    patience: float,
    errors: list[str],
) -> None:
    """Take one of the places, work ``hold`` seconds, give it back.
    ``inside`` is ``[now inside, most ever inside]``, kept under ``tally``."""
    if not places.acquire(timeout=patience):
        errors.append(f"a cook found no workstation within {patience} s")
        return
    try:
        with tally:
            inside[0] += 1
            inside[1] = max(inside[1], inside[0])
        time.sleep(hold)
        with tally:
            inside[0] -= 1
    finally:
        places.release()


# --- the demonstrations ------------------------------------------------------


def _join_all(threads: list[threading.Thread], patience: float) -> None:
    deadline = time.monotonic() + patience
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    alive = [t.name for t in threads if t.is_alive()]
    if alive:
        raise RuntimeError(f"threads still running after {patience} s: {alive}")


def _two_locks(same_order: bool, timeout: float, hold: float, patience: float):
    a, b = ("A", threading.Lock()), ("B", threading.Lock())
    orders = ((a, b), (a, b)) if same_order else ((a, b), (b, a))
    gates = (threading.Barrier(2),)
    if not same_order:  # hold the first, ask, and let go only when both asked
        gates += (threading.Barrier(2), threading.Barrier(2))
    log: dict[str, Cook] = {}
    errors: list[str] = []
    origin = time.perf_counter()
    threads = [
        threading.Thread(
            target=take_two,
            args=(f"cook {i + 1}", *order, timeout, hold, gates, origin, log, errors),
            kwargs={"patience": patience},
            name=f"cook-{i + 1}",
            daemon=True,
        )
        for i, order in enumerate(orders)
    ]
    for t in threads:
        t.start()
    _join_all(threads, patience * 2)
    seconds = time.perf_counter() - origin
    if errors:
        raise RuntimeError("; ".join(errors))
    return TwoLocks(
        same_order=same_order,
        cooks=tuple(log[f"cook {i + 1}"] for i in range(len(orders))),
        seconds=seconds,
    )


def _again(kind: str, lock, timeout: float) -> Reentry:
    """The calling thread takes ``lock`` and asks for it once more."""
    lock.acquire()
    try:
        start = time.perf_counter()
        granted = lock.acquire(timeout=timeout)
        waited = time.perf_counter() - start
        if granted:
            lock.release()
    finally:
        lock.release()
    return Reentry(kind=kind, granted=granted, waited=waited)


def _other_release(patience: float) -> str:
    rlock = threading.RLock()
    seen: list[str] = []
    with rlock:
        helper = threading.Thread(
            target=release_other, args=(rlock, seen), name="not-the-owner", daemon=True
        )
        helper.start()
        _join_all([helper], patience)
    return seen[0]


def _semaphore(k: int, cooks: int, hold: float, patience: float) -> tuple[int, float]:
    places = threading.BoundedSemaphore(k)
    inside = [0, 0]
    tally = threading.Lock()
    errors: list[str] = []
    threads = [
        threading.Thread(
            target=at_workstation,
            args=(places, inside, tally, hold, patience, errors),
            name=f"semaphore-cook-{i + 1}",
            daemon=True,
        )
        for i in range(cooks)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    _join_all(threads, patience * 2)
    seconds = time.perf_counter() - start
    if errors:
        raise RuntimeError("; ".join(errors))
    return inside[1], seconds


def _over_release(k: int) -> tuple[int, str]:
    """Release a plain and a bounded semaphore of ``k`` once too often."""
    plain = threading.Semaphore(k)
    plain.release()  # one too many: nothing complains
    admitted = 0
    while admitted <= k + 1 and plain.acquire(blocking=False):
        admitted += 1
    bounded = threading.BoundedSemaphore(k)
    try:
        bounded.release()
    except ValueError as exc:
        error = type(exc).__name__
    else:
        error = ""
    return admitted, error


def run_locks(
    timeout: float = 0.2,
    hold: float = 0.01,
    *,
    workstations: int = 2,
    cooks: int = 5,
) -> Locks:
    """Deadlock detected by a timeout, its fix, Lock and RLock re-entry, and a
    semaphore of ``workstations`` places shared by ``cooks`` threads.

    ``timeout`` is how long a thread waits for a lock before giving up and
    ``hold`` how long it works holding one (seconds). ``hold`` must be under
    half the timeout: a timeout cannot tell a deadlock from a long wait.
    """
    timeout = positive_float("timeout", timeout)
    hold = positive_float("hold", hold)
    workstations = positive_int("workstations", workstations)
    cooks = positive_int("cooks", cooks)
    if timeout > LONGEST_TIMEOUT:
        raise ValueError(
            f"timeout must be at most {LONGEST_TIMEOUT} seconds for this "
            f"demonstration, got {timeout}"
        )
    if hold >= timeout / 2:
        raise ValueError(
            f"hold must be under half the timeout ({timeout / 2} s), got {hold}: "
            f"otherwise a thread waiting its turn would give up as if deadlocked"
        )
    patience = 5.0 + 10 * timeout + cooks * hold
    opposite = _two_locks(False, timeout, hold, patience)
    same = _two_locks(True, timeout, hold, patience)
    lock_again = _again("Lock", threading.Lock(), timeout)
    rlock_again = _again("RLock", threading.RLock(), timeout)
    other = _other_release(patience)
    most, seconds = _semaphore(workstations, cooks, hold, patience)
    admitted, bounded_error = _over_release(workstations)
    return Locks(
        timeout=timeout,
        hold=hold,
        opposite=opposite,
        same=same,
        lock_again=lock_again,
        rlock_again=rlock_again,
        rlock_other_release=other,
        workstations=workstations,
        cooks=cooks,
        most_inside=most,
        semaphore_seconds=seconds,
        plain_admits_after_extra_release=admitted,
        bounded_extra_release=bounded_error,
        python=sys.version.split()[0],
        gil_enabled=gil_enabled(),
    )
