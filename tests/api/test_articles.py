"""GET /articles, /articles/{id} and /articles/{id}/references: the seed's facts over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.services.loading import LoadResult

PROBLEM = "application/problem+json"


def test_article_detail_shows_the_seed_facts(
    client: TestClient, seeded: LoadResult, seed_expected: dict[str, Any], count_statements: Any
) -> None:
    response = client.get(f"/articles/{seeded.article_id}")
    assert response.status_code == 200
    body = response.json()
    expected = seed_expected["article"]
    assert body["title"] == expected["title"]
    assert body["abstract"] == expected["abstract"]
    assert body["keywords"] == expected["keywords"]
    assert list(body["keywords"]) == ["en", "az", "ru"]
    assert [(g["label"], g["locale"]) for g in body["galleys"]] == [
        (g["label"], g["locale"]) for g in expected["galleys"]
    ]
    assert body["authors"] == []
    assert body["reference_count"] == len(seed_expected["references"])
    assert body["journal"]["title"] == seed_expected["journal"]["title"]
    assert body["journal"]["issn_print"] == seed_expected["journal"]["issn_print"]
    issue = seed_expected["issue"]
    assert (body["issue"]["volume"], body["issue"]["number"], body["issue"]["year"]) == (
        issue["volume"],
        issue["number"],
        issue["year"],
    )
    assert body["source_url"] == seed_expected["source"]["url"]
    assert count_statements.count <= 3, count_statements.statements


def test_references_are_listed_in_printed_order_with_raw_text(
    client: TestClient, seeded: LoadResult, seed_expected: dict[str, Any], count_statements: Any
) -> None:
    response = client.get(f"/articles/{seeded.article_id}/references", params={"limit": 100})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["raw"] for i in items] == [r["raw"] for r in seed_expected["references"]]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    assert all(isinstance(i["csl"], dict) for i in items)
    assert count_statements.count <= 3


def test_reference_list_pages_with_a_cursor(client: TestClient, seeded: LoadResult) -> None:
    url = f"/articles/{seeded.article_id}/references"
    seen: list[int] = []
    response = client.get(url, params={"limit": 5})
    while True:
        assert response.status_code == 200
        body = response.json()
        seen += [item["position"] for item in body["items"]]
        if body["next_cursor"] is None:
            assert "link" not in response.headers
            break
        assert 'rel="next"' in response.headers["link"]
        response = client.get(url, params={"limit": 5, "cursor": body["next_cursor"]})
    assert seen == list(range(1, 19))


def test_article_list_finds_the_seed(client: TestClient, seeded: LoadResult) -> None:
    body = client.get("/articles").json()
    assert [item["id"] for item in body["items"]] == [seeded.article_id]
    assert body["next_cursor"] is None


def test_unknown_article_is_a_404_problem(client: TestClient) -> None:
    for path in ("/articles/999999", "/articles/999999/references"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["status"] == 404 and "999999" in body["detail"]


def test_malformed_article_id_is_a_422_problem_naming_the_parameter(client: TestClient) -> None:
    response = client.get("/articles/abc")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert "article_id" in response.json()["detail"]


def test_bad_limit_is_a_422_problem(client: TestClient) -> None:
    response = client.get("/articles", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["errors"][0]["name"] == "query parameter 'limit'"


def test_tampered_cursor_is_a_400_problem(client: TestClient, seeded: LoadResult) -> None:
    url = f"/articles/{seeded.article_id}/references"
    cursor = client.get(url, params={"limit": 5}).json()["next_cursor"]
    for bad in (cursor[:-2] + "xx", "garbage", cursor.replace(".", "")):
        response = client.get(url, params={"limit": 5, "cursor": bad})
        assert response.status_code == 400, bad
        assert response.headers["content-type"] == PROBLEM


def test_cursor_from_another_listing_is_refused(client: TestClient, seeded: LoadResult) -> None:
    cursor = client.get(f"/articles/{seeded.article_id}/references", params={"limit": 5}).json()[
        "next_cursor"
    ]
    assert client.get("/articles", params={"cursor": cursor}).status_code == 400


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert client.get("/nowhere").headers["content-type"] == PROBLEM
    response = client.delete("/articles")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM


def test_health_reports_the_database(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


def test_docs_page_serves_swagger_ui_5_from_the_package(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "cdn" not in page.lower()
    assets = [part.split('"')[0] for part in page.split('src="')[1:]]
    assert assets, page
    for asset in assets:
        assert client.get(asset).status_code == 200
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_nul_characters_in_the_url_are_a_422_problem(
    client: TestClient, seeded: LoadResult
) -> None:
    for url in ("/articles?q=a%00b", "/articles/doi/10.1000/%00x", "/references?container=%00"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.headers["content-type"] == PROBLEM
