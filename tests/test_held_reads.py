"""Prepared reads (the stored-document lookups of the hot routes) on both databases: they see
every commit at once, and on PostgreSQL their held autocommit connections survive the server
closing them, keep the statement timeout, hold no transaction open and go with the engine."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from app.db import PreparedRead, make_engine
from tests.support.read_probe import (
    BACKEND,
    RUNAWAY,
    backend_alive,
    read_probe,
    wait_until_gone,
)


@pytest.fixture
def probe(database_url: str) -> Iterator[tuple[Engine, PreparedRead, str]]:
    yield from read_probe(database_url)


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
    wait_until_gone(engine, pid)
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
    wait_until_gone(engine, pid)
    assert not backend_alive(engine, pid)
    engine.dispose()
