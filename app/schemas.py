"""Public shapes of the API: what clients see, independent of how rows are stored.

Multilingual fields are maps keyed by BCP 47 tag, in printed order. Nested models never recurse
back to their parent, so serialising one never walks the whole graph.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

# Articles' public JSON is rendered when they are written and stored (app.services.documents).
# Bump this whenever the JSON of an article, a list item or a reference changes shape or content,
# so stored documents of the old shape are not served; `python -m app migrate` renders them anew.
DOCUMENT_VERSION = 2


class JournalSummary(BaseModel):
    id: int
    title: dict[str, str] = Field(examples=[{"en": "Journal of Examples"}])
    issn_print: str | None = Field(default=None, examples=["1234-5678"])
    issn_online: str | None = None
    publisher: str | None = None
    base_url: str | None = None


class IssueSummary(BaseModel):
    id: int
    volume: str | None = Field(default=None, examples=["8"])
    number: str | None = Field(default=None, examples=["2"])
    year: int | None = Field(default=None, examples=[2021])


class ArticleAuthor(BaseModel):
    """An author as credited on one article: position, and affiliation at the time."""

    id: int
    position: int
    family: str | None = None
    given: str | None = None
    affiliation: str | None = None
    orcid: str | None = None


class GalleyPublic(BaseModel):
    label: str = Field(examples=["PDF"])
    locale: str | None = Field(default=None, examples=["ru"])
    url: str | None = None


class ArticleSummary(BaseModel):
    """An article as listed: enough to show a result line and follow the link."""

    id: int
    doi: str | None = None
    title: dict[str, str] = Field(examples=[{"en": "An example title"}])
    journal_id: int
    issue_id: int | None = None
    year: int | None = None
    published: date | None = None


class ArticlePublic(BaseModel):
    """One article with everything the page told us, ready for any renderer."""

    id: int
    doi: str | None = None
    source_url: str | None = None
    ojs_article_id: int | None = None
    journal: JournalSummary
    issue: IssueSummary | None = None
    title: dict[str, str] = Field(examples=[{"en": "An example title"}])
    abstract: dict[str, str] = Field(default_factory=dict)
    keywords: dict[str, list[str]] = Field(
        default_factory=dict, examples=[{"en": ["first term", "second term"]}]
    )
    authors: list[ArticleAuthor] = Field(default_factory=list)
    galleys: list[GalleyPublic] = Field(default_factory=list)
    language: str | None = Field(default=None, description="Language of the full text (BCP 47).")
    pages: str | None = None
    published: date | None = None
    reference_count: int = 0
    updated_at: datetime


class ReferencePublic(BaseModel):
    """One entry of an article's reference list: the raw text as printed, and its structure."""

    id: int
    article_id: int
    position: int
    raw: str
    doi: str | None = None
    csl: dict[str, Any] = Field(default_factory=dict, description="CSL-JSON item.")


class ChangePublic(BaseModel):
    """One committed change of an article, in commit order (``seq`` only grows)."""

    seq: int = Field(description="Position in the feed; resume after it with `after=`.")
    article_id: int
    event: Literal["created", "updated", "deleted"]
    changed_at: datetime


class TombstonePublic(BaseModel):
    """What remains of a deleted article (dumps with ``deleted=true``)."""

    id: int
    deleted: Literal[True] = True
    deleted_at: datetime
    source_url: str
    doi: str | None = None
    journal_id: int | None = None
    issue_id: int | None = None


def tombstone_public(tombstone: Any) -> TombstonePublic:
    return TombstonePublic(
        id=tombstone.article_id,
        deleted_at=tombstone.deleted_at,
        source_url=tombstone.source_url,
        doi=tombstone.doi,
        journal_id=tombstone.journal_id,
        issue_id=tombstone.issue_id,
    )


class Page(BaseModel, Generic[T]):
    """A keyset-paginated list: follow ``next_cursor`` (or the ``Link: rel=next`` header)."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class FacetCount(BaseModel):
    value: str
    count: int
    lang: str | None = Field(default=None, description="Language of a keyword facet value.")


class ArticlePage(Page[ArticleSummary]):
    """A page of articles; ``facets`` holds counts over every match when ``facets=`` asks."""

    facets: dict[str, list[FacetCount]] | None = Field(
        default=None, examples=[{"year": [{"value": "2021", "count": 12}]}]
    )


class ReferencePage(Page[ReferencePublic]):
    facets: dict[str, list[FacetCount]] | None = None


class AuthorPublic(BaseModel):
    id: int
    family: str | None = None
    given: str | None = None
    orcid: str | None = None
    article_count: int = 0


class AuthorDetail(AuthorPublic):
    articles: list[ArticleSummary] = Field(default_factory=list)


class KeywordPublic(BaseModel):
    """A keyword term in one language, and how many articles carry it."""

    lang: str = Field(examples=["en"])
    term: str = Field(examples=["first term"])
    article_count: int


class JournalPublic(JournalSummary):
    issue_count: int = 0
    article_count: int = 0


class IssuePublic(IssueSummary):
    journal_id: int
    article_count: int = 0


class JournalDetail(JournalPublic):
    """A journal; ``issues`` only with ``include=issues``."""

    issues: list[IssuePublic] | None = Field(
        default=None, description="Every issue of the journal (with include=issues)."
    )


class IssueDetail(IssuePublic):
    journal: JournalSummary
    articles: list[ArticleSummary] = Field(default_factory=list)


class StylePublic(BaseModel):
    """A CSL citation style usable as ``style=`` (``text/x-bibliography; style=...``)."""

    id: str = Field(examples=["apa"])
    title: str = Field(examples=["APA Style 7th edition"])
    format: str | None = Field(
        default=None, description="CSL citation format: author-date, numeric, note, label..."
    )
    parent: str | None = Field(
        default=None, description="For a journal's style, the independent style it reuses."
    )


class LocalePublic(BaseModel):
    """A CSL locale usable as ``locale=``: the terms and date forms of one language."""

    id: str = Field(examples=["az-AZ"])
    language: str = Field(examples=["az"])
    name: str = Field(description="The language's name in itself.", examples=["Azərbaycanca"])
    english_name: str = Field(examples=["Azerbaijani"])


class ParseRequest(BaseModel):
    """Reference strings to structure, as printed (one reference each)."""

    # list[Any]: the route names the index of a bad item (citations[3]) in its 422; the schema
    # says what each item must be (MAX_REFERENCE_CHARS, MAX_REFERENCE_WORDS, PARSE_MAX_CITATIONS).
    citations: list[Any] = Field(
        description="Up to 1,000 reference strings (more is a 413), each with a word, at most "
        "5,000 characters and 600 words.",
        json_schema_extra={
            "maxItems": 1000,
            "items": {
                "type": "string",
                "maxLength": 5000,
                "pattern": r"^\s*(?:\S+\s+){0,599}\S+\s*$",
            },
        },
        examples=[["Smith J. A study of examples. J Ex. 2020;5(2):10-20. doi:10.1000/xyz"]],
    )


class ParseResponse(BaseModel):
    items: list[dict[str, Any]] = Field(description="One CSL-JSON item per citation, same order.")
