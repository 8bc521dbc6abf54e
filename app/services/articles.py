"""Article queries: a fixed number of statements per call, whatever the page size.

The detail of N articles costs three statements: the articles with journal, issue and reference
count; their localized texts, keywords and galleys in one UNION ALL; their authors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, literal, null, union_all
from sqlmodel import Session, select

from app.models import Article, ArticleAuthor, ArticleText, Author, Galley, Issue, Journal, Keyword
from app.models import Reference as ReferenceRow
from app.schemas import (
    ArticleAuthor as ArticleAuthorPublic,
)
from app.schemas import (
    ArticlePublic,
    ArticleSummary,
    GalleyPublic,
    IssueSummary,
    JournalSummary,
)


@dataclass
class _Parts:
    title: dict[str, str] = field(default_factory=dict)
    abstract: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    galleys: list[GalleyPublic] = field(default_factory=list)
    authors: list[ArticleAuthorPublic] = field(default_factory=list)


def journal_summary(journal: Journal) -> JournalSummary:
    return JournalSummary(
        id=journal.id or 0,
        title=journal.titles or {},
        issn_print=journal.issn_print,
        issn_online=journal.issn_online,
        publisher=journal.publisher,
        base_url=journal.base_url,
    )


def issue_summary(issue: Issue | None) -> IssueSummary | None:
    if issue is None:
        return None
    return IssueSummary(id=issue.id or 0, volume=issue.volume, number=issue.number, year=issue.year)


def _texts_keywords_galleys(article_ids: Sequence[int]) -> Any:
    """One statement for three child tables: rows (article, kind, lang, position, text, url)."""
    none = cast(null(), String)
    texts = select(
        ArticleText.article_id,
        ArticleText.kind,
        ArticleText.lang,
        ArticleText.position,
        ArticleText.text,
        none,
    ).where(ArticleText.article_id.in_(article_ids))  # type: ignore[attr-defined]
    keywords = select(
        Keyword.article_id,
        literal("keyword", String),
        Keyword.lang,
        Keyword.position,
        Keyword.term,
        none,
    ).where(Keyword.article_id.in_(article_ids))  # type: ignore[attr-defined]
    galleys = select(
        Galley.article_id,
        literal("galley", String),
        Galley.locale,
        Galley.position,
        Galley.label,
        Galley.url,
    ).where(Galley.article_id.in_(article_ids))  # type: ignore[attr-defined]
    return union_all(texts, keywords, galleys)


def load_parts(
    session: Session, article_ids: Sequence[int], *, authors: bool = True
) -> dict[int, _Parts]:
    parts: dict[int, _Parts] = defaultdict(_Parts)
    if not article_ids:
        return parts
    rows = session.execute(_texts_keywords_galleys(article_ids)).all()
    # Order in Python: a UNION's ORDER BY would need dialect-specific column references.
    for article_id, kind, lang, _position, text, url in sorted(rows, key=lambda r: (r[1], r[3])):
        part = parts[article_id]
        if kind == "title":
            part.title[lang] = text
        elif kind == "abstract":
            part.abstract[lang] = text
        elif kind == "keyword":
            part.keywords.setdefault(lang, []).append(text)
        else:
            part.galleys.append(GalleyPublic(label=text, locale=lang, url=url))
    if authors:
        author_rows = session.exec(
            select(ArticleAuthor, Author)
            .join(Author, Author.id == ArticleAuthor.author_id)  # type: ignore[arg-type]
            .where(ArticleAuthor.article_id.in_(article_ids))  # type: ignore[attr-defined]
            .order_by(ArticleAuthor.article_id, ArticleAuthor.position)
        ).all()
        for link, author in author_rows:
            parts[link.article_id].authors.append(
                ArticleAuthorPublic(
                    id=author.id or 0,
                    position=link.position,
                    family=author.family,
                    given=author.given,
                    affiliation=link.affiliation,
                    orcid=author.orcid,
                )
            )
    return parts


def _reference_count() -> Any:
    return (
        select(func.count())
        .where(ReferenceRow.article_id == Article.id)
        .correlate(Article)
        .scalar_subquery()
        .label("reference_count")
    )


def get_articles(*, session: Session, article_ids: Sequence[int]) -> list[ArticlePublic]:
    """Full public articles for the given ids, in that order (missing ids are skipped)."""
    if not article_ids:
        return []
    rows = session.exec(
        select(Article, Journal, Issue, _reference_count())
        .join(Journal, Journal.id == Article.journal_id)  # type: ignore[arg-type]
        .outerjoin(Issue, Issue.id == Article.issue_id)  # type: ignore[arg-type]
        .where(Article.id.in_(article_ids))  # type: ignore[union-attr]
    ).all()
    by_id = {row[0].id: row for row in rows}
    parts = load_parts(session, list(by_id))
    result = []
    for article_id in article_ids:
        if article_id not in by_id:
            continue
        article, journal, issue, reference_count = by_id[article_id]
        part = parts[article_id]
        result.append(
            ArticlePublic(
                id=article_id,
                doi=article.doi,
                source_url=article.source_url,
                ojs_article_id=article.ojs_article_id,
                journal=journal_summary(journal),
                issue=issue_summary(issue),
                title=part.title,
                abstract=part.abstract,
                keywords=part.keywords,
                authors=part.authors,
                galleys=part.galleys,
                language=article.language,
                pages=article.pages,
                published=article.published,
                reference_count=reference_count,
                updated_at=article.updated_at,
            )
        )
    return result


def get_article(*, session: Session, article_id: int) -> ArticlePublic | None:
    found = get_articles(session=session, article_ids=[article_id])
    return found[0] if found else None


def list_articles(
    *, session: Session, limit: int, after_id: int | None = None
) -> tuple[list[ArticleSummary], int | None]:
    """One page of articles by id; returns the items and the key to continue after, if any."""
    query = select(Article).order_by(Article.id).limit(limit + 1)  # type: ignore[arg-type]
    if after_id is not None:
        query = query.where(Article.id > after_id)  # type: ignore[operator]
    articles = list(session.exec(query).all())
    more = len(articles) > limit
    articles = articles[:limit]
    parts = load_parts(session, [a.id or 0 for a in articles], authors=False)
    items = [
        ArticleSummary(
            id=a.id or 0,
            doi=a.doi,
            title=parts[a.id or 0].title,
            journal_id=a.journal_id,
            issue_id=a.issue_id,
            year=a.year,
            published=a.published,
        )
        for a in articles
    ]
    return items, (articles[-1].id if more and articles else None)
