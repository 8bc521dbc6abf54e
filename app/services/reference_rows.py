"""Write the reference lists of many articles at once (app.services.article_rows calls it): each
list as printed and as parsed, its indexed columns derived from the CSL-JSON, updated in place by
position so reference ids survive a reload, and its full-text documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from app.db import insert_many
from app.models import Reference
from app.schemas import ReferencePublic
from app.search import delete_documents, document, fold_spaces, replace_documents
from app.services.batch_writes import chunks, insert_returning_ids, next_sqlite_id, table_of

REFERENCE = table_of(Reference)
_REFERENCE_COLUMNS = ("raw", "csl", "doi", "year", "title", "container_title", "container_folded")
_UPDATE_REFERENCE = (
    update(REFERENCE)
    .where(REFERENCE.c.id == bindparam("b_id"))
    .values({name: bindparam(name) for name in _REFERENCE_COLUMNS})
)


def reference_columns(csl: dict[str, Any]) -> dict[str, Any]:
    """The indexed columns derived from a reference's CSL-JSON (search and filters use them)."""
    parts = (csl.get("issued") or {}).get("date-parts") or [[None]]
    year = parts[0][0] if parts and parts[0] else None
    try:
        year = int(year) if year is not None else None
    except (TypeError, ValueError):
        year = None
    return {
        "doi": csl.get("DOI"),
        "year": year,
        "title": csl.get("title"),
        "container_title": csl.get("container-title"),
        "container_folded": fold_spaces(csl["container-title"])
        if csl.get("container-title")
        else None,
    }


def jsonb_order(value: Any) -> Any:
    """A JSON value as PostgreSQL's jsonb gives it back: object keys shortest first, then in
    byte order (the JSON of a document must equal the one rendered from the rows read back)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: jsonb_order(value[key]) for key in keys}
    if isinstance(value, list):
        return [jsonb_order(item) for item in value]
    return value


def write_references(
    session: Session,
    lists: Sequence[tuple[Sequence[str], Sequence[dict[str, Any]]]],
    ids: list[int],
    existing: list[int],
) -> list[list[ReferencePublic]]:
    """Update references in place by position, so their ids survive a reload of the page;
    insert the new positions and delete those the page no longer has. Returns each article's
    references as their rows read back (app.services.articles.load_parts) give them."""
    stored: dict[tuple[int, int], int] = {}
    for some in chunks(existing):
        statement = sa_select(REFERENCE.c.article_id, REFERENCE.c.position, REFERENCE.c.id)
        for article_id, position, reference_id in session.execute(
            statement.where(REFERENCE.c.article_id.in_(some))
        ):
            stored[article_id, position] = reference_id
    kept: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    texts: list[tuple[dict[str, Any], str]] = []
    for (raws, parsed), article_id in zip(lists, ids, strict=True):
        for position, (raw, csl) in enumerate(zip(raws, parsed, strict=True), start=1):
            row = {"raw": raw, "csl": csl} | reference_columns(csl)
            reference_id = stored.pop((article_id, position), None)
            if reference_id is None:
                new.append(row | {"article_id": article_id, "position": position})
                texts.append((new[-1], raw))
            else:
                row["b_id"] = reference_id
                kept.append(row)
                texts.append((row, raw))
    if kept:
        session.execute(_UPDATE_REFERENCE, kept)
    if new:
        first = next_sqlite_id(session, REFERENCE)
        if first is None:
            inserted = insert_returning_ids(session, REFERENCE, new, ["article_id", "position"])
        else:
            inserted = list(range(first, first + len(new)))
            for row, reference_id in zip(new, inserted, strict=True):
                row["id"] = reference_id
            insert_many(session.connection(), REFERENCE, new)
        for row, reference_id in zip(new, inserted, strict=True):
            row["b_id"] = reference_id
    stale = sorted(stored.values())
    for some in chunks(stale):
        session.execute(delete(REFERENCE).where(REFERENCE.c.id.in_(some)))
    delete_documents(session, "search_reference", stale)
    replace_documents(
        session, "search_reference", {row["b_id"]: document([raw]) for row, raw in texts}
    )
    jsonb = session.get_bind().dialect.name == "postgresql"
    rows = iter(texts)
    return [
        [
            ReferencePublic(
                id=row["b_id"],
                article_id=article_id,
                position=position,
                raw=raw,
                doi=row["doi"],
                csl=jsonb_order(row["csl"]) if jsonb else row["csl"],
            )
            for position, (row, raw) in enumerate((next(rows) for _ in raws), start=1)
        ]
        for (raws, _parsed), article_id in zip(lists, ids, strict=True)
    ]
