"""Keyword vocabulary: terms by language with article counts, for browsing and autocomplete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import PagingDep, SessionDep
from app.api.params import WORD_SCHEMA, LangQuery, checked_prefix
from app.api.responses import model_json
from app.errors import PROBLEM_RESPONSES
from app.schemas import KeywordPublic, Page
from app.services import keywords as keyword_service

router = APIRouter(prefix="/keywords", tags=["keywords"], responses=PROBLEM_RESPONSES)


@router.get(
    "", summary="List keyword terms with article counts", response_model=Page[KeywordPublic]
)
def list_keywords(
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    lang: LangQuery = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Term prefix (any case).",
            json_schema_extra=WORD_SCHEMA,
        ),
    ] = None,
) -> Response:
    """Distinct terms (case-insensitive) by language, then term, with how many articles use them."""
    items, next_key = keyword_service.list_keywords(
        session=session, limit=paging.limit, lang=lang, q=checked_prefix(q), after=paging.after()
    )
    page = Page[KeywordPublic](items=items, next_cursor=paging.next_cursor(next_key, response))
    return model_json(page, response)
