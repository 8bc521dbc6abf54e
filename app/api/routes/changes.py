"""``GET /changes``: every committed create, update and delete, in commit order, by cursor.

For harvesters, indexers and caches: remember the last ``seq`` seen (or the ``next_cursor``) and
ask again for what came after it; deletions appear as ``deleted`` events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import PagingDep, SessionDep
from app.api.params import IdQuery, IsoInstant
from app.api.responses import model_json
from app.errors import PROBLEM_RESPONSES, ProblemError, invalid_parameter
from app.schemas import ChangePublic, Page
from app.services import changes as change_service

router = APIRouter(tags=["changes"], responses=PROBLEM_RESPONSES)

SinceQuery = Annotated[
    datetime | None,
    IsoInstant,
    Query(description="Only changes at or after this instant (ISO 8601; UTC when no offset)."),
]


def as_utc(moment: datetime | None, name: str = "since") -> datetime | None:
    """An instant from a query parameter: an offset-less one is read as UTC."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise invalid_parameter(name, "is out of the range of dates") from None


@router.get("/changes", summary="The change feed", response_model=Page[ChangePublic])
def list_changes(
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    after: Annotated[
        int | None, Query(ge=0, le=2**31 - 1, description="Only changes after this `seq`.")
    ] = None,
    since: SinceQuery = None,
    article: Annotated[IdQuery, Query(description="Only this article's changes.")] = None,
) -> Response:
    """Created, updated and deleted events in commit order, oldest first.

    Follow `next_cursor` while it is not null; then keep the last `seq` and later ask
    `?after=<seq>` for the changes made since (a change never appears before one committed
    earlier, so nothing is skipped)."""
    resume = paging.after()
    if resume is not None:
        if len(resume) != 1 or not isinstance(resume[0], int) or isinstance(resume[0], bool):
            raise ProblemError(400, "Invalid cursor: it does not fit this listing.")
        after = resume[0]
    events, more = change_service.list_changes(
        session=session, after=after, limit=paging.limit, since=as_utc(since), article_id=article
    )
    items = [
        ChangePublic(
            seq=event.seq,
            article_id=event.article_id,
            event=event.kind,
            changed_at=event.changed_at,
        )
        for event in events
    ]
    next_key = [events[-1].seq] if more and events else None
    page = Page[ChangePublic](items=items, next_cursor=paging.next_cursor(next_key, response))
    # A feed polled for news: caches revalidate it (by ETag) every time, never serve it stale.
    response.headers["Cache-Control"] = "no-cache"
    return model_json(page, response)
