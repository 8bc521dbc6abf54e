"""Re-parse stored references after a parser change: one transaction per article, with progress."""

from __future__ import annotations

import sys

from sqlmodel import Session, col, select

from app.db import get_engine
from app.ingest.references import parse_reference
from app.models import Article, Reference
from app.services.loading import reference_columns


def reparse_article(session: Session, article_id: int) -> int:
    """Re-parse one article's references; returns how many changed."""
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
    return changed


def reparse_all() -> int:
    engine = get_engine()
    with Session(engine) as session:
        article_ids = list(session.exec(select(col(Article.id)).order_by(col(Article.id))))
    total = len(article_ids)
    changed_total = 0
    for done, article_id in enumerate(article_ids, start=1):
        with Session(engine) as session, session.begin():
            changed = reparse_article(session, article_id or 0)
        changed_total += changed
        print(
            f"[{done}/{total}] article {article_id}: {changed} references changed", file=sys.stderr
        )
    print(f"re-parsed {total} articles; {changed_total} references changed")
    return 0
