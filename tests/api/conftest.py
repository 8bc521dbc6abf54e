"""An HTTP client on the app whose database session is the test's rolled-back session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.db import get_session, make_engine
from app.ingest.ojs_page import parse_page
from app.main import app
from app.services.loading import LoadResult, store_record
from tests.conftest import StatementCounter, ThrowawayDatabases, counting_statements, upgrade
from tests.corpus import corpus


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.dependency_overrides.clear()


@pytest.fixture
def seeded(session: Session, seed_page: str, seed_expected: dict[str, Any]) -> LoadResult:
    record = parse_page(seed_page, source_url=seed_expected["source"]["url"])
    result = store_record(session, record)
    session.commit()
    return result


@pytest.fixture(scope="session")
def corpus_engine(database_url: str, databases: ThrowawayDatabases) -> Iterator[Engine]:
    """A committed database per dialect holding the generated corpus (read-only tests)."""
    url = databases.create(make_url(database_url).get_backend_name())
    upgrade(url)
    engine = make_engine(url, pool_size=2)
    with Session(engine) as session, session.begin():
        for record in corpus():
            store_record(session, record)
    yield engine
    engine.dispose()


@pytest.fixture
def corpus_client(corpus_engine: Engine) -> Iterator[TestClient]:
    def corpus_session() -> Iterator[Session]:
        with Session(corpus_engine) as session:
            yield session

    app.dependency_overrides[get_session] = corpus_session
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.dependency_overrides.clear()


@pytest.fixture
def corpus_statements(corpus_engine: Engine) -> Iterator[StatementCounter]:
    with counting_statements(corpus_engine) as counter:
        yield counter
