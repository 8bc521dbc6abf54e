"""Article queries: a fixed number of statements per call, whatever the page size.

The detail of N articles costs three statements: the articles with journal, issue and reference
count; their localized texts, keywords and galleys in one UNION ALL; their authors.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, and_, cast, func, literal, null, true, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.models import (
    Article,
    ArticleAuthor,
    ArticleDocument,
    ArticleText,
    Author,
    Galley,
    Issue,
    Journal,
    Keyword,
)
from app.models import Reference as ReferenceRow
from app.schemas import (
    DOCUMENT_VERSION,
    ArticlePublic,
    ArticleSummary,
    GalleyPublic,
    IssueSummary,
    JournalSummary,
    ReferencePublic,
)
from app.schemas import (
    ArticleAuthor as ArticleAuthorPublic,
)
from app.search import fold, search_condition
from app.services.facets import Facet
from app.services.facets import count as facet_count
from app.services.listing import Listing, SortKey, fetch_page


@dataclass
class _Parts:
    title: dict[str, str] = field(default_factory=dict)
    abstract: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    galleys: list[GalleyPublic] = field(default_factory=list)
    authors: list[ArticleAuthorPublic] = field(default_factory=list)
    references: list[ReferencePublic] = field(default_factory=list)


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


def _children(article_ids: Sequence[int], references: bool) -> Any:
    """One statement for the child tables, rows shaped (article, kind, position, lang, text,
    extra, number): texts, keywords, galleys (extra = URL) and, for exports, references
    (lang = DOI, extra = CSL-JSON as text, number = reference id)."""
    none = cast(null(), String)
    no_number = cast(null(), Integer)
    parts: list[Any] = [
        sa_select(
            col(ArticleText.article_id),
            col(ArticleText.kind),
            col(ArticleText.position),
            col(ArticleText.lang),
            col(ArticleText.text),
            none,
            no_number,
        ).where(col(ArticleText.article_id).in_(article_ids)),
        sa_select(
            col(Keyword.article_id),
            literal("keyword", String),
            col(Keyword.position),
            col(Keyword.lang),
            col(Keyword.term),
            none,
            no_number,
        ).where(col(Keyword.article_id).in_(article_ids)),
        sa_select(
            col(Galley.article_id),
            literal("galley", String),
            col(Galley.position),
            col(Galley.locale),
            col(Galley.label),
            col(Galley.url),
            no_number,
        ).where(col(Galley.article_id).in_(article_ids)),
    ]
    if references:
        parts.append(
            sa_select(
                col(ReferenceRow.article_id),
                literal("reference", String),
                col(ReferenceRow.position),
                col(ReferenceRow.doi),
                col(ReferenceRow.raw),
                cast(col(ReferenceRow.csl), Text),
                col(ReferenceRow.id),
            ).where(col(ReferenceRow.article_id).in_(article_ids))
        )
    return union_all(*parts)


def load_parts(
    session: Session, article_ids: Sequence[int], *, authors: bool = True, references: bool = False
) -> dict[int, _Parts]:
    parts: dict[int, _Parts] = defaultdict(_Parts)
    if not article_ids:
        return parts
    rows = session.execute(_children(article_ids, references)).all()
    # Order in Python: a UNION's ORDER BY would need dialect-specific column references.
    for article_id, kind, _position, lang, text, extra, number in sorted(
        rows, key=lambda r: (r[1], r[2])
    ):
        part = parts[article_id]
        if kind == "title":
            part.title[lang] = text
        elif kind == "abstract":
            part.abstract[lang] = text
        elif kind == "keyword":
            part.keywords.setdefault(lang, []).append(text)
        elif kind == "galley":
            part.galleys.append(GalleyPublic(label=text, locale=lang, url=extra))
        else:
            part.references.append(
                ReferencePublic(
                    id=number,
                    article_id=article_id,
                    position=_position,
                    raw=text,
                    doi=lang,
                    csl=json.loads(extra) if extra else {},
                )
            )
    if authors:
        author_rows = session.exec(
            select(ArticleAuthor, Author)
            .join(Author, col(Author.id) == col(ArticleAuthor.author_id))
            .where(col(ArticleAuthor.article_id).in_(article_ids))
            .order_by(col(ArticleAuthor.article_id), col(ArticleAuthor.position))
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
        .where(col(ReferenceRow.article_id) == col(Article.id))
        .correlate(Article)
        .scalar_subquery()
        .label("reference_count")
    )


@dataclass(frozen=True)
class FullArticle:
    """An article's row and its public model, with its references when they were asked for."""

    row: Article
    public: ArticlePublic
    references: list[ReferencePublic]


def article_public(
    article: Article, journal: Journal, issue: Issue | None, part: _Parts, reference_count: int
) -> ArticlePublic:
    return ArticlePublic(
        id=article.id or 0,
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


def summary_of(article: Article, title: dict[str, str]) -> ArticleSummary:
    """An article as a list item: what every listing of articles shows."""
    return ArticleSummary(
        id=article.id or 0,
        doi=article.doi,
        title=title,
        journal_id=article.journal_id,
        issue_id=article.issue_id,
        year=article.year,
        published=article.published,
    )


def full_articles(
    session: Session,
    condition: Any,
    *,
    references: bool = False,
    limit: int | None = None,
    total_of: Any = None,
) -> tuple[list[FullArticle], int | None]:
    """Public articles matching ``condition`` in id order (at most ``limit``), with their
    references when asked (exports) and the size of ``total_of`` when given: three statements."""
    columns: list[Any] = [Article, Journal, Issue, _reference_count()]
    if total_of is not None:
        # Not correlated with the page's rows: the size of the whole list, in the same statement.
        columns.append(
            select(func.count())
            .select_from(Article)
            .where(*total_of)
            .correlate(None)
            .scalar_subquery()
        )
    query = (
        select(*columns)
        .join(Journal, col(Journal.id) == col(Article.journal_id))
        .outerjoin(Issue, col(Issue.id) == col(Article.issue_id))
        .where(condition)
        .order_by(col(Article.id))
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.exec(query).all()
    parts = load_parts(session, [row[0].id for row in rows], references=references)
    result = []
    for article, journal, issue, reference_count, *_total in rows:
        part = parts[article.id]
        public = article_public(article, journal, issue, part, reference_count)
        result.append(FullArticle(article, public, part.references))
    total = rows[0][4] if rows and total_of is not None else None
    return result, total


def article_page(
    *,
    session: Session,
    conditions: Sequence[Any],
    after: int | None,
    limit: int,
    with_total: bool = False,
) -> tuple[list[ArticlePublic], bool, int | None]:
    """A keyset page of full articles in id order, for harvesting and dumps: three statements.

    Returns the articles, whether more follow, and (when asked) how many match in all.
    """
    condition = and_(true(), *conditions)
    if after is not None:
        condition = and_(condition, col(Article.id) > after)
    found, total = full_articles(
        session, condition, limit=limit + 1, total_of=list(conditions) if with_total else None
    )
    return [full.public for full in found[:limit]], len(found) > limit, total


def get_articles(*, session: Session, article_ids: Sequence[int]) -> list[ArticlePublic]:
    """Full public articles for the given ids, in id order (missing ids are skipped)."""
    if not article_ids:
        return []
    found, _total = full_articles(session, col(Article.id).in_(article_ids))
    return [full.public for full in found]


def complete_articles(
    *, session: Session, article_ids: Sequence[int], references: bool = False
) -> dict[int, tuple[ArticlePublic, list[ReferencePublic]]]:
    """The complete public articles (and reference lists when asked) of a page's ids, by id:
    three statements whatever the number of ids."""
    if not article_ids:
        return {}
    found, _total = full_articles(session, col(Article.id).in_(article_ids), references=references)
    return {full.public.id: (full.public, full.references) for full in found}


def find_article(
    *,
    session: Session,
    article_id: int | None = None,
    doi: str | None = None,
    references: bool = False,
) -> tuple[ArticlePublic, list[ReferencePublic]] | None:
    """One article by id or DOI, with its reference list when asked (exports): three statements."""
    condition = col(Article.doi) == doi if doi is not None else col(Article.id) == article_id
    found, _total = full_articles(session, condition, references=references)
    return (found[0].public, found[0].references) if found else None


@dataclass(frozen=True)
class ArticleFilters:
    journal: int | None = None
    issue: int | None = None
    year: int | None = None
    lang: str | None = None
    keyword: str | None = None
    keyword_lang: str | None = None
    doi: str | None = None
    author: int | None = None
    q: str | None = None
    updated_since: datetime | None = None

    def conditions(self, dialect: str) -> list[Any]:
        found: list[Any] = []
        if self.updated_since is not None:
            found.append(col(Article.updated_at) >= self.updated_since)
        if self.journal is not None:
            found.append(col(Article.journal_id) == self.journal)
        if self.issue is not None:
            found.append(col(Article.issue_id) == self.issue)
        if self.year is not None:
            found.append(col(Article.year) == self.year)
        if self.doi is not None:
            found.append(col(Article.doi) == self.doi)
        if self.lang is not None:
            titled = select(col(ArticleText.article_id)).where(
                col(ArticleText.kind) == "title", col(ArticleText.lang) == self.lang
            )
            found.append(col(Article.id).in_(titled))
        if self.keyword is not None:
            tagged = select(col(Keyword.article_id)).where(
                col(Keyword.term_folded) == fold(self.keyword)
            )
            if self.keyword_lang is not None:
                tagged = tagged.where(col(Keyword.lang) == self.keyword_lang)
            found.append(col(Article.id).in_(tagged))
        if self.author is not None:
            written = select(col(ArticleAuthor.article_id)).where(
                col(ArticleAuthor.author_id) == self.author
            )
            found.append(col(Article.id).in_(written))
        if self.q is not None:
            found.append(search_condition(col(Article.id), dialect, "search_article", self.q))
        return found


ARTICLE_SORTS: dict[str, tuple[tuple[Any, ...], tuple[type, ...]]] = {
    "id": ((col(Article.id),), (int,)),
    "published": ((col(Article.sort_date), col(Article.id)), (str, int)),
    "title": ((col(Article.sort_title), col(Article.id)), (str, int)),
    "updated": ((col(Article.updated_at), col(Article.id)), (datetime, int)),
}
ARTICLE_FACETS: dict[str, Facet] = {
    facet.name: facet
    for facet in (
        Facet(
            "year",
            col(Article.year),
            col(Article.id),
            (col(Article.year),),
            where=(col(Article.year).is_not(None),),
        ),
        Facet(
            "lang",
            col(ArticleText.lang),
            col(ArticleText.article_id),
            (col(ArticleText.lang),),
            where=(col(ArticleText.kind) == "title",),
            distinct=True,
        ),
        Facet(
            # Terms differing only in case are one keyword; the value shown is one spelling of it.
            "keyword",
            func.min(col(Keyword.term)),
            col(Keyword.article_id),
            (col(Keyword.lang), col(Keyword.term_folded)),
            lang=col(Keyword.lang),
            distinct=True,
            top=True,
        ),
    )
}


def summaries(session: Session, articles: Sequence[Article]) -> list[ArticleSummary]:
    """List items for already-loaded articles: one more statement for their titles."""
    parts = load_parts(session, [a.id or 0 for a in articles], authors=False)
    return [summary_of(a, parts[a.id or 0].title) for a in articles]


def _instant(value: Any) -> Any:
    """A cursor's ISO 8601 instant back as a datetime (left as is when not one: the sort key
    then refuses the cursor as not fitting)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def list_articles(
    *,
    session: Session,
    filters: ArticleFilters,
    limit: int,
    sort: str = "id",
    descending: bool = False,
    after: Sequence[Any] | None = None,
    facets: Sequence[str] = (),
    count: bool = False,
) -> Listing[str]:
    """One page of matching articles as list-item JSON, from their stored summaries: one
    statement, one more for facets and total when asked (and one for any summary not stored)."""
    dialect = session.get_bind().dialect.name
    conditions = filters.conditions(dialect)
    columns, types = ARTICLE_SORTS[sort]
    key = SortKey(columns, types, descending)
    if after is not None:
        after = [
            _instant(value) if kind is datetime else value
            for value, kind in zip(after, types, strict=False)
        ]
    stored = and_(
        col(ArticleDocument.article_id) == col(Article.id),
        col(ArticleDocument.version) == DOCUMENT_VERSION,
    )
    query = (
        sa_select(col(Article.id), *columns[:-1], col(ArticleDocument.summary))
        .outerjoin(ArticleDocument, stored)
        .where(*conditions)
    )
    rows, more = fetch_page(session, query, key, after, limit)
    items = [row[-1] for row in rows]
    missing = [row[0] for row, item in zip(rows, items, strict=True) if item is None]
    if missing:  # written before documents existed, or by an older renderer
        live = {
            summary.id: summary.model_dump_json()
            for summary in summaries(
                session, session.exec(select(Article).where(col(Article.id).in_(missing))).all()
            )
        }
        items = [
            item if item is not None else live[row[0]]
            for row, item in zip(rows, items, strict=True)
        ]
    next_key = None
    if more and rows:
        last = rows[-1]
        next_key = [
            value.isoformat() if isinstance(value, datetime) else value
            for value in (getattr(last, column.key) for column in columns)
        ]
    found, total = facet_count(
        session,
        facets=[ARTICLE_FACETS[name] for name in facets],
        item=col(Article.id),
        matching=select(col(Article.id)).where(*conditions),
        total=count,
    )
    return Listing(items, next_key, total, found)
