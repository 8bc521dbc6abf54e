"""Reference queries: ordered lists by keyset, a fixed number of statements per call."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.models import Article
from app.models import Reference as ReferenceRow
from app.schemas import ReferencePublic
from app.search import fold_spaces, search_condition, search_table
from app.services.documents import render_reference
from app.services.facets import Facet
from app.services.facets import count as facet_count
from app.services.listing import Listing, SortKey, fetch_page

BY_POSITION = SortKey((col(ReferenceRow.position),), (int,))
BY_REFERENCE_ID = SortKey((col(ReferenceRow.id),), (int,))
REFERENCE_FACETS: dict[str, Facet] = {
    facet.name: facet
    for facet in (
        Facet(
            "year",
            col(ReferenceRow.year),
            col(ReferenceRow.id),
            (col(ReferenceRow.year),),
            where=(col(ReferenceRow.year).is_not(None),),
            top=True,
        ),
        Facet(
            "container",
            col(ReferenceRow.container_title),
            col(ReferenceRow.id),
            (col(ReferenceRow.container_title),),
            where=(col(ReferenceRow.container_title).is_not(None),),
            top=True,
        ),
    )
}


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
    return (
        session.exec(select(col(Article.id)).where(col(Article.id) == article_id)).first()
        is not None
    )


def list_article_references(
    *, session: Session, article_id: int, limit: int | None, after: Sequence[Any] | None = None
) -> tuple[list[ReferencePublic], list[Any] | None]:
    """An article's references in printed order: a page, or the whole list when ``limit`` is
    None (exports render it as one document)."""
    query = select(ReferenceRow).where(col(ReferenceRow.article_id) == article_id)
    rows, more = fetch_page(session, query, BY_POSITION, after, limit)
    return [reference_public(r) for r in rows], ([rows[-1].position] if more and rows else None)


_DOCUMENT_COLUMNS = (col(ReferenceRow.id), col(ReferenceRow.position), col(ReferenceRow.document))


def documents_of(session: Session, rows: Sequence[Any]) -> list[str]:
    """The stored JSON of each (id, ..., document) row, rendering live any not stored yet."""
    missing = [row[0] for row in rows if row[-1] is None]
    live: dict[int, str] = {}
    if missing:  # written before documents existed
        found = session.exec(select(ReferenceRow).where(col(ReferenceRow.id).in_(missing)))
        live = {row.id or 0: render_reference(reference_public(row)) for row in found}
    return [live[row[0]] if row[-1] is None else row[-1] for row in rows]


def article_reference_documents(
    *, session: Session, article_id: int, limit: int, after: Sequence[Any] | None = None
) -> tuple[list[str], list[Any] | None]:
    """A page of an article's references in printed order, as their stored JSON."""
    query = sa_select(*_DOCUMENT_COLUMNS).where(col(ReferenceRow.article_id) == article_id)
    rows, more = fetch_page(session, query, BY_POSITION, after, limit)
    return documents_of(session, rows), ([rows[-1].position] if more and rows else None)


def get_reference(*, session: Session, reference_id: int) -> ReferencePublic | None:
    row = session.get(ReferenceRow, reference_id)
    return reference_public(row) if row is not None else None


def reference_document(*, session: Session, reference_id: int) -> str | None:
    """One reference's stored JSON: one primary-key lookup."""
    rows = session.execute(_BY_ID, {"reference_id": reference_id}).all()
    return documents_of(session, rows)[0] if rows else None


_BY_ID = sa_select(*_DOCUMENT_COLUMNS).where(col(ReferenceRow.id) == bindparam("reference_id"))


@dataclass(frozen=True)
class ReferenceFilters:
    doi: str | None = None
    year: int | None = None
    container: str | None = None
    q: str | None = None
    article: int | None = None

    def conditions(self, dialect: str) -> list[Any]:
        found: list[Any] = []
        if self.doi is not None:
            found.append(col(ReferenceRow.doi) == self.doi)
        if self.year is not None:
            found.append(col(ReferenceRow.year) == self.year)
        if self.container is not None:
            found.append(col(ReferenceRow.container_folded) == fold_spaces(self.container))
        if self.article is not None:
            found.append(col(ReferenceRow.article_id) == self.article)
        if self.q is not None:
            found.append(
                search_condition(col(ReferenceRow.id), dialect, "search_reference", self.q)
            )
        return found


def list_references(
    *,
    session: Session,
    filters: ReferenceFilters,
    limit: int,
    after: Sequence[Any] | None = None,
    facets: Sequence[str] = (),
    count: bool = False,
) -> Listing[str]:
    """References across the corpus, by id, as their stored JSON: two statements at most (page,
    facets+total)."""
    dialect = session.get_bind().dialect.name
    conditions = filters.conditions(dialect)
    query = sa_select(*_DOCUMENT_COLUMNS).where(*conditions)
    sort = BY_REFERENCE_ID
    if filters.q is not None:
        # The page is read in the search index's order (see search_table): same rows, same order.
        found, row_id, matching = search_table(dialect, "search_reference", filters.q)
        unsearched = dataclasses.replace(filters, q=None).conditions(dialect)
        query = (
            sa_select(*_DOCUMENT_COLUMNS)
            .select_from(found)
            .join(ReferenceRow, col(ReferenceRow.id) == row_id)
            .where(matching, *unsearched)
        )
        sort = SortKey((row_id,), (int,))
    rows, more = fetch_page(session, query, sort, after, limit)
    found, total = facet_count(
        session,
        facets=[REFERENCE_FACETS[name] for name in facets],
        item=col(ReferenceRow.id),
        matching=select(col(ReferenceRow.id)).where(*conditions),
        total=count,
    )
    next_key = [rows[-1].id] if more and rows else None
    return Listing(documents_of(session, rows), next_key, total, found)
