"""The landing page: Highwire and Dublin Core meta tags read with an HTML parser, and escaping."""

from __future__ import annotations

import json

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from app.exporters import get_exporter
from tests.exporters.conftest import ARTICLE_DOI, TITLE_EN, TITLE_RU


def page(article, references=()) -> HTMLParser:
    return HTMLParser(get_exporter("html").render("article", article, references=references))


def metas(tree: HTMLParser, name: str) -> list[dict[str, str | None]]:
    return [dict(node.attributes) for node in tree.css(f'meta[name="{name}"]')]


def first(tree: HTMLParser, selector: str):
    node = tree.css_first(selector)
    assert node is not None, selector
    return node


def content(tree: HTMLParser, name: str) -> list[str | None]:
    return [m["content"] for m in metas(tree, name)]


def test_highwire_tags(article, references) -> None:
    tree = page(article, references)
    assert content(tree, "citation_title") == [TITLE_RU]
    assert content(tree, "citation_author") == ["Иванова, Анна Петровна", "Məmmədov, Rəşad"]
    assert content(tree, "citation_journal_title") == ["Вестник клинической иммунологии"]
    assert content(tree, "citation_issn") == ["1234-5679", "2345-6787"]
    assert content(tree, "citation_volume") == ["12"]
    assert content(tree, "citation_issue") == ["3"]
    assert content(tree, "citation_firstpage") == ["45"]
    assert content(tree, "citation_lastpage") == ["52"]
    assert content(tree, "citation_doi") == [ARTICLE_DOI]
    assert content(tree, "citation_publication_date") == ["2023/09/15"]
    assert content(tree, "citation_pdf_url") == [
        "https://journal.example.org/index.php/bci/article/download/42/99"
    ]
    assert content(tree, "citation_language") == ["ru"]


def test_one_keywords_tag_per_language(article) -> None:
    tags = metas(page(article), "citation_keywords")
    assert [(t["lang"], t["content"]) for t in tags] == [
        ("en", "cytokines; chronic tonsillitis; children"),
        ("az", "sitokinlər; xroniki tonzillit; uşaqlar"),
        ("ru", "цитокины; хронический тонзиллит; дети"),
    ]


def test_one_reference_tag_per_reference(article, references) -> None:
    assert content(page(article, references), "citation_reference") == [r.raw for r in references]


def test_dublin_core_tags_carry_languages(article) -> None:
    tree = page(article)
    titles = metas(tree, "DC.title") + metas(tree, "DC.title.alternative")
    assert {(t["lang"], t["xml:lang"], t["content"]) for t in titles} >= {
        ("ru", "ru", TITLE_RU),
        ("en", "en", TITLE_EN),
    }
    subjects = metas(tree, "DC.subject")
    assert len(subjects) == 9 and all(s["lang"] and s["xml:lang"] for s in subjects)
    assert content(tree, "DC.identifier.doi") == [ARTICLE_DOI]
    assert content(tree, "DC.language") == ["ru"]
    assert content(tree, "DC.source.issn") == ["1234-5679", "2345-6787"]
    assert tree.css_first('link[rel="schema.DC"]') is not None


def test_page_is_readable_and_escaped(article, references) -> None:
    raw = get_exporter("html").render("article", article, references=references).decode()
    assert raw.startswith("<!DOCTYPE html>")
    assert "25% of children &lt;7 years" in raw
    assert "<7 years" not in raw.split("<script")[0]
    tree = HTMLParser(raw)
    assert first(tree, "html").attributes["lang"] == "ru"
    assert first(tree, "h1").text() == TITLE_RU
    assert len(tree.css("section.references li")) == 5
    assert first(tree, ".citation-apa").text().startswith("Иванова, А. П., & Məmmədov")
    gost = get_exporter("html").render(
        "article", article, references=references, params={"style": "gost"}
    )
    assert first(HTMLParser(gost.decode()), ".citation-gost-r-7-0-5-2008").text().strip().endswith(
        "DOI: 10.12345/bci.2023.12.3.45"
    )


def test_embedded_json_ld_cannot_close_its_script(article) -> None:
    hostile = article.model_copy(update={"title": {"ru": "</script><script>alert(1)</script>"}})
    raw = get_exporter("html").render("article", hostile).decode()
    assert "<script>alert(1)" not in raw
    script = first(HTMLParser(raw), 'script[type="application/ld+json"]')
    assert json.loads(script.text())["headline"]["@value"] == "</script><script>alert(1)</script>"


def test_alternate_links_advertise_the_other_formats(article) -> None:
    tree = page(article)
    types = {n.attributes["type"] for n in tree.css('link[rel="alternate"][type]')}
    assert {"application/x-bibtex", "application/jats+xml", "text/x-bibliography"} <= types


def test_sparse_article_renders_without_empty_tags(bare_article) -> None:
    tree = page(bare_article)
    assert content(tree, "citation_title") == ["A title printed only in English"]
    assert metas(tree, "citation_doi") == [] and metas(tree, "citation_author") == []
    assert all(m["content"] for m in (dict(n.attributes) for n in tree.css("meta[name]")))
