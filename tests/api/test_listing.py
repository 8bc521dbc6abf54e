"""Listings over a generated corpus: filters, search, sorts, cursors, facets and SQL budgets.

Expected answers are computed from the generated records in Python, an oracle independent of SQL,
and every test runs on SQLite and PostgreSQL, so both engines must give the same answers.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.search import fold, tokens
from tests.conftest import StatementCounter
from tests.corpus import CITED_DOIS, corpus

RECORDS = corpus()
# Articles get ids in load order, starting at 1 in a fresh database.
BY_ID = {n + 1: record for n, record in enumerate(RECORDS)}

ENDPOINTS = [
    "/articles",
    "/articles?facets=year,lang,keyword&count=true",
    "/articles?q=placenta&sort=title&order=desc",
    "/articles?keyword=pregnancy&keyword_lang=en&sort=published",
    "/articles/1",
    "/articles/1/references",
    "/articles/doi/10.5555/gen.2",
    "/references",
    "/references?doi=10.5555/cited.3&facets=year,container&count=true",
    "/references?q=embryo",
    "/references/1",
    "/authors",
    "/authors/1",
    "/keywords",
    "/keywords?lang=ru&q=бе",
    "/journals",
    "/journals/1",
    "/issues",
    "/issues/1",
]


def walk(client: TestClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a listing, following next_cursor until it ends."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        page = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ended")


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_runs_a_fixed_number_of_statements(
    corpus_client: TestClient, corpus_statements: StatementCounter, endpoint: str
) -> None:
    counts = []
    # One record takes no `limit` (an unknown parameter is a 400): it is asked for twice as is.
    paged = not re.search(r"/(\d+|doi/.+)$", endpoint.split("?")[0])
    for limit in (1, 1000):
        corpus_statements.statements.clear()
        joiner = "&" if "?" in endpoint else "?"
        response = corpus_client.get(f"{endpoint}{joiner}limit={limit}" if paged else endpoint)
        assert response.status_code == 200, response.text
        counts.append(corpus_statements.count)
        assert not [s for s in corpus_statements.statements if " OFFSET " in s.upper()]
    assert counts[0] == counts[1] <= 3, corpus_statements.statements


@pytest.mark.parametrize("sort", ["id", "published", "title"])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_cursor_walk_visits_every_article_once_in_order(
    corpus_client: TestClient, sort: str, order: str
) -> None:
    items = walk(corpus_client, "/articles", {"sort": sort, "order": order, "limit": 37})
    assert sorted(ids(items)) == sorted(BY_ID)

    def key(article_id: int) -> tuple[Any, ...]:
        record = BY_ID[article_id]
        if sort == "title":
            return (fold(next(iter(record.titles.values()))), article_id)
        if sort == "published":
            year = record.issue.year if record.issue else None
            date_key = record.published.isoformat() if record.published else str(year or "")
            return (date_key, article_id)
        return (article_id,)

    assert ids(items) == sorted(BY_ID, key=key, reverse=order == "desc")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": 2017}, lambda r: r.issue.year == 2017),
        ({"lang": "az"}, lambda r: "az" in r.titles),
        ({"keyword": "PLACENTA"}, lambda r: "Placenta" in r.keywords.get("en", [])),
        (
            {"keyword": "беременность", "keyword_lang": "ru"},
            lambda r: "беременность" in r.keywords.get("ru", []),
        ),
        ({"keyword": "hamiləlik", "keyword_lang": "ru"}, lambda r: False),
        ({"doi": "https://doi.org/10.5555/GEN.4"}, lambda r: r.doi == "10.5555/gen.4"),
        ({"year": 2016, "lang": "ru"}, lambda r: r.issue.year == 2016 and "ru" in r.titles),
    ],
)
def test_filters_match_the_records(
    corpus_client: TestClient, params: dict[str, Any], expected: Any
) -> None:
    found = ids(walk(corpus_client, "/articles", {**params, "limit": 1000}))
    assert found == [i for i, record in BY_ID.items() if expected(record)]


def _text_of(record: Any) -> set[str]:
    parts = [*record.titles.values(), *record.abstracts.values()]
    parts += [term for terms in record.keywords.values() for term in terms]
    return {token for part in parts for token in tokens(part)}


@pytest.mark.parametrize(
    "q",
    [
        "placenta",
        "Placenta embryo",
        "исследование",
        "ПЛАЦЕНТА",
        "immunitet",
        "İmmunitet",
        "tədqiqat 10",
    ],
)
def test_full_text_search_finds_every_word_in_any_language(
    corpus_client: TestClient, q: str
) -> None:
    found = ids(walk(corpus_client, "/articles", {"q": q, "limit": 1000}))
    wanted = set(tokens(q))
    assert found == [i for i, record in BY_ID.items() if wanted <= _text_of(record)]
    assert found or q == "tədqiqat 10"


def test_filter_by_author_finds_their_articles(corpus_client: TestClient) -> None:
    author = corpus_client.get("/authors/1").json()
    articles = ids(walk(corpus_client, "/articles", {"author": 1, "limit": 1000}))
    assert sorted(articles) == sorted(ids(author["articles"]))
    assert author["article_count"] == len(articles) > 0
    expected = [i for i, r in BY_ID.items() if any(a.family == author["family"] for a in r.authors)]
    assert sorted(articles) == expected


def test_facets_and_total_count_every_match(corpus_client: TestClient) -> None:
    body = corpus_client.get(
        "/articles", params={"facets": "year,lang,keyword", "count": "true", "limit": 1}
    ).json()
    assert body["total"] == len(RECORDS)
    years = Counter(str(r.issue.year) for r in RECORDS)
    assert {f["value"]: f["count"] for f in body["facets"]["year"]} == dict(years)
    langs = Counter(lang for r in RECORDS for lang in r.titles)
    assert {f["value"]: f["count"] for f in body["facets"]["lang"]} == dict(langs)
    top = body["facets"]["keyword"][0]
    assert top["count"] == max(
        Counter(
            (lang, fold(t)) for r in RECORDS for lang, ts in r.keywords.items() for t in ts
        ).values()
    )


def test_total_and_facets_only_when_asked(corpus_client: TestClient) -> None:
    body = corpus_client.get("/articles").json()
    assert "total" not in body and "facets" not in body
    assert len(body["items"]) == 20


def test_references_citing_a_doi(corpus_client: TestClient) -> None:
    doi = CITED_DOIS[3]
    body = corpus_client.get(
        "/references", params={"doi": f"doi:{doi.upper()}", "count": "true", "limit": 1000}
    ).json()
    expected = sum(1 for r in RECORDS for raw in r.references if raw.endswith(doi))
    assert body["total"] == len(body["items"]) == expected > 0
    assert all(item["doi"] == doi for item in body["items"])


def test_reference_search_and_year(corpus_client: TestClient) -> None:
    found = walk(corpus_client, "/references", {"q": "embryo", "year": 2001, "limit": 1000})
    expected = sum(
        1 for r in RECORDS for raw in r.references if "embryo" in raw and " 2001;" in raw
    )
    assert len(found) == expected > 0
    assert all(item["csl"]["issued"]["date-parts"][0][0] == 2001 for item in found)


def test_keywords_are_counted_case_insensitively(corpus_client: TestClient) -> None:
    items = walk(corpus_client, "/keywords", {"lang": "en", "limit": 3})
    counts = Counter(fold(t) for r in RECORDS for t in r.keywords.get("en", []))
    assert {fold(i["term"]): i["article_count"] for i in items} == dict(counts)
    prefixed = walk(corpus_client, "/keywords", {"q": "PRE", "limit": 1000})
    assert {i["term"] for i in prefixed} == {"pregnancy", "preeclampsia"}


def test_journals_and_issues_have_counts(corpus_client: TestClient) -> None:
    journals = walk(corpus_client, "/journals", {"limit": 1})
    assert sum(j["article_count"] for j in journals) == len(RECORDS)
    issues = walk(corpus_client, "/issues", {"journal": journals[0]["id"], "limit": 1000})
    issue = corpus_client.get(f"/issues/{issues[0]['id']}").json()
    assert len(issue["articles"]) == issue["article_count"] > 0
    assert issue["journal"]["id"] == journals[0]["id"]


def test_article_by_doi_in_any_printed_form(corpus_client: TestClient) -> None:
    by_id = corpus_client.get("/articles/5").json()
    for form in ("10.5555/gen.4", "doi:10.5555/GEN.4", "https://doi.org/10.5555/gen.4"):
        assert corpus_client.get(f"/articles/doi/{form}").json() == by_id
    assert corpus_client.get("/articles/doi/10.5555/none").status_code == 404


def test_fields_selects_top_level_fields(corpus_client: TestClient) -> None:
    body = corpus_client.get("/articles/1", params={"fields": "id,title,doi"}).json()
    assert set(body) == {"id", "title", "doi"}
    bad = corpus_client.get("/articles/1", params={"fields": "id,nonsense"})
    assert bad.status_code == 422 and "nonsense" in bad.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/articles", {"lang": "not a tag"}, "lang"),
        ("/articles", {"doi": "nonsense"}, "doi"),
        ("/articles", {"facets": "year,colour"}, "facets"),
        ("/articles", {"q": "  ...  "}, "q"),
        ("/articles", {"sort": "random"}, "sort"),
        ("/articles", {"limit": 1001}, "limit"),
        ("/articles", {"year": "soon"}, "year"),
        ("/references", {"article": -1}, "article"),
        ("/keywords", {"q": "%%"}, "q"),
    ],
)
def test_bad_parameters_are_422_problems_naming_them(
    corpus_client: TestClient, path: str, params: dict[str, Any], name: str
) -> None:
    response = corpus_client.get(path, params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert any(f"'{name}'" in error["name"] for error in response.json()["errors"])


def test_cursor_is_bound_to_its_filters_and_sort(corpus_client: TestClient) -> None:
    cursor = corpus_client.get("/articles", params={"sort": "title", "limit": 5}).json()[
        "next_cursor"
    ]
    assert (
        corpus_client.get("/articles", params={"sort": "title", "cursor": cursor}).status_code
        == 200
    )
    for other in ({"sort": "published"}, {"sort": "title", "year": 2017}, {}):
        response = corpus_client.get("/articles", params={**other, "cursor": cursor})
        assert response.status_code == 400, other
