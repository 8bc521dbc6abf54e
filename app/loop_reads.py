"""PostgreSQL's hot reads awaited on the event loop, on asyncpg connections the worker holds.

A stored document's read is one statement. Run synchronously (app.db.HeldReads) its round trip
blocks the worker's event loop: no other request moves while PostgreSQL answers, and that wait,
not Python's CPU, was what kept PostgreSQL's article reads at ~0.65x SQLite's (bench/README.md).
Awaited here, the loop serves other requests during the round trip, and a search whose plan walks
many rows no longer needs the thread pool. asyncpg, because psycopg's async connections cost
~50-150 us more CPU per read than its synchronous ones; asyncpg's own Pool is not used either: its
acquire and release (with the reset it runs on release) cost more CPU than the read itself. What
is held is a list of idle connections in autocommit (asyncpg's default: each statement sees what
was committed before it), at most ``size`` in use at once (POSTGRES_LOOP_READS, 4: a few
overlap the round trips; ten or more in flight put as many PostgreSQL backends on the run queue
and the slowest percent of requests waited ~150 ms, bench/README.md), opened lazily with the
engine's URL and the app's statement timeout, one set per event loop (the app's lifespan).

The statements are the same PreparedRead objects the synchronous path runs, compiled once more
for asyncpg's ``$n`` parameters. Errors come out as SQLAlchemy's (OperationalError: the API's
503), so callers handle both paths alike. A connection that broke while idle (the server
restarted, a proxy closed it) is replaced and the read retried once, as HeldReads does.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, OperationalError

from app.db import PreparedRead

ASYNCPG = asyncpg_dialect()
# SQLSTATE classes that mean "unavailable, try again" rather than a fault of the statement:
# connection exceptions, insufficient resources, operator intervention (57014 is a statement
# timeout), transaction rollback.
_UNAVAILABLE = ("08", "40", "53", "57")
# What a read or a connect can fail with: the server's errors, the driver's, the network's.
_FAILURES = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_DISABLED = {"", "none", "null"}  # psycopg: None never prepares (0 prepares at once)


def connect_arguments(url: URL, statement_timeout_ms: int) -> dict[str, Any]:
    """asyncpg.connect's arguments for an engine's URL (any PostgreSQL driver's): its libpq
    parameters pass on; psycopg's ``prepare_threshold`` set to none (a pooler that cannot keep
    prepared statements) turns asyncpg's statement cache off; ``connect_timeout`` is asyncpg's
    ``timeout``."""
    query = {key: value for key, value in url.query.items() if isinstance(value, str)}
    threshold = query.pop("prepare_threshold", None)
    never_prepare = threshold is not None and threshold.lower() in _DISABLED
    timeout = float(query.pop("connect_timeout", "30") or 30)
    dsn = url.set(drivername="postgresql", query=query).render_as_string(hide_password=False)
    return {
        "dsn": dsn,
        "timeout": timeout,
        "statement_cache_size": 0 if never_prepare else 100,
        "server_settings": (
            {"statement_timeout": str(statement_timeout_ms)} if statement_timeout_ms else {}
        ),
    }


class LoopReads:
    """Held asyncpg connections of one event loop, for :class:`app.db.PreparedRead` statements.
    Made on the loop it serves (the app's lifespan)."""

    def __init__(self, url: URL, *, size: int, statement_timeout_ms: int) -> None:
        self._loop = asyncio.get_running_loop()
        self._arguments = connect_arguments(url, statement_timeout_ms)
        self._idle: list[asyncpg.Connection] = []
        self._slots = asyncio.Semaphore(max(1, size))
        # The server stops a statement at the timeout; this stops waiting for a server that went
        # silent (a dead network answers nothing), a little later.
        self._wait = statement_timeout_ms / 1000 + 5 if statement_timeout_ms else None
        self._closed = False

    def serves_running_loop(self) -> bool:
        """Whether the running event loop is this one's (asyncpg connections belong to one)."""
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    async def rows(
        self, read: PreparedRead, values: dict[str, Any], *, many: bool
    ) -> list[tuple[Any, ...]]:
        """Every row (``many``) or the first row of the statement, as a list of tuples."""
        sql, parameters = read.parameters(ASYNCPG, values)
        async with self._slots:
            for retry in (False, True):
                connection, fresh = await self._take(sql)
                try:
                    if many:
                        records = await connection.fetch(sql, *parameters, timeout=self._wait)
                    else:
                        record = await connection.fetchrow(sql, *parameters, timeout=self._wait)
                        records = [record] if record is not None else []
                except _FAILURES as exc:
                    gone = connection.is_closed() or isinstance(exc, TimeoutError)
                    if gone:
                        connection.terminate()
                        if not fresh and not retry:
                            continue  # it broke while idle: a read may be run again
                    else:
                        self._give(connection)
                    raise _error(sql, parameters, exc, gone) from exc
                except BaseException:
                    connection.terminate()  # cancelled half-way: its state is unknown
                    raise
                self._give(connection)
                return [tuple(record) for record in records]
        raise AssertionError("unreachable")  # pragma: no cover

    async def _take(self, sql: str) -> tuple[asyncpg.Connection, bool]:
        if self._closed:
            raise OperationalError(sql, None, RuntimeError("the reads are closed"))
        while self._idle:
            connection = self._idle.pop()
            if not connection.is_closed():
                return connection, False
        try:
            return await asyncpg.connect(**self._arguments), True
        except _FAILURES as exc:
            raise OperationalError(sql, None, exc) from exc

    def _give(self, connection: asyncpg.Connection) -> None:
        if self._closed or connection.is_closed():
            connection.terminate()
        else:
            self._idle.append(connection)

    async def close(self) -> None:
        """Close the idle connections; those in use close when they are given back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            try:
                await connection.close(timeout=2)
            except Exception:  # noqa: BLE001 - gone already, or too slow to say goodbye
                connection.terminate()


def _error(sql: str, parameters: Any, exc: BaseException, gone: bool) -> DatabaseError:
    """The read's failure as SQLAlchemy would raise it from a synchronous driver."""
    state = getattr(exc, "sqlstate", None) or ""
    if gone or not isinstance(exc, asyncpg.PostgresError) or state[:2] in _UNAVAILABLE:
        return OperationalError(sql, parameters, exc, connection_invalidated=gone)
    return DatabaseError(sql, parameters, exc)
