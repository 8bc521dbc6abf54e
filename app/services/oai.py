"""Harvest queries, behind the OAI-PMH endpoint and the NDJSON dump: a fixed number of statements
per response or chunk.

Records are the articles, harvested in id order (a keyset that never skips or repeats a record
while harvesting, even when articles are updated meanwhile), selected by ``updated_at`` and by set
(a journal, or one of its issues). A page of headers is one statement; a page of records adds the
three statements of :func:`app.services.articles.article_page` instead, whatever the page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, null, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.models import Article, ArticleTombstone, Issue, Journal
from app.schemas import ArticlePublic
from app.services.articles import article_page, get_articles
from app.services.changes import get_tombstone
from app.services.listing import split_page

PAGE_SIZE = 100
# Ids beyond a 32-bit integer cannot exist, and PostgreSQL refuses to compare with them.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class SetFilter:
    """``journal:<id>`` or ``journal:<id>:issue:<id>``: the articles of a journal or an issue."""

    journal_id: int
    issue_id: int | None = None

    @property
    def spec(self) -> str:
        base = f"journal:{self.journal_id}"
        return base if self.issue_id is None else f"{base}:issue:{self.issue_id}"


@dataclass(frozen=True)
class RecordQuery:
    """What a list request selects: ``updated_at`` in [since, before) and one set, if any."""

    since: datetime | None = None
    before: datetime | None = None
    set_filter: SetFilter | None = None

    def conditions(self) -> list[Any]:
        return self._on(
            col(Article.updated_at), col(Article.journal_id), col(Article.issue_id)
        )

    def tombstone_conditions(self) -> list[Any]:
        """The same selection of deleted records: their datestamp is the deletion's."""
        return self._on(
            col(ArticleTombstone.deleted_at),
            col(ArticleTombstone.journal_id),
            col(ArticleTombstone.issue_id),
        )

    def _on(self, datestamp: Any, journal_id: Any, issue_id: Any) -> list[Any]:
        found: list[Any] = []
        if self.since is not None:
            found.append(datestamp >= self.since)
        if self.before is not None:
            found.append(datestamp < self.before)
        if self.set_filter is not None:
            found.append(journal_id == self.set_filter.journal_id)
            if self.set_filter.issue_id is not None:
                found.append(issue_id == self.set_filter.issue_id)
        return found


@dataclass(frozen=True)
class RecordHeader:
    article_id: int
    updated_at: datetime
    journal_id: int
    issue_id: int | None
    deleted: bool = False


@dataclass
class RecordPage:
    """One page of a list: headers, full articles (ListRecords only), the id to resume after
    (None on the last page) and the size of the whole list."""

    headers: list[RecordHeader]
    articles: list[ArticlePublic]
    next_after: int | None
    complete_size: int | None


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


@dataclass(frozen=True)
class RepositoryFacts:
    earliest: datetime | None
    first_journal_titles: dict[str, str] | None


def _title(titles: dict[str, str] | None) -> str | None:
    """English title if there is one (the protocol has one name per set), else the first."""
    if not titles:
        return None
    return titles.get("en") or next(iter(titles.values()))


def repository_facts(*, session: Session) -> RepositoryFacts:
    """Identify's facts in one statement: the oldest datestamp and the first journal's titles."""
    earliest = select(func.min(col(Article.updated_at))).scalar_subquery()
    earliest_deletion = select(func.min(col(ArticleTombstone.deleted_at))).scalar_subquery()
    first_titles = select(col(Journal.titles)).order_by(col(Journal.id)).limit(1).scalar_subquery()
    row = session.execute(select(earliest, earliest_deletion, first_titles)).one()
    moments = [moment for moment in row[:2] if moment is not None]
    return RepositoryFacts(earliest=min(moments, default=None), first_journal_titles=row[2])


def repository_name(facts: RepositoryFacts) -> str | None:
    return _title(facts.first_journal_titles)


def article_exists(*, session: Session, article_id: int) -> bool:
    if not 1 <= article_id <= MAX_ID:
        return False
    return (
        session.exec(select(col(Article.id)).where(col(Article.id) == article_id)).first()
        is not None
    )


def record_exists(*, session: Session, article_id: int) -> bool:
    """A live article or a deleted one's tombstone: deleted records are persistent."""
    return article_exists(session=session, article_id=article_id) or (
        get_tombstone(session=session, article_id=article_id) is not None
    )


def deleted_header(*, session: Session, article_id: int) -> RecordHeader | None:
    tombstone = get_tombstone(session=session, article_id=article_id)
    if tombstone is None:
        return None
    return RecordHeader(
        tombstone.article_id,
        tombstone.deleted_at,
        tombstone.journal_id or 0,
        tombstone.issue_id,
        deleted=True,
    )


def get_record(*, session: Session, article_id: int) -> ArticlePublic | None:
    """One record's article (three statements), or None."""
    if not 1 <= article_id <= MAX_ID:
        return None
    found = get_articles(session=session, article_ids=[article_id])
    return found[0] if found else None


def _ids_in_range(set_filter: SetFilter) -> bool:
    ids = [set_filter.journal_id, set_filter.issue_id or 1]
    return all(1 <= i <= MAX_ID for i in ids)


def _issue_label(issue: Issue) -> str:
    parts = [
        f"Vol. {issue.volume}" if issue.volume else "",
        f"No. {issue.number}" if issue.number else "",
        f"({issue.year})" if issue.year else "",
    ]
    return " ".join(p for p in parts if p) or f"Issue {issue.id}"


def list_sets(*, session: Session) -> list[OaiSet]:
    """Every journal, then each of its issues right after it: two statements."""
    journals = session.exec(select(Journal).order_by(col(Journal.id))).all()
    issues = session.exec(select(Issue).order_by(col(Issue.journal_id), col(Issue.id))).all()
    by_journal: dict[int, list[Issue]] = {}
    for issue in issues:
        by_journal.setdefault(issue.journal_id, []).append(issue)
    found: list[OaiSet] = []
    for journal in journals:
        journal_id = journal.id or 0
        name = _title(journal.titles) or f"Journal {journal_id}"
        found.append(OaiSet(SetFilter(journal_id).spec, name))
        for issue in by_journal.get(journal_id, []):
            spec = SetFilter(journal_id, issue.id).spec
            found.append(OaiSet(spec, f"{name}, {_issue_label(issue)}"))
    return found


def list_records(
    *,
    session: Session,
    query: RecordQuery,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    with_articles: bool = False,
    count: bool = True,
    deleted: bool = False,
) -> RecordPage:
    """One page in id order after ``after``, with the size of the whole list when ``count``:
    one statement for headers only, three with the articles, whatever the page size. With
    ``deleted``, tombstones are records too (their articles are absent): one statement for the
    headers of both, three more for the live articles."""
    if query.set_filter is not None and not _ids_in_range(query.set_filter):
        return RecordPage([], [], None, 0)
    if deleted:
        return _records_with_deleted(session, query, after, limit, with_articles, count)
    conditions = query.conditions()
    if with_articles:
        articles, more, total = article_page(
            session=session, conditions=conditions, after=after, limit=limit, with_total=count
        )
        headers = [
            RecordHeader(a.id, a.updated_at, a.journal.id, a.issue.id if a.issue else None)
            for a in articles
        ]
        return RecordPage(
            headers=headers,
            articles=articles,
            next_after=headers[-1].article_id if more and headers else None,
            complete_size=total or 0,
        )
    # Not correlated with the page's rows: the size of the whole list, in the same statement.
    total_column = (
        select(func.count())
        .select_from(Article)
        .where(*conditions)
        .correlate(None)
        .scalar_subquery()
        if count
        else null()
    )
    page = sa_select(
        col(Article.id),
        col(Article.updated_at),
        col(Article.journal_id),
        col(Article.issue_id),
        total_column,
    ).where(*conditions)
    if after is not None:
        page = page.where(col(Article.id) > after)
    rows, more = split_page(
        session.execute(page.order_by(col(Article.id)).limit(limit + 1)).all(), limit
    )
    headers = [RecordHeader(row[0], row[1], row[2], row[3]) for row in rows]
    return RecordPage(
        headers=headers,
        articles=[],
        next_after=headers[-1].article_id if more else None,
        complete_size=rows[0][4] if rows else 0,
    )


def _records_with_deleted(
    session: Session,
    query: RecordQuery,
    after: int | None,
    limit: int,
    with_articles: bool,
    count: bool,
) -> RecordPage:
    live_conditions = query.conditions()
    gone_conditions = query.tombstone_conditions()
    if after is not None:
        live_conditions.append(col(Article.id) > after)
        gone_conditions.append(col(ArticleTombstone.article_id) > after)
    both = union_all(
        sa_select(
            col(Article.id).label("id"),
            col(Article.updated_at).label("datestamp"),
            col(Article.journal_id).label("journal_id"),
            col(Article.issue_id).label("issue_id"),
            literal(0).label("deleted"),
        ).where(*live_conditions),
        sa_select(
            col(ArticleTombstone.article_id),
            col(ArticleTombstone.deleted_at),
            col(ArticleTombstone.journal_id),
            col(ArticleTombstone.issue_id),
            literal(1),
        ).where(*gone_conditions),
    ).subquery()
    total_column: Any = null()
    if count:
        # Not correlated with the page's rows: the size of the whole list, in the same statement.
        total_column = (
            select(func.count()).select_from(Article).where(*query.conditions())
        ).correlate(None).scalar_subquery() + (
            select(func.count())
            .select_from(ArticleTombstone)
            .where(*query.tombstone_conditions())
        ).correlate(None).scalar_subquery()
    page = sa_select(
        both.c.id, both.c.datestamp, both.c.journal_id, both.c.issue_id, both.c.deleted,
        total_column,
    ).order_by(both.c.id).limit(limit + 1)
    rows, more = split_page(session.execute(page).all(), limit)
    headers = [
        RecordHeader(row[0], row[1], row[2] or 0, row[3], deleted=bool(row[4])) for row in rows
    ]
    articles: list[ArticlePublic] = []
    if with_articles:
        live = [header.article_id for header in headers if not header.deleted]
        articles = get_articles(session=session, article_ids=live)
    return RecordPage(
        headers=headers,
        articles=articles,
        next_after=headers[-1].article_id if more and headers else None,
        complete_size=rows[0][5] if rows else 0,
    )


def set_specs(journal_id: int, issue_id: int | None) -> Sequence[str]:
    """The sets a record belongs to: its journal, and its issue within that journal."""
    specs = [SetFilter(journal_id).spec]
    if issue_id is not None:
        specs.append(SetFilter(journal_id, issue_id).spec)
    return specs
