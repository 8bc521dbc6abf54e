"""The public site in headless Chromium: every page at desktop and phone width, without console
errors or sideways scrolling, screenshots kept under test-output/site/; the embeddable widget
working from another origin under a strict Content-Security-Policy."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.config import PROJECT_ROOT
from tests.browser.cdp import Browser, launch

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "test-output" / "site"
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}
PAGES = {
    "home": "/",
    "journal": "/journals/1",
    "archive": "/journals/1/issues",
    "issue": "/issues/1",
    "article": "/articles/1",
    "article-az": "/articles/1?lang=az",
    "article-ru": "/articles/1?lang=ru",
    "search": "/search?q=miscarriage",
}


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with launch(chromium) as running:
        yield running


@pytest.mark.parametrize("name", PAGES)
def test_site_page_renders_cleanly_on_desktop_and_phone(
    live_server: str, browser: Browser, name: str
) -> None:
    tab = browser.new_tab()
    for viewport, (width, height, mobile) in VIEWPORTS.items():
        loaded = tab.open(live_server + PAGES[name], width=width, height=height, mobile=mobile)
        assert loaded.errors == [], f"{name} at {viewport}"
        assert tab.evaluate("getComputedStyle(document.body).fontFamily").startswith("Georgia")
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport}"
        assert tab.evaluate("document.querySelector('main h1') !== null")
        tab.screenshot(SCREENSHOTS / f"{name}-{viewport}.png")


def test_article_page_shows_what_a_reader_and_scholar_need(
    live_server: str, browser: Browser
) -> None:
    article = httpx.get(f"{live_server}/articles/1", timeout=10).json()
    tab = browser.new_tab()
    tab.open(f"{live_server}/articles/1")
    assert tab.evaluate("document.querySelector('h1').textContent") == article["title"]["en"]
    assert tab.evaluate(
        "document.querySelector('meta[name=citation_title]').content"
    ) == article["title"]["en"]
    assert tab.evaluate("document.querySelectorAll('section.references li').length") == 18
    assert tab.evaluate("document.querySelector('.how-to-cite .citation').textContent").startswith(
        article["title"]["en"]
    )
    formats = tab.evaluate("[...document.querySelectorAll('.formats a')].map(a => a.textContent)")
    assert "bibtex" in formats and "crossref" not in formats  # the seed has no DOI to deposit


def test_style_picker_works_without_javascript(live_server: str, browser: Browser) -> None:
    tab = browser.new_tab()
    tab.open(f"{live_server}/articles/1")
    query = tab.evaluate(
        "document.querySelector('#style').value = 'vancouver';"
        "new URLSearchParams(new FormData(document.querySelector('.style-picker'))).toString()"
    )
    loaded = tab.open(f"{live_server}/articles/1?{query}")
    assert loaded.errors == []
    assert tab.evaluate("document.querySelector('.citation-vancouver-nlm') !== null")
    assert tab.evaluate("document.querySelector('#style').value") == "vancouver-nlm"


def test_page_language_follows_lang(live_server: str, browser: Browser) -> None:
    tab = browser.new_tab()
    tab.open(f"{live_server}/articles/1?lang=az")
    assert tab.evaluate("document.documentElement.lang") == "az"
    assert tab.evaluate("document.querySelector('#references').textContent") == "İstinadlar"
    assert tab.evaluate("document.querySelector('.keyword-list').lang") == "az"


class _HostPage(BaseHTTPRequestHandler):
    """A journal's own site on another origin, with a strict CSP that allows only the API."""

    api = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src {self.api};
 connect-src {self.api}; style-src 'self'">
<title>A journal's own page</title></head>
<body>
<h1>Our article</h1>
<div id="refs" data-article="1" data-show="references"></div>
<div id="cite" data-article="1" data-show="citation" data-style="vancouver"></div>
<script src="{self.api}/static/widget.js" defer></script>
</body></html>"""
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def host_page(live_server: str) -> Iterator[str]:
    handler = type("HostPage", (_HostPage,), {"api": live_server})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_widget_renders_references_and_citation_from_another_origin(
    live_server: str, host_page: str, browser: Browser
) -> None:
    assert urlsplit(host_page).netloc != urlsplit(live_server).netloc
    references = httpx.get(
        f"{live_server}/articles/1/references", params={"limit": 100}, timeout=10
    ).json()["items"]
    tab = browser.new_tab()
    loaded = tab.open(host_page)
    done = tab.wait_for(
        "document.querySelectorAll('[data-jm-state=done]').length === 2 ? true : "
        "document.querySelector('[data-jm-state=error]')?.textContent || false"
    )
    assert done is True, done
    assert loaded.errors == []
    items = tab.evaluate("[...document.querySelectorAll('#refs li')].map(li => li.textContent)")
    assert len(items) == len(references)
    assert items[0].startswith(references[0]["raw"])
    doi_links = tab.evaluate("[...document.querySelectorAll('#refs a.jm-doi')].map(a => a.href)")
    assert doi_links == [f"https://doi.org/{r['doi']}" for r in references if r["doi"]]
    citation = tab.evaluate("document.querySelector('#cite .jm-citation-text').textContent")
    assert citation.startswith("The importance of lymphocyte-immunotherapy")
    tab.screenshot(SCREENSHOTS / "widget-cross-origin.png")
