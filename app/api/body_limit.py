"""Request bodies are refused past ``MAX_BODY_BYTES`` before they are read whole (413 problem).

Without it a 100 MB JSON body was read and decoded in full before any route could count its
items (RSS 142 MiB → 1.85 GiB, which the process kept). A declared ``Content-Length`` over the
limit is refused at once, unread; a chunked body is counted as it arrives and refused as soon as
it passes the limit. Either way the connection is closed after the 413, so the unread rest of the
body is never parsed as a next request. JSON is decoded by the route only after this check.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.asgi_problems import send_problem


def _detail(what: str, most: int) -> str:
    return f"The request body is too large ({what}); at most {most} bytes are accepted."


class BodyTooLarge(HTTPException):
    """A chunked body grew past the limit while the route read it: the error handlers answer."""

    def __init__(self, most: int) -> None:
        detail = _detail(f"more than {most} bytes sent", most)
        super().__init__(413, detail, {"connection": "close"})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: int | None = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None  # the server rejects a malformed length itself
            elif name == b"transfer-encoding":
                chunked = True
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send, f"{declared} bytes declared")
            return
        if not chunked:
            # The server delivers at most Content-Length bytes: nothing more to count.
            await self.app(scope, receive, send)
            return
        await self._counted(scope, receive, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if response_started:
                raise
            await self._refuse(scope, send, f"more than {self.max_bytes} bytes sent")

    async def _refuse(self, scope: Scope, send: Send, what: str) -> None:
        await send_problem(
            scope,
            send,
            413,
            _detail(what, self.max_bytes),
            headers={"connection": "close"},
        )
