"""Re-parse stored references after a parser change: one transaction per article."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.ingest.references import parse_reference
from app.models import Article, Reference, utcnow
from app.services.changes import lock_writes, record_change
from app.services.documents import mark_articles
from app.services.reference_rows import reference_columns


def article_ids(session: Session) -> list[int]:
    return [i for i in session.exec(select(col(Article.id)).order_by(col(Article.id))) if i]


def reparse_article(session: Session, article_id: int) -> int:
    """Re-parse one article's references; returns how many changed. A change is a change of
    the article like any other: ``updated_at`` moves and the change feed records it."""
    lock_writes(session)
    changed = 0
    for reference in session.exec(select(Reference).where(col(Reference.article_id) == article_id)):
        csl = parse_reference(reference.raw)
        if csl == reference.csl:
            continue
        reference.csl = csl
        for name, value in reference_columns(csl).items():
            setattr(reference, name, value)
        session.add(reference)
        changed += 1
    if changed:
        article = session.get(Article, article_id)
        if article is not None:
            article.updated_at = utcnow()
            session.add(article)
            session.flush()
            record_change(session, article_id, "updated")
        mark_articles(session, [article_id])
    return changed
