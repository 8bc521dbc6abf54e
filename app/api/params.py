"""Query parameters shared by several routes, with their documentation and validation."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BeforeValidator

from app.errors import invalid_parameter
from app.ingest.identifiers import normalize_doi
from app.search import tokens

# A search must hold a word (letters or digits); checked by checked_search and checked_prefix.
WORD_SCHEMA = {"pattern": r"[^\W_]"}
BCP47 = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"

LangQuery = Annotated[
    str | None,
    Query(description="BCP 47 language tag, e.g. `en`, `az`, `ru`.", pattern=BCP47, max_length=35),
]
YearQuery = Annotated[int | None, Query(ge=1000, le=2999, description="Publication year.")]
IdQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
SearchQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=500,
        description="Full-text search: items holding every word, any language, any case.",
        json_schema_extra=WORD_SCHEMA,
    ),
]
# What a DOI parameter accepts, documented in the OpenAPI document and checked by checked_doi:
# a resolver URL or a `doi:` label, then 10.NNNN/suffix, the suffix not ending in sentence
# punctuation (which a printed DOI drops) nor in "/" (normalize_doi refuses that: a path, not a
# DOI; the schema allowed it, so schema-valid "10.95363/x/" was refused, schemathesis ST202).
# White space spelled out (what Python's \s matches, and more): regex engines disagree on \s
# (hypothesis took U+001D for a suffix character; Python's re calls it a space).
_SPACES = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
DOI_PATTERN = (
    r"^\s*(?:(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?:[Dd][Xx]\.)?[Dd][Oo][Ii]\.[Oo][Rr][Gg]/"
    r"|[Dd][Oo][Ii]\s*[:=]?\s*)?"
    rf"10\.[0-9]{{4,9}}(?:\.[0-9]+)*/[^{_SPACES}\"<>]*[^{_SPACES}\"<>.,;:'»”’)\]/]\s*$"
)
_DOI = re.compile(DOI_PATTERN)
DOI_SCHEMA = {"pattern": DOI_PATTERN}
DoiQuery = Annotated[
    str | None,
    Query(
        max_length=300,
        description="A DOI in any printed form (`10.1000/x`, `doi:10.1000/x`, `https://doi.org/...`).",
        json_schema_extra=DOI_SCHEMA,
    ),
]

# An instant parameter is an ISO 8601 date and time (the schema's date-time), not a bare number
# (which pydantic would read as a Unix time) or a date alone.
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_instant(value: Any) -> Any:
    if isinstance(value, str) and not _INSTANT.match(value):
        raise ValueError("expected an ISO 8601 date and time, e.g. 2026-12-01T00:00:00Z")
    return value


IsoInstant = BeforeValidator(_iso_instant)
CountQuery = Annotated[
    bool, Query(description="Also return `total`, the number of matches (costs a count).")
]
OrderQuery = Annotated[Literal["asc", "desc"], Query(description="Sort direction.")]


def checked_doi_text(value: str) -> str | None:
    """The DOI of a value that has DOI_PATTERN's form, lower-cased, else None."""
    return normalize_doi(value) if _DOI.match(value) else None


def checked_doi(value: str | None, name: str = "doi") -> str | None:
    if value is None:
        return None
    doi = checked_doi_text(value)
    if doi is None:
        raise invalid_parameter(name, f"{value!r} is not a DOI (expected 10.NNNN/...)")
    return doi


def checked_search(value: str | None, name: str = "q") -> str | None:
    if value is None:
        return None
    if not tokens(value):
        raise invalid_parameter(name, "must contain at least one word")
    return value


def choice_list_pattern(names: Iterable[str], *, patterns: Iterable[str] = ()) -> str:
    """The pattern of a comma-separated choice list as :func:`checked_list` reads it: any of
    ``names`` (or of the regular expressions ``patterns``), spaces around them, empty items."""
    choices = "|".join([*(re.escape(name) for name in names), *patterns])
    item = rf"\s*(?:(?:{choices})\s*)?"
    return rf"^{item}(?:,{item})*$"


def choice_list_schema(names: Iterable[str], *, patterns: Iterable[str] = ()) -> dict[str, str]:
    return {"pattern": choice_list_pattern(names, patterns=patterns)}


def checked_list(value: str | None, name: str, allowed: Collection[str]) -> list[str]:
    """A comma-separated choice list, e.g. ``facets=year,lang``; unknown names are a 422."""
    if not value:
        return []
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in allowed]
    if unknown:
        raise invalid_parameter(
            name, f"unknown {', '.join(map(repr, unknown))}; choose from {', '.join(allowed)}"
        )
    return list(dict.fromkeys(chosen))


def checked_prefix(value: str | None) -> str | None:
    if value is not None and not re.search(r"[^\W_]", value):
        raise invalid_parameter("q", "must contain at least one letter or digit")
    return value
