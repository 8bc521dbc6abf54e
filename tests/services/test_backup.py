"""dump → restore is exact: every table, every row, across SQLite and PostgreSQL both ways."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlmodel import Session

from app.db import make_engine
from app.services import backup
from app.services.loading import store_record
from tests.conftest import ThrowawayDatabases, upgrade
from tests.corpus import corpus


def _fresh(databases: ThrowawayDatabases, dialect: str) -> Engine:
    url = databases.create(dialect)
    upgrade(url)
    return make_engine(url, pool_size=1)


def everything(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in backup.tables()
        }


@pytest.fixture(scope="module")
def filled(databases: ThrowawayDatabases) -> Iterator[dict[str, Engine]]:
    """One filled database per dialect: the seed page and the generated corpus."""
    engines = {}
    for dialect in ("sqlite", "postgresql"):
        engine = _fresh(databases, dialect)
        with Session(engine) as session, session.begin():
            for record in corpus()[:60]:
                store_record(session, record)
        engines[dialect] = engine
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.mark.parametrize("source", ["sqlite", "postgresql"])
@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_a_dump_restores_every_row_exactly(
    filled: dict[str, Engine], databases: ThrowawayDatabases, source: str, target: str
) -> None:
    out = io.StringIO()
    counts = backup.dump(filled[source], out)
    assert counts["article"] > 0 and counts["reference"] > 0
    restored = _fresh(databases, target)
    assert backup.restore(restored, io.StringIO(out.getvalue())) == counts
    assert everything(restored) == everything(filled[source])
    # and a dump of the copy is the same file (PostgreSQL's JSONB keeps no key order of its own)
    again = io.StringIO()
    backup.dump(restored, again)
    if source == target == "sqlite":
        assert again.getvalue() == out.getvalue()
    lines = [json.loads(line) for line in again.getvalue().splitlines()]
    assert lines == [json.loads(line) for line in out.getvalue().splitlines()]


def test_after_a_restore_new_rows_get_fresh_ids(
    filled: dict[str, Engine], databases: ThrowawayDatabases
) -> None:
    out = io.StringIO()
    backup.dump(filled["sqlite"], out)
    restored = _fresh(databases, "postgresql")
    backup.restore(restored, io.StringIO(out.getvalue()))
    journal = next(t for t in backup.tables() if t.name == "journal")
    with restored.begin() as connection:
        largest = connection.execute(text("SELECT MAX(id) FROM journal")).scalar()
        new_id = connection.execute(
            insert(journal).values(key="new", titles={"en": "New"}).returning(journal.c.id)
        ).scalar()
    assert new_id == largest + 1


def test_a_truncated_dump_is_refused_and_restores_nothing(
    filled: dict[str, Engine], databases: ThrowawayDatabases
) -> None:
    out = io.StringIO()
    backup.dump(filled["sqlite"], out)
    lines = out.getvalue().splitlines(keepends=True)
    target = _fresh(databases, "sqlite")
    with pytest.raises(backup.BackupError, match="truncated"):
        backup.restore(target, io.StringIO("".join(lines[:-5])))
    assert all(not rows for rows in everything(target).values())


def test_a_restore_into_a_database_with_rows_is_refused(filled: dict[str, Engine]) -> None:
    out = io.StringIO()
    backup.dump(filled["sqlite"], out)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(filled["postgresql"], io.StringIO(out.getvalue()))


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty"), ("not json\n", "not JSON"), ('{"format": "other"}\n', "not a")],
)
def test_a_file_that_is_not_a_dump_is_refused(
    databases: ThrowawayDatabases, content: str, message: str
) -> None:
    with pytest.raises(backup.BackupError, match=message):
        backup.restore(_fresh(databases, "sqlite"), io.StringIO(content))
