"""Cost per request of the logs-and-metrics middleware, beside the bare app it wraps.

Runs the ASGI middleware in-process around a constant response (no server, no sockets), so the
difference is the middleware's own work: request id, one log line, two metric updates. Prints
microseconds per request for LOG_FORMAT=json, text, and with the request line filtered out.

    .venv/bin/python bench/observability.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Settings  # noqa: E402
from app.observability.logs import configure_logging  # noqa: E402
from app.observability.middleware import ObservabilityMiddleware  # noqa: E402

ROUTE = Route("/articles/{article_id}", lambda _request: None)


async def _constant(scope: dict[str, Any], _receive: Any, send: Any) -> None:
    scope["route"] = ROUTE
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def _send(_message: dict[str, Any]) -> None:
    return None


async def _receive() -> dict[str, Any]:
    return {"type": "http.request"}


def _scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "GET",
        "path": "/articles/1",
        "headers": [(b"host", b"127.0.0.1"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 50000),
        "query_string": b"",
    }


async def _per_request(app: Any, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        await app(_scope(), _receive, _send)
    return (time.perf_counter() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    results = []
    for label, settings in (
        ("LOG_FORMAT=json", Settings(log_format="json")),
        ("LOG_FORMAT=text", Settings(log_format="text")),
        ("LOG_LEVEL=warning", Settings(log_level="warning")),
    ):
        configure_logging(settings)
        real_stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115
        try:
            bare = asyncio.run(_per_request(_constant, args.requests))
            wrapped = asyncio.run(_per_request(ObservabilityMiddleware(_constant), args.requests))
        finally:
            sys.stderr.close()
            sys.stderr = real_stderr
        results.append((label, bare, wrapped))
    print(f"{'':20} {'bare app':>10} {'+ middleware':>13} {'cost':>8}  (µs per request)")
    for label, bare, wrapped in results:
        print(f"{label:20} {bare:10.1f} {wrapped:13.1f} {wrapped - bare:8.1f}")


if __name__ == "__main__":
    main()
