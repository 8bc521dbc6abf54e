"""Shapes clients send to the write API: an article in the public shape, a reference list.

An article body is what ``GET /articles/{id}`` returns, so a client can fetch, edit and send it
back: read-only fields (``id``, ``updated_at``, ``reference_count``, nested ids) and fields this
version does not know are ignored. Lengths are bounded so one body cannot cause unbounded work.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from app.api.params import BCP47, DOI_PATTERN, checked_doi_text

MAX_REFERENCES = 2000
MAX_REFERENCE_LENGTH = 10_000

Lang = Annotated[str, StringConstraints(pattern=BCP47, max_length=35)]
# Text fields hold a non-space character (blank ones would be empty after stripping), and no
# NUL anywhere: PostgreSQL cannot store one in text (a body with one was a 500 there, stored on
# SQLite), so both refuse it alike. pydantic checks patterns with Rust's regex: linear time.
_TEXT = r"^[^\x00]*[^\x00\s][^\x00]*$"
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=_TEXT),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100_000, pattern=_TEXT),
]
OptionalShort = Annotated[
    str | None, Field(default=None, max_length=2000, pattern=r"^[^\x00]*$")
]
RawReference = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_REFERENCE_LENGTH, pattern=_TEXT
    ),
]



def _iso_date(value: object) -> object:
    """A date is sent as its ISO 8601 string (the schema's ``format: date``): pydantic would
    otherwise read a bare number as a Unix time (``"published": 0`` stored 1970-01-01)."""
    if value is not None and not isinstance(value, str):
        raise ValueError("expected an ISO 8601 date, e.g. 2024-05-31")
    return value


def _json_number(value: object) -> object:
    """An integer is a JSON number (``2024``, or ``2024.0``, which JSON Schema counts as an
    integer too), never a numeric string or a boolean, which pydantic would otherwise convert."""
    if isinstance(value, str | bool):
        raise ValueError("expected an integer (a JSON number)")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
JsonNumber = BeforeValidator(_json_number)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class JournalInput(_Lenient):
    # What _journal_named checks, said in the schema: a title, or an ISSN.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["title"], "properties": {"title": {"minProperties": 1}}},
                {
                    "required": ["issn_print"],
                    "properties": {"issn_print": {"type": "string", "minLength": 1}},
                },
                {
                    "required": ["issn_online"],
                    "properties": {"issn_online": {"type": "string", "minLength": 1}},
                },
            ]
        }
    )

    title: dict[Lang, ShortText] = Field(default_factory=dict, max_length=50)
    issn_print: OptionalShort = None
    issn_online: OptionalShort = None
    publisher: OptionalShort = None
    base_url: OptionalShort = None


class IssueInput(_Lenient):
    volume: OptionalShort = None
    number: OptionalShort = None
    year: Annotated[int, Field(ge=1000, le=2999), JsonNumber] | None = None


class AuthorInput(_Lenient):
    family: OptionalShort = None
    given: OptionalShort = None
    affiliation: OptionalShort = None
    orcid: OptionalShort = None


class GalleyInput(_Lenient):
    label: ShortText
    locale: Lang | None = None
    url: OptionalShort = None


class ReferenceInput(_Lenient):
    """A reference as ``GET /articles/{id}/references`` lists it: only ``raw`` is read."""

    raw: RawReference


def _raw(item: str | ReferenceInput) -> str:
    return item if isinstance(item, str) else item.raw


class ArticleInput(_Lenient):
    """An article in the public shape; ``references`` (raw strings, parsed on write) is optional:
    when absent, an update keeps the stored list."""

    source_url: OptionalShort = Field(
        default=None, description="The article's natural key; kept (PUT) or derived when absent."
    )
    doi: OptionalShort = Field(
        default=None, json_schema_extra={"pattern": rf"^\s*$|{DOI_PATTERN}"}
    )
    ojs_article_id: Annotated[int, Field(ge=1, le=2**31 - 1), JsonNumber] | None = None
    journal: JournalInput
    issue: IssueInput | None = None
    title: dict[Lang, ShortText] = Field(min_length=1, max_length=50)
    abstract: dict[Lang, LongText] = Field(default_factory=dict, max_length=50)
    keywords: dict[Lang, Annotated[list[ShortText], Field(max_length=500)]] = Field(
        default_factory=dict, max_length=50
    )
    authors: list[AuthorInput] = Field(default_factory=list, max_length=1000)
    galleys: list[GalleyInput] = Field(default_factory=list, max_length=100)
    language: Lang | None = None
    pages: OptionalShort = None
    published: IsoDate | None = None
    references: list[RawReference | ReferenceInput] | None = Field(
        default=None, max_length=MAX_REFERENCES
    )

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        doi = checked_doi_text(value)
        if doi is None:
            raise ValueError(f"{value!r} is not a DOI (expected 10.NNNN/...)")
        return doi

    @field_validator("journal")
    @classmethod
    def _journal_named(cls, value: JournalInput) -> JournalInput:
        if not (value.title or value.issn_print or value.issn_online):
            raise ValueError("a journal needs a title or an ISSN")
        return value

    def raw_references(self) -> list[str] | None:
        return None if self.references is None else [_raw(item) for item in self.references]


class ReferenceListInput(_Lenient):
    """``PUT /articles/{id}/references``: the whole list, in printed order."""

    references: list[RawReference | ReferenceInput] = Field(max_length=MAX_REFERENCES)

    def raw_references(self) -> list[str]:
        return [_raw(item) for item in self.references]
