"""Incremental sync: `GET /changes` and `GET /articles?updated_since=`, both keyset-paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.ingest.records import ArticleRecord, JournalRecord
from app.services.loading import delete_article, store_record


def _record(n: int, title: str | None = None) -> ArticleRecord:
    return ArticleRecord(
        journal=JournalRecord(titles={"en": "Journal of Changes"}, issn_print="2345-6789"),
        titles={"en": title or f"Article number {n}"},
        source_url=f"https://changes.example/article/view/{n}",
    )


def _follow(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a listing, following next_cursor."""
    items: list[dict[str, Any]] = []
    response = client.get(path, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if body["next_cursor"] is None:
            assert "link" not in response.headers
            return items
        response = client.get(path, params={**params, "cursor": body["next_cursor"]})


def test_the_change_feed_lists_every_change_in_commit_order(
    client: TestClient, session: Session
) -> None:
    ids = [store_record(session, _record(n)).article_id for n in range(5)]
    session.commit()
    store_record(session, _record(1, "Article number 1, corrected"))
    store_record(session, _record(2))  # identical: no change
    delete_article(session, ids[3])
    session.commit()
    events = _follow(client, "/changes", limit=2)
    assert [(e["article_id"], e["event"]) for e in events] == [
        *((article_id, "created") for article_id in ids),
        (ids[1], "updated"),
        (ids[3], "deleted"),
    ]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    # A harvester that kept the last seq asks for what came after it.
    later = client.get("/changes", params={"after": seqs[4]}).json()["items"]
    assert [e["event"] for e in later] == ["updated", "deleted"]
    assert client.get("/changes").headers["cache-control"] == "no-cache"
    only = client.get("/changes", params={"article": ids[3]}).json()["items"]
    assert [e["event"] for e in only] == ["created", "deleted"]


def test_change_feed_since_an_instant(client: TestClient, session: Session) -> None:
    store_record(session, _record(1))
    session.commit()
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert client.get("/changes", params={"since": future}).json()["items"] == []
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert len(client.get("/changes", params={"since": past}).json()["items"]) == 1


def test_a_tampered_change_cursor_is_400(client: TestClient, session: Session) -> None:
    for n in range(3):
        store_record(session, _record(n))
    session.commit()
    cursor = client.get("/changes", params={"limit": 1}).json()["next_cursor"]
    response = client.get("/changes", params={"limit": 1, "cursor": cursor[:-2] + "xx"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_updated_since_pages_in_update_order(client: TestClient, session: Session) -> None:
    ids = [store_record(session, _record(n)).article_id for n in range(4)]
    session.commit()
    middle = datetime.now(UTC)
    store_record(session, _record(0, "First article, corrected"))
    store_record(session, _record(2, "Third article, corrected"))
    session.commit()
    every = _follow(client, "/articles", updated_since="2000-01-01T00:00:00Z", limit=1)
    assert [item["id"] for item in every] == [ids[1], ids[3], ids[0], ids[2]]
    recent = _follow(client, "/articles", updated_since=middle.isoformat(), limit=1)
    assert [item["id"] for item in recent] == [ids[0], ids[2]]
    by_id = client.get(
        "/articles", params={"updated_since": middle.isoformat(), "sort": "id", "order": "desc"}
    ).json()["items"]
    assert [item["id"] for item in by_id] == [ids[2], ids[0]]


def test_an_unchanged_reload_keeps_updated_at(client: TestClient, session: Session) -> None:
    article_id = store_record(session, _record(1)).article_id
    session.commit()
    before = client.get(f"/articles/{article_id}").json()["updated_at"]
    assert store_record(session, _record(1)).status == "unchanged"
    session.commit()
    assert client.get(f"/articles/{article_id}").json()["updated_at"] == before


def test_updated_since_must_be_an_instant(client: TestClient) -> None:
    for bad in ("yesterday", "0001-01-01T00:00:00+05:00"):
        response = client.get("/articles", params={"updated_since": bad})
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
