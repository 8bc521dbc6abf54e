"""Pages of stored JSON read by keyset statements compiled once: the common list requests.

``GET /articles`` (by id, optionally by journal, issue or year) and ``GET /references`` (all,
citing a DOI, or a full-text search) are asked far more often in these plain shapes than with
sorts, facets or counts. Their pages are the stored list-item JSON of each row (written with the
article, app.services.documents), so a page is one statement: built once per shape (which
filters, whether a cursor continues it, how many search tokens), compiled once per dialect and run
on a pooled connection's own cursor (app.db.PreparedRead). The statements are the ones the general
listings run (app.services.articles.list_articles, app.services.references.list_references):
same conditions, same order, ``limit + 1`` rows; the routes compare both answers in the tests.

A page holding a row whose stored JSON is missing or out of date is not answered here (None): the
general listing renders those rows live.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.db import PreparedRead
from app.models import Article, ArticleDocument
from app.models import Reference as ReferenceRow
from app.schemas import DOCUMENT_VERSION
from app.search import search_clause, search_parameters

# Equality filters of the article list that a stored page takes (ArticleFilters' own columns).
ARTICLE_FILTERS = {
    "journal": col(Article.journal_id),
    "issue": col(Article.issue_id),
    "year": col(Article.year),
}


@dataclass(frozen=True, slots=True)
class StoredPage:
    """A page of stored item JSON, each item's language (articles: its first title's), and the
    key to continue after (None on the last page)."""

    items: list[str]
    languages: list[str | None]
    next_key: list[Any] | None


def _source(source: Engine | Connection | Session) -> Engine | Connection:
    return source.connection() if isinstance(source, Session) else source


@dataclass(frozen=True, slots=True)
class PageRead:
    """A page's one statement with its values, and how its rows make the page."""

    statement: PreparedRead
    values: dict[str, Any]
    limit: int
    languages: bool

    def run(self, source: Engine | Connection | Session) -> StoredPage | None:
        """The page read synchronously from ``source`` (the API may await it instead)."""
        return self.page(self.statement.all(_source(source), self.values))

    def page(self, rows: Sequence[tuple[Any, ...]]) -> StoredPage | None:
        """Rows of (id, item JSON[, language]) read ``limit + 1`` at a time, as a page."""
        shown = rows[: self.limit]
        if any(row[1] is None for row in shown):
            return None  # rendered live by the general listing
        return StoredPage(
            items=[row[1] for row in shown],
            languages=[row[2] for row in shown] if self.languages else [],
            next_key=[shown[-1][0]] if len(rows) > self.limit and shown else None,
        )


# --------------------------------------------------------------------------- articles

_ARTICLE_STATEMENTS: dict[tuple[tuple[str, ...], bool], PreparedRead] = {}


def _article_statement(filters: tuple[str, ...], after: bool) -> PreparedRead:
    found = _ARTICLE_STATEMENTS.get((filters, after))
    if found is None:
        stored = and_(
            col(ArticleDocument.article_id) == col(Article.id),
            col(ArticleDocument.version) == DOCUMENT_VERSION,
        )
        query = (
            sa_select(col(Article.id), col(ArticleDocument.summary), col(ArticleDocument.language))
            .outerjoin(ArticleDocument, stored)
            .where(*(ARTICLE_FILTERS[name] == bindparam(name) for name in filters))
        )
        if after:
            query = query.where(col(Article.id) > bindparam("after"))
        query = query.order_by(col(Article.id).asc()).limit(bindparam("limit"))
        found = _ARTICLE_STATEMENTS[filters, after] = PreparedRead(query)
    return found


def article_page(
    source: Engine | Connection | Session,
    filters: Mapping[str, int],
    limit: int,
    after: int | None,
) -> StoredPage | None:
    """Articles matching these equality filters (names of ARTICLE_FILTERS), in id order, after
    the id ``after``, from their stored summaries: one statement. None when a summary of the
    page is not stored (the caller answers from the general listing)."""
    return article_page_read(filters, limit, after).run(source)


def article_page_read(filters: Mapping[str, int], limit: int, after: int | None) -> PageRead:
    """The statement of article_page, with its values."""
    names = tuple(sorted(filters))
    values: dict[str, Any] = {**filters, "limit": limit + 1}
    if after is not None:
        values["after"] = after
    return PageRead(_article_statement(names, after is not None), values, limit, languages=True)


# --------------------------------------------------------------------------- references

_REFERENCE_COLUMNS = (col(ReferenceRow.id), col(ReferenceRow.document))
_REFERENCE_STATEMENTS: dict[tuple[str, int, bool, bool], PreparedRead] = {}


def _reference_statement(dialect: str, words: int, doi: bool, after: bool) -> PreparedRead:
    key = (dialect if words else "", words, doi, after)
    found = _REFERENCE_STATEMENTS.get(key)
    if found is None:
        query = sa_select(*_REFERENCE_COLUMNS)
        row_id: Any = col(ReferenceRow.id)
        if words:
            # As list_references: the page in the search index's order (app.search.search_table).
            table, row_id, matching = search_clause(dialect, "search_reference", ["?"] * words)
            query = query.select_from(table).join(ReferenceRow, col(ReferenceRow.id) == row_id)
            query = query.where(matching)
        if doi:
            query = query.where(col(ReferenceRow.doi) == bindparam("doi"))
        if after:
            query = query.where(row_id > bindparam("after"))
        query = query.order_by(row_id.asc()).limit(bindparam("limit"))
        found = _REFERENCE_STATEMENTS[key] = PreparedRead(query)
    return found


def bounded_by_page(dialect: str | None, words: list[str]) -> bool:
    """Whether a search's work is bounded by its page, whatever the word: one word on SQLite,
    where FTS5 walks the word's list of rows in rowid order (from the cursor on) and stops after
    the page. Several words may walk long lists for few rows in common; PostgreSQL's plan for
    a rare word may walk the table's key from the start (its estimates decide, not the page)."""
    return dialect == "sqlite" and len(words) == 1


def reference_page(
    source: Engine | Connection | Session,
    *,
    words: list[str] | None,
    doi: str | None,
    limit: int,
    after: int | None,
) -> StoredPage | None:
    """References holding every search token of ``words`` (or all, when None), citing ``doi``
    when given, in id order after the id ``after``, as their stored JSON: one statement. None
    when a reference of the page has no stored JSON."""
    bind = _source(source)
    return reference_page_read(
        bind.dialect.name, words=words, doi=doi, limit=limit, after=after
    ).run(bind)


def reference_page_read(
    dialect: str, *, words: list[str] | None, doi: str | None, limit: int, after: int | None
) -> PageRead:
    """The statement of reference_page on ``dialect``, with its values."""
    values: dict[str, Any] = {"limit": limit + 1}
    if words:
        values.update(search_parameters(dialect, words))
    if doi is not None:
        values["doi"] = doi
    if after is not None:
        values["after"] = after
    statement = _reference_statement(dialect, len(words or ()), doi is not None, after is not None)
    return PageRead(statement, values, limit, languages=False)
