"""Engines per dialect: SQLite tuned for serving (WAL, busy timeout, FKs), PostgreSQL pooled."""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlmodel import Session

from app.config import get_settings


def _limit_without_offset(compiler: SQLiteCompiler, select: Any, **kw: Any) -> str:
    """SQLAlchemy's SQLite compiler appends ``OFFSET 0`` to every LIMIT; we page by keyset and
    never skip rows, so the SQL says exactly that (and audits of the SQL find no OFFSET)."""
    if select._offset_clause is not None:
        return _sqlite_limit_clause(compiler, select, **kw)
    if select._limit_clause is None:
        return ""
    return "\n LIMIT " + compiler.process(select._limit_clause, **kw)


_sqlite_limit_clause = SQLiteCompiler.limit_clause
SQLiteCompiler.limit_clause = _limit_without_offset  # type: ignore[method-assign, assignment]


def make_engine(
    database_url: str, *, pool_size: int = 10, statement_timeout_ms: int = 0
) -> Engine:
    """An engine for ``database_url``; a statement running past ``statement_timeout_ms`` (when
    not 0) is cancelled by the database and raises OperationalError (the API's 503)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size
        )
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        if statement_timeout_ms:
            _limit_sqlite_statements(engine, statement_timeout_ms / 1000)
        return engine
    connect_args = (
        {"options": f"-c statement_timeout={statement_timeout_ms}"} if statement_timeout_ms else {}
    )
    engine = create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, connect_args=connect_args
    )
    _ping_when_idle(engine)
    return engine


class _StatementClock:
    """When the running statement must stop; SQLite asks through its progress handler."""

    __slots__ = ("deadline",)

    def __init__(self) -> None:
        self.deadline = math.inf

    def expired(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0


def _limit_sqlite_statements(engine: Engine, seconds: float) -> None:
    """SQLite has no statement timeout: a progress handler (every 10,000 VM steps, ~1 ms)
    interrupts a statement, fetching included, once it has run ``seconds``."""

    def install(dbapi_connection: Any, record: Any) -> None:
        clock = _StatementClock()
        record.info["statement_clock"] = clock
        dbapi_connection.set_progress_handler(clock.expired, 10_000)

    def start(conn: Any, *_args: Any) -> None:
        clock = conn.info.get("statement_clock")
        if clock is not None:
            clock.deadline = time.monotonic() + seconds

    def stop(conn: Any, *_args: Any) -> None:
        clock = conn.info.get("statement_clock")
        if clock is not None:
            clock.deadline = math.inf  # the transaction's end is not part of a statement

    event.listen(engine, "connect", install)
    event.listen(engine, "before_cursor_execute", start)
    event.listen(engine, "commit", stop)
    event.listen(engine, "rollback", stop)


IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle for a while.

    ``pool_pre_ping`` would add a round trip to every request. A connection in steady use is
    known to be alive; one idle for IDLE_PING_SECONDS may have been closed by the server or a
    proxy, so it is pinged first, and a dead one is replaced (the pool retries the checkout).
    """

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - any failure means the connection is gone
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("connection did not answer a ping")

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens transactions lazily, on its own, which breaks SAVEPOINTs: SQLAlchemy emits
    # BEGIN itself instead (_begin_sqlite), as its documentation recommends.
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite; WAL lets readers run beside the one writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    # A write transaction takes the write lock at BEGIN (IMMEDIATE): a transaction that read
    # first and then writes could fail at once with SQLITE_BUSY when another writer got there.
    immediate = connection.get_execution_options().get("sqlite_begin") == "immediate"
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        statement_timeout_ms=settings.statement_timeout_ms,
    )


async def get_session() -> AsyncIterator[Session]:
    """One session per request. async, so FastAPI opens and closes it on the event loop instead
    of two thread-pool hops; sync routes still use it from their worker thread."""
    with Session(get_engine()) as session:
        yield session


class PreparedRead:
    """A SELECT compiled once per dialect, for the hottest reads: run on a pooled DBAPI connection
    with the driver's own cursor (no Session, no BEGIN, no statement construction or result
    metadata per request), or on a given Connection (which SQLAlchemy's events see: tests count
    its statements, and a test's transaction holds the rows it reads)."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}

    def _for(self, dialect: Any) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup) if compiled.positional else None
            found = self._compiled[dialect.name] = (
                compiled.string, names, dict(compiled.construct_params(_check=False))
            )
        return found

    def _parameters(self, dialect: Any, values: dict[str, Any]) -> tuple[str, Any]:
        sql, names, defaults = self._for(dialect)
        given = {**defaults, **values}
        return sql, tuple(given[name] for name in names) if names is not None else given

    def first(self, source: Engine | Connection, values: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row for these parameter values, or None."""
        if isinstance(source, Connection):
            sql, parameters = self._parameters(source.dialect, values)
            row = source.exec_driver_sql(sql, parameters).first()
            return tuple(row) if row is not None else None
        dialect = source.dialect
        sql, parameters = self._parameters(dialect, values)
        connection = source.raw_connection()
        # One statement needs no transaction: on PostgreSQL, autocommit spares the ROLLBACK
        # round trip the pool sends when the connection goes back. (SQLite's connections are in
        # autocommit mode already: SQLAlchemy emits BEGIN itself, app.db._begin_sqlite.)
        driver = connection.driver_connection if dialect.name == "postgresql" else None
        previous = driver.autocommit if driver is not None else None
        cursor = None
        try:
            if driver is not None:
                driver.autocommit = True
            cursor = connection.cursor()
            cursor.execute(sql, parameters)
            found = cursor.fetchone()
        except dialect.loaded_dbapi.Error as exc:
            # As SQLAlchemy would: a dead connection leaves the pool, and the error is raised as
            # its DBAPIError (OperationalError is the API's 503), not as the driver's own.
            invalidated = dialect.is_disconnect(exc, connection.dbapi_connection, cursor)
            if invalidated:
                connection.invalidate(exc)
            raise DBAPIError.instance(
                sql, parameters, exc, dialect.loaded_dbapi.Error,
                connection_invalidated=invalidated, dialect=dialect,
            ) from exc
        finally:
            if cursor is not None:
                try:
                    cursor.close()
                except Exception:  # noqa: BLE001, S110 - the connection may be gone already
                    pass
            if driver is not None and connection.is_valid:
                try:
                    driver.autocommit = previous  # as the pool's other users expect it
                except Exception:  # noqa: BLE001 - a broken connection is invalidated below
                    connection.invalidate()
            connection.close()  # back to the pool
        return tuple(found) if found is not None else None
