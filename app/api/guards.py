"""Reject what no database can store before it reaches one: NUL characters in the URL.

PostgreSQL refuses text containing U+0000, so a ``%00`` in a path or query parameter would
otherwise surface as a server error; it is a client error, answered as a problem document.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import PROBLEM_MEDIA_TYPE


class RejectNulMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"").lower()
        ):
            body = (
                b'{"type":"about:blank","title":"Unprocessable Content","status":422,'
                b'"detail":"The URL contains a NUL character (%00), which no parameter may hold."}'
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 422,
                    "headers": [
                        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
