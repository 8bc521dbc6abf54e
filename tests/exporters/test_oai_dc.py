"""oai_dc records: valid against the OAI-PMH schemas (record alone and inside GetRecord)."""

from __future__ import annotations

import pytest
import xmlschema
from lxml import etree

from app.exporters import get_exporter
from app.exporters.oai_dc import DC_NS, article_to_oai_dc
from tests.exporters.conftest import SCHEMAS, TITLE_EN, TITLE_RU, assert_valid, load_schema

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI = "http://www.openarchives.org/OAI/2.0/"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return load_schema("oai-pmh/oai_dc.xsd")


def dc(root: etree._Element, name: str) -> list[etree._Element]:
    return root.findall(f"{{{DC_NS}}}{name}")


def test_record_is_valid(schema, article, bare_article) -> None:
    assert_valid(schema, article_to_oai_dc(article))
    assert_valid(schema, article_to_oai_dc(bare_article))


def test_record_is_valid_inside_get_record_with_xmlschema(article) -> None:
    envelope = etree.fromstring(
        f'<OAI-PMH xmlns="{OAI}"><responseDate>2024-01-02T03:04:05Z</responseDate>'
        f'<request verb="GetRecord">https://example.org/oai</request><GetRecord><record>'
        f"<header><identifier>oai:example.org:42</identifier>"
        f"<datestamp>2024-01-02T03:04:05Z</datestamp></header>"
        f"<metadata/></record></GetRecord></OAI-PMH>".encode()
    )
    envelope.find(f".//{{{OAI}}}metadata").append(article_to_oai_dc(article))
    schema = xmlschema.XMLSchema(str(SCHEMAS / "oai-pmh/OAI-PMH_with_oai_dc.xsd"), allow="local")
    schema.validate(etree.tostring(envelope).decode())


def test_localized_elements_carry_xml_lang(article) -> None:
    root = article_to_oai_dc(article)
    titles = {t.get(XML_LANG): t.text for t in dc(root, "title")}
    assert titles["ru"] == TITLE_RU and titles["en"] == TITLE_EN
    for name in ("title", "subject", "description"):
        assert all(e.get(XML_LANG) for e in dc(root, name)), name
    assert len(dc(root, "subject")) == 9


def test_identifiers_creators_and_source(article) -> None:
    root = article_to_oai_dc(article)
    assert [e.text for e in dc(root, "creator")] == ["Иванова, Анна Петровна", "Məmmədov, Rəşad"]
    identifiers = [e.text for e in dc(root, "identifier")]
    assert "https://doi.org/10.12345/bci.2023.12.3.45" in identifiers
    assert "https://journal.example.org/index.php/bci/article/view/42" in identifiers
    assert [e.text for e in dc(root, "date")] == ["2023-09-15"]
    assert [e.text for e in dc(root, "language")] == ["ru"]
    sources = [e.text for e in dc(root, "source")]
    assert "Bulletin of Clinical Immunology; Vol. 12 No. 3 (2023); 45–52" in sources
    assert "1234-5679" in sources
    assert "info:eu-repo/semantics/article" in [e.text for e in dc(root, "type")]
    assert [e.text for e in dc(root, "relation")] == [
        "https://journal.example.org/index.php/bci/article/download/42/99"
    ]


def test_oai_dc_is_available_by_name(article) -> None:
    body = get_exporter("oai_dc").render("article", article)
    assert body.startswith(b"<?xml")
