"""Bulk writes on the driver's executemany (app.db.BulkStatement) store exactly what SQLAlchemy's
own executemany stores, type processing included, on both databases; a statement that binds
other names than the rows' keys is left to SQLAlchemy."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    select,
    text,
    update,
)

from app.db import BulkStatement, insert_many

ROWS = [
    {"id": 1, "name": "Ə", "data": {"b": [1, "x"], "a": None}, "at": datetime(2026, 1, 2, 3, 4, 5)},
    {"id": 2, "name": None, "data": [], "at": datetime(2026, 12, 31, 23, 59, 59, 123456)},
]


@pytest.fixture
def tables(engine: Engine) -> Iterator[tuple[Table, Table]]:
    """Two tables of the same shape: one written by SQLAlchemy, one by BulkStatement."""
    metadata = MetaData()
    suffix = uuid.uuid4().hex[:8]
    made = tuple(
        Table(
            f"bulk_{side}_{suffix}",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("name", String),
            Column("data", JSON),
            Column("at", DateTime(timezone=False)),
        )
        for side in ("theirs", "ours")
    )
    metadata.create_all(engine)
    try:
        yield made[0], made[1]
    finally:
        metadata.drop_all(engine)


def _stored(connection: Connection, table: Table) -> list[tuple[object, ...]]:
    """The rows as the database holds them (JSON and dates as text, as SQLite stores them)."""
    as_text = "CAST(data AS TEXT), CAST(at AS TEXT)"
    return list(
        connection.execute(text(f"SELECT id, name, {as_text} FROM {table.name} ORDER BY id"))
    )


def test_inserted_rows_are_stored_as_sqlalchemy_stores_them(
    engine: Engine, tables: tuple[Table, Table]
) -> None:
    theirs, ours = tables
    with engine.begin() as connection:
        connection.execute(insert(theirs), ROWS)
        insert_many(connection, ours, ROWS)
    with engine.connect() as connection:
        assert _stored(connection, ours) == _stored(connection, theirs)
        assert list(connection.execute(select(ours))) == list(connection.execute(select(theirs)))


def test_updates_bind_their_own_names(engine: Engine, tables: tuple[Table, Table]) -> None:
    theirs, ours = tables
    changes = [{"key": 1, "value": {"z": 1}}, {"key": 2, "value": ["ü"]}]
    with engine.begin() as connection:
        for table in tables:
            connection.execute(insert(table), ROWS)
        statement = (
            update(theirs).where(theirs.c.id == bindparam("key")).values(data=bindparam("value"))
        )
        connection.execute(statement, changes)
        bulk = BulkStatement(
            update(ours).where(ours.c.id == bindparam("key")).values(data=bindparam("value")),
            ("key", "value"),
        )
        bulk.execute(connection, changes)
    with engine.connect() as connection:
        assert _stored(connection, ours) == _stored(connection, theirs)


def test_a_statement_binding_other_names_is_left_to_sqlalchemy(
    engine: Engine, tables: tuple[Table, Table]
) -> None:
    _theirs, ours = tables
    # The keys name only some of what the statement binds: the driver's SQL would not fit.
    bulk = BulkStatement(insert(ours).values(at=bindparam("when")), ("id", "name"))
    with engine.begin() as connection:
        assert bulk._for(connection.dialect) is None
        bulk.execute(connection, [{"id": 7, "name": "n", "when": datetime.now(UTC)}])
        assert connection.execute(select(ours.c.name)).scalar_one() == "n"
