"""Several uvicorn workers serve the same answers, and every write is visible in all of them on
the next request (`WORKERS=2`, a real server, on SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, delete
from sqlmodel import Session, col

from app.db import make_engine
from app.ingest.ojs_page import parse_page
from app.ingest.records import ArticleRecord
from app.models import Article
from app.services.loading import store_record
from tests.conftest import ThrowawayDatabases, upgrade

ROOT = Path(__file__).parent.parent
REQUESTS = 16  # each on a new connection, so the kernel spreads them over both workers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["postgresql", "sqlite"])
def served(
    request: pytest.FixtureRequest, databases: ThrowawayDatabases
) -> Iterator[tuple[str, Engine]]:
    url = databases.create(request.param)
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORT": str(port),
        "WORKERS": "2",
        "LOG_LEVEL": "warning",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"], cwd=ROOT, env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base, engine
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        engine.dispose()


def answers(base: str, path: str) -> set[tuple[int, bytes]]:
    """Status and body of REQUESTS requests, each on a fresh connection."""
    found = set()
    host, port = base.removeprefix("http://").split(":")
    for _ in range(REQUESTS):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        found.add((response.status, response.read()))
        connection.close()
    return found


def store(engine: Engine, record: ArticleRecord) -> int:
    with Session(engine) as session, session.begin():
        return store_record(session, record).article_id


def test_every_worker_answers_alike_and_sees_every_write_at_once(
    served: tuple[str, Engine], seed_page: str, seed_expected: dict[str, Any]
) -> None:
    base, engine = served
    record = parse_page(seed_page, source_url=seed_expected["source"]["url"])
    assert {status for status, _body in answers(base, "/articles/1")} == {404}
    article_id = store(engine, record)
    paths = [f"/articles/{article_id}?include=references", "/articles", "/references?limit=3"]
    for path in paths:
        found = answers(base, path)
        assert len(found) == 1 and found.pop()[0] == 200, path
    store(engine, dataclasses.replace(record, titles={"en": "Seen by every worker"}))
    found = answers(base, f"/articles/{article_id}")
    assert len(found) == 1
    status, body = found.pop()
    assert status == 200 and b"Seen by every worker" in body
    with Session(engine) as session, session.begin():
        session.execute(delete(Article).where(col(Article.id) == article_id))
    assert {status for status, _body in answers(base, f"/articles/{article_id}")} == {404}
    assert answers(base, "/articles") == {(200, b'{"items":[],"next_cursor":null}')}
