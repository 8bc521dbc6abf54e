"""The reader's language: ``lang=`` (with ``fallback=``) and ``Accept-Language`` choose which
title, abstract and keywords come first, or alone; the response says which it served.

``Accept-Language`` is matched by RFC 4647 §3.4 *lookup* (``az-Latn-AZ`` falls back to ``az``);
it only reorders, never fails. ``lang=xx`` asks for that language alone, and is a 406 when the
record has nothing in it; ``lang=xx&fallback=true`` puts it first when present and keeps the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

from app.api.params import LangQuery
from app.errors import ProblemError

# Fields of a public document that are maps keyed by language.
LOCALIZED_FIELDS = ("title", "abstract", "keywords")
MAX_RANGES = 20  # a longer header is cut: no client has twenty language preferences


@dataclass(frozen=True)
class LanguageRange:
    tag: str
    q: float


def parse_accept_language(header: str | None) -> list[LanguageRange]:
    """Language ranges by descending weight (RFC 9110 §12.5.4); malformed ones are skipped."""
    if not header:
        return []
    ranges: list[tuple[float, int, str]] = []
    for order, element in enumerate(header.split(",")[: MAX_RANGES * 2]):
        tag, _, params = element.strip().partition(";")
        tag = tag.strip()
        if not tag or len(tag) > 35 or not all(p.isalnum() for p in tag.split("-") if tag != "*"):
            continue
        q = 1.0
        key, _, value = params.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                q = min(max(float(value), 0.0), 1.0)
            except ValueError:
                continue
        if q > 0:
            ranges.append((q, order, tag))
    ranges.sort(key=lambda r: (-r[0], r[1]))
    return [LanguageRange(tag, q) for q, _, tag in ranges[:MAX_RANGES]]


def _truncations(tag: str) -> Iterable[str]:
    """RFC 4647 §3.4: drop subtags from the end, and a singleton left at the end with them."""
    subtags = tag.split("-")
    while subtags:
        yield "-".join(subtags)
        subtags.pop()
        if subtags and len(subtags[-1]) == 1:
            subtags.pop()


def lookup(ranges: Sequence[str], available: Iterable[str]) -> str | None:
    """The available tag that RFC 4647 lookup picks for the ranges (most preferred first)."""
    by_folded = {tag.lower(): tag for tag in available}
    for language_range in ranges:
        if language_range == "*":
            continue  # lookup ignores the wildcard; the caller's default applies
        for candidate in _truncations(language_range.lower()):
            if candidate in by_folded:
                return by_folded[candidate]
    return None


@dataclass(frozen=True)
class LanguagePreference:
    """What the request asks for: ``lang``/``fallback`` from the query, ranges from the header."""

    lang: str | None = None
    fallback: bool = False
    accept: tuple[str, ...] = ()

    @property
    def exclusive(self) -> bool:
        """``lang=xx`` without fallback: that language alone."""
        return self.lang is not None and not self.fallback

    @property
    def asked(self) -> bool:
        return self.lang is not None or bool(self.accept)

    def with_lang(self, lang: str | None, fallback: bool) -> LanguagePreference:
        return LanguagePreference(lang=lang, fallback=fallback, accept=self.accept)

    def ranges(self) -> list[str]:
        return ([self.lang] if self.lang else []) + list(self.accept)

    def localize(self, document: dict[str, Any], *, what: str = "record") -> str | None:
        """Reorder (or, exclusive, reduce) each language map of the document in place, each by
        its own best match; the language served (of the title shown first, else the match), or
        None when nothing matched. Exclusive with nothing in that language: a 406."""
        ranges = self.ranges()
        available = _all_languages(document)
        served: list[str] = []
        for field in LOCALIZED_FIELDS:
            value = document.get(field)
            if not isinstance(value, dict):
                continue
            chosen = lookup(ranges, value)
            if self.exclusive:
                document[field] = {chosen: value[chosen]} if chosen else {}
            elif chosen is not None:
                document[field] = {chosen: value[chosen], **value}
            if chosen is not None:
                served.append(chosen)
        if self.exclusive and not served:
            raise ProblemError(
                406,
                f"This {what} has no text in {self.lang!r}; add fallback=true to get another "
                "language instead.",
                title="Not Acceptable",
                available_languages=sorted(available),
                headers={"Vary": "Accept-Language"},
            )
        if not served:
            return None
        return first_language(document) or served[0]


def _all_languages(document: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for field in LOCALIZED_FIELDS:
        value = document.get(field)
        if isinstance(value, dict):
            found.update(value)
    return found


FallbackQuery = Annotated[
    bool,
    Query(
        description="With `lang`: when the record has nothing in that language, serve the others "
        "(`lang` first when present) instead of a 406."
    ),
]
PreferredLangQuery = Annotated[
    LangQuery,
    Query(
        description="Serve titles, abstracts and keywords in this language (BCP 47) alone, or "
        "first with `fallback=true`. Without it, `Accept-Language` puts the best match first."
    ),
]


async def language_preference(
    request: Request, lang: PreferredLangQuery = None, fallback: FallbackQuery = False
) -> LanguagePreference:
    # async: a plain function dependency would cost a thread-pool hop on every request.
    return (await accept_language(request)).with_lang(lang, fallback)


LanguageDep = Annotated[LanguagePreference, Depends(language_preference)]


async def accept_language(request: Request) -> LanguagePreference:
    """The header alone, for routes whose ``lang`` parameter is declared (and documented) there."""
    accept = tuple(r.tag for r in parse_accept_language(request.headers.get("accept-language")))
    return LanguagePreference(accept=accept)


AcceptLanguageDep = Annotated[LanguagePreference, Depends(accept_language)]


def mark_language(response: Response, served: Iterable[str | None]) -> None:
    """``Content-Language`` for what was served, and ``Vary: Accept-Language`` always: the same
    URL answers differently to another reader's header."""
    languages = list(dict.fromkeys(lang for lang in served if lang))
    if languages:
        response.headers["Content-Language"] = ", ".join(languages)
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Accept-Language"
    elif "accept-language" not in vary.lower():
        response.headers["Vary"] = f"{vary}, Accept-Language"


def first_language(document: Mapping[str, Any]) -> str | None:
    """The language a document presents first: its first title's."""
    titles = document.get("title")
    return next(iter(titles), None) if isinstance(titles, dict) and titles else None


def localized_body(
    model: BaseModel,
    language: LanguagePreference,
    *,
    what: str = "record",
    fields: Sequence[str] = (),
    exclude_unset: bool = False,
) -> tuple[bytes, list[str | None]]:
    """The model as JSON in the reader's language, and the language(s) served. A page's items
    are localized one by one. Serialised once by pydantic when nothing is asked."""
    if not language.asked and not fields:
        body = model.model_dump_json(exclude_unset=exclude_unset).encode()
        items = getattr(model, "items", None)
        if isinstance(items, list):
            return body, [first_language({"title": getattr(i, "title", None)}) for i in items]
        return body, [first_language({"title": getattr(model, "title", None)})]
    document = model.model_dump(mode="json", exclude_unset=exclude_unset)
    return _localized_document(document, language, what, fields)


def localized_text(
    text: str, language: LanguagePreference, *, what: str = "record", fields: Sequence[str] = ()
) -> tuple[str | bytes, list[str | None]]:
    """:func:`localized_body` for JSON rendered already (stored documents, spliced pages): the
    text itself when nothing is asked, else localized and reduced like a model's."""
    document = orjson.loads(text)
    if not language.asked and not fields:
        items = document.get("items")
        if isinstance(items, list):
            return text, [first_language(item) for item in items]
        return text, [first_language(document)]
    return _localized_document(document, language, what, fields)


def _localized_document(
    document: dict[str, Any], language: LanguagePreference, what: str, fields: Sequence[str]
) -> tuple[bytes, list[str | None]]:
    if isinstance(document.get("items"), list):
        served = [_localized(item, language, what) for item in document["items"]]
    else:
        served = [_localized(document, language, what)]
    if fields:
        document = {name: document[name] for name in fields if name in document}
    return orjson.dumps(document), served


def _localized(document: dict[str, Any], language: LanguagePreference, what: str) -> str | None:
    served = language.localize(document, what=what) if language.asked else None
    return served or first_language(document)
