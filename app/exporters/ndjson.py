"""NDJSON (``application/x-ndjson``): one JSON document per line, produced lazily so a route can
stream a whole collection in constant memory (one article at a time from a server-side cursor)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from app.schemas import ArticlePublic

MEDIA_TYPE = "application/x-ndjson"


def iter_ndjson(models: Iterable[BaseModel]) -> Iterator[bytes]:
    """Yield one ``\\n``-terminated JSON line per model, never holding more than one."""
    for model in models:
        yield model.model_dump_json().encode("utf-8") + b"\n"


def iter_articles_ndjson(articles: Iterable[ArticlePublic]) -> Iterator[bytes]:
    """NDJSON lines for articles (``StreamingResponse(iter_articles_ndjson(...))``)."""
    return iter_ndjson(articles)
