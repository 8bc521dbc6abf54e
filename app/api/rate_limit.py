"""Per-client rate limits by route class, answered with a 429 problem and the IETF headers.

Each request is counted against its client's budget for its class (reads, search, parse,
exports; see :func:`route_class`) with the sliding-window counters of the ``limits`` library:
in-process by default, in Redis when ``REDIS_URL`` is set so that every worker process (and every
machine behind a load balancer) shares one count. The client is its IP address (uvicorn resolves
``X-Forwarded-For`` from trusted proxies only); a request that carries a bearer token is counted
against the token as well, and the tighter of the two budgets applies, so inventing tokens
buys no extra requests. Answers carry ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (draft-ietf-httpapi-ratelimit-headers); a 429 adds ``Retry-After``.

If Redis cannot be reached the request goes through (logged): a rate limiter must not turn a
cache outage into an API outage.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.asgi_problems import send_problem

log = logging.getLogger(__name__)

ROUTE_CLASSES = ("reads", "search", "parse", "exports")
# Liveness probes and the documentation are never limited.
EXEMPT_PREFIXES = ("/health", "/docs", "/redoc", "/openapi.json", "/static-offline-docs")
EXPORT_PATHS = frozenset({"/dump", "/oai"})


def route_class(scope: Scope) -> str:
    """Which budget a request spends: parsing, exports (any non-JSON rendering, dumps, OAI),
    full-text search (``q=``), or plain reads."""
    path: str = scope["path"]
    if path == "/references/parse":
        return "parse"
    query: bytes = scope.get("query_string", b"")
    if path in EXPORT_PATHS or query.startswith(b"format=") or b"&format=" in query:
        return "exports"
    for name, value in scope["headers"]:
        if name == b"accept":
            accept = value.strip().lower()
            if accept and b"json" not in accept and accept != b"*/*":
                return "exports"
            break
    if query.startswith(b"q=") or b"&q=" in query:
        return "search"
    return "reads"


def _client_keys(scope: Scope) -> list[str]:
    client = scope.get("client")
    keys = [f"ip:{client[0] if client else 'unknown'}"]
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                keys.append("token:" + hashlib.sha256(token.strip()).hexdigest()[:32])
            break
    return keys


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset_seconds).encode()),
        ]


class RateLimiter:
    """The budgets of every route class, over one storage (memory or Redis)."""

    def __init__(self, limits: dict[str, str], storage: Storage) -> None:
        self.items: dict[str, RateLimitItem] = {name: parse(spec) for name, spec in limits.items()}
        self.strategy = SlidingWindowCounterRateLimiter(storage)

    async def check(self, route: str, keys: list[str]) -> Verdict:
        item = self.items[route]
        verdicts = []
        for key in keys:
            allowed = await self.strategy.hit(item, route, key)
            stats = await self.strategy.get_window_stats(item, route, key)
            reset = max(1, math.ceil(stats.reset_time - time.time()))
            verdicts.append(Verdict(allowed, item.amount, max(0, stats.remaining), reset))
        refused = [v for v in verdicts if not v.allowed]
        if refused:
            return max(refused, key=lambda v: v.reset_seconds)
        return min(verdicts, key=lambda v: v.remaining)


def make_storage(redis_url: str | None, *, key_prefix: str = "journal-api") -> Storage:
    if not redis_url:
        return MemoryStorage()
    uri = redis_url if redis_url.startswith("async+") else f"async+{redis_url}"
    return RedisStorage(uri, implementation="redispy", key_prefix=key_prefix)


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] == "OPTIONS"
            or scope["path"].startswith(EXEMPT_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        route = route_class(scope)
        try:
            verdict = await self.limiter.check(route, _client_keys(scope))
        except Exception as exc:  # noqa: BLE001 - storage down: serve rather than fail
            log.warning("rate limit storage unavailable, request not counted: %s", exc)
            await self.app(scope, receive, send)
            return
        if not verdict.allowed:
            await send_problem(
                scope,
                send,
                429,
                f"Rate limit for {route} exceeded: {verdict.limit} requests per window; "
                f"retry in {verdict.reset_seconds} s.",
                headers={
                    "Retry-After": str(verdict.reset_seconds),
                    **{k.decode(): v.decode() for k, v in verdict.headers()},
                },
            )
            return
        extra = verdict.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
