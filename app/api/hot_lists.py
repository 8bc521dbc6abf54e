"""The common list requests, answered from stored item JSON without solving FastAPI's parameters.

``GET /articles`` (and by ``journal``, ``issue``, ``year``) and ``GET /references`` (all, ``doi=``
or ``q=``), with ``limit`` and ``cursor``, are what front ends, indexers and crawlers page
through. FastAPI's parameter solving for these routes (19 and 10 parameters, with their
dependencies) cost more than the rest of the request, as it did for the article page
(app/api/hot_reads.py). A :class:`StoredListRoute` in front of the router takes exactly these
shapes, each value in its plain form (``limit=100``, not ``limit=0100``), and answers with one
precompiled statement over the stored items (app.services.stored_pages): the same body, cursor,
``Link`` and language headers as the API route, which the tests compare byte for byte. Anything
else (another parameter, an unusual spelling, a bad or foreign cursor, a row without stored
JSON) does not match here and reaches the API route, which validates it, answers the errors
(400, 422) and stays the one documented in OpenAPI. Middleware (caching and ETags, CORS, gzip,
security headers, logs, metrics) sees both alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from app.api.deps import cursor_codec, reads_of
from app.api.languages import (
    LanguagePreference,
    localized_text,
    mark_language,
    parse_accept_language,
)
from app.api.params import checked_doi_text
from app.api.responses import spliced_page
from app.errors import ProblemError
from app.observability.middleware import noted
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, listing_scope
from app.public_urls import absolute_url
from app.schemas import ArticlePage, ReferencePage
from app.search import query_tokens
from app.services.stored_pages import (
    ARTICLE_FILTERS,
    PageRead,
    StoredPage,
    article_page_read,
    bounded_by_page,
    reference_page_read,
)

_PASSED = "app.hot_lists.plan"
_PAGING = {"limit", "cursor"}
_LIMIT = re.compile(r"[1-9][0-9]{0,3}")
_ID = re.compile(r"[1-9][0-9]{0,9}")
_YEAR = re.compile(r"[12][0-9]{3}")
_CURSOR = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_MAX_ID = 2**31 - 1
_MAX_CURSOR = 2048
_MAX_SEARCH = 500  # SearchQuery's max_length
_MAX_DOI = 300  # DoiQuery's max_length


@dataclass(frozen=True, slots=True)
class Plan:
    """A request this route answers: its parameters as given, and what they mean."""

    params: dict[str, str]
    limit: int
    after: int | None
    filters: dict[str, int]  # articles: ARTICLE_FILTERS by name
    words: list[str] | None = None  # references: the search tokens of q=
    doi: str | None = None  # references: the cited DOI, normalised

    def on_event_loop(self, dialect: str | None) -> bool:
        """Whether the page is read on the event loop: when its work is bounded by the page,
        as the API route's lookups by index are (app.services.stored_pages.bounded_by_page).
        Other searches may touch every match: the thread pool, never stalling other requests."""
        return self.words is None or bounded_by_page(dialect, self.words)


def query_parameters(query_string: bytes) -> dict[str, str] | None:
    """The query's parameters as Starlette reads them, in order; None when a name repeats (the
    API route decides what that means)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    params = dict(pairs)
    return params if len(params) == len(pairs) else None


def _paging(path: str, params: dict[str, str]) -> tuple[int, int | None] | None:
    """``limit`` and the id a ``cursor`` continues after, when both are plain and valid."""
    limit = DEFAULT_LIMIT
    given = params.get("limit")
    if given is not None:
        if not _LIMIT.fullmatch(given) or int(given) > MAX_LIMIT:
            return None
        limit = int(given)
    cursor = params.get("cursor") or None  # `cursor=`: the first page, as Paging reads it
    if cursor is None:
        return limit, None
    if len(cursor) > _MAX_CURSOR or not _CURSOR.fullmatch(cursor):
        return None
    try:
        key = cursor_codec().decode(cursor, listing_scope(path, params))
    except ProblemError:
        return None  # the API route answers the 400
    if len(key) != 1 or type(key[0]) is not int:
        return None
    return limit, key[0]


def _plain_id(value: str, pattern: re.Pattern[str], low: int, high: int) -> int | None:
    return int(value) if pattern.fullmatch(value) and low <= int(value) <= high else None


def article_plan(path: str, params: dict[str, str]) -> Plan | None:
    """``/articles`` by id order, with equality filters on journal, issue and year."""
    filters: dict[str, int] = {}
    for name, value in params.items():
        if name in _PAGING:
            continue
        if name not in ARTICLE_FILTERS:
            return None
        found = (
            _plain_id(value, _YEAR, 1000, 2999)
            if name == "year"
            else _plain_id(value, _ID, 1, _MAX_ID)
        )
        if found is None:
            return None
        filters[name] = found
    paging = _paging(path, params)
    if paging is None:
        return None
    return Plan(params, paging[0], paging[1], filters)


def reference_plan(path: str, params: dict[str, str]) -> Plan | None:
    """``/references`` by id order: all, citing ``doi``, or holding every word of ``q``."""
    words = doi = None
    for name, value in params.items():
        if name in _PAGING:
            continue
        if name == "q" and 0 < len(value) <= _MAX_SEARCH:
            words = query_tokens(value) or None
            if words is None:
                return None  # no word: the API route's 422
        elif name == "doi" and len(value) <= _MAX_DOI:
            doi = checked_doi_text(value)
            if doi is None:
                return None
        else:
            return None
    paging = _paging(path, params)
    if paging is None:
        return None
    return Plan(params, paging[0], paging[1], {}, words, doi)


def _next_link(path: str, plan: Plan, key: list[Any] | None) -> tuple[str | None, str | None]:
    """The signed cursor of the next page and its ``Link`` header value, as Paging makes them."""
    if key is None:
        return None, None
    token = cursor_codec().encode(key, listing_scope(path, plan.params))
    kept = [(name, value) for name, value in plan.params.items() if name not in _PAGING]
    url = absolute_url(path, [*kept, ("limit", str(plan.limit)), ("cursor", token)])
    return token, f'<{url}>; rel="next"'


def _headers() -> Response:
    """The headers a route sets on FastAPI's per-request response, before its body exists."""
    response = Response()
    del response.headers["content-length"]
    return response


class StoredListRoute(BaseRoute):
    """Matches the plain requests of one list (see the module docstring)."""

    def __init__(
        self,
        app: FastAPI,
        api_route: APIRoute,
        plan: Callable[[str, dict[str, str]], Plan | None],
        read: Callable[[Plan, str], PageRead],
        answer: Callable[[Scope, Plan, StoredPage], Response],
    ) -> None:
        self.app = app
        self.api_route = api_route
        self.path = api_route.path  # logs and metrics name the API route's template
        self.plan = plan
        self.read = read
        self.answer = answer

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] not in {"GET", "HEAD"}
            or _PASSED in scope
            or scope.get("root_path")
        ):
            return Match.NONE, {}
        params = query_parameters(scope.get("query_string", b""))
        plan = self.plan(self.path, params) if params is not None else None
        if plan is None:
            return Match.NONE, {}
        return Match.FULL, {"route": self.api_route, "path_params": {}, _PASSED: plan}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        plan: Plan = scope[_PASSED]
        noted(scope, self.api_route)  # logs and metrics, HEAD requests included
        reads = reads_of(self.app)
        # The engine's dialect; a test's overriding session reads in the thread pool.
        dialect = reads.engine.dialect.name if reads.engine is not None else None
        found = await reads.page(partial(self.read, plan), bounded=plan.on_event_loop(dialect))
        if found is None:  # an item not stored yet: the API route renders it
            await self.app.router(scope, receive, send)  # this route no longer matches
            return
        await self.answer(scope, plan, found)(scope, receive, send)


def read_articles(plan: Plan, _dialect: str) -> PageRead:
    return article_page_read(plan.filters, plan.limit, plan.after)


def read_references(plan: Plan, dialect: str) -> PageRead:
    return reference_page_read(
        dialect, words=plan.words, doi=plan.doi, limit=plan.limit, after=plan.after
    )


def answer_articles(scope: Scope, plan: Plan, page: StoredPage) -> Response:
    """As app.api.routes.articles.list_articles answers: the page, then the reader's language."""
    token, link = _next_link(scope["path"], plan, page.next_key)
    headers = _headers()
    if link is not None:
        headers.headers.append("Link", link)
    body = spliced_page(ArticlePage(items=[], next_cursor=token), page.items, exclude_unset=True)
    header = next((v for k, v in scope["headers"] if k == b"accept-language"), None)
    accept = tuple(r.tag for r in parse_accept_language(header.decode("latin-1") if header else ""))
    text: str | bytes = body
    served: list[str | None] = page.languages
    if accept:
        text, served = localized_text(body, LanguagePreference(accept=accept))
    mark_language(headers, served)
    return Response(text, media_type="application/json", headers=dict(headers.headers))


def answer_references(scope: Scope, plan: Plan, page: StoredPage) -> Response:
    """As app.api.routes.references.list_references answers."""
    token, link = _next_link(scope["path"], plan, page.next_key)
    headers = {"link": link} if link is not None else None
    page_model: BaseModel = ReferencePage(items=[], next_cursor=token)
    body = spliced_page(page_model, page.items, exclude_unset=True)
    return Response(body, media_type="application/json", headers=headers)


def install(app: FastAPI, articles: APIRoute, references: APIRoute) -> None:
    """Put the list routes in front of the router's own (after any other route put there)."""
    at = next(i for i, route in enumerate(app.router.routes) if isinstance(route, APIRoute))
    app.router.routes[at:at] = [
        StoredListRoute(app, articles, article_plan, read_articles, answer_articles),
        StoredListRoute(app, references, reference_plan, read_references, answer_references),
    ]
