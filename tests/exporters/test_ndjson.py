"""NDJSON streaming: one line per article, produced lazily."""

from __future__ import annotations

import json
from collections.abc import Iterator

from app.exporters.ndjson import iter_articles_ndjson
from app.schemas import ArticlePublic
from tests.exporters.conftest import make_article


def test_one_json_document_per_line(article, bare_article) -> None:
    chunks = list(iter_articles_ndjson([article, bare_article]))
    assert len(chunks) == 2 and all(c.endswith(b"\n") and c.count(b"\n") == 1 for c in chunks)
    assert ArticlePublic.model_validate(json.loads(chunks[0])) == article
    assert json.loads(chunks[1])["doi"] is None


def test_generator_pulls_one_article_at_a_time() -> None:
    pulled: list[int] = []

    def source() -> Iterator[ArticlePublic]:
        for n in range(1, 1_000_000):
            pulled.append(n)
            yield make_article(id=n)

    lines = iter_articles_ndjson(source())
    assert json.loads(next(lines))["id"] == 1
    assert json.loads(next(lines))["id"] == 2
    assert pulled == [1, 2]
