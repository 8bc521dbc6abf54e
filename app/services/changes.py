"""Change tracking: one writer at a time, a row per committed change, tombstones of deletions.

Every write (``store_record``, ``delete_article``) first takes the write lock, so writes commit
one after the other: change ids then grow in commit order, a reader paging ``/changes`` by id
never skips a change that commits later, and no two writers interleave their reads and writes.
A journal's write rate is far below what one writer at a time allows (SQLite has no other mode).
Events of a transaction wait in ``session.info`` until it commits (webhooks read them there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, insert, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.models import Article, ArticleChange, ArticleTombstone, utcnow
from app.services.change_events import ChangeEvent, ChangeKind

PENDING_EVENTS = "pending_change_events"
# Any constant: the key of PostgreSQL's transaction-level advisory lock that serializes writers.
WRITE_LOCK_KEY = 7_140_014


def lock_writes(session: Session) -> None:
    """Wait for, then hold until commit, the one write lock (idempotent within a transaction).

    PostgreSQL: a transaction-level advisory lock. SQLite: a statement that writes nothing still
    takes the database's write lock, waiting up to ``busy_timeout``; it must come before any read
    of the transaction, which is why writers call this first.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    else:
        session.execute(text("DELETE FROM article_change WHERE 1 = 0"))


def record_change(session: Session, article_id: int, kind: ChangeKind) -> ChangeEvent:
    change = ArticleChange(article_id=article_id, kind=kind, changed_at=utcnow())
    session.add(change)
    session.flush()
    event = ChangeEvent(change.id or 0, article_id, kind, change.changed_at)
    session.info.setdefault(PENDING_EVENTS, []).append(event)
    return event


def record_changes(
    session: Session, changes: Sequence[tuple[int, ChangeKind]]
) -> list[ChangeEvent]:
    """Many changes at once, in order (a batch of pages, each article once): one statement."""
    if not changes:
        return []
    table: Any = ArticleChange.__table__  # type: ignore[attr-defined]
    now = utcnow()
    rows = [
        {"article_id": article_id, "kind": kind, "changed_at": now} for article_id, kind in changes
    ]
    # Matched by article, not by the order of RETURNING (see article_rows.insert_returning_ids).
    inserted = session.execute(insert(table).returning(table.c.id, table.c.article_id), rows)
    ids = {article_id: change_id for change_id, article_id in inserted}
    events = sorted(
        (ChangeEvent(ids[article_id], article_id, kind, now) for article_id, kind in changes),
        key=lambda event: event.seq,
    )
    session.info.setdefault(PENDING_EVENTS, []).extend(events)
    return events


def forget_pending_events(session: Session) -> None:
    session.info.pop(PENDING_EVENTS, None)


@event.listens_for(OrmSession, "after_commit")
def _after_commit(session: OrmSession) -> None:
    """Committed changes go to the webhooks (which never block the committing thread)."""
    events = list(session.info.pop(PENDING_EVENTS, []))
    if events:
        from app.webhooks import dispatch  # the notifier, loaded only once there is news

        dispatch(events)


@event.listens_for(OrmSession, "after_rollback")
def _after_rollback(session: OrmSession) -> None:
    session.info.pop(PENDING_EVENTS, None)


def fresh_article_id(session: Session) -> int | None:
    """The id for a new article on SQLite, which would reuse the largest id once it is deleted
    (and so hand a tombstone's id to another article); PostgreSQL's sequence never reuses one."""
    if session.get_bind().dialect.name == "postgresql":
        return None
    largest = select(
        func.max(col(Article.id)).label("m")
    ).union_all(select(func.max(col(ArticleTombstone.article_id))))
    values = [row[0] for row in session.execute(largest).all() if row[0] is not None]
    return max(values, default=0) + 1


def get_tombstone(*, session: Session, article_id: int) -> ArticleTombstone | None:
    if not 1 <= article_id <= 2**31 - 1:
        return None
    return session.get(ArticleTombstone, article_id)


def get_tombstones(
    *, session: Session, article_ids: Sequence[int]
) -> dict[int, ArticleTombstone]:
    if not article_ids:
        return {}
    rows = session.exec(
        select(ArticleTombstone).where(col(ArticleTombstone.article_id).in_(article_ids))
    )
    return {row.article_id: row for row in rows}


def tombstone_of_doi(*, session: Session, doi: str) -> ArticleTombstone | None:
    return session.exec(
        select(ArticleTombstone)
        .where(col(ArticleTombstone.doi) == doi)
        .order_by(col(ArticleTombstone.deleted_at).desc())
        .limit(1)
    ).first()


def list_changes(
    *,
    session: Session,
    after: int | None,
    limit: int,
    since: datetime | None = None,
    article_id: int | None = None,
) -> tuple[list[ChangeEvent], bool]:
    """Changes in commit order after change ``after``: one statement. Returns (page, more)."""
    query: Any = select(ArticleChange)
    if after is not None:
        query = query.where(col(ArticleChange.id) > after)
    if since is not None:
        query = query.where(col(ArticleChange.changed_at) >= since)
    if article_id is not None:
        query = query.where(col(ArticleChange.article_id) == article_id)
    rows: Sequence[ArticleChange] = session.exec(
        query.order_by(col(ArticleChange.id)).limit(limit + 1)
    ).all()
    events = [
        ChangeEvent(row.id or 0, row.article_id, row.kind, row.changed_at)  # type: ignore[arg-type]
        for row in rows[:limit]
    ]
    return events, len(rows) > limit
