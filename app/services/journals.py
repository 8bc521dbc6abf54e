"""Journals and issues, with counts, and an issue's articles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Article, Issue, Journal
from app.pagination import MAX_LIMIT
from app.schemas import ArticlePublic, IssueDetail, IssuePublic, JournalPublic, JournalSummary
from app.services.articles import article_page, journal_summary, summaries
from app.services.listing import SortKey, fetch_page

JOURNALS_BY_ID = SortKey((col(Journal.id),), (int,))
ISSUES_BY_ID = SortKey((col(Issue.id),), (int,))


def _counted_journals() -> Any:
    issues = select(func.count()).where(col(Issue.journal_id) == col(Journal.id)).correlate(Journal)
    articles = (
        select(func.count()).where(col(Article.journal_id) == col(Journal.id)).correlate(Journal)
    )
    return select(Journal, issues.scalar_subquery(), articles.scalar_subquery())


def _journal_public(journal: Journal, issue_count: int, article_count: int) -> JournalPublic:
    return JournalPublic(
        **journal_summary(journal).model_dump(),
        issue_count=issue_count,
        article_count=article_count,
    )


def list_journals(
    *, session: Session, limit: int, after: Sequence[Any] | None = None
) -> tuple[list[JournalPublic], list[Any] | None]:
    rows, more = fetch_page(session, _counted_journals(), JOURNALS_BY_ID, after, limit)
    items = [_journal_public(*row) for row in rows]
    return items, ([items[-1].id] if more and items else None)


def get_journal(*, session: Session, journal_id: int) -> JournalPublic | None:
    row = session.exec(_counted_journals().where(col(Journal.id) == journal_id)).first()
    return _journal_public(*row) if row is not None else None


def _counted_issues() -> Any:
    articles = select(func.count()).where(col(Article.issue_id) == col(Issue.id)).correlate(Issue)
    return select(Issue, articles.scalar_subquery())


def _issue_public(issue: Issue, article_count: int) -> IssuePublic:
    return IssuePublic(
        id=issue.id or 0,
        journal_id=issue.journal_id,
        volume=issue.volume,
        number=issue.number,
        year=issue.year,
        article_count=article_count,
    )


def list_issues(
    *,
    session: Session,
    limit: int,
    journal: int | None = None,
    year: int | None = None,
    after: Sequence[Any] | None = None,
) -> tuple[list[IssuePublic], list[Any] | None]:
    query = _counted_issues()
    if journal is not None:
        query = query.where(col(Issue.journal_id) == journal)
    if year is not None:
        query = query.where(col(Issue.year) == year)
    rows, more = fetch_page(session, query, ISSUES_BY_ID, after, limit)
    items = [_issue_public(*row) for row in rows]
    return items, ([items[-1].id] if more and items else None)


def get_issue(*, session: Session, issue_id: int) -> IssueDetail | None:
    """The issue with its journal and its articles in id order: three statements."""
    found = issue_with_journal(session=session, issue_id=issue_id)
    if found is None:
        return None
    issue, journal = found
    articles = session.exec(
        select(Article).where(col(Article.issue_id) == issue_id).order_by(col(Article.id))
    ).all()
    return IssueDetail(
        **issue.model_dump(), journal=journal, articles=summaries(session, articles)
    )


def issue_with_journal(
    *, session: Session, issue_id: int
) -> tuple[IssuePublic, JournalSummary] | None:
    """The issue with its article count, and its journal: one statement."""
    row = session.exec(
        _counted_issues()
        .add_columns(Journal)
        .join(Journal, col(Journal.id) == col(Issue.journal_id))
        .where(col(Issue.id) == issue_id)
    ).first()
    if row is None:
        return None
    issue, count, journal = row
    return _issue_public(issue, count), journal_summary(journal)


def issue_articles(*, session: Session, issue_id: int) -> list[ArticlePublic]:
    """Every article of the issue, complete (authors, pages, DOI, galleys): three statements."""
    articles, _more, _total = article_page(
        session=session,
        conditions=[col(Article.issue_id) == issue_id],
        after=None,
        limit=MAX_LIMIT,
    )
    return articles
