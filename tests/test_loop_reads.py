"""PostgreSQL's hot reads awaited on the event loop (app.loop_reads): they see every commit at
once, survive the server closing a connection, keep the statement timeout, never hold more
connections than asked, drop a connection whose read was cancelled half-way, close with the app;
and the app's hot routes read through them, answering exactly as the synchronous reads do."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

import app.main
from app.db import PreparedRead, make_engine
from app.ingest.ojs_page import parse_page
from app.loop_reads import LoopReads, connect_arguments
from app.services.loading import store_record
from tests.support.read_probe import BACKEND, RUNAWAY, backend_alive, wait_until_gone

SLEEPY = PreparedRead(select(func.pg_backend_pid(), func.pg_sleep(0.05)))


def test_connect_arguments_keep_the_urls_parameters_and_add_the_statement_timeout() -> None:
    url = make_url(
        "postgresql+psycopg://reader:s%40cret@db.example:6543/journal"
        "?sslmode=require&application_name=api&connect_timeout=7"
    )
    found = connect_arguments(url, 1500)
    assert found["dsn"] == (
        "postgresql://reader:s%40cret@db.example:6543/journal?application_name=api&sslmode=require"
    )
    assert found["timeout"] == 7.0
    assert found["server_settings"] == {"statement_timeout": "1500"}
    assert found["statement_cache_size"] > 0
    assert connect_arguments(url, 0)["server_settings"] == {}


@pytest.mark.parametrize(("threshold", "cache"), [("None", 0), ("none", 0), ("0", 100)])
def test_a_pooler_that_cannot_prepare_turns_the_statement_cache_off(
    threshold: str, cache: int
) -> None:
    url = make_url(f"postgresql+psycopg://u@h/d?prepare_threshold={threshold}")
    found = connect_arguments(url, 0)
    assert found["statement_cache_size"] == cache
    assert "prepare_threshold" not in found["dsn"]


def test_a_database_that_cannot_be_reached_is_an_operational_error() -> None:
    async def body() -> None:
        reads = LoopReads(make_url("postgresql://u@127.0.0.1:1/d"), size=1, statement_timeout_ms=0)
        with pytest.raises(OperationalError):  # the API's 503
            await reads.rows(BACKEND, {}, many=False)
        await reads.close()

    asyncio.run(body())


def on_loop(
    engine: Engine, body: Callable[[LoopReads], Awaitable[Any]], size: int = 2, timeout: int = 0
) -> Any:
    """``body`` run with loop reads of ``engine`` made on a fresh event loop, closed after."""

    async def run() -> Any:
        reads = LoopReads(engine.url, size=size, statement_timeout_ms=timeout)
        try:
            return await body(reads)
        finally:
            await reads.close()

    return asyncio.run(run())


async def pid(reads: LoopReads) -> int:
    return (await reads.rows(BACKEND, {}, many=False))[0][0]


def test_a_loop_read_sees_each_commit_on_its_next_run(
    postgres_probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, read, name = postgres_probe

    async def body(reads: LoopReads) -> None:
        assert await reads.rows(read, {}, many=False) == [("a",)]
        for value in ("b", "c"):
            with engine.begin() as connection:
                connection.execute(text(f"UPDATE {name} SET v = :v WHERE id = 1"), {"v": value})
            assert await reads.rows(read, {}, many=True) == [(value,)]
        with engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {name}"))
        assert await reads.rows(read, {}, many=False) == []

    on_loop(engine, body)


def test_a_connection_the_server_closed_is_replaced_without_an_error(
    postgres_probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, read, _name = postgres_probe

    async def body(reads: LoopReads) -> None:
        first = await pid(reads)
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        wait_until_gone(engine, first)
        assert await reads.rows(read, {}, many=False) == [("a",)]
        assert await pid(reads) != first

    on_loop(engine, body, size=1)


def test_loop_reads_keep_the_statement_timeout_and_their_connection(postgres_url: str) -> None:
    engine = make_engine(postgres_url, pool_size=1)

    async def body(reads: LoopReads) -> None:
        first = await pid(reads)
        start = time.monotonic()
        with pytest.raises(OperationalError):
            await reads.rows(PreparedRead(text(RUNAWAY)), {}, many=False)
        assert time.monotonic() - start < 10
        assert await pid(reads) == first  # a cancelled statement keeps its connection

    try:
        on_loop(engine, body, size=1, timeout=300)
    finally:
        engine.dispose()


def test_no_more_connections_than_asked_are_in_use_at_once(
    postgres_probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, _read, _name = postgres_probe

    async def body(reads: LoopReads) -> set[int]:
        rows = await asyncio.gather(*(reads.rows(SLEEPY, {}, many=False) for _ in range(8)))
        return {found[0][0] for found in rows}

    assert len(on_loop(engine, body, size=2)) <= 2


def test_a_read_cancelled_half_way_drops_its_connection(
    postgres_probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, _read, _name = postgres_probe

    async def body(reads: LoopReads) -> None:
        first = await pid(reads)
        sleep = PreparedRead(text("SELECT pg_sleep(5)"))
        slow = asyncio.ensure_future(reads.rows(sleep, {}, many=False))
        await asyncio.sleep(0.2)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        assert await pid(reads) != first  # its state was unknown: not given back

    on_loop(engine, body, size=1)


def test_closing_the_reads_closes_their_connections(
    postgres_probe: tuple[Engine, PreparedRead, str],
) -> None:
    engine, _read, _name = postgres_probe
    first = on_loop(engine, pid)
    wait_until_gone(engine, first)
    assert not backend_alive(engine, first)


# --------------------------------------------------------------------------- the app


HOT_PATHS = [
    "/articles/{id}",
    "/articles/{id}?include=references",
    "/articles/{id}/references",
    "/articles?limit=5",
    "/references?limit=3",
    "/references?q=placenta&limit=3",
    "/references?doi={doi}",
]


def test_the_apps_hot_routes_read_on_the_loop_and_answer_as_synchronous_reads_do(
    postgres_url: str,
    settings_env: pytest.MonkeyPatch,
    seed_page: str,
    seed_expected: dict[str, Any],
) -> None:
    engine = make_engine(postgres_url, pool_size=1)
    record = parse_page(seed_page, source_url=seed_expected["source"]["url"])
    with Session(engine) as session, session.begin():
        article_id = store_record(session, record).article_id
    doi = "10.1186/s12958-017-0315-9"  # the seed's first reference cites it
    paths = [path.format(id=article_id, doi=doi) for path in HOT_PATHS]
    reads: list[str] = []
    rows = LoopReads.rows

    async def counted(self: LoopReads, read: PreparedRead, *args: Any, **kwargs: Any) -> Any:
        reads.append(str(read.statement))
        return await rows(self, read, *args, **kwargs)

    settings_env.setattr(LoopReads, "rows", counted)
    settings_env.setenv("DATABASE_URL", postgres_url)
    answers: dict[str, list[tuple[int, bytes, str | None]]] = {}
    try:
        for setting in ("4", "0"):
            settings_env.setenv("POSTGRES_LOOP_READS", setting)
            app.main.get_settings.cache_clear()
            app.main.get_engine.cache_clear()
            with TestClient(app.main.create_app()) as client:
                answers[setting] = [
                    (found.status_code, found.content, found.headers.get("etag"))
                    for found in map(client.get, paths)
                ]
            if setting == "4":
                assert len(reads) == len(paths)  # each hot read was awaited on the loop
        assert answers["4"] == answers["0"]
        assert {status for status, _body, _tag in answers["4"]} == {200}

        # A write is seen by the next request, on the loop reads.
        settings_env.setenv("POSTGRES_LOOP_READS", "4")
        app.main.get_settings.cache_clear()
        app.main.get_engine.cache_clear()
        with TestClient(app.main.create_app()) as client:
            with Session(engine) as session, session.begin():
                store_record(session, dataclasses.replace(record, titles={"en": "Read anew"}))
            assert b"Read anew" in client.get(f"/articles/{article_id}").content
    finally:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM article WHERE id = :id"), {"id": article_id})
        engine.dispose()
