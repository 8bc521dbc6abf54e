"""Positions count from 1 for authors as for references (first author is position 1)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_author_positions_start_at_one(corpus_client: TestClient) -> None:
    items = corpus_client.get("/articles", params={"limit": 6}).json()["items"]
    for item in items:
        authors = corpus_client.get(f"/articles/{item['id']}").json()["authors"]
        assert [a["position"] for a in authors] == list(range(1, len(authors) + 1))
