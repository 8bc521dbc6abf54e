"""The framework's ceiling for the benchmark: this app, plus a route answering constant bytes.

    BENCH_CONSTANT_BODY=article.json .venv/bin/python bench/ceiling.py

``GET /constant`` returns one article's JSON as a constant, through the same middleware stack,
the same uvicorn options and the same process setup as the API: what any route of this app could
at best achieve. bench/api.py starts it beside the API.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import uvicorn
from fastapi import Response

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import get_settings  # noqa: E402
from app.main import create_app  # noqa: E402
from app.serving import uvicorn_options  # noqa: E402

BODY = Path(os.environ["BENCH_CONSTANT_BODY"]).read_bytes()
app = create_app()


@app.get("/constant", include_in_schema=False)
async def constant() -> Response:
    return Response(BODY, media_type="application/json", headers={"Vary": "Accept"})


if __name__ == "__main__":
    uvicorn.run(app, **{**uvicorn_options(get_settings()), "workers": 1})
