"""What the prepared-read tests share (tests/test_held_reads.py, tests/test_loop_reads.py): a
table of the test's own with one committed row, a statement that names the PostgreSQL backend
serving it, a statement that runs forever, and a wait for a backend to leave."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

from sqlalchemy import Engine, column, func, select, table, text

from app.db import PreparedRead, make_engine

RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
BACKEND = PreparedRead(select(func.pg_backend_pid()))


def read_probe(url: str) -> Iterator[tuple[Engine, PreparedRead, str]]:
    """An engine, a table of its own with one committed row (1, 'a'), and a prepared read of it;
    the table is dropped and the engine disposed of after."""
    engine = make_engine(url, pool_size=2)
    name = f"read_probe_{uuid.uuid4().hex[:8]}"
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


def backend_alive(engine: Engine, backend: int | None) -> bool:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": backend}
        ).scalar()
    return bool(found)


def wait_until_gone(engine: Engine, backend: int | None) -> None:
    """Waits (up to 10 s) for a backend to leave (blocking: tests only)."""
    deadline = time.monotonic() + 10
    while backend_alive(engine, backend) and time.monotonic() < deadline:
        time.sleep(0.05)
