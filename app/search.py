"""Full-text search on both dialects with one behaviour: SQLite FTS5, PostgreSQL tsvector.

Text is folded and tokenized here, in Python, for documents and queries alike, so both engines
see the same tokens whatever their own tokenizers and locales do with Cyrillic or Azerbaijani
letters (``İ``, ``ə``). A query matches documents that contain every query token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import Integer, column, text
from sqlalchemy import table as sa_table
from sqlalchemy.orm import Session

SearchTable = Literal["search_article", "search_reference"]
_TOKEN = re.compile(r"[^\W_]+")
MAX_QUERY_TOKENS = 32


def fold(value: str) -> str:
    """NFKC, case-folded, without the dot that ``İ`` leaves when folded (Azerbaijani, Turkish)."""
    return unicodedata.normalize("NFKC", value).casefold().replace("\u0307", "")


def fold_spaces(value: str) -> str:
    """Folded, with runs of white space as one space: the stored form of filterable names."""
    return " ".join(fold(value).split())


def tokens(value: str) -> list[str]:
    return _TOKEN.findall(fold(value))


def document(parts: Iterable[str | None]) -> str:
    # One pass over the parts joined by a space: a space separates tokens and composes with
    # nothing, so these are the tokens of each part, in order (a load tokenizes every reference).
    return " ".join(tokens(" ".join(part for part in parts if part)))


def replace_documents(session: Session, table: SearchTable, documents: dict[int, str]) -> None:
    """Index (or re-index) rows: ``documents`` maps row id to its text."""
    if not documents:
        return
    ids = list(documents)
    sqlite = session.get_bind().dialect.name == "sqlite"
    key, marks = ("rowid", "?, ?") if sqlite else ("id", "%s, %s")
    delete_documents(session, table, ids)
    # On the driver's cursor: SQLAlchemy's executemany builds every row's parameters anew, and
    # a load indexes ~20 documents an article (app.db.insert_many says the same of rows).
    session.connection().exec_driver_sql(
        f"INSERT INTO {table} ({key}, document) VALUES ({marks})",
        [(row_id, documents[row_id]) for row_id in ids],
    )


def delete_documents(session: Session, table: SearchTable, ids: list[int]) -> None:
    """Remove rows from the index: one statement per 500 ids."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    key, mark = ("rowid", "?") if sqlite else ("id", "%s")
    for start in range(0, len(ids), 500):
        chunk = tuple(ids[start : start + 500])
        marks = ", ".join([mark] * len(chunk))
        # The driver's own SQL: a text() construct per chunk was compiled anew every time.
        session.connection().exec_driver_sql(
            f"DELETE FROM {table} WHERE {key} IN ({marks})", chunk
        )


def matching_ids(dialect: str, table: SearchTable, query_tokens: list[str]) -> Any:
    """A subquery of the ids whose document holds every token (use with ``column.in_(...)``)."""
    params = search_parameters(dialect, query_tokens)
    if dialect == "sqlite":
        statement = text(f"SELECT rowid AS id FROM {table} WHERE {table} MATCH :match")
        return statement.bindparams(**params).columns(column("id", Integer))
    tsquery = " && ".join(f"plainto_tsquery('simple', :{name})" for name in params)
    statement = text(f"SELECT id FROM {table} WHERE tsv @@ ({tsquery})")
    return statement.bindparams(**params).columns(column("id", Integer))


def search_table(dialect: str, table: SearchTable, q: str) -> tuple[Any, Any, Any]:
    """The search table as a FROM item, its row-id column, and the condition of matching ``q``.

    A listing joins the rows it shows to this table and orders and pages them by its row id, so
    that the search index drives the query: SQLite's FTS5 walks its match list in rowid order and
    stops after a page (where ``id IN (all matches)`` built the whole list first: 10-40x slower
    for a common word); PostgreSQL may walk the table's key in order, filtering by the index."""
    return search_clause(dialect, table, query_tokens(q))


def search_clause(dialect: str, table: SearchTable, words: list[str]) -> tuple[Any, Any, Any]:
    """:func:`search_table` for these query tokens."""
    params = search_parameters(dialect, words)
    if dialect == "sqlite":
        found = sa_table(table, column("rowid", Integer))
        condition = text(f"{table} MATCH :match").bindparams(**params)
        return found, found.c.rowid, condition
    found = sa_table(table, column("id", Integer))
    tsquery = " && ".join(f"plainto_tsquery('simple', :{name})" for name in params)
    condition = text(f"{table}.tsv @@ ({tsquery})").bindparams(**params)
    return found, found.c.id, condition


def query_tokens(q: str) -> list[str]:
    """The tokens a search for ``q`` looks for (at most MAX_QUERY_TOKENS)."""
    return tokens(q)[:MAX_QUERY_TOKENS]


def search_parameters(dialect: str, words: list[str]) -> dict[str, str]:
    """The bound values of a search condition for these tokens: one FTS5 query string on SQLite
    (each token quoted: FTS5 reads it as a string, never as syntax: AND, NEAR, *, ^ ...), one
    value a token on PostgreSQL. A statement built for as many tokens takes any such values."""
    if dialect == "sqlite":
        return {"match": " ".join(f'"{token}"' for token in words)}
    return {f"t{i}": token for i, token in enumerate(words)}


def search_condition(column: Any, dialect: str, table: SearchTable, q: str) -> Any:
    return column.in_(matching_ids(dialect, table, tokens(q)[:MAX_QUERY_TOKENS]))


def prefix_condition(column: Any, q: str) -> Any:
    """``column`` (a folded text column) starts with the folded ``q``; LIKE wildcards escaped."""
    prefix = fold_spaces(q)
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(escaped + "%", escape="\\")
