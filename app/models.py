"""All tables, in one module so Alembic's autogenerate always sees the whole schema.

Natural keys (``Journal.key``, ``Issue.key``, ``Article.source_url``, ``Author.key``) are unique, so
loading the same page twice updates rows instead of duplicating them. Relationships are not
declared: services load what a request needs with explicit, bounded queries (no lazy loading).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# Stable constraint names, so migrations can alter them on every dialect (SQLite batch mode too).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

JSONDocument = JSON().with_variant(JSONB(), "postgresql")
# Sort and filter keys compare by code point on both dialects (SQLite's BINARY, PostgreSQL's "C"),
# so a listing has the same order, and a cursor the same meaning, whatever the database.
CodePointText = String().with_variant(String(collation="C"), "postgresql")


def _sort_key(description: str, *, index: bool = False) -> Any:
    return Field(
        default="",
        description=description,
        sa_column=Column(CodePointText, nullable=False, index=index),
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def row_id(row: SQLModel) -> int:
    """The id of a stored row; ids are None only before the first flush, a programming error."""
    value = getattr(row, "id", None)
    if value is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush the session first")
    return int(value)


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=index
        ),
    )


class Journal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, description="issn:NNNN-NNNN, or title:<folded title>")
    titles: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSONDocument))
    issn_print: str | None = Field(default=None, index=True)
    issn_online: str | None = Field(default=None, index=True)
    publisher: str | None = None
    base_url: str | None = None


class JournalIdentifier(SQLModel, table=True):
    """Every name a journal is known by (ISSN, address, title): pages that name it differently
    (one by its ISSN, another only by its address) find the same journal."""

    __tablename__ = "journal_identifier"

    id: int | None = Field(default=None, primary_key=True)
    journal_id: int = _fk("journal.id")
    key: str = Field(unique=True, description="issn:NNNN-NNNN, url:<host/path>, title:<folded>")


class Issue(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("journal_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    journal_id: int = _fk("journal.id", index=False)
    key: str = Field(description="volume|number|year: NULL-free, so the unique constraint holds")
    volume: str | None = None
    number: str | None = None
    year: int | None = Field(default=None, index=True)


class Article(SQLModel, table=True):
    __table_args__ = (
        Index("ix_article_sort_title_id", "sort_title", "id"),
        Index("ix_article_sort_date_id", "sort_date", "id"),
        Index("ix_article_updated_at_id", "updated_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    journal_id: int = _fk("journal.id")
    issue_id: int | None = _fk("issue.id", nullable=True)
    source_url: str = Field(unique=True, description="Where the page came from: its natural key")
    ojs_article_id: int | None = None
    doi: str | None = Field(default=None, unique=True)
    pages: str | None = None
    language: str | None = None
    published: date | None = Field(default=None)
    year: int | None = Field(default=None, index=True)
    # Non-null sort keys, so keyset pagination never has to order NULLs (dialects differ there).
    sort_title: str = _sort_key("Folded first title")
    sort_date: str = _sort_key("ISO date, or year, or '' when unknown")
    content_hash: str = Field(
        description="Digest of the loaded record: unchanged reloads are no-ops"
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class ArticleText(SQLModel, table=True):
    """A localized title or abstract: one row per (article, kind, language)."""

    __tablename__ = "article_text"
    __table_args__ = (UniqueConstraint("article_id", "kind", "lang"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = _fk("article.id", index=False)
    kind: str = Field(max_length=16, description="title | abstract")
    lang: str = Field(max_length=35, index=True)
    position: int = 0
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_as_printed: str | None = Field(default=None, sa_column=Column(Text))


class Author(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, description="orcid:<id>, or name:<folded family|given>")
    family: str | None = None
    given: str | None = None
    family_folded: str = _sort_key("Case-folded family name", index=True)
    orcid: str | None = None


class ArticleAuthor(SQLModel, table=True):
    """The ordered author list of an article, with the affiliation printed there."""

    __tablename__ = "article_author"

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    author_id: int = _fk("author.id")
    affiliation: str | None = None


class Keyword(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("article_id", "lang", "position"),
        Index("ix_keyword_lang_term_folded", "lang", "term_folded"),
        Index("ix_keyword_term_folded", "term_folded"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = _fk("article.id", index=False)
    lang: str = _sort_key("BCP 47 tag")
    position: int
    term: str
    term_folded: str = _sort_key("Case-folded term: filters and counts ignore case")


class Galley(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = _fk("article.id", index=False)
    position: int
    label: str
    locale: str | None = None
    url: str | None = None


class Reference(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        # "Who cites this DOI" pages by id: (doi, id) answers a page in index order, and a DOI
        # that nothing cites at once (PostgreSQL walked the primary key for those).
        Index("ix_reference_doi_id", "doi", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = _fk("article.id", index=False)
    position: int
    raw: str = Field(sa_column=Column(Text, nullable=False), description="Exactly as printed")
    doi: str | None = None
    year: int | None = Field(default=None, index=True)
    title: str | None = Field(default=None, sa_column=Column(Text))
    container_title: str | None = Field(default=None, sa_column=Column(Text))
    container_folded: str | None = Field(default=None, index=True)
    csl: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONDocument, nullable=False)
    )
    document: str | None = Field(
        default=None,
        sa_column=Column(Text),
        description="Public JSON, rendered with its article's document (app.services.documents)",
    )



class ApiToken(SQLModel, table=True):
    """A bearer token for the write API: only a digest of its secret is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(unique=True, max_length=32, description="Public part: finds the row")
    secret_hash: str = Field(max_length=64, description="SHA-256 of the secret part, hex")
    name: str = Field(max_length=200)
    scopes: str = Field(max_length=200, description="Space-separated: write, admin")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class ArticleChange(SQLModel, table=True):
    """One committed change of an article, in commit order: the /changes feed and webhooks.

    Writers are serialized (app.services.writing), so ids grow in commit order and a reader
    paging by id never skips a change that commits later.
    """

    __tablename__ = "article_change"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(index=True, description="No foreign key: deleted articles keep theirs")
    kind: str = Field(max_length=16, description="created | updated | deleted")
    changed_at: datetime = Field(default_factory=utcnow)


class ArticleTombstone(SQLModel, table=True):
    """What remains of a deleted article: enough for 410, OAI-PMH deleted records and dumps."""

    __tablename__ = "article_tombstone"

    article_id: int = Field(
        sa_column=Column(Integer, primary_key=True, autoincrement=False),
    )
    source_url: str
    doi: str | None = None
    journal_id: int | None = Field(default=None, index=True)
    issue_id: int | None = None
    created_at: datetime
    deleted_at: datetime = Field(default_factory=utcnow, index=True)


class ArticleDocument(SQLModel, table=True):
    """An article's public JSON, rendered when the article is written, served by primary key.

    Written in the transaction that writes the article (app.services.documents), so a read never
    sees a document older than its rows. ``version`` is the renderer's: a document rendered by an
    older release is not served, and ``python -m app migrate`` renders it again.
    """

    __tablename__ = "article_document"

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    version: int
    body: str = Field(sa_column=Column(Text, nullable=False), description="ArticlePublic JSON")
    etag: str = Field(description="Strong ETag of body, quoted")
    summary: str = Field(sa_column=Column(Text, nullable=False), description="ArticleSummary JSON")
    reference_list: str = Field(
        sa_column=Column(Text, nullable=False), description="JSON array of ReferencePublic"
    )
    reference_count: int
    # What a read's headers need, stored so that a read parses nothing: the language of the
    # first title (Content-Language) and the Signposting Link header with its URLs left open.
    language: str | None = Field(default=None, description="Language of the first title")
    signposts: str | None = Field(
        default=None, sa_column=Column(Text), description="Link header template (signposting)"
    )
