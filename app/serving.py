"""How uvicorn serves the app, in one function: the CLI, benchmarks and tests share it.

httptools parses HTTP/1.1: unlike h11 it accepts raw UTF-8 in the request target
(``/keywords?q=им``), which browsers and curl send unencoded. uvicorn's own access log is off:
the app logs every request itself (app/observability/), once, in the configured format.
"""

from __future__ import annotations

from typing import Any

from app.config import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "workers": settings.workers,
        "proxy_headers": True,
        "http": "httptools",
        "access_log": False,
    }
