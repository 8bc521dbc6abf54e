"""Statements over many rows at once, for the batch writers (app.services.article_rows,
app.services.reference_rows): lists bound in chunks, multi-row inserts whose new ids are matched
back to their rows, and the ids SQLite will give so a bulk insert needs no ``RETURNING``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Table, func, insert
from sqlalchemy import select as sa_select
from sqlmodel import Session

# Bound parameters per statement stay far below SQLite's limit (32,766) with lists this long.
IN_LIST = 500


def table_of(model: Any) -> Table:
    table: Table = model.__table__
    return table


def chunks(values: Sequence[Any], size: int = IN_LIST) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def insert_returning_ids(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], key: Sequence[str]
) -> list[int]:
    """Insert rows (multi-row statements); the id of each, in order. Ids are matched to rows by
    the ``key`` columns (unique among the rows), not by the order of RETURNING: SQLite does not
    promise one, and asking SQLAlchemy to sort makes it insert one row per statement there."""
    statement = insert(table).returning(table.c.id, *(table.c[name] for name in key))
    ids = {tuple(found): row_id for row_id, *found in session.execute(statement, rows)}
    return [ids[tuple(row[name] for name in key)] for row in rows]


def next_sqlite_id(session: Session, table: Table) -> int | None:
    """On SQLite, the id it would give the next row of ``table`` (one past the largest: an
    INTEGER PRIMARY KEY without AUTOINCREMENT), so a bulk insert can give the ids itself and
    needs no ``RETURNING`` (whose multi-row statements SQLAlchemy builds row by row). The
    caller holds the write lock. None on PostgreSQL, whose sequence gives ids."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    largest = session.execute(sa_select(func.max(table.c.id))).scalar()
    return (largest or 0) + 1
