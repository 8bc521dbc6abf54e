"""The public site through the app: one request per page with bounded statements, negotiation
between HTML and JSON, absolute URLs from PUBLIC_BASE_URL, Google Scholar's tags, the sitemap,
the branding override, and links that are never anything but http(s)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from app.services.loading import LoadResult
from tests.conftest import StatementCounter

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
BRAND = Path(__file__).parent.parent / "fixtures" / "site_brand"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def page(client: TestClient, url: str, **headers: str) -> LexborHTMLParser:
    response = client.get(url, headers={**BROWSER, **headers})
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return LexborHTMLParser(response.text)


def seed_urls(client: TestClient, seeded: LoadResult) -> list[str]:
    """The seed article's page, its journal's and its issue's (ids differ between databases)."""
    article = client.get(f"/articles/{seeded.article_id}").json()
    return [
        f"/articles/{seeded.article_id}",
        f"/journals/{article['journal']['id']}",
        f"/issues/{article['issue']['id']}",
    ]


@pytest.fixture
def public_base(settings_env: pytest.MonkeyPatch) -> Iterator[str]:
    settings_env.setenv("PUBLIC_BASE_URL", "https://journal.example.org/api")
    yield "https://journal.example.org/api"


def test_browsers_get_html_and_api_clients_json(client: TestClient, seeded: LoadResult) -> None:
    for url in seed_urls(client, seeded):
        assert client.get(url, headers=BROWSER).headers["content-type"].startswith("text/html")
        assert client.get(url).headers["content-type"] == "application/json"
        assert client.get(url, headers={"Accept": "*/*"}).headers["content-type"] == (
            "application/json"
        )
        as_html = client.get(url, params={"format": "html"})
        assert as_html.headers["content-type"].startswith("text/html")
        assert "accept" in as_html.headers["vary"].lower()


def test_issue_table_of_contents_in_one_request_with_bounded_statements(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    tree = page(corpus_client, "/issues/1")
    entries = tree.css(".toc-entry")
    assert entries, "an issue of the corpus has articles"
    assert all(e.css_first(".toc-authors") is not None for e in entries)
    assert any(a.attributes["href"].startswith("https://doi.org/10.5555/gen.")
               for e in entries for a in e.css(".toc-meta a"))
    assert corpus_statements.count <= 4, corpus_statements.statements


def test_article_page_in_one_request_with_bounded_statements(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    tree = page(corpus_client, "/articles/1")
    assert tree.css_first("h1").text()
    assert len(tree.css(".authors li")) >= 1
    assert tree.css_first(".how-to-cite .citation").text()
    assert corpus_statements.count <= 3, corpus_statements.statements


def test_journal_home_and_archive_have_bounded_statements(
    corpus_client: TestClient, corpus_statements: StatementCounter
) -> None:
    home = page(corpus_client, "/journals/1")
    assert home.css(".toc-entry")
    first = corpus_statements.count
    archive = page(corpus_client, "/journals/1/issues")
    assert archive.css(".issue-list li")
    assert first <= 5 and corpus_statements.count - first <= 2, corpus_statements.statements


def test_search_page_finds_articles(corpus_client: TestClient) -> None:
    tree = page(corpus_client, "/search?q=placenta")
    assert tree.css(".toc-entry")
    assert tree.css_first("input#q").attributes["value"] == "placenta"
    empty = page(corpus_client, "/search?q=zzzzzz")
    assert not empty.css(".toc-entry") and empty.css_first("main p")


def test_scholar_tags_canonical_and_alternates_use_public_base_url(
    client: TestClient, seeded: LoadResult, public_base: str
) -> None:
    tree = page(client, f"/articles/{seeded.article_id}")
    canonical = tree.css_first('link[rel="canonical"]').attributes["href"]
    assert canonical == f"{public_base}/articles/{seeded.article_id}"
    names = {m.attributes["name"] for m in tree.css("meta[name]")}
    assert {"citation_title", "citation_journal_title", "citation_reference"} <= names
    assert {"DC.title", "DC.source", "DC.subject"} <= names
    alternates = {a.attributes["type"] for a in tree.css('link[rel="alternate"][type]')}
    assert {"application/x-bibtex", "application/x-research-info-systems"} <= alternates
    assert "application/vnd.crossref.deposit+xml" not in alternates  # no DOI: it would fail
    hreflangs = {a.attributes["hreflang"] for a in tree.css('link[rel="alternate"][hreflang]')}
    assert {"en", "az", "ru"} <= hreflangs


def test_page_language_from_accept_language(client: TestClient, seeded: LoadResult) -> None:
    response = client.get(
        f"/articles/{seeded.article_id}", headers={**BROWSER, "Accept-Language": "ru, en;q=0.5"}
    )
    tree = LexborHTMLParser(response.text)
    assert tree.css_first("html").attributes["lang"] == "ru"
    assert tree.css_first("#references").text() == "Список литературы"
    assert response.headers["content-language"] == "ru"
    assert "accept-language" in response.headers["vary"].lower()


def test_sitemap_lists_every_page_with_absolute_urls(
    corpus_client: TestClient, public_base: str, corpus_statements: StatementCounter
) -> None:
    response = corpus_client.get("/sitemap.xml")
    assert response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    locations = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    articles = [u for u in locations if "/articles/" in u]
    assert len(articles) == 240 and all(u.startswith(public_base) for u in locations)
    assert f"{public_base}/journals/1" in locations and f"{public_base}/issues/1" in locations
    assert root.find("s:url/s:lastmod", SITEMAP_NS) is not None
    assert corpus_statements.count == 1


def test_branding_override_replaces_templates_and_stylesheet(
    client: TestClient, seeded: LoadResult, settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("SITE_TEMPLATES_DIR", str(BRAND))
    settings_env.setenv("SITE_STYLESHEET", str(BRAND / "brand.css"))
    tree = page(client, f"/articles/{seeded.article_id}")
    assert tree.css_first("header.brand-banner").text() == "Brand Journal Online"
    assert tree.css_first("body").attributes["class"] == "brand-journal"
    assert tree.css_first("section.references")  # the article template itself is still ours
    css = client.get("/static/site.css")
    assert css.text == (BRAND / "brand.css").read_text()
    assert css.headers["content-type"] == "text/css; charset=utf-8"


def test_default_stylesheet_and_widget_are_served(client: TestClient) -> None:
    css = client.get("/static/site.css")
    assert css.status_code == 200 and "--link" in css.text
    widget = client.get("/static/widget.js")
    assert widget.headers["content-type"].startswith("text/javascript")
    assert len(widget.content) < 8 * 1024
    assert client.get("/static/secrets.txt").status_code == 404
    assert client.get("/static/..%2Fconfig.py").status_code == 404


def test_no_inline_script_or_style_on_pages(client: TestClient, seeded: LoadResult) -> None:
    """A strict CSP (no inline script or style) must not break any page."""
    for url in [*seed_urls(client, seeded), "/search?q=x"]:
        tree = page(client, url)
        scripts = [
            s for s in tree.css("script") if s.attributes.get("type") != "application/ld+json"
        ]
        assert scripts == [] and tree.css("style") == [] and tree.css("[style]") == []
        assert not [n for n in tree.css("*") if any(a.startswith("on") for a in n.attributes)]
