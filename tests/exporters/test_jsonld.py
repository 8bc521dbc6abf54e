"""schema.org JSON-LD: the fields crawlers read, with languages kept."""

from __future__ import annotations

import json

from app.exporters import get_exporter
from tests.exporters.conftest import ARTICLE_DOI, TITLE_EN, TITLE_RU


def render(article, references=()) -> dict:
    return json.loads(get_exporter("jsonld").render("article", article, references=references))


def test_scholarly_article_with_localized_names(article, references) -> None:
    doc = render(article, references)
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "ScholarlyArticle"
    assert {"@language": "ru", "@value": TITLE_RU} in doc["name"]
    assert {"@language": "en", "@value": TITLE_EN} in doc["name"]
    assert doc["headline"] == {"@language": "ru", "@value": TITLE_RU}
    assert doc["inLanguage"] == "ru"
    assert doc["datePublished"] == "2023-09-15"
    assert (doc["pageStart"], doc["pageEnd"]) == ("45", "52")


def test_doi_is_identifier_and_same_as(article) -> None:
    doc = render(article)
    assert doc["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI",
                                 "value": ARTICLE_DOI}
    assert doc["sameAs"] == f"https://doi.org/{ARTICLE_DOI}"
    assert doc["@id"] == doc["sameAs"]


def test_authors_are_people_with_orcid(article) -> None:
    first, second = render(article)["author"]
    assert first["@type"] == "Person"
    assert (first["givenName"], first["familyName"]) == ("Анна Петровна", "Иванова")
    assert first["sameAs"] == "https://orcid.org/0000-0002-1825-0097"
    assert first["affiliation"] == {"@type": "Organization",
                                    "name": "Example State Medical University"}
    assert second["name"] == "Rəşad Məmmədov"


def test_keywords_carry_their_language(article) -> None:
    keywords = render(article)["keywords"]
    assert {"@language": "az", "@value": "sitokinlər"} in keywords
    assert {"@language": "ru", "@value": "дети"} in keywords
    assert len(keywords) == 9


def test_is_part_of_issue_volume_periodical(article) -> None:
    issue = render(article)["isPartOf"]
    assert issue["@type"] == "PublicationIssue" and issue["issueNumber"] == "3"
    volume = issue["isPartOf"]
    assert volume["@type"] == "PublicationVolume" and volume["volumeNumber"] == "12"
    periodical = volume["isPartOf"]
    assert periodical["@type"] == "Periodical"
    assert periodical["issn"] == ["1234-5679", "2345-6787"]
    assert {"@language": "en", "@value": "Bulletin of Clinical Immunology"} in periodical["name"]


def test_citations_are_creative_works_from_the_references(article, references) -> None:
    citations = render(article, references)["citation"]
    assert len(citations) == 5
    assert all(c["@type"] == "CreativeWork" for c in citations)
    first = citations[0]
    assert first["name"] == "Interleukin levels in recurrent tonsillitis"
    assert first["sameAs"] == "https://doi.org/10.1000/jcir.2019.0152"
    assert first["author"][0] == {"@type": "Person", "familyName": "Smith", "givenName": "J",
                                  "name": "J Smith"}
    assert first["isPartOf"] == {"@type": "Periodical", "name": "J Clin Immunol Res"}
    assert citations[4] == {"@type": "CreativeWork", "position": 5,
                            "description": references[4].raw}


def test_sparse_article_has_no_invented_fields(bare_article) -> None:
    doc = render(bare_article)
    assert "author" not in doc and "identifier" not in doc and "citation" not in doc
    assert doc["isPartOf"]["@type"] == "Periodical"
