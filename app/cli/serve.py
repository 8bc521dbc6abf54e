"""``serve``: run the API with uvicorn on HOST:PORT."""

from __future__ import annotations


def serve() -> int:
    """Serve the API (app.main:app) with uvicorn on HOST:PORT, WORKERS processes."""
    import uvicorn

    from app.config import get_settings
    from app.serving import uvicorn_options

    settings = get_settings()
    base = settings.public_url
    metrics = f", metrics: {base}/metrics" if settings.metrics else ""
    print(
        f"Journal Metadata API on {base}\n"
        f"  API docs (Swagger UI): {base}/docs\n"
        f"  a seeded article's landing page: {base}/articles/1?format=html\n"
        f"  health: {base}/health{metrics}\n"
        "Stop with Ctrl+C.",
        flush=True,
    )
    uvicorn.run("app.main:app", **uvicorn_options(settings))
    return 0
