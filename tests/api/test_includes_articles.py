"""include= and fields= on articles: an article page in one request (references and "how to
cite" in the styles asked for), and list items complete enough for a table of contents, from the
stored documents with one more statement per page whatever its size."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.api.includes import MAX_CITED_ITEMS
from tests.conftest import StatementCounter

TOC_FIELDS = "id,title,authors,pages,doi,galleys"


def test_article_page_in_one_request(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    response = corpus_client.get(
        "/articles/4", params={"include": "references,citation:apa,citation:gost"}
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["references"]) == body["reference_count"] == 3
    assert [r["position"] for r in body["references"]] == [1, 2, 3]
    assert set(body["citations"]) == {"apa", "gost"}
    assert "Vol. 8. No. 4." in body["citations"]["gost"]  # an English article: English terms
    assert body["authors"] and body["keywords"]
    assert corpus_statements.count <= 1, corpus_statements.statements


def test_fields_keep_included_parts(corpus_client: TestClient) -> None:
    body = corpus_client.get(
        "/articles/4", params={"include": "citation:vancouver", "fields": "id,title"}
    ).json()
    assert set(body) == {"id", "title", "citations"}


def test_table_of_contents_in_one_request_with_bounded_statements(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    counts = []
    for limit in (1, 1000):
        before = corpus_statements.count
        response = corpus_client.get(
            "/articles", params={"journal": 1, "fields": TOC_FIELDS, "limit": limit}
        )
        counts.append(corpus_statements.count - before)
        items = response.json()["items"]
        assert all(list(item) == TOC_FIELDS.split(",") for item in items)
    assert len(items) == 120
    assert any(item["authors"] for item in items) and any(item["doi"] for item in items)
    assert counts[0] == counts[1] <= 2, corpus_statements.statements


def test_list_items_gain_included_parts(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    items = corpus_client.get(
        "/articles", params={"include": "authors,keywords,references,citation:apa", "limit": 8}
    ).json()["items"]
    assert all(
        {"id", "title", "authors", "keywords", "references", "citations"} <= set(i) for i in items
    )
    assert [len(i["references"]) for i in items] == [n % 4 for n in range(8)]
    assert all(i["citations"]["apa"] for i in items)
    assert corpus_statements.count <= 2


def test_cursor_pages_keep_the_includes(corpus_client: TestClient) -> None:
    first = corpus_client.get("/articles", params={"limit": 2, "include": "authors"}).json()
    second = corpus_client.get(
        "/articles", params={"limit": 2, "include": "authors", "cursor": first["next_cursor"]}
    ).json()
    assert [i["id"] for i in second["items"]] == [3, 4]
    assert all("authors" in i for i in second["items"])


def test_bad_include_fields_or_limit_are_422(corpus_client: TestClient) -> None:
    assert corpus_client.get("/articles", params={"include": "galleys"}).status_code == 422
    assert corpus_client.get("/articles/1", params={"include": "citation:x"}).status_code == 422
    assert corpus_client.get("/articles", params={"fields": "id,colour"}).status_code == 422


def test_a_page_with_citations_holds_at_most_the_cited_limit(corpus_client: TestClient) -> None:
    page = corpus_client.get("/articles", params={"include": "citation:apa", "limit": 500})
    assert page.status_code == 200
    assert len(page.json()["items"]) == MAX_CITED_ITEMS
    assert f"limit={MAX_CITED_ITEMS}&" in page.headers["link"]
