"""Concurrent writers on a committed database, SQLite and PostgreSQL: no lost update.

Each writer reads the article, adds its own keyword and writes it back with If-Match, retrying
on 412; every keyword must survive. Writers creating the same article at once make one article.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.db import get_session, make_engine
from app.ingest.records import ArticleRecord, JournalRecord
from app.main import app
from app.services.loading import store_record
from app.services.tokens import create_token
from tests.conftest import ThrowawayDatabases, upgrade

WRITERS = 4
EDITS_EACH = 3


@pytest.fixture
def shared(database_url: str, databases: ThrowawayDatabases) -> Iterator[tuple[Engine, str]]:
    """A committed database of the run's dialect, the app's sessions on it, a write token."""
    url = databases.create(make_url(database_url).get_backend_name())
    upgrade(url)
    engine = make_engine(url, pool_size=WRITERS + 2)

    def session_on_it() -> Iterator[Session]:
        with Session(engine) as session:
            yield session

    app.dependency_overrides[get_session] = session_on_it
    with Session(engine) as session, session.begin():
        _row, token = create_token(session, name="writers", scopes=["write"])
    yield engine, token
    app.dependency_overrides.clear()
    engine.dispose()


def _record() -> ArticleRecord:
    return ArticleRecord(
        journal=JournalRecord(titles={"en": "Journal of Races"}),
        titles={"en": "Contended article"},
        keywords={"en": ["start"]},
        references=["Doe J. A cited work. J Ex. 2020;5(2):10-20."],
        source_url="https://races.example/article/1",
    )


def _run(workers: list[threading.Thread]) -> None:
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert not worker.is_alive()


def test_concurrent_read_modify_writes_lose_no_update(shared: tuple[Engine, str]) -> None:
    engine, token = shared
    with Session(engine) as session, session.begin():
        article_id = store_record(session, _record()).article_id
    url = f"/articles/{article_id}"
    statuses: list[int] = []
    errors: list[str] = []

    def writer(n: int) -> None:
        client = TestClient(app, raise_server_exceptions=False)
        auth = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
        for edit in range(EDITS_EACH):
            for _attempt in range(50):
                got = client.get(url, headers=auth)
                article: dict[str, Any] = got.json()
                article["keywords"]["en"].append(f"writer {n} edit {edit}")
                put = client.put(
                    url, json=article, headers={**auth, "If-Match": got.headers["etag"]}
                )
                statuses.append(put.status_code)
                if put.status_code == 200:
                    break
                if put.status_code != 412:
                    errors.append(put.text)
                    return
            else:
                errors.append(f"writer {n} never got its edit {edit} in")

    _run([threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)])
    assert errors == []
    assert statuses.count(200) == WRITERS * EDITS_EACH
    assert set(statuses) <= {200, 412}
    client = TestClient(app)
    keywords = client.get(url).json()["keywords"]["en"]
    expected = {f"writer {n} edit {e}" for n in range(WRITERS) for e in range(EDITS_EACH)}
    assert set(keywords) == expected | {"start"}
    assert len(keywords) == len(expected) + 1
    events = client.get("/changes", params={"article": article_id, "limit": 100}).json()["items"]
    assert [e["event"] for e in events] == ["created"] + ["updated"] * len(expected)


def test_concurrent_creates_of_one_article_make_one(shared: tuple[Engine, str]) -> None:
    _engine, token = shared
    statuses: list[int] = []
    ids: list[int] = []
    body = {
        "source_url": "https://races.example/article/2",
        "journal": {"title": {"en": "Journal of Races"}},
        "title": {"en": "Created at once"},
        "authors": [{"family": "Racer", "given": "Ada"}],
    }

    def creator() -> None:
        client = TestClient(app, raise_server_exceptions=False)
        response = client.post(
            "/articles", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        statuses.append(response.status_code)
        if response.status_code in (200, 201):
            ids.append(response.json()["id"])

    _run([threading.Thread(target=creator) for _ in range(WRITERS)])
    assert sorted(statuses) == [200] * (WRITERS - 1) + [201]
    assert len(set(ids)) == 1
    listed = TestClient(app).get("/articles").json()["items"]
    assert [item["id"] for item in listed] == ids[:1]
