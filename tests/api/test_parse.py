"""POST /references/parse: strings in, CSL-JSON items out, in the same order; bad input named."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.ingest.references import parse_reference
from app.main import app


@pytest.fixture(scope="module")
def api() -> TestClient:
    """No database: parsing is pure."""
    return TestClient(app, raise_server_exceptions=False)


def test_items_come_back_in_order_as_csl_json(
    api: TestClient, seed_expected: dict[str, Any]
) -> None:
    raws = [ref["raw"] for ref in seed_expected["references"]]
    response = api.post("/references/parse", json={"citations": raws})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items == [parse_reference(raw) for raw in raws]
    assert [item.get("DOI") for item in items] == [
        ref["gold"]["doi"] for ref in seed_expected["references"]
    ]


def test_an_empty_list_gives_an_empty_list(api: TestClient) -> None:
    assert api.post("/references/parse", json={"citations": []}).json() == {"items": []}


def test_more_than_a_thousand_strings_is_a_413_problem(api: TestClient) -> None:
    response = api.post("/references/parse", json={"citations": ["Smith J. Title. 2020."] * 1001})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "1000" in response.json()["detail"]


@pytest.mark.parametrize(("bad", "reason"), [("  ", "empty"), (42, "string"), (None, "string")])
def test_an_empty_or_non_string_item_is_a_422_naming_its_index(
    api: TestClient, bad: Any, reason: str
) -> None:
    response = api.post("/references/parse", json={"citations": ["Smith J. Title. 2020.", bad]})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert "citations[1]" in body["detail"] and reason in body["detail"]


@pytest.mark.parametrize("body", [{}, {"citations": "one string"}, [1, 2], "text"])
def test_a_malformed_body_is_a_422_problem(api: TestClient, body: Any) -> None:
    response = api.post("/references/parse", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_a_body_that_is_not_json_is_a_400_problem(api: TestClient) -> None:
    response = api.post(
        "/references/parse",
        content=b"\xff\xfe not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_the_limit_is_a_setting(settings_env: pytest.MonkeyPatch, api: TestClient) -> None:
    settings_env.setenv("PARSE_MAX_CITATIONS", "2000")
    response = api.post("/references/parse", json={"citations": ["Smith J. Title. 2020."] * 1500})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1500


def test_a_string_that_once_crashed_name_splitting_does_not_fail_its_batch(api: TestClient) -> None:
    raws = ["Smith, J., &. Brown, L. (2019). A title. Journal, 3(2), 1-5.", "&.", "Lee, K., ... &"]
    response = api.post("/references/parse", json={"citations": raws})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 3
