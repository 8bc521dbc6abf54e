"""One pure ASGI middleware for request logs and metrics: a request id, the status, the time.

Cheap per request: no Request object, no extra copies of headers; the route template comes from
the scope the router fills in. An incoming ``X-Request-ID`` (short, safe characters) is kept,
else one is made; either way it goes back in the response and into the log line.
"""

from __future__ import annotations

import random
import re
import time
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability.logs import log_request
from app.observability.metrics import observe_request

_SAFE_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,64}$")
UNMATCHED = "unmatched"


_ROUTE_SLOT = "app.observability.route"


async def note_route(request: Request) -> None:
    """App-wide dependency: hands the answering route to the middleware through a list both
    share, which survives a middleware's copy of the scope (HEAD is served as GET). async: a
    plain function dependency costs a thread-pool hop on every request of every route."""
    noted(request.scope, request.scope.get("route"))


def noted(scope: Scope, route: Any) -> None:
    """Hand ``route`` to the middleware as the one answering (routes outside FastAPI's
    dependency solving call this themselves)."""
    slot = scope.get(_ROUTE_SLOT)
    if slot is not None:
        slot.append(route)


def _route_template(scope: Scope, slot: list[Any]) -> str:
    """The matched route's path template (bounded label values), else ``unmatched``."""
    route = scope.get("route") or (slot[0] if slot else None)
    return getattr(route, "path", None) or UNMATCHED


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: bool = True) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id" and _SAFE_ID.match(value):
                request_id = value
                break
        if not request_id:
            # 128 random bits from the process's PRNG: unique enough, no syscall per request.
            request_id = b"%032x" % random.getrandbits(128)
        status = 500
        slot: list[Any] = []
        scope[_ROUTE_SLOT] = slot

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope, slot)
            if self.metrics:
                observe_request(scope["method"], route, status, seconds)
            client: Any = scope.get("client")
            log_request(
                request_id=request_id.decode(),
                method=scope["method"],
                path=scope["path"],
                route=route,
                status=status,
                duration_ms=round(seconds * 1000, 2),
                client=client[0] if client else None,
            )
