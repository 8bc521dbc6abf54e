"""The read path serves stored documents: one request per article page, one statement, the same
answers (and ETags) as the rows give, and every write visible on the next request."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, update
from sqlmodel import Session, col

from app.ingest.ojs_page import parse_page
from app.models import Article, ArticleDocument, Reference
from app.services.documents import strong_etag
from app.services.loading import LoadResult, store_record
from tests.conftest import StatementCounter


def test_include_references_embeds_the_ordered_list_in_one_statement(
    client: TestClient,
    seeded: LoadResult,
    seed_expected: dict[str, Any],
    count_statements: StatementCounter,
) -> None:
    url = f"/articles/{seeded.article_id}"
    response = client.get(url, params={"include": "references"})
    assert response.status_code == 200
    assert count_statements.count == 1, count_statements.statements
    body = response.json()
    references = body.pop("references")
    assert body == client.get(url).json()
    assert [r["raw"] for r in references] == [r["raw"] for r in seed_expected["references"]]
    assert [r["position"] for r in references] == list(range(1, len(references) + 1))
    listed = client.get(f"{url}/references", params={"limit": 1000}).json()["items"]
    assert references == listed
    assert all(set(r) >= {"id", "raw", "doi", "csl"} for r in references)


def test_article_is_one_statement_with_its_stored_etag(
    client: TestClient, seeded: LoadResult, count_statements: StatementCounter
) -> None:
    response = client.get(f"/articles/{seeded.article_id}", headers={"Accept-Encoding": "identity"})
    assert count_statements.count == 1, count_statements.statements
    assert response.headers["etag"] == strong_etag(response.content)
    zipped = client.get(f"/articles/{seeded.article_id}", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["etag"] == response.headers["etag"][:-1] + '-gzip"'
    again = client.get(
        f"/articles/{seeded.article_id}", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


def test_fields_and_include_compose(client: TestClient, seeded: LoadResult) -> None:
    body = client.get(
        f"/articles/{seeded.article_id}", params={"fields": "id,title", "include": "references"}
    ).json()
    assert list(body) == ["id", "title", "references"]
    assert (
        client.get(f"/articles/{seeded.article_id}", params={"include": "nope"}).status_code == 422
    )


def test_by_doi_serves_the_same_document(
    client: TestClient, seed_expected: dict[str, Any], session: Session
) -> None:
    record = parse_page_with_doi(seed_expected, session)
    by_id = client.get(f"/articles/{record.article_id}", params={"include": "references"})
    by_doi = client.get("/articles/doi/10.5555/STORED.1", params={"include": "references"})
    assert by_doi.status_code == 200
    assert by_doi.content == by_id.content


def parse_page_with_doi(seed_expected: dict[str, Any], session: Session) -> LoadResult:
    from tests.conftest import FIXTURES

    page = (FIXTURES / "seed_page.txt").read_text(encoding="utf-8")
    record = parse_page(page, source_url=seed_expected["source"]["url"])
    result = store_record(session, dataclasses.replace(record, doi="10.5555/stored.1"))
    session.commit()
    return result


def test_without_a_current_document_the_rows_give_the_same_answer(
    client: TestClient, seeded: LoadResult, session: Session
) -> None:
    url = f"/articles/{seeded.article_id}"
    requests: list[tuple[str, dict[str, Any]]] = [
        (url, {}),
        (url, {"include": "references"}),
        (url, {"fields": "title,doi"}),
        (f"{url}/references", {}),
        (f"{url}/references", {"limit": 5}),
        ("/articles", {}),
        ("/references", {"limit": 5}),
    ]
    before = [client.get(path, params=params).content for path, params in requests]
    session.execute(delete(ArticleDocument))
    session.execute(update(Reference).values(document=None))
    session.commit()
    after = [client.get(path, params=params).content for path, params in requests]
    assert after == before


def test_a_load_update_and_delete_are_visible_on_the_next_request(
    client: TestClient,
    seeded: LoadResult,
    session: Session,
    seed_page: str,
    seed_expected: dict[str, Any],
) -> None:
    url = f"/articles/{seeded.article_id}"
    old_etag = client.get(url).headers["etag"]
    record = parse_page(seed_page, source_url=seed_expected["source"]["url"])
    store_record(session, dataclasses.replace(record, titles={"en": "Updated title"}))
    session.commit()
    response = client.get(url, headers={"If-None-Match": old_etag})
    assert response.status_code == 200
    assert response.json()["title"] == {"en": "Updated title"}
    listed = client.get("/articles").json()["items"]
    assert listed[0]["title"] == {"en": "Updated title"}
    session.execute(delete(Article).where(col(Article.id) == seeded.article_id))
    session.commit()
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/references").status_code == 404
    assert client.get("/articles").json()["items"] == []
