"""include= and fields=: an issue's table of contents (and a journal's archive) in one request,
with the statements per request bounded whatever the issue's size."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import StatementCounter

TOC_FIELDS = "id,title,authors,pages,doi,galleys"


def test_issue_table_of_contents_in_one_request(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    body = corpus_client.get("/issues/1", params={"fields": TOC_FIELDS}).json()
    articles = body["articles"]
    assert articles and all(list(a) == TOC_FIELDS.split(",") for a in articles)
    assert all(a["authors"] and a["galleys"] for a in articles)
    assert [a["authors"][0]["position"] for a in articles] == [1] * len(articles)
    assert corpus_statements.count <= 6, corpus_statements.statements


def test_issue_statements_do_not_grow_with_its_articles(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    counts = []
    for issue_id in (1, 2):
        before = corpus_statements.count
        corpus_client.get(
            f"/issues/{issue_id}",
            params={"include": "authors,keywords,references", "fields": "id,title"},
        )
        counts.append(corpus_statements.count - before)
    assert counts[0] == counts[1] <= 6


def test_issue_articles_gain_included_parts(corpus_client: TestClient) -> None:
    body = corpus_client.get(
        "/issues/1", params={"include": "authors,keywords,references,citation:apa"}
    ).json()
    for article in body["articles"]:
        assert {"id", "title", "journal_id", "authors", "keywords", "references"} <= set(article)
        assert article["citations"]["apa"]
        assert [r["position"] for r in article["references"]] == list(
            range(1, len(article["references"]) + 1)
        )


def test_summary_fields_alone_need_no_more_statements(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    corpus_client.get("/issues/1")
    plain = corpus_statements.count
    body = corpus_client.get("/issues/1", params={"fields": "id,doi"}).json()
    assert all(list(a) == ["id", "doi"] for a in body["articles"])
    assert corpus_statements.count - plain == plain


def test_journal_with_its_issues(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    body = corpus_client.get("/journals/1", params={"include": "issues"}).json()
    assert len(body["issues"]) == body["issue_count"]
    assert all(issue["journal_id"] == 1 for issue in body["issues"])
    assert corpus_statements.count <= 2
    assert "issues" not in corpus_client.get("/journals/1").json()


def test_bad_include_and_fields_are_422_naming_the_choices(corpus_client: TestClient) -> None:
    unknown = corpus_client.get("/issues/1", params={"include": "galleys"})
    assert unknown.status_code == 422 and "citation:<style>" in unknown.json()["detail"]
    style = corpus_client.get("/issues/1", params={"include": "citation:vancover"})
    assert style.status_code == 422 and "vancouver" in style.json()["detail"]
    field = corpus_client.get("/issues/1", params={"fields": "id,colour"})
    assert field.status_code == 422 and "authors" in field.json()["detail"]
    journal = corpus_client.get("/journals/1", params={"include": "articles"})
    assert journal.status_code == 422
    # The HTML pages ignore include=, but a bad value is still refused (schemathesis ST201).
    for path in ("/journals/1", "/issues/1"):
        page = corpus_client.get(path, params={"include": "-8e-306", "format": "html"})
        assert page.status_code == 422, path
