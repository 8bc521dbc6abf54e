"""Signposting over HTTP: the same Link header on the article's JSON and page, and the linkset
resource in both RFC 9264 serialisations, with absolute URLs from PUBLIC_BASE_URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import StatementCounter
from tests.exporters.test_signposting import by_rel, parse_links

BASE = "https://journal.example.org"


@pytest.fixture
def public_base(settings_env: pytest.MonkeyPatch) -> Iterator[str]:
    settings_env.setenv("PUBLIC_BASE_URL", BASE)
    yield BASE


def test_article_json_and_page_carry_the_same_signposts(
    corpus_client: TestClient, public_base: str
) -> None:
    as_json = corpus_client.get("/articles/1")
    as_html = corpus_client.get("/articles/1", headers={"Accept": "text/html"})
    assert as_json.headers["link"] == as_html.headers["link"]
    links = parse_links(as_json.headers["link"])
    assert by_rel(links, "cite-as") == [{"href": "https://doi.org/10.5555/gen.0", "rel": "cite-as"}]
    assert all(link["href"].startswith(BASE) for link in by_rel(links, "describedby"))
    assert f"{BASE}/articles/1?format=crossref" in {
        link["href"] for link in by_rel(links, "describedby")
    }


def test_linkset_json_and_text(
    corpus_client: TestClient, public_base: str, corpus_statements: StatementCounter
) -> None:
    as_json = corpus_client.get("/articles/1/linkset")
    assert as_json.headers["content-type"] == "application/linkset+json"
    assert as_json.json()["linkset"][0]["anchor"] == f"{BASE}/articles/1"
    assert corpus_statements.count <= 3
    as_text = corpus_client.get("/articles/1/linkset", headers={"Accept": "application/linkset"})
    assert as_text.headers["content-type"].startswith("application/linkset")
    assert "+json" not in as_text.headers["content-type"]
    assert all(link["anchor"] for link in parse_links(as_text.text))


def test_linkset_of_unknown_article_is_a_404_problem(corpus_client: TestClient) -> None:
    response = corpus_client.get("/articles/99999/linkset")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
