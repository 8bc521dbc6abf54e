"""An HTTP client on the app whose database session is the test's rolled-back session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import get_session
from app.ingest.ojs_page import parse_page
from app.main import app
from app.services.loading import LoadResult, store_record


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
