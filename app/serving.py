"""How uvicorn serves the app, in one place: its options, and the HTTP protocol it speaks.

httptools (llhttp) parses HTTP/1.1 fast but, like h11, refuses a request target holding raw
UTF-8 (``/keywords?q=им`` as curl sends it) with a plain-text 400 the app never sees. Browsers
percent-encode; people typing URLs into curl do not. :class:`Utf8TargetHttpToolsProtocol`
percent-encodes the bytes above 0x7F of a request line before the parser sees them, only when the
parser stands at the start of a message (so body bytes are never touched), and only when the line
has the shape of a request line. Anything else reaches llhttp as sent.

uvicorn's own access log is off: the app logs every request itself (app/observability/), once,
in the configured format.

uvloop runs the event loop: with httptools about 1.3x the requests per second of h11 on
asyncio on the same route (bench/RESULTS.md).
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.api.work_pool import begin_shutdown
from app.config import Settings
from app.http_protocol import HeaderDeadline

_REQUEST_LINE = re.compile(rb"^([A-Z]{1,20} )([^ \r\n]+)( HTTP/1\.[01]\r?\n)")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _percent_encode(match: re.Match[bytes]) -> bytes:
    return b"%%%02X" % match.group(0)[0]


def encode_request_line(data: bytes) -> bytes:
    """``data`` with the raw non-ASCII bytes of its leading request line percent-encoded."""
    line = _REQUEST_LINE.match(data)
    if line is None:
        return data
    target = _HIGH_BYTE.sub(_percent_encode, line.group(2))
    return line.group(1) + target + line.group(3) + data[line.end() :]


class Utf8TargetHttpToolsProtocol(HttpToolsProtocol):
    """httptools, accepting raw UTF-8 in the request target (see the module docstring)."""

    _at_message_start = True

    def data_received(self, data: bytes) -> None:
        if self._at_message_start and not data.isascii():
            data = encode_request_line(data)
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._at_message_start = False
        super().on_message_begin()

    def on_message_complete(self) -> None:
        self._at_message_start = True
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        """What the parser refuses is answered as a problem document too, not plain text."""
        body = orjson.dumps(
            {
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": f"{msg} The request line or headers are not valid HTTP/1.1.",
            }
        )
        content = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/problem+json\r\n",
                b"content-length: %d\r\n" % len(body),
                b"connection: close\r\n\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()


class ServedProtocol(HeaderDeadline, Utf8TargetHttpToolsProtocol):
    """What `serve` speaks: raw UTF-8 request targets, and a deadline for request headers."""

    def shutdown(self) -> None:
        """uvicorn calls this on every open connection as its graceful shutdown begins (SIGTERM):
        heavy work in flight stops at its next check (app/api/work_pool.py), so the process
        exits within GRACEFUL_TIMEOUT_SECONDS, not after minutes of parsing."""
        begin_shutdown()
        super().shutdown()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "workers": settings.workers,
        "proxy_headers": True,
        # An import string, not the class: a worker process imports it after it has started
        # answering the supervisor's health pings (a class is unpickled, so imported, before;
        # on a loaded machine that took longer than the ping timeout and workers were killed).
        "http": "app.serving:ServedProtocol",
        # Hostile-traffic limits (docs/limits.md): idle keep-alive connections close after
        # KEEP_ALIVE_SECONDS; past LIMIT_CONCURRENCY open connections and tasks a worker answers
        # 503 at once; on SIGTERM in-flight requests get GRACEFUL_TIMEOUT_SECONDS, then the
        # process exits; no "server" header names the software.
        "timeout_keep_alive": settings.keep_alive_seconds,
        "limit_concurrency": settings.limit_concurrency,
        "timeout_graceful_shutdown": settings.graceful_timeout_seconds,
        "server_header": False,
        "loop": "uvloop",
        "access_log": False,
        # A worker must answer the supervisor within this many seconds of starting: importing the
        # app on a busy machine took longer than uvicorn's 5 s, and WORKERS=2 then killed and
        # respawned its workers in a loop, never serving.
        "timeout_worker_healthcheck": 60,
    }
