"""Problem documents sent straight from pure ASGI middleware, before any route or handler runs."""

from __future__ import annotations

import json
from http import HTTPStatus

from starlette.types import Scope, Send

from app.errors import PROBLEM_MEDIA_TYPE


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """One complete RFC 9457 response, shaped like the ones the error handlers build."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": title or HTTPStatus(status).phrase,
            "status": status,
            "detail": detail,
            "instance": scope.get("path", ""),
        },
        ensure_ascii=False,
    ).encode()
    raw_headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
