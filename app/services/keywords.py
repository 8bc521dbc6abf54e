"""Keyword terms by language with the number of articles carrying each (case-insensitive)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Keyword
from app.schemas import KeywordPublic
from app.search import prefix_condition
from app.services.listing import SortKey, fetch_page

BY_TERM = SortKey((col(Keyword.lang), col(Keyword.term_folded)), (str, str))


def list_keywords(
    *,
    session: Session,
    limit: int,
    lang: str | None = None,
    q: str | None = None,
    after: Sequence[Any] | None = None,
) -> tuple[list[KeywordPublic], list[Any] | None]:
    """One statement: terms grouped by (language, folded term), in language then term order."""
    query = select(
        col(Keyword.lang),
        col(Keyword.term_folded),
        func.min(col(Keyword.term)),
        func.count(col(Keyword.article_id).distinct()),
    ).group_by(col(Keyword.lang), col(Keyword.term_folded))
    if lang:
        query = query.where(col(Keyword.lang) == lang)
    if q:
        query = query.where(prefix_condition(col(Keyword.term_folded), q))
    rows, more = fetch_page(session, query, BY_TERM, after, limit)
    items = [KeywordPublic(lang=lg, term=term, article_count=n) for lg, _f, term, n in rows]
    next_key = [rows[-1][0], rows[-1][1]] if more and rows else None
    return items, next_key
