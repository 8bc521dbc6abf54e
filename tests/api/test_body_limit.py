"""Request bodies past MAX_BODY_BYTES are a 413 problem, refused before they are read whole."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from app.api.body_limit import BodyLimitMiddleware
from app.config import get_settings
from app.errors import install_error_handlers
from app.main import app

LIMIT = get_settings().max_body_bytes


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def _chunks(total: int, size: int = 65536) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


def test_a_declared_length_over_the_limit_is_a_413_problem_before_json_is_read(
    api: TestClient,
) -> None:
    # Not even valid JSON: the size is checked first, so the answer is 413, not 422.
    response = api.post(
        "/references/parse",
        content=b"{" * (LIMIT + 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 413 and str(LIMIT) in body["detail"]
    assert body["instance"] == "/references/parse"
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("path", ["/references/parse", "/oai", "/articles", "/no/such/route"])
def test_every_route_refuses_an_oversized_body(api: TestClient, path: str) -> None:
    response = api.post(path, content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_body_within_the_limit_reaches_the_route(api: TestClient) -> None:
    citations = ["Smith J. Title. J Ex. 2020;1:2."]
    response = api.post("/references/parse", json={"citations": citations})
    assert response.status_code == 200


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(api: TestClient) -> None:
    response = api.post(
        "/references/parse",
        content=_chunks(LIMIT * 4),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_chunked_body_within_the_limit_is_read_whole() -> None:
    async def echo(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    small = FastAPI()
    install_error_handlers(small)
    small.add_api_route("/echo", echo, methods=["POST"])
    small.add_middleware(BodyLimitMiddleware, max_bytes=100_000)
    client = TestClient(small)
    assert client.post("/echo", content=_chunks(100_000, 7000)).json() == {"length": 100_000}
    refused = client.post("/echo", content=_chunks(100_001, 7000))
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
