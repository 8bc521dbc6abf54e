"""An unknown query parameter is a 400 problem naming it, on every route, from the route's own
declaration: nothing to register when a route gains a parameter."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.api.query_parameters import declared_query_parameters
from app.main import app
from app.services.loading import LoadResult

UNKNOWN = "definitely_not_a_parameter"


def _get_routes() -> list[APIRoute]:
    return [r for r in app.routes if isinstance(r, APIRoute) and "GET" in r.methods]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize("route", _get_routes(), ids=lambda r: r.path)
def test_every_get_route_refuses_an_unknown_parameter_by_name(
    route: APIRoute, client: TestClient, seeded: LoadResult
) -> None:
    response = client.get(_concrete(route.path), params={UNKNOWN: "1"})
    if declared_query_parameters(route) is None:
        assert response.status_code != 400  # checks its own arguments (OAI-PMH: badArgument)
        return
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert UNKNOWN in problem["detail"]
    assert problem["errors"] == [
        {"name": f"query parameter '{UNKNOWN}'", "reason": "not a parameter of this resource"}
    ]


def test_a_misspelled_filter_is_named_with_what_the_route_accepts(client: TestClient) -> None:
    response = client.get("/articles", params={"yaer": "2021", "limit": "1"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "'yaer'" in detail and "year" in detail and "cursor" in detail


def test_parameters_of_dependencies_count_as_declared(
    client: TestClient, seeded: LoadResult
) -> None:
    # limit/cursor come from the paging dependency, format/style from the export dependency.
    assert client.get("/articles", params={"limit": "1", "sort": "id"}).status_code == 200
    url = f"/articles/{seeded.article_id}"
    assert client.get(url, params={"format": "citation", "style": "apa"}).status_code == 200


def test_oai_pmh_answers_illegal_arguments_in_its_own_protocol(client: TestClient) -> None:
    response = client.get("/oai", params={"verb": "Identify", UNKNOWN: "1"})
    assert response.status_code == 200
    assert 'code="badArgument"' in response.text
