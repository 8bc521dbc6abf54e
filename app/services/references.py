"""Reference queries: ordered lists by keyset, a fixed number of statements per call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, literal, null
from sqlmodel import Session, col, select

from app.models import Article
from app.models import Reference as ReferenceRow
from app.schemas import FacetCount, ReferencePublic
from app.search import fold_spaces, search_condition
from app.services.articles import facet_counts
from app.services.listing import SortKey, fetch_page

BY_POSITION = SortKey((col(ReferenceRow.position),), (int,))
BY_ID = SortKey((col(ReferenceRow.id),), (int,))
REFERENCE_FACETS = ("year", "container")
FACET_SIZE = 20


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
    *, session: Session, article_id: int, limit: int, after: Sequence[Any] | None = None
) -> tuple[list[ReferencePublic], list[Any] | None]:
    query = select(ReferenceRow).where(col(ReferenceRow.article_id) == article_id)
    rows, more = fetch_page(session, query, BY_POSITION, after, limit)
    return [reference_public(r) for r in rows], ([rows[-1].position] if more and rows else None)


def all_article_references(*, session: Session, article_id: int) -> list[ReferencePublic]:
    """The whole list, for exports that render it as one document."""
    query = (
        select(ReferenceRow)
        .where(col(ReferenceRow.article_id) == article_id)
        .order_by(col(ReferenceRow.position))
    )
    return [reference_public(r) for r in session.exec(query).all()]


def get_reference(*, session: Session, reference_id: int) -> ReferencePublic | None:
    row = session.get(ReferenceRow, reference_id)
    return reference_public(row) if row is not None else None


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
            found.append(
                col(ReferenceRow.container_folded) == fold_spaces(self.container)
            )
        if self.article is not None:
            found.append(col(ReferenceRow.article_id) == self.article)
        if self.q is not None:
            found.append(
                search_condition(col(ReferenceRow.id), dialect, "search_reference", self.q)
            )
        return found


def _facet_queries(matching: Any, wanted: Sequence[str], count: bool) -> list[Any]:
    none = cast(null(), String)
    queries: list[Any] = []
    for facet, column in (
        ("year", col(ReferenceRow.year)),
        ("container", col(ReferenceRow.container_title)),
    ):
        if facet not in wanted:
            continue
        counted = func.count()
        top = (
            select(
                literal(facet, String).label("facet"),
                cast(column, String).label("value"),
                none.label("lang"),
                counted.label("n"),
            )
            .where(col(ReferenceRow.id).in_(matching), column.is_not(None))
            .group_by(column)
            .order_by(counted.desc(), column)
            .limit(FACET_SIZE)
            .subquery()
        )
        queries.append(select(top.c.facet, top.c.value, top.c.lang, top.c.n))
    if count:
        queries.append(
            select(literal("total", String), none, none, func.count()).where(
                col(ReferenceRow.id).in_(matching)
            )
        )
    return queries


def list_references(
    *,
    session: Session,
    filters: ReferenceFilters,
    limit: int,
    after: Sequence[Any] | None = None,
    facets: Sequence[str] = (),
    count: bool = False,
) -> tuple[list[ReferencePublic], list[Any] | None, int | None, dict[str, list[FacetCount]] | None]:
    """References across the corpus, by id: two statements at most (page, facets+total)."""
    conditions = filters.conditions(session.get_bind().dialect.name)
    query = select(ReferenceRow).where(*conditions)
    rows, more = fetch_page(session, query, BY_ID, after, limit)
    total = None
    found_facets = None
    if facets or count:
        matching = select(col(ReferenceRow.id)).where(*conditions)
        found, total = facet_counts(session, _facet_queries(matching, facets, count))
        found_facets = {name: found.get(name, []) for name in facets} if facets else None
    next_key = [rows[-1].id] if more and rows else None
    return [reference_public(r) for r in rows], next_key, total, found_facets
