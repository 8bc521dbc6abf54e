"""A stored URL that is not an absolute http(s) URL never becomes a link, in any renderer."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from app.exporters import get_exporter
from app.exporters.safe_links import safe_http_url
from app.schemas import ArticlePublic

HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x.pdf",
    "/relative/path.pdf",
    "http:alert(1)",
    "https://",
    "http://[::1",
    "ftp://example.org/x.pdf",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_non_http_url_is_not_safe(url: str) -> None:
    assert safe_http_url(url) is None


@pytest.mark.parametrize(
    "url", ["https://journal.example.org/a/b.pdf?x=1#p2", "HTTP://EXAMPLE.ORG/", "http://127.0.0.1:8000/"]
)
def test_an_absolute_http_url_is_kept(url: str) -> None:
    assert safe_http_url(f"  {url} ") == url


@pytest.mark.parametrize("url", HOSTILE[:7])
def test_a_hostile_pdf_or_source_url_is_never_a_link_on_the_landing_page(
    article: ArticlePublic, url: str
) -> None:
    galleys = [g.model_copy(update={"url": url}) for g in article.galleys]
    hostile = article.model_copy(update={"galleys": galleys, "source_url": url})
    tree = HTMLParser(get_exporter("html").render("article", hostile))
    hrefs = [node.attributes.get("href") or "" for node in tree.css("[href]")]
    assert all(not h.strip().lower().startswith(("javascript", "data", "java")) for h in hrefs)
    assert not [n for n in tree.css("a") if n.text().strip() in ("PDF", "Journal page")]
    names = {m.attributes.get("name") for m in tree.css("meta")}
    assert "citation_pdf_url" not in names and "citation_abstract_html_url" not in names


def test_a_hostile_url_is_never_an_xlink_in_jats(article: ArticlePublic) -> None:
    galleys = [g.model_copy(update={"url": HOSTILE[0]}) for g in article.galleys]
    hostile = article.model_copy(update={"galleys": galleys, "source_url": HOSTILE[0]})
    xml = get_exporter("jats").render("article", hostile).decode()
    assert "javascript" not in xml
