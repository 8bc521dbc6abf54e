"""``GET /dump.ndjson``: every article, one JSON line each, streamed in constant memory.

The listing's response model does not fit a bulk export, so the dump has its own route. It reads
in keyset chunks (ids after the last one served), each chunk the same three statements, inside a
generator that opens its own session (from the request's session provider, overrides included):
the request's session closes before the stream ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from app.api.deps import SessionFactory, session_factory
from app.errors import PROBLEM_MEDIA_TYPE, PROBLEM_RESPONSES
from app.exporters.ndjson import MEDIA_TYPE, iter_articles_ndjson, iter_ndjson
from app.schemas import tombstone_public
from app.services import changes as change_service
from app.services import oai as harvest_service
from app.services.oai import RecordPage, RecordQuery

router = APIRouter(tags=["articles"])

CHUNK_SIZE = 500
async def get_session_factory(request: Request) -> SessionFactory:
    """Sessions for work that outlives the request (a stream): see app.api.deps."""
    return session_factory(request.app)


SessionFactoryDep = Annotated[SessionFactory, Depends(get_session_factory)]


def iter_dump(
    session_factory: SessionFactory, chunk_size: int | None = None, *, deleted: bool = False
) -> Iterator[bytes]:
    """NDJSON bytes for every article in id order, one chunk of articles in memory at a time;
    with ``deleted``, a tombstone line for each deleted article, in its place in id order."""
    size = chunk_size or CHUNK_SIZE
    with session_factory() as session:
        after: int | None = None
        while True:
            page = harvest_service.list_records(
                session=session,
                query=RecordQuery(),
                after=after,
                limit=size,
                with_articles=True,
                count=False,
                deleted=deleted,
            )
            if deleted:
                yield b"".join(_lines_with_tombstones(session, page))
            else:
                yield b"".join(iter_articles_ndjson(page.articles))
            # Loaded rows are not needed again: keep the identity map from growing.
            session.expunge_all()
            if page.next_after is None:
                return
            after = page.next_after


def _lines_with_tombstones(session: Session, page: RecordPage) -> Iterator[bytes]:
    articles = {article.id: article for article in page.articles}
    gone = [header.article_id for header in page.headers if header.article_id not in articles]
    tombstones = change_service.get_tombstones(session=session, article_ids=gone)
    for header in page.headers:
        article = articles.get(header.article_id)
        if article is not None:
            yield from iter_articles_ndjson([article])
            continue
        tombstone = tombstones.get(header.article_id)
        if tombstone is not None:
            yield from iter_ndjson([tombstone_public(tombstone)])


DeletedQuery = Annotated[
    bool,
    Query(
        description="Also a line `{\"id\", \"deleted\": true, \"deleted_at\", ...}` for each "
        "deleted article, in its place in id order (for mirrors that must drop them)."
    ),
]


@router.get(
    "/dump.ndjson",
    summary="Every article as NDJSON",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One `ArticlePublic` JSON document per line, in id order.",
            "content": {
                MEDIA_TYPE: {
                    "schema": {"type": "string"},
                    "example": '{"id":1,"title":{"en":"..."},...}\n',
                }
            },
        },
        422: PROBLEM_RESPONSES[422],
        500: {
            "description": "The database failed before the stream started.",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
    },
)
def dump_ndjson(
    session_factory: SessionFactoryDep, deleted: DeletedQuery = False
) -> StreamingResponse:
    """All articles, one JSON document per line (the shape of `/articles/{id}`), in id order:
    for bulk harvesting without paging; `deleted=true` adds the tombstones."""
    return StreamingResponse(iter_dump(session_factory, deleted=deleted), media_type=MEDIA_TYPE)
