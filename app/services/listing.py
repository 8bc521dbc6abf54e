"""Keyset pagination shared by every listing: one ordered query, ``limit + 1`` rows, no OFFSET."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlmodel import Session

from app.errors import ProblemError
from app.schemas import FacetCount

T = TypeVar("T")


@dataclass(frozen=True)
class SortKey:
    """Columns that order a listing, the last one unique (the id), and their JSON types."""

    columns: tuple[Any, ...]  # columns or column expressions
    types: tuple[type, ...]
    descending: bool = False

    def order_by(self) -> list[Any]:
        return [c.desc() if self.descending else c.asc() for c in self.columns]

    def after(self, key: Sequence[Any]) -> ColumnElement[bool]:
        """Rows strictly after ``key`` in this order (expanded so that indexes serve it)."""
        if len(key) != len(self.columns) or not all(
            isinstance(v, t) and not (t is int and isinstance(v, bool))
            for v, t in zip(key, self.types, strict=True)
        ):
            raise ProblemError(400, "Invalid cursor: it does not fit this listing.")
        clauses = []
        for i, column in enumerate(self.columns):
            beyond = column < key[i] if self.descending else column > key[i]
            equal_before = [self.columns[j] == key[j] for j in range(i)]
            clauses.append(and_(*equal_before, beyond))
        return or_(*clauses)


def keyset_page(
    query: Select[Any], sort: SortKey, after: Sequence[Any] | None, limit: int | None
) -> Select[Any]:
    """The rows after ``after`` in ``sort`` order: ``limit + 1`` of them (to know whether more
    follow), or all of them when ``limit`` is None (an export of a whole, bounded list)."""
    if after is not None:
        query = query.where(sort.after(after))
    query = query.order_by(*sort.order_by())
    return query if limit is None else query.limit(limit + 1)


def split_page(rows: Sequence[Any], limit: int | None) -> tuple[list[Any], bool]:
    """The rows of this page, and whether there is another one."""
    if limit is None:
        return list(rows), False
    return list(rows[:limit]), len(rows) > limit


def fetch_page(
    session: Session, query: Any, sort: SortKey, after: Sequence[Any] | None, limit: int | None
) -> tuple[list[Any], bool]:
    """Run one keyset page: its rows, and whether another page follows."""
    page: Any = keyset_page(query, sort, after, limit)
    return split_page(session.exec(page).all(), limit)


@dataclass
class Listing(Generic[T]):
    """A page of a listing: its items, the key to continue after, and what was asked beside."""

    items: list[T]
    next_key: list[Any] | None
    total: int | None = None
    facets: dict[str, list[FacetCount]] | None = None

    def extras(self) -> dict[str, Any]:
        """``total`` and ``facets`` for the response, only those the request asked for."""
        found: dict[str, Any] = {}
        if self.total is not None:
            found["total"] = self.total
        if self.facets is not None:
            found["facets"] = self.facets
        return found
