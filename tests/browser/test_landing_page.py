"""An article's HTML landing page carries the Highwire tags that Google Scholar indexes."""

from __future__ import annotations

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.browser.conftest import RenderDom

pytestmark = pytest.mark.browser

SEED_ARTICLE_ID = 1


def test_landing_page_citation_title_is_the_article_title(
    live_server: str, render_dom: RenderDom
) -> None:
    article_url = f"{live_server}/articles/{SEED_ARTICLE_ID}"
    article = httpx.get(article_url, timeout=10.0).raise_for_status().json()
    titles = set(article["title"].values())
    page_url = f"{article_url}?format=html"
    # The page itself first: a clear status beats "no meta tag" when the route is not there.
    page = httpx.get(page_url, timeout=10.0)
    assert page.status_code == 200, f"GET {page_url}: {page.status_code} {page.text[:200]}"
    content_type = page.headers["content-type"]
    assert content_type.startswith("text/html"), f"GET {page_url} answered {content_type}, not HTML"

    meta = LexborHTMLParser(render_dom(page_url)).css_first('meta[name="citation_title"]')

    assert meta is not None, "no <meta name=citation_title> in the rendered page"
    assert meta.attributes.get("content") in titles
