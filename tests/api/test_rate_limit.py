"""Rate limits: per-client budgets by route class, 429 problems with the IETF headers, shared
across worker processes through Redis."""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import limits.aio.storage.memory
import limits.aio.strategies
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

import app.api.rate_limit
from app.api.rate_limit import route_class
from app.config import get_settings
from tests.support.live_server import start_empty_server, stop

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def scope(path: str, query: str = "", accept: str | None = None) -> dict[str, object]:
    headers = [(b"accept", accept.encode())] if accept else []
    return {"path": path, "query_string": query.encode(), "headers": headers}


@pytest.mark.parametrize(
    ("path", "query", "accept", "expected"),
    [
        ("/articles", "", None, "reads"),
        ("/articles", "limit=5", "application/json", "reads"),
        ("/articles", "q=immune", None, "search"),
        ("/keywords", "limit=1&q=x", None, "search"),
        ("/references/parse", "", None, "parse"),
        ("/articles/1", "format=bibtex", None, "exports"),
        ("/articles/1/references", "", "text/x-bibliography; style=apa", "exports"),
        ("/articles/1", "", "*/*", "reads"),
        ("/oai", "verb=Identify", None, "exports"),
        ("/dump", "", None, "exports"),
    ],
)
def test_each_request_spends_the_budget_of_its_route_class(
    path: str, query: str, accept: str | None, expected: str
) -> None:
    assert route_class(scope(path, query, accept)) == expected  # type: ignore[arg-type]


@pytest.fixture
def limited_app(settings_env: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    # The sliding-window counter weighs the previous window's hits by how much of it is left, so
    # four requests that straddle a window boundary on a slow machine can all pass. The limiter's
    # clock is held still (mid-window) so the test states the budget, not the wall clock.
    mid_minute = time.time() // 60 * 60 + 30
    still = SimpleNamespace(time=lambda: mid_minute)
    settings_env.setattr(limits.aio.storage.memory, "time", still)
    settings_env.setattr(limits.aio.strategies, "time", still)
    settings_env.setattr(app.api.rate_limit, "time", still)
    settings_env.setenv("RATE_LIMITS", "1")
    settings_env.setenv("RATE_LIMIT_READS", "3/minute")
    settings_env.setenv("RATE_LIMIT_PARSE", "1/minute")
    settings_env.delenv("REDIS_URL", raising=False)
    from app.main import create_app

    yield create_app()


def test_past_its_budget_a_client_gets_a_429_problem_with_the_headers(limited_app: FastAPI) -> None:
    client = TestClient(limited_app, raise_server_exceptions=False)
    answers = [client.get("/no/such/page") for _ in range(4)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    refused = answers[3]
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["ratelimit-limit"] == "3"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert int(refused.headers["ratelimit-reset"]) == int(refused.headers["retry-after"])
    # Another class has its own budget; /health is never limited.
    assert client.post("/references/parse", json={"citations": ["A. T. 2020."]}).status_code == 200
    assert client.get("/health").status_code == 200


def test_a_bearer_token_is_counted_with_the_client_address(limited_app: FastAPI) -> None:
    client = TestClient(limited_app, raise_server_exceptions=False)
    statuses = [
        client.get("/no/such/page", headers={"Authorization": f"Bearer token-{i}"}).status_code
        for i in range(4)
    ]
    # Inventing a new token per request buys nothing: the address's budget still applies.
    assert statuses == [404, 404, 404, 429]


def test_rate_limits_are_off_unless_enabled() -> None:
    assert get_settings().rate_limits is False


def test_two_workers_share_one_budget_through_redis(
    databases: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis unavailable at {REDIS_URL}: {exc}")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    server, base = start_empty_server(
        tmp_path_factory,
        WORKERS="2",
        RATE_LIMITS="1",
        RATE_LIMIT_READS="10/minute",
        REDIS_URL=REDIS_URL,
        REDIS_KEY_PREFIX=prefix,
    )
    try:
        # A new connection per request, so both workers answer some of them.
        statuses = Counter(
            httpx.get(f"{base}/no/such/page", headers={"Connection": "close"}).status_code
            for _ in range(30)
        )
    finally:
        stop(server)
        keys = redis.Redis.from_url(REDIS_URL).keys(f"{prefix}*")
        if keys:
            redis.Redis.from_url(REDIS_URL).delete(*keys)
    assert statuses == {404: 10, 429: 20}
