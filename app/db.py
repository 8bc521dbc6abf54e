"""Engines per dialect: SQLite tuned for serving (WAL, busy timeout, FKs), PostgreSQL pooled."""

from __future__ import annotations

import math
import os
import threading
import time
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert
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


_CLOCK = "statement_clock"


class _StatementClock:
    """When the running statement must stop; SQLite asks through its progress handler."""

    __slots__ = ("deadline", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = math.inf

    def start(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def stop(self) -> None:
        self.deadline = math.inf

    def expired(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0


def _limit_sqlite_statements(engine: Engine, seconds: float) -> None:
    """SQLite has no statement timeout: a progress handler (every 10,000 VM steps, ~1 ms)
    interrupts a statement, fetching included, once it has run ``seconds``."""

    def install(dbapi_connection: Any, record: Any) -> None:
        clock = _StatementClock(seconds)
        record.info[_CLOCK] = clock
        dbapi_connection.set_progress_handler(clock.expired, 10_000)

    def start(conn: Any, *_args: Any) -> None:
        clock = conn.info.get(_CLOCK)
        if clock is not None:
            clock.start()

    def stop(conn: Any, *_args: Any) -> None:
        clock = conn.info.get(_CLOCK)
        if clock is not None:
            clock.stop()  # the transaction's end is not part of a statement

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
    # A checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: a bulk load's commits wrote the
    # same index and FTS pages back to the database (and synced it) again and again; as the
    # database grew, one commit in a few paid ~0.1 s of checkpoint (bench/README.md, load rate).
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
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
        self._compiled: dict[
            tuple[str, str], tuple[str, tuple[str, ...] | None, dict[str, Any]]
        ] = {}

    def _for(self, dialect: Any) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        key = (dialect.name, dialect.driver)  # psycopg's %(name)s, asyncpg's $1 (app.loop_reads)
        found = self._compiled.get(key)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            names = tuple(compiled.positiontup) if compiled.positional else None
            found = self._compiled[key] = (
                compiled.string, names, dict(compiled.construct_params(_check=False))
            )
        return found

    def parameters(self, dialect: Any, values: dict[str, Any]) -> tuple[str, Any]:
        """The SQL for ``dialect`` and these values in its driver's shape (a tuple when positional),
        the statement's own defaults (constants it binds) filled in."""
        sql, names, defaults = self._for(dialect)
        given = {**defaults, **values}
        return sql, tuple(given[name] for name in names) if names is not None else given

    def first(self, source: Engine | Connection, values: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row for these parameter values, or None."""
        rows = self.rows(source, values, many=False)
        return rows[0] if rows else None

    def all(self, source: Engine | Connection, values: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Every row for these parameter values (a page: the statement bounds them)."""
        return self.rows(source, values, many=True)

    def rows(
        self, source: Engine | Connection, values: dict[str, Any], *, many: bool
    ) -> list[tuple[Any, ...]]:
        """Every row (``many``) or the first row, as a list (app.loop_reads answers alike)."""
        sql, parameters = self.parameters(source.dialect, values)
        if isinstance(source, Connection):
            result = source.exec_driver_sql(sql, parameters)
            rows = result.all() if many else [row for row in [result.first()] if row is not None]
            return [tuple(row) for row in rows]
        if source.dialect.name == "postgresql":
            return _held_reads(source).run(sql, parameters, many=many)
        return _run_on_pool(source, sql, parameters, many=many)


class BulkStatement:
    """A DML statement (INSERT, UPDATE) compiled once per dialect and run as one executemany on
    the driver's cursor, for bulk writes of many rows with the same keys.

    What SQLAlchemy's executemany adds per row (each row's parameters built anew through the
    compiled statement) cost a bulk load more than SQLite's writing the rows. When the statement
    binds exactly ``keys``, its SQL goes to the driver as SQLAlchemy would send it, each value
    through the same type processor SQLAlchemy applies (JSON's serializer, SQLite's dates): the
    same statement and executemany, seen by the same events (statement counts alike). Any other
    statement SQLAlchemy runs as before.
    """

    def __init__(self, statement: Any, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = tuple(keys)
        self._compiled: dict[str, _Bulk | None] = {}

    def _for(self, dialect: Any) -> _Bulk | None:
        if dialect.name not in self._compiled:
            compiled = self.statement.compile(
                dialect=dialect, column_keys=list(self.keys), for_executemany=True
            )
            found = None
            if set(compiled.params) == set(self.keys):
                names = tuple(compiled.positiontup or ()) if compiled.positional else self.keys
                processors = tuple(
                    compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
                    for name in names
                )
                found = _Bulk(compiled.string, names, processors, compiled.positional)
            self._compiled[dialect.name] = found
        return self._compiled[dialect.name]

    def execute(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        found = self._for(connection.dialect)
        if found is None:
            connection.execute(self.statement, list(rows))
            return
        connection.exec_driver_sql(found.sql, found.parameters(rows))


@dataclass(frozen=True, slots=True)
class _Bulk:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Any, ...]
    positional: bool

    def parameters(self, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """Each row's values in the statement's order (its paramstyle's shape), processed."""
        names = self.names
        if not any(self.processors):
            if self.positional:
                return [tuple(row[name] for name in names) for row in rows]
            return list(rows)
        pairs = tuple(zip(names, self.processors, strict=True))
        if self.positional:
            return [tuple(_value(row, name, process) for name, process in pairs) for row in rows]
        return [{name: _value(row, name, process) for name, process in pairs} for row in rows]


def _value(row: dict[str, Any], name: str, process: Any) -> Any:
    return row[name] if process is None else process(row[name])


_INSERTS: dict[tuple[str, tuple[str, ...]], BulkStatement] = {}


def insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` rows (dicts with the same keys) as one :class:`BulkStatement`."""
    if not rows:
        return
    keys = tuple(rows[0])
    found = _INSERTS.get((table.name, keys))
    if found is None:
        found = _INSERTS[table.name, keys] = BulkStatement(insert(table), keys)
    found.execute(connection, rows)


def _fetch(cursor: Any, many: bool) -> list[tuple[Any, ...]]:
    if many:
        return [tuple(row) for row in cursor.fetchall()]
    row = cursor.fetchone()
    return [tuple(row)] if row is not None else []


def _run_on_pool(
    engine: Engine, sql: str, parameters: Any, *, many: bool
) -> list[tuple[Any, ...]]:
    """The rows (or first row) from a pooled connection's driver cursor (SQLite: its connections
    are in autocommit mode already, SQLAlchemy emits BEGIN itself, app.db._begin_sqlite)."""
    dialect = engine.dialect
    connection = engine.raw_connection()
    # SQLite's statement timeout, as SQLAlchemy's events start it for its own statements.
    clock: _StatementClock | None = connection.info.get(_CLOCK)
    cursor = None
    try:
        if clock is not None:
            clock.start()
        cursor = connection.cursor()
        cursor.execute(sql, parameters)
        found = _fetch(cursor, many)
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
        if clock is not None:
            clock.stop()
        if cursor is not None:
            try:
                cursor.close()
            except Exception:  # noqa: BLE001, S110 - the connection may be gone already
                pass
        connection.close()  # back to the pool
    return found


class HeldReads:
    """PostgreSQL driver connections held in autocommit mode for :class:`PreparedRead`, one set
    per engine and process.

    A stored document's read is one statement on the event loop, so its cost is the driver's
    round trip plus whatever is wrapped around it. Around it, SQLAlchemy's pool added a checkout
    and a checkin (events, reset, locks) and the autocommit mode was switched on and back off
    each time (without it the SELECT opens a transaction, and the checkin's ROLLBACK is a second
    round trip). Together that doubled the CPU of the read (bench/README.md). These connections
    are taken from the engine's pool once and detached from it (so they were made with the
    engine's own connect arguments: statement timeout, the dialect's setup), put in autocommit
    for good, and keep one cursor each; psycopg prepares the statement on the server after its
    fifth run (``prepare_threshold``, left to the DSN for poolers that cannot).

    Autocommit means every read sees what was committed before it started: nothing here can be
    staler than a read through a session. A connection whose read failed and that is broken or
    closed is dropped; the read is retried once on a new connection if the dead one had been
    held idle (the server restarted, a proxy closed it), which a read-only SELECT allows.
    """

    def __init__(self, engine: Engine) -> None:
        # Weak: the engine's registry maps it to this object, which must not keep it alive.
        self._engine = weakref.ref(engine)
        self.dialect = engine.dialect
        self.limit = max(1, getattr(engine.pool, "size", lambda: 1)())
        self._idle: list[tuple[Any, Any, Any]] = []  # (pool fairy, driver connection, cursor)
        self._pid = os.getpid()

    def run(self, sql: str, parameters: Any, *, many: bool) -> list[tuple[Any, ...]]:
        """Every row (``many``) or the first row of the statement, as a list."""
        dialect = self.dialect
        for retry in (False, True):
            held, fresh = self._take()
            _fairy, connection, cursor = held
            try:
                cursor.execute(sql, parameters)
                found = _fetch(cursor, many)
            except dialect.loaded_dbapi.Error as exc:
                gone = dialect.is_disconnect(exc, connection, cursor)
                if gone:
                    self._drop(held)
                    if not fresh and not retry:
                        continue
                else:
                    self._give(held)
                raise DBAPIError.instance(
                    sql, parameters, exc, dialect.loaded_dbapi.Error,
                    connection_invalidated=gone, dialect=dialect,
                ) from exc
            except BaseException:
                self._drop(held)  # cancelled half-way: the connection's state is unknown
                raise
            self._give(held)
            return found
        raise AssertionError("unreachable")  # pragma: no cover

    def _take(self) -> tuple[tuple[Any, Any, Any], bool]:
        if self._pid != os.getpid():  # a forked child must not share its parent's sockets
            self._idle, self._pid = [], os.getpid()
        try:
            return self._idle.pop(), False
        except IndexError:
            pass
        engine = self._engine()
        if engine is None:  # pragma: no cover - a caller holds the engine it reads through
            raise RuntimeError("the engine is gone")
        fairy = engine.raw_connection()
        connection: Any = fairy.driver_connection
        fairy.detach()  # the pool's slot is free again; closing the fairy closes the socket
        try:
            connection.autocommit = True
            return (fairy, connection, connection.cursor()), True
        except BaseException:
            fairy.close()
            raise

    def _give(self, held: tuple[Any, Any, Any]) -> None:
        if len(self._idle) < self.limit and not held[1].closed:
            self._idle.append(held)
        else:
            self._drop(held)

    def _drop(self, held: tuple[Any, Any, Any]) -> None:
        try:
            held[0].close()
        except Exception:  # noqa: BLE001, S110 - the connection may be gone already
            pass

    def on_dispose(self, *_args: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close every idle connection (the engine is being disposed of)."""
        idle, self._idle = self._idle, []
        if self._pid == os.getpid():
            for held in idle:
                self._drop(held)


_HELD: weakref.WeakKeyDictionary[Engine, HeldReads] = weakref.WeakKeyDictionary()
_HELD_LOCK = threading.Lock()


def _held_reads(engine: Engine) -> HeldReads:
    found = _HELD.get(engine)
    if found is None:
        with _HELD_LOCK:
            found = _HELD.get(engine)
            if found is None:
                found = _HELD[engine] = HeldReads(engine)
                event.listen(engine, "engine_disposed", found.on_dispose)
    return found
