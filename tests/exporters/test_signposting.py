"""FAIR Signposting: the Link header and the RFC 9264 linkset of an article, checked against the
shapes of the examples in signposting.org/FAIR and RFC 9264 (§4.1 text, §4.2 JSON)."""

from __future__ import annotations

import json
import re
from typing import Any

from app.exporters.signposting import article_links, link_header, linkset_json, linkset_text

LANDING = "https://api.example.org/articles/42"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
# One link-value of RFC 8288: <target>; param="value"; ...
LINK_VALUE = re.compile(r'<([^>]*)>((?:\s*;\s*[a-z-]+="[^"]*")*)')
PARAM = re.compile(r'([a-z-]+)="([^"]*)"')


def parse_links(header: str) -> list[dict[str, str]]:
    links = []
    for target, params in LINK_VALUE.findall(header):
        links.append({"href": target, **dict(PARAM.findall(params))})
    return links


def by_rel(links: list[dict[str, str]], rel: str) -> list[dict[str, str]]:
    return [link for link in links if link["rel"] == rel]


def test_link_header_follows_the_fair_signposting_level_one_pattern(article: Any) -> None:
    header = link_header(article_links(article, LANDING, license_url=LICENSE))
    links = parse_links(header)
    assert len(links) == header.count("<")  # every value parsed: the header is well formed
    assert by_rel(links, "cite-as") == [
        {"href": "https://doi.org/10.12345/bci.2023.12.3.45", "rel": "cite-as"}
    ]
    assert by_rel(links, "author") == [
        {"href": "https://orcid.org/0000-0002-1825-0097", "rel": "author"}
    ]
    described = {link["type"]: link["href"] for link in by_rel(links, "describedby")}
    assert described["application/x-bibtex"] == f"{LANDING}?format=bibtex"
    assert {"application/x-research-info-systems", "application/ld+json",
            "application/vnd.citationstyles.csl+json", "application/jats+xml",
            "application/vnd.crossref.deposit+xml"} <= set(described)
    assert "text/html" not in described  # the page is the anchor, not a record about it
    assert by_rel(links, "item") == [
        {
            "href": "https://journal.example.org/index.php/bci/article/download/42/99",
            "rel": "item",
            "type": "application/pdf",
        }
    ]
    assert by_rel(links, "license") == [{"href": LICENSE, "rel": "license"}]
    assert {link["href"] for link in by_rel(links, "type")} == {
        "https://schema.org/AboutPage", "https://schema.org/ScholarlyArticle"
    }
    assert {link["type"] for link in by_rel(links, "linkset")} == {
        "application/linkset+json", "application/linkset"
    }


def test_without_doi_the_landing_page_is_cited_and_no_deposit_is_offered(
    bare_article: Any,
) -> None:
    links = parse_links(link_header(article_links(bare_article, LANDING)))
    assert by_rel(links, "cite-as")[0]["href"] == LANDING
    assert "application/vnd.crossref.deposit+xml" not in {
        link.get("type") for link in by_rel(links, "describedby")
    }
    assert by_rel(links, "license") == []


def test_unsafe_urls_never_become_links(article: Any) -> None:
    hostile = article.model_copy(
        update={
            "galleys": [
                g.model_copy(update={"url": "javascript:alert(1)"}) for g in article.galleys
            ]
            + [article.galleys[0].model_copy(update={"url": 'https://x.org/a>; rel="evil'})]
        }
    )
    links = parse_links(link_header(article_links(hostile, LANDING)))
    assert by_rel(links, "item") == []
    assert "evil" not in link_header(article_links(hostile, LANDING))


def test_non_ascii_targets_are_percent_encoded_for_the_latin_1_header(article: Any) -> None:
    author = article.authors[0].model_copy(update={"orcid": "\U00011c09"})
    galley = article.galleys[0].model_copy(update={"url": "https://journal.az/файл.pdf"})
    odd = article.model_copy(update={"authors": [author], "galleys": [galley]})
    header = link_header(article_links(odd, LANDING))
    header.encode("latin-1")  # what the server must be able to send
    hrefs = {link["rel"]: link["href"] for link in parse_links(header)}
    assert hrefs["author"] == "https://orcid.org/%F0%91%B0%89"
    assert hrefs["item"] == "https://journal.az/%D1%84%D0%B0%D0%B9%D0%BB.pdf"


def test_linkset_json_has_the_rfc_9264_shape(article: Any) -> None:
    document = json.loads(linkset_json(article, LANDING, license_url=LICENSE))
    assert list(document) == ["linkset"]
    contexts = document["linkset"]
    landing = contexts[0]
    assert landing["anchor"] == LANDING
    for context in contexts:
        assert isinstance(context["anchor"], str)
        for rel, targets in context.items():
            if rel != "anchor":
                assert isinstance(targets, list) and all("href" in t for t in targets)
    assert landing["cite-as"] == [{"href": "https://doi.org/10.12345/bci.2023.12.3.45"}]
    assert {"href": LICENSE} in landing["license"]
    pdf = next(c for c in contexts if c["anchor"].endswith("/download/42/99"))
    assert pdf["collection"] == [{"href": LANDING, "type": "text/html"}]
    bibtex = next(c for c in contexts if c["anchor"] == f"{LANDING}?format=bibtex")
    assert bibtex["describes"] == [{"href": LANDING, "type": "text/html"}]


def test_linkset_text_anchors_every_link(article: Any) -> None:
    text = linkset_text(article, LANDING).decode()
    links = parse_links(text)
    assert links and all("anchor" in link for link in links)
    assert {"href": "https://doi.org/10.12345/bci.2023.12.3.45", "rel": "cite-as",
            "anchor": LANDING} in links
