"""Conditional GET, HEAD, Cache-Control and compression for every read, in one ASGI middleware.

Buffered GET responses get a strong ETag (a digest of the body) and answer ``304 Not Modified``
to a matching ``If-None-Match``. Compression happens here, deterministically (gzip with mtime 0),
so the compressed representation has its own stable ETag (suffix ``-gzip``). Streaming responses
pass through untouched; the outer GZipMiddleware compresses those.
"""

from __future__ import annotations

import gzip

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The strong entity tag of an uncompressed body, as this middleware sets it on reads (stored
# documents carry the same digest of the same bytes).
from app.services.documents import strong_etag as body_etag

GZIP_MINIMUM = 1024
NOT_MODIFIED_HEADERS = ("etag", "cache-control", "vary", "link", "content-location", "expires")


def opaque_tag(tag: str) -> str:
    return tag.strip().removeprefix("W/").strip('"').removesuffix("-gzip")


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison; both encodings of one body count as the same resource state."""
    if if_none_match.strip() == "*":
        return True
    return opaque_tag(etag) in {opaque_tag(tag) for tag in if_none_match.split(",") if tag.strip()}


class HttpCachingMiddleware:
    def __init__(self, app: ASGIApp, *, max_age: int) -> None:
        self.app = app
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"GET", "HEAD"}:
            await self.app(scope, receive, send)
            return
        is_head = scope["method"] == "HEAD"
        if is_head:
            scope = {**scope, "method": "GET"}
        request_headers = Headers(scope=scope)
        start: Message | None = None
        chunks: list[bytes] = []
        streaming = False

        async def buffered_send(message: Message) -> None:
            nonlocal start, streaming
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            assert start is not None
            if streaming:
                await send({**message, "body": b""} if is_head else message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                if len(chunks) == 1 and not chunks[0]:
                    return  # an empty first chunk says nothing yet
                streaming = True
                await send(start)
                body = b"".join(chunks)
                await send({**message, "body": b"" if is_head else body})
                return
            await self._finish(start, b"".join(chunks), request_headers, is_head, send)

        await self.app(scope, receive, buffered_send)

    async def _finish(
        self, start: Message, body: bytes, request: Headers, is_head: bool, send: Send
    ) -> None:
        headers = MutableHeaders(raw=list(start["headers"]))
        status = start["status"]
        compressed_here = False
        if status == 200:
            if self.max_age and "cache-control" not in headers:
                headers["cache-control"] = f"public, max-age={self.max_age}"
            if "content-encoding" not in headers:
                # A route serving a stored document sends the ETag stored with it (the same
                # digest of the same body), which spares hashing the body on every request.
                given = headers.get("etag", "")
                etag = given if given[:1] == '"' else body_etag(body)
                if len(body) >= GZIP_MINIMUM and "gzip" in request.get("accept-encoding", ""):
                    body = gzip.compress(body, compresslevel=6, mtime=0)
                    headers["content-encoding"] = "gzip"
                    compressed_here = True
                    etag = etag[:-1] + '-gzip"'
                headers["etag"] = etag
                headers["content-length"] = str(len(body))
                # Starlette's GZipMiddleware (outermost, same minimum) adds Vary itself to a
                # large body it passes on uncompressed; adding it here too sent it twice.
                if compressed_here or is_head or len(body) < GZIP_MINIMUM:
                    headers.add_vary_header("Accept-Encoding")
                elif _etag_matches(request.get("if-none-match", ""), etag):
                    headers.add_vary_header("Accept-Encoding")  # a 304 has no body to vary
            etag_value = headers.get("etag")
            if etag_value and _etag_matches(request.get("if-none-match", ""), etag_value):
                kept = [(k, v) for k, v in headers.raw if k.decode() in NOT_MODIFIED_HEADERS]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b"" if is_head else body})
