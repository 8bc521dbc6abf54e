"""Every article format through the routes, on the seed article: pinned GOST and APA citations
(built from the seed facts in tests/fixtures/seed_expected.json), media types, negotiation,
problems, statement counts, and reference-list exports read back by bibtexparser and rispy."""

from __future__ import annotations

from typing import Any

import bibtexparser
import pytest
import rispy
from fastapi.testclient import TestClient

from app.exporters import exporters
from app.services.loading import LoadResult

ARTICLE_FORMATS = [e.name for e in exporters("article")]


def varies_by_accept(response: Any) -> bool:
    return "accept" in {v.strip().lower() for v in response.headers.get("vary", "").split(",")}


@pytest.fixture
def seed_citation_parts(seed_expected: dict[str, Any]) -> dict[str, Any]:
    issue = seed_expected["issue"]
    return {
        "title": seed_expected["article"]["title"]["en"],
        "journal_en": seed_expected["journal"]["title"]["en"],
        "journal_ru": seed_expected["journal"]["title"]["ru"],
        "volume": issue["volume"],
        "number": issue["number"],
        "year": issue["year"],
        "url": seed_expected["source"]["url"],
    }


def test_gost_citation_of_the_seed_reads_in_russian_conventions(
    client: TestClient, seeded: LoadResult, seed_citation_parts: dict[str, Any]
) -> None:
    """No authors on the page: GOST starts with the title; the journal is cited by its Russian
    title, with Т. (volume) and № (issue)."""
    p = seed_citation_parts
    response = client.get(f"/articles/{seeded.article_id}?format=citation&style=gost")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/x-bibliography; style=gost; charset=utf-8"
    assert response.text == (
        f"{p['title']} // {p['journal_ru']}. {p['year']}. Т. {p['volume']}. № {p['number']}.\n"
    )


def test_apa_citation_of_the_seed_puts_the_title_first_once(
    client: TestClient, seeded: LoadResult, seed_citation_parts: dict[str, Any]
) -> None:
    """APA 7 without authors: the title takes the author position and is not repeated."""
    p = seed_citation_parts
    response = client.get(f"/articles/{seeded.article_id}?format=citation&style=apa")
    assert response.status_code == 200
    assert response.text == (
        f"{p['title']}. ({p['year']}). {p['journal_en']}, {p['volume']}({p['number']}). "
        f"{p['url']}\n"
    )
    assert response.text.count(p["title"]) == 1


@pytest.mark.parametrize("name", ARTICLE_FORMATS)
def test_every_article_format_through_the_route(
    client: TestClient, seeded: LoadResult, count_statements: Any, name: str
) -> None:
    exporter = next(e for e in exporters("article") if e.name == name)
    count_statements.statements.clear()
    response = client.get(f"/articles/{seeded.article_id}", params={"format": name})
    assert count_statements.count <= 3, count_statements.statements
    if name == "crossref":
        # The seed has no DOI, and a Crossref deposit registers one.
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert "DOI" in response.json()["detail"]
        return
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == exporter.content_type(exporter.default_params)
    assert varies_by_accept(response)
    assert response.content


@pytest.mark.parametrize("name", [e.name for e in exporters("article") if e.negotiable])
def test_accept_header_works_like_the_format_parameter(
    client: TestClient, seeded: LoadResult, name: str
) -> None:
    exporter = next(e for e in exporters("article") if e.name == name)
    url = f"/articles/{seeded.article_id}"
    by_accept = client.get(url, headers={"Accept": exporter.media_type})
    by_format = client.get(url, params={"format": name})
    assert by_accept.status_code == by_format.status_code
    assert by_accept.headers["content-type"] == by_format.headers["content-type"]
    if name != "crossref":
        assert by_accept.content == by_format.content
        assert varies_by_accept(by_accept)


def test_accept_bibtex_is_the_same_document_as_format_bibtex(
    client: TestClient, seeded: LoadResult
) -> None:
    url = f"/articles/{seeded.article_id}"
    by_accept = client.get(url, headers={"Accept": "application/x-bibtex"})
    by_format = client.get(url, params={"format": "bibtex"})
    assert by_accept.status_code == 200
    assert by_accept.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert by_accept.text == by_format.text
    assert varies_by_accept(by_accept) and varies_by_accept(by_format)
    library = bibtexparser.parse_string(by_accept.text)
    assert len(library.entries) == 1


@pytest.mark.parametrize(
    ("params", "headers"),
    [({"format": "marc21"}, {}), ({}, {"Accept": "application/x-unknown"})],
)
def test_unknown_format_is_a_406_problem_listing_the_formats(
    client: TestClient, seeded: LoadResult, params: dict[str, str], headers: dict[str, str]
) -> None:
    response = client.get(f"/articles/{seeded.article_id}", params=params, headers=headers)
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    listed = {item["format"] for item in response.json()["available"]}
    assert listed == set(ARTICLE_FORMATS)


def test_reference_list_as_bibtex_parses_back_to_every_reference(
    client: TestClient, seeded: LoadResult, seed_expected: dict[str, Any], count_statements: Any
) -> None:
    count_statements.statements.clear()
    response = client.get(f"/articles/{seeded.article_id}/references?format=bibtex")
    assert count_statements.count <= 3, count_statements.statements
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(response.text)
    assert not library.failed_blocks
    assert len(library.entries) == len(seed_expected["references"]) == 18
    keys = [entry.key for entry in library.entries]
    assert len(set(keys)) == len(keys)


def test_reference_list_as_ris_parses_back_to_every_reference(
    client: TestClient, seeded: LoadResult, seed_expected: dict[str, Any]
) -> None:
    response = client.get(f"/articles/{seeded.article_id}/references?format=ris")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-research-info-systems; charset=utf-8"
    entries = rispy.loads(response.text)
    assert len(entries) == len(seed_expected["references"]) == 18
    assert all(entry.get("type_of_reference") for entry in entries)


def test_one_reference_as_ris(client: TestClient, seeded: LoadResult) -> None:
    listing = client.get(f"/articles/{seeded.article_id}/references", params={"limit": 1}).json()
    reference = listing["items"][0]
    response = client.get(f"/references/{reference['id']}?format=ris")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-research-info-systems; charset=utf-8"
    assert varies_by_accept(response)
    (entry,) = rispy.loads(response.text)
    assert entry["type_of_reference"]
    if reference["doi"]:
        assert entry["doi"] == reference["doi"]
