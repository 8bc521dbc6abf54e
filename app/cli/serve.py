"""``serve``: run the API with uvicorn on HOST:PORT."""

from __future__ import annotations


def serve() -> int:
    """Serve the API (app.main:app) with uvicorn on HOST:PORT, WORKERS processes."""
    import uvicorn

    from app.config import get_settings
    from app.serving import uvicorn_options

    settings = get_settings()
    print(f"serving on {settings.public_url}  (API docs: {settings.public_url}/docs)", flush=True)
    uvicorn.run("app.main:app", **uvicorn_options(settings))
    return 0
