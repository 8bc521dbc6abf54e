"""Author resources: who wrote what, with ORCID where the page gave one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import PagingDep, SessionDep
from app.api.params import WORD_SCHEMA, checked_prefix
from app.api.responses import model_json
from app.errors import PROBLEM_RESPONSES, ProblemError
from app.schemas import AuthorDetail, AuthorPublic, Page
from app.services import authors as author_service

router = APIRouter(prefix="/authors", tags=["authors"], responses=PROBLEM_RESPONSES)


@router.get("", summary="List authors", response_model=Page[AuthorPublic])
def list_authors(
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Family name prefix (any case).",
            json_schema_extra=WORD_SCHEMA,
        ),
    ] = None,
) -> Response:
    """Authors in id order, each with the number of articles they signed."""
    items, next_key = author_service.list_authors(
        session=session, limit=paging.limit, q=checked_prefix(q), after=paging.after()
    )
    page = Page[AuthorPublic](items=items, next_cursor=paging.next_cursor(next_key, response))
    return model_json(page, response)


@router.get(
    "/{author_id}", summary="Get one author with their articles", response_model=AuthorDetail
)
def get_author(
    author_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="Author id.", examples=[1])],
    session: SessionDep,
) -> Response:
    """The author and every article they signed, newest first."""
    author = author_service.get_author(session=session, author_id=author_id)
    if author is None:
        raise ProblemError(404, f"No author with id {author_id}.", title="Author not found")
    return model_json(author)
