"""Test databases: a throwaway SQLite file and a throwaway PostgreSQL database per run.

Both are built by the Alembic migrations (never by ``create_all``), so the tests exercise the schema
that production gets. Each test runs inside a transaction that is rolled back (SAVEPOINTs for the
code under test), so tests never see each other's rows.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.config import get_settings
from app.db import PreparedRead, get_engine, make_engine
from tests.support.read_probe import read_probe

# The live server (`python -m app serve` on the seeded demo data) for end-to-end tests.
pytest_plugins = ["tests.support.live_server"]

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DIALECTS = ["sqlite", "postgresql"]


def upgrade(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(Path(__file__).parent.parent / "alembic.ini"))
    config.attributes["configure_logging"] = False
    engine = make_engine(url, pool_size=1)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()


class ThrowawayDatabases:
    """Creates empty databases on demand and drops them all at the end of the run."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.postgres_names: list[str] = []
        self._admin: Engine | None = None

    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        return self._admin

    def create(self, dialect: str) -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        if dialect == "sqlite":
            return f"sqlite:///{self.tmp_dir / (name + '.db')}"
        try:
            with self.admin().connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
            message = f"PostgreSQL unavailable at {POSTGRES_ADMIN_URL}: {str(exc).splitlines()[0]}"
            if os.environ.get("REQUIRE_POSTGRES"):
                pytest.fail(message)
            pytest.skip(message)
        self.postgres_names.append(name)
        url = make_url(POSTGRES_ADMIN_URL).set(database=name)
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as connection:
            for name in self.postgres_names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawayDatabases]:
    dbs = ThrowawayDatabases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session", params=DIALECTS)
def database_url(request: pytest.FixtureRequest, databases: ThrowawayDatabases) -> str:
    """A migrated database shared by a whole run, one per dialect."""
    url = databases.create(request.param)
    upgrade(url)
    return url


@pytest.fixture(scope="module", params=["postgresql"])
def postgres_url(request: pytest.FixtureRequest, databases: ThrowawayDatabases) -> str:
    """A migrated PostgreSQL database, for what only PostgreSQL has (its id names the dialect,
    so `-k "not postgresql"` leaves these tests out as it does the parametrised ones)."""
    url = databases.create(request.param)
    upgrade(url)
    return url


@pytest.fixture
def postgres_probe(postgres_url: str) -> Iterator[tuple[Engine, PreparedRead, str]]:
    """tests.support.read_probe on PostgreSQL, whose reads run on held connections."""
    yield from read_probe(postgres_url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url, pool_size=2)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session whose commits become SAVEPOINTs inside the test's transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Lets a test point the app's settings at another database; caches are reset around it."""
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield monkeypatch
    get_engine.cache_clear()
    get_settings.cache_clear()


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Transaction control is not a query; what is counted is what reads or writes rows.
        control = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")
        if not statement.lstrip().upper().startswith(control):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_statements(engine: Engine) -> Iterator[StatementCounter]:
    """Every statement ``engine`` runs meanwhile, transaction control left out."""
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture
def count_statements(engine: Engine) -> Iterator[StatementCounter]:
    with counting_statements(engine) as counter:
        yield counter


@pytest.fixture(scope="session")
def seed_expected() -> dict[str, Any]:
    return json.loads((FIXTURES / "seed_expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_page() -> str:
    return (FIXTURES / "seed_page.txt").read_text(encoding="utf-8")
