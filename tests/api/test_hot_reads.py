"""The hot article route answers exactly as the API route does, for the requests it takes, and
leaves every other request to it; stored read headers (language, Link) equal the live ones."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.api.routes.site import article_signposts
from app.db import PreparedRead
from app.exporters.signposting import (
    article_links,
    filled_link_header,
    link_header,
    link_template,
)
from app.main import app
from app.models import ArticleDocument
from app.services import articles as article_service
from app.services.documents import stored_article
from app.services.loading import LoadResult
from tests.conftest import StatementCounter

VOLATILE = {"x-request-id", "date"}


def _headers(response: Any) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in VOLATILE}


def _hot_route_handles(path: str, query: bytes, headers: dict[str, str]) -> bool:
    route = app.router.routes[0]
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    return route.matches(scope)[0].name == "FULL"


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {}),
        ("include=references", {}),
        ("", {"Accept": "application/json"}),
        ("", {"Accept": "*/*"}),
        ("", {"Accept-Language": "ru, en;q=0.5"}),
        ("include=references", {"Accept-Language": "az"}),
        ("", {"Accept-Encoding": "gzip"}),
        ("include=references", {"Accept-Encoding": "gzip"}),
        ("", {"Origin": "https://front.example"}),
    ],
)
def test_the_hot_route_answers_as_the_api_route(
    client: TestClient, seeded: LoadResult, query: str, headers: dict[str, str]
) -> None:
    path = f"/articles/{seeded.article_id}"
    assert _hot_route_handles(path, query.encode(), headers)
    # ?format=json is not a shape the hot route takes: the API route answers it.
    api_query = "&".join(part for part in (query, "format=json") if part)
    assert not _hot_route_handles(path, api_query.encode(), headers)
    hot = client.get(f"{path}?{query}", headers=headers)
    api = client.get(f"{path}?{api_query}", headers=headers)
    assert hot.status_code == api.status_code == 200
    assert hot.content == api.content
    assert _headers(hot) == _headers(api)
    revalidated = client.get(path, headers={**headers, "If-None-Match": hot.headers["etag"]})
    if not query:
        assert revalidated.status_code == 304
    head = client.head(f"{path}?{query}", headers=headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == hot.headers["etag"]


@pytest.mark.parametrize(
    ("path", "query", "headers"),
    [
        ("/articles/1", b"fields=id", {}),
        ("/articles/1", b"include=references&lang=en", {}),
        ("/articles/1", b"", {"Accept": "application/x-bibtex"}),
        ("/articles/1", b"", {"Accept": "text/html"}),
        ("/articles/1", b"", {"Accept": "application/json;q=0"}),
        ("/articles/01", b"", {}),
        ("/articles/0", b"", {}),
        ("/articles/99999999999", b"", {}),
        ("/articles/1/references", b"", {}),
    ],
)
def test_other_requests_go_to_the_api_route(
    path: str, query: bytes, headers: dict[str, str]
) -> None:
    assert not _hot_route_handles(path, query, headers)


def test_a_missing_article_is_the_api_routes_problem(
    client: TestClient, seeded: LoadResult
) -> None:
    response = client.get(f"/articles/{seeded.article_id + 1000}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_the_hot_route_reads_one_statement(
    client: TestClient, seeded: LoadResult, count_statements: StatementCounter
) -> None:
    client.get(f"/articles/{seeded.article_id}?include=references")
    assert count_statements.count == 1, count_statements.statements


def test_stored_language_and_link_header_equal_the_live_ones(
    session: Session, seeded: LoadResult
) -> None:
    found = article_service.find_article(session=session, article_id=seeded.article_id)
    assert found is not None
    article, _references = found
    document = session.get(ArticleDocument, seeded.article_id)
    assert document is not None and document.signposts is not None
    assert document.language == next(iter(article.title))
    assert document.signposts == link_template(article)
    landing = "https://api.example/articles/1"
    for license_url in (None, "https://creativecommons.org/licenses/by/4.0/"):
        assert filled_link_header(document.signposts, landing, license_url) == link_header(
            article_links(article, landing, license_url=license_url)
        )
    assert "\x1f" not in article_signposts(article)


def test_a_prepared_read_gives_the_same_row_on_the_engine_and_a_session(
    corpus_engine: Engine,
) -> None:
    with Session(corpus_engine) as session:
        first = session.exec(select(col(ArticleDocument.article_id)).limit(1)).one()
        for references in (False, True):
            raw = stored_article(corpus_engine, article_id=first, references=references)
            joined = stored_article(session, article_id=first, references=references)
            assert raw is not None and raw == joined
        assert stored_article(corpus_engine, article_id=2**31 - 1) is None
    article_id = col(ArticleDocument.article_id)
    one = PreparedRead(select(article_id).where(article_id == first))
    assert one.first(corpus_engine, {}) == (first,)
