"""CSL-JSON: the pivot item every bibliographic format is derived from."""

from __future__ import annotations

import json

from app.exporters import get_exporter
from app.exporters.csl_json import article_to_csl
from tests.exporters.conftest import ARTICLE_DOI, TITLE_AZ, TITLE_EN, TITLE_RU


def test_article_item_has_the_bibliographic_fields(article) -> None:
    item = json.loads(get_exporter("csl-json").render("article", article))
    assert item["type"] == "article-journal"
    assert item["id"] == ARTICLE_DOI
    assert item["title"] == TITLE_RU
    assert item["container-title"] == "Вестник клинической иммунологии"
    assert item["ISSN"] == "1234-5679"
    assert (item["volume"], item["issue"], item["page"]) == ("12", "3", "45-52")
    assert item["DOI"] == ARTICLE_DOI
    assert item["URL"] == f"https://doi.org/{ARTICLE_DOI}"
    assert item["issued"] == {"date-parts": [[2023, 9, 15]]}
    assert item["author"][0] == {
        "family": "Иванова",
        "given": "Анна Петровна",
        "ORCID": "https://orcid.org/0000-0002-1825-0097",
    }
    assert item["keyword"] == "цитокины, хронический тонзиллит, дети"
    assert item["abstract"].startswith("Изучены")
    assert item["language"] == "ru"


def test_other_language_titles_are_noted(article) -> None:
    item = article_to_csl(article)
    assert item["note"] == f"Title (en): {TITLE_EN}; Title (az): {TITLE_AZ}"
    assert item["multi"]["_keys"]["title"] == {"en": TITLE_EN, "az": TITLE_AZ}


def test_requested_language_switches_title_and_keywords(article) -> None:
    item = article_to_csl(article, lang="en")
    assert item["title"] == TITLE_EN
    assert item["container-title"] == "Bulletin of Clinical Immunology"
    assert item["keyword"] == "cytokines, chronic tonsillitis, children"


def test_main_language_falls_back_to_the_first_title(bare_article) -> None:
    item = article_to_csl(bare_article)
    assert item["title"] == "A title printed only in English"
    assert item["id"] == "article-42"
    assert "author" not in item and "DOI" not in item and "issued" not in item


def test_references_are_a_list_of_items_with_ids(references) -> None:
    items = json.loads(get_exporter("csl-json").render("references", references))
    assert [i["id"] for i in items] == [f"ref-42-{n}" for n in range(1, 6)]
    assert items[0]["DOI"] == "10.1000/jcir.2019.0152"
    assert items[4] == {
        "id": "ref-42-5",
        "type": "document",
        "note": references[4].raw,
    }


def test_reference_doi_column_fills_a_missing_csl_doi(references) -> None:
    reference = references[1].model_copy(update={"doi": "10.5555/xyz"})
    item = json.loads(get_exporter("csl-json").render("reference", reference))
    assert item["DOI"] == "10.5555/xyz"
