"""Keyword terms by language with the number of articles carrying each (case-insensitive)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app.models import Keyword
from app.schemas import KeywordPublic
from app.search import prefix_condition
from app.services.listing import SortKey, fetch_page

BY_TERM = SortKey((Keyword.lang, Keyword.term_folded), (str, str))  # type: ignore[arg-type]


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
        Keyword.lang, Keyword.term_folded, func.min(Keyword.term),
        func.count(Keyword.article_id.distinct()),  # type: ignore[attr-defined]
    ).group_by(Keyword.lang, Keyword.term_folded)
    if lang:
        query = query.where(Keyword.lang == lang)
    if q:
        query = query.where(prefix_condition(Keyword.term_folded, q))
    rows, more = fetch_page(session, query, BY_TERM, after, limit)
    items = [KeywordPublic(lang=lg, term=term, article_count=n) for lg, _f, term, n in rows]
    next_key = [rows[-1][0], rows[-1][1]] if more and rows else None
    return items, next_key
