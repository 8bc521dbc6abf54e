"""What one primary-key read costs the worker on PostgreSQL, by driver and way of holding it.

The hot reads of the API (app.loop_reads) are awaited through asyncpg on a few held connections.
This measures the choices behind that, in one run, on a throwaway database of 10,000 rows of
~2 KB text (an article document's size), 16 readers at once as wrk's 16 connections are:

- psycopg, synchronous, one held autocommit connection (app.db.HeldReads): the event loop is
  blocked for the whole round trip, so wall time per read is CPU plus the wait;
- asyncpg's own Pool (``async with pool.acquire()``), with and without its reset on release;
- asyncpg connections held in a list behind a semaphore (app.loop_reads), 1 to 8 of them.

It prints, per variant, wall time per read (what bounds a worker's rate when reads are all it
does) and this process's CPU per read. Run pinned to one core, as the API server is in
bench/api.py: ``taskset -c 0 .venv/bin/python bench/pg_reads.py``.
"""

from __future__ import annotations

import asyncio
import random
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import psycopg
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import postgres_database  # noqa: E402

ROWS = 10_000
READS = 8_000
READERS = 16
SQL = "SELECT id, body FROM doc WHERE id = $1"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _report(name: str, wall: float, cpu: float) -> None:
    print(f"{name:<44} {wall / READS * 1e6:6.0f} us wall/read {cpu / READS * 1e6:6.0f} us CPU/read")


def psycopg_held(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as connection:
        cursor = connection.cursor()
        sql = SQL.replace("$1", "%s")
        for _ in range(200):
            cursor.execute(sql, (random.randint(1, ROWS),))
            cursor.fetchone()
        started, cpu = time.perf_counter(), _cpu()
        for _ in range(READS):
            cursor.execute(sql, (random.randint(1, ROWS),))
            cursor.fetchone()
        _report("psycopg, synchronous, held", time.perf_counter() - started, _cpu() - cpu)


async def _readers(read: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    async def reader(count: int) -> None:
        for _ in range(count):
            await read()

    await reader(200)
    started, cpu = time.perf_counter(), _cpu()
    await asyncio.gather(*(reader(READS // READERS) for _ in range(READERS)))
    return time.perf_counter() - started, _cpu() - cpu


async def asyncpg_pool(dsn: str, size: int, reset: bool) -> None:
    async def no_reset(_connection: asyncpg.Connection) -> None:
        return None

    options: dict[str, Any] = {} if reset else {"reset": no_reset}
    pool = await asyncpg.create_pool(dsn, min_size=size, max_size=size, **options)

    async def read() -> None:
        async with pool.acquire() as connection:
            await connection.fetchrow(SQL, random.randint(1, ROWS))

    wall, cpu = await _readers(read)
    _report(f"asyncpg Pool of {size}, reset {'on' if reset else 'off'}", wall, cpu)
    await pool.close()


async def asyncpg_held(dsn: str, size: int) -> None:
    idle = [await asyncpg.connect(dsn) for _ in range(size)]
    slots = asyncio.Semaphore(size)

    async def read() -> None:
        async with slots:
            connection = idle.pop()
            try:
                await connection.fetchrow(SQL, random.randint(1, ROWS))
            finally:
                idle.append(connection)

    wall, cpu = await _readers(read)
    _report(f"asyncpg, {size} held (app.loop_reads)", wall, cpu)
    for connection in idle:
        await connection.close()


def main() -> None:
    with postgres_database() as url:
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, body TEXT)")
            connection.execute(
                "INSERT INTO doc SELECT g, repeat(md5(g::text), 64) "
                "FROM generate_series(1, %s) g",
                (ROWS,),
            )
            connection.execute("VACUUM ANALYZE doc")
        print(f"{READS:,} reads of {ROWS:,} rows, {READERS} readers at once")
        psycopg_held(dsn)
        for reset in (True, False):
            uvloop.run(asyncpg_pool(dsn, 4, reset))
        for size in (1, 2, 4, 8):
            uvloop.run(asyncpg_held(dsn, size))


if __name__ == "__main__":
    main()
