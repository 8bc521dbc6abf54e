"""GET /styles and /locales list what `style=` and `locale=` accept; a 406 names them too."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.services.loading import LoadResult


def test_styles_page_through_in_id_order(client: TestClient) -> None:
    first = client.get("/styles", params={"q": "vancouver", "limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert [s["id"] for s in body["items"]] == sorted(s["id"] for s in body["items"])
    assert 'rel="next"' in first.headers["link"]
    second = client.get(
        "/styles", params={"q": "vancouver", "limit": 2, "cursor": body["next_cursor"]}
    ).json()
    assert second["items"][0]["id"] > body["items"][-1]["id"]
    assert all("vancouver" in (s["id"] + s["title"].lower()) for s in second["items"])


def test_styles_filter_by_citation_format(client: TestClient) -> None:
    items = client.get(
        "/styles", params={"q": "gost", "citation_format": "numeric", "limit": 50}
    ).json()["items"]
    assert items and all(s["format"] == "numeric" for s in items)
    assert "gost-r-7-0-5-2008-numeric" in {s["id"] for s in items}


def test_locales_list_azerbaijani(client: TestClient) -> None:
    items = client.get("/locales").json()["items"]
    by_id = {item["id"]: item for item in items}
    assert by_id["az-AZ"] == {
        "id": "az-AZ", "language": "az", "name": "Azərbaycanca", "english_name": "Azerbaijani"
    }
    assert {"en-US", "ru-RU"} <= set(by_id)


def test_unknown_style_is_a_406_naming_styles(client: TestClient, seeded: LoadResult) -> None:
    response = client.get(
        f"/articles/{seeded.article_id}", params={"format": "citation", "style": "apa7th"}
    )
    assert response.status_code == 406
    problem = response.json()
    assert problem["styles"] == "/styles"
    assert "apa" in problem["featured_styles"]


def test_unknown_locale_is_a_406_listing_locales(client: TestClient, seeded: LoadResult) -> None:
    response = client.get(
        f"/articles/{seeded.article_id}",
        headers={"Accept": "text/x-bibliography; style=apa; locale=zz-ZZ"},
    )
    assert response.status_code == 406
    assert "az-AZ" in response.json()["available_locales"]


def test_citation_in_azerbaijani_locale(client: TestClient, seeded: LoadResult) -> None:
    response = client.get(
        f"/articles/{seeded.article_id}",
        params={"format": "citation", "style": "gost", "locale": "az-AZ"},
    )
    assert response.status_code == 200
    assert "locale=az-AZ" in response.headers["content-type"]
    assert "C. 8. № 2." in response.text
