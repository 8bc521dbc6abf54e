"""GET /dump.ndjson: every article once, in id order, as `/articles/{id}` shows it, streamed by
keyset chunks so that memory holds one chunk whatever the corpus size."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.api.routes import dump
from app.main import app
from app.services import oai as harvest_service
from app.services.loading import LoadResult
from tests.corpus import ARTICLES


def test_dump_streams_every_article_once_in_id_order(corpus_client: TestClient) -> None:
    response = corpus_client.get("/dump.ndjson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.text.endswith("\n")
    lines = response.text.splitlines()
    documents = [json.loads(line) for line in lines]
    ids = [d["id"] for d in documents]
    assert len(ids) == len(set(ids)) == ARTICLES
    assert ids == sorted(ids)
    for document in documents:
        assert document == corpus_client.get(f"/articles/{document['id']}").json()


@pytest.fixture
def spied_chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunk size 7, and the size of every chunk the dump asks the service for."""
    sizes: list[int] = []
    original = harvest_service.list_records

    def spy(**kwargs: Any) -> harvest_service.RecordPage:
        page = original(**kwargs)
        sizes.append(len(page.articles))
        return page

    monkeypatch.setattr(dump, "CHUNK_SIZE", 7)
    monkeypatch.setattr(harvest_service, "list_records", spy)
    return sizes


def test_dump_reads_one_chunk_at_a_time(
    corpus_client: TestClient, spied_chunks: list[int], corpus_statements: Any
) -> None:
    lines = corpus_client.get("/dump.ndjson").text.splitlines()
    assert len(lines) == ARTICLES
    assert len(spied_chunks) == math.ceil(ARTICLES / 7)
    assert max(spied_chunks) == 7 and sum(spied_chunks) == ARTICLES
    # Three statements per chunk (articles with journal and issue, children, authors).
    assert corpus_statements.count == 3 * len(spied_chunks), corpus_statements.statements


def test_the_generator_holds_one_chunk_until_asked_for_the_next(
    corpus_engine: Engine, spied_chunks: list[int]
) -> None:
    stream = dump.iter_dump(lambda: Session(corpus_engine))
    first = next(stream)
    assert len(first.splitlines()) == 7
    assert spied_chunks == [7]  # nothing beyond the first chunk was read
    second = next(stream)
    assert spied_chunks == [7, 7]
    assert json.loads(second.splitlines()[0])["id"] > json.loads(first.splitlines()[-1])["id"]
    stream.close()  # a client that goes away: the session closes with the generator


def test_dump_uses_the_request_session_provider(client: TestClient, seeded: LoadResult) -> None:
    """Streams open their sessions like requests do (``get_session`` or its override), so the
    dump here serves the freshly loaded, uncommitted seed exactly as /articles/{id} does."""
    response = client.get("/dump.ndjson")
    assert response.status_code == 200
    documents = [json.loads(line) for line in response.text.splitlines()]
    mine = [d for d in documents if d["id"] == seeded.article_id]
    assert mine == [client.get(f"/articles/{seeded.article_id}").json()]


def test_session_factory_can_be_overridden(
    client: TestClient, corpus_engine: Engine, spied_chunks: list[int]
) -> None:
    app.dependency_overrides[dump.get_session_factory] = lambda: lambda: Session(corpus_engine)
    lines = client.get("/dump.ndjson").text.splitlines()
    assert len(lines) == ARTICLES


def test_the_dump_can_include_tombstones_in_id_order(
    client: TestClient, session: Session, seeded: LoadResult
) -> None:
    from app.ingest.records import ArticleRecord, JournalRecord
    from app.services.loading import delete_article, store_record

    other = store_record(
        session,
        ArticleRecord(
            journal=JournalRecord(titles={"en": "Journal of Dumps"}),
            titles={"en": "Kept"},
            source_url="https://dump.example/1",
        ),
    ).article_id
    delete_article(session, seeded.article_id)
    session.commit()
    plain = [json.loads(line) for line in client.get("/dump.ndjson").text.splitlines()]
    assert seeded.article_id not in {d["id"] for d in plain}
    assert other in {d["id"] for d in plain}
    response = client.get("/dump.ndjson", params={"deleted": "true"})
    documents = [json.loads(line) for line in response.text.splitlines()]
    mine = [d for d in documents if d["id"] in {seeded.article_id, other}]
    assert [d["id"] for d in mine] == [seeded.article_id, other]
    tombstone = mine[0]
    assert tombstone["deleted"] is True
    assert tombstone["deleted_at"].endswith("Z")
    assert tombstone["source_url"] == "https://mgpam.az/index.php/mgpam/article/view/62"
    assert mine[1] == client.get(f"/articles/{other}").json()
