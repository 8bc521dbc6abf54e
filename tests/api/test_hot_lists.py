"""The stored list routes answer exactly as the API routes do (body and headers, page after page,
on SQLite and PostgreSQL), in one statement whatever the page size, never from stale rows; every
request of another shape reaches the API route and gets its answer (errors included)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col

from app.api.hot_lists import StoredListRoute
from app.ingest.ojs_page import parse_page
from app.main import app
from app.models import Article, ArticleDocument, Reference
from app.services.loading import LoadResult, store_record
from app.services.stored_pages import StoredPage, article_page, reference_page
from tests.conftest import StatementCounter

VOLATILE = {"x-request-id", "date"}


def _stored_routes() -> list[StoredListRoute]:
    return [route for route in app.router.routes if isinstance(route, StoredListRoute)]


def handled(url: str) -> bool:
    """Whether a stored list route takes this request (before reading anything)."""
    parts = urlsplit(url)
    scope = {
        "type": "http",
        "method": "GET",
        "path": parts.path,
        "query_string": parts.query.encode(),
        "headers": [],
    }
    return any(route.matches(scope)[0].name == "FULL" for route in _stored_routes())


@contextmanager
def api_routes_only() -> Iterator[None]:
    """The app without its stored list routes: every list request reaches the API route."""
    routes = list(app.router.routes)
    app.router.routes[:] = [route for route in routes if not isinstance(route, StoredListRoute)]
    try:
        yield
    finally:
        app.router.routes[:] = routes


def answer(client: TestClient, url: str, headers: dict[str, str]) -> tuple[Any, ...]:
    response = client.get(url, headers=headers)
    kept = [(k, v) for k, v in response.headers.multi_items() if k not in VOLATILE]
    return response.status_code, response.content, kept


def both(client: TestClient, url: str, headers: dict[str, str] | None = None) -> tuple[Any, Any]:
    """The answer of the app as it is, and of its API route alone, to the same request."""
    hot = answer(client, url, headers or {})
    with api_routes_only():
        api = answer(client, url, headers or {})
    return hot, api


SHAPES = [
    "/articles",
    "/articles?limit=100",
    "/articles?limit=1000",
    "/articles?limit=1",
    "/articles?journal=1&limit=7",
    "/articles?year=2016&journal=2",
    "/articles?issue=3&limit=2",
    "/articles?journal=1&issue=1&year=2015",
    "/articles?year=2999",
    "/articles?limit=5&cursor=",
    "/references",
    "/references?limit=1000",
    "/references?q=placenta&limit=20",
    "/references?q=Placenta%20CITED",
    "/references?q=%D0%BF%D0%BB%D0%B0%D1%86%D0%B5%D0%BD%D1%82%D0%B0",
    "/references?q=zzzz",
    "/references?limit=3&q=study",
    "/references?doi=10.5555/cited.3&limit=4",
    "/references?doi=https%3A%2F%2Fdoi.org%2F10.5555%2FCITED.3",
    "/references?doi=10.5555/cited.3&q=placenta",
]


@pytest.mark.parametrize("url", SHAPES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Accept-Language": "ru, en;q=0.5"},
        {"Accept-Language": "az-Latn-AZ", "Accept-Encoding": "gzip"},
        {"Origin": "https://front.example", "Accept": "text/html"},
    ],
)
def test_the_stored_route_answers_as_the_api_route(
    corpus_client: TestClient, url: str, headers: dict[str, str]
) -> None:
    assert handled(url)
    hot, api = both(corpus_client, url, headers)
    assert hot == api
    assert hot[0] == 200


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/articles", 37),
        ("/articles?year=2016", 3),
        ("/references?q=placenta", 9),
        ("/references?doi=10.5555/cited.3", 4),
        ("/references", 100),
    ],
)
def test_every_page_of_a_walk_is_the_api_routes(
    corpus_client: TestClient, url: str, limit: int
) -> None:
    joiner = "&" if "?" in url else "?"
    page = f"{url}{joiner}limit={limit}"
    pages = 0
    while page:
        assert handled(page)
        hot, api = both(corpus_client, page)
        assert hot == api
        pages += 1
        links = [v for k, v in hot[2] if k == "link"]
        # The next page is the one the Link header names, as a client follows it.
        page = links[0].split(">")[0].split("://", 1)[1].split("/", 1)[1] if links else ""
        page = "/" + page if page else ""
    assert pages > 1


def test_a_head_and_a_revalidation_are_the_api_routes(corpus_client: TestClient) -> None:
    url = "/articles?limit=5"
    first = corpus_client.get(url)
    etag = first.headers["etag"]
    head = corpus_client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    again = corpus_client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["link"] == first.headers["link"]


def _cursor_of(client: TestClient, url: str) -> str:
    cursor = client.get(url).json()["next_cursor"]
    assert cursor
    return str(cursor)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/articles?limit=0100", 200),
        ("/articles?limit=1001", 422),
        ("/articles?limit=0", 422),
        ("/articles?limit=%2B5", 200),
        ("/articles?limit=5&limit=6", 200),
        ("/articles?journal=01", 200),
        ("/articles?journal=0", 422),
        ("/articles?year=999", 422),
        ("/articles?year=3000", 422),
        ("/articles?sort=id", 200),
        ("/articles?order=desc", 200),
        ("/articles?count=true", 200),
        ("/articles?q=placenta", 200),
        ("/articles?colour=red", 400),
        ("/articles?cursor=bogus", 400),
        ("/articles?cursor=abc.def", 400),
        ("/references?q=%20...%20", 422),
        ("/references?q=", 422),
        ("/references?doi=not-a-doi", 422),
        ("/references?article=1", 200),
        ("/references?q=placenta&facets=year", 200),
        ("/references?colour=red", 400),
    ],
)
def test_other_requests_get_the_api_routes_answer(
    corpus_client: TestClient, url: str, status: int
) -> None:
    assert not handled(url)
    hot, api = both(corpus_client, url)
    assert hot == api
    assert hot[0] == status
    if status >= 400:
        assert dict(hot[2])["content-type"] == "application/problem+json"


def test_a_cursor_of_another_listing_is_the_api_routes_400(corpus_client: TestClient) -> None:
    cursor = _cursor_of(corpus_client, "/articles?limit=2")
    assert handled(f"/articles?limit=2&cursor={cursor}")
    for url in (
        f"/articles?journal=1&cursor={cursor}",
        f"/references?cursor={cursor}",
        f"/articles?sort=title&cursor={cursor}",
    ):
        assert not handled(url)
        hot, api = both(corpus_client, url)
        assert hot == api and hot[0] == 400, url


@pytest.mark.parametrize(
    "url",
    [
        "/articles",
        "/articles?journal=2&year=2016",
        "/references",
        "/references?q=placenta",
        "/references?q=placenta%20cited",
        "/references?doi=10.5555/cited.3",
    ],
)
def test_one_statement_whatever_the_page_size(
    corpus_client: TestClient, corpus_statements: StatementCounter, url: str
) -> None:
    joiner = "&" if "?" in url else "?"
    for limit in (1, 1000):
        corpus_statements.statements.clear()
        page = f"{url}{joiner}limit={limit}"
        assert handled(page)
        assert corpus_client.get(page).status_code == 200
        assert corpus_statements.count == 1, corpus_statements.statements
    cursor = _cursor_of(corpus_client, f"{url}{joiner}limit=1")
    corpus_statements.statements.clear()
    assert corpus_client.get(f"{url}{joiner}limit=1&cursor={cursor}").status_code == 200
    assert corpus_statements.count == 1, corpus_statements.statements


LISTS = [
    "/articles",
    "/articles?limit=2",
    "/references?limit=5",
    "/references?q=lymphocyte",
    "/references?doi=10.1186/s12958-017-0315-9",
]


def test_rows_without_stored_json_get_the_same_answer(
    client: TestClient, seeded: LoadResult, session: Session
) -> None:
    before = [client.get(url).content for url in LISTS]
    assert all(handled(url) for url in LISTS)
    session.execute(delete(ArticleDocument))
    session.execute(update(Reference).values(document=None))
    session.commit()
    after = [client.get(url).content for url in LISTS]
    assert after == before


def test_a_load_update_and_delete_are_visible_in_the_next_list(
    client: TestClient,
    seeded: LoadResult,
    session: Session,
    seed_page: str,
    seed_expected: dict[str, Any],
) -> None:
    journal = client.get(f"/articles/{seeded.article_id}").json()["journal"]["id"]
    listed = client.get(f"/articles?journal={journal}").json()["items"]
    assert [item["id"] for item in listed] == [seeded.article_id]
    record = parse_page(seed_page, source_url=seed_expected["source"]["url"])
    changed = dataclasses.replace(
        record,
        titles={"ru": "Обновлённое название"},
        references=["Zyxwvut Q. A reference no other has. doi:10.9999/new.1", *record.references],
    )
    store_record(session, changed)
    session.commit()
    listed = client.get("/articles").json()
    assert listed["items"][0]["title"] == {"ru": "Обновлённое название"}
    assert handled("/references?q=zyxwvut")
    found = client.get("/references?q=zyxwvut").json()["items"]
    assert [item["raw"] for item in found] == [changed.references[0]]
    assert client.get("/references?doi=10.9999/new.1").json()["items"][0]["position"] == 1
    # The page's first reference moved down one place: its stored JSON says so.
    assert client.get("/references?q=lymphocyte").json()["items"][0]["position"] == 2
    session.execute(delete(Article).where(col(Article.id) == seeded.article_id))
    session.commit()
    for url in ("/articles", "/references?q=zyxwvut", "/references?doi=10.9999/new.1"):
        assert client.get(url).json()["items"] == [], url


@pytest.mark.parametrize(
    "read",
    [
        lambda source: article_page(source, {}, 5, 3),
        lambda source: article_page(source, {"journal": 1, "year": 2016}, 2, None),
        lambda source: reference_page(source, words=["placenta"], doi=None, limit=4, after=9),
        lambda source: reference_page(source, words=["on", "cited"], doi=None, limit=3, after=None),
        lambda source: reference_page(source, words=None, doi="10.5555/cited.3", limit=2, after=1),
    ],
)
def test_a_page_is_the_same_on_the_engine_and_in_a_session(
    corpus_engine: Engine, read: Any
) -> None:
    """The serving path reads on the engine's pooled connections (the API tests, in a session)."""
    with Session(corpus_engine) as session:
        raw: StoredPage | None = read(corpus_engine)
        joined: StoredPage | None = read(session)
    assert raw is not None and raw.items and raw.next_key
    assert raw == joined
