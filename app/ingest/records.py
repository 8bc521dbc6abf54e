"""Plain records that the pure loaders produce and the loading service stores.

They carry no database types so that ``app.ingest`` stays importable and testable without one.
Multilingual fields are maps keyed by BCP 47 language tag, in the order printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class JournalRecord:
    titles: dict[str, str] = field(default_factory=dict)
    issn_print: str | None = None
    issn_online: str | None = None
    publisher: str | None = None
    base_url: str | None = None  # the journal's address: https://host/index.php/<journal>


@dataclass(frozen=True)
class IssueRecord:
    volume: str | None = None
    number: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class AuthorRecord:
    family: str | None = None
    given: str | None = None
    affiliation: str | None = None
    orcid: str | None = None


@dataclass(frozen=True)
class GalleyRecord:
    label: str
    locale: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """Everything one OJS article page says about its article, and nothing it does not."""

    journal: JournalRecord
    titles: dict[str, str]
    issue: IssueRecord | None = None
    abstracts: dict[str, str] = field(default_factory=dict)
    abstracts_as_printed: dict[str, str] = field(default_factory=dict)
    keywords: dict[str, list[str]] = field(default_factory=dict)
    authors: list[AuthorRecord] = field(default_factory=list)
    galleys: list[GalleyRecord] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    source_url: str | None = None
    ojs_article_id: int | None = None
    doi: str | None = None
    pages: str | None = None
    language: str | None = None
    published: date | None = None
    # landing | full_text: a full-text view holds only part of the record (title, authors,
    # references), so it never overwrites what a landing page stored
    page_kind: str = "landing"


class PageError(ValueError):
    """The input is not an OJS article page we can read; the message says why in one line."""
