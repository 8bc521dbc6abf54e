"""What an OJS page's address says about its journal and article."""

from __future__ import annotations

import pytest

from app.ingest.ojs_page.identity import journal_url_key, parse_address


@pytest.mark.parametrize(
    ("url", "journal", "base", "article", "galley"),
    [
        ("https://revistas.ufg.br/index.php/fen/article/view/12345", "fen",
         "https://revistas.ufg.br/index.php/fen", 12345, None),
        ("https://journal.example.org/jcs/article/view/77/130", "jcs",
         "https://journal.example.org/jcs", 77, "130"),
        ("http://host.uz/ojs/index.php/tibbiyot/article/download/5/9", "tibbiyot",
         "http://host.uz/ojs/index.php/tibbiyot", 5, "9"),
        ("https://host.org/index.php/abc/article/view/my-custom-path", "abc",
         "https://host.org/index.php/abc", None, None),
        ("https://host.org/index.php?journal=abc&page=article&op=view&path[]=9", "abc",
         "https://host.org/index.php?journal=abc", 9, None),
    ],
)  # fmt: skip
def test_journal_path_and_article_id_from_the_address(url, journal, base, article, galley):
    address = parse_address(url)
    assert address is not None
    assert (address.journal_path, address.journal_url, address.article_id, address.galley) == (
        journal,
        base,
        article,
        galley,
    )


@pytest.mark.parametrize("url", [None, "", "file:///tmp/page.txt", "not a url"])
def test_no_address_without_an_http_url(url):
    assert parse_address(url) is None


def test_the_same_journal_over_http_and_https_is_one_journal():
    assert journal_url_key("http://www.Host.org/index.php/abc/") == journal_url_key(
        "https://host.org/index.php/abc"
    )
