"""A runaway statement is cancelled on both databases, and the API answers it with a 503 problem."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.db import PreparedRead, make_engine
from app.errors import install_error_handlers

# Counts without end: only the timeout stops it (same SQL on SQLite and PostgreSQL).
RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def test_a_runaway_statement_is_cancelled_and_the_connection_stays_usable(
    database_url: str,
) -> None:
    engine = make_engine(database_url, pool_size=1, statement_timeout_ms=300)
    try:
        with engine.connect() as connection:
            start = time.monotonic()
            with pytest.raises(OperationalError):
                connection.execute(text(RUNAWAY)).scalar()
            assert time.monotonic() - start < 10
            connection.rollback()
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_prepared_read_on_the_driver_cursor_is_cancelled_too(database_url: str) -> None:
    """The hot reads run the driver's cursor with no SQLAlchemy events: the timeout holds."""
    engine = make_engine(database_url, pool_size=1, statement_timeout_ms=300)
    runaway = PreparedRead(text(RUNAWAY))
    try:
        start = time.monotonic()
        with pytest.raises(OperationalError):
            runaway.all(engine, {})
        assert time.monotonic() - start < 10
        assert PreparedRead(text("SELECT 1")).first(engine, {}) == (1,)
    finally:
        engine.dispose()


def test_without_a_timeout_quick_statements_run_as_before(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 2")).scalar() == 2
    finally:
        engine.dispose()


def test_a_cancelled_statement_is_a_503_problem_with_retry_after() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/slow")
    def slow() -> None:
        raise OperationalError(RUNAWAY, {}, Exception("canceling statement due to timeout"))

    response = TestClient(app, raise_server_exceptions=False).get("/slow")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert RUNAWAY not in response.text  # no SQL leaks to the client
