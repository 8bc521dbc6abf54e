"""Heavy work (parsing, rendering) runs in a bounded pool; past its queue, 503 and Retry-After."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from app.api import negotiation
from app.api.routes import references
from app.api.work_pool import WorkPool, begin_shutdown, resume_work, stop_if_shutting_down
from app.errors import ProblemError
from app.ingest.reference_limits import MAX_REFERENCE_CHARS, MAX_REFERENCE_WORDS
from app.ingest.references import pipeline
from app.main import app
from app.services.loading import LoadResult


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def test_a_free_slot_runs_the_work_at_once() -> None:
    pool = WorkPool(workers=1, queue=0, wait_seconds=0.1)
    with pool.slot():
        pass
    with pool.slot():  # released again
        pass


def test_a_full_pool_with_a_full_queue_answers_503_at_once() -> None:
    pool = WorkPool(workers=1, queue=0, wait_seconds=5)
    with pool.slot():
        start = time.monotonic()
        with pytest.raises(ProblemError) as raised:
            with pool.slot():
                pass
        assert time.monotonic() - start < 1  # refused, not queued
    assert raised.value.status == 503 and raised.value.headers
    assert int(raised.value.headers["Retry-After"]) >= 1


def test_a_waiting_request_gets_the_slot_when_it_frees_up() -> None:
    pool = WorkPool(workers=1, queue=1, wait_seconds=5)
    ran = threading.Event()
    with pool.slot():
        def waiter() -> None:
            with pool.slot():
                ran.set()

        thread = threading.Thread(target=waiter)
        thread.start()
        time.sleep(0.05)
        assert not ran.is_set()
    thread.join(5)
    assert ran.is_set()


def test_a_wait_longer_than_allowed_is_a_503() -> None:
    pool = WorkPool(workers=1, queue=1, wait_seconds=0.1)
    with pool.slot(), pytest.raises(ProblemError) as raised:
        with pool.slot():
            pass
    assert raised.value.status == 503


def test_a_batch_stops_between_two_strings_once_the_server_is_shutting_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    monkeypatch.setattr(pipeline, "parse_reference", lambda raw: parsed.append(raw) or {})

    def stop_after_two() -> None:
        if len(parsed) == 2:
            begin_shutdown()
        stop_if_shutting_down()

    try:
        with pytest.raises(ProblemError) as raised:
            pipeline.parse_references(["a", "b", "c", "d"], before_each=stop_after_two)
        assert parsed == ["a", "b"]
        assert raised.value.status == 503
        # New heavy work is refused at once, too.
        with pytest.raises(ProblemError):
            WorkPool(workers=1, queue=0, wait_seconds=0.1).acquire()
    finally:
        resume_work()


def test_parsing_answers_503_when_the_pool_is_full(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = WorkPool(workers=1, queue=0, wait_seconds=0.1)
    monkeypatch.setattr(references, "work_pool", lambda: pool)
    with pool.slot():
        response = api.post("/references/parse", json={"citations": ["Smith J. T. 2020."]})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1


def test_rendering_answers_503_when_the_pool_is_full(
    client: TestClient, seeded: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = WorkPool(workers=1, queue=0, wait_seconds=0.1)
    monkeypatch.setattr(negotiation, "work_pool", lambda: pool)
    path = f"/articles/{seeded.article_id}"
    assert client.get(path, params={"format": "bibtex"}).status_code == 200
    with pool.slot():
        response = client.get(path, params={"format": "bibtex"})
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert client.get(path).status_code == 200  # JSON reads never wait for the pool


@pytest.mark.parametrize(
    ("citation", "reason"),
    [
        ("x" * (MAX_REFERENCE_CHARS + 1), "characters"),
        ("a " * (MAX_REFERENCE_WORDS + 1), "words"),
        ("Smith J. Ti\ud800tle. 2019.", "surrogate"),
    ],
)
def test_a_string_past_the_limits_or_not_text_is_a_422_naming_it(
    api: TestClient, citation: str, reason: str
) -> None:
    body = '{"citations": ["Smith J. Title. 2020.", ' + _json_string(citation) + "]}"
    response = api.post(
        "/references/parse", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert "citations[1]" in detail and reason in detail


def _json_string(text: str) -> str:
    """JSON string literal that keeps a lone surrogate as a \\u escape (as a client can send)."""
    return '"' + "".join(
        f"\\u{ord(ch):04x}" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text
    ).replace("\\u0022", '\\"') + '"'
