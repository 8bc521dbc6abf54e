"""Whole-database backups as NDJSON: every table, every row, exactly, across SQLite and PostgreSQL.

The table list comes from the models' metadata (in foreign-key order), so a table added by a
later migration is backed up without any change here. Values are written by column type (dates
and times in ISO 8601, binary in base64, JSON documents as JSON) and read back by the same type,
so a dump restored into either database reads back the same rows. The file is one header line
(format, version, schema revision, tables), one line per row (``{"table": ..., "row": {...}}``),
and one closing line with the row counts, so a truncated file is refused, not half restored.

Restoring needs an empty database migrated to the dump's schema revision; it runs in one
transaction (a failed restore leaves the database as it was) and moves PostgreSQL's id
sequences past the restored ids, so new rows get fresh ids.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Table,
    TypeDecorator,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.sql import sqltypes
from sqlmodel import SQLModel

import app.models  # noqa: F401 - every table registers itself in SQLModel.metadata

FORMAT = "journal-metadata-backup"
VERSION = 1
BATCH = 500


class BackupError(ValueError):
    """A dump that cannot be written or restored; the message is one line."""


def tables() -> list[Table]:
    """Every table of the models, parents before children."""
    return list(SQLModel.metadata.sorted_tables)


def _python_type(column: Column[Any]) -> type | None:
    """What the column's values are, seen through decorating types (UTCDateTime → datetime)."""
    kind: Any = column.type
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type  # type: ignore[no-any-return]
    except NotImplementedError:
        return None


def _encoder(column: Column[Any]) -> Callable[[Any], Any]:
    kind = _python_type(column)
    if kind in (datetime, date, time):
        return lambda value: value.isoformat()
    if kind is bytes:
        return lambda value: base64.b64encode(value).decode("ascii")
    if kind is Decimal:
        return str
    return lambda value: value


def _decoder(column: Column[Any]) -> Callable[[Any], Any]:
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat
    if kind is date:
        return date.fromisoformat
    if kind is time:
        return time.fromisoformat
    if kind is bytes:
        return base64.b64decode
    if kind is Decimal:
        return Decimal
    return lambda value: value


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def dump_lines(connection: Connection) -> Iterator[str]:
    """The backup, line by line; rows are streamed, never held all at once."""
    chosen = tables()
    yield _line(
        {
            "format": FORMAT,
            "version": VERSION,
            "revision": _revision(connection),
            "tables": [table.name for table in chosen],
        }
    )
    counts: dict[str, int] = {}
    for table in chosen:
        encoders = {column.name: _encoder(column) for column in table.columns}
        order = list(table.primary_key.columns) or list(table.columns)
        result = connection.execution_options(yield_per=BATCH).execute(
            select(table).order_by(*order)
        )
        count = 0
        for row in result.mappings():
            values = {
                name: None if value is None else encoders[name](value)
                for name, value in row.items()
            }
            yield _line({"table": table.name, "row": values})
            count += 1
        counts[table.name] = count
    yield _line({"end": True, "counts": counts})


def _line(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def dump(engine: Engine, out: IO[str]) -> dict[str, int]:
    """Write the whole database to ``out``, in one read transaction; returns rows per table."""
    counts: dict[str, int] = {}
    with engine.connect() as connection, connection.begin():
        for line in dump_lines(connection):
            out.write(line)
            if line.startswith('{"end":'):
                counts = json.loads(line)["counts"]
    return counts


def _documents(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError as exc:
            raise BackupError(f"line {number} is not JSON: {exc}") from None
        if not isinstance(document, dict):
            raise BackupError(f"line {number} is not a JSON object")
        yield number, document


def restore(engine: Engine, lines: Iterable[str]) -> dict[str, int]:
    """Load a dump into an empty database at the dump's schema revision, in one transaction."""
    documents = _documents(lines)
    first = next(documents, None)
    if first is None:
        raise BackupError("the file is empty")
    _, header = first
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BackupError(f"not a {FORMAT} version {VERSION} file")
    known = {table.name: table for table in tables()}
    with engine.connect() as connection, connection.begin():
        revision = _revision(connection)
        if revision != header.get("revision"):
            raise BackupError(
                f"the dump is of schema revision {header.get('revision')}, the database is at "
                f"{revision}: migrate the database to the dump's revision first"
            )
        unknown = sorted(set(header.get("tables") or []) - set(known))
        if unknown:
            raise BackupError(f"the dump has tables this version does not know: {unknown}")
        for table in known.values():
            if connection.execute(select(func.count()).select_from(table)).scalar():
                raise BackupError(f"the database is not empty (table {table.name} has rows)")
        counts = _insert_rows(connection, known, documents, header.get("tables") or [])
        _reset_sequences(connection, known.values())
    return counts


def _insert_rows(
    connection: Connection,
    known: dict[str, Table],
    documents: Iterator[tuple[int, dict[str, Any]]],
    names: list[str],
) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(names, 0)
    batch: list[dict[str, Any]] = []
    current: Table | None = None
    decoders: dict[str, Callable[[Any], Any]] = {}

    def flush() -> None:
        if current is not None and batch:
            connection.execute(insert(current), batch)
            batch.clear()

    for number, document in documents:
        if document.get("end") is True:
            flush()
            expected = document.get("counts")
            if expected != counts:
                raise BackupError(f"row counts {counts} differ from the closing line's {expected}")
            return counts
        name, row = document.get("table"), document.get("row")
        if name not in known or not isinstance(row, dict):
            raise BackupError(f"line {number}: not a row of a known table")
        table = known[name]
        if table is not current:
            flush()
            current = table
            decoders = {column.name: _decoder(column) for column in table.columns}
        try:
            batch.append(
                {key: None if value is None else decoders[key](value) for key, value in row.items()}
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise BackupError(f"line {number}: bad value in table {name}: {exc}") from None
        counts[name] = counts.get(name, 0) + 1
        if len(batch) >= BATCH:
            flush()
    raise BackupError("the file ends before its closing line: it is truncated")


def _reset_sequences(connection: Connection, chosen: Iterable[Table]) -> None:
    """PostgreSQL's serial sequences do not see explicit ids: move each past the largest one."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the next id from the table itself
    for table in chosen:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sqltypes.Integer) or column.autoincrement is False:
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            ).scalar()
            if sequence:
                connection.execute(
                    text(
                        f'SELECT setval(:sequence, COALESCE((SELECT MAX("{column.name}") '
                        f'FROM "{table.name}"), 1), (SELECT COUNT(*) > 0 FROM "{table.name}"))'
                    ),
                    {"sequence": sequence},
                )
