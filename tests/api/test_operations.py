"""Operations: one JSON log line per request, Prometheus metrics, request ids, /health no-store."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings, get_settings
from app.main import create_app
from app.observability.logs import configure_logging
from app.services.loading import LoadResult


@pytest.fixture
def json_logs() -> Iterator[None]:
    configure_logging(Settings(log_format="json"))
    yield
    configure_logging(get_settings())


def test_each_request_is_one_json_log_line(
    client: TestClient, seeded: LoadResult, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    client.get(f"/articles/{seeded.article_id}", headers={"X-Request-ID": "abc-123"})
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    assert len(requests) == 1
    entry = requests[0]
    assert entry["request_id"] == "abc-123"
    assert entry["method"] == "GET" and entry["path"] == f"/articles/{seeded.article_id}"
    assert entry["route"] == "/articles/{article_id}" and entry["status"] == 200
    assert entry["duration_ms"] >= 0 and entry["client"] == "testclient"
    assert entry["level"] == "info" and entry["timestamp"].endswith("Z")


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/health", headers={"X-Request-ID": "r-1"}).headers["x-request-id"] == "r-1"
    made = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert len(made.headers["x-request-id"]) == 32


def test_metrics_count_requests_by_route_and_status(
    client: TestClient, seeded: LoadResult
) -> None:
    client.get(f"/articles/{seeded.article_id}")
    client.get("/articles/999999")
    client.get("/no/such/path")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["cache-control"] == "no-store"
    text = response.text
    assert 'http_requests_total{method="GET",route="/articles/{article_id}",status="200"}' in text
    assert 'http_requests_total{method="GET",route="/articles/{article_id}",status="404"}' in text
    assert 'route="unmatched",status="404"' in text
    assert 'http_request_duration_seconds_bucket{le="0.005",method="GET"' in text
    assert "db_pool_checked_out" in text and "references_parsed_total" in text
    assert "_created" not in text  # no creation-timestamp series beside each counter


def test_parse_counts_are_metrics(client: TestClient) -> None:
    def parsed() -> float:
        for line in client.get("/metrics").text.splitlines():
            if line.startswith("references_parsed_total "):
                return float(line.split()[1])
        raise AssertionError("no references_parsed_total")

    before = parsed()
    client.post("/references/parse", json={"citations": ["Smith J. A title. Lancet. 2019;1:2-3."]})
    assert parsed() == before + 1


def test_metrics_can_be_switched_off(settings_env: pytest.MonkeyPatch) -> None:
    settings_env.setenv("METRICS", "false")
    with TestClient(create_app()) as client:
        assert client.get("/metrics").status_code == 404


def test_health_is_never_cached_and_names_the_schema_revision(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok" and body["schema_revision"]


def test_vary_is_sent_once(client: TestClient, seeded: LoadResult) -> None:
    for url in (f"/articles/{seeded.article_id}", f"/articles/{seeded.article_id}/references"):
        for encoding in ("gzip", "identity"):
            response = client.get(
                url, headers={"Accept-Encoding": encoding, "Origin": "https://x.org"}
            )
            assert len(response.headers.get_list("vary")) == 1, response.headers.get_list("vary")
            names = [name.strip().lower() for name in response.headers["vary"].split(",")]
            assert len(names) == len(set(names)), response.headers["vary"]


def test_library_and_error_logs_share_the_json_format(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    capsys.readouterr()
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("app.errors").exception("unhandled error on GET /x")
    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["event"] == "unhandled error on GET /x" and entry["level"] == "error"
    assert "ValueError: boom" in entry["exception"]


def test_an_error_log_shows_the_traceback_but_never_the_frames_locals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    configure_logging(Settings(log_format="text"))
    try:
        capsys.readouterr()
        secret = "Bearer a-client-token"  # noqa: F841 - a local the log must not show

        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("app.errors").exception("unhandled error on GET /x")
        err = capsys.readouterr().err
        assert "ValueError: boom" in err and "test_operations.py" in err
        assert "a-client-token" not in err
    finally:
        configure_logging(get_settings())


def test_head_requests_are_counted_under_their_route(
    client: TestClient, seeded: LoadResult
) -> None:
    client.head(f"/articles/{seeded.article_id}")
    text = client.get("/metrics").text
    assert 'http_requests_total{method="HEAD",route="/articles/{article_id}",status="200"}' in text


def test_a_304_and_a_head_still_vary_on_accept_encoding(
    client: TestClient, seeded: LoadResult
) -> None:
    url = f"/articles/{seeded.article_id}/references"
    first = client.get(url, headers={"Accept-Encoding": "identity"})
    again = client.get(
        url, headers={"Accept-Encoding": "identity", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    head = client.head(url, headers={"Accept-Encoding": "identity"})
    for response in (first, again, head):
        names = [name.strip().lower() for name in response.headers["vary"].split(",")]
        assert names.count("accept-encoding") == 1, response.headers["vary"]
