"""Dependencies shared by routes: the session, paging parameters and the cursor codec."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from sqlmodel import Session

from app.config import get_settings
from app.db import get_session
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorCodec, listing_scope
from app.public_urls import absolute_url, app_path

SessionDep = Annotated[Session, Depends(get_session)]

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
