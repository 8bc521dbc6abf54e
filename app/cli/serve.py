"""``serve``: run the API with uvicorn on HOST:PORT.

Where everything is (API, docs, a landing page, health, metrics) is printed once the port
accepts connections, so the last lines a newcomer reads are URLs that answer; loading the app
(parser models, language detector) takes seconds, during which one line says so.
"""

from __future__ import annotations

import socket
import threading
import time

from app.cli.application import CommandError
from app.config import Settings

READY_WAIT_SECONDS = 600.0


def serve() -> int:
    """Serve the API (app.main:app) with uvicorn on HOST:PORT, WORKERS processes."""
    import uvicorn

    from app.config import get_settings
    from app.serving import uvicorn_options

    settings = get_settings()
    address = _probe_address(settings)
    if _accepts(address):
        raise CommandError(
            f"port {settings.port} on {settings.host} is already in use (another server?); "
            "stop it or set PORT"
        )
    print(f"Starting the Journal Metadata API on {settings.public_url} ...", flush=True)
    threading.Thread(
        target=_announce_when_listening, args=(settings, address), name="banner", daemon=True
    ).start()
    uvicorn.run("app.main:app", **uvicorn_options(settings))
    return 0


def banner(settings: Settings) -> str:
    base = settings.public_url
    metrics = f", metrics: {base}/metrics" if settings.metrics else ""
    return (
        f"Journal Metadata API on {base}\n"
        f"  API docs (Swagger UI): {base}/docs\n"
        f"  a seeded article's landing page: {base}/articles/1?format=html\n"
        f"  health: {base}/health{metrics}\n"
        "Stop with Ctrl+C."
    )


def _probe_address(settings: Settings) -> tuple[str, int]:
    """Where a client on this machine reaches the server (a wildcard address is loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(settings.host, settings.host)
    return host, settings.port


def _accepts(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1.0):
            return True
    except OSError:
        return False


def _announce_when_listening(settings: Settings, address: tuple[str, int]) -> None:
    deadline = time.monotonic() + READY_WAIT_SECONDS
    while time.monotonic() < deadline:
        if _accepts(address):
            print(banner(settings), flush=True)
            return
        time.sleep(0.2)
