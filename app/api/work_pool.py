"""A bounded pool for CPU-heavy request work: reference parsing, citation rendering, big exports.

Such work runs in FastAPI's worker threads, never on the event loop, but a burst of it could
still take every thread and every core. So at most ``HEAVY_WORKERS`` pieces run at once, at most
``HEAVY_QUEUE`` more wait (each at most ``HEAVY_WAIT_SECONDS``), and anything beyond is answered
at once with a 503 problem and ``Retry-After``: the server sheds the load it cannot carry instead
of stalling every client. Light requests (reads, /health) never pass through here.

When the server starts its graceful shutdown (:func:`begin_shutdown`, called by the served
protocol as uvicorn asks each connection to close), heavy work stops at its next check: a batch
parse between two strings, a streamed export between two pieces, new work before it starts. The
request gets a 503 problem (or, a streamed export, an early end), and the process exits within
its graceful timeout instead of finishing minutes of parsing nobody will read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from app.config import get_settings
from app.errors import ProblemError

_SHUTTING_DOWN = threading.Event()


def begin_shutdown() -> None:
    """The process is stopping: heavy work in flight stops at its next check."""
    _SHUTTING_DOWN.set()


def resume_work() -> None:
    """Heavy work is accepted again (tests that shut down in-process)."""
    _SHUTTING_DOWN.clear()


def shutting_down() -> bool:
    return _SHUTTING_DOWN.is_set()


def stop_if_shutting_down() -> None:
    """A 503 problem when the server is stopping (called between pieces of heavy work)."""
    if _SHUTTING_DOWN.is_set():
        raise ProblemError(
            503,
            "The server is shutting down; retry on another worker or in a few seconds.",
            title="Service Unavailable",
            headers={"Retry-After": "5", "Connection": "close"},
        )


class WorkPool:
    """Slots for heavy work with a bounded waiting line; thread-safe, used from worker threads."""

    def __init__(self, *, workers: int, queue: int, wait_seconds: float) -> None:
        self.workers = workers
        self.queue = queue
        self.wait_seconds = wait_seconds
        self._slots = threading.BoundedSemaphore(workers)
        self._lock = threading.Lock()
        self._waiting = 0
        self._running = 0

    def _busy(self, why: str) -> ProblemError:
        retry = max(1, round(self.wait_seconds / 2))
        return ProblemError(
            503,
            f"The server is busy with other heavy requests ({why}); retry in {retry} s.",
            title="Service Unavailable",
            headers={"Retry-After": str(retry)},
        )

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot while the block runs; a 503 problem if none frees up in time."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    @property
    def running(self) -> int:
        """Slots held right now."""
        return self._running

    def release(self) -> None:
        with self._lock:
            self._running -= 1
        self._slots.release()

    def acquire(self) -> None:
        """Take one slot (blocking, so from a worker thread), or a 503 problem if none frees up
        in time; give it back with :meth:`release`, from any thread (a streamed export takes it
        before its first piece and returns it after its last)."""
        stop_if_shutting_down()
        if not self._slots.acquire(blocking=False):
            with self._lock:
                if self._waiting >= self.queue:
                    raise self._busy(f"{self.workers} running, {self._waiting} waiting")
                self._waiting += 1
            try:
                acquired = self._slots.acquire(timeout=self.wait_seconds)
            finally:
                with self._lock:
                    self._waiting -= 1
            if not acquired:
                raise self._busy(f"no slot freed up within {self.wait_seconds:g} s")
        with self._lock:
            self._running += 1


@lru_cache(maxsize=1)
def work_pool() -> WorkPool:
    settings = get_settings()
    return WorkPool(
        workers=settings.heavy_workers,
        queue=settings.heavy_queue,
        wait_seconds=settings.heavy_wait_seconds,
    )


