"""Prepared reads (the stored-document lookups of the hot routes) on both databases: they see
every commit at once, and on PostgreSQL their held autocommit connections survive the server
closing them, keep the statement timeout, hold no transaction open and go with the engine."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, column, func, select, table, text
from sqlalchemy.exc import OperationalError

from app.db import PreparedRead, make_engine

RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
BACKEND = PreparedRead(select(func.pg_backend_pid()))


@pytest.fixture
def probe(database_url: str) -> Iterator[tuple[Engine, PreparedRead, str]]:
    """An engine, a table of its own with one committed row (1, 'a'), and a prepared read of it."""
    yield from _probe(database_url)


@pytest.fixture
def postgres_probe(postgres_url: str) -> Iterator[tuple[Engine, PreparedRead, str]]:
    """The probe on PostgreSQL, whose reads run on held connections (SQLite's on its pool)."""
    yield from _probe(postgres_url)


def _probe(url: str) -> Iterator[tuple[Engine, PreparedRead, str]]:
    engine = make_engine(url, pool_size=2)
    name = f"held_probe_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, v TEXT)"))
        connection.execute(text(f"INSERT INTO {name} VALUES (1, 'a')"))
    probe = table(name, column("id"), column("v"))
    read = PreparedRead(select(probe.c.v).where(probe.c.id == 1))
    try:
        yield engine, read, name
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TABLE {name}"))
        engine.dispose()


def test_a_prepared_read_sees_each_commit_on_its_next_run(
    probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, read, name = probe
    assert read.first(engine, {}) == ("a",)
    for value in ("b", "c"):
        with engine.begin() as connection:
            connection.execute(text(f"UPDATE {name} SET v = :v WHERE id = 1"), {"v": value})
        assert read.first(engine, {}) == (value,)
    with engine.begin() as connection:
        connection.execute(text(f"DELETE FROM {name}"))
    assert read.first(engine, {}) is None


def test_a_prepared_read_holds_no_transaction_between_runs(
    postgres_probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, read, _name = postgres_probe
    read.first(engine, {})
    (pid,) = BACKEND.first(engine, {}) or (None,)
    with engine.connect() as connection:
        state = connection.execute(
            text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar()
    assert state == "idle"  # not "idle in transaction": no snapshot is kept between reads


def test_a_held_connection_the_server_closed_is_replaced_without_an_error(
    postgres_probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, read, _name = postgres_probe
    (pid,) = BACKEND.first(engine, {}) or (None,)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    deadline = time.monotonic() + 10
    while _backend_alive(engine, pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert read.first(engine, {}) == ("a",)
    (new_pid,) = BACKEND.first(engine, {}) or (None,)
    assert new_pid != pid


def test_held_connections_keep_the_statement_timeout(postgres_url: str) -> None:
    engine = make_engine(postgres_url, pool_size=1, statement_timeout_ms=300)
    try:
        runaway = PreparedRead(text(RUNAWAY))
        (pid,) = BACKEND.first(engine, {}) or (None,)
        start = time.monotonic()
        with pytest.raises(OperationalError):
            runaway.first(engine, {})
        assert time.monotonic() - start < 10
        assert BACKEND.first(engine, {}) == (pid,)  # a cancelled read keeps its connection
    finally:
        engine.dispose()


def test_disposing_of_the_engine_closes_its_held_connections(postgres_url: str) -> None:
    engine = make_engine(postgres_url, pool_size=1)
    (pid,) = BACKEND.first(engine, {}) or (None,)
    engine.dispose()
    deadline = time.monotonic() + 10
    while _backend_alive(engine, pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _backend_alive(engine, pid)
    engine.dispose()


def _backend_alive(engine: Engine, pid: int | None) -> bool:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar()
    return bool(found)
