"""Crossref 5.3.1 deposit: valid against the official XSD; citations structured where known."""

from __future__ import annotations

import pytest
from lxml import etree

from app.exporters import get_exporter
from app.exporters.crossref import CROSSREF_NS, CrossrefDepositError, article_to_crossref
from tests.exporters.conftest import ARTICLE_DOI, TITLE_RU, assert_valid, load_schema

NS = {"c": CROSSREF_NS, "jats": "http://www.ncbi.nlm.nih.gov/JATS1"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return load_schema("crossref/crossref5.3.1.xsd")


def render(article, references=(), params=None) -> bytes:
    return get_exporter("crossref").render("article", article, references=references,
                                           params=params)


def test_deposit_is_valid(schema, article, references) -> None:
    assert_valid(schema, render(article, references))


def test_minimal_deposit_is_valid(schema, article) -> None:
    sparse = article.model_copy(update={"authors": [], "abstract": {}, "issue": None,
                                        "pages": None})
    assert_valid(schema, render(sparse))


def test_article_without_any_date_cannot_be_deposited(article) -> None:
    undated = article.model_copy(update={"issue": None, "published": None})
    with pytest.raises(CrossrefDepositError, match="publication date"):
        article_to_crossref(undated)


def test_head_uses_depositor_parameters_and_a_stable_timestamp(article) -> None:
    root = etree.fromstring(render(article, params={"depositor_name": "Desk",
                                                    "depositor_email": "desk@example.net"}))
    assert root.findtext("c:head/c:depositor/c:depositor_name", namespaces=NS) == "Desk"
    assert root.findtext("c:head/c:depositor/c:email_address", namespaces=NS) == (
        "desk@example.net"
    )
    assert root.findtext("c:head/c:timestamp", namespaces=NS) == "20240102030405"
    assert root.findtext("c:head/c:registrant", namespaces=NS) == "Example Medical Press"


def test_journal_issue_and_article_metadata(article) -> None:
    root = etree.fromstring(render(article))
    journal = root.find("c:body/c:journal", NS)
    issns = journal.findall("c:journal_metadata/c:issn", NS)
    assert [(i.get("media_type"), i.text) for i in issns] == [
        ("print", "1234-5679"), ("electronic", "2345-6787")
    ]
    assert journal.findtext("c:journal_issue/c:journal_volume/c:volume", namespaces=NS) == "12"
    assert journal.findtext("c:journal_issue/c:issue", namespaces=NS) == "3"
    item = journal.find("c:journal_article", NS)
    assert item.get("language") == "ru"
    assert item.findtext("c:titles/c:title", namespaces=NS) == TITLE_RU
    people = item.findall("c:contributors/c:person_name", NS)
    assert [p.get("sequence") for p in people] == ["first", "additional"]
    assert item.findtext("c:pages/c:first_page", namespaces=NS) == "45"
    assert item.findtext("c:doi_data/c:doi", namespaces=NS) == ARTICLE_DOI
    assert len(item.findall("jats:abstract", NS)) == 2


def test_citations_structured_where_known(article, references) -> None:
    root = etree.fromstring(render(article, references))
    citations = root.findall(".//c:citation_list/c:citation", NS)
    assert [c.get("key") for c in citations] == ["ref1", "ref2", "ref3", "ref4", "ref5"]

    def field(citation, name):
        return citation.findtext(f"c:{name}", namespaces=NS)

    first = citations[0]
    assert [field(first, n) for n in ("journal_title", "author", "volume", "issue",
                                      "first_page", "cYear", "article_title", "doi")] == [
        "J Clin Immunol Res", "Smith", "15", "2", "101", "2019",
        "Interleukin levels in recurrent tonsillitis", "10.1000/jcir.2019.0152",
    ]
    assert field(citations[2], "volume_title") == "Pediatric Immunology"
    assert field(citations[0], "unstructured_citation") is None
    assert field(citations[4], "unstructured_citation") == references[4].raw


def test_article_without_doi_cannot_be_deposited(bare_article) -> None:
    with pytest.raises(CrossrefDepositError, match="no DOI"):
        article_to_crossref(bare_article)


def test_article_without_landing_page_cannot_be_deposited(article) -> None:
    with pytest.raises(CrossrefDepositError, match="landing-page"):
        article_to_crossref(article.model_copy(update={"source_url": None}))
