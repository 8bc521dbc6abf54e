"""Inputs that answered 500 before (issue 10): each is now a 4xx problem or a protocol error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import get_settings
from app.services.loading import LoadResult

CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\ufffe"]


@pytest.mark.parametrize("char", CONTROL[1:])  # NUL is refused before routing, as a 422
@pytest.mark.parametrize(
    "arguments",
    [
        {"verb": "GetRecord", "identifier": "oai:x:article/1{c}", "metadataPrefix": "oai_dc"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020{c}"},
        {"verb": "Identify", "odd{c}name": "1"},
        {"verb": "ListSets", "resumptionToken": "{c}"},
    ],
)
def test_oai_arguments_with_control_characters_are_a_bad_argument_by_get_and_post(
    client: TestClient, char: str, arguments: dict[str, str]
) -> None:
    items = {k.format(c=char): v.format(c=char) for k, v in arguments.items()}
    for response in (client.get("/oai", params=items), client.post("/oai", data=items)):
        assert response.status_code == 200
        assert '<error code="badArgument">' in response.text


def test_a_nul_in_an_oai_argument_is_a_documented_422(client: TestClient) -> None:
    response = client.get("/oai?verb=Identify&from=%00")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    documented = client.get("/openapi.json").json()["paths"]["/oai"]
    assert "422" in documented["get"]["responses"] and "422" in documented["post"]["responses"]


@pytest.mark.parametrize("name", ["style", "locale"])
def test_an_overlong_accept_parameter_is_a_406_problem(
    client: TestClient, seeded: LoadResult, name: str
) -> None:
    accept = f"text/x-bibliography; {name}={'a' * 300}"
    for path in (f"/articles/{seeded.article_id}", f"/articles/{seeded.article_id}/references"):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 406, path
        assert response.headers["content-type"] == "application/problem+json"


def test_an_export_longer_than_the_limit_is_refused_and_json_pages_still_work(
    client: TestClient, seeded: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "export_max_items", 2)
    path = f"/articles/{seeded.article_id}/references"
    for fmt in ("bibtex", "citation", "ris", "csl-json"):
        response = client.get(path, params={"format": fmt})
        assert response.status_code == 422, fmt
        assert "at most 2" in response.json()["detail"]
    assert client.get(path, params={"limit": 2}).status_code == 200


def test_every_operation_documents_the_limits_it_can_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for item in paths.values():
        for method, operation in item.items():
            if method in {"get", "post", "put", "delete"}:
                assert "503" in operation["responses"], method
                if "requestBody" in operation:
                    assert "413" in operation["responses"], method


def test_a_405_allows_every_method_of_the_resource(client: TestClient) -> None:
    response = client.request("PATCH", "/articles/1")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    documented = client.get("/openapi.json").json()["paths"]["/articles/{article_id}"]
    assert {m.upper() for m in documented} <= allowed
