"""Reference queries: ordered lists by keyset, a fixed number of statements per call."""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import Article
from app.models import Reference as ReferenceRow
from app.schemas import ReferencePublic


def reference_public(row: ReferenceRow) -> ReferencePublic:
    return ReferencePublic(
        id=row.id or 0,
        article_id=row.article_id,
        position=row.position,
        raw=row.raw,
        doi=row.doi,
        csl=row.csl or {},
    )


def article_exists(*, session: Session, article_id: int) -> bool:
    return session.exec(select(Article.id).where(Article.id == article_id)).first() is not None


def list_article_references(
    *, session: Session, article_id: int, limit: int, after_position: int | None = None
) -> tuple[list[ReferencePublic], int | None]:
    query = (
        select(ReferenceRow)
        .where(ReferenceRow.article_id == article_id)
        .order_by(ReferenceRow.position)  # type: ignore[arg-type]
        .limit(limit + 1)
    )
    if after_position is not None:
        query = query.where(ReferenceRow.position > after_position)  # type: ignore[operator]
    rows = list(session.exec(query).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return [reference_public(r) for r in rows], (rows[-1].position if more and rows else None)
