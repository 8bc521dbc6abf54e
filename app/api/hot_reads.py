"""The hottest read, an article page's JSON, answered without solving FastAPI's parameters.

``GET /articles/{id}`` and ``GET /articles/{id}?include=references``, asking for JSON (no
``Accept``, or one that negotiation answers with JSON), are what a journal's front end sends for
every page view. FastAPI solves the route's eleven parameters and dependencies on each request,
which cost more than everything else the request does (bench/README.md: the profile).
:class:`StoredArticleRoute`, first in the router, takes exactly those requests and answers them
with the same code the API route uses (:func:`app.api.article_answers.stored_json`): the stored
document, its ETag, language and Link header, one primary-key lookup. Any other request (another
parameter, format or path shape) does not match it and reaches the API route, which is still the
one documented in OpenAPI and which answers when no current stored document exists (404, 410).
Middleware (caching, CORS, gzip, security headers, logs and metrics) sees both alike.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from app.api.article_answers import stored_json
from app.api.deps import reads_of
from app.api.languages import LanguagePreference, parse_accept_language
from app.exporters import NotAcceptable, negotiate
from app.observability.middleware import noted

_PATH = re.compile(r"/articles/([1-9][0-9]{0,9})")
_QUERIES = {b"": False, b"include=references": True}
_MAX_ID = 2**31 - 1
_PASSED = "app.hot_reads.passed"
_ACCEPT_CACHED = 256


class StoredArticleRoute(BaseRoute):
    """Matches the plain JSON requests of one article (see the module docstring)."""

    def __init__(self, app: FastAPI, api_route: APIRoute) -> None:
        self.app = app
        self.api_route = api_route
        self.path = api_route.path  # logs and metrics name the API route's template
        self._json_accepts: dict[bytes, bool] = {}

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"} or _PASSED in scope:
            return Match.NONE, {}
        references = _QUERIES.get(scope.get("query_string", b""))
        found = _PATH.fullmatch(scope["path"]) if references is not None else None
        if found is None or scope.get("root_path"):
            return Match.NONE, {}
        article_id = int(found.group(1))
        accept = next((value for name, value in scope["headers"] if name == b"accept"), None)
        if article_id > _MAX_ID or (accept is not None and not self._wants_json(accept)):
            return Match.NONE, {}
        child = {
            "route": self.api_route,
            "path_params": {"article_id": article_id},
            _PASSED: references,
        }
        return Match.FULL, child

    def _wants_json(self, accept: bytes) -> bool:
        """Whether content negotiation picks the article's JSON for this Accept header."""
        known = self._json_accepts.get(accept)
        if known is None:
            try:
                chosen = negotiate(accept.decode("latin-1"), None, "article")
                known = chosen.exporter.name == "json"
            except NotAcceptable:
                known = False  # the API route answers the 406
            if len(self._json_accepts) >= _ACCEPT_CACHED:
                self._json_accepts.clear()
            self._json_accepts[accept] = known
        return known

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        article_id: int = scope["path_params"]["article_id"]
        noted(scope, self.api_route)  # logs and metrics, HEAD requests included
        reads = reads_of(self.app)
        stored = await reads.stored_article(article_id=article_id, references=scope[_PASSED])
        if stored is None:  # no current document: the API route answers (rows, 404, 410)
            await self.app.router(scope, receive, send)  # this route no longer matches
            return
        header = next((v for k, v in scope["headers"] if k == b"accept-language"), None)
        accept = parse_accept_language(header.decode("latin-1")) if header else []
        language = LanguagePreference(accept=tuple(r.tag for r in accept))
        await stored_json(stored, (), language, ())(scope, receive, send)


def install(app: FastAPI, api_route: APIRoute) -> None:
    """Put the route in front of every other one of ``app``."""
    app.router.routes.insert(0, StoredArticleRoute(app, api_route))
