"""Every absolute URL comes from PUBLIC_BASE_URL; the request's Host header is never reflected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import get_settings
from app.db import get_session
from app.main import app
from app.services.loading import LoadResult

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
