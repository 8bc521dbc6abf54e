"""The limits every operation shares, written into the OpenAPI document once for all routes.

A client (or schemathesis) must find every status the server can answer: 400 everywhere (an
unknown query parameter), 413 where a body is taken (MAX_BODY_BYTES), 503 everywhere (statement
timeout, busy heavy-work pool), and 429 when rate limits are on. Routes need not repeat them.
No path or query parameter may hold a NUL (app/api/guards.py answers 422 before routing): each
one's schema says so.
"""

from __future__ import annotations

from typing import Any

from app.errors import PROBLEM_MEDIA_TYPE

_PROBLEM = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    },
}
_RATE_HEADERS = {
    **_RETRY_AFTER,
    **{
        name: {"description": description, "schema": {"type": "integer"}}
        for name, description in (
            ("RateLimit-Limit", "Requests allowed in the window."),
            ("RateLimit-Remaining", "Requests left in the window."),
            ("RateLimit-Reset", "Seconds until the window resets."),
        )
    },
}
BAD_REQUEST = {"description": "An unknown or malformed parameter.", "content": _PROBLEM}
TOO_LARGE = {"description": "The request body is over MAX_BODY_BYTES.", "content": _PROBLEM}
UNAVAILABLE = {
    "description": "The database did not answer in time, or too many heavy requests run at once.",
    "headers": _RETRY_AFTER,
    "content": _PROBLEM,
}
TOO_MANY = {
    "description": "This client's rate limit for the route class is spent.",
    "headers": _RATE_HEADERS,
    "content": _PROBLEM,
}

# A string holding U+0000 is refused by RejectNulMiddleware, whatever the parameter.
NO_NUL = {"type": "string", "pattern": "\u0000"}


def document_limits(schema: dict[str, Any], *, rate_limited: bool) -> None:
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "delete", "patch"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", BAD_REQUEST)
            if "requestBody" in operation:
                responses.setdefault("413", TOO_LARGE)
            responses.setdefault("503", UNAVAILABLE)
            if rate_limited:
                responses.setdefault("429", TOO_MANY)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in {"path", "query"}:
                    parameter.setdefault("schema", {}).setdefault("not", NO_NUL)
