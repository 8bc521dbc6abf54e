"""Dependencies shared by routes: the session, paging parameters and the cursor codec."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Query, Request, Response
from sqlalchemy import Connection, Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.config import get_settings
from app.db import get_engine, get_session
from app.loop_reads import LoopReads
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorCodec, listing_scope
from app.public_urls import absolute_url, app_path
from app.services.documents import StoredArticle, stored_article_from, stored_article_read
from app.services.stored_pages import PageRead, StoredPage

T = TypeVar("T")
SessionDep = Annotated[Session, Depends(get_session)]
SessionFactory = Callable[[], AbstractContextManager[Session]]


def session_factory(app: FastAPI) -> SessionFactory:
    """Sessions opened by the route itself (for a stream that outlives the request, or only when
    needed), from the same provider as a request's own: ``get_session``, or whatever overrides
    it (tests, a read replica)."""
    provider = app.dependency_overrides.get(get_session)

    @contextmanager
    def open_session() -> Iterator[Session]:
        if provider is None:  # get_session itself is async: open what it opens
            with Session(get_engine()) as session:
                yield session
            return
        made = provider()
        if isinstance(made, Session):
            yield made  # a plain provider owns its session: do not close it
            return
        try:
            yield next(made)
        finally:
            made.close()  # the provider's own cleanup (closing the session) runs here

    return open_session


class Reads:
    """Where a hot route reads: ``bind()`` for stored documents (the engine, whose pooled
    connections are used with the driver's cursor, no session at all) and ``session()`` for
    anything else. When ``get_session`` is overridden (tests), documents are read through the
    override's session too, so they see its transaction and its statements are counted.
    On PostgreSQL the prepared statements are awaited on the worker's ``loop`` reads
    (app.loop_reads), so the event loop serves other requests during their round trips."""

    def __init__(
        self, factory: SessionFactory, engine: Engine | None, loop: LoopReads | None = None
    ) -> None:
        self.session = factory
        self.engine = engine
        self.loop = loop

    @contextmanager
    def bind(self) -> Iterator[Engine | Connection]:
        """The engine, or the overriding session's connection (reads join its transaction)."""
        if self.engine is not None:
            yield self.engine
            return
        with self.session() as session:
            yield session.connection()

    async def _read(self, work: Callable[[Engine | Connection], T], bounded: bool) -> T:
        """``work`` on ``bind``: on the event loop when its work is ``bounded`` (a primary-key
        lookup, a page walked along an index), else in the thread pool."""

        def run() -> T:
            with self.bind() as bind:
                return work(bind)

        return run() if bounded else await run_in_threadpool(run)

    async def stored_article(
        self, *, article_id: int | None = None, doi: str | None = None, references: bool = False
    ) -> StoredArticle | None:
        """app.services.documents.stored_article, awaited on the loop reads when there are."""
        statement, key = stored_article_read(article_id=article_id, doi=doi, references=references)
        if self.loop is not None:
            found = await self.loop.rows(statement, key, many=False)
        else:
            found = await self._read(lambda bind: statement.rows(bind, key, many=False), True)
        return stored_article_from(found[0] if found else None, references)

    async def page(
        self, build: Callable[[str], PageRead], *, bounded: bool = True
    ) -> StoredPage | None:
        """A page of stored list items (app.services.stored_pages), its statement built for the
        dialect read: awaited on the loop reads when there are, else as ``_read`` runs it."""
        if self.loop is not None:
            read = build("postgresql")
            return read.page(await self.loop.rows(read.statement, read.values, many=True))
        return await self._read(lambda bind: build(bind.dialect.name).run(bind), bounded)


def reads_of(app: FastAPI) -> Reads:
    """The reads of a request to ``app`` (on the running event loop)."""
    if get_session in app.dependency_overrides:
        return Reads(session_factory(app), None)
    loop: LoopReads | None = app.state.loop_reads  # create_app sets it; the lifespan fills it
    if loop is not None and not loop.serves_running_loop():
        loop = None  # opened by another loop's lifespan (tests): read synchronously
    return Reads(session_factory(app), get_engine(), loop)


async def reads(request: Request) -> Reads:
    # async and no generator: no thread-pool hop, no exit stack, no session opened per request.
    return reads_of(request.app)


ReadsDep = Annotated[Reads, Depends(reads)]

LimitQuery = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"Items per page, 1–{MAX_LIMIT}.", examples=[20]),
]
CursorQuery = Annotated[
    str | None,
    Query(
        description="Opaque cursor from a previous page's `next_cursor`; omit (or leave empty) "
        "for the first page. Signed by the server: any other value is a 400.",
        max_length=2048,
        json_schema_extra={"pattern": r"^$|^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"},
    ),
]


@lru_cache(maxsize=1)
def cursor_codec() -> CursorCodec:
    settings = get_settings()
    secret = settings.cursor_secret or hashlib.sha256(settings.database_url.encode()).hexdigest()
    return CursorCodec(secret)


class Paging:
    """Reads `limit`/`cursor`, and writes `next_cursor` plus the `Link: rel="next"` header."""

    def __init__(self, request: Request, limit: int, cursor: str | None) -> None:
        self.request = request
        self.limit = limit
        self.cursor = cursor or None  # `cursor=` (a link whose next_cursor was null): page one
        self.scope = listing_scope(request.url.path, dict(request.query_params))

    def after(self) -> list[Any] | None:
        """The keyset to continue after, or None on the first page."""
        if self.cursor is None:
            return None
        return cursor_codec().decode(self.cursor, self.scope)

    def next_cursor(self, key: Sequence[Any] | None, response: Response) -> str | None:
        if key is None:
            return None
        token = cursor_codec().encode(key, self.scope)
        kept = [
            (name, value)
            for name, value in self.request.query_params.multi_items()
            if name not in {"cursor", "limit"}
        ]
        query = [*kept, ("limit", str(self.limit)), ("cursor", token)]
        url = absolute_url(app_path(self.request), query)
        response.headers.append("Link", f'<{url}>; rel="next"')
        return token


async def paging(
    request: Request, limit: LimitQuery = DEFAULT_LIMIT, cursor: CursorQuery = None
) -> Paging:
    # async: a plain function (or class) dependency would cost a thread-pool hop per request.
    return Paging(request, limit, cursor)


PagingDep = Annotated[Paging, Depends(paging)]
