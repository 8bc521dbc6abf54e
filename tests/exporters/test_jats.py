"""JATS 1.3: valid against the official Journal Publishing XSD, front and back matter checked."""

from __future__ import annotations

import pytest
from lxml import etree

from app.exporters import get_exporter
from tests.exporters.conftest import ARTICLE_DOI, TITLE_EN, TITLE_RU, assert_valid, load_schema

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return load_schema("jats/JATS-journalpublishing1-3-mathml3.xsd")


def render(article, references=()) -> bytes:
    return get_exporter("jats").render("article", article, references=references)


def test_full_article_is_valid(schema, article, references) -> None:
    root = assert_valid(schema, render(article, references))
    assert root.get("dtd-version") == "1.3"
    assert root.get(XML_LANG) == "ru"


def test_sparse_article_is_valid(schema, bare_article) -> None:
    assert_valid(schema, render(bare_article))


def test_front_matter(article) -> None:
    meta = etree.fromstring(render(article)).find("front/article-meta")
    assert meta.findtext("article-id[@pub-id-type='doi']") == ARTICLE_DOI
    assert meta.findtext("title-group/article-title") == TITLE_RU
    trans = {t.get(XML_LANG): t.findtext("trans-title")
             for t in meta.iterfind("title-group/trans-title-group")}
    assert trans["en"] == TITLE_EN
    assert list(trans) == ["en", "az"]
    names = [n.findtext("surname") for n in meta.iterfind("contrib-group/contrib/name")]
    assert names == ["Иванова", "Məmmədov"]
    assert meta.findtext("contrib-group/contrib/contrib-id") == (
        "https://orcid.org/0000-0002-1825-0097"
    )
    assert [meta.findtext(t) for t in ("volume", "issue", "fpage", "lpage")] == [
        "12", "3", "45", "52"
    ]
    assert meta.findtext("pub-date/year") == "2023"
    assert meta.find("abstract").get(XML_LANG) == "ru"
    assert meta.find("trans-abstract").get(XML_LANG) == "en"
    groups = {g.get(XML_LANG): [k.text for k in g] for g in meta.iterfind("kwd-group")}
    assert groups["az"] == ["sitokinlər", "xroniki tonzillit", "uşaqlar"]
    assert set(groups) == {"en", "az", "ru"}
    journal = etree.fromstring(render(article)).find("front/journal-meta")
    assert [i.text for i in journal.iterfind("issn")] == ["1234-5679", "2345-6787"]


def test_ref_list_has_element_and_mixed_citations(article, references) -> None:
    refs = etree.fromstring(render(article, references)).findall("back/ref-list/ref")
    assert [r.get("id") for r in refs] == ["ref1", "ref2", "ref3", "ref4", "ref5"]
    journal = refs[0].find("element-citation")
    assert journal.get("publication-type") == "journal"
    assert journal.findtext("article-title") == "Interleukin levels in recurrent tonsillitis"
    assert journal.findtext("source") == "J Clin Immunol Res"
    assert journal.findtext("pub-id[@pub-id-type='doi']") == "10.1000/jcir.2019.0152"
    assert [n.findtext("surname") for n in journal.iterfind("person-group/name")] == [
        "Smith", "Brown", "Lee"
    ]
    assert refs[0].findtext("mixed-citation") == references[0].raw
    chapter = refs[2].find("element-citation")
    assert chapter.get("publication-type") == "book"
    assert chapter.findtext("chapter-title") == "Tonsils and immunity"
    assert chapter.find("person-group[@person-group-type='editor']") is not None
    assert refs[3].find("element-citation").findtext("size") == "320"
    assert refs[4].find("element-citation") is None
    assert refs[4].findtext("mixed-citation") == references[4].raw
