"""``reparse``: re-parse every stored reference after a parser change, one article at a time."""

from __future__ import annotations


def reparse() -> int:
    """Re-parse every stored reference with the current parser (one transaction per article)."""
    from sqlmodel import Session

    from app.cli.progress import progress
    from app.db import get_engine
    from app.services.reparse import article_ids, reparse_article

    engine = get_engine()
    with Session(engine) as session:
        ids = article_ids(session)
    changed_total = 0
    with progress(len(ids), "reparse", to_stderr=True) as tracker:
        for article_id in ids:
            with Session(engine) as session, session.begin():
                changed = reparse_article(session, article_id)
            changed_total += changed
            tracker.item(f"article {article_id}: {changed} references changed")
    print(f"re-parsed {len(ids)} articles; {changed_total} references changed")
    return 0
