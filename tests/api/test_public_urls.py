"""Every absolute URL comes from PUBLIC_BASE_URL; the request's Host header is never reflected."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser
from sqlmodel import Session

from app.config import get_settings
from app.db import get_session
from app.main import app
from app.services.loading import LoadResult
from app.services.tokens import create_token

PUBLIC = "https://api.example.org/journal-api"
FORGED = {"Host": "attacker.example"}


@pytest.fixture
def public_client(session: Session, settings_env: pytest.MonkeyPatch) -> Iterator[TestClient]:
    settings_env.setenv("PUBLIC_BASE_URL", PUBLIC + "/")
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.dependency_overrides.clear()


def test_link_header_uses_the_public_base_url_not_the_host(
    public_client: TestClient, seeded: LoadResult
) -> None:
    response = public_client.get(
        f"/articles/{seeded.article_id}/references", params={"limit": 2}, headers=FORGED
    )
    link = response.headers["link"]
    assert link.startswith(f"<{PUBLIC}/articles/{seeded.article_id}/references?")
    assert "attacker" not in link and "limit=2" in link and "cursor=" in link


def test_oai_base_url_and_identifiers_use_the_public_base_url(
    public_client: TestClient, seeded: LoadResult
) -> None:
    identify = public_client.get("/oai", params={"verb": "Identify"}, headers=FORGED).text
    assert f"<baseURL>{PUBLIC}/oai</baseURL>" in identify
    records = public_client.get(
        "/oai", params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, headers=FORGED
    ).text
    assert f"oai:api.example.org:article/{seeded.article_id}" in records
    assert "attacker" not in identify + records


def test_an_identifier_under_another_host_is_not_ours(
    public_client: TestClient, seeded: LoadResult
) -> None:
    response = public_client.get(
        "/oai",
        params={
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": f"oai:attacker.example:article/{seeded.article_id}",
        },
        headers=FORGED,
    )
    assert 'code="idDoesNotExist"' in response.text


def test_default_is_where_serve_listens(settings_env: pytest.MonkeyPatch) -> None:
    settings_env.delenv("PUBLIC_BASE_URL", raising=False)
    settings_env.setenv("HOST", "0.0.0.0")
    settings_env.setenv("PORT", "8080")
    assert get_settings().public_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize("bad", ["ftp://example.org", "example.org", "https://x.org/?a=1"])
def test_a_public_base_url_that_is_not_an_http_base_is_refused(
    settings_env: pytest.MonkeyPatch, bad: str
) -> None:
    from app.config import ConfigError

    settings_env.setenv("PUBLIC_BASE_URL", bad)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        get_settings()


def test_signposting_links_and_sitemap_use_the_public_base_url(
    public_client: TestClient, seeded: LoadResult
) -> None:
    article = public_client.get(f"/articles/{seeded.article_id}", headers=FORGED)
    assert f"{PUBLIC}/articles/{seeded.article_id}" in article.headers["link"]
    sitemap = public_client.get("/sitemap.xml", headers=FORGED)
    assert sitemap.status_code == 200
    assert f"<loc>{PUBLIC}/" in sitemap.text
    assert "attacker" not in article.headers["link"] + sitemap.text


# ------------------------------------------------ every URL the service emits, audited at once

OURS_ELSEWHERE = {"attacker.example", "testserver", "127.0.0.1", "localhost"}


def assert_public(urls: list[str]) -> None:
    """Each URL of ours starts at PUBLIC_BASE_URL: absolute under it, or site-relative under its
    path (a proxy's prefix); other hosts' URLs (DOIs, ORCID iDs, licences) are left alone."""
    prefix = urlsplit(PUBLIC).path
    assert urls
    for url in urls:
        parts = urlsplit(url)
        if not parts.scheme:
            if url.startswith(("#", "?")) or not url.startswith("/"):
                continue  # same page, or relative to it
            assert url == prefix or url.startswith(prefix + "/"), url
            continue
        assert parts.hostname not in OURS_ELSEWHERE, url
        if parts.hostname == urlsplit(PUBLIC).hostname:
            assert url.startswith(PUBLIC + "/"), url


def link_targets(response: httpx.Response) -> list[str]:
    return [
        target
        for value in response.headers.get_list("link")
        for target in re.findall(r"<([^>]*)>", value)
    ]


def page_urls(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"].startswith("text/html"), response.text[:200]
    tree = LexborHTMLParser(response.text)
    return [
        node.attributes[name] or ""
        for name, selector in (("href", "[href]"), ("src", "[src]"), ("action", "[action]"))
        for node in tree.css(selector)
    ]


def test_write_answers_locate_the_article_under_the_public_base_url(
    public_client: TestClient, session: Session
) -> None:
    _row, token = create_token(session, name="audit", scopes=["write"])
    session.commit()
    write = {"Authorization": f"Bearer {token}", **FORGED}
    article = {"source_url": "https://j.example/article/view/1", "title": {"en": "Located"},
               "journal": {"title": {"en": "Journal of Locations"}}}
    created = public_client.post("/articles", json=article, headers=write)
    assert created.status_code == 201, created.text
    url = f"{PUBLIC}/articles/{created.json()['id']}"
    assert created.headers["location"] == created.headers["content-location"] == url
    updated = public_client.put(
        f"/articles/{created.json()['id']}",
        json={**article, "title": {"en": "Located again"}},
        headers={**write, "If-Match": created.headers["etag"]},
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["content-location"] == url and "location" not in updated.headers


def test_links_headers_redirects_and_pages_start_at_the_public_base_url(
    public_client: TestClient, seeded: LoadResult
) -> None:
    article = f"/articles/{seeded.article_id}"
    browser = {"Accept": "text/html", **FORGED}
    home = public_client.get("/", headers=browser, follow_redirects=False)
    assert home.status_code == 302
    assert_public([home.headers["location"]])
    journal = home.headers["location"].removeprefix(PUBLIC)
    emitted: list[str] = []
    listings = ("/articles?limit=1", "/changes?limit=1", f"{article}/references?limit=1")
    for path in (article, f"{article}/linkset", *listings):
        emitted += link_targets(public_client.get(path, headers=FORGED))
    issue = f"/issues/{public_client.get(article).json()['issue']['id']}"
    for path in (article, journal, f"{journal}/issues", "/search?q=the", issue):
        response = public_client.get(path, headers=browser)
        emitted += page_urls(response) + link_targets(response)
    assert any(url.startswith(PUBLIC) for url in emitted)
    assert any(url.startswith("/journal-api/") for url in emitted)
    assert_public(emitted)
