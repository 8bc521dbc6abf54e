"""Security headers on every response, and a strict Content-Security-Policy on HTML pages.

Every answer carries ``X-Content-Type-Options: nosniff`` (a JSON body with a stored string is
never sniffed into HTML), ``Referrer-Policy`` and frame protection. HTML pages (the landing page,
the public site) get a strict policy: scripts, styles, images and fonts from this origin only,
no inline script or style, no plugins, no framing. Inline JSON-LD is a data block, not a script,
so the policy does not touch it. API responses get ``default-src 'none'``: nothing they hold is
ever meant to run.

The interactive docs are the exception that the bundled UIs force: Swagger UI starts from one
inline script, allowed by its SHA-256 (computed from the page the first time it is served, so an
upgrade of the UI cannot silently break it), and ReDoc injects its styles at run time.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HTML_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_policy(page: bytes) -> str:
    """The HTML policy, plus the inline scripts of ``page`` by hash and run-time styles."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    script_src = f"script-src 'self' {hashes}".rstrip()
    return (
        HTML_POLICY.replace("script-src 'self'", script_src)
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        + "; worker-src 'self' blob:"
    )


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"content-type":
            return value.startswith(b"text/html") or value.startswith(b"application/xhtml")
    return False


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, docs_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.docs_paths = frozenset(path for path in docs_paths if path)
        self._docs_policies: dict[str, bytes] = {}
        self._api = [*COMMON_HEADERS, (b"content-security-policy", API_POLICY.encode())]
        self._html = [*COMMON_HEADERS, (b"content-security-policy", HTML_POLICY.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.docs_paths and scope["path"] not in self._docs_policies:
            await self._learn_docs_policy(scope, receive, send)
            return
        docs_policy_value = self._docs_policies.get(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not _is_html(headers):
                    headers += self._api
                elif docs_policy_value is not None:
                    headers += [*COMMON_HEADERS, (b"content-security-policy", docs_policy_value)]
                else:
                    headers += self._html
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _learn_docs_policy(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a docs page once buffered, to hash its inline script; later ones stream."""
        messages: list[Message] = []

        async def buffer(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, buffer)
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        if start is None:
            return
        headers = list(start.get("headers", []))
        if start["status"] == 200 and _is_html(headers):
            policy = docs_policy(body).encode()
            self._docs_policies[scope["path"]] = policy
            headers += [*COMMON_HEADERS, (b"content-security-policy", policy)]
        else:
            headers += self._api
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
