"""Every GET has a strong ETag, answers 304 when unchanged, supports HEAD, gzip and CORS."""

from __future__ import annotations

import gzip

from fastapi.testclient import TestClient

from app.services.loading import LoadResult


def test_get_has_a_strong_etag_and_cache_control(client: TestClient, seeded: LoadResult) -> None:
    response = client.get(f"/articles/{seeded.article_id}")
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "max-age=" in response.headers["cache-control"]
    again = client.get(f"/articles/{seeded.article_id}")
    assert again.headers["etag"] == etag


def test_matching_if_none_match_is_a_304_without_body(
    client: TestClient, seeded: LoadResult
) -> None:
    url = f"/articles/{seeded.article_id}"
    etag = client.get(url).headers["etag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_answers_headers_only(client: TestClient, seeded: LoadResult) -> None:
    url = f"/articles/{seeded.article_id}"
    get = client.get(url, headers={"Accept-Encoding": "identity"})
    head = client.head(url, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))


def test_large_bodies_are_gzipped_with_their_own_etag(
    client: TestClient, seeded: LoadResult
) -> None:
    url = f"/articles/{seeded.article_id}/references"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert "accept-encoding" in zipped.headers["vary"].lower()
    # Either representation's tag validates the resource.
    response = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]}
    )
    assert response.status_code == 304
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content


def test_any_origin_may_read_and_sees_link_and_etag(client: TestClient, seeded: LoadResult) -> None:
    response = client.get("/articles", headers={"Origin": "https://journal.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "link" in exposed and "etag" in exposed
    preflight = client.options(
        "/articles",
        headers={"Origin": "https://journal.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200


def test_errors_are_not_cached_as_successes(client: TestClient) -> None:
    response = client.get("/articles/424242")
    assert response.status_code == 404
    assert "etag" not in response.headers
