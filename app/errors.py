"""RFC 9457 problem details for every error the API returns, in one place."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger(__name__)


class ProblemError(Exception):
    """Raise anywhere below the routes to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.type = type_
        self.headers = headers
        self.extensions = extensions


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    *,
    title: str | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> ProblemResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    return ProblemResponse(body, status_code=status, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"query", "path", "header", "body", "cookie"}:
        where, rest = parts[0], parts[1:]
        return f"{where} parameter '{'.'.join(rest)}'" if rest else where
    return ".".join(parts)


async def _on_problem(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request,
        exc.status,
        exc.detail,
        title=exc.title,
        type_=exc.type,
        headers=dict(exc.headers) if exc.headers else None,
        **exc.extensions,
    )


async def _on_http_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}; see /docs for the API."
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
        # Starlette names the methods of the first route matching the path only; a resource
        # served by several routes (GET and PUT /articles/{id}) allows all of theirs.
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return problem_response(request, exc.status_code, detail, headers=headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route fully matches for this path (routers may be included lazily,
    so ask each route rather than reading their patterns)."""
    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.routes):
            allowed.append(method)
    return ", ".join(allowed)


async def _on_validation_error(request: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"name": _location(err.get("loc", ())), "reason": err.get("msg", "invalid")}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['name']}: {e['reason']}" for e in errors)
    return problem_response(request, 422, detail, errors=errors)


async def _on_database_unavailable(request: Request, exc: Exception) -> ProblemResponse:
    """A statement cancelled by the statement timeout, a lost connection, a locked database:
    the database cannot answer now, which is not the client's fault nor a bug (503, not 500)."""
    log.warning("database error on %s %s: %s", request.method, request.url.path, exc)
    return problem_response(
        request,
        503,
        "The database could not answer in time; retry later or ask for less.",
        headers={"Retry-After": "5"},
    )


async def _on_unexpected(request: Request, exc: Exception) -> ProblemResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, 500, "An unexpected error occurred; it has been logged.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(OperationalError, _on_database_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status in (400, 404, 406, 422)
}


def invalid_parameter(name: str, reason: str, *, where: str = "query") -> ProblemError:
    """A 422 shaped like FastAPI's own validation problems, for checks done in code."""
    location = f"{where} parameter '{name}'"
    return ProblemError(
        422,
        f"{location}: {reason}",
        title="Unprocessable Content",
        errors=[{"name": location, "reason": reason}],
    )
