"""Counts beside a listing: each facet, and the total, over every match, in one statement.

A facet says what to group the matching rows by; all the facets a request asks for and the total
run as one UNION ALL shaped (facet, value, lang, count), whatever the listing's page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, literal, null, union_all
from sqlmodel import Session, select

from app.schemas import FacetCount

TOP = 20


@dataclass(frozen=True)
class Facet:
    """One facet: the value shown, the grouping behind it, and the listed item's id column."""

    name: str
    value: Any
    item: Any  # the column holding the listed item's id (article id, reference id)
    group_by: tuple[Any, ...]
    lang: Any = None
    where: tuple[Any, ...] = ()
    distinct: bool = False  # count each item once (a keyword printed twice counts once)
    top: bool = False  # only the TOP most frequent values, most frequent first

    def query(self, matching: Any) -> Any:
        counted = func.count(self.item.distinct()) if self.distinct else func.count()
        lang = self.lang if self.lang is not None else cast(null(), String)
        query = (
            select(
                literal(self.name, String).label("facet"),
                cast(self.value, String).label("value"),
                lang.label("lang"),
                counted.label("n"),
            )
            .where(self.item.in_(matching), *self.where)
            .group_by(*self.group_by)
        )
        if not self.top:
            return query
        # A UNION member cannot carry its own ORDER BY/LIMIT on SQLite: wrap it.
        ranked = query.order_by(counted.desc(), self.value).limit(TOP).subquery()
        return select(ranked.c.facet, ranked.c.value, ranked.c.lang, ranked.c.n)


def count(
    session: Session,
    *,
    facets: Sequence[Facet],
    item: Any,
    matching: Any,
    total: bool,
) -> tuple[dict[str, list[FacetCount]] | None, int | None]:
    """The asked facets (None when none was asked) and the total (None unless asked)."""
    queries = [facet.query(matching) for facet in facets]
    if total:
        none = cast(null(), String)
        queries.append(
            select(literal("total", String), none, none, func.count()).where(item.in_(matching))
        )
    if not queries:
        return None, None
    rows = session.execute(union_all(*queries) if len(queries) > 1 else queries[0]).all()
    found: dict[str, list[FacetCount]] = {facet.name: [] for facet in facets}
    counted_total = None
    for name, value, lang, number in rows:
        if name == "total":
            counted_total = number
        else:
            found[name].append(FacetCount(value=value, count=number, lang=lang))
    for facet in facets:
        # Top facets read most frequent first; complete ones (years, languages) in value order.
        found[facet.name].sort(
            key=(lambda c: (-c.count, c.value)) if facet.top else (lambda c: c.value)
        )
    return (found if facets else None), counted_total
